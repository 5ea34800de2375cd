"""``briefing serve``: build into a temporary folder, serve it, rebuild on every change.

The shape follows MkDocs' livereload: the watchdog callback only records that
something changed; the main thread waits for the burst of saves to settle, rebuilds
the whole site, and bumps a build number that open pages long-poll for. A failed
rebuild writes nothing (the build writes only after every stage succeeded), so the
last good site stays served, and the errors are shown over the page.
"""

from __future__ import annotations

import errno
import http.server
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.build import CONTENT_DIR, BuildOptions, BuildReport, Memory, build
from generator.config import CONFIG_FILE, load_config
from generator.errors import BuildFailed, SiteError, plural
from generator.workers import default_jobs

#: Endpoints of the dev server live here, outside any site's paths.
ENDPOINT = "/__briefing__/"
#: Quiet time after the last file event before rebuilding: editors save in bursts.
SETTLE_SECONDS = 0.15
#: How long a page's poll waits for a new build before asking again.
POLL_SECONDS = 20.0

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
    fetch(endpoint + "wait?since=" + build, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.build !== build && !state.errors.length) { location.reload(); return; }
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

    #: Bumped after every build, good or failed.
    number: int = 0
    #: The number of the build whose files are being served (0: none yet).
    good: int = 0
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, errors: list[str]) -> None:
        with self.changed:
            self.number += 1
            if not errors:
                self.good = self.number
            self.errors = errors
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, list[str]]:
        with self.changed:
            self.changed.wait_for(lambda: self.number != since, timeout=timeout)
            return self.number, list(self.errors)


def inject_reload(html: bytes, state: BuildState) -> bytes:
    """Add the reload script before </body>; the built site itself never contains it."""
    tag = (
        f'<script src="{ENDPOINT}reload.js" data-endpoint="{ENDPOINT}" '
        f'data-build="{state.good}"></script>'
    ).encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


def make_handler(
    root: Path, base: str, state: BuildState, log: Callable[[str], None] | None
) -> type[http.server.BaseHTTPRequestHandler]:
    """A request handler serving ``root`` under the site's base path."""

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "briefing"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            if log:
                log(f"{self.address_string()} {format % args}")

        def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
            self._respond(head=True)

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self._respond(head=False)

        def _respond(self, head: bool) -> None:
            url = urlsplit(self.path)
            path = unquote(url.path)
            if path.startswith(ENDPOINT):
                self._endpoint(path[len(ENDPOINT) :], parse_qs(url.query), head)
                return
            if not path.startswith(base):
                if path.rstrip("/") + "/" == base or path == "/":
                    self._send(302, b"", "text/plain", head, location=base)
                else:
                    self._not_found(head)
                return
            file = self._file(path[len(base) :])
            if file is None:
                if not path.endswith("/") and (root / path[len(base) :] / "index.html").is_file():
                    self._send(301, b"", "text/plain", head, location=path + "/")
                    return
                self._not_found(head)
                return
            self._send_file(200, file, head)

        def _file(self, rel: str) -> Path | None:
            candidate = (root / rel).resolve()
            if not candidate.is_relative_to(root):
                return None
            if candidate.is_dir():
                candidate = candidate / "index.html"
            return candidate if candidate.is_file() else None

        def _not_found(self, head: bool) -> None:
            page = root / "404.html"
            if page.is_file():
                self._send_file(404, page, head)
            else:
                body = b"<!DOCTYPE html><title>Not built</title><body><p>Not built yet.</p></body>"
                self._send(404, inject_reload(body, state), "text/html; charset=utf-8", head)

        def _send_file(self, status: int, file: Path, head: bool) -> None:
            data = file.read_bytes()
            kind = _content_type(file.name)
            if kind.startswith("text/html"):
                data = inject_reload(data, state)
            self._send(status, data, kind, head)

        def _endpoint(self, name: str, query: dict[str, list[str]], head: bool) -> None:
            if name == "reload.js":
                self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
            elif name in ("wait", "state"):
                since = query.get("since", [""])[0]
                timeout = POLL_SECONDS if name == "wait" and since.isdigit() else 0.0
                number, errors = state.wait(int(since) if since.isdigit() else -1, timeout)
                body = json.dumps({"build": number, "good": state.good, "errors": errors})
                self._send(200, body.encode(), "application/json", head)
            else:
                self._send(404, b"no such endpoint", "text/plain", head)

        def _send(
            self, status: int, data: bytes, kind: str, head: bool, location: str | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            if location:
                self.send_header("Location", location)
            self.end_headers()
            if not head:
                self.wfile.write(data)

    return Handler


_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


def _content_type(name: str) -> str:
    return _TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def _ignored(path: str) -> bool:
    """Editor swap and backup files, and hidden folders such as .git."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    return (
        any(part.startswith(".") for part in parts[-3:])
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name.startswith("#")
    )


class _Changes(FileSystemEventHandler):
    """Watchdog callback: note the time of the last relevant change, nothing more."""

    def __init__(self, site_dir: Path, wake: threading.Condition) -> None:
        self.config = (site_dir / CONFIG_FILE).resolve()
        self.site_dir = site_dir.resolve()
        self.wake = wake
        self.last: float | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        relevant = False
        for raw in filter(None, paths):
            path = Path(raw).resolve()
            if path.parent == self.site_dir and path != self.config:
                continue  # the site folder is watched for site.yaml only
            if not _ignored(raw):
                relevant = True
        if relevant:
            with self.wake:
                self.last = time.monotonic()
                self.wake.notify_all()


@dataclass(frozen=True, slots=True)
class ServeOptions:
    build: BuildOptions
    host: str = "127.0.0.1"
    port: int = 8000
    verbose: bool = False
    quiet: bool = False


class PortInUse(Exception):
    pass


def serve(
    options: ServeOptions,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Serve until Ctrl-C (or ``stop`` is set); return the exit status."""
    site_dir = options.build.site_dir
    try:
        base = load_config(site_dir).base_path
    except BuildFailed as failed:
        for error in failed.errors:
            print(error, file=err)
        return 1
    output = Path(tempfile.mkdtemp(prefix="briefing-serve-")).resolve()
    state = BuildState()
    # The cache lives in memory between rebuilds: reading and writing its files would
    # cost seconds on a large site, every time a file is saved.
    build_options = replace(options.build, output=output, memory=Memory())
    log = (lambda line: print(line, file=err)) if options.verbose else None
    if log:
        log(f"building into {output}")
    try:
        server = http.server.ThreadingHTTPServer(
            (options.host, options.port), make_handler(output, base, state, log)
        )
    except OSError as exc:
        shutil.rmtree(output, ignore_errors=True)
        if exc.errno == errno.EADDRINUSE:
            print(
                f"port {options.port} on {options.host} is already in use; "
                f"stop the other server or pass --port with another number",
                file=err,
            )
            return 1
        raise
    server.daemon_threads = True
    wake = threading.Condition()
    changes = _Changes(site_dir, wake)
    observer = Observer()
    for folder, recursive in (
        (site_dir / CONTENT_DIR, True),
        (site_dir / "themes", True),
        (site_dir, False),
    ):
        if folder.is_dir():
            observer.schedule(changes, str(folder), recursive=recursive)
    stop = stop or threading.Event()

    def rebuild(jobs: int = 1) -> None:
        started = time.perf_counter()
        try:
            report = build(replace(build_options, jobs=jobs))
        except BuildFailed as failed:
            lines = [_shown(e, site_dir) for e in failed.errors]
            state.publish(lines)
            print("\n".join(lines), file=err)
            print(
                f"build failed ({plural(len(lines), 'error')}); still serving the last good build",
                file=err,
                flush=True,
            )
            return
        state.publish([])
        if not options.quiet:
            print(_rebuilt(report, time.perf_counter() - started), file=out, flush=True)

    if threading.current_thread() is threading.main_thread():
        # Stop cleanly on Ctrl-C even when started from a script that ignores SIGINT
        # for background jobs, and on SIGTERM from a process manager.
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Only the first build may fork worker processes: no other thread runs yet.
    # Later rebuilds stay in this process, where forking beside the HTTP and watchdog
    # threads could copy a lock another thread holds.
    rebuild(jobs=default_jobs())
    thread = threading.Thread(target=server.serve_forever, name="briefing-http", daemon=True)
    thread.start()
    observer.start()
    port = server.server_address[1]
    print(
        f"Serving {site_dir} at http://{options.host}:{port}{base} (Ctrl-C to stop)",
        file=out,
        flush=True,
    )
    try:
        while not stop.is_set():
            with wake:
                wake.wait_for(lambda: changes.last is not None or stop.is_set(), timeout=0.5)
                last = changes.last
            if last is None:
                continue
            # Let a burst of saves settle, then build once.
            while time.monotonic() - last < SETTLE_SECONDS:
                time.sleep(SETTLE_SECONDS / 3)
                with wake:
                    last = changes.last or last
            with wake:
                changes.last = None
            rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)
        shutil.rmtree(output, ignore_errors=True)
    print("stopped", file=out, flush=True)
    return 0


def _shown(error: SiteError, site_dir: Path) -> str:
    """An error with its path relative to the site, as an editor reads it in the browser."""
    text = str(error)
    prefix = f"{site_dir}/"
    return text[len(prefix) :] if prefix != "./" and text.startswith(prefix) else text


def _rebuilt(report: BuildReport, seconds: float) -> str:
    changed = plural(report.written + report.removed, "file")
    return f"built {plural(report.items, 'item')}, {changed} changed, in {seconds * 1000:.0f} ms"
