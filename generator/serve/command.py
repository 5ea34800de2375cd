"""``briefing serve``: build into a temporary folder, serve it, rebuild on every change.

The shape follows MkDocs' livereload: the watcher only records that something
changed (watcher.py); the main thread waits for the burst of saves to settle, rebuilds
(session.py), and bumps a build number that open pages long-poll for (reload.py,
server.py). A rebuild is incremental: the :class:`~generator.engine.build.Session`
keeps every parsed item and the signature of every page in memory, so an edit re-reads
that one file and re-renders only the pages it reaches. A failed rebuild never touches
the served folder (builds are swapped in whole), so the last good site stays served,
and the errors are shown over the page.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from watchdog.observers import Observer

from generator.engine.options import BuildOptions
from generator.errors import BuildFailed
from generator.project.config import load_config
from generator.search.background import BackgroundIndex
from generator.serve.reload import BuildState
from generator.serve.server import PreviewServer, make_handler
from generator.serve.session import Preview
from generator.serve.watcher import SETTLE_SECONDS, WRITE_SECONDS, Changes, watch


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
            folder / "search",
            lambda message: print(f"search index: {message}", file=err),
            options.build.jobs,
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
        preview = Preview(
            # The index is made beside the builds, so that an edit is shown at once.
            replace(options.build, output=folder / "site", own_output=True, search_index=False),
            state,
            out,
            err,
            options.quiet,
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
    preview: Preview,
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
        changes = Changes(site_dir, wake)
        watch(observer, changes, site_dir)
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


def _loop(
    preview: Preview,
    changes: Changes,
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
