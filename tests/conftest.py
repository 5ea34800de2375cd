"""Shared fixtures: a site made from a dict of files, and a fixed configuration."""

from __future__ import annotations

import ctypes
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from generator.project.config import SiteConfig
from generator.text.urls import slugify

#: The tests folder, and the repository holding it (tests live one room deeper).
TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
#: axe-core's script, which `npm ci --prefix .ci` installs (AXE_CORE_JS names another).
AXE = Path(os.environ.get("AXE_CORE_JS", REPO / ".ci/node_modules/axe-core/axe.min.js"))
#: Screenshots and reports of browser tests, for a human to look at after a run.
ARTIFACTS = REPO / "test-artifacts"
#: Runs axe-core in the page; the violations, one line each ("id (impact): targets").
RUN_AXE = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(function (result) {
  done(result.violations.map(function (v) {
    return v.id + " (" + v.impact + "): " + v.nodes.map(function (n) {
      return n.target.join(" ");
    }).join(", ");
  }));
});
"""

#: The tests' site. Search is off: Pagefind is a process of its own, started by every
#: build that indexes; tests of search (tests/search/, the golden and sample sites) turn
#: it on, as site.yaml does by default.
SITE_YAML = """\
title: Test Briefing
url: https://briefing-dev.github.io/briefing/
description: A test briefing.
timezone: Europe/Kyiv
paginate: 2
feed_items: 3
search: false
"""
#: The tests' site with search on.
SEARCH_SITE_YAML = SITE_YAML.replace("search: false\n", "")


def item(
    title: str = "An item",
    date: str = "2025-07-22T09:15:00+03:00",
    tags: str = "[ukraine, diplomacy]",
    source: str | None = None,
    body: str = "The first paragraph.\n\nThe second paragraph.",
    **extra: str,
) -> str:
    """The text of an item file; ``extra`` adds front-matter keys verbatim.

    The source defaults to a URL made from the title, so that items stay distinct
    (an item's feed id is its first source URL).
    """
    if source is None:
        source = "https://www.reuters.com/world/" + (slugify(title) or "an-item")
    lines = [f"title: {title}", f"date: {date}", f"tags: {tags}", f"source: {source}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def without_file_privileges() -> None:
    """A ``preexec_fn`` that makes file modes bind the child, even when tests run as root.

    Root reads a mode-000 file through two capabilities; dropping them from the
    bounding set before exec leaves the child root in name only, as an editor
    would be. Unprivileged runs need nothing: modes bind them already.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop file capabilities")


#: Set by .ci/run: there every test must run, so a test that skips (Java, Chromium,
#: axe-core or mount(8) missing) fails instead of dropping out without a word.
NO_SKIPS = os.environ.get("BRIEFING_TESTS_NO_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if NO_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped where every test must run (BRIEFING_TESTS_NO_SKIPS=1): {reason}"


@pytest.fixture(autouse=True, scope="session")
def _own_secret_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds under test keep their cache key in a folder of the test run, not in the
    home folder of whoever runs the tests; subprocesses inherit it."""
    before = os.environ.get("BRIEFING_SECRET_DIR")
    os.environ["BRIEFING_SECRET_DIR"] = str(tmp_path_factory.mktemp("secret"))
    yield
    if before is None:
        del os.environ["BRIEFING_SECRET_DIR"]
    else:
        os.environ["BRIEFING_SECRET_DIR"] = before


MakeSite = Callable[[Mapping[str, str | bytes]], Path]


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, and 404.html with status 404 for anything missing: GitHub Pages' way."""

    base = "/"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / self.base.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_pages(top: Path, base: str) -> Iterator[str]:
    """Serve ``top`` over real HTTP as GitHub Pages serves a project site, the site being
    ``top/<base>``; gives the site's URL, ``http://127.0.0.1:PORT/<base>``."""
    handler = type("Handler", (PagesHandler,), {"base": base})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(top))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()


def run(*argv: str) -> tuple[int, str, str]:
    """``briefing ARGV`` in this process: its exit code, output and errors."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A PNG of ``width`` x ``height`` pixels, all of one ``colour``."""
    data = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(data, "PNG")
    return data.getvalue()


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from ``{relative path: text or bytes}``; site.yaml defaults to SITE_YAML."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_files(tmp_path / "site", {"site.yaml": SITE_YAML, **files})

    return make


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root`` (text dedented when it
    starts with a line break); return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(
                textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8"
            )
    return root


@pytest.fixture
def config() -> SiteConfig:
    """A fixed configuration for tests of pure stages."""
    return SiteConfig(
        title="Test Briefing",
        url="https://briefing-dev.github.io/briefing/",
        description="A test briefing.",
        timezone=ZoneInfo("Europe/Kyiv"),
        paginate=2,
        feed_items=3,
    )


def start_chromium(*flags: str) -> object:
    """Headless Chromium through Debian's chromium-driver, with its console log kept, and
    ``flags`` besides. Skips, saying what is missing, where Chromium is not installed;
    `.ci/run` installs it, so CI always runs these tests."""
    browser, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver_path:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    # No network beyond this machine here: keep Chromium from trying to reach Google.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--disable-dev-shm-usage", *flags):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Chromium, shared by a module's tests."""
    driver = start_chromium()
    yield driver
    driver.quit()  # type: ignore[attr-defined]


# briefing serve as a real process --------------------------------------------

#: Generous: CI machines are shared; a rebuild of these sites takes about 0.1 s.
WAIT = 15.0


class Server:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url  # ends with the base path, e.g. http://127.0.0.1:PORT/briefing/
        self.origin = url.split("/briefing/")[0]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def state(self) -> dict[str, object]:
        with urllib.request.urlopen(self.origin + "/__briefing__/state", timeout=WAIT) as r:
            result: dict[str, object] = json.loads(r.read())
            return result


def start(root: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+/briefing/)", line)
        if found:
            return Server(proc, found.group(1))
    proc.kill()
    raise AssertionError(f"serve did not start: {proc.stderr.read() if proc.stderr else ''}")


def eventually(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False
