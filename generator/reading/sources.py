"""Read content files from disk: the only place content is touched as files."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import ContentError, SiteError
from generator.project.sitefiles import (
    Stat,
    check_inside,
    not_a_file,
    read_inside,
    stat_key,
    unreadable,
    walk,
)
from generator.reading.assets import describe
from generator.text.textfile import decode

__all__ = [
    "Discovery", "FileSeen", "Source", "decode", "discover", "is_markdown", "read_source",
    "source_key",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source:
    """One content file's text, with the names we report it by."""

    #: The path shown in messages ("content/2025-07-22-talks.md").
    path: str
    #: Path relative to the content folder, '/'-separated.
    rel: PurePosixPath
    #: The decoded text, with '\n' line ends and no byte-order mark.
    text: str


@dataclass(frozen=True, slots=True)
class FileSeen:
    """A content file as last seen: if its stat is the same, so is its text."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    #: The file's source key (:func:`source_key`).
    key: str


def source_key(rel: str, text: str) -> str:
    """What identifies one content file: its place and its text."""
    return hashlib.blake2b(f"{rel}\0{text}".encode(), digest_size=20).hexdigest()


@dataclass(frozen=True, slots=True)
class Discovery:
    """The content folder now: every file as seen, and the text of those that changed."""

    #: Every content file, by path relative to the content folder, in sorted order.
    seen: dict[str, FileSeen]
    #: The files whose stat differs from what was seen last time, read and decoded.
    changed: list[Source]
    errors: list[SiteError]
    #: Real paths that links in the content folder lead to (None: not walked this time).
    linked: frozenset[str] | None = None


#: A file changed less than this long before it was read may change again within the
#: same timestamp tick; it is read again next time whatever its stat says (git's rule).
RACY_NS = 2_000_000_000


def discover(
    content_dir: Path,
    before: Mapping[str, FileSeen],
    only: Collection[str] | None = None,
    root: Path | None = None,
) -> Discovery:
    """Every ``*.md`` under ``content_dir`` in a stable order; read only what changed.

    A file whose size, times and inode are those seen ``before`` is not read again.
    Hidden files and folders (editor swap files, ``.git``) are skipped. ``only``
    (paths relative to ``content_dir``) limits the look to those files, the others
    taken as seen before: ``serve`` knows from file events which files moved.
    Nothing outside ``root`` (the site folder; by default the content folder's
    parent) is read: see :mod:`generator.project.sitefiles`. One file reached by two paths
    (a link beside its target, a hard link) is one item, under the first path.
    """
    root = content_dir.parent if root is None else root
    seen: dict[str, FileSeen] = {}
    changed: list[Source] = []
    errors: list[SiteError] = []
    racy = time.time_ns() - RACY_NS
    linked = None
    if only is None:
        walked = walk(content_dir, root, _is_content)
        found, errors = [(f.rel, f.stat) for f in walked.files], walked.errors
        linked = frozenset(walked.linked)
    else:
        found = _look_at(content_dir, root, before, only, errors)
    for rel, info in _once_each(found):
        last = before.get(rel)
        if last is not None and (last.size, last.mtime_ns, last.ctime_ns, last.inode) == info:
            seen[rel] = last
            continue
        size, mtime, ctime, inode = info
        if is_mdx(rel):
            errors.append(mdx_error(str(content_dir / rel)))
            continue
        if not is_markdown(rel):
            key = _asset_key(content_dir / rel, root, errors)
            if key is not None:
                seen[rel] = FileSeen(size, mtime if mtime < racy else 0, ctime, inode, key)
            continue
        source = read_source(content_dir, rel, root, errors)
        if source is None:
            continue
        key = source_key(rel, source.text)
        seen[rel] = FileSeen(size, mtime if mtime < racy else 0, ctime, inode, key)
        changed.append(source)
    return Discovery(seen, changed, errors, linked)


def read_source(
    content_dir: Path, rel: str, root: Path, errors: list[SiteError] | None = None
) -> Source | None:
    """One content file read and decoded; None, with the error noted, when it cannot be."""
    path = content_dir / rel
    try:
        text = decode(read_inside(path, root), str(path))
    except SiteError as exc:
        if errors is not None:
            errors.append(exc)
        return None
    except OSError:
        return None  # gone since it was listed: the next look will not find it
    return Source(str(path), PurePosixPath(rel), text)


#: The names Markdown files go by (in any case): Jekyll, Hugo, Pelican and editors
#: write all of them, and a file not read as an item would vanish without a word.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
#: MDX: Markdown with JSX imports and components, which no static page can run.
MDX_SUFFIX = ".mdx"


def markdown_suffix(rel: str) -> str | None:
    """The Markdown suffix of ``rel`` as written (``.md``, ``.Markdown``), else None."""
    name = rel.rpartition("/")[2]
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix}" if dot and stem and f".{suffix.lower()}" in MARKDOWN_SUFFIXES else None


def is_markdown(rel: str) -> bool:
    """A content file of text: Markdown, and not a note about the folder. ``README.md``
    explains a folder to whoever browses the repository; ``_index.md`` and other names
    starting with '_' are other generators' section files. Neither is an item."""
    name = rel.rpartition("/")[2]
    return (
        markdown_suffix(name) is not None
        and not name.startswith("_")
        and name.rpartition(".")[0].lower() != "readme"
    )


def is_mdx(rel: str) -> bool:
    return rel.lower().endswith(MDX_SUFFIX) and not rel.rpartition("/")[2].startswith("_")


def mdx_error(path: str) -> ContentError:
    return ContentError(
        "this is an MDX file, and briefing reads Markdown: its JSX imports and components "
        "(<Tabs>, {props}, export ...) would be lost, so it is not published",
        path=path,
        hint="replace each component with Markdown (or HTML, with raw_html: true in "
        "site.yaml), drop the import and export lines, and rename the file to .md",
    )


def _is_content(rel: str) -> bool:
    """Markdown, or a file items may link to (a picture, a PDF): every other file but
    the Markdown that is not an item. Files are published only when an item links them.
    MDX is looked at, to be reported."""
    return is_markdown(rel) or markdown_suffix(rel) is None


def _asset_key(path: Path, root: Path, errors: list[SiteError]) -> str | None:
    """The key of a file that is not Markdown: its digest and, for a picture, its size."""
    try:
        return describe(read_inside(path, root)).key()
    except SiteError as exc:
        errors.append(exc)
    except OSError:
        pass  # gone since it was listed: the next look will not find it
    return None


def _once_each(found: list[tuple[str, Stat]]) -> list[tuple[str, Stat]]:
    """Each file once, under the first of its paths: a link and its target are one story."""
    files: dict[int, str] = {}
    unique = []
    for rel, info in found:
        inode = info[3]
        if inode and files.setdefault(inode, rel) != rel:
            continue
        unique.append((rel, info))
    return unique


def _look_at(
    content_dir: Path,
    root: Path,
    before: Mapping[str, FileSeen],
    only: Collection[str],
    errors: list[SiteError],
) -> list[tuple[str, Stat]]:
    """The files seen before, with those in ``only`` looked at again (gone, new or changed)."""
    found = {
        rel: (rel, (seen.size, seen.mtime_ns, seen.ctime_ns, seen.inode))
        for rel, seen in before.items()
    }
    for rel in only:
        found.pop(rel, None)
        path = content_dir / rel
        if _is_content(rel) and not any(part.startswith(".") for part in rel.split("/")):
            outside = check_inside(path, root)
            if outside is not None:
                if os.path.lexists(path):
                    errors.append(outside)
                continue
            try:
                info = path.stat()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                errors.append(unreadable(str(path), exc))
                continue
            if stat.S_ISREG(info.st_mode):
                found[rel] = (rel, stat_key(info))
            else:
                errors.append(not_a_file(str(path)))
    return [found[rel] for rel in sorted(found)]
