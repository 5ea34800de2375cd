"""``briefing serve`` answers only its editor: a real process, over raw HTTP.

Requests are written byte by byte on sockets, because urllib and http.client
normalise what these tests need to send: forged Host and Origin headers, ``..``,
NUL bytes, malformed escapes, hundreds of idle or simultaneous connections.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import SITE_YAML, WAIT, MakeSite, Server, item, start

from generator.serve.server import MAX_CONNECTIONS, REQUEST_SECONDS

#: Every test here runs briefing serve as a process.
pytestmark = pytest.mark.slow

PAGE = "/briefing/2025/07/22/talks/"
HEADING = b"<h1>Talks in Istanbul</h1>"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def parse(data: bytes) -> Answer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(lines[0].split()[1]), headers, body)


def read_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def exchange(port: int, data: bytes) -> Answer:
    """Send ``data`` on a connection of its own; the server answers and closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as conn:
        conn.sendall(data)
        return parse(read_all(conn))


def request_bytes(
    port: int,
    target: str | bytes,
    method: str = "GET",
    host: str | None = "",
    headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A request as a browser would write it; ``host=""``: the server's own address."""
    raw = target if isinstance(target, bytes) else target.encode("ascii")
    lines = [method.encode() + b" " + raw + b" HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host or f'127.0.0.1:{port}'}".encode())
    lines += [f"{name}: {value}".encode() for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def request(
    port: int,
    target: str | bytes,
    method: str = "GET",
    host: str | None = "",
    headers: tuple[tuple[str, str], ...] = (),
) -> Answer:
    return exchange(port, request_bytes(port, target, method, host, headers))


def port_of(running: Server) -> int:
    return int(running.origin.rsplit(":", 1)[1])


@dataclass
class Running:
    server: Server
    port: int
    #: The folder being served (the temporary build's ``site``).
    served: Path
    #: Lines the server wrote to stderr, read all along so that its pipe never fills.
    log: list[str]


def verbose_preview(root: Path) -> Iterator[Running]:
    """``briefing serve --verbose`` on ``root`` in a subprocess, its stderr read all along;
    stopped when the generator is closed."""
    running = start(root, "--verbose")
    assert running.proc.stderr is not None
    log: list[str] = []
    reader = threading.Thread(target=log.extend, args=(running.proc.stderr,), daemon=True)
    reader.start()
    try:
        found = None
        deadline = time.monotonic() + WAIT
        while found is None and time.monotonic() < deadline:
            found = next((re.search(r"building into (\S+)", line) for line in log), None)
            time.sleep(0.01)
        assert found, log
        yield Running(running, port_of(running), Path(found.group(1)) / "site", log)
    finally:
        running.proc.kill()
        running.proc.communicate()
        reader.join(timeout=WAIT)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One preview for the tests that leave it as they found it."""
    root = tmp_path_factory.mktemp("shared") / "site"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content/2025-07-22-talks.md").write_text(item("Talks in Istanbul"), encoding="utf-8")
    yield from verbose_preview(root)


@pytest.fixture
def fresh(make_site: MakeSite) -> Iterator[Running]:
    """A preview of its own, for a test that fills it up."""
    yield from verbose_preview(
        make_site({"content/2025-07-22-talks.md": item("Talks in Istanbul")})
    )


def host_refusal(port: int, came: str) -> str:
    return (
        f"briefing serve answers only requests for http://127.0.0.1:{port}/ and "
        f"http://localhost:{port}/, so that no other web site can read the preview; "
        f"this one came {came}\n"
    )


@pytest.mark.parametrize(
    ("host", "came"),
    [
        ("evil.example", "for Host 'evil.example'"),
        ("evil.example:{port}", "for Host 'evil.example:{port}'"),
        ("127.0.0.1:{other}", "for Host '127.0.0.1:{other}'"),
        ("localhost:{other}", "for Host 'localhost:{other}'"),
        ("127.0.0.1", "for Host '127.0.0.1'"),
        ("127.0.0.1:{port}.evil.example", "for Host '127.0.0.1:{port}.evil.example'"),
        ("[::1]:{port}", "for Host '[::1]:{port}'"),
        (None, "without a Host header"),
    ],
)
@pytest.mark.parametrize("target", [PAGE, "/briefing/no/such/page/", "/__briefing__/state"])
def test_requests_for_other_hosts_are_refused(
    shared: Running, host: str | None, came: str, target: str
) -> None:
    port, other = shared.port, shared.port + 1
    forged = host.format(port=port, other=other) if host else None
    answer = request(port, target, host=forged)
    assert answer.status == 403
    assert answer.text == host_refusal(port, came.format(port=port, other=other))
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"


def test_two_host_headers_are_refused_and_head_gets_no_body(shared: Running) -> None:
    port = shared.port
    two = request(port, PAGE, headers=(("Host", "evil.example"),))
    assert (two.status, two.text) == (403, host_refusal(port, "with 2 Host headers"))
    head = request(port, PAGE, method="HEAD", host="evil.example")
    assert head.status == 403 and head.body == b""
    assert int(head.headers["content-length"]) == len(host_refusal(port, "for Host 'evil.example'"))


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}"])
def test_the_preview_answers_its_own_addresses(shared: Running, host: str) -> None:
    answer = request(shared.port, PAGE, host=host.format(port=shared.port))
    assert answer.status == 200 and HEADING in answer.body


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "http://127.0.0.1:{other}",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{port}.evil.example",
        "http://[::1]:{port}",
        "null",
    ],
)
@pytest.mark.parametrize("endpoint", ["state", "wait?since=0", "reload.js"])
def test_the_reload_endpoint_refuses_other_origins(
    shared: Running, origin: str, endpoint: str
) -> None:
    port = shared.port
    forged = origin.format(port=port, other=port + 1)
    answer = request(port, f"/__briefing__/{endpoint}", headers=(("Origin", forged),))
    assert answer.status == 403
    assert answer.text == (
        "briefing serve's reload endpoint answers only the preview's own pages, from "
        f"http://127.0.0.1:{port} and http://localhost:{port}; this request came from Origin "
        f"{forged!r}\n"
    )


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}", None])
def test_the_reload_endpoint_answers_its_own_pages(shared: Running, origin: str | None) -> None:
    headers = (("Origin", origin.format(port=shared.port)),) if origin else ()
    answer = request(shared.port, "/__briefing__/state?since=0", headers=headers)
    assert answer.status == 200 and answer.text.startswith('{"build": ')


SINCE = "the reload endpoint's since= takes the number of a build, such as since=12; "
CONTROL = "a request path must not hold control characters such as NUL, percent-encoded or not; "
ESCAPE = "a '%' in a request path must start a percent escape such as %20; "


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (b"/__briefing__/state?since=%C2%B2", SINCE + "this request has since='\u00b2'"),
        (b"/__briefing__/wait?since=%C2%B2", SINCE + "this request has since='\u00b2'"),
        (
            b"/__briefing__/wait?since=" + b"1" * 5000,
            SINCE + f"this request has since={'1' * 40!r}\u2026 (5,000 characters)",
        ),
        (b"/__briefing__/wait?since=-1", SINCE + "this request has since='-1'"),
        (b"/__briefing__/wait?since=", SINCE + "this request has since=''"),
        (b"/__briefing__/wait?since=1e3", SINCE + "this request has since='1e3'"),
        (b"/__briefing__/wait?since=1&since=2", SINCE + "this request has since= 2 times"),
        (b"/__briefing__/wait?since=1234567890123",
         SINCE + "this request has since='1234567890123'"),
        (b"/__briefing__/state?page=%ff", "a query must be UTF-8 once percent-decoded; "
         "this one is 'page=%ff'"),
        (b"/briefing/a%00b", CONTROL + "this one is '/briefing/a%00b'"),
        (b"/briefing/a\x00b", CONTROL + "this one is '/briefing/a\\x00b'"),
        (b"/briefing/%0d%0aSet-Cookie:%20x=1", CONTROL + "this one is "
         "'/briefing/%0d%0aSet-Cookie:%20x=1'"),
        (b"/__briefing__/state%00", CONTROL + "this one is '/__briefing__/state%00'"),
        (b"/briefing/%zz", ESCAPE + "this request has '/briefing/%zz'"),
        (b"/briefing/100%", ESCAPE + "this request has '/briefing/100%'"),
        (b"/briefing/%2", ESCAPE + "this request has '/briefing/%2'"),
        (b"/briefing/?q=%g0", ESCAPE + "this request has '/briefing/?q=%g0'"),
        (b"/briefing/%ff%fe/", "a request path must be UTF-8 once percent-decoded; "
         "this one is '/briefing/%ff%fe/'"),
        (b"/briefing/\xff", "a request path must be ASCII, other characters percent-encoded; "
         "this one is '/briefing/\u00ff'"),
        (b"/__briefing__/state?since=\xc2\xb2", "a request path must be ASCII, other characters "
         "percent-encoded; this one is '/__briefing__/state?since=\u00c2\u00b2'"),
        (b"http://evil.example/briefing/", "briefing serve takes request paths that start with "
         "'/'; this one is 'http://evil.example/briefing/'"),
        (b"*", "briefing serve takes request paths that start with '/'; this one is '*'"),
    ],
)  # fmt: skip
def test_malformed_requests_get_400_with_the_reason(
    shared: Running, target: bytes, message: str
) -> None:
    answer = request(shared.port, target)
    assert (answer.status, answer.text) == (400, message + "\n")
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "page",
    ["", "/", "/briefing/", PAGE, "%00", "\x00", "/briefing/../../etc/passwd", "x" * 5000,
     "/briefing/%ff", "/briefing/\u00e9t\u00e9/", "\\\\server\\share"],
)  # fmt: skip
def test_any_page_value_gets_a_state(shared: Running, page: str) -> None:
    answer = request(shared.port, f"/__briefing__/state?since=0&page={quote(page, safe='')}")
    assert answer.status == 200
    assert re.fullmatch(
        r'\{"build": \d+, "good": \d+, "errors": \[\], "reload": (true|false), "search": \d+\}',
        answer.text,
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"])
def test_methods_other_than_get_and_head_get_405(shared: Running, method: str) -> None:
    answer = request(shared.port, PAGE, method=method)
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD"
    assert answer.text == (
        f"briefing serve answers only GET and HEAD requests; this one was {method!r}\n"
    )


def test_an_overlong_request_line_gets_414(shared: Running) -> None:
    # 65,537 bytes and no more: the server reads them all, so closing sends no reset.
    answer = exchange(shared.port, b"GET /" + b"a" * 65530 + b" HTTP/1.0\r\n")
    assert (answer.status, answer.text) == (414, "the request line is longer than 65,536 bytes\n")


def test_an_unknown_endpoint_gets_404(shared: Running) -> None:
    answer = request(shared.port, "/__briefing__/nothing")
    assert answer.status == 404
    assert answer.text == (
        "no such endpoint: '/__briefing__/nothing'; there are /__briefing__/reload.js, "
        "/__briefing__/state and /__briefing__/wait\n"
    )


@pytest.fixture(scope="module")
def outside(shared: Running, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the site holding an index.html, and a link to it inside the
    served folder, where no build would put one."""
    folder = tmp_path_factory.mktemp("outside") / "secret"
    folder.mkdir()
    (folder / "index.html").write_text("<body>secret</body>", encoding="utf-8")
    (shared.served / "escape").symlink_to(folder, target_is_directory=True)
    return folder


def probes(served: Path, outside: Path) -> list[str]:
    """Request paths that would reach ``outside`` if the server followed them."""
    up = len(served.parts) - 1  # from the served folder to the root of the file system
    absolute = outside.as_posix().lstrip("/")
    plain = "../" * up + absolute
    return [
        "/briefing/" + plain,
        "/briefing/" + plain + "/",
        "/briefing/" + plain + "/index.html",
        "/briefing/" + "%2e%2e/" * up + absolute,
        "/briefing/" + "%2E%2E%2F" * up + quote(absolute, safe=""),
        "/briefing/" + "..%5c" * up + absolute.replace("/", "%5c"),
        "/briefing//" + absolute,
        "/briefing/%2f" + absolute,
        "/briefing/./" + plain,
        "/" + plain,
        "/briefing/escape",
        "/briefing/escape/",
        "/briefing/escape/index.html",
        "/briefing/escape/../escape",
        "/briefing/C:%5c" + absolute,
        "/briefing/2025/07/22/talks/../../../../escape",
        "/briefing/assets",  # a folder of the site without an index.html
        "/briefing/" + "x" * 5000,  # a name too long for the file system
    ]


def test_nothing_outside_the_site_can_be_told_from_a_missing_name(
    shared: Running, outside: Path
) -> None:
    missing = request(shared.port, "/briefing/no-such-name")
    assert missing.status == 404 and b"Page not found" in missing.body
    for target in probes(shared.served, outside):
        answer = request(shared.port, target)
        assert (answer.status, answer.body) == (404, missing.body), target
        assert answer.headers["content-type"] == missing.headers["content-type"]
        assert "location" not in answer.headers


def test_a_folder_of_the_site_is_redirected_to_its_page(shared: Running) -> None:
    answer = request(shared.port, PAGE.rstrip("/"))
    assert answer.status == 301 and answer.headers["location"] == PAGE
    assert request(shared.port, "/briefing").headers["location"] == "/briefing/"
    assert request(shared.port, "/").headers["location"] == "/briefing/"


def test_300_simultaneous_requests_are_all_answered(shared: Running) -> None:
    """A browser's burst of parallel requests, many times over: every one gets its
    answer, none is dropped for lack of room; 30 s only catches a deadlock."""
    wanted = [
        (PAGE, 200, HEADING),
        ("/briefing/assets/style.css", 200, b"--accent"),
        ("/__briefing__/state", 200, b'"errors": []'),
        ("/briefing/no/such/page/", 404, b"Page not found"),
    ]
    gate = threading.Barrier(300, timeout=WAIT)

    def one(number: int) -> bool:
        target, status, marker = wanted[number % len(wanted)]
        gate.wait()
        answer = request(shared.port, target)
        return answer.status == status and marker in answer.body

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=300) as pool:
        results = list(pool.map(one, range(300), timeout=30))
    assert results == [True] * 300
    assert time.monotonic() - started < 30


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def closed(conn: socket.socket) -> bool:
    """Whether the other end has closed (or reset) a non-blocking connection."""
    try:
        return conn.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_idle_connections_neither_lock_out_the_editor_nor_stay_open(fresh: Running) -> None:
    pid = fresh.server.proc.pid
    counted = os.path.isdir(f"/proc/{pid}/fd")  # Linux: the server's open files can be seen
    before = open_files(pid) if counted else 0
    idle = []
    try:
        for _ in range(300):
            conn = socket.socket()
            conn.setblocking(False)
            conn.connect_ex(("127.0.0.1", fresh.port))
            idle.append(conn)
        started = time.monotonic()
        answer = request(fresh.port, PAGE)
        assert answer.status == 200 and HEADING in answer.body

        def server_done() -> bool:
            if counted:
                return open_files(pid) <= before
            return time.monotonic() > started + REQUEST_SECONDS + 2

        most, left = 0, list(idle)
        deadline = started + REQUEST_SECONDS + WAIT
        while (left and not server_done()) and time.monotonic() < deadline:
            most = max(most, open_files(pid) - before) if counted else 0
            readable = select.select(left, [], [], 0.1)[0]
            left = [conn for conn in left if conn not in readable or not closed(conn)]
        assert not left or server_done(), "the server still holds idle connections"
        # Never more than the bound (and one being answered 503) at a time.
        assert most <= MAX_CONNECTIONS + 1
        # The rest never reached the server: the system's queue was full and dropped
        # them, while SYN cookies let the client believe it had connected. Once they
        # send something, they learn that they are not connected, or the cookie makes
        # them connections after all, which the server closes when their request has
        # not come within REQUEST_SECONDS: MAX_CONNECTIONS at a time, so in batches.
        for conn in left:
            with contextlib.suppress(OSError):
                conn.send(b"G")
        batches = -(-len(left) // MAX_CONNECTIONS)
        deadline = time.monotonic() + WAIT + batches * REQUEST_SECONDS
        while left and time.monotonic() < deadline:
            readable = select.select(left, [], [], 0.1)[0]
            left = [conn for conn in left if conn not in readable or not closed(conn)]
        assert not left, f"{len(left)} idle connections still open"
    finally:
        for conn in idle:
            conn.close()


def test_a_full_server_answers_503_and_recovers(fresh: Running, make_site: MakeSite) -> None:
    port = fresh.port
    build = re.search(rb'"build": (\d+)', request(port, "/__briefing__/state").body)
    assert build
    polls = []
    try:
        for _ in range(MAX_CONNECTIONS):  # open pages, each waiting for the next build
            conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            conn.sendall(request_bytes(port, f"/__briefing__/wait?since={build.group(1).decode()}"))
            polls.append(conn)
        for _ in range(2):
            answer = request(port, PAGE)
            assert answer.status == 503 and answer.headers["retry-after"] == "1"
            assert answer.text == (
                f"briefing serve is answering {MAX_CONNECTIONS} connections already; "
                "try again in a moment\n"
            )
        # A rebuild answers every waiting page, and the server has room again.
        make_site({"content/2025-07-22-talks.md": item("Talks in Geneva")})
        for conn in polls:
            assert parse(read_all(conn)).status == 200
        answer = request(port, PAGE)
        assert answer.status == 200 and b"<h1>Talks in Geneva</h1>" in answer.body
    finally:
        for conn in polls:
            conn.close()


def test_polls_of_pages_that_went_away_free_their_connections(fresh: Running) -> None:
    """A page reloaded 128 times quickly left 128 long polls waiting 20 s each for
    nobody, and the preview answered 503 meanwhile."""
    port = fresh.port
    build = re.search(rb'"build": (\d+)', request(port, "/__briefing__/state").body)
    assert build
    polls = []
    for _ in range(MAX_CONNECTIONS):
        conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        conn.sendall(request_bytes(port, f"/__briefing__/wait?since={build.group(1).decode()}"))
        polls.append(conn)
    time.sleep(0.5)  # every poll is waiting now
    for conn in polls:
        conn.close()
    started = time.monotonic()
    answer = request(port, PAGE)
    while answer.status == 503 and time.monotonic() - started < 5:
        answer = request(port, PAGE)
    assert answer.status == 200
    assert time.monotonic() - started < 5  # within a second or two, not the poll's 20 s
