"""``briefing feeds``: the feeds a built site publishes, one absolute URL a line, for
scripts; above all the deploy workflow's, which tells the site's WebSub hub which of
them changed.

It reads the output folder's manifest, the build's own list of what it wrote, so it
lists exactly what the build published and reads nothing else of the site.
"""

from __future__ import annotations

from pathlib import Path

from generator.engine.outputdir import read_manifest
from generator.errors import BuildFailed, SiteError
from generator.project.config import SiteConfig
from generator.text.urls import as_uri, link

#: The file names of feeds: RSS, Atom and JSON Feed.
FEED_NAMES = ("feed.xml", "atom.xml", "feed.json")


def published_feeds(output: Path) -> list[str]:
    """The feed files of the site built in ``output``, by path inside it, sorted."""
    files = read_manifest(output)
    if files is None:
        raise BuildFailed(
            [
                SiteError(
                    "holds no site that briefing built",
                    path=str(output),
                    hint="run `briefing build` first, or give the folder it built into "
                    "with --output",
                )
            ]  # fmt: skip
        )
    return sorted(f for f in files if f.rsplit("/", 1)[-1] in FEED_NAMES)


def feed_lines(config: SiteConfig, files: list[str]) -> list[str]:
    """``<absolute URL> <path in the output folder>`` for each feed: what a reader and
    a hub call it (a URI, its non-ASCII letters percent-encoded), and the file."""
    lines = []
    for file in files:
        url = config.url + link("", file)
        lines.append(f"{as_uri(url) or url} {file}")
    return lines
