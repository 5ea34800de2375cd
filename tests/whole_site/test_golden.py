"""The whole output of a fixed site, byte for byte, against tests/golden/basic/.

After an intended change of output, regenerate and review the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/whole_site/test_golden.py
    git diff tests/golden
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from conftest import TESTS

from generator.engine.build import build
from generator.engine.options import BuildOptions

#: The golden site has search on: its build runs Pagefind, a process of its own.
pytestmark = pytest.mark.slow

SITE = TESTS / "fixtures" / "sites" / "basic"
GOLDEN = TESTS / "golden" / "basic"


#: Pagefind's bundles (one per language: pagefind/, uk/pagefind/) are its code and
#: binary index, not ours to keep a copy of: their file names are in the manifest, and
#: tests/search/test_search.py checks that they are repeatable.
BUNDLE = "pagefind"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and BUNDLE not in p.relative_to(folder).parts[:2]
    }


def test_basic_site_matches_golden_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # A clean build, its cache kept out of the fixture folder.
    build(BuildOptions(site_dir=SITE, output=out, use_cache=False, cache=tmp_path / "cache"))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=lambda folder, names: ["pagefind"])
    actual, expected = tree(out), tree(GOLDEN)
    assert sorted(actual) == sorted(expected), "files differ; see the regenerate command above"
    for name in sorted(expected):
        if actual[name] != expected[name]:
            diff = "\n".join(
                difflib.unified_diff(
                    expected[name].decode().splitlines(),
                    actual[name].decode().splitlines(),
                    f"golden/{name}",
                    f"built/{name}",
                    lineterm="",
                )
            )
            raise AssertionError(f"{name} differs from the golden copy:\n{diff}")
