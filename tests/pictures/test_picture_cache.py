"""Smaller copies of pictures kept in .briefing-cache/pictures/: a new output folder
(serve's, or another --output) gets them without resizing again, and only copies
sealed by this user are used."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.request import urlopen

import pytest
from conftest import WAIT, MakeSite, item, png, run, start

import generator.plan.attached
from generator.machinekey import Seal
from generator.pictures.cache import PictureCache

COPY = "2025/07/22/talks/chart-1200w.png"


@pytest.fixture
def cache() -> PictureCache:
    folder = Path(os.environ["BRIEFING_SECRET_DIR"]) / "unit-pictures"
    return PictureCache(folder, Seal(b"k" * 32), "code")


def test_a_copy_kept_is_given_back_only_with_this_users_seal(cache: PictureCache) -> None:
    key = cache.key("digest", "a/chart.png", 1200)
    assert cache.get(key) is None
    cache.put(key, b"the copy")
    assert cache.get(key) == b"the copy"
    # Another user's secret, or bytes changed after sealing, prove nothing.
    assert PictureCache(cache.folder, Seal(b"x" * 32), "code").get(key) is None
    path = cache.folder / key
    path.write_bytes(path.read_bytes()[:-4] + b"fake")
    assert cache.get(key) is None


def test_a_link_in_a_copys_place_is_not_followed(cache: PictureCache, tmp_path: Path) -> None:
    key = cache.key("digest", "a/chart.png", 1200)
    cache.put(key, b"the copy")
    elsewhere = tmp_path / "elsewhere"
    (cache.folder / key).rename(elsewhere)
    (cache.folder / key).symlink_to(elsewhere)
    assert cache.get(key) is None


def test_every_input_of_a_copy_is_in_its_name(cache: PictureCache) -> None:
    other_code = PictureCache(cache.folder, cache.seal, "other code")
    keys = {
        cache.key("digest", "a/chart.png", 1200),
        cache.key("other", "a/chart.png", 1200),
        cache.key("digest", "a/chart.jpg", 1200),
        cache.key("digest", "a/chart.png", 800),
        other_code.key("digest", "a/chart.png", 1200),
    }
    assert len(keys) == 5


def test_pruning_deletes_only_copies_no_longer_needed(cache: PictureCache) -> None:
    kept, old = (cache.key(d, "a.png", 1200) for d in ("kept", "old"))
    cache.put(kept, b"1")
    cache.put(old, b"2")
    (cache.folder / "notes.txt").write_text("not ours")
    cache.prune({kept})
    assert sorted(p.name for p in cache.folder.iterdir()) == sorted([kept, "notes.txt"])


# Builds ---------------------------------------------------------------------------


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/2025-07-22-talks/index.md": item(
                "Talks", body="Intro.\n\n![A wide chart](chart.png)\n"
            ),
            "content/2025-07-22-talks/chart.png": png(2400, 800),
        }
    )


@pytest.fixture
def resizes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pictures resized in this process (builds run in it through ``run``)."""
    made: list[str] = []
    real = generator.plan.attached.resized

    def counted(data: bytes, file: str, width: int) -> bytes:
        made.append(file)
        return real(data, file, width)

    monkeypatch.setattr(generator.plan.attached, "resized", counted)
    return made


def kept_copies(site: Path) -> list[Path]:
    return sorted((site / ".briefing-cache/pictures").iterdir())


def test_a_new_output_folder_gets_the_copy_without_resizing(site: Path, resizes: list[str]) -> None:
    assert run("build", "-q", "--site", str(site))[0] == 0
    assert resizes == ["2025/07/22/talks/chart.png"]
    first = (site / "_site" / COPY).read_bytes()
    code, _, err = run("build", "-q", "--site", str(site), "--output", str(site / "elsewhere"))
    assert code == 0, err
    assert resizes == ["2025/07/22/talks/chart.png"]  # not again
    assert (site / "elsewhere" / COPY).read_bytes() == first


def test_a_forged_copy_is_made_again(site: Path, resizes: list[str]) -> None:
    assert run("build", "-q", "--site", str(site))[0] == 0
    first = (site / "_site" / COPY).read_bytes()
    (kept,) = kept_copies(site)
    kept.write_bytes(kept.read_bytes()[:16] + png(1200, 400, (0, 0, 0)))
    assert run("build", "-q", "--site", str(site), "--output", str(site / "elsewhere"))[0] == 0
    assert len(resizes) == 2
    assert (site / "elsewhere" / COPY).read_bytes() == first


def test_copies_no_picture_needs_are_deleted_and_clean_starts_afresh(
    site: Path, resizes: list[str]
) -> None:
    assert run("build", "-q", "--site", str(site))[0] == 0
    (at_1200,) = kept_copies(site)
    with (site / "site.yaml").open("a") as config:
        config.write("picture_width: 800\n")
    assert run("build", "-q", "--site", str(site))[0] == 0
    (at_800,) = kept_copies(site)
    assert at_800 != at_1200
    assert (site / "_site/2025/07/22/talks/chart-800w.png").is_file()
    assert run("build", "-q", "--clean", "--site", str(site))[0] == 0
    assert len(resizes) == 3  # --clean trusts no copy of before
    assert kept_copies(site) == [at_800]


@pytest.mark.slow
def test_serve_starts_with_the_copies_earlier_builds_made(site: Path) -> None:
    assert run("build", "-q", "--site", str(site))[0] == 0
    (kept,) = kept_copies(site)
    sealed = kept.stat()
    running = start(site)
    try:
        with urlopen(running.url + COPY, timeout=WAIT) as answer:
            served = answer.read()
    finally:
        running.proc.terminate()
        running.proc.communicate(timeout=WAIT)
    assert served == (site / "_site" / COPY).read_bytes()
    # Taken from the cache, not made and put back: the same file, untouched.
    now = kept.stat()
    assert (now.st_ino, now.st_mtime_ns) == (sealed.st_ino, sealed.st_mtime_ns)
