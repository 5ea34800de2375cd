"""Files that travel with content: the pictures and documents items link to.

An item links a file relatively, as it sits beside the item's Markdown
(``![Map](map.png)`` in ``content/2025-07-22-talks/index.md``, or beside a loose
``content/2025-07-22-talks.md``). The file is published where that link leads from
the item's page, so the link works as written there, and on the edition's page and
in feeds once :func:`generator.render.views.rebase_links` points it through the base path.
Only linked files are published: a draft's pictures stay private.

A link to a local file that the build does not publish is an error at the link.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from generator.errors import ContentError, SiteError
from generator.model.records import (
    Attachment,
    Audio,
    AudioFile,
    Document,
    Item,
    LeadImage,
    Link,
    Picture,
    SitePage,
    Story,
    StoryNote,
)
from generator.project.config import SiteConfig
from generator.reading.assets import Asset
from generator.reading.content import AUDIO_TYPES
from generator.reading.sources import MARKDOWN_SUFFIXES
from generator.text.urls import has_scheme, internal_target

#: Links to these are pages, whose existence `briefing check` looks after.
_PAGE_SUFFIXES = frozenset({"", ".html", ".htm", *MARKDOWN_SUFFIXES})


def attachments(
    links: Iterable[Link],
    rel: str,
    item_path: str,
    item_url: str,
    assets: Mapping[str, Asset],
    config: SiteConfig,
) -> tuple[Attachment, ...]:
    """The files beside the item ``rel`` (relative to content/) that its links reach."""
    content_dir = item_path[: len(item_path) - len(rel)]
    found: dict[str, Attachment] = {}
    for link, _, source, asset in _linked(links, rel, assets):
        target = internal_target(link.url, item_url, config.base_path, config.url)
        if asset is None or target is None or target[0] in found:
            continue
        found[target[0]] = Attachment(
            path=content_dir + source,
            file=target[0],
            digest=asset.digest,
            width=asset.width,
            height=asset.height,
            size=asset.size,
        )
    return tuple(found.values())


#: Files a browser runs script from when opened: published on the site's origin (on
#: GitHub Pages, shared by every project site of the owner), they would get around
#: raw_html: false.
SCRIPT_SUFFIXES = frozenset({".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".xml"})


#: What a picture is called: a file of these a browser cannot show is a broken picture.
PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp"})
#: The most pixels of a picture beside an item (40 million: a 7,700 x 5,200 photo).
#: Larger ones take gigabytes to resize, and a few kilobytes of PNG can claim billions.
MAX_PIXELS = 40_000_000


def attachment_problems(
    links: Iterable[Link], rel: str, item_path: str, assets: Mapping[str, Asset],
    config: SiteConfig,
) -> list[SiteError]:  # fmt: skip
    """An error at each link to a file beside the item that must not be published: one
    that can carry script (unless the site trusts its items' HTML, ``raw_html: true``),
    a picture no browser can show (not one, or damaged), or one too large to handle."""
    errors: list[SiteError] = []
    for link, written, source, asset in _linked(links, rel, assets):
        problem = _problem(asset, _suffix(source), config) if asset else None
        if problem is not None:
            message, hint = problem
            errors.append(
                ContentError(
                    f"links to {written}, {message}",
                    path=item_path,
                    line=link.line,
                    col=link.col,
                    hint=hint,
                )
            )
    return errors


def _problem(asset: Asset, suffix: str, config: SiteConfig) -> tuple[str, str] | None:
    if suffix in SCRIPT_SUFFIXES and not config.raw_html:
        return (
            f"a file that can carry script ({suffix} runs in the reader's browser), and "
            "raw_html is off",
            "publish a PNG or PDF of it instead; or, if every file your items bring is "
            "trusted, set raw_html: true in site.yaml",
        )
    if suffix in PICTURE_SUFFIXES and not (asset.width and asset.height):
        return (
            f"which cannot be read as a {suffix} picture (it is damaged, is something "
            "else, or claims a size so large that it may be a decompression bomb)",
            "export the picture again, at the size the page needs, from the program that made it",
        )
    if asset.width and asset.height and asset.width * asset.height > MAX_PIXELS:
        return (
            f"a picture of {asset.width} x {asset.height} pixels, more than the "
            f"{MAX_PIXELS // 1_000_000} million a page picture may have",
            "make a smaller copy of it (3,000 pixels wide is plenty for a page)",
        )
    return None


def _linked(
    links: Iterable[Link], rel: str, assets: Mapping[str, Asset]
) -> Iterator[tuple[Link, str, str, Asset | None]]:
    """Each relative link of the item ``rel`` to a file: the link, its path as written,
    the file's path relative to content/, and the file if there is one."""
    folder = posixpath.dirname(rel)
    for link in links:
        written = _local_path(link.url)
        if written is not None:
            source = posixpath.normpath(posixpath.join(folder, written))
            yield link, written, source, assets.get(source)


def _local_path(url: str) -> str | None:
    """The file path of a relative link to a file ("map.png", "img/a%20b.jpg")."""
    if has_scheme(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def missing_files(
    items: Iterable[Item | SitePage | Story], files: Collection[str], config: SiteConfig
) -> Iterator[SiteError]:
    """Links and images to files of this site (not pages) that the build does not write."""
    for item in items:
        for link in item.links:
            target = internal_target(link.url, item.url, config.base_path, config.url)
            if target is None:
                continue
            path = target[0]
            if path in files or is_page_path(path):
                continue
            yield _missing(link, item, path, config)


def is_page_path(path: str) -> bool:
    """A link's site path that names a page (a folder, .html, Markdown), not a file."""
    return _suffix(path) in _PAGE_SUFFIXES


def _suffix(path: str) -> str:
    name = path.rpartition("/")[2]
    return posixpath.splitext(name)[1].lower() if not path.endswith("/") else ""


def _missing(link: Link, item: Item | SitePage | Story, path: str, config: SiteConfig) -> SiteError:
    written = urlsplit(link.url).path
    linking = item.path or ""  # a story links files only from a file of its own
    if written.startswith("/") or link.url.startswith(config.url):
        where = f"static/{path}"
        hint = "put the file in the site's static/ folder, or correct the link"
    else:
        folder = posixpath.dirname(linking)
        where = posixpath.normpath(posixpath.join(folder, unquote(written)))
        hint = f"put the file beside {posixpath.basename(linking)}, or correct the link"
    return ContentError(
        f"links to {link.url}, but there is no such file (looked for {where})",
        path=linking,
        line=link.line,
        col=link.col,
        hint=hint,
    )


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """The content folder's files besides the parsed ones: what items may link to."""

    #: Each item's path relative to content/, by the path messages show.
    rels: Mapping[str, str] = field(default_factory=dict)
    #: Every file that is not Markdown, by path relative to content/.
    assets: Mapping[str, Asset] = field(default_factory=dict)


def lead_picture(
    url: str,
    found: Sequence[Attachment],
    lead: LeadImage | None,
    config: SiteConfig,
    doc: Document | StoryNote,
    errors: list[SiteError],
) -> Picture | None:
    """The lead picture of the item (or story) at ``url``: at the site path its file is published
    to, with its size from the item's ``found`` attachments. A picture that is not a
    file of the content folder is an error: its name, taken as a site path
    (``../.git/config``), would be every page's link-preview picture."""
    if lead is None:
        return None
    if lead.src.startswith("https://"):
        return Picture(lead.src, True, lead.alt, lead.credit)
    target = internal_target(lead.src, url, config.base_path, config.url)
    path = target[0] if target else lead.src
    sized = next((a for a in found if a.file == path), None)
    if sized is None and is_page_path(path):  # a missing picture file: missing_files says
        errors.append(
            ContentError.at(
                f"'image' names {lead.src}, but there is no such file beside the item",
                path=doc.path,
                where=doc.value_at.get("image"),
                hint="put the picture beside the item and give its name, or an https address",
            )
        )
    return Picture(
        path,
        False,
        lead.alt,
        lead.credit,
        sized.width if sized else None,
        sized.height if sized else None,
    )


def item_audio(
    url: str, found: Sequence[Attachment], audio: AudioFile | None, config: SiteConfig
) -> Audio | None:
    """The audio of the item at ``url``: an https URL as given, or the file beside the
    item at the site path it is published to, with its length in bytes from the item's
    ``found`` attachments and its type from its suffix. None for a file that is not
    there: :func:`missing_files` reports the link."""
    if audio is None:
        return None
    if audio.src.startswith("https://"):
        # content.parse refuses an https URL without both.
        assert audio.length is not None and audio.type is not None
        return Audio(audio.src, True, audio.length, audio.type, audio.duration)
    target = internal_target(audio.src, url, config.base_path, config.url)
    path = target[0] if target else audio.src
    sized = next((a for a in found if a.file == path), None)
    if sized is None or sized.size is None:
        return None
    kind = AUDIO_TYPES[posixpath.splitext(audio.src)[1].lower()]
    return Audio(path, False, sized.size, kind, audio.duration)
