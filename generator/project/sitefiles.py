"""Walk and read the site folder's files without ever leaving it.

The site folder is untrusted: it arrives as pull requests. A symbolic link (or a
Windows junction) may point anywhere, at ``/etc/passwd`` or at ``.git/config``, which
on a CI runner holds the checkout's token. So every link is resolved, and one whose
target lies outside the site folder, or in a hidden part of it (``.git``,
``.briefing-cache``), is an error naming the link and its target. A link that stays
inside is followed, to files and folders alike; a folder reached again through a
link (a loop) is an error rather than a walk without end. Files that are not plain
files (pipes, devices) are refused: reading one could hang or never end.

Only links are resolved: a walk of 10,000 plain files costs no more than it did.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ReadError, SiteError

__all__ = ["Found", "Walk", "check_inside", "read_file", "read_inside", "walk"]

#: What decides whether a file changed: size, modification and change times, inode.
Stat = tuple[int, int, int, int]

OUTSIDE_HINT = (
    "briefing reads nothing outside the site folder or in its hidden folders; "
    "copy the file into the site instead of linking to it"
)


def stat_key(info: os.stat_result) -> Stat:
    """The stat that tells a change; the file's identity is its device and inode together,
    folded into one number so that two files on different devices never look alike."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, hash((info.st_dev, info.st_ino))


@dataclass(frozen=True, slots=True)
class Found:
    """One file of a walk."""

    #: '/'-separated path under the folder walked, as the editor named it (perhaps a link).
    rel: str
    #: The file itself: the link's target when ``rel`` names a link.
    real: str
    stat: Stat


@dataclass(frozen=True, slots=True)
class Walk:
    files: list[Found]
    errors: list[SiteError]
    #: The real paths that links inside the folder lead to, files and folders alike.
    linked: list[str] = field(default_factory=list)


def _inside(real: str, root: str) -> bool:
    """True when ``real`` (resolved) lies in ``root`` (resolved), in no hidden part of it."""
    return _outside_because(real, root) is None


def _outside_because(real: str, root: str) -> str | None:
    """Why a resolved path is not one the site may read; None when it may."""
    top = root.rstrip(os.sep)
    if real == root or real == top:
        return None
    if not real.startswith(top + os.sep):
        return "outside the site folder"
    hidden = [part for part in real[len(top) + 1 :].split(os.sep) if part.startswith(".")]
    return f"inside the site's hidden {hidden[0]}" if hidden else None


def _link_error(shown: str, real: str, root: str) -> ReadError:
    why = _outside_because(real, root) or "outside the site folder"
    return ReadError(f"is a symbolic link to {real}, {why}", path=shown, hint=OUTSIDE_HINT)


def check_inside(path: Path, root: Path) -> ReadError | None:
    """An error when ``path`` (a file or folder the site names) resolves outside ``root``."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return None if _inside(real, top) else _link_error(str(path), real, top)


def read_inside(path: Path, root: Path) -> bytes:
    """The bytes of ``path``, refused when it resolves outside ``root`` or is no plain file.

    Raises :class:`ReadError` with the reason; a missing file raises FileNotFoundError,
    so that callers can say what should have been there.
    """
    outside = check_inside(path, root)
    if outside is not None:
        raise outside
    return read_file(str(path), str(path))


def read_file(path: str, shown: str) -> bytes:
    """The bytes of a plain file a walk found; a pipe or device is refused, not read."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise unreadable(shown, exc) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise not_a_file(shown)
        try:
            return file.read()
        except OSError as exc:
            raise unreadable(shown, exc) from None


def unreadable(shown: str, exc: OSError) -> ReadError:
    reason = (exc.strerror or str(exc)).lower()
    return ReadError(
        f"cannot be read: {reason}",
        path=shown,
        hint="make it readable (chmod a+r) or move it out of the site folder",
    )


def not_a_file(shown: str) -> ReadError:
    return ReadError(
        "is not a plain file (a pipe, socket or device)",
        path=shown,
        hint="replace it with a plain file or remove it",
    )


def walk(
    folder: Path, root: Path, wanted: Callable[[str], bool], *, hidden: frozenset[str] = frozenset()
) -> Walk:
    """The files under ``folder`` whose '/'-separated relative path is ``wanted``.

    Hidden files and folders (names starting with '.') are skipped, except the folders
    directly in ``folder`` named in ``hidden``. The result is sorted by path. A missing
    ``folder`` has no files.
    """
    root_real = os.path.realpath(root)
    files: list[Found] = []
    errors: list[SiteError] = []
    linked: list[str] = []
    if not os.path.lexists(folder):
        return Walk(files, errors)
    start = os.path.realpath(folder)
    if not _inside(start, root_real):
        return Walk(files, [_link_error(str(folder), start, root_real)])
    # Each entry: the folder as shown, its real path, its relative prefix, and the real
    # paths of the folders above it (a link back to one of those is a loop).
    stack: list[tuple[str, str, str, frozenset[str]]] = [(str(folder), start, "", frozenset())]
    while stack:
        shown, real, prefix, above = stack.pop()
        try:
            entries = list(os.scandir(real))
        except FileNotFoundError:
            continue
        except OSError as exc:
            errors.append(unreadable(shown, exc))
            continue
        chain = above | {real}
        for entry in entries:
            if entry.name.startswith(".") and (prefix or entry.name not in hidden):
                continue
            rel = prefix + entry.name
            entry_shown = os.path.join(shown, entry.name)
            folder_next = _visit(entry, rel, entry_shown, root_real, wanted, files, errors, linked)
            if folder_next is None:
                continue
            if folder_next in chain:
                errors.append(
                    ReadError(
                        f"is a symbolic link to {folder_next}, a folder that contains it",
                        path=entry_shown,
                        hint="remove the link: following it would never end",
                    )
                )
                continue
            stack.append((entry_shown, folder_next, rel + "/", chain))
    files.sort(key=lambda found: found.rel)
    return Walk(files, errors, linked)


def _is_link(entry: os.DirEntry[str]) -> bool:
    # A Windows junction is a link in all but name (Python 3.12 tells them apart).
    junction = getattr(entry, "is_junction", None)
    return entry.is_symlink() or bool(junction and junction())


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    shown: str,
    root_real: str,
    wanted: Callable[[str], bool],
    files: list[Found],
    errors: list[SiteError],
    linked: list[str],
) -> str | None:
    """Note one folder entry; return the real path of a folder to walk into."""
    real = entry.path
    link = _is_link(entry)
    if link:
        real = os.path.realpath(entry.path)
        if not _inside(real, root_real):
            errors.append(_link_error(shown, real, root_real))
            return None
        linked.append(real)
    elif entry.is_dir(follow_symlinks=False):
        return real
    elif not wanted(rel):
        return None  # a plain file the walk does not want: not even looked at
    try:
        info = os.stat(real)
    except FileNotFoundError:
        if not link:
            return None  # deleted since the folder was listed (a save, a checkout)
        if wanted(rel):  # a dangling link the walk would not read is nobody's concern
            errors.append(
                ReadError(
                    f"is a symbolic link to {real}, which does not exist",
                    path=shown,
                    hint="point it at a file of the site or remove it",
                )
            )
        return None
    except OSError as exc:
        errors.append(unreadable(shown, exc))
        return None
    if stat.S_ISDIR(info.st_mode):
        return real
    if not wanted(rel):
        return None
    if stat.S_ISREG(info.st_mode):
        files.append(Found(rel, real, stat_key(info)))
    else:
        errors.append(not_a_file(shown))
    return None
