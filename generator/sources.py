"""Read content files from disk: the only place content is touched as files."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.cache import source_key
from generator.errors import ContentError, SiteError
from generator.store import FileSeen
from generator.textfile import decode

__all__ = ["Discovery", "Source", "decode", "discover"]


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
class Discovery:
    """The content folder now: every file as seen, and the text of those that changed."""

    #: Every content file, by path relative to the content folder, in sorted order.
    seen: dict[str, FileSeen]
    #: The files whose stat differs from what was seen last time, read and decoded.
    changed: list[Source]
    errors: list[SiteError]


#: A file changed less than this long before it was read may change again within the
#: same timestamp tick; it is read again next time whatever its stat says (git's rule).
RACY_NS = 2_000_000_000


def discover(
    content_dir: Path, before: Mapping[str, FileSeen], only: Collection[str] | None = None
) -> Discovery:
    """Every ``*.md`` under ``content_dir`` in a stable order; read only what changed.

    A file whose size, times and inode are those seen ``before`` is not read again.
    Hidden files and folders (editor swap files, ``.git``) are skipped. ``only``
    (paths relative to ``content_dir``) limits the look to those files, the others
    taken as seen before: ``serve`` knows from file events which files moved.
    """
    seen: dict[str, FileSeen] = {}
    changed: list[Source] = []
    errors: list[SiteError] = []
    racy = time.time_ns() - RACY_NS
    found = _walk(content_dir) if only is None else _look_at(content_dir, before, only)
    for rel, info in found:
        last = before.get(rel)
        if last is not None and (last.size, last.mtime_ns, last.ctime_ns, last.inode) == info:
            seen[rel] = last
            continue
        path = content_dir / rel
        try:
            text = decode(path.read_bytes(), str(path))
        except ContentError as exc:
            errors.append(exc)
            continue
        except OSError as exc:
            errors.append(
                ContentError(
                    f"cannot read this file: {exc.strerror}",
                    path=path,
                    hint="check that the file exists and that you may read it",
                )
            )
            continue
        size, mtime, ctime, inode = info
        key = source_key(rel, text)
        seen[rel] = FileSeen(size, mtime if mtime < racy else 0, ctime, inode, key)
        changed.append(Source(str(path), PurePosixPath(rel), text))
    return Discovery(seen, changed, errors)


#: What decides whether a file changed: size, modification and change times, inode.
Stat = tuple[int, int, int, int]


def _stat(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _look_at(
    content_dir: Path, before: Mapping[str, FileSeen], only: Collection[str]
) -> list[tuple[str, Stat]]:
    """The files seen before, with those in ``only`` looked at again (gone, new or changed)."""
    found = {
        rel: (rel, (seen.size, seen.mtime_ns, seen.ctime_ns, seen.inode))
        for rel, seen in before.items()
    }
    for rel in only:
        found.pop(rel, None)
        path = content_dir / rel
        if rel.endswith(".md") and not any(part.startswith(".") for part in rel.split("/")):
            try:
                info = path.stat()
            except (FileNotFoundError, NotADirectoryError):
                continue
            if stat.S_ISREG(info.st_mode):
                found[rel] = (rel, _stat(info))
    return [found[rel] for rel in sorted(found)]


def _walk(content_dir: Path) -> Iterator[tuple[str, Stat]]:
    """Markdown files under ``content_dir``, sorted by path, with their stat."""
    found: list[tuple[str, Stat]] = []
    stack = [(content_dir, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), rel + "/"))
            elif entry.name.endswith(".md") and entry.is_file():
                try:
                    found.append((rel, _stat(entry.stat())))
                except FileNotFoundError:
                    continue  # gone since the folder was listed
    found.sort(key=lambda entry: entry[0])
    yield from found
