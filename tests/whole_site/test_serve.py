"""``briefing serve`` as a real process, over real HTTP."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SEARCH_SITE_YAML, WAIT, MakeSite, Server, eventually, item, start

from generator.engine.build import build
from generator.engine.options import BuildOptions

#: The tests' site's url (conftest's SITE_YAML), where an email's links lead.
SITE_URL = "https://briefing-dev.github.io/briefing/"

#: Every test here runs briefing serve as a process.
pytestmark = pytest.mark.slow


@pytest.fixture
def server(make_site: MakeSite) -> Iterator[tuple[Server, Path]]:
    root = make_site({"content/2025-07-22-talks.md": item("Talks in Istanbul")})
    running = start(root)
    yield running, root
    if running.proc.poll() is None:
        running.proc.kill()
    running.proc.communicate()  # reap it and close its pipes


def test_serves_the_site_under_its_base_path(server: tuple[Server, Path]) -> None:
    running, _ = server
    status, page = running.get("2025/07/22/talks/")
    assert status == 200 and "<h1>Talks in Istanbul</h1>" in page
    assert 'href="/briefing/assets/style.css"' in page
    status, css = running.get("assets/style.css")
    assert status == 200 and "--accent" in css
    status, missing = running.get("no/such/page/")
    assert status == 404 and "Page not found" in missing
    with urllib.request.urlopen(running.origin + "/", timeout=WAIT) as response:
        assert response.url == running.url  # / redirects to the base path


def test_pages_get_the_reload_script_but_the_build_never_does(
    server: tuple[Server, Path], tmp_path: Path
) -> None:
    running, root = server
    _, page = running.get("")
    assert '<script src="/__briefing__/reload.js"' in page
    with urllib.request.urlopen(running.origin + "/__briefing__/reload.js", timeout=WAIT) as r:
        assert r.status == 200 and b"location.reload()" in r.read()
    build(BuildOptions(site_dir=root, output=tmp_path / "out"))
    built = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html")]
    assert built and not any("__briefing__" in text for text in built)


def test_edit_break_and_fix_a_file(server: tuple[Server, Path]) -> None:
    running, root = server
    file = root / "content/2025-07-22-talks.md"
    first = running.state()["build"]

    file.write_text(item("Talks moved to Geneva"), encoding="utf-8")
    assert eventually(lambda: "Talks moved to Geneva" in running.get("2025/07/22/talks/")[1])

    file.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    assert eventually(lambda: bool(running.state()["errors"]))
    state = running.state()
    assert state["build"] != first
    assert state["errors"] == [
        "content/2025-07-22-talks.md:2:8: invalid YAML in front matter: did not find expected "
        "',' or ']'; check the indentation, and quote values that contain ': ', '#' or start "
        "with '['"
    ]
    # The last good site is still served.
    status, page = running.get("2025/07/22/talks/")
    assert status == 200 and "Talks moved to Geneva" in page

    file.write_text(item("Talks are back on"), encoding="utf-8")
    assert eventually(lambda: running.state()["errors"] == [])
    assert "Talks are back on" in running.get("2025/07/22/talks/")[1]

    running.proc.send_signal(signal.SIGINT)
    out, err = running.proc.communicate(timeout=WAIT)
    assert running.proc.returncode == 0
    assert "build failed (1 error); still serving the last good build" in err
    assert "content/2025-07-22-talks.md:2:8: invalid YAML" in err
    assert out.rstrip().endswith("stopped")


def test_the_email_of_an_edition_is_previewed_as_it_is_edited(
    server: tuple[Server, Path],
) -> None:
    running, root = server
    status, page = running.get("email/2025-07-22/")
    assert status == 200 and "Talks in Istanbul</a></h3>" in page
    assert '<script src="/__briefing__/reload.js"' in page  # reloads like any page
    status, text = running.get("email/2025-07-22/email.txt")
    assert status == 200 and "Talks in Istanbul [1]" in text
    (root / "content/2025-07-22-talks.md").write_text(item("Talks moved"), encoding="utf-8")
    assert eventually(lambda: "Talks moved [1]" in running.get("email/2025-07-22/email.txt")[1])
    assert "Talks moved</a></h3>" in running.get("email/2025-07-22/")[1]
    # Its links and pictures lead to the preview, not to the site not yet published;
    # pages of the site keep their canonical address.
    email = running.get("email/2025-07-22/")[1]
    assert f'href="{running.origin}/briefing/2025/07/22/talks/"' in email
    assert "https://briefing-dev.github.io/briefing/" not in email
    assert (
        '<link rel="canonical" href="https://briefing-dev.github.io/briefing/"'
        in (running.get("")[1])
    )


def test_the_feeds_list_is_served_as_opml(server: tuple[Server, Path]) -> None:
    running, _ = server
    with urllib.request.urlopen(running.url + "feeds.opml", timeout=WAIT) as response:
        assert response.headers["Content-Type"] == "text/x-opml; charset=utf-8"
        assert b"<opml" in response.read()


def test_a_waiting_page_hears_of_the_next_build(server: tuple[Server, Path]) -> None:
    running, root = server
    number = running.state()["build"]
    (root / "content/2025-07-23-more.md").write_text(
        item("More news", "2025-07-23T08:00:00+03:00"), encoding="utf-8"
    )
    url = f"{running.origin}/__briefing__/wait?since={number}"
    with urllib.request.urlopen(url, timeout=WAIT + 25) as response:
        state = json.loads(response.read())
    assert state["build"] != number and state["errors"] == []
    assert "More news" in running.get("")[1]


def test_ctrl_c_stops_and_removes_the_temporary_build(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    running = start(root, "--verbose")
    assert running.get("")[0] == 200
    running.proc.send_signal(signal.SIGINT)
    out, err = running.proc.communicate(timeout=WAIT)
    assert running.proc.returncode == 0 and out.rstrip().endswith("stopped")
    temp = re.search(r"building into (\S+)", err)
    assert temp, err
    assert not Path(temp.group(1)).exists()
    assert not (root / "_site").exists()  # serve never builds over the published folder


def test_ctrl_c_while_the_search_index_is_made_stops_pagefind_and_leaves_nothing(
    make_site: MakeSite,
) -> None:
    """The index is made in a thread after the first build (a few seconds for these 400
    items): Ctrl-C then ends Pagefind's process too, and nothing is written after the
    temporary folder goes."""
    stories = {
        f"content/2025-07-{1 + n % 28:02d}-story-{n}.md": item(
            f"Story {n}", f"2025-07-{1 + n % 28:02d}T{n % 24:02d}:00:00+03:00",
            body=" ".join(["Words for the search index to read."] * 40),
        )
        for n in range(400)
    }  # fmt: skip
    root = make_site({"site.yaml": SEARCH_SITE_YAML, **stories})
    tag = f"briefing-test-{os.getpid()}-{time.monotonic_ns()}"
    running = start(root, "--verbose", env={**os.environ, "BRIEFING_TEST_TAG": tag})
    assert running.state()["search"] == 0  # still at work
    running.proc.send_signal(signal.SIGINT)
    out, err = running.proc.communicate(timeout=WAIT)
    assert running.proc.returncode == 0 and out.rstrip().endswith("stopped"), err
    assert "search index" not in err  # a stopped index is no failure to report
    assert "Exception ignored" not in err and "Traceback" not in err, err
    temp = re.search(r"building into (\S+)", err)
    assert temp, err
    # Once no process of the preview's is left (Pagefind's service inherits the tag),
    # nothing can bring the folder back: only then is its absence worth checking.
    assert eventually(lambda: processes_with(tag) == []), processes_with(tag)
    assert not Path(temp.group(1)).exists()


def processes_with(tag: str) -> list[int]:
    """Processes whose environment carries ``tag``: a tested one's children, orphaned too."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and tag.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue  # gone, or not ours to read
    return found


def test_a_busy_port_gets_a_clear_message(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", str(port)],
            capture_output=True, text=True, timeout=WAIT,
        )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == (
        f"port {port} on 127.0.0.1 is already in use; stop the other server or pass --port "
        "with another number\n"
    )


def test_an_open_page_reloads_itself_and_shows_errors_over_the_page(
    server: tuple[Server, Path], chromium: Any
) -> None:
    driver = chromium
    running, root = server
    file = root / "content/2025-07-22-talks.md"
    driver.get(running.url + "2025/07/22/talks/")
    assert driver.find_element("css selector", "h1").text == "Talks in Istanbul"
    driver.execute_script("window.notReloaded = true")

    file.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    assert eventually(lambda: bool(driver.find_elements("id", "briefing-errors")))
    overlay = driver.find_element("id", "briefing-errors").text
    assert "content/2025-07-22-talks.md:2:8: invalid YAML" in overlay
    assert driver.execute_script("return window.notReloaded") is True  # shown in place

    file.write_text(item("Talks in Geneva"), encoding="utf-8")
    # Read in one script call: the page may reload between two driver calls.
    heading = "var h = document.querySelector('h1'); return h && h.textContent"
    assert eventually(lambda: driver.execute_script(heading) == "Talks in Geneva")
    assert driver.execute_script("return window.notReloaded") is None  # it reloaded
    assert not driver.find_elements("id", "briefing-errors")


def wait_for(running: Server, since: int, page: str) -> dict[str, Any]:
    """What the reload endpoint tells an open page at URL path ``page`` after build ``since``."""
    query = urllib.parse.urlencode({"since": since, "page": page})
    with urllib.request.urlopen(
        f"{running.origin}/__briefing__/wait?{query}", timeout=WAIT + 25
    ) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def test_only_pages_whose_files_changed_reload(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/2025-07-22-talks.md": item("Talks in Istanbul"),
            "content/2025-07-20-grain.md": item("Grain deal", "2025-07-20T08:00:00+03:00"),
        }
    )
    running = start(root)
    try:
        number = int(str(running.state()["build"]))
        file = root / "content/2025-07-20-grain.md"
        file.write_text(
            item("Grain deal", "2025-07-20T08:00:00+03:00", body="Fresh words.\n\nMore."),
            encoding="utf-8",
        )
        assert wait_for(running, number, "/briefing/2025/07/20/grain/")["reload"] is True
        # Its page first, then the rebuild: two good builds.
        assert eventually(lambda: int(str(running.state()["good"])) == number + 2)
        # The other item's page did not change: an open copy of it stays as it is.
        assert wait_for(running, number, "/briefing/2025/07/22/talks/")["reload"] is False
        # A missing page shows 404.html, which did not change; it reloads once its page exists.
        missing = "/briefing/2025/07/23/new/"
        assert wait_for(running, number, missing)["reload"] is False
        (root / "content/2025-07-23-new.md").write_text(
            item("New", "2025-07-23T08:00:00+03:00"), encoding="utf-8"
        )
        assert wait_for(running, number + 2, missing)["reload"] is True
    finally:
        running.proc.kill()
        running.proc.communicate()


def test_serve_follows_a_new_url_in_site_yaml(make_site: MakeSite) -> None:
    root = make_site({"content/2025-07-22-talks.md": item("Talks in Istanbul")})
    running = start(root)
    try:
        site_yaml = (root / "site.yaml").read_text(encoding="utf-8")
        (root / "site.yaml").write_text(
            site_yaml.replace("briefing-dev.github.io/briefing/", "briefing-dev.github.io/digest/"),
            encoding="utf-8",
        )

        def moved() -> bool:
            try:
                with urllib.request.urlopen(
                    running.origin + "/digest/2025/07/22/talks/", timeout=WAIT
                ) as r:
                    return r.status == 200 and b'href="/digest/assets/style.css"' in r.read()
            except urllib.error.HTTPError:
                return False

        assert eventually(moved)
    finally:
        running.proc.kill()
        running.proc.communicate()


def test_serve_watches_a_site_inside_a_hidden_folder(tmp_path: Path) -> None:
    root = tmp_path / ".sites" / "morning"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(
        "title: Morning\nurl: https://briefing-dev.github.io/briefing/\n", encoding="utf-8"
    )
    (root / "content/2025-07-22-talks.md").write_text(item("Talks in Istanbul"))
    running = start(root)
    try:
        (root / "content/2025-07-22-talks.md").write_text(item("Talks in Geneva"))
        assert eventually(lambda: "Talks in Geneva" in running.get("2025/07/22/talks/")[1])
    finally:
        running.proc.kill()
        running.proc.communicate()


def served_tree(running: Server, built: Path) -> dict[str, bytes]:
    """Every file of a clean build, as ``serve`` serves it (reload script taken out, and
    an email's links put back from the preview to the published site)."""
    served = {}
    script = re.compile(rb'<script src="/__briefing__/reload\.js"[^>]*></script>')
    for path in sorted(built.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(built).as_posix()
            with urllib.request.urlopen(running.url + rel, timeout=WAIT) as response:
                data = script.sub(b"", response.read())
            # An edition's email (uk/email/ in another language) is previewed with its
            # links pointed at the preview.
            if re.match(r"(?:[a-z]{2,3}/)?email/", rel) and rel.endswith(".html"):
                data = data.replace(running.url.encode(), SITE_URL.encode())
            served[rel] = data
    return served


def settled(running: Server, clean: Path, expected: dict[str, bytes]) -> bool:
    """Whether the search index holds the newest good build, and every file is served
    as ``expected`` of the clean build in ``clean``."""
    state = running.state()
    return state["search"] == state["good"] and served_tree(running, clean) == expected


@pytest.mark.parametrize("languages", [False, True], ids=["one language", "two languages"])
def test_the_served_site_equals_a_clean_build_after_each_edit(
    make_site: MakeSite, tmp_path: Path, languages: bool
) -> None:
    # In two languages, the items of the 13th to the 15th are Ukrainian (under /uk/,
    # with an index of their own), and the 15th's body is edited too.
    site_yaml = SEARCH_SITE_YAML + (
        "languages: {en: {}, uk: {title: Брифінг}}\n" if languages else ""
    )
    lang = {"lang": "uk"} if languages else {}

    def story(title: str, date: str, day: int, **more: str) -> str:
        return item(title, date, tags="[energy, europe]", **(lang if day >= 13 else {}), **more)

    root = make_site(
        {
            "site.yaml": site_yaml,
            **{
                f"content/2025-07-{day:02d}-story-{day}.md": story(
                    f"Story {day}", f"2025-07-{day:02d}T09:00:00+03:00", day
                )
                for day in range(10, 16)
            },
        }
    )
    running = start(root)
    edits: list[tuple[str, str | None]] = [
        (
            "content/2025-07-11-story-11.md",
            item(
                "Story 11",
                "2025-07-11T09:00:00+03:00",
                tags="[energy, europe]",
                body="Only the body is new, longer than before.\n\nAnd a [link](../../10/).",
            ),
        ),
        ("content/2025-07-12-story-12.md", item("Story twelve", "2025-07-12T09:00:00+03:00")),
        ("content/2025-07-16-story-16.md", item("A new story", "2025-07-16T07:00:00+03:00")),
        ("content/2025-07-13-story-13.md", None),
        ("content/2025-07-14-story-14.md", story("Story 14", "2025-07-11T10:00:00+03:00", 14)),
        (
            "content/2025-07-15-story-15.md",
            story("Story 15", "2025-07-15T09:00:00+03:00", 15, body="Нові слова для пошуку."),
        ),
    ]
    try:
        for number, (rel, text) in enumerate(edits):
            before = int(str(running.state()["good"]))
            if text is None:
                (root / rel).unlink()
            else:
                (root / rel).write_text(text, encoding="utf-8")
            assert eventually(lambda b=before: int(str(running.state()["good"])) > b)
            clean = tmp_path / f"clean-{number}"
            build(BuildOptions(site_dir=root, output=clean, use_cache=False))
            expected = {
                p.relative_to(clean).as_posix(): p.read_bytes()
                for p in clean.rglob("*")
                if p.is_file() and not p.name.startswith(".")
            }
            # A body edit is served (and indexed for search) at a first look, then the
            # rebuild confirms it and serves the rest, and the search index follows the
            # builds in a thread of its own: wait for all of it, then compare every file.
            eventually(lambda c=clean, e=expected: settled(running, c, e))
            assert served_tree(running, clean) == expected, rel
    finally:
        running.proc.kill()
        running.proc.communicate()


def like_a_terminal() -> None:
    """In the child: Ctrl-C as a terminal delivers it to its foreground job, whatever this
    test runner inherited. A process started with SIGINT ignored cannot be stopped by it
    before briefing's own code runs; that case is the next test's."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_serve_started_with_sigint_ignored(make_site: MakeSite) -> None:
    """Scripts start background jobs with SIGINT ignored; serve takes Ctrl-C back."""
    root = make_site({"content/a.md": item()})
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]  # two builds, then "Serving ..."
    assert lines[2].startswith("Serving "), lines
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("serve started with SIGINT ignored did not stop on Ctrl-C") from None
    assert proc.returncode == 0 and out.rstrip().endswith("stopped")


def test_ctrl_c_stops_serve_at_any_moment_even_beside_a_busy_process(make_site: MakeSite) -> None:
    """Twenty starts, each interrupted at a random moment of its first (forked) build or
    after it, next to a process that keeps a core busy: every one stops, none hangs."""
    root = make_site(
        {
            f"content/2025-07-{1 + n % 28:02d}-story-{n}.md": item(
                f"Story {n}", f"2025-07-{1 + n % 28:02d}T{n % 24:02d}:00:00+03:00"
            )
            for n in range(450)  # above workers.MIN_WORK: the first build forks
        }
    )
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    moments = random.Random(9).sample([i / 20 for i in range(40)], 20)
    # Twenty previews each leave a build folder for a detached process to delete; on a
    # slow shared disk that I/O can stall a new process's start-up for seconds, which is
    # not what this test is about: memory-backed /dev/shm holds the folders where it exists.
    shm = Path("/dev/shm")
    env = {**os.environ, "TMPDIR": str(shm)} if shm.is_dir() else None
    try:
        for moment in moments:
            proc = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0",
                 "--jobs", "2"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                preexec_fn=like_a_terminal,
            )  # fmt: skip
            time.sleep(moment)
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=WAIT)  # a hang, not a speed limit
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise AssertionError(f"serve did not stop after Ctrl-C at {moment} s") from None
            # 130: Ctrl-C while briefing was being imported. 1, with Python's own traceback
            # and no line of briefing's: Ctrl-C while Python itself was starting up (site.py
            # running a .pth file), before any of briefing's code ran.
            in_startup = proc.returncode == 1 and err.rstrip().endswith("KeyboardInterrupt")
            in_startup = in_startup and "generator" not in err.replace(str(root), "")
            assert in_startup or proc.returncode in (0, 130, -signal.SIGINT), (moment, err)
        leftovers = subprocess.run(
            ["pgrep", "-f", f"generator serve --site {root}"], capture_output=True, text=True
        )
        assert leftovers.stdout == ""  # no worker process left behind
    finally:
        busy.kill()
        busy.wait()


def test_an_edited_body_is_served_before_the_rebuild_and_then_confirmed(
    server: tuple[Server, Path],
) -> None:
    running, root = server
    before = int(str(running.state()["good"]))
    (root / "content/2025-07-22-talks.md").write_text(
        item("Talks in Istanbul", body="A new first paragraph.\n\nAnd a second."),
        encoding="utf-8",
    )
    assert eventually(lambda: "A new first paragraph." in running.get("2025/07/22/talks/")[1])
    # Two good builds: the item's page alone first, then the whole rebuild.
    assert eventually(lambda: int(str(running.state()["good"])) == before + 2)
    assert "A new first paragraph." in running.get("")[1]  # the edition, from the rebuild


def test_edits_reached_through_links_in_content_are_previewed(make_site: MakeSite) -> None:
    """A linked folder and a linked file, both inside the site but outside content/:
    their edits are content edits."""
    root = make_site(
        {
            "content/a.md": item("Alpha"),
            "shared/more/2025-07-22-b.md": item("Bravo"),
            "drafts/2025-07-22-c.md": item("Charlie"),
        }
    )
    (root / "content/more").symlink_to("../shared/more", target_is_directory=True)
    (root / "content/c.md").symlink_to("../drafts/2025-07-22-c.md")
    running = start(root)
    try:
        assert "<h1>Bravo</h1>" in running.get("2025/07/22/b/")[1]
        (root / "shared/more/2025-07-22-b.md").write_text(item("Bravo, revised"))
        assert eventually(lambda: "<h1>Bravo, revised</h1>" in running.get("2025/07/22/b/")[1])
        (root / "drafts/2025-07-22-c.md").write_text(item("Charlie, revised"))
        assert eventually(lambda: "<h1>Charlie, revised</h1>" in running.get("2025/07/22/c/")[1])
    finally:
        running.proc.kill()
        running.proc.communicate()


def test_a_warning_is_printed_when_it_first_appears_not_on_every_rebuild(
    server: tuple[Server, Path],
) -> None:
    running, root = server
    file = root / "content/2025-07-22-talks.md"
    file.write_text(item("Talks\x1b resume"), encoding="utf-8")
    assert eventually(lambda: "<h1>Talks resume</h1>" in running.get("2025/07/22/talks/")[1])
    other = root / "content/2025-07-21-other.md"
    other.write_text(item("Other news", "2025-07-21T08:00:00+03:00"), encoding="utf-8")
    assert eventually(lambda: running.get("2025/07/21/other/")[0] == 200)
    running.proc.send_signal(signal.SIGINT)
    _, err = running.proc.communicate(timeout=WAIT)
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warned == [
        "warning: content/2025-07-22-talks.md:2:13: removed U+001B (escape); readers never see "
        "these characters, and HTML and feeds forbid them (they come with text pasted from word "
        "processors and PDFs); delete them to silence this warning"
    ]


def test_what_the_preview_leaves_out_is_said_in_its_log_and_on_its_pages(
    server: tuple[Server, Path],
) -> None:
    """`briefing new` writes a draft: the editor must see why the item is not there."""
    running, root = server
    (root / "content/2025-07-23-draft.md").write_text(
        item("A draft", "2025-07-23T08:00:00+03:00", draft="true"), encoding="utf-8"
    )
    (root / "content/2099-01-01-later.md").write_text(
        item("Later", "2099-01-01T08:00:00+03:00"), encoding="utf-8"
    )
    note = (
        "Not shown: 1 draft, 1 scheduled item not due yet (the first on 2099-01-01 08:00 "
        "+03:00). (serve --drafts shows drafts; serve --future shows scheduled items.)"
    )
    assert eventually(lambda: f'data-left-out="{note}"' in running.get("")[1])
    running.proc.send_signal(signal.SIGINT)
    out, _ = running.proc.communicate(timeout=WAIT)
    assert (
        "; left out: 1 draft, 1 scheduled item not due yet (the first on 2099-01-01 08:00 +03:00)"
        in out
    )


def test_a_content_folder_replaced_whole_is_watched_anew(server: tuple[Server, Path]) -> None:
    """`rm -rf content && git checkout -- content`: serve used to watch the folder gone."""
    import shutil

    running, root = server
    shutil.rmtree(root / "content")
    assert eventually(lambda: running.get("2025/07/22/talks/")[0] == 404)
    (root / "content").mkdir()
    (root / "content/2025-07-22-talks.md").write_text(item("Talks are back"), encoding="utf-8")
    assert eventually(lambda: "Talks are back" in running.get("2025/07/22/talks/")[1])
    # And edits inside the new folder are seen, as before.
    (root / "content/2025-07-23-more.md").write_text(
        item("More news", "2025-07-23T08:00:00+03:00"), encoding="utf-8"
    )
    assert eventually(lambda: running.get("2025/07/23/more/")[0] == 200)
