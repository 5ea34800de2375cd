"""The writer: only real changes touch the disk, and nothing lands outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from generator.errors import BuildFailed
from generator.output import check_output_dir, write_site

P = PurePosixPath


def test_writes_new_files_and_keeps_identical_ones_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write_site(out, {P("index.html"): b"<p>1</p>", P("a/b/index.html"): b"x"})
    assert (first.written, first.unchanged, first.removed) == (2, 0, 0)
    page = out / "a/b/index.html"
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    again = write_site(out, {P("index.html"): b"<p>2</p>", P("a/b/index.html"): b"x"})
    assert (again.written, again.unchanged, again.removed) == (1, 1, 0)
    assert page.stat().st_mtime_ns == 1_000_000_000  # not rewritten: publishers see no change
    assert (out / "index.html").read_bytes() == b"<p>2</p>"


def test_removes_what_the_site_no_longer_has_but_keeps_git(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {P("index.html"): b"a", P("old/page/index.html"): b"b"})
    (out / ".git").mkdir()
    (out / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    report = write_site(out, {P("index.html"): b"a"})
    assert report.removed == 1
    assert not (out / "old").exists()  # empty folders go too
    assert (out / ".git/HEAD").is_file()


def test_kept_pages_are_neither_written_nor_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {P("index.html"): b"a", P("kept/index.html"): b"k"})
    report = write_site(out, {P("index.html"): b"a"}, kept={P("kept/index.html")})
    assert (report.written, report.unchanged, report.removed) == (0, 2, 0)
    assert (out / "kept/index.html").read_bytes() == b"k"


def test_a_page_can_become_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {P("news"): b"a file"})
    write_site(out, {P("news/index.html"): b"a page"})
    assert (out / "news/index.html").read_bytes() == b"a page"
    write_site(out, {P("news"): b"a file again"})
    assert (out / "news").read_bytes() == b"a file again"


def test_links_in_the_output_never_carry_a_write_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "tags").symlink_to(outside, target_is_directory=True)
    (out / "feed.xml").symlink_to(outside / "index.html")
    write_site(out, {P("tags/index.html"): b"tag page", P("feed.xml"): b"<rss/>"})
    assert (outside / "index.html").read_bytes() == b"precious"
    assert not (out / "tags").is_symlink() and (out / "tags/index.html").read_bytes() == b"tag page"
    assert not (out / "feed.xml").is_symlink()


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b"])
def test_paths_that_climb_out_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(BuildFailed, match="refusing to write outside the output folder"):
        write_site(tmp_path / "out", {P(rel): b"x"})
    assert not (tmp_path / "escape.html").exists()


@pytest.mark.parametrize("output", [".", "content", "content/sub", "themes", ".."])
def test_output_folders_that_hold_the_site_are_refused(tmp_path: Path, output: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    with pytest.raises(BuildFailed, match="refusing to build into"):
        check_output_dir(site / output, site)


def test_a_writer_told_what_it_wrote_last_time_needs_no_survey(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = {P("index.html"): b"a", P("old/index.html"): b"b"}
    write_site(out, first)
    report = write_site(out, {P("index.html"): b"a2"}, previous=set(first))
    assert (report.written, report.removed) == (1, 1)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["index.html"]
