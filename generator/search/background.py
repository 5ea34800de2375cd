"""The search index of ``serve``, made beside its builds rather than inside them.

Pagefind makes an index whole, never in part: 3.6 s at 1,000 items, 35 s at 10,000.
Inside each rebuild that would hold every edit back until the index is done; here
a thread of its own makes the index after a rebuild, while the edited page is
already shown, and the preview serves ``/pagefind/`` from the newest index made.
Edits that come while it works are folded into the next index: it never makes
one for a site that is already out of date.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from generator.errors import BuildFailed
from generator.model.records import Site
from generator.render.views import Views
from generator.search.documents import search_documents
from generator.search.index import index_bundle, index_key


class BackgroundIndex:
    """Makes the newest site's index in ``folder``, one at a time, in a daemon thread."""

    def __init__(self, folder: Path, report: Callable[[str], None]) -> None:
        self.folder = folder
        self.report = report
        self._wake = threading.Condition()
        self._site: Site | None = None
        self._number = 0
        #: The number of the build whose site the served index was made from.
        self.indexed = 0
        self._stopped = False
        #: Pagefind's service while it works, to be stopped with the preview.
        self._pid: int | None = None
        self._key: str | None = None
        #: The site the served index was last made or confirmed for.
        self._site_indexed: Site | None = None
        self._made = 0
        #: The folder that holds the bundle being served (its ``pagefind/``), or None.
        self.current: Path | None = None
        self._thread = threading.Thread(target=self._run, name="briefing-search", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def update(self, site: Site, number: int) -> None:
        """Index ``site`` (of build ``number``) when the thread is free, unless a newer
        site comes first."""
        with self._wake:
            self._site, self._number = site, number
            self._wake.notify()

    def stop(self) -> None:
        """End the thread, and a Pagefind at work with it: the preview's folder is about
        to go, and nothing may be written into it after."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
            if self._pid is not None:
                try:
                    os.kill(self._pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._site is not None or self._stopped)
                if self._stopped:
                    return
                site, number, self._site = self._site, self._number, None
            assert site is not None
            try:
                if self._index(site):
                    self.indexed = number
            except Exception:  # noqa: BLE001 - a bug must not end the preview's search
                self.report("internal error:\n" + traceback.format_exc())

    def _index(self, site: Site) -> bool:
        """Whether the served index now holds ``site``'s words."""
        if not site.config.search:
            self._publish(None, None)
            return True
        if site is self._site_indexed:
            return True  # a rebuild that changed nothing: not even the documents are made
        documents = search_documents(site, Views(site))
        key = index_key(documents, site.config.language)
        if key == self._key:
            self._site_indexed = site
            return True
        try:
            files = index_bundle(documents, site.config.language, self._started)
        except BuildFailed as failed:
            if not self._stopped:
                self.report("\n".join(str(e) for e in failed.errors))
            return False
        finally:
            self._pid = None
        self._made += 1
        made = self.folder / f"index-{self._made}"
        with self._wake:  # stop() waits for this, and none is written after it
            for rel, data in files.items():
                if self._stopped:
                    return False
                path = made / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            self._publish(made, key)
            self._site_indexed = site
        return True

    def _started(self, pid: int) -> None:
        # The editor's rebuilds come first: Pagefind gets the cores they leave.
        try:
            os.setpriority(os.PRIO_PROCESS, pid, 19)
        except OSError:
            pass
        with self._wake:
            self._pid = pid
            if self._stopped:
                os.kill(pid, signal.SIGKILL)

    def _publish(self, made: Path | None, key: str | None) -> None:
        before, self.current, self._key = self.current, made, key
        if before is not None:
            # A reader's browser may still be fetching from the old one: it answers 404
            # and Pagefind's script shows no result for that word, until the next search.
            shutil.rmtree(before, ignore_errors=True)
