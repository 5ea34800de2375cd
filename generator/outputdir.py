"""Whose files the output folder holds: briefing's manifest there, and the survey
that finds the files it did not write.

A build replaces the output folder whole (see :mod:`generator.stage`), which
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, OutputError
from generator.urls import OutputPath

#: The manifest's name inside the output folder. Published with the site, it says
#: nothing the site does not: the list of its files.
MANIFEST = ".briefing-output.json"
#: Never counted, carried or removed: a gh-pages worktree keeps its .git.
KEEP = frozenset({".git"})
#: How many of a folder's files an error names before it says "and N more".
SHOWN = 5


def manifest_text(files: Iterable[OutputPath]) -> bytes:
    """The manifest of a site of ``files`` (which include the manifest itself)."""
    listing = {"written by": "briefing", "files": sorted(files)}
    return (json.dumps(listing, ensure_ascii=False, indent=0) + "\n").encode()


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


def survey(output: Path, force: bool) -> Survey:
    """What ``output`` holds besides briefing's own files; BuildFailed when it is not
    briefing's folder and ``force`` was not given."""
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


def _refused(output: Path, why: str, fix: str) -> BuildFailed:
    return BuildFailed([OutputError(f"refusing to build into {output}: {why}", hint=fix)])


def _listing(files: set[OutputPath]) -> str:
    names = sorted(files)
    shown = ", ".join(names[:SHOWN])
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return f"{len(names)} file{'s' if len(names) != 1 else ''} ({shown}{more})"


def _files(output: Path) -> set[OutputPath]:
    """Every file and link under ``output``, '/'-separated; links are never followed."""
    found: set[OutputPath] = set()
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name in KEEP:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + entry.name + "/"))
                else:
                    found.add(prefix + entry.name)
    return found
