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
    SCRIPT,
    file_digests,
    made_parts,
    manifest_file,
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
        #: The bundle of each of the site's languages: ``pagefind``, ``uk/pagefind``.
        self._bundles = frozenset({SEARCH_BUNDLE})
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
        """The folder that holds ``rel`` (``pagefind/...``, ``uk/pagefind/...``: each
        language's bundle) as served now, if any."""
        bundle = self._bundle_of(rel)
        if bundle is None:
            return None
        inner = rel[len(bundle) + 1 :]
        return self._served.get(f"{bundle}/{inner.partition('/')[0]}")

    def serves(self, rel: str) -> bool:
        """Whether ``rel`` is in a language's search bundle: ``pagefind/...`` at the
        root, ``uk/pagefind/...`` under another language's folder (and not a tag of
        that name: ``tags/pagefind/``)."""
        return self._bundle_of(rel) is not None

    def _bundle_of(self, rel: str) -> str | None:
        return next((b for b in self._bundles if rel.startswith(b + "/")), None)

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
        """Whether the served index now holds ``site``'s words, in every language."""
        if not site.config.search:
            self._publish({}, {})
            return True
        if site is self._site_indexed:
            return True  # a rebuild that changed nothing: not even the documents are made
        self._bundles = frozenset(one.config.root + SEARCH_BUNDLE for one in site.every_language)
        rounds = []
        for one in site.every_language:
            made = self._index_language(one, versions, one.config.root + SEARCH_BUNDLE)
            if made is None:
                return False
            rounds.append(made)
        if self.kept is not None:
            # Each edit makes its part anew, and the kept parts are pruned to the site's,
            # in every language: a day of editing leaves no hundreds of stale parts.
            self.kept.prune([key for _, _, keys, _ in rounds for key in keys.values()])
        self._made += 1
        round_folder = self.folder / f"round-{self._made}"
        files = {rel: data for made, _, _, _ in rounds for rel, data in made.items()}
        with self._wake:  # stop() waits for this, and none is written after it
            for rel, data in files.items():
                if self._stopped:
                    return False
                path = round_folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            served: dict[str, Path] = {}
            keys: dict[str, str] = {}
            for _, fresh, found, script in rounds:
                keys |= found
                served |= {name: round_folder if name in fresh else self._served[name]
                           for name in fresh | found.keys()}  # fmt: skip
                # The script at the bundle's top comes with the primary part, the first.
                served[script] = served[next(iter(found))] if found else round_folder
            self._publish(served, keys)
            self._site_indexed = site
        return True

    def _index_language(
        self, site: Site, versions: Mapping[str, str], bundle: str
    ) -> tuple[dict[str, bytes], set[str], dict[str, str], str] | None:
        """One language's parts made anew (None if Pagefind failed): their files, the
        names of what a new round serves (parts and the list of parts, each as
        ``<bundle>/<name>``), every part's key by that name (the primary first), and
        the name of the script at the bundle's top."""
        language = site.config.language
        parts = search_parts(search_entries(site, versions))
        keys = part_keys(parts, document_settings(site, self.code))
        named = {name: f"{bundle}/{name}" for name in keys}
        todo = [(p, i == 0) for i, p in enumerate(parts)
                if self._keys.get(named[p.name]) != keys[p.name]]  # fmt: skip
        try:
            made = made_parts(
                todo, keys, Documents(site), language, self.jobs, self.kept, self._started,
                bundle=bundle,
            )  # fmt: skip
        except BuildFailed as failed:
            if not self._stopped:
                self.report("\n".join(str(e) for e in failed.errors))
            return None
        finally:
            with self._wake:
                self._pids.clear()
        tags = {name: self._tags[named[name]] for name in keys if name not in made}
        tags |= {name: part_tag(name, file_digests(files), bundle) for name, files in made.items()}
        self._tags |= {named[name]: tag for name, tag in tags.items()}
        files = {manifest_file(bundle): parts_manifest(tags, parts)}
        for part_files in made.values():
            files.update(part_files)
        fresh = {named[name] for name in made} | {manifest_file(bundle)}
        keyed = {named[name]: key for name, key in keys.items()}
        return files, fresh, keyed, f"{bundle}/{SCRIPT}"

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
