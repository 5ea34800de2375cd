"""The preview's HTTP server: the built site under its base path, and the reload
endpoint, answered only to the editor's own browser.

It answers requests for its own address only (a page of another site, after DNS
rebinding, comes under another name), the reload endpoint only to the preview's own
pages, and nothing outside the served folder. Malformed requests get a 400 saying why,
and connections are bounded in number and in time (see the limits below), so that idle
sockets cannot use up the file handles a rebuild needs.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import mimetypes
import re
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, unquote_to_bytes

from generator.search.background import BackgroundIndex
from generator.serve.reload import ENDPOINT, POLL_SECONDS, RELOAD_JS, BuildState, inject_reload
from generator.text.urls import is_inside, output_file

#: Where the build puts each edition's email (newsletter.emails.EMAIL_FOLDER, a room
#: the preview does not import).
EMAIL_FOLDER = "email/"
#: An edition's email, in the default language's folder or another's ("uk/email/...").
EMAIL_PAGE = re.compile(r"(?:[a-z]{2,3}(?:-[a-z0-9]{2,8})*/)?" + EMAIL_FOLDER + r"\d{4}-\d\d-\d\d/")

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
        if self.search is not None and self.search.serves(rel):
            index = self.search.folder_for(rel)
            found = _site_file(index, rel) if index is not None else None
            if found is not None:
                self._send_file(200, found, head)
            else:  # not made yet: the search page says so and the reader tries again
                self._not_found(head)
            return
        file = _site_file(self.root, output_file(rel))
        if file is not None:
            self._send_file(200, file, head, email=bool(EMAIL_PAGE.match(rel)))
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

    def _send_file(self, status: int, file: Path, head: bool, email: bool = False) -> None:
        try:
            data = file.read_bytes()
        except OSError:  # gone with a rebuild since it was found
            self._not_found(head)
            return
        kind = _content_type(file.name)
        if kind.startswith("text/html"):
            if email:
                data = self._previewed(data)
            data = inject_reload(data, self.state)
        self._send(status, data, kind, head)

    def _previewed(self, email: bytes) -> bytes:
        """An email's absolute links pointed at this preview: its pictures and pages are
        not at site.yaml's url until the site is published (the file keeps them)."""
        site, host = self.state.site_url, self.headers.get("Host")
        if not site or not host:
            return email
        return email.replace(site.encode(), f"http://{host}{self.state.base}".encode())

    def _endpoint(self, name: str, query: dict[str, list[str]], head: bool) -> None:
        if name == "reload.js":
            self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        elif name in ("wait", "state"):
            since = since_of(query)
            timeout = POLL_SECONDS if name == "wait" and since >= 0 else 0.0
            waited = self._wait(since, timeout)
            if waited is None:
                return  # the page went away while it waited: its slot is free again
            number, errors = waited
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

    def _wait(self, since: int, timeout: float) -> tuple[int, list[str]] | None:
        """The next build after ``since``, within ``timeout``; None if the client hung up
        meanwhile (a page reloaded or closed), looked at every second, so that a page
        gone does not hold one of the preview's connections for the whole poll."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            number, errors = self.state.wait(since, max(0.0, min(left, 1.0)))
            if number != since or left <= 1.0:
                return number, errors
            if _hung_up(self.connection):
                return None

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


def _hung_up(conn: socket.socket) -> bool:
    """Whether the client closed its end: readable, with nothing left to read."""
    try:
        if not select.select([conn], [], [], 0)[0]:
            return False
        return conn.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


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


#: Types the platform's table may not know (Python's has no .opml), as Pages sends them.
_TYPES = {".opml": "text/x-opml"}


def _content_type(name: str) -> str:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    kind = _TYPES.get(suffix) or mimetypes.guess_type(name, strict=False)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml"):
        return f"{kind}; charset=utf-8"
    return kind


#: A build number has at most this many digits: a preview never makes 10**12 builds.
SINCE_DIGITS = 12


def since_of(query: dict[str, list[str]]) -> int:
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
