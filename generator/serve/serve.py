"""``briefing serve``: build into a temporary folder, serve it, rebuild on every change.

The shape follows MkDocs' livereload: the watchdog callback only records that
something changed; the main thread waits for the burst of saves to settle, rebuilds,
and bumps a build number that open pages long-poll for. A rebuild is incremental:
the :class:`~generator.engine.build.Session` keeps every parsed item and the signature of
every page in memory, so an edit re-reads that one file and re-renders only the pages
it reaches. A failed rebuild never touches the served folder (builds are swapped in
whole), so the last good site stays served, and the errors are shown over the page.

The server answers only its editor: requests for its own address (a page of another
site, after DNS rebinding, comes under another name), the reload endpoint only to the
preview's own pages, and nothing outside the served folder. Malformed requests get a
400 saying why, and connections are bounded in number and in time (see the limits
below), so that idle sockets cannot use up the file handles a rebuild needs.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import json
import mimetypes
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, quote, unquote, unquote_to_bytes

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.engine.build import (
    CONTENT_DIR,
    BuildOptions,
    BuildReport,
    Session,
    build,
    fill_stage,
    preview_first,
)
from generator.errors import BuildFailed, SiteError, plural
from generator.project.config import CONFIG_FILE, load_config
from generator.project.theme import PUBLISHED_HIDDEN, STATIC_DIR
from generator.render.views import SEARCH_BUNDLE
from generator.search.background import BackgroundIndex
from generator.text.urls import is_inside, output_file

#: Endpoints of the dev server live here, outside any site's paths.
ENDPOINT = "/__briefing__/"
#: Quiet time after the last file event before rebuilding: editors save in bursts
#: (write a temporary file, rename it), all within a few milliseconds.
SETTLE_SECONDS = 0.05
#: How long to wait at most for a file being written in place to be closed.
WRITE_SECONDS = 1.0
#: How long a page's poll waits for a new build before asking again.
POLL_SECONDS = 20.0
#: Good builds whose changed files are remembered, for pages that missed a few.
HISTORY = 50
#: How long a client may take to send its whole request head. A browser sends it at
#: once; this closes idle sockets (spare connections, a laptop gone to sleep) before
#: enough pile up to reach macOS's default limit of 256 open files.
REQUEST_SECONDS = 5.0
#: Connections served at once, each a thread and a file handle: many times a browser's
#: six per host (long polls included), well below that limit of 256, which builds share.
MAX_CONNECTIONS = 128
#: Connections the system holds until they are accepted; the stdlib's 5 made a
#: browser's burst of parallel requests wait a second for a retry.
LISTEN_BACKLOG = 128
#: When full, connections that have sent nothing for this long are closed to make room.
IDLE_GRACE = 0.5
#: How long a new connection waits for room when full before it is answered 503: a
#: moment, for requests being answered to finish.
ADMIT_SECONDS = 1.0

RELOAD_JS = """\
(function () {
  var me = document.currentScript;
  var endpoint = me.dataset.endpoint, build = Number(me.dataset.build);
  function show(errors) {
    var box = document.getElementById("briefing-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "briefing-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;max-height:70vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:12px 16px;background:#fff1f0;color:#5c0011;" +
        "border-bottom:3px solid #cf1322;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
        "white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "briefing: the last rebuild failed; this is the last good build.\\n\\n" +
      errors.join("\\n");
  }
  function poll() {
    var page = encodeURIComponent(location.pathname);
    fetch(endpoint + "wait?since=" + build + "&page=" + page, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.reload && !state.errors.length) { location.reload(); return; }
        build = state.build;
        show(state.errors);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


@dataclass
class BuildState:
    """What open pages need to know: the newest build number and its errors."""

    #: The base path the site is served under; follows ``url:`` in site.yaml.
    base: str = "/"
    #: Bumped after every build, good or failed.
    number: int = 0
    #: The number of the build whose files are being served (0: none yet).
    good: int = 0
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    #: The output files each recent good build changed (None: every file), newest last.
    history: list[tuple[int, frozenset[str] | None]] = field(default_factory=list)

    def publish(
        self, errors: list[str], base: str | None = None, files: frozenset[str] | None = None
    ) -> None:
        """A build ended: with ``errors``, or good, having changed ``files``."""
        with self.changed:
            self.number += 1
            if not errors:
                self.good = self.number
                if base is not None and base != self.base:
                    self.base, files = base, None  # every page moved
                self.history = [*self.history[-(HISTORY - 1) :], (self.number, files)]
            self.errors = errors
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, list[str]]:
        with self.changed:
            self.changed.wait_for(lambda: self.number != since, timeout=timeout)
            return self.number, list(self.errors)

    def changed_since(self, since: int, file: str | None) -> bool:
        """Whether a page showing ``file`` as of build ``since`` is out of date."""
        with self.changed:
            if since >= self.good:
                return False
            if not self.history or self.history[0][0] > since + 1:
                return True  # older than the history kept: reload to be sure
            return any(
                files is None or file is None or file in files
                for number, files in self.history
                if number > since
            )


def inject_reload(html: bytes, state: BuildState) -> bytes:
    """Add the reload script before </body>; the built site itself never contains it."""
    tag = (
        f'<script src="{ENDPOINT}reload.js" data-endpoint="{ENDPOINT}" '
        f'data-build="{state.good}"></script>'
    ).encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


class Refused(Exception):
    """A request answered with an error status and a plain-text reason, nothing more."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Serves the preview's folder under the site's base path, and the reload endpoint.

    :func:`make_handler` makes a subclass for one preview; the server makes one
    instance per connection, which carries one request (HTTP/1.0).
    """

    #: The folder being served, the build state, and where request lines are logged.
    root: Path
    state: BuildState
    log_to: Callable[[str], None] | None = None
    #: The search index, made beside the builds (None: the site has none).
    search: BackgroundIndex | None = None
    server: PreviewServer

    server_version = "briefing"
    #: Every read and write of the socket; the server also ends, after REQUEST_SECONDS,
    #: a request that trickles in. A long poll waits in the server, not on the socket.
    timeout = REQUEST_SECONDS
    #: Whether a response has begun: after that, an error can only close the connection.
    answered = False

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        if self.log_to:
            self.log_to(f"{self.address_string()} {format % args}")

    def handle(self) -> None:
        # Wait for the first byte without taking it: until it comes the connection is
        # silent, and a full server may close it to make room (browsers open spares).
        try:
            first = self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return  # timed out, or closed to make room
        if first and self.server.claim(self.connection):
            super().handle()

    def parse_request(self) -> bool:
        """Read the request head; refuse other hosts and methods before anything else."""
        if not super().parse_request():
            return False  # the stdlib has answered, through send_error
        self.server.arrived(self.connection)
        try:
            self._check_host()
            if self.command not in ("GET", "HEAD"):
                raise Refused(
                    405,
                    "briefing serve answers only GET and HEAD requests; "
                    f"this one was {_clip(self.command)}",
                    {"Allow": "GET, HEAD"},
                )
        except Refused as refused:
            self._refuse(refused)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's answer to a malformed request line or head, as plain text like ours."""
        if code == HTTPStatus.REQUEST_URI_TOO_LONG:
            message = "the request line is longer than 65,536 bytes"
        text = message or HTTPStatus(code).phrase
        self._refuse(Refused(code, f"{text}: {explain}" if explain else text))

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        try:
            self._route(head)
        except Refused as refused:
            self._refuse(refused)
        except (ConnectionError, TimeoutError):
            raise  # the client went away; the server drops the connection quietly
        except Exception:
            if not self.answered:
                message = "internal error in briefing serve; its terminal shows the traceback"
                self._refuse(Refused(500, message))
            raise  # and the server prints the traceback

    def _route(self, head: bool) -> None:
        raw, path, query = _split_target(self.path)
        if path.startswith(ENDPOINT):
            self._check_origin()
            self._endpoint(path[len(ENDPOINT) :], _parse_query(query), head)
            return
        base = unquote(self.state.base)
        if not path.startswith(base):
            if path == "/" or path + "/" == base:
                self._send(302, b"", "text/plain", head, {"Location": quote(base)})
            else:
                self._not_found(head)
            return
        rel = path[len(base) :]
        if self.search is not None and rel.startswith(SEARCH_BUNDLE + "/"):
            index = self.search.current
            found = _site_file(index, rel) if index is not None else None
            if found is not None:
                self._send_file(200, found, head)
            else:  # not made yet: the search page says so and the reader tries again
                self._not_found(head)
            return
        file = _site_file(self.root, output_file(rel))
        if file is not None:
            self._send_file(200, file, head)
        elif not rel.endswith("/") and _site_file(self.root, rel + "/index.html") is not None:
            # A folder of the site: its page, under the URL relative links expect.
            self._send(301, b"", "text/plain", head, {"Location": raw + "/"})
        else:
            self._not_found(head)

    def _check_host(self) -> None:
        """Refuse requests for other names: after DNS rebinding, a page of another web
        site reaches 127.0.0.1 under its own name, and may read what it gets."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and hosts[0].lower() in self.server.hosts:
            return
        if not hosts:
            came = "without a Host header"
        elif len(hosts) > 1:
            came = f"with {len(hosts)} Host headers"
        else:
            came = f"for Host {_clip(hosts[0])}"
        sites = _listing([f"{origin}/" for origin in self.server.origins])
        raise Refused(
            403,
            f"briefing serve answers only requests for {sites}, so that no other web site "
            f"can read the preview; this one came {came}",
        )

    def _check_origin(self) -> None:
        """Refuse the reload endpoint to other sites' pages: their polls would hold the
        preview's connections. A page's own GETs carry no Origin header."""
        for origin in self.headers.get_all("Origin") or []:
            if origin.lower() not in self.server.origins:
                raise Refused(
                    403,
                    "briefing serve's reload endpoint answers only the preview's own pages, "
                    f"from {_listing(self.server.origins)}; this request came from Origin "
                    f"{_clip(origin)}",
                )

    def _not_found(self, head: bool) -> None:
        try:
            data = inject_reload((self.root / "404.html").read_bytes(), self.state)
        except OSError:  # not built yet, or the site has no 404 page
            data = b"<!DOCTYPE html><title>Not built</title><body><p>Not built yet.</p></body>"
            data = inject_reload(data, self.state)
        self._send(404, data, "text/html; charset=utf-8", head)

    def _send_file(self, status: int, file: Path, head: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:  # gone with a rebuild since it was found
            self._not_found(head)
            return
        kind = _content_type(file.name)
        if kind.startswith("text/html"):
            data = inject_reload(data, self.state)
        self._send(status, data, kind, head)

    def _endpoint(self, name: str, query: dict[str, list[str]], head: bool) -> None:
        if name == "reload.js":
            self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        elif name in ("wait", "state"):
            since = _since(query)
            timeout = POLL_SECONDS if name == "wait" and since >= 0 else 0.0
            number, errors = self.state.wait(since, timeout)
            page = unquote(query.get("page", [""])[0])
            reload = self.state.changed_since(since, _page_file(page, self.state))
            # "search": the good build whose words the search index holds (0: none yet).
            searched = self.search.indexed if self.search is not None else 0
            body = json.dumps(
                {
                    "build": number,
                    "good": self.state.good,
                    "errors": errors,
                    "reload": reload,
                    "search": searched,
                }
            )
            self._send(200, body.encode(), "application/json", head)
        else:
            known = _listing([f"{ENDPOINT}{n}" for n in ("reload.js", "state", "wait")])
            message = f"no such endpoint: {_clip(ENDPOINT + name)}; there are {known}"
            self._refuse(Refused(404, message))

    def _refuse(self, refused: Refused) -> None:
        """Answer with the refusal's status and reason, echoed safely as plain text."""
        headers = {"X-Content-Type-Options": "nosniff", **refused.headers}
        kind = "text/plain; charset=utf-8"
        head = self.command == "HEAD"
        self._send(refused.status, f"{refused.message}\n".encode(), kind, head, headers)

    def _send(
        self, status: int, data: bytes, kind: str, head: bool, headers: dict[str, str] | None = None
    ) -> None:
        self.answered = True
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)


class PreviewServer(http.server.ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS of them; silent ones make room.

    Each connection is counted from its accept until its thread ends. Until its request
    head has arrived it is also listed with the time it came, so that it can be closed
    when it takes longer than REQUEST_SECONDS, or, silent still, to make room.
    """

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True  # stopping the preview waits for no open page's long poll

    def __init__(
        self, address: tuple[str, int], handler: type[http.server.BaseHTTPRequestHandler]
    ) -> None:
        super().__init__(address, handler)
        port = self.server_address[1]
        self.origins = _origins(address[0], port)
        hosts = [origin.removeprefix("http://") for origin in self.origins]
        #: The Host header values of requests for this server (port 80 may go unsaid).
        self.hosts = frozenset(hosts + [h.removesuffix(":80") for h in hosts if port == 80])
        self.room = threading.Condition()
        self.open = 0
        self.full_since: float | None = None
        #: Connections that have sent nothing yet, and those whose head is arriving.
        self.silent: dict[socket.socket, float] = {}
        self.arriving: dict[socket.socket, float] = {}

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._admit():
            _busy(request)
            self.shutdown_request(request)
            return
        with self.room:
            self.silent[request] = time.monotonic()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._forget(request)  # no thread started: it will not do it
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._forget(request)

    def claim(self, conn: socket.socket) -> bool:
        """The client has begun its request; False when it was closed to make room."""
        with self.room:
            came = self.silent.pop(conn, None)
            if came is not None:
                self.arriving[conn] = came
            return came is not None

    def arrived(self, conn: socket.socket) -> None:
        """The request head is in: the connection is no longer timed by the server."""
        with self.room:
            self.arriving.pop(conn, None)

    def service_actions(self) -> None:
        """Close connections whose request head has not come within REQUEST_SECONDS
        (serve_forever calls this between accepts)."""
        late = time.monotonic() - REQUEST_SECONDS
        with self.room:
            for waiting in (self.silent, self.arriving):
                for conn in [conn for conn, came in waiting.items() if came < late]:
                    del waiting[conn]
                    _hang_up(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone away is no error; anything else is a bug, and is shown."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def _admit(self) -> bool:
        """Count one more connection in, when full closing silent ones to make room."""
        with self.room:
            while self.open >= MAX_CONNECTIONS:
                now = time.monotonic()
                self.full_since = self.full_since or now
                if now - self.full_since >= ADMIT_SECONDS:
                    return False  # and the next ones at once, until there is room
                for conn in [c for c, came in self.silent.items() if came < now - IDLE_GRACE]:
                    if _sent_nothing(conn):
                        del self.silent[conn]
                        _hang_up(conn)
                self.room.wait(0.05)
            self.full_since = None
            self.open += 1
            return True

    def _forget(self, conn: socket.socket) -> None:
        with self.room:
            self.open -= 1
            self.silent.pop(conn, None)
            self.arriving.pop(conn, None)
            self.room.notify_all()


def _origins(host: str, port: int) -> tuple[str, ...]:
    """The origins of the preview's pages: the loopback address and localhost, and the
    address it listens on if that is another one."""
    names = ["127.0.0.1", "localhost"]
    if host not in (*names, "", "0.0.0.0", "::"):
        names.append(f"[{host}]" if ":" in host else host.lower())
    return tuple(f"http://{name}:{port}" for name in names)


def _busy(request: socket.socket) -> None:
    """Answer a connection there is no room for, from the accepting thread: without
    waiting for the request, and reading what came of it so that closing sends no reset."""
    body = (
        f"briefing serve is answering {MAX_CONNECTIONS} connections already; "
        "try again in a moment\n"
    ).encode()
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nCache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    try:
        request.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            request.recv(65536)
        request.send(head + body)  # a fresh socket's buffer takes it whole
    except OSError:
        pass  # gone already


def _sent_nothing(conn: socket.socket) -> bool:
    """Whether a client has sent nothing yet (its handler may not have looked yet)."""
    try:
        return not select.select([conn], [], [], 0)[0]
    except (OSError, ValueError):  # closed already, or a descriptor select cannot take
        return False


def _hang_up(conn: socket.socket) -> None:
    """End a connection a handler thread may be reading: its read returns, empty."""
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


def make_handler(
    root: Path,
    state: BuildState,
    log: Callable[[str], None] | None,
    search: BackgroundIndex | None = None,
) -> type[http.server.BaseHTTPRequestHandler]:
    """A request handler class serving ``root`` under the site's base path, and the
    newest search index of ``search`` at ``pagefind/``."""
    return type(
        "Handler",
        (PreviewHandler,),
        {
            "root": root,
            "state": state,
            "log_to": staticmethod(log) if log else None,
            "search": search,
        },
    )


#: Control characters: never part of a file's name, however encoded.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: A '%' that does not start a percent escape.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _split_target(target: str) -> tuple[str, str, str]:
    """A request target's path as sent, that path percent-decoded, and its query.

    The stdlib reads the request line as Latin-1, so bytes outside ASCII show here as
    characters above 0x7f.
    """
    if not target.startswith("/"):
        raise Refused(
            400, f"briefing serve takes request paths that start with '/'; this one is "
            f"{_clip(target)}",
        )  # fmt: skip
    if not target.isascii():
        raise Refused(
            400, "a request path must be ASCII, other characters percent-encoded; this one is "
            f"{_clip(target)}",
        )  # fmt: skip
    if _BAD_ESCAPE.search(target):
        raise Refused(
            400, f"a '%' in a request path must start a percent escape such as %20; this "
            f"request has {_clip(target)}",
        )  # fmt: skip
    raw, _, query = target.partition("?")
    raw = raw.partition("#")[0]
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(
            400, f"a request path must be UTF-8 once percent-decoded; this one is {_clip(raw)}"
        ) from None
    if _CONTROL.search(target) or _CONTROL.search(path):
        raise Refused(
            400, "a request path must not hold control characters such as NUL, percent-encoded "
            f"or not; this one is {_clip(target)}",
        )  # fmt: skip
    return raw, path, query


def _parse_query(query: str) -> dict[str, list[str]]:
    try:
        return parse_qs(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Refused(
            400, f"a query must be UTF-8 once percent-decoded; this one is {_clip(query)}"
        ) from None


#: A build number has at most this many digits: a preview never makes 10**12 builds.
SINCE_DIGITS = 12


def _since(query: dict[str, list[str]]) -> int:
    """The build an open page shows, from ``since=``; -1 when absent (answer at once)."""
    values = query.get("since", [])
    if not values:
        return -1
    value = values[0]
    if len(values) == 1 and value.isascii() and value.isdigit() and len(value) <= SINCE_DIGITS:
        return int(value)
    given = f"since= {len(values)} times" if len(values) > 1 else f"since={_clip(value)}"
    raise Refused(
        400, "the reload endpoint's since= takes the number of a build, such as since=12; "
        f"this request has {given}",
    )  # fmt: skip


def _site_file(root: Path, rel: str) -> Path | None:
    """The file at ``rel`` in the served folder, never one outside it, through links or
    any other way: a folder outside must look exactly like a missing name."""
    if not is_inside(rel) or "\\" in rel or ":" in rel:  # a backslash or a drive: Windows
        return None
    try:
        site = root.resolve()
        file = (site / rel).resolve()
        return file if file.is_relative_to(site) and file.is_file() else None
    except (OSError, ValueError, RuntimeError):  # a name too long, a loop of links
        return None


def _clip(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut short if long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def _listing(names: Sequence[str]) -> str:
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _page_file(path: str, state: BuildState) -> str | None:
    """The output file a page at URL ``path`` shows; None when it is not one of the site's."""
    base = unquote(state.base)
    if not path.startswith(base):
        return None
    return output_file(path[len(base) :])


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml"):
        return f"{kind}; charset=utf-8"
    return kind


def _ignored(rel: Path) -> bool:
    """Editor swap and backup files, and hidden folders such as .git, inside the site
    (but static/.well-known/, which is published)."""
    parts = rel.parts
    name = parts[-1] if parts else ""
    published = len(parts) > 2 and parts[0] == STATIC_DIR and parts[1] in PUBLISHED_HIDDEN
    return (
        any(part.startswith(".") for part in parts[2 if published else 0 :])
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name.startswith("#")
    )


class _Changes(FileSystemEventHandler):
    """Watchdog callback: note when the last relevant change came and to which content
    files, nothing more."""

    def __init__(self, site_dir: Path, wake: threading.Condition) -> None:
        self.config = (site_dir / CONFIG_FILE).resolve()
        self.site_dir = site_dir.resolve()
        self.content = self.site_dir / CONTENT_DIR
        self.wake = wake
        self.last: float | None = None
        #: Content files changed since the last take(); None: look at every file.
        self.paths: set[str] | None = set()
        #: Files modified and not yet closed: an editor (or a script) still writing.
        self.writing: set[Path] = set()
        #: Where links in content/ lead, outside it: watched too, as content.
        self.linked: set[Path] = set()

    def follow(self, observer: Any, linked: frozenset[str]) -> None:
        """Watch what links in content/ lead to, outside the folders watched already."""
        for raw in linked:
            real = Path(raw)
            if real in self.linked or real.is_relative_to(self.content):
                continue
            self.linked.add(real)
            folder = real.is_dir()
            try:
                observer.schedule(self, str(real if folder else real.parent), recursive=folder)
            except OSError:
                continue  # gone already: the next build says what is wrong

    def take(self) -> set[str] | None:
        """The content files changed since the last call (call holding ``wake``)."""
        paths, self.paths, self.last = self.paths, set(), None
        return paths

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file in it changed: that file's own event says which
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        relevant: list[Path] = []
        for raw in filter(None, paths):
            path = Path(raw).resolve()
            if self._is_linked(path):
                relevant.append(path)
            elif path.parent == self.site_dir and path != self.config:
                continue  # the site folder is watched for site.yaml only
            if path.is_relative_to(self.site_dir) and not _ignored(path.relative_to(self.site_dir)):
                relevant.append(path)
        if relevant:
            with self.wake:
                self.last = time.monotonic()
                self._note(relevant, event.is_directory)
                if not event.is_directory:
                    # Written in place, a file is half there until it is closed.
                    if event.event_type == "modified":
                        self.writing.update(relevant)
                    elif event.event_type == "closed":
                        self.writing.difference_update(relevant)
                self.wake.notify_all()

    def _is_linked(self, path: Path) -> bool:
        return any(path == real or path.is_relative_to(real) for real in self.linked)

    def _note(self, paths: list[Path], folder: bool) -> None:
        for path in paths:
            if self._is_linked(path):
                self.paths = None  # reached through a link: look at every file again
            elif not path.is_relative_to(self.content):
                continue  # site.yaml and the theme are read whole by every build
            if folder or self.paths is None:
                self.paths = None  # a folder moved: which files it held is unknown
            else:
                self.paths.add(path.relative_to(self.content).as_posix())


@dataclass(frozen=True, slots=True)
class ServeOptions:
    build: BuildOptions
    host: str = "127.0.0.1"
    port: int = 8000
    verbose: bool = False
    quiet: bool = False


def serve(
    options: ServeOptions,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Serve until Ctrl-C (or ``stop`` is set); return the exit status."""
    previous = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    deadline = _Deadline(out)
    if _is_main():
        # Stop on Ctrl-C even when started from a script that ignores SIGINT for
        # background jobs, and on SIGTERM from a process manager; raising here
        # interrupts whatever runs, a build too, whose workers are then terminated.
        signal.signal(signal.SIGINT, deadline.interrupt)
        signal.signal(signal.SIGTERM, deadline.interrupt)
    try:
        return _start(options, out, err, stop or threading.Event(), deadline)
    except KeyboardInterrupt:
        print("stopped", file=out, flush=True)  # before there was anything to stop
        return 0
    finally:
        deadline.cancel()
        if _is_main():
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])


def _start(
    options: ServeOptions, out: TextIO, err: TextIO, stop: threading.Event, deadline: _Deadline
) -> int:
    """Make the server and its temporary folder, then run; the folder goes in any case."""
    try:
        base = load_config(options.build.site_dir).base_path
    except BuildFailed as failed:
        for error in failed.errors:
            print(error, file=err)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="briefing-serve-")).resolve()
    deadline.folder = folder
    try:
        state = BuildState(base=base)
        log = (lambda line: print(line, file=err)) if options.verbose else None
        if log:
            log(f"building into {folder}")
        search = BackgroundIndex(
            folder / "search", lambda message: print(f"search index: {message}", file=err)
        )
        try:
            server = PreviewServer(
                (options.host, options.port), make_handler(folder / "site", state, log, search)
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                print(
                    f"port {options.port} on {options.host} is already in use; "
                    f"stop the other server or pass --port with another number",
                    file=err,
                )
                return 1
            raise
        preview = _Preview(
            # The index is made beside the builds, so that an edit is shown at once.
            replace(options.build, output=folder / "site", own_output=True, search_index=False),
            state,
            out,
            err,
            options,
            search,
        )
        _run(server, preview, options, stop)
    finally:
        _discard(folder)
    print("stopped", file=out, flush=True)
    return 0


#: Past this many files, the temporary build is deleted by a process of its own.
SMALL_BUILD = 2_000


def _discard(folder: Path) -> None:
    """Delete the temporary build without making Ctrl-C wait for it.

    A large site's build holds tens of thousands of files (twice: the site and its
    staging copy), which takes seconds to delete; a detached process does it, under
    a name no other preview uses.
    """
    count = sum(1 for _ in zip(folder.rglob("*"), range(SMALL_BUILD), strict=False))
    if count < SMALL_BUILD:
        shutil.rmtree(folder, ignore_errors=True)
        return
    gone = folder.with_name(folder.name + ".deleted")
    try:
        folder.rename(gone)
    except OSError:
        gone = folder
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", str(gone)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # out of the terminal's reach: Ctrl-C does not stop it
    )


def _run(
    server: PreviewServer,
    preview: _Preview,
    options: ServeOptions,
    stop: threading.Event,
) -> None:
    """Build, then serve and rebuild until stopped."""
    site_dir = options.build.site_dir
    observer = Observer()
    thread: threading.Thread | None = None
    try:
        # The first build may fork worker processes: before any other thread runs, so
        # that no worker inherits a lock another thread holds. Later rebuilds are
        # incremental and stay in this process.
        preview.rebuild(jobs=options.build.jobs)
        preview.fill_stage()
        wake = threading.Condition()
        changes = _Changes(site_dir, wake)
        _watch(observer, changes, site_dir)
        observer.start()
        thread = threading.Thread(
            target=server.serve_forever, args=(0.1,), name="briefing-http", daemon=True
        )
        thread.start()
        preview.search.start()  # not before: the first build may fork
        preview.rebuild()  # whatever changed while the first build ran
        changes.follow(observer, preview.session.linked)
        port = server.server_address[1]
        print(
            f"Serving {site_dir} at http://{options.host}:{port}{preview.state.base} "
            "(Ctrl-C to stop)",
            file=preview.out,
            flush=True,
        )
        _loop(preview, changes, wake, stop, observer)
    except KeyboardInterrupt:
        pass
    finally:
        if _is_main():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut cleanup
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        observer.stop()
        preview.search.stop()
        if thread is not None:
            server.shutdown()
        server.server_close()
        if observer.is_alive():
            observer.join(timeout=2)
        preview.session.close()


def _is_main() -> bool:
    return threading.current_thread() is threading.main_thread()


#: How long after Ctrl-C the preview ends at the latest, whatever it was doing.
FORCE_SECONDS = 2.0


class _Deadline:
    """Ctrl-C raises KeyboardInterrupt, which stops whatever runs, a build included.

    Python drops an exception raised while it runs a finalizer or a weakref callback
    ("Exception ignored in ..."), and a signal can land there: then the preview would
    go on. So the first Ctrl-C also starts a timer that, if the preview has not ended
    FORCE_SECONDS later, deletes its build and ends the process.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.folder: Path | None = None
        self.timer: threading.Timer | None = None

    def interrupt(self, signum: int, frame: object) -> None:
        if self.timer is None:
            self.timer = threading.Timer(FORCE_SECONDS, self._force)
            self.timer.daemon = True
            self.timer.start()
        raise KeyboardInterrupt

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def _force(self) -> None:
        if self.folder is not None:
            _discard(self.folder)
        print("stopped", file=self.out, flush=True)
        os._exit(0)  # worker processes die with it (PR_SET_PDEATHSIG)


def _watch(observer: Any, changes: _Changes, site_dir: Path) -> None:
    for folder, recursive in (
        (site_dir / CONTENT_DIR, True),
        (site_dir / "themes", True),
        (site_dir / STATIC_DIR, True),
        (site_dir, False),
    ):
        if folder.is_dir():
            observer.schedule(changes, str(folder), recursive=recursive)


def _loop(
    preview: _Preview,
    changes: _Changes,
    wake: threading.Condition,
    stop: threading.Event,
    observer: Any,
) -> None:
    """Rebuild after each burst of saves, until told to stop."""
    while not stop.is_set():
        with wake:
            wake.wait_for(lambda: changes.last is not None or stop.is_set(), timeout=0.5)
            last = changes.last
        if last is None:
            continue
        # Let a burst of saves settle, and files being written be closed (for at most
        # WRITE_SECONDS: some writers never close), then build once.
        first = last
        while time.monotonic() - last < SETTLE_SECONDS or (
            changes.writing and time.monotonic() - first < WRITE_SECONDS
        ):
            time.sleep(SETTLE_SECONDS / 5)
            with wake:
                last = changes.last or last
        with wake:
            paths = changes.take()
        preview.rebuild(changed=paths)
        changes.follow(observer, preview.session.linked)


class _Preview:
    """Builds the previewed site, keeping what each build learns for the next."""

    def __init__(
        self,
        options: BuildOptions,
        state: BuildState,
        out: TextIO,
        err: TextIO,
        serve_options: ServeOptions,
        search: BackgroundIndex,
    ) -> None:
        self.options = options
        self.search = search
        self.state = state
        self.out, self.err = out, err
        self.quiet = serve_options.quiet
        self.session = Session.for_preview(options)
        self.serving = False
        #: After a failed rebuild, the next looks at every file: the files that failed
        #: it are no longer among the changes it hears of.
        self.rescan = False
        #: Warnings already printed, so that each is printed when it first appears.
        self.warned: set[str] = set()

    def fill_stage(self) -> None:
        try:
            fill_stage(self.options, self.session)
        except OSError as exc:
            print(f"cannot prepare the staging folder: {exc}", file=self.err)

    def rebuild(self, jobs: int = 1, changed: set[str] | None = None) -> None:
        started = time.perf_counter()
        site_dir = self.options.site_dir
        if self.rescan:
            changed, self.rescan = None, False
        elif changed:
            self._first_look(changed)
        try:
            report = build(replace(self.options, jobs=jobs), self.session, changed)
            base = load_config(site_dir).base_path
        except BuildFailed as failed:
            self._failed([_shown(e, site_dir) for e in failed.errors])
            return
        except OSError as exc:
            # Files vanishing mid-rebuild (a git checkout), too many open files: the
            # next save rebuilds again; until then the last good site stays.
            self._failed([f"cannot read the site: {exc}"])
            return
        except Exception:  # noqa: BLE001 - a bug must not stop the preview
            self._failed(["internal error in briefing:", *traceback.format_exc().splitlines()])
            return
        self.serving = True
        self.state.publish([], base, report.changed)
        if not self.quiet:
            print(_rebuilt(report, time.perf_counter() - started), file=self.out, flush=True)
        self._warn(report.warnings)
        self.index()

    def index(self) -> None:
        """Have the last good build's site indexed for search, once the thread is free."""
        if self.session.last is not None:
            self.search.update(self.session.last.site, self.state.good)

    def _warn(self, warnings: tuple[str, ...]) -> None:
        """Each warning once, when it first appears: not again on every keystroke."""
        new = [w for w in warnings if w not in self.warned]
        self.warned = set(warnings)
        for warning in new:
            print(f"warning: {_relative(warning, self.options.site_dir)}", file=self.err)

    def _first_look(self, changed: set[str]) -> None:
        """Serve the pages of edited items at once, before the rebuild catches up."""
        try:
            files = preview_first(self.options, self.session, changed)
        except (BuildFailed, OSError):
            return  # the rebuild that follows reports it
        if files:
            self.state.publish([], None, frozenset(files))

    def _failed(self, lines: list[str]) -> None:
        self.rescan = True
        self.state.publish(lines)
        print("\n".join(lines), file=self.err)
        print(
            f"build failed ({plural(len(lines), 'error')}); still serving the last good build",
            file=self.err,
            flush=True,
        )


def _shown(error: SiteError, site_dir: Path) -> str:
    """An error with its path relative to the site, as an editor reads it in the browser."""
    return _relative(str(error), site_dir)


def _relative(text: str, site_dir: Path) -> str:
    prefix = f"{site_dir}/"
    return text[len(prefix) :] if prefix != "./" and text.startswith(prefix) else text


def _rebuilt(report: BuildReport, seconds: float) -> str:
    changed = plural(report.written + report.removed, "file")
    rendered = plural(report.rendered, "page")
    return (
        f"built {plural(report.items, 'item')}: {rendered} rendered, {changed} changed, "
        f"in {seconds * 1000:.0f} ms"
    )
