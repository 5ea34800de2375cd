"""Whose files the output folder holds: briefing's manifest there, and the survey
that finds the files it did not write.

A build replaces the output folder whole (see :mod:`generator.engine.stage`), which
would delete whatever else is in it. So the folder carries a manifest,
``.briefing-output.json``, naming every file briefing wrote; the survey before a
build finds everything else. Those files are carried into the new site untouched,
never deleted. A folder that holds files but no manifest was not made by briefing
(``--output`` pointed at the wrong place, or at another tool's output): building
there is refused, saying what is there, unless ``--force`` adopts it.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, OutputError
from generator.plan.manifest import MANIFEST
from generator.text.urls import OutputPath

#: Never counted, carried or removed: a gh-pages worktree keeps its .git.
KEEP = frozenset({".git"})
#: How many of a folder's files an error names before it says "and N more".
SHOWN = 5


def read_manifest(output: Path) -> set[OutputPath] | None:
    """The files the manifest says briefing wrote; None when there is no usable one."""
    try:
        data = json.loads((output / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written by") != "briefing":
        return None
    files = data.get("files")
    if not isinstance(files, list):
        return None
    return {f for f in files if isinstance(f, str)}


@dataclass(frozen=True, slots=True)
class Survey:
    """The output folder before a build."""

    #: Files there that briefing did not write: carried into the new site, kept.
    foreign: frozenset[OutputPath] = frozenset()
    #: ``--force``: foreign files where the site puts a page are replaced, not refused.
    force: bool = False

    def check_plan(self, output: Path, planned: Iterable[OutputPath]) -> None:
        """Refuse to replace a file briefing did not write, unless forced."""
        if self.force or not self.foreign:
            return
        clash = sorted(self.foreign.intersection(planned))
        if clash:
            raise BuildFailed(
                [
                    OutputError(
                        f"{output / name} was not written by briefing, and the site puts a "
                        "file there",
                        hint="move it out of the folder, or build with --force to replace it",
                    )
                    for name in clash
                ]
            )


@dataclass(frozen=True, slots=True)
class Known:
    """What the last build into the folder recorded of it (see :func:`folder_times`)."""

    #: Every file briefing wrote there.
    ours: frozenset[OutputPath]
    #: Every folder, with its modification time (0: look inside whatever it says).
    folders: Mapping[str, int]
    #: The files of others in it.
    foreign: frozenset[OutputPath]


def survey(output: Path, force: bool, known: Known | None = None) -> Survey:
    """What ``output`` holds besides briefing's own files; BuildFailed when it is not
    briefing's folder and ``force`` was not given.

    With what the last build ``known`` of the folder, only folders whose time moved
    are listed again: adding or removing a file changes its folder's time, and a
    site of 10,000 items has 10,000 folders, which take a quarter second to list.
    """
    try:
        info = os.lstat(output)
    except FileNotFoundError:
        return Survey(force=force)
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(output)
        raise _refused(
            output,
            f"it is a symbolic link to {target}; briefing replaces its output folder whole, "
            "link and all",
            f"build into {target} itself",
        )
    if not stat.S_ISDIR(info.st_mode):
        raise _refused(output, "it is a file, not a folder", "move it away or choose a folder")
    try:
        if known is not None:
            return Survey(frozenset(_files_since(output, known) - known.ours - {MANIFEST}), force)
        present = _files(output)
    except OSError as exc:
        raise _refused(
            output, f"it cannot be read ({exc.strerror})", "fix its permissions"
        ) from None
    ours = read_manifest(output)
    if ours is None:
        if present and not force:
            raise _refused(
                output,
                f"it holds {_listing(present)}, and briefing did not make it",
                "build into an empty or new folder, or pass --force to build there; "
                "--force keeps those files, except where the site puts its own",
            )
        return Survey(frozenset(present), force)
    return Survey(frozenset(present - ours - {MANIFEST}), force)


def folder_times(output: Path, files: Iterable[OutputPath]) -> dict[str, int]:
    """The modification time of every folder holding ``files``, for the next survey.

    A folder changed within the last two seconds may change again within the same
    timestamp tick: it is recorded as 0, to be listed next time whatever its time.
    """
    folders = {""}
    for file in files:
        folder = file.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    racy = time.time_ns() - RACY_NS
    times = {}
    root = str(output)
    for folder in folders:
        try:
            # Plain text paths: 15,000 Path objects cost more than the lstat calls.
            mtime = os.lstat(f"{root}/{folder}" if folder else root).st_mtime_ns
        except OSError:
            continue
        times[folder] = mtime if mtime < racy else 0
    return times


#: See :func:`folder_times` (git's rule for files, applied to folders).
RACY_NS = 2_000_000_000


def _files_since(output: Path, known: Known) -> set[OutputPath]:
    """The files of ``output`` outside ``known.ours``' reach: listed afresh in folders
    whose time moved (and in folders new since), taken from the record elsewhere."""
    listed: set[str] = set()
    found: set[OutputPath] = set()
    root = str(output)
    for folder, mtime in known.folders.items():
        path = f"{root}/{folder}" if folder else root
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            listed.add(folder)  # gone, with whatever it held
            continue
        if not stat.S_ISDIR(info.st_mode):
            listed.add(folder)  # a file in its place is listed with its parent
            continue
        if mtime and info.st_mtime_ns == mtime:
            continue
        listed.add(folder)
        prefix = f"{folder}/" if folder else ""
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if not folder and entry.name in KEEP:
                    continue
                if not entry.is_dir(follow_symlinks=False):
                    found.add(rel)
                elif rel not in known.folders:
                    found.update(f"{rel}/{n}" for n in _files(Path(entry.path), frozenset()))
    found.update(f for f in known.foreign if f.rpartition("/")[0] not in listed)
    return found


def _refused(output: Path, why: str, fix: str) -> BuildFailed:
    return BuildFailed([OutputError(f"refusing to build into {output}: {why}", hint=fix)])


def _listing(files: set[OutputPath]) -> str:
    names = sorted(files)
    shown = ", ".join(names[:SHOWN])
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return f"{len(names)} file{'s' if len(names) != 1 else ''} ({shown}{more})"


def _files(output: Path, keep: frozenset[str] = KEEP) -> set[OutputPath]:
    """Every file and link under ``output``, '/'-separated; links are never followed."""
    found: set[OutputPath] = set()
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name in keep:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + entry.name + "/"))
                else:
                    found.add(prefix + entry.name)
    return found
