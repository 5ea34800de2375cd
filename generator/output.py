"""Write the rendered site: the single place output touches the disk.

Files are compared with what is already there and rewritten only when their
bytes differ, each through a temporary file and an atomic rename inside the
output folder; files a previous build wrote that this one does not are removed.
Everything is rendered before this stage runs, so a build with errors never
gets here and the published folder stays as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import BuildFailed, OutputError
from generator.urls import is_inside

#: Never removed from an output folder: a gh-pages worktree keeps its .git.
KEEP = frozenset({".git"})


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse an output folder whose cleaning would delete the site's own files."""
    out = output.resolve()
    site = site_dir.resolve()
    protected = [site, site / "content", site / "themes", site / "site.yaml"]
    if (
        any(out == p or p.is_relative_to(out) for p in protected)
        or out.is_relative_to(site / "content")
        or out.is_relative_to(site / "themes")
    ):
        raise BuildFailed(
            [
                OutputError(
                    f"refusing to build into {output}: it holds the site's own files",
                    hint="choose a separate folder such as _site",
                )
            ]
        )


def write_site(
    output: Path,
    files: Mapping[PurePosixPath, bytes],
    kept: AbstractSet[PurePosixPath] = frozenset(),
    previous: AbstractSet[PurePosixPath] | None = None,
) -> WriteReport:
    """Make ``output`` hold exactly ``files`` plus the ``kept`` files already there.

    ``previous`` lists the files this process wrote there last time; with it the
    folder is not surveyed again (``serve``, where nobody else writes to it).
    Return how many files were written, left unchanged, and removed.
    """
    root = output.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
        existing = _survey(root) if previous is None else _as_tree(previous)
        written = unchanged = 0
        made: set[PurePosixPath] = set()
        for rel, data in sorted(files.items()):
            if not is_inside(rel):
                raise OutputError(f"refusing to write outside the output folder: {rel}")
            if rel.parent not in made:
                _make_folder(root, rel.parent, existing)
                made.add(rel.parent)
            target = root.joinpath(*rel.parts)
            kind = existing.get(rel)
            if kind is None:
                target.write_bytes(data)  # nothing there to protect: write it directly
                written += 1
                continue
            if kind == "dir":
                shutil.rmtree(target)
            elif kind == "file" and target.stat().st_size == len(data):
                if target.read_bytes() == data:
                    unchanged += 1
                    continue
            # Replace through a rename, so that a reader never sees half a file.
            temp = target.with_name(f".{target.name}.tmp")
            temp.write_bytes(data)
            os.replace(temp, target)
            written += 1
        unchanged += len(kept)
        removed = _remove_stale(root, existing, files, kept)
    except OSError as exc:
        raise BuildFailed([OutputError(f"cannot write the site: {exc}", path=output)]) from None
    except OutputError as exc:
        raise BuildFailed([exc]) from None
    return WriteReport(written, unchanged, removed)


def _survey(root: Path) -> dict[PurePosixPath, str]:
    """What the output folder holds ("file" or "dir"), after removing every symbolic link.

    We never create links; one found here was put by someone else and could carry a
    write outside the folder, so it goes before anything is written.
    """
    found: dict[PurePosixPath, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        folder = PurePosixPath(Path(dirpath).relative_to(root).as_posix())
        if folder == PurePosixPath("."):
            dirnames[:] = [d for d in dirnames if d not in KEEP]
            folder = PurePosixPath()
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                path.unlink()
                continue
            found[folder / name] = "dir" if name in dirnames else "file"
        dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink()]
    return found


def _as_tree(files: AbstractSet[PurePosixPath]) -> dict[PurePosixPath, str]:
    """A survey's answer, known without looking: these files and their folders."""
    tree: dict[PurePosixPath, str] = {}
    for file in files:
        tree[file] = "file"
        for folder in file.parents:
            if folder != PurePosixPath("."):
                tree[folder] = "dir"
    return tree


def _make_folder(root: Path, rel: PurePosixPath, existing: dict[PurePosixPath, str]) -> None:
    """Create a folder of the output; a file in its way (a page that became a folder) goes."""
    for part in [*reversed(rel.parents), rel]:
        if existing.get(part) == "file":
            (root / part).unlink()
            existing[part] = "dir"
    root.joinpath(*rel.parts).mkdir(parents=True, exist_ok=True)


def _remove_stale(
    root: Path,
    existing: dict[PurePosixPath, str],
    files: Mapping[PurePosixPath, bytes],
    kept: AbstractSet[PurePosixPath],
) -> int:
    """Remove what an earlier build wrote and this one did not; then empty folders."""
    removed = 0
    for rel, kind in existing.items():
        if kind == "file" and rel not in files and rel not in kept:
            try:
                (root / rel).unlink()
            except (FileNotFoundError, NotADirectoryError):
                continue  # went with its folder, which a page of the same name replaced
            removed += 1
    folders = sorted((rel for rel, kind in existing.items() if kind == "dir"),
                     key=lambda rel: len(rel.parts), reverse=True)  # fmt: skip
    for rel in folders:
        folder = root / rel
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
