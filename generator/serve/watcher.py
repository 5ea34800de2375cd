"""The watcher of the site folder: which content files changed, noted by watchdog's
thread for the main loop, which rebuilds once a burst of saves has settled."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from generator.engine.options import CONTENT_DIR
from generator.project.config import CONFIG_FILE
from generator.project.theme import PUBLISHED_HIDDEN, STATIC_DIR

#: Quiet time after the last file event before rebuilding: editors save in bursts
#: (write a temporary file, rename it), all within a few milliseconds.
SETTLE_SECONDS = 0.05


#: How long to wait at most for a file being written in place to be closed.
WRITE_SECONDS = 1.0


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


class Changes(FileSystemEventHandler):
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
        #: The observer, and its watch of each of the site's folders, to watch a folder
        #: anew when it is replaced (`rm -rf content && git checkout -- content`): the
        #: old watch stays on the folder that is gone.
        self.observer: Any = None
        self.watches: dict[str, Any] = {}

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
            elif path.parent == self.site_dir and path.name in WATCHED:
                if event.is_directory and event.event_type in ("created", "moved"):
                    self.watch_anew(path.name)
                    relevant.append(path)  # a folder replaced: look at every file
                continue
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

    def watch_anew(self, name: str) -> None:
        """Watch the site's folder ``name`` as it is now, the old watch given up."""
        if self.observer is None:
            return
        old = self.watches.pop(name, None)
        if old is not None:
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(old)
        folder = self.site_dir / name
        if folder.is_dir():
            with contextlib.suppress(OSError):
                self.watches[name] = self.observer.schedule(self, str(folder), recursive=True)

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


#: The site's folders watched whole; the site folder itself is watched for site.yaml
#: and for these folders being replaced or made.
WATCHED = (CONTENT_DIR, "themes", STATIC_DIR)


def watch(observer: Any, changes: Changes, site_dir: Path) -> None:
    changes.observer = observer
    for name in WATCHED:
        changes.watch_anew(name)
    if site_dir.is_dir():
        observer.schedule(changes, str(site_dir), recursive=False)
