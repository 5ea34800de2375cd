"""A build killed, a disk full or read-only, two builds at once: the published site stays whole.

Real builds only: ``python3 -m generator build`` processes killed with SIGKILL at
seeded random moments and at the moments the site is published, a small tmpfs that
fills up or is remounted read-only, a staging folder bind-mounted read-only (root
and mount(8) are needed for those; they skip, saying so, where mounting is not
permitted), two builds at once, a broken item. After every failure the output
folder must be a real folder holding the previous site, byte for byte, and the
next build must publish exactly what a build from nothing publishes. So must the
builds after the output's record was lost (``--clean``, a damaged record, a new
version of briefing) or the output folder was replaced by hand.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import SEARCH_SITE_YAML, MakeSite, item

import generator
from generator.engine import cache, stage, store
from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed

#: Every test here runs builds as processes and kills them, or fills and freezes disks.
pytestmark = pytest.mark.slow

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
#: Enough items that a build takes most of a second, and that --jobs 2 forks workers.
ITEMS = 500
NOT_CHANGED = "the published site in {} was not changed"


# Helpers -----------------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path; a link anywhere in it fails the test."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in dirnames + filenames:
            assert not (base / name).is_symlink(), f"a link in the published site: {base / name}"
        for name in filenames:
            found[(base / name).relative_to(folder).as_posix()] = (base / name).read_bytes()
    return found


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> str:
    missing, extra = sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys())
    changed = sorted(rel for rel in want.keys() & got.keys() if want[rel] != got[rel])
    return (
        f"{len(missing)} missing {missing[:5]}, {len(extra)} extra {extra[:5]}, "
        f"{len(changed)} changed {changed[:5]} (of {len(want)} files)"
    )


def assert_published(output: Path, want: dict[str, bytes], when: str) -> None:
    assert output.is_dir() and not output.is_symlink(), f"{when}: {output} is not a real folder"
    got = tree(output)
    assert got == want, f"{when}: {differences(got, want)}"


def story(number: int, version: int = 0, body: str = "") -> str:
    return item(
        f"Story number {number}",
        f"2025-06-{1 + number % 28:02d}T{8 + number % 10:02d}:{number % 60:02d}:00+03:00",
        tags=f"[t{number % 7}, t{number % 11}]",
        body=body or f"Version {version} of story {number}.\n\nA second paragraph.",
    )


@pytest.fixture
def make_site(make_site: MakeSite) -> MakeSite:
    """The sites here index for search, as site.yaml does by default: a kill may land
    while Pagefind makes the index, and the published site must stay whole then too."""
    return lambda files: make_site({"site.yaml": SEARCH_SITE_YAML, **files})


def stories(count: int) -> dict[str, str]:
    return {f"content/story-{n:04d}.md": story(n) for n in range(count)}


def edit(root: Path, rng: random.Random, version: int) -> None:
    """Change eight items, delete three, add three; odd versions also rename the site."""
    content = root / "content"
    picked = rng.sample(sorted(content.glob("*.md")), 11)
    for path in picked[:8]:
        path.write_text(story(int(path.stem.split("-")[1]), version), encoding="utf-8")
    for path in picked[8:]:
        path.unlink()
    for number in range(1000 + 3 * version, 1003 + 3 * version):
        (content / f"story-{number:04d}.md").write_text(story(number, version), encoding="utf-8")
    if version % 2:
        title = f"title: Briefing, version {version}"
        (root / "site.yaml").write_text(SEARCH_SITE_YAML.replace("title: Test Briefing", title))


def command(root: Path, *extra: str) -> list[str]:
    site = ["--site", str(root), "--now", NOW.isoformat()]
    return [sys.executable, "-m", "generator", "build", *site, *extra]


def run_build(
    root: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(root, *extra), capture_output=True, text=True, timeout=120, cwd=root.parent, env=env
    )


def start_build(root: Path, *extra: str, **streams: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(command(root, *extra), text=True, cwd=root.parent, **streams)


def built(root: Path, *extra: str, env: dict[str, str] | None = None) -> None:
    result = run_build(root, *extra, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def clean_build(root: Path, into: Path) -> dict[str, bytes]:
    """What a build from nothing publishes for the site as it is now; the site's cache is
    left alone (this build's cache goes in ``into``)."""
    shutil.rmtree(into, ignore_errors=True)
    options = BuildOptions(
        site_dir=root, output=into / "_site", cache=into / "cache", now=NOW, use_cache=False
    )
    build(options)
    return tree(into / "_site")


def assert_failed_unchanged(
    result: subprocess.CompletedProcess[str], output: Path, before: dict[str, bytes], why: str
) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert why in result.stderr, result.stderr
    assert NOT_CHANGED.format(output) in result.stderr, result.stderr
    assert_published(output, before, f"after a failed build ({why})")


def killed_build(root: Path, jobs: int, delay: float) -> int:
    """Start a build, SIGKILL it ``delay`` seconds later; its exit status (-9 when killed)."""
    log = root.parent / "killed-build.log"
    with log.open("w") as err:  # a file, not a pipe: left-over workers must not block us
        proc = start_build(root, "--jobs", str(jobs), stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(delay)
        proc.kill()  # SIGKILL, to the build process itself
        proc.wait(timeout=60)
    assert proc.returncode in (0, -signal.SIGKILL), log.read_text()
    return proc.returncode


def lock_is_free(output: Path) -> bool:
    """Whether no process holds the output's lock now. Builds lock with lockf (a POSIX
    record lock), which an flock probe would never see."""
    fd = os.open(stage.lock_file(output), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):  # EAGAIN, or EACCES on some systems
        return False
    finally:
        os.close(fd)  # and with it the lock, had we got it
    return True


def wait_for_lock(output: Path, timeout: float = 30.0) -> float:
    """Wait until no process holds the output's lock; how long that took, in seconds."""
    start = time.monotonic()
    while not lock_is_free(output):
        assert time.monotonic() - start < timeout, (
            f"the lock is still held after {timeout} s; still building: {leftovers(output.parent)}"
        )
        time.sleep(0.01)
    return time.monotonic() - start


def kill_when(root: Path, ready: Callable[[], bool]) -> int:
    """Start a build and SIGKILL it the moment ``ready()``; its exit status."""
    proc = start_build(root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and not ready() and time.monotonic() < deadline:
            pass  # no sleep: the moments looked for last a millisecond or so
    finally:
        proc.kill()
        proc.wait(timeout=60)
    return proc.returncode


def moved(folder: Path, was: str | None) -> bool:
    """Whether another folder is at ``folder`` now than the one identified by ``was``."""
    return stage.folder_id(folder) != was


@contextmanager
def watching_phase(log: Path) -> Iterator[Callable[[], str | None]]:
    """How far the build writing ``log`` got, by its own record, read afresh at each call
    (None while unreadable: a record made otherwise only makes the moment never come)."""
    with closing(sqlite3.connect(f"file:{log}?mode=ro", uri=True, isolation_level=None)) as db:

        def phase() -> str | None:
            try:
                row = db.execute("SELECT value FROM meta WHERE name = 'phase'").fetchone()
            except sqlite3.Error:
                return None
            return str(row[0]) if row else None

        yield phase


def outcome_of_kill(
    output: Path, before: dict[str, bytes], after: dict[str, bytes], status: int, when: str
) -> str:
    """Check the output after a kill: the whole old site, or (killed after the swap, or not
    killed at all) the whole new one; say which."""
    assert output.is_dir() and not output.is_symlink(), f"{when}: {output} is not a real folder"
    got = tree(output)
    if got == after:
        return "new site"
    assert status != 0, f"{when}: the build finished, yet against the new site " + differences(
        got, after
    )
    assert got == before, f"{when}: neither site; against the old one " + differences(got, before)
    return "old site"


@contextmanager
def mounted(target: Path, *how: str) -> Iterator[Path]:
    """``mount HOW TARGET``, unmounted afterwards; skips where mounting is not permitted."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small or read-only file system needs root and mount(8)")
    target.mkdir(exist_ok=True)
    done = mount(*how, str(target))
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}), so no disk can fail")
    try:
        yield target
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, check=True)


def small_disk(folder: Path, size: str) -> AbstractContextManager[Path]:
    """A tmpfs of ``size`` at ``folder``."""
    return mounted(folder, "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs")


def read_only(folder: Path, *, bind: bool = False) -> None:
    """Remount the file system (or the bind mount) at ``folder`` read-only."""
    remounted = mount("-o", "remount,bind,ro" if bind else "remount,ro", str(folder))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount {folder} read-only ({remounted.stderr.strip()})")


def mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


def process_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state, parent, ...)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def running(pid: int) -> bool:
    fields = process_stat(pid)
    return fields is not None and fields[0] not in "ZX"  # zombies have exited


def leftovers(root: Path) -> dict[int, str]:
    """Processes still running a build of ``root`` (its path is in their command line), with
    what each waits for (the kernel's wchan)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if os.fsencode(root) in argv and running(int(entry.name)):
                found[int(entry.name)] = (entry / "wchan").read_text()
        except OSError:
            continue  # gone already
    return found


def end_leftovers(root: Path) -> None:
    """End, by their ids, processes the test started that still build ``root``."""
    for pid in leftovers(root):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(autouse=True)
def no_build_left_running(tmp_path: Path) -> Iterator[None]:
    """Processes a test leaves building its site (workers of a killed build), ended by id."""
    yield
    end_leftovers(tmp_path / "site")


# 1. Killed builds --------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_killed_build_leaves_the_old_site_whole_and_the_next_build_is_right(
    make_site: MakeSite, tmp_path: Path, jobs: int
) -> None:
    root, rng = make_site(stories(ITEMS)), random.Random(2025 + jobs)
    output = root / "_site"
    started = time.monotonic()
    built(root, "--jobs", str(jobs))
    # How long a build takes, from start-up to the last file: one that renames the site (odd
    # versions) renders every page, one that does not renders fewer. Measured each round.
    first = time.monotonic() - started
    took = {0: 0.6 * first, 1: first}
    rounds, kills = 4, 2
    # Fractions of a build spread over all of it and a little beyond: start-up, parse,
    # render, linking, the swap, the cache.
    fractions = [(n + rng.random()) * 1.15 / (rounds * kills) for n in range(rounds * kills)]
    rng.shuffle(fractions)
    outcomes: list[str] = []
    for version in range(1, rounds + 1):
        before = tree(output)
        edit(root, rng, version)
        after = clean_build(root, tmp_path / "clean")
        for _ in range(kills):
            delay = fractions.pop() * took[version % 2]
            status = killed_build(root, jobs, delay)
            when = f"version {version}, killed {delay:.3f} s after the start (status {status})"
            outcome = outcome_of_kill(output, before, after, status, when)
            outcomes.append(f"{delay:.3f} s: {outcome}")
            if status == 0:  # it was quicker than that
                took[version % 2] = delay
            waited = wait_for_lock(output)  # workers of a killed build may still be running
            if waited > 0.05:
                outcomes[-1] += f", lock held {waited:.2f} s after the kill"
        started = time.monotonic()
        built(root, "--jobs", str(jobs))
        took[version % 2] = time.monotonic() - started
        assert_published(output, after, f"the build after the kills of version {version}")
    interrupted = sum(1 for outcome in outcomes if "old site" in outcome)
    assert interrupted >= rounds * kills // 2, f"too few kills landed inside a build: {outcomes}"


@pytest.mark.parametrize("moment", ["recorded as pending", "swapped in"])
def test_a_build_killed_as_it_publishes_leaves_one_whole_site_and_later_builds_right(
    make_site: MakeSite, tmp_path: Path, moment: str
) -> None:
    root, rng = make_site(stories(150)), random.Random(11)
    output = root / "_site"
    built(root)
    log = root / ".briefing-cache" / store.output_file_name(output)
    for version in (1, 2, 3):  # the moments are short: not every try catches one
        before, published = tree(output), stage.folder_id(output)
        edit(root, rng, version)
        after = clean_build(root, tmp_path / "clean")
        with watching_phase(log) as phase:
            if moment == "swapped in":
                status = kill_when(root, partial(moved, output, published))
            else:
                status = kill_when(root, lambda: phase() == "pending")
        when = f"version {version}, killed when {moment} (status {status})"
        outcome_of_kill(output, before, after, status, when)
        built(root)
        assert_published(output, after, f"the build after version {version} was {moment}")
    edit(root, rng, 4)  # and the staging folder the crash left is used rightly
    built(root)
    assert_published(output, clean_build(root, tmp_path / "clean"), "the build after that")


@pytest.mark.parametrize(("killed_while", "items"), [("parsing", ITEMS), ("rendering", 1500)])
def test_the_workers_of_a_killed_build_end_and_let_the_next_build_run(
    make_site: MakeSite, tmp_path: Path, killed_while: str, items: int
) -> None:
    root = make_site(stories(items))
    output = root / "_site"
    if killed_while == "rendering":  # an edited site with a new title: workers render every page
        built(root, "--jobs", "2")
        edit(root, random.Random(5), 1)
    # Else a first build: its workers parse every item first.
    proc = start_build(root, "--jobs", "2", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(leftovers(root)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        pass  # until the build runs its two workers
    proc.kill()
    proc.wait(timeout=60)
    assert time.monotonic() < deadline, "the build started no workers"
    killed, left = time.monotonic(), leftovers(root)
    # Give them time to finish their share; one blocked writing to a pipe nobody reads (the
    # killed build held its other end) never will.
    while left and not all("pipe_write" in wchan for wchan in left.values()):
        assert time.monotonic() - killed < 30, f"workers still busy 30 s after the kill: {left}"
        time.sleep(0.05)
        left = leftovers(root)
    assert not left, (
        f"{len(left)} workers of a build killed while {killed_while} still run "
        f"{time.monotonic() - killed:.1f} s later, blocked in {sorted(set(left.values()))}, "
        f"and hold the output's lock (free: {lock_is_free(output)}): every later build into "
        "this output waits for them for ever"
    )
    built(root, "--jobs", "2")
    assert_published(output, clean_build(root, tmp_path / "clean"), "the next build")


def test_a_killed_first_build_publishes_nothing_or_the_whole_site(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root, rng = make_site(stories(ITEMS)), random.Random(7)
    output = root / "_site"
    want = clean_build(root, tmp_path / "clean")
    for delay in (rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.6), rng.uniform(0.6, 0.9)):
        status = killed_build(root, 2, delay)
        if output.exists() or output.is_symlink():
            assert_published(output, want, f"a first build killed after {delay:.3f} s ({status})")
        end_leftovers(root)  # workers killed while parsing wait for ever: see the test above
    built(root, "--jobs", "2")
    assert_published(output, want, "the build after the killed first builds")


# 2. A failed write -------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_fails_the_build_and_leaves_the_published_site_as_it_was(
    make_site: MakeSite, tmp_path: Path, jobs: int
) -> None:
    root = make_site(stories(150))  # about 5.6 MB of output, 500 files: enough for workers
    with small_disk(tmp_path / "disk", "12m") as disk:
        output = disk / "_site"
        built(root, "--output", str(output), "--jobs", str(jobs))
        before = tree(output)
        words = " ".join(f"word{n}" for n in range(100_000))  # 1 MB, shown on 16 pages
        (root / "content/long.md").write_text(story(2000, body=words), encoding="utf-8")
        (root / "content/story-0001.md").write_text(story(1, version=1), encoding="utf-8")

        result = run_build(root, "--output", str(output), "--jobs", str(jobs))
        assert_failed_unchanged(result, output, before, "No space left on device")
        assert "cannot write the site" in result.stderr

        (root / "content/long.md").unlink()  # room again: the next build publishes
        built(root, "--output", str(output), "--jobs", str(jobs))
        assert_published(output, clean_build(root, tmp_path / "clean"), "once there was room")


def test_a_read_only_disk_fails_the_build_and_leaves_the_published_site_as_it_was(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(stories(20))
    with small_disk(tmp_path / "disk", "8m") as disk:
        output = disk / "_site"
        built(root, "--output", str(output))
        before = tree(output)
        (root / "content/story-0003.md").write_text(story(3, version=1), encoding="utf-8")
        read_only(disk)
        try:
            result = run_build(root, "--output", str(output))
            assert_failed_unchanged(result, output, before, "Read-only file system")
        finally:
            mount("-o", "remount,rw", str(disk))

        built(root, "--output", str(output))
        assert_published(output, clean_build(root, tmp_path / "clean"), "once it was writable")


def test_a_staging_folder_that_cannot_be_written_fails_the_build_cleanly(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(stories(20))
    output = root / "_site"
    built(root)
    (root / "content/story-0002.md").write_text(story(2, version=1), encoding="utf-8")
    built(root)  # now the staging folder holds the first site, ready for the next build
    before = tree(output)
    (root / "content/story-0003.md").write_text(story(3, version=1), encoding="utf-8")
    with mounted(stage.stage_dir(output), "--bind", str(stage.stage_dir(output))) as folder:
        read_only(folder, bind=True)  # the output's own folder stays writable: only writing fails
        result = run_build(root)
        assert_failed_unchanged(result, output, before, "Read-only file system")
        assert "cannot write the site" in result.stderr
    built(root)
    assert_published(output, clean_build(root, tmp_path / "clean"), "once it was writable")


# 3. Two builds at once ---------------------------------------------------------------------------


def test_two_builds_at_once_both_succeed_one_after_the_other(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(stories(ITEMS))
    built(root)
    edit(root, random.Random(3), 1)
    want = clean_build(root, tmp_path / "clean")
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    procs = [start_build(root, "--jobs", str(jobs), **pipes) for jobs in (1, 2)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        assert out.startswith("built "), out
    waiting = [err for _, err in results if "waiting for it to finish" in err]
    assert len(waiting) == 1, f"exactly one build should have waited for the other: {results}"
    assert_published(root / "_site", want, "after two builds at once")


# 4. A content error ------------------------------------------------------------------------------


def test_a_broken_item_fails_the_build_and_leaves_the_published_site_as_it_was(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(stories(450))
    output = root / "_site"
    built(root, "--jobs", "2")
    before = tree(output)
    edit(root, random.Random(4), 1)
    (root / "content/broken.md").write_text(
        "---\ntitle: [an unclosed list\ndate: 2025-07-24T10:00:00+03:00\n---\nBody.\n",
        encoding="utf-8",
    )
    # Incrementally (the broken file parsed here), and from nothing (parsed in workers).
    for extra in ((), ("--clean",)):
        result = run_build(root, "--jobs", "2", *extra)
        assert_failed_unchanged(result, output, before, "broken.md")

    (root / "content/broken.md").unlink()
    built(root, "--jobs", "2")
    assert_published(output, clean_build(root, tmp_path / "clean"), "once the item was fixed")


# 5. A build after the record of the output folder was lost ---------------------------------------


def changed_briefing(into: Path) -> dict[str, str]:
    """An environment running a copy of briefing with one comment added: a new version, as
    far as the build cache can tell, that makes the same site."""
    repo = Path(generator.__file__).parent.parent
    shutil.copytree(
        repo / "generator", into / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(repo / "themes" / "default", into / "themes" / "default")
    with (into / "generator" / "errors.py").open("a", encoding="utf-8") as file:
        file.write("\n# a new version\n")
    return {**os.environ, "PYTHONPATH": str(into)}


@pytest.mark.parametrize("lost", ["--clean", "a damaged record", "a new briefing"])
def test_items_deleted_after_the_output_record_was_lost_leave_the_site(
    make_site: MakeSite, tmp_path: Path, lost: str
) -> None:
    root = make_site(stories(6))
    output = root / "_site"
    built(root)
    (root / "content/story-0001.md").write_text(story(1, version=1), encoding="utf-8")
    built(root)  # the staging folder now holds the first site, the output the second
    (root / "content/story-0002.md").unlink()
    env = None
    if lost == "--clean":
        built(root, "--clean")
    elif lost == "a damaged record":
        (root / cache.CACHE_DIR / store.output_file_name(output)).write_bytes(b"damaged" * 100)
        built(root)
    else:
        env = changed_briefing(tmp_path / "briefing")
        built(root, env=env)
    assert_published(output, clean_build(root, tmp_path / "clean"), f"the build after {lost}")
    (root / "content/story-0003.md").unlink()
    built(root, env=env)
    assert_published(output, clean_build(root, tmp_path / "clean"), "the build after next")


def test_every_file_is_published_after_the_output_folder_was_replaced_by_hand(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(stories(6))
    output = root / "_site"
    built(root)
    (root / "content/story-0001.md").write_text(story(1, version=1), encoding="utf-8")
    built(root)
    output.rename(root / "_site.old")  # as a deploy script might: an empty folder in its place
    output.mkdir()
    built(root)
    assert_published(output, clean_build(root, tmp_path / "clean"), "the build after that")
    (root / "content/story-0004.md").write_text(story(4, version=1), encoding="utf-8")
    built(root)
    assert_published(output, clean_build(root, tmp_path / "clean"), "the build after next")


def test_a_mount_point_as_output_is_refused_before_anything_is_written(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """The swap renames folders, which a mount point cannot be: the build used to fail
    only after writing a whole staging folder beside it, and leave it, each try."""
    root = make_site(stories(3))
    with small_disk(tmp_path / "mnt", "4m") as disk:
        with pytest.raises(BuildFailed) as failed:
            build(BuildOptions(site_dir=root, output=disk))
        (error,) = failed.value.errors
        assert str(error).startswith(f"refusing to build into {disk}: it is a mount point")
        assert f"--output {disk / 'site'}" in str(error)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mnt", "site"]
        build(BuildOptions(site_dir=root, output=disk / "site"))  # the way out works
        assert (disk / "site/index.html").is_file()
