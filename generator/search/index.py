"""The search index: the site's search documents through Pagefind, as a bundle of files.

Pagefind's Python API runs its binary (from ``pagefind[bin]``) as a service and
talks to it over a pipe. Documents are sent one by one, in the site's order, so
that Pagefind numbers the pages the same way on every machine; its own
``add_directory`` would number them in the order the file system lists a
folder, which differs between machines. The bundle comes back through the pipe,
never touching the disk, and is made repeatable by :mod:`generator.search.bundle`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from importlib import metadata

from generator.errors import BuildFailed, OutputError
from generator.render.views import SEARCH_BUNDLE
from generator.search.bundle import repeatable
from generator.search.documents import SearchDocument, documents_digest
from generator.search.pagefind import index_files
from generator.text.urls import OutputPath

#: Pagefind's ready-made interfaces, left out: a theme searches through pagefind.js, as
#: the default theme's search page does, and ships its own look (these are 410 KB of
#: scripts and styles no page would load).
PAGEFIND_UI = (
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
)
HINT = (
    "install it with `pip install 'pagefind[bin]'`, or turn search off with "
    "`search: false` in site.yaml"
)


def engine_version() -> str:
    """Pagefind's version, part of the index's digest: a new Pagefind indexes afresh."""
    found = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            found.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return " ".join(found) or "none"


def index_key(documents: Sequence[SearchDocument], language: str) -> str:
    """What an index is made from: the documents, the language and Pagefind's version.
    The same key, the same index."""
    return documents_digest(documents, f"{language}\0{engine_version()}")


def index_bundle(
    documents: Sequence[SearchDocument],
    language: str,
    started: Callable[[int], None] | None = None,
) -> dict[OutputPath, bytes]:
    """The bundle's files by output path (``pagefind/...``); raise BuildFailed if Pagefind
    is missing or fails. ``started`` is told the process id of Pagefind's service, for a
    caller in another thread that may have to stop it."""
    try:
        files = asyncio.run(index_files(documents, language, started))
    except (ImportError, FileNotFoundError) as exc:
        raise _failed(f"Pagefind is not installed ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - Pagefind reports its errors as Exception
        raise _failed(f"Pagefind failed: {exc}") from None
    return {
        f"{SEARCH_BUNDLE}/{rel}": data
        for rel, data in sorted(repeatable(files).items())
        if not rel.startswith(PAGEFIND_UI)
    }


def _failed(message: str) -> BuildFailed:
    return BuildFailed([OutputError(f"cannot make the search index: {message}", hint=HINT)])
