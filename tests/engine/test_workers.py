"""Builds shared across processes give exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeSite, item

from generator.engine import workers
from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed

#: Every build here forks worker processes.
pytestmark = pytest.mark.slow

TAGS = ["energy", "europe", "markets", "київ", "climate"]


def corpus(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        day = 1 + n % 28
        files[f"content/2025-07-{day:02d}-item-{n}.md"] = item(
            f"Item number {n}",
            f"2025-07-{day:02d}T{n % 24:02d}:{n % 60:02d}:00+03:00",
            tags="[" + ", ".join(TAGS[n % 5 : n % 5 + 2]) + "]",
            body=f"Paragraph with a [link](../../../{(day % 28) + 1:02d}/) and *emphasis* {n}.\n\n"
            "## A heading\n\nText[^1].\n\n[^1]: A footnote.",
        )
    return files


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def fork_always(monkeypatch: pytest.MonkeyPatch) -> None:
    # The threshold keeps small sites in one process; these small sites must fork.
    monkeypatch.setattr(workers, "MIN_WORK", 1)


@pytest.mark.usefixtures("fork_always")
@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_build_equals_single_process_build(
    make_site: MakeSite, tmp_path: Path, jobs: int
) -> None:
    root = make_site(corpus(90))
    one = build(BuildOptions(site_dir=root, output=tmp_path / "one", jobs=1))
    many = build(BuildOptions(site_dir=root, output=tmp_path / "many", jobs=jobs))
    assert one.files == many.files > 200
    assert tree(tmp_path / "one") == tree(tmp_path / "many")


@pytest.mark.usefixtures("fork_always")
def test_errors_from_worker_processes_keep_their_location(make_site: MakeSite) -> None:
    root = make_site(
        {
            **corpus(10),
            "themes/default/templates/item.html": "<p>{{ item.titel }}</p>\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root, jobs=2))
    (error,) = failed.value.errors  # one error for the template line, not one per page
    assert str(error).startswith(f"{root}/themes/default/templates/item.html:1: ")
    assert "has no attribute 'titel'" in str(error)


def test_small_sites_stay_in_one_process() -> None:
    assert not workers.usable(jobs=4, work=workers.MIN_WORK - 1)
    assert workers.usable(jobs=4, work=workers.MIN_WORK)
    assert not workers.usable(jobs=1, work=10_000)
