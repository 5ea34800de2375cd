"""What a build carries: everything it read (Inputs), the site read, checked and planned
(Assembled), and what one build leaves for the next (Session)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.engine import cache
from generator.engine.cache import Parsed
from generator.engine.options import BuildOptions, Scheduled
from generator.engine.store import (
    ITEMS_FILE,
    CacheDamaged,
    ItemCache,
    MemoryLog,
    OutputLog,
    output_file_name,
    remove_cache_file,
)
from generator.errors import (
    SiteWarning,
)
from generator.machinekey import NoSecret, Seal, load_secret
from generator.model.records import Document, Site, StoryNote
from generator.pictures.cache import PictureCache
from generator.project.config import SiteConfig
from generator.project.theme import ThemeFiles
from generator.reading.sources import (
    Discovery,
    FileSeen,
)
from generator.search.kept import KeptParts
from generator.text.urls import OutputPath

if TYPE_CHECKING:  # a build that finds nothing changed loads neither (see build._make)
    import jinja2

    from generator.plan.page import Page
    from generator.reading.collect import MadeItems


@dataclass
class Session:
    """What one build leaves for the next: files as seen, parsed records, the output's record.

    ``serve`` keeps one in memory across rebuilds; ``briefing build`` loads it from
    ``.briefing-cache/`` and saves it back. It is passed beside the options, never
    inside them: it changes with every build.
    """

    key: str
    log: OutputLog | MemoryLog
    seen: dict[str, FileSeen] = field(default_factory=dict)
    #: Parsed content files by source key; complete only once ``loaded`` is True.
    parsed: dict[str, Parsed] = field(default_factory=dict)
    #: The parse context (time zone, raw HTML) ``parsed`` was made in.
    context: str = ""
    #: Where ``seen`` and ``parsed`` are saved; None keeps them in memory only.
    items: ItemCache | None = None
    #: The last good build's site, for :func:`preview_first`.
    last: Assembled | None = None
    #: The templates compiled for a theme (by its digest), kept while the theme is.
    compiled: tuple[str, jinja2.Environment] | None = None
    loaded: bool = True
    warnings: list[str] = field(default_factory=list)
    #: Real paths that links in content/ lead to, as of the last full look: ``serve``
    #: watches them as well, since an edit there is an edit of content.
    linked: frozenset[str] = frozenset()
    #: Smaller copies of pictures kept on disk; None when no secret can seal them.
    pictures: PictureCache | None = None
    #: Parts of the search index kept on disk; None when no secret can seal them.
    search_parts: KeptParts | None = None
    #: The items the last build made, for the next to take again: only in a session
    #: that lives on (a build from disk would make them all anyway).
    made: MadeItems | None = None

    @classmethod
    def in_memory(cls) -> Session:
        """A session kept in memory, build after build (``serve``'s, and tests')."""
        from generator.reading.collect import MadeItems

        return cls(cache.code_key(), MemoryLog(), made=MadeItems())

    @classmethod
    def for_preview(cls, options: BuildOptions) -> Session:
        """``serve``'s session: kept in memory, but with the pictures resized by earlier
        builds, since each preview starts in a new output folder."""
        session = cls.in_memory()
        with contextlib.suppress(NoSecret):
            secret = Seal(load_secret())
            session.pictures = PictureCache.in_cache(options.cache_dir, secret, session.key)
            session.search_parts = KeptParts.in_cache(options.cache_dir, secret, session.key)
        return session

    @classmethod
    def from_disk(cls, options: BuildOptions) -> Session:
        """The session the last build saved, or an empty one (with a warning if it was damaged)."""
        key = cache.code_key()
        folder, output = options.cache_dir, options.output_dir
        warnings: list[str] = []
        if not options.use_cache:  # --clean: start from nothing, whatever is there
            for name in (ITEMS_FILE, output_file_name(output)):
                try:
                    remove_cache_file(folder / name)
                except OSError:
                    pass  # opening it says what is wrong
        try:
            seal = Seal(load_secret())
        except NoSecret as exc:
            # No way to prove a cache is ours: build without one rather than trust it.
            return cls(key, MemoryLog(), warnings=[f"{exc}; building without the cache"])
        unusable = _unusable(folder)
        if unusable is not None:
            return cls(key, MemoryLog(), warnings=[unusable])
        items = _open_or_warn(
            lambda: ItemCache.open(folder, key, seal), folder / ITEMS_FILE, warnings
        )
        log = _open_or_warn(
            lambda: OutputLog.open(folder, output, key, seal),
            folder / output_file_name(output),
            warnings,
        )
        pictures = PictureCache.in_cache(folder, seal, key)
        search_parts = KeptParts.in_cache(folder, seal, key)
        if not options.use_cache:
            pictures.prune(())
            search_parts.prune(())
        session = cls(
            key,
            log or MemoryLog(),
            items=items,
            warnings=warnings,
            pictures=pictures,
            search_parts=search_parts,
        )
        if items is not None and options.use_cache:
            try:
                session.seen, session.context = items.seen(), items.context()
                session.loaded = False  # records are read only when something changed
            except CacheDamaged as exc:
                warnings.append(f"{exc}; it was discarded")
        return session

    def load_parsed(self, path_of: Callable[[str], str]) -> None:
        if self.loaded:
            return
        self.loaded = True
        if self.items is None:
            return
        try:
            self.parsed = self.items.parsed(path_of)
        except CacheDamaged as exc:
            self.warnings.append(f"{exc}; it was discarded")
            self.seen, self.parsed = {}, {}

    def environment(self, theme: ThemeFiles, digest: str) -> jinja2.Environment:
        """The Jinja environment of ``theme``: compiled once while the theme stays as it is."""
        from generator.render.templates import fresh, make_environment

        if self.compiled is None or self.compiled[0] != digest:
            self.compiled = (digest, make_environment(theme))
        return fresh(self.compiled[1])

    def close(self) -> None:
        self.log.close()
        if self.items is not None:
            self.items.close()


def _unusable(folder: Path) -> str | None:
    """Why the build cache folder cannot be used (it cannot be made, listed or written
    in), if so: the build then goes on without it, and says so."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.listdir(folder)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        return (
            f"the build cache folder {folder} cannot be used ({exc.strerror}); building "
            "without it: check its permissions, or delete it"
        )
    return None


def _open_or_warn(opener: Callable[[], Any], path: Path, warnings: list[str]) -> Any:
    """Open a cache file; a damaged one is removed and made again, with a warning."""
    try:
        return opener()
    except CacheDamaged as exc:
        warnings.append(f"{exc}; it was discarded")
    try:
        remove_cache_file(path)
        return opener()
    except (CacheDamaged, OSError):
        return None  # still unusable (a folder in its way?): build without it


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads, each file once: the cache key and the pages use these bytes."""

    config_path: Path
    config_bytes: bytes
    #: site.yaml parsed, once.
    config: SiteConfig
    theme: ThemeFiles
    #: ``theme.digest()``, worked out once.
    theme_digest: str
    discovery: Discovery


@dataclass(frozen=True, slots=True)
class Assembled:
    """A site read, checked and planned; nothing rendered yet."""

    site: Site
    config_bytes: bytes
    theme: ThemeFiles
    theme_digest: str
    #: Every output file in a fixed order, with its inputs.
    pages: list[Page]
    #: Every parsed item, published or not, for checks that need file positions.
    documents: tuple[Document, ...]
    drafts_left_out: int
    #: Items left out because they are not due yet, soonest first.
    scheduled: tuple[Scheduled, ...]
    #: Items taken from the cache rather than parsed again.
    cached: int
    #: The window of moments in which the same items are due (None: unbounded).
    due_from: datetime | None
    due_until: datetime | None
    #: What the editor should know about the content files, though it stops nothing.
    warnings: tuple[SiteWarning, ...] = ()
    #: The files of running stories (content/stories/), whether an item follows them
    #: yet or not, for `briefing check`.
    story_files: tuple[StoryNote, ...] = ()
    #: Each part of the search index by name, with the key of what it was made from
    #: (None: no index).
    search_parts: Mapping[str, str] | None = None
    #: The digests of the pages' inputs that the site model holds (plan.graph.versions),
    #: once made: the plan's signatures and the search index's part keys share them.
    versions: Mapping[str, str] | None = None

    @property
    def files(self) -> frozenset[OutputPath]:
        return frozenset(page.file for page in self.pages)
