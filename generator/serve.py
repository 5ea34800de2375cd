"""``briefing serve``: build into a temporary folder, serve it, rebuild on every change.

The shape follows MkDocs' livereload: the watchdog callback only records that
something changed; the main thread waits for the burst of saves to settle, rebuilds,
and bumps a build number that open pages long-poll for. A rebuild is incremental:
the :class:`~generator.build.Session` keeps every parsed item and the signature of
every page in memory, so an edit re-reads that one file and re-renders only the pages
it reaches. A failed rebuild never touches the served folder (builds are swapped in
whole), so the last good site stays served, and the errors are shown over the page.
"""

from __future__ import annotations

import errno
import http.server
import json
import mimetypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.build import (
    CONTENT_DIR,
    BuildOptions,
    BuildReport,
    Session,
    build,
    fill_stage,
    preview_first,
)
from generator.config import CONFIG_FILE, load_config
from generator.errors import BuildFailed, SiteError, plural
from generator.urls import output_file

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


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Serves the preview's folder under the site's base path, and the reload endpoint.

    :func:`make_handler` makes a subclass for one preview; the server makes one
    instance per request.
    """

    #: The folder being served, the build state, and where request lines are logged.
    root: Path
    state: BuildState
    log_to: Callable[[str], None] | None = None

    server_version = "briefing"
    #: Idle connections are closed: a preview must not run out of file handles.
    timeout = POLL_SECONDS * 2

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        if self.log_to:
            self.log_to(f"{self.address_string()} {format % args}")

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        base = self.state.base
        if "\0" in path:
            self._not_found(head)
            return
        if path.startswith(ENDPOINT):
            self._endpoint(path[len(ENDPOINT) :], parse_qs(url.query), head)
            return
        if not path.startswith(base):
            if path.rstrip("/") + "/" == base or path == "/":
                self._send(302, b"", "text/plain", head, location=base)
            else:
                self._not_found(head)
            return
        rel = path[len(base) :]
        file = self._file(rel)
        if file is None:
            if not path.endswith("/") and self._file(rel + "/index.html") is not None:
                self._send(301, b"", "text/plain", head, location=path + "/")
                return
            self._not_found(head)
            return
        self._send_file(200, file, head)

    def _file(self, rel: str) -> Path | None:
        """The file serving ``rel``, never one outside the site being served."""
        site = self.root.resolve()
        candidate = (site / rel).resolve()
        if not candidate.is_relative_to(site):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _not_found(self, head: bool) -> None:
        page = self.root / "404.html"
        if page.is_file():
            self._send_file(404, page, head)
        else:
            body = b"<!DOCTYPE html><title>Not built</title><body><p>Not built yet.</p></body>"
            self._send(404, inject_reload(body, self.state), "text/html; charset=utf-8", head)

    def _send_file(self, status: int, file: Path, head: bool) -> None:
        data = file.read_bytes()
        kind = _content_type(file.name)
        if kind.startswith("text/html"):
            data = inject_reload(data, self.state)
        self._send(status, data, kind, head)

    def _endpoint(self, name: str, query: dict[str, list[str]], head: bool) -> None:
        if name == "reload.js":
            self._send(200, RELOAD_JS.encode(), "text/javascript; charset=utf-8", head)
        elif name in ("wait", "state"):
            since = query.get("since", [""])[0]
            known = since.isascii() and since.isdigit() and len(since) <= 12
            timeout = POLL_SECONDS if name == "wait" and known else 0.0
            number, errors = self.state.wait(int(since) if known else -1, timeout)
            page = query.get("page", [""])[0]
            reload = self.state.changed_since(
                int(since) if known else -1, _page_file(page, self.state)
            )
            body = json.dumps(
                {"build": number, "good": self.state.good, "errors": errors, "reload": reload}
            )
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


def make_handler(
    root: Path, state: BuildState, log: Callable[[str], None] | None
) -> type[http.server.BaseHTTPRequestHandler]:
    """A request handler class serving ``root`` under the site's base path."""
    return type(
        "Handler",
        (PreviewHandler,),
        {"root": root, "state": state, "log_to": staticmethod(log) if log else None},
    )


def _page_file(path: str, state: BuildState) -> str | None:
    """The output file a page at URL ``path`` shows; None when it is not one of the site's."""
    if not path.startswith(state.base):
        return None
    return output_file(path[len(state.base) :])


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml"):
        return f"{kind}; charset=utf-8"
    return kind


def _ignored(rel: Path) -> bool:
    """Editor swap and backup files, and hidden folders such as .git, inside the site."""
    parts = rel.parts
    name = parts[-1] if parts else ""
    return (
        any(part.startswith(".") for part in parts)
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
            if path.parent == self.site_dir and path != self.config:
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

    def _note(self, paths: list[Path], folder: bool) -> None:
        for path in paths:
            if not path.is_relative_to(self.content):
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
        try:
            server = http.server.ThreadingHTTPServer(
                (options.host, options.port), make_handler(folder / "site", state, log)
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
        server.daemon_threads = True
        preview = _Preview(replace(options.build, output=folder / "site"), state, out, err, options)
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
    server: http.server.ThreadingHTTPServer,
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
        preview.rebuild()  # whatever changed while the first build ran
        port = server.server_address[1]
        print(
            f"Serving {site_dir} at http://{options.host}:{port}{preview.state.base} "
            "(Ctrl-C to stop)",
            file=preview.out,
            flush=True,
        )
        _loop(preview, changes, wake, stop)
    except KeyboardInterrupt:
        pass
    finally:
        if _is_main():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut cleanup
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        observer.stop()
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
        (site_dir, False),
    ):
        if folder.is_dir():
            observer.schedule(changes, str(folder), recursive=recursive)


def _loop(
    preview: _Preview, changes: _Changes, wake: threading.Condition, stop: threading.Event
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


class _Preview:
    """Builds the previewed site, keeping what each build learns for the next."""

    def __init__(
        self,
        options: BuildOptions,
        state: BuildState,
        out: TextIO,
        err: TextIO,
        serve_options: ServeOptions,
    ) -> None:
        self.options = options
        self.state = state
        self.out, self.err = out, err
        self.quiet = serve_options.quiet
        self.session = Session.in_memory()
        self.serving = False
        #: After a failed rebuild, the next looks at every file: the files that failed
        #: it are no longer among the changes it hears of.
        self.rescan = False

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
    text = str(error)
    prefix = f"{site_dir}/"
    return text[len(prefix) :] if prefix != "./" and text.startswith(prefix) else text


def _rebuilt(report: BuildReport, seconds: float) -> str:
    changed = plural(report.written + report.removed, "file")
    rendered = plural(report.rendered, "page")
    return (
        f"built {plural(report.items, 'item')}: {rendered} rendered, {changed} changed, "
        f"in {seconds * 1000:.0f} ms"
    )
