"""outputdir: briefing deletes only files it wrote; a folder it did not make is refused.
Asserted on the folder's contents, byte for byte."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import MakeSite, item, run

from generator.engine import outputdir
from generator.engine.stage import survey
from generator.plan.manifest import MANIFEST


def fill(folder: Path, files: dict[str, str]) -> dict[str, str]:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return survey(folder)


def test_a_folder_holding_other_files_is_refused_and_nothing_is_deleted(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"content/a.md": item()})
    public = tmp_path / "public"
    before = fill(public, {"notes.txt": "mine", "photos/cat.jpg": "jpeg", "index.html": "old"})
    code, out, err = run("build", "--site", str(root), "--output", str(public))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        f"refusing to build into {public}: it holds 3 files (index.html, notes.txt, "
        "photos/cat.jpg), and briefing did not make it; build into an empty or new folder, "
        "or pass --force to build there; --force keeps those files, except where the site "
        "puts its own"
    )
    assert survey(public) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".public.lock"
    ]  # no staging folder was made


def test_many_files_are_counted_not_all_named(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/a.md": item()})
    fill(tmp_path / "out", {f"f{n:02}.txt": "x" for n in range(12)})
    _, _, err = run("build", "--site", str(root), "--output", str(tmp_path / "out"))
    assert "it holds 12 files (f00.txt, f01.txt, f02.txt, f03.txt, f04.txt and 7 more)" in err


def test_an_empty_folder_or_one_with_only_git_is_fine(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/a.md": item()})
    (tmp_path / "empty").mkdir()
    fill(tmp_path / "worktree", {".git/HEAD": "ref: refs/heads/gh-pages\n"})
    for name in ("empty", "worktree"):
        assert run("build", "--site", str(root), "--output", str(tmp_path / name))[0] == 0
    assert (tmp_path / "worktree/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"


def test_force_keeps_other_files_and_replaces_only_where_the_site_writes(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"content/a.md": item()})
    public = tmp_path / "public"
    fill(public, {"notes.txt": "mine", "photos/cat.jpg": "jpeg", "index.html": "old"})
    code, _, err = run("build", "--site", str(root), "--output", str(public), "--force")
    assert (code, err) == (0, "")
    assert (public / "notes.txt").read_text() == "mine"
    assert (public / "photos/cat.jpg").read_text() == "jpeg"
    assert (public / "index.html").read_text().startswith("<!DOCTYPE html>")
    listed = json.loads((public / MANIFEST).read_text())["files"]
    assert "index.html" in listed and "notes.txt" not in listed and MANIFEST in listed

    # Later builds keep them too, without --force, through edits and removals.
    (root / "content/b.md").write_text(item("Bravo"), encoding="utf-8")
    assert run("build", "--site", str(root), "--output", str(public))[0] == 0
    (root / "content/b.md").unlink()
    assert run("build", "--site", str(root), "--output", str(public))[0] == 0
    assert (public / "notes.txt").read_text() == "mine"
    assert (public / "photos/cat.jpg").read_text() == "jpeg"
    assert not (public / "2025/07/22/b").exists()


def test_files_added_to_briefings_folder_are_kept_and_never_replaced(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"content/a.md": item()})
    assert run("build", "--site", str(root))[0] == 0
    site = root / "_site"
    fill(site, {"google1234.html": "verification", "tags/ukraine/notes.txt": "kept"})
    (root / "content/b.md").write_text(item("Bravo"), encoding="utf-8")
    assert run("build", "--site", str(root))[0] == 0
    assert (site / "google1234.html").read_text() == "verification"
    assert (site / "tags/ukraine/notes.txt").read_text() == "kept"
    # Deleted by hand, it stays deleted: the old site never brings it back.
    (site / "google1234.html").unlink()
    (root / "content/b.md").write_text(item("Bravo, edited"), encoding="utf-8")
    assert run("build", "--site", str(root))[0] == 0
    assert not (site / "google1234.html").exists()
    assert (site / "tags/ukraine/notes.txt").read_text() == "kept"


def test_a_file_of_its_own_where_the_site_writes_is_refused(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"content/a.md": item()})
    assert run("build", "--site", str(root))[0] == 0
    fill(root / "_site", {"2025/07/22/b/index.html": "hand-made"})
    before = survey(root / "_site")
    (root / "content/b.md").write_text(item("Bravo"), encoding="utf-8")
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{root / '_site/2025/07/22/b/index.html'} was not written by briefing, and the site "
        "puts a file there; move it out of the folder, or build with --force to replace it"
    )
    assert survey(root / "_site") == before
    assert run("build", "--site", str(root), "--force")[0] == 0
    assert (root / "_site/2025/07/22/b/index.html").read_text().startswith("<!DOCTYPE")


@pytest.mark.parametrize("kind", ["link", "file"])
def test_a_link_or_a_file_in_place_of_the_output_folder_is_refused(
    make_site: MakeSite, tmp_path: Path, kind: str
) -> None:
    root = make_site({"content/a.md": item()})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "link":
        (tmp_path / "public").symlink_to(elsewhere, target_is_directory=True)
        why = (
            f"it is a symbolic link to {elsewhere}; briefing replaces its output folder whole, "
            f"link and all; build into {elsewhere} itself"
        )
    else:
        (tmp_path / "public").write_text("a file", encoding="utf-8")
        why = "it is a file, not a folder; move it away or choose a folder"
    code, _, err = run("build", "--site", str(root), "--output", str(tmp_path / "public"))
    assert code == 1
    assert err.splitlines()[0] == f"refusing to build into {tmp_path / 'public'}: {why}"
    assert (tmp_path / "public").is_symlink() == (kind == "link")
    assert list(elsewhere.iterdir()) == []


def test_the_manifest_lists_exactly_the_files_briefing_wrote(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    assert run("build", "--site", str(root))[0] == 0
    listed = json.loads((root / "_site" / MANIFEST).read_text())
    assert listed["written by"] == "briefing"
    assert sorted(listed["files"]) == listed["files"] == sorted(survey(root / "_site"))


def test_a_survey_lists_only_folders_whose_time_moved(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files of others are found from folder times; the other folders are not listed."""
    monkeypatch.setattr(outputdir, "RACY_NS", 0)  # record every time, however recent
    root = make_site({f"content/{n}.md": item(f"Story {n}") for n in range(8)})
    assert run("build", "--site", str(root))[0] == 0
    site = root / "_site"
    time.sleep(0.05)  # past the file system's clock tick: the additions move folder times
    fill(site, {"tags/ukraine/notes.txt": "kept", "extra/deep/a.txt": "kept too"})
    listed: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: listed.append(str(p)) or real_scandir(p))
    (root / "content/0.md").write_text(item("Story 0, edited"), encoding="utf-8")
    assert run("build", "--site", str(root))[0] == 0
    assert (site / "tags/ukraine/notes.txt").read_text() == "kept"
    assert (site / "extra/deep/a.txt").read_text() == "kept too"
    surveyed = [p for p in listed if p.startswith(str(site))]
    folders = sum(1 for p in site.rglob("*") if p.is_dir())
    assert 0 < len(surveyed) <= 4 < folders  # the root, tags/ukraine, extra, extra/deep

    time.sleep(0.05)
    (site / "tags/ukraine/notes.txt").unlink()
    (root / "content/1.md").write_text(item("Story 1, edited"), encoding="utf-8")
    assert run("build", "--site", str(root))[0] == 0
    assert not (site / "tags/ukraine/notes.txt").exists()  # gone stays gone
    assert (site / "extra/deep/a.txt").read_text() == "kept too"  # from the record
