"""stage: the staging folder beside the output, filled without touching the published site,
swapped in whole, never written outside, one build at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import generator
from generator.engine.stage import (
    Stage,
    Unpublished,
    check_output_dir,
    digest,
    folder_id,
    lock_file,
    locked,
    stage_dir,
    survey,
)
from generator.errors import BuildFailed, OutputError

REPO = Path(generator.__file__).resolve().parent.parent


def files(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` (links not followed), by '/'-separated path."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
        for name in filenames:
            if not (base / name).is_symlink():
                found[(base / name).relative_to(folder).as_posix()] = (base / name).read_bytes()
    return found


def publish(output: Path, tree: dict[str, bytes]) -> None:
    """An output folder as a build left it."""
    for rel, data in tree.items():
        (output / rel).parent.mkdir(parents=True, exist_ok=True)
        (output / rel).write_bytes(data)


def manifest(tree: dict[str, bytes]) -> dict[str, str]:
    return {rel: digest(data) for rel, data in tree.items()}


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "site" / "_site"


def test_the_staging_folder_and_the_lock_are_hidden_beside_the_output(output: Path) -> None:
    assert stage_dir(output) == output.parent / "._site.stage"
    assert lock_file(output) == output.parent / "._site.lock"


# 1. Opening the staging folder -------------------------------------------------------------------


def test_an_unknown_staging_folder_is_emptied(output: Path) -> None:
    publish(stage_dir(output), {"old.html": b"old", "deep/er/x.html": b"x"})
    staging = Stage(output, None, None)
    assert staging.dir == stage_dir(output)
    assert list(staging.dir.iterdir()) == []
    assert staging.staged == {}


def test_a_known_staging_folder_is_kept(output: Path) -> None:
    tree = {"old.html": b"old", "deep/x.html": b"x"}
    publish(stage_dir(output), tree)
    staging = Stage(output, None, manifest(tree))
    assert files(staging.dir) == tree
    assert staging.staged == manifest(tree)


def test_a_staging_folder_that_is_a_link_is_removed_not_followed(
    tmp_path: Path, output: Path
) -> None:
    outside = tmp_path / "outside"
    publish(outside, {"precious.html": b"precious"})
    output.parent.mkdir(parents=True)
    stage_dir(output).symlink_to(outside, target_is_directory=True)
    staging = Stage(output, None, None)
    staging.write("index.html", b"new")
    assert not staging.dir.is_symlink()
    assert files(staging.dir) == {"index.html": b"new"}
    assert files(outside) == {"precious.html": b"precious"}


# 2. write ----------------------------------------------------------------------------------------


def test_write_creates_the_file_and_its_folders(output: Path) -> None:
    staging = Stage(output, None, None)
    assert staging.write("a/b/c/index.html", b"<p>c</p>") == digest(b"<p>c</p>")
    assert staging.write("index.html", b"home") == digest(b"home")
    assert files(staging.dir) == {"a/b/c/index.html": b"<p>c</p>", "index.html": b"home"}
    assert staging.staged == {
        "a/b/c/index.html": digest(b"<p>c</p>"),
        "index.html": digest(b"home"),
    }
    assert staging.written == 2
    assert not output.exists()


def test_write_of_what_the_staging_folder_holds_already_touches_nothing(output: Path) -> None:
    publish(stage_dir(output), {"index.html": b"home"})
    before = os.stat(stage_dir(output) / "index.html")
    staging = Stage(output, None, {"index.html": digest(b"home")})
    assert staging.write("index.html", b"home") == digest(b"home")
    after = os.stat(staging.dir / "index.html")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert staging.written == 0


def test_write_never_writes_into_a_file_shared_with_the_published_site(output: Path) -> None:
    publish(output, {"page.html": b"old bytes", "keep.html": b"keep"})
    stage_dir(output).mkdir()
    os.link(output / "page.html", stage_dir(output) / "page.html")
    staging = Stage(output, manifest(files(output)), {"page.html": digest(b"old bytes")})
    staging.write("page.html", b"new bytes, longer than the old")
    assert (staging.dir / "page.html").read_bytes() == b"new bytes, longer than the old"
    assert (output / "page.html").read_bytes() == b"old bytes"
    assert os.stat(output / "page.html").st_nlink == 1


def test_write_over_a_file_the_record_does_not_know_replaces_it(output: Path) -> None:
    staging = Stage(output, None, None)
    (staging.dir / "page.html").write_bytes(b"left by a killed build")
    staging.write("page.html", b"new")
    assert files(staging.dir) == {"page.html": b"new"}


def test_write_of_a_file_where_a_folder_was(output: Path) -> None:
    tree = {"page/index.html": b"old page", "page/x/y.html": b"y"}
    publish(stage_dir(output), tree)
    staging = Stage(output, None, manifest(tree))
    staging.write("page", b"now a file")
    assert files(staging.dir) == {"page": b"now a file"}
    assert staging.staged == {"page": digest(b"now a file")}


def test_write_of_a_folder_where_a_file_was(output: Path) -> None:
    publish(stage_dir(output), {"page": b"a file"})
    staging = Stage(output, None, {"page": digest(b"a file")})
    staging.write("page/index.html", b"now a folder")
    assert files(staging.dir) == {"page/index.html": b"now a folder"}
    assert staging.staged == {"page/index.html": digest(b"now a folder")}


@pytest.mark.parametrize(
    "rel",
    ["../x", "../../x", "/etc/passwd", "a/../b", "a/..", "..", "./a", "a/./b", "a//b", "", "a/"],
)
def test_a_path_that_climbs_out_is_refused(tmp_path: Path, output: Path, rel: str) -> None:
    staging = Stage(output, None, None)
    before = files(tmp_path)
    with pytest.raises(OutputError) as refused:
        staging.write(rel, b"escape")
    assert refused.value.message == f"refusing to write outside the output folder: {rel}"
    assert files(tmp_path) == before
    assert staging.staged == {}


# 3. complete -------------------------------------------------------------------------------------


def test_complete_links_unchanged_files_from_the_output(output: Path) -> None:
    published = {"index.html": b"old home", "a/index.html": b"same a", "b/c/index.html": b"same c"}
    publish(output, published)
    mtimes = {rel: os.stat(output / rel).st_mtime_ns for rel in published}
    staging = Stage(output, manifest(published), None)
    staging.write("index.html", b"new home")
    new = {**published, "index.html": b"new home"}
    staging.complete(manifest(new))
    assert files(staging.dir) == new
    for rel in ("a/index.html", "b/c/index.html"):
        assert os.stat(staging.dir / rel).st_ino == os.stat(output / rel).st_ino, rel
        assert os.stat(staging.dir / rel).st_mtime_ns == mtimes[rel]
    assert os.stat(staging.dir / "index.html").st_ino != os.stat(output / "index.html").st_ino
    assert (staging.written, staging.linked, staging.removed) == (1, 2, 0)
    assert staging.staged == manifest(new)


def test_complete_removes_files_not_in_the_manifest_and_empty_folders(output: Path) -> None:
    left = {"gone.html": b"g", "old/deep/er/x.html": b"x", "kept/a.html": b"a", "kept/b.html": b"b"}
    publish(stage_dir(output), left)
    staging = Stage(output, None, manifest(left))
    staging.complete(manifest({"kept/a.html": b"a"}))
    assert files(staging.dir) == {"kept/a.html": b"a"}
    assert sorted(p.name for p in staging.dir.iterdir()) == ["kept"]
    assert staging.removed == 3
    assert staging.staged == manifest({"kept/a.html": b"a"})


def test_complete_keeps_a_folder_that_still_holds_files(output: Path) -> None:
    left = {"tags/a/index.html": b"a", "tags/index.html": b"t"}
    publish(stage_dir(output), left)
    staging = Stage(output, None, manifest(left))
    staging.complete(manifest({"tags/index.html": b"t"}))
    assert files(staging.dir) == {"tags/index.html": b"t"}
    assert not (staging.dir / "tags/a").exists()


def test_complete_refuses_a_file_neither_rendered_nor_published(output: Path) -> None:
    publish(output, {"a.html": b"a"})
    staging = Stage(output, manifest({"a.html": b"a"}), None)
    with pytest.raises(AssertionError, match="^no content for a.html: neither rendered nor"):
        staging.complete({"a.html": digest(b"changed")})


# 4. swap -----------------------------------------------------------------------------------------


def test_swap_exchanges_the_two_folders(output: Path) -> None:
    publish(output, {"index.html": b"old", "a/index.html": b"same"})
    staging = Stage(output, manifest(files(output)), None)
    staging.write("index.html", b"new")
    staging.complete(manifest({"index.html": b"new", "a/index.html": b"same"}))
    live_id, stage_id = folder_id(output), folder_id(staging.dir)
    staging.swap()
    assert files(output) == {"index.html": b"new", "a/index.html": b"same"}
    assert files(staging.dir) == {"index.html": b"old", "a/index.html": b"same"}
    # The folders themselves moved: the record tells which is which by their identity.
    assert (folder_id(output), folder_id(staging.dir)) == (stage_id, live_id)
    assert os.stat(output / "a/index.html").st_ino == os.stat(staging.dir / "a/index.html").st_ino


def test_the_first_swap_moves_the_staging_folder_into_place(output: Path) -> None:
    staging = Stage(output, None, None)
    staging.write("index.html", b"first")
    staging.complete({"index.html": digest(b"first")})
    stage_id = folder_id(staging.dir)
    staging.swap()
    assert files(output) == {"index.html": b"first"}
    assert folder_id(output) == stage_id
    assert not staging.dir.exists()


def test_two_builds_in_a_row_publish_each_site_whole(output: Path) -> None:
    sites = [
        {"index.html": b"one", "a/index.html": b"a"},
        {"index.html": b"two", "a/index.html": b"a", "b/index.html": b"b"},
        {"index.html": b"three", "b/index.html": b"b"},
    ]
    live: dict[str, str] | None = None
    staged: dict[str, str] | None = None
    for site in sites:
        staging = Stage(output, live, staged)
        for rel, data in site.items():
            if (live or {}).get(rel) != digest(data):
                staging.write(rel, data)
        staging.complete(manifest(site))
        staging.swap()
        assert files(output) == site
        staged, live = dict(live or {}), manifest(site)
    assert files(stage_dir(output)) == sites[1]


def test_swap_keeps_the_git_folder_of_the_output(output: Path) -> None:
    publish(output, {"index.html": b"old", ".git/HEAD": b"ref: refs/heads/gh-pages\n"})
    staging = Stage(output, manifest({"index.html": b"old"}), None)
    staging.write("index.html", b"new")
    staging.complete({"index.html": digest(b"new")})
    staging.swap()
    assert files(output) == {"index.html": b"new", ".git/HEAD": b"ref: refs/heads/gh-pages\n"}
    assert files(staging.dir) == {"index.html": b"old"}
    # And again: the .git folder stays with the published site.
    again = Stage(output, manifest({"index.html": b"new"}), manifest({"index.html": b"old"}))
    again.write("index.html", b"newer")
    again.complete({"index.html": digest(b"newer")})
    again.swap()
    assert files(output) == {"index.html": b"newer", ".git/HEAD": b"ref: refs/heads/gh-pages\n"}


@pytest.mark.parametrize("kind", ["link to a folder", "file"])
def test_swap_replaces_a_link_or_a_file_where_the_output_goes(
    tmp_path: Path, output: Path, kind: str
) -> None:
    outside = tmp_path / "outside"
    publish(outside, {"index.html": b"precious"})
    output.parent.mkdir(parents=True)
    if kind == "file":
        output.write_bytes(b"a file")
    else:
        output.symlink_to(outside, target_is_directory=True)
    staging = Stage(output, None, None)
    staging.write("index.html", b"new")
    staging.complete({"index.html": digest(b"new")})
    staging.swap()
    assert not output.is_symlink()
    assert files(output) == {"index.html": b"new"}
    assert files(outside) == {"index.html": b"precious"}


# 5. Links planted in either folder never carry a write outside ---------------------------------


def test_a_folder_link_in_the_staging_folder_is_replaced_before_a_write(
    tmp_path: Path, output: Path
) -> None:
    outside = tmp_path / "outside"
    publish(outside, {"index.html": b"precious"})
    stage_dir(output).mkdir(parents=True)
    (stage_dir(output) / "tags").symlink_to(outside, target_is_directory=True)
    staging = Stage(output, None, {"tags/index.html": digest(b"precious")})
    staging.write("tags/index.html", b"new tags")
    staging.write("tags/other.html", b"other")
    assert files(outside) == {"index.html": b"precious"}
    assert not (staging.dir / "tags").is_symlink()
    assert files(staging.dir) == {"tags/index.html": b"new tags", "tags/other.html": b"other"}


def test_a_file_link_in_the_staging_folder_is_replaced_not_written_through(
    tmp_path: Path, output: Path
) -> None:
    outside = tmp_path / "precious.html"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_bytes(b"precious")
    stage_dir(output).mkdir(parents=True)
    (stage_dir(output) / "index.html").symlink_to(outside)
    staging = Stage(output, None, {"index.html": "something else"})
    staging.write("index.html", b"new")
    assert outside.read_bytes() == b"precious"
    assert not (staging.dir / "index.html").is_symlink()
    assert (staging.dir / "index.html").read_bytes() == b"new"


def test_complete_never_removes_a_file_through_a_folder_link_in_the_staging_folder(
    tmp_path: Path, output: Path
) -> None:
    outside = tmp_path / "outside"
    publish(outside, {"index.html": b"precious"})
    stage_dir(output).mkdir(parents=True)
    (stage_dir(output) / "tags").symlink_to(outside, target_is_directory=True)
    staging = Stage(output, None, {"tags/index.html": digest(b"precious")})
    staging.complete({})  # the tag pages are gone from the site
    assert files(outside) == {"index.html": b"precious"}


def test_a_folder_link_planted_in_the_output_never_leads_to_a_write_outside(
    tmp_path: Path, output: Path
) -> None:
    site = {"index.html": b"home", "tags/index.html": b"tags"}
    publish(output, site)
    # Someone replaces a folder of the published site with a link to their own files.
    outside = tmp_path / "outside"
    publish(outside, {"index.html": b"precious"})
    (output / "tags/index.html").unlink()
    (output / "tags").rmdir()
    (output / "tags").symlink_to(outside, target_is_directory=True)
    # The next build changes nothing, but cannot link what the link leads to: it says so,
    # and the build renders that page again.
    staging = Stage(output, manifest(site), None)
    with pytest.raises(Unpublished) as unpublished:
        staging.complete(manifest(site))
    assert unpublished.value.files == ["tags/index.html"]
    staging.write("tags/index.html", b"tags")
    staging.complete(manifest(site))
    staging.swap()
    assert files(output) == site and not (output / "tags").is_symlink()
    # The one after drops the tag pages.
    staging = Stage(output, manifest(site), manifest(site))
    staging.complete(manifest({"index.html": b"home"}))
    staging.swap()
    assert files(outside) == {"index.html": b"precious"}


def test_write_into_a_folder_link_planted_in_the_output_leaves_the_outside_alone(
    tmp_path: Path, output: Path
) -> None:
    outside = tmp_path / "outside"
    publish(outside, {"index.html": b"precious"})
    publish(output, {"index.html": b"home"})
    (output / "tags").symlink_to(outside, target_is_directory=True)
    staging = Stage(output, manifest({"index.html": b"home"}), None)
    staging.write("tags/index.html", b"tags")
    staging.complete(manifest({"index.html": b"home", "tags/index.html": b"tags"}))
    staging.swap()
    assert files(output) == {"index.html": b"home", "tags/index.html": b"tags"}
    assert files(outside) == {"index.html": b"precious"}


# 6. folder_id and survey -------------------------------------------------------------------------


def test_folder_id(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "folder", target_is_directory=True)
    info = os.stat(tmp_path / "folder")
    assert folder_id(tmp_path / "folder") == f"{info.st_dev}:{info.st_ino}"
    assert folder_id(tmp_path / "missing") is None
    assert folder_id(tmp_path / "file") is None
    # A link is not the folder it points to.
    assert folder_id(tmp_path / "link") != folder_id(tmp_path / "folder")


def test_survey_digests_every_file_and_skips_links(tmp_path: Path) -> None:
    publish(tmp_path / "out", {"index.html": b"home", "a/b/c.html": b"c", ".nojekyll": b""})
    publish(tmp_path / "outside", {"x.html": b"x"})
    (tmp_path / "out/linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "out/file-link.html").symlink_to(tmp_path / "outside/x.html")
    assert survey(tmp_path / "out") == {
        "index.html": digest(b"home"),
        "a/b/c.html": digest(b"c"),
        ".nojekyll": digest(b""),
    }


# 7. check_output_dir -----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", [".", "content", "content/x", "themes", "themes/default", ".."])
def test_an_output_folder_holding_the_sites_files_is_refused(tmp_path: Path, rel: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(BuildFailed) as refused:
        check_output_dir(site / rel, site)
    [error] = refused.value.errors
    assert (error.message, error.hint) == (
        f"refusing to build into {site / rel}: it holds the site's own files",
        "choose a separate folder such as _site",
    )


@pytest.mark.parametrize("rel", ["_site", "public/www", "../elsewhere", "content-out"])
def test_a_separate_output_folder_is_accepted(tmp_path: Path, rel: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    check_output_dir(site / rel, site)


# 8. locked ---------------------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from generator.engine.stage import locked
with locked(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""

WAIT = """
import sys, time
from pathlib import Path
from generator.engine.stage import locked
with locked(Path(sys.argv[1]), lambda message: print(message, flush=True)):
    print("locked at", time.monotonic(), flush=True)
"""


def python(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *sys.path])}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.slow
def test_a_second_build_waits_until_the_first_releases_the_lock(output: Path) -> None:
    with python(HOLD, str(output), "0.5") as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        told: list[str] = []
        start = time.monotonic()
        with locked(output, told.append):
            waited = time.monotonic() - start
            assert holder.wait(timeout=10) == 0  # it has finished: only then did we get in
    assert told == [f"another build into {output} is running; waiting for it to finish"]
    assert waited > 0.2


@pytest.mark.slow
def test_a_build_in_another_process_waits_for_this_one(output: Path) -> None:
    with locked(output):
        waiter = python(WAIT, str(output))
        try:
            assert waiter.stdout is not None
            assert waiter.stdout.readline() == (
                f"another build into {output} is running; waiting for it to finish\n"
            )
        except BaseException:
            waiter.kill()
            waiter.communicate()
            raise
        releasing = time.monotonic()  # the lock goes a moment after this
    out, _ = waiter.communicate(timeout=10)
    assert waiter.returncode == 0 and out.startswith("locked at ")
    # CLOCK_MONOTONIC is one clock for every process: it got in after we let go.
    assert float(out.split()[-1]) >= releasing


@pytest.mark.slow
def test_the_lock_of_a_killed_build_is_released(output: Path) -> None:
    with python(HOLD, str(output), "60") as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        holder.kill()
        holder.wait()
    told: list[str] = []
    with locked(output, told.append):
        pass
    assert told == []


def test_a_lock_nobody_holds_is_taken_at_once_and_released_after_a_failure(
    output: Path,
) -> None:
    told: list[str] = []
    with pytest.raises(RuntimeError), locked(output, told.append):
        assert lock_file(output).is_file()
        raise RuntimeError("the build failed")
    with locked(output, told.append):
        pass
    assert told == []


def test_a_lock_that_cannot_be_made_is_a_build_failure(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    output = tmp_path / "file" / "_site"  # its parent is a file
    with pytest.raises(BuildFailed) as failed, locked(output):
        pass
    [error] = failed.value.errors
    assert error.message.startswith("cannot write the site: cannot create ._site.lock beside it")
    assert error.message.endswith(f"the published site in {output} was not changed")
