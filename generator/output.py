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


def write_site(output: Path, files: Mapping[PurePosixPath, bytes]) -> WriteReport:
    """Make ``output`` hold exactly ``files``; return how many were written, kept, removed."""
    root = output.resolve()
    root.mkdir(parents=True, exist_ok=True)
    written = unchanged = 0
    try:
        for rel, data in sorted(files.items()):
            if not is_inside(rel):
                raise OutputError(f"refusing to write outside the output folder: {rel}")
            target = root.joinpath(*rel.parts)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            # A symlinked folder inside the output must not carry a write elsewhere.
            if not target.parent.resolve().is_relative_to(root):
                raise OutputError(
                    f"refusing to write through a link out of the output folder: {rel}"
                )
            if target.is_file() and not target.is_symlink() and _same(target, data):
                unchanged += 1
                continue
            temp = target.with_name(f".{target.name}.tmp")
            temp.write_bytes(data)
            os.replace(temp, target)
            written += 1
        removed = _remove_stale(root, {root.joinpath(*rel.parts) for rel in files})
    except OSError as exc:
        raise BuildFailed([OutputError(f"cannot write the site: {exc}", path=output)]) from None
    except OutputError as exc:
        raise BuildFailed([exc]) from None
    return WriteReport(written, unchanged, removed)


def _same(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _remove_stale(root: Path, keep: set[Path]) -> int:
    removed = 0
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        folder = Path(dirpath)
        if folder == root:
            dirnames[:] = [d for d in dirnames if d not in KEEP]
        if any(part in KEEP for part in folder.relative_to(root).parts):
            continue
        for name in filenames:
            path = folder / name
            if path not in keep:
                path.unlink()
                removed += 1
        if folder != root and not any(folder.iterdir()):
            folder.rmdir()
    return removed
