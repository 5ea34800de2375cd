"""The output folder: built beside it, swapped in whole, one build at a time.

A build never writes into the published folder. It brings a staging folder next
to it (``.<name>.stage``) up to the new site, then exchanges the two folders in
one step (``renameat2(RENAME_EXCHANGE)`` on Linux), so a reader, an upload or a
killed build only ever sees the whole old site or the whole new one. The old
site stays behind as the next build's staging folder: unchanged files there and
in the output are hard links of one inode, so their modification times never
move, and an incremental build touches only what changed.

Every file is written through a temporary name and a rename, never opened for
writing in place: the two folders share inodes, and writing into one would
change the published site.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildFailed, OutputError
from generator.plan.manifest import digest
from generator.text.urls import OutputPath, is_inside

#: The output folder, inside the site folder, unless told otherwise.
OUTPUT_DIR = "_site"
#: Never removed from an output folder: a gh-pages worktree keeps its .git.
KEEP = frozenset({".git"})

#: What a file of the site holds, by path: the digest of its bytes.
Manifest = Mapping[OutputPath, str]


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse an output folder whose cleaning would delete the site's own files."""
    out = output.resolve()
    site = site_dir.resolve()
    # The site's inputs, its cache and its repository: a build into one of them (even
    # with --force) would replace what every later build reads.
    inputs = [site / name for name in ("content", "themes", "static", ".git", ".briefing-cache")]
    protected = [site, site / "site.yaml", *inputs]
    if any(out == p or p.is_relative_to(out) for p in protected) or any(
        out.is_relative_to(folder) for folder in inputs
    ):
        raise BuildFailed(
            [
                OutputError(
                    f"refusing to build into {output}: it holds the site's own files",
                    hint="choose a separate folder such as _site",
                )
            ]
        )


def check_swappable(output: Path) -> None:
    """Refuse an output folder that is a mount point: a finished site is swapped in by
    renaming folders, which a mount point cannot be, and the build would fail only
    after it had written a whole staging folder beside it, each time."""
    if os.path.ismount(output):
        raise BuildFailed(
            [
                OutputError(
                    f"refusing to build into {output}: it is a mount point, and briefing "
                    "swaps a finished site in by renaming folders, which a mount point "
                    "cannot be",
                    hint=f"build into a folder inside it (--output {output / 'site'}), or "
                    "elsewhere and copy the site there",
                )
            ]
        )


def stage_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.stage"


def lock_file(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


def folder_id(folder: Path) -> str | None:
    """Which folder is at ``folder`` now (device and inode), or None if there is none."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return None
    return f"{info.st_dev}:{info.st_ino}" if os.path.isdir(folder) else None


@contextmanager
def locked(output: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output's lock; a second build into the same folder waits for the first.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone,
    so worker processes forked during the build never hold it, and it goes when the
    process dies, however it dies.
    """
    path = lock_file(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise BuildFailed(
            [
                OutputError(
                    f"cannot write the site: cannot create {path.name} beside it "
                    f"({exc.strerror}); the published site in {output} was not changed",
                    hint="free some disk space or fix the folder's permissions, then build again",
                )
            ]
        ) from None
    try:
        try:
            _lock(fd, wait=False)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            if waiting:
                waiting(f"another build into {output} is running; waiting for it to finish")
            _lock(fd, wait=True)
        yield
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int, wait: bool) -> None:
    if sys.platform == "win32":  # no fcntl there; untested, but briefing imports and runs
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.lockf(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)


class Unpublished(Exception):
    """Files the output folder should hold but no longer holds as written."""

    def __init__(self, files: list[OutputPath]) -> None:
        super().__init__(f"{len(files)} published files changed by hand")
        self.files = files


class Stage:
    """The staging folder, being brought from what it holds to a new site.

    ``live`` is what the output folder holds, ``staged`` what the staging folder
    holds; None means unknown (a first build, or one after a crash), and an
    unknown staging folder is emptied before use.
    """

    def __init__(
        self,
        output: Path,
        live: Manifest | None,
        staged: Manifest | None,
        foreign: frozenset[OutputPath] = frozenset(),
    ) -> None:
        self.output = output
        #: Files of the output folder briefing did not write: carried over, never removed.
        self.foreign = foreign
        self.dir = stage_dir(output)
        self.live: Manifest = live or {}
        #: Whether the output folder's content is known (else nothing is linked from it).
        self.live_known = live is not None
        if self.dir.is_symlink():
            staged = None  # never build through a link, whatever the record says
        if staged is None and (self.dir.exists() or self.dir.is_symlink()):
            _remove(self.dir)
        self.staged: dict[OutputPath, str] = dict(staged or {})
        self.dir.mkdir(parents=True, exist_ok=True)
        #: Folders of the staging folder known to exist as real folders.
        self.folders: set[str] = set()
        #: Folders (root, path) seen to be real folders, not links.
        self._real: set[tuple[Path, str]] = set()
        self.written = 0
        self.linked = 0
        self.removed = 0

    def write(self, rel: OutputPath, data: bytes) -> str:
        """Put ``data`` at ``rel`` in the staging folder; return its digest."""
        found = digest(data)
        if self.staged.get(rel) == found:
            return found  # already there from the build before last
        target = self._target(rel)
        try:
            # Nothing there yet, the usual case: create it, never opening anything existing.
            with open(target, "xb") as file:
                file.write(data)
        except FileExistsError:
            # Something is there, perhaps a hard link shared with the published site:
            # replace the name, never write into the file.
            temp = self._temp(target)
            with open(temp, "xb") as file:
                file.write(data)
            self._replace(temp, target, rel)
        self.staged[rel] = found
        self.written += 1
        return found

    def complete(self, manifest: Manifest) -> None:
        """Make the staging folder hold exactly ``manifest``: files written already stay,
        unchanged ones are linked from the output folder, the rest go.

        Raise Unpublished naming the files that cannot be linked because the output
        folder no longer holds them as written (a link or a folder put in their
        place): the caller renders those and calls again.
        """
        missing = []
        for rel, wanted in manifest.items():
            if self.staged.get(rel) == wanted:
                continue
            if self.live.get(rel) != wanted:
                raise AssertionError(f"no content for {rel}: neither rendered nor published")
            if not self._plain(self.output, rel, file=True):
                missing.append(rel)
                continue
            self._link(rel)
            self.staged[rel] = wanted
        if missing:
            raise Unpublished(missing)
        for rel in sorted(self.foreign - manifest.keys()):
            if self._plain(self.output, rel) and os.path.lexists(self.output / rel):
                self._link(rel, count=False)
        gone = [rel for rel in self.staged if rel not in manifest]
        for rel in gone:
            if self._plain(self.dir, rel):
                _remove(self.dir / rel)
            del self.staged[rel]
            self.removed += 1
        _prune(self.dir, {rel.rpartition("/")[0] for rel in gone})

    def _plain(self, root: Path, rel: OutputPath, file: bool = False) -> bool:
        """Whether ``rel`` under ``root`` is reached through real folders only (and, with
        ``file``, is a regular file): never follow a link someone put there."""
        parts = rel.split("/")
        for index in range(1, len(parts)):
            folder = (root, "/".join(parts[:index]))
            if folder in self._real:
                continue
            try:
                if not stat.S_ISDIR(os.lstat(root / folder[1]).st_mode):
                    return False
            except FileNotFoundError:
                return not file
            self._real.add(folder)
        if not file:
            return True
        try:
            return stat.S_ISREG(os.lstat(root / rel).st_mode)
        except FileNotFoundError:
            return False

    def swap(self) -> None:
        """Publish the staging folder: exchange it with the output folder in one step."""
        if self.output.is_dir() and not self.output.is_symlink():
            moved = []
            for name in KEEP:
                kept, here = self.output / name, self.dir / name
                if (kept.exists() or kept.is_symlink()) and not here.exists():
                    os.rename(kept, here)
                    moved.append(name)
            try:
                exchanged = _exchange(self.dir, self.output)
            except OSError:
                for name in moved:  # the output keeps its .git whatever happens
                    os.rename(self.dir / name, self.output / name)
                raise
            if not exchanged:
                # No atomic exchange here (not Linux, or a file system without it): the
                # output is missing for the moment between two renames, never half-written.
                aside = self.output.parent / f".{self.output.name}.old"
                _remove(aside)
                os.rename(self.output, aside)
                os.rename(self.dir, self.output)
                os.rename(aside, self.dir)
            self._drop_foreign()
        else:
            if self.output.is_symlink() or self.output.exists():
                self.output.unlink()  # a link or a file where the site goes: never followed
            os.rename(self.dir, self.output)

    def _drop_foreign(self) -> None:
        """The old site, now the staging folder, lets go of the files briefing did not
        write: they live on in the output folder, the same files under the same names."""
        self._real.clear()  # the two folders just traded places
        for rel in self.foreign:
            if self._plain(self.dir, rel):
                _remove(self.dir / rel)
        _prune(self.dir, {rel.rpartition("/")[0] for rel in self.foreign})

    def _target(self, rel: OutputPath) -> Path:
        """The path for ``rel`` in the staging folder, its folders made, and a link or a
        file where one of them goes removed: nothing is ever written through a link."""
        if not is_inside(rel):
            raise OutputError(f"refusing to write outside the output folder: {rel}")
        parent = rel.rpartition("/")[0]
        if parent and parent not in self.folders:
            parts = parent.split("/")
            for index in range(1, len(parts) + 1):
                sub = "/".join(parts[:index])
                if sub in self.folders:
                    continue
                folder = self.dir / sub
                try:
                    folder.mkdir()
                except FileExistsError:  # another worker made it, or something is in its way
                    if not stat.S_ISDIR(os.lstat(folder).st_mode):
                        _remove(folder)
                        self._forget(sub)
                        folder.mkdir()
                self.folders.add(sub)
        return self.dir / rel

    def _temp(self, target: Path) -> Path:
        temp = target.with_name(f".{target.name}.tmp")
        _remove(temp)
        return temp

    def _replace(self, temp: Path, target: Path, rel: OutputPath) -> None:
        try:
            os.replace(temp, target)
        except IsADirectoryError:  # a folder where the file goes: a page that became a file
            _remove(target)
            self._forget(rel)
            os.replace(temp, target)

    def _forget(self, gone: OutputPath) -> None:
        for rel in [r for r in self.staged if r == gone or r.startswith(gone + "/")]:
            del self.staged[rel]

    def _link(self, rel: OutputPath, count: bool = True) -> None:
        """Make ``rel`` in the staging folder the very file the output folder has."""
        source = self.output / rel
        target = self._target(rel)
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:
            temp = self._temp(target)
            self._link_or_copy(source, temp)
            self._replace(temp, target, rel)
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise
            self._link_or_copy(source, target)
        self.linked += count

    @staticmethod
    def _link_or_copy(source: Path, target: Path) -> None:
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in NO_LINKS:
                raise
            shutil.copy2(source, target, follow_symlinks=False)  # no hard links here


#: Errors of a file system that cannot hard-link (then files are copied, times kept).
NO_LINKS = (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP)


def publish_one(output: Path, rel: OutputPath, data: bytes) -> str:
    """Replace one file of the output folder in place, for ``serve``'s preview only: its
    folder is its own, and the next build swaps in a whole site again. Never writes
    into the file (the staging folder may share it); returns the digest."""
    if not is_inside(rel):
        raise OutputError(f"refusing to write outside the output folder: {rel}")
    target = output / rel
    temp = target.with_name(f".{target.name}.tmp")
    with open(temp, "wb") as file:
        file.write(data)
    os.replace(temp, target)
    return digest(data)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not Linux, or a libc without it
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            return False
        if code in (errno.EXDEV, errno.EBUSY):
            raise OSError(
                code,
                f"{os.strerror(code)}: the output folder is a mount point, which cannot be "
                "replaced; build into a folder inside it",
                str(second),
            )
        raise OSError(code, os.strerror(code), str(second))
    return True


def _remove(path: Path) -> None:
    """Remove a file, link or folder tree; never follows a link."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _prune(root: Path, folders: set[str]) -> None:
    """Remove the given folders and their parents while they are empty."""
    candidates: set[str] = set()
    for rel in folders:
        parts = rel.split("/") if rel else []
        candidates.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
    for rel in sorted(candidates, key=lambda r: r.count("/"), reverse=True):
        folder = root / rel
        try:
            folder.rmdir()
        except OSError:
            continue  # not empty, or already gone


def survey(folder: Path) -> dict[OutputPath, str]:
    """The digest of every file under ``folder``, links skipped, as tests compare folders."""
    found: dict[OutputPath, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
        for name in filenames:
            path = base / name
            if not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = digest(path.read_bytes())
    return found
