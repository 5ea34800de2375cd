"""The search index of ``serve``, made beside its builds rather than inside them.

An edit re-indexes the part of the index that holds the page (well under a second),
but the first index of a large site is made whole (about 10 s at 10,000 items), and
no rebuild should wait for either. A thread of its own makes the parts after each
rebuild, and after serve's first look at a body edit (the site as the rebuild will
model it), so that the words are searchable while the rebuild still runs; the
preview serves each part from the newest files made for it. Edits that come while
it works are folded into the next round: it never indexes a site already out of date.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from generator.errors import BuildFailed
from generator.model.records import Site
from generator.render.views import SEARCH_BUNDLE
from generator.search.documents import Documents, document_settings, search_entries
from generator.search.index import (
    MANIFEST,
    SCRIPT,
    file_digests,
    made_parts,
    part_keys,
    part_tag,
    parts_manifest,
)
from generator.search.kept import KeptParts
from generator.search.parts import search_parts


class BackgroundIndex:
    """Makes the newest site's index in ``folder``, one round at a time, in a daemon
    thread, with up to ``jobs`` Pagefind services at once."""

    def __init__(self, folder: Path, report: Callable[[str], None], jobs: int = 1) -> None:
        self.folder = folder
        self.report = report
        self.jobs = jobs
        self._wake = threading.Condition()
        self._site: Site | None = None
        self._versions: Mapping[str, str] = {}
        self._number = 0
        #: The number of the build whose site the served index was made from.
        self.indexed = 0
        self._stopped = False
        #: Pagefind's services while they work, to be stopped with the preview.
        self._pids: set[int] = set()
        #: The served parts' keys, and their tags in the list of parts, by name.
        self._keys: dict[str, str] = {}
        self._tags: dict[str, str] = {}
        #: The site the served index was last made or confirmed for.
        self._site_indexed: Site | None = None
        self._made = 0
        #: The folder that holds each served name under ``pagefind/``: a part's folder,
        #: the script, the list of parts.
        self._served: dict[str, Path] = {}
        #: Parts kept between builds in the build cache, when a secret can seal them.
        self.kept: KeptParts | None = None
        #: Stands for briefing's own code, part of each part's key (Session.key).
        self.code = ""
        self._thread = threading.Thread(target=self._run, name="briefing-search", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def update(self, site: Site, versions: Mapping[str, str], number: int) -> None:
        """Index ``site`` (of build ``number``, whose pages' inputs have ``versions`` for
        digests) when the thread is free, unless a newer site comes first."""
        with self._wake:
            self._site, self._versions, self._number = site, versions, number
            self._wake.notify()

    def folder_for(self, rel: str) -> Path | None:
        """The folder that holds ``rel`` (``pagefind/...``) as served now, if any."""
        name = rel.removeprefix(SEARCH_BUNDLE + "/").partition("/")[0]
        return self._served.get(name)

    def stop(self) -> None:
        """End the thread, and Pagefind at work with it: the preview's folder is about
        to go, and nothing may be written into it after."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
            for pid in self._pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._site is not None or self._stopped)
                if self._stopped:
                    return
                site, versions, number = self._site, self._versions, self._number
                self._site = None
            assert site is not None
            try:
                if self._index(site, versions):
                    self.indexed = number
            except Exception:  # noqa: BLE001 - a bug must not end the preview's search
                self.report("internal error:\n" + traceback.format_exc())

    def _index(self, site: Site, versions: Mapping[str, str]) -> bool:
        """Whether the served index now holds ``site``'s words."""
        if not site.config.search:
            self._publish({}, {})
            return True
        if site is self._site_indexed:
            return True  # a rebuild that changed nothing: not even the documents are made
        language = site.config.language
        parts = search_parts(search_entries(site, versions))
        keys = part_keys(parts, document_settings(site, self.code))
        todo = [(p, i == 0) for i, p in enumerate(parts) if self._keys.get(p.name) != keys[p.name]]
        try:
            # Each edit makes its part anew, and the kept parts are pruned to the site's:
            # a day of editing leaves no hundreds of stale parts in the cache.
            made = made_parts(
                todo, keys, Documents(site), language, self.jobs, self.kept, self._started
            )
        except BuildFailed as failed:
            if not self._stopped:
                self.report("\n".join(str(e) for e in failed.errors))
            return False
        finally:
            with self._wake:
                self._pids.clear()
        self._made += 1
        round_folder = self.folder / f"round-{self._made}"
        self._tags = {name: self._tags[name] for name in keys if name not in made}
        self._tags |= {name: part_tag(name, file_digests(files)) for name, files in made.items()}
        files = {MANIFEST: parts_manifest(self._tags, parts)}
        for part_files in made.values():
            files.update(part_files)
        with self._wake:  # stop() waits for this, and none is written after it
            for rel, data in files.items():
                if self._stopped:
                    return False
                path = round_folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            served = {name: self._served[name] for name in keys if name not in made}
            served |= {name: round_folder for name in made}
            served[MANIFEST.rpartition("/")[2]] = round_folder
            served[SCRIPT] = served[parts[0].name] if parts else round_folder
            self._publish(served, keys)
            self._site_indexed = site
        return True

    def _started(self, pid: int) -> None:
        # The editor's rebuilds come first: Pagefind gets the cores they leave.
        try:
            os.setpriority(os.PRIO_PROCESS, pid, 19)
        except OSError:
            pass
        with self._wake:
            self._pids.add(pid)
            if self._stopped:
                os.kill(pid, signal.SIGKILL)

    def _publish(self, served: dict[str, Path], keys: dict[str, str]) -> None:
        before = set(self._served.values())
        self._served, self._keys = served, keys
        for folder in before - set(served.values()):
            # A reader's browser may still be fetching from an old one: it answers 404
            # and Pagefind's script shows no result for that word, until the next search.
            shutil.rmtree(folder, ignore_errors=True)
