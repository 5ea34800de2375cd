"""The build recipe: every stage, top to bottom.

:func:`build` reads what changed since the last build, parses only those files,
models the site, plans every output file with its inputs, renders only the files
whose inputs changed (writing each into the staging folder as it is rendered),
and swaps the staging folder in. A build where nothing changed stops after the
first stage. :func:`assemble` is the first half alone: ``briefing check`` uses it
to report exactly the errors a build would, without writing anything.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2

from generator.engine import cache, graph, outputdir, stage, workers
from generator.engine.cache import Parsed
from generator.engine.pages import Page, bundle_pages, item_page, joined, picture_keys, plan
from generator.engine.stage import OUTPUT_DIR
from generator.engine.store import (
    ITEMS_FILE,
    CacheDamaged,
    ItemCache,
    MemoryLog,
    OutputLog,
    OutputState,
    output_file_name,
    remove_cache_file,
)
from generator.errors import (
    BuildFailed,
    ConfigError,
    ErrorLog,
    OutputError,
    SiteError,
    SiteWarning,
)
from generator.machinekey import NoSecret, Seal, load_secret
from generator.model.records import Document, EditionNote, PageDocument, Rendered, Site
from generator.pictures.cache import PictureCache
from generator.project.config import CONFIG_FILE, SiteConfig, config_from, read_config
from generator.project.theme import ThemeFiles, find_theme, read_theme
from generator.reading import collect, content, markup
from generator.reading.assets import Asset, picture_size
from generator.reading.attach import missing_files
from generator.reading.collect import ContentFiles, collect_site
from generator.reading.sources import (
    Discovery,
    FileSeen,
    Source,
    discover,
    is_markdown,
    read_source,
)
from generator.render.templates import (
    Renderer,
    first_of_each,
    fresh,
    make_environment,
    template_uses,
)
from generator.render.views import SEARCH_BUNDLE, Views
from generator.search import index as searchindex
from generator.search.documents import search_documents
from generator.text import controls
from generator.text.urls import OutputPath

CONTENT_DIR = "content"
#: Editors' files for editions live in content/editions/<date>.md.
EDITIONS_DIR = "editions"
#: Standalone pages (About, Subscribe) live in content/pages/<name>.md.
PAGES_DIR = "pages"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path = Path(".")
    #: Defaults to ``site_dir/_site``.
    output: Path | None = None
    #: Include items marked ``draft: true``.
    drafts: bool = False
    #: Include items dated after ``now``.
    future: bool = False
    #: The moment that decides which items are due; None means the current time.
    now: datetime | None = None
    #: Processes for parsing, Markdown and templates; 1 does everything in this process.
    jobs: int = 1
    #: Reuse what the last build left (``--clean`` turns it off).
    use_cache: bool = True
    #: Build into a folder briefing did not make, replacing its files where the site
    #: puts its own (``--force``); the others are kept.
    force: bool = False
    #: The output folder is this process's alone (``serve``'s temporary folder): nobody
    #: else puts files there, so it is not surveyed before each build.
    own_output: bool = False
    #: Where the build cache lives; defaults to ``site_dir/.briefing-cache``.
    cache: Path | None = None
    #: Called with each stage's name as it starts, for progress display.
    progress: Callable[[str], None] | None = None
    #: Told when the build has to wait for another one.
    notify: Callable[[str], None] | None = None
    #: Write the search index when site.yaml has search on; ``serve`` turns it off and
    #: indexes beside its builds, so that an edit is shown before the index is made.
    search_index: bool = True
    #: Editions to write as emails besides site.yaml's ``email.latest`` newest, each
    #: by date ("2025-07-22") or number ("12"), or "all" (``briefing email``).
    emails: tuple[str, ...] = ()

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site_dir / OUTPUT_DIR

    @property
    def cache_dir(self) -> Path:
        return self.cache if self.cache is not None else self.site_dir / cache.CACHE_DIR


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An item left out because its date has not come yet."""

    path: str
    date: datetime


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

    @classmethod
    def in_memory(cls) -> Session:
        return cls(cache.code_key(), MemoryLog())

    @classmethod
    def for_preview(cls, options: BuildOptions) -> Session:
        """``serve``'s session: kept in memory, but with the pictures resized by earlier
        builds, since each preview starts in a new output folder."""
        session = cls.in_memory()
        with contextlib.suppress(NoSecret):
            secret = Seal(load_secret())
            session.pictures = PictureCache.in_cache(options.cache_dir, secret, session.key)
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
        items = _open_or_warn(
            lambda: ItemCache.open(folder, key, seal), folder / ITEMS_FILE, warnings
        )
        log = _open_or_warn(
            lambda: OutputLog.open(folder, output, key, seal),
            folder / output_file_name(output),
            warnings,
        )
        pictures = PictureCache.in_cache(folder, seal, key)
        if not options.use_cache:
            pictures.prune(())
        session = cls(key, log or MemoryLog(), items=items, warnings=warnings, pictures=pictures)
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
        if self.compiled is None or self.compiled[0] != digest:
            self.compiled = (digest, make_environment(theme))
        return fresh(self.compiled[1])

    def close(self) -> None:
        self.log.close()
        if self.items is not None:
            self.items.close()


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
    #: The digest of what the search index was made from (None: no index).
    search_key: str | None = None

    @property
    def files(self) -> frozenset[OutputPath]:
        return frozenset(page.file for page in self.pages)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line and the benchmarks."""

    items: int
    tags: int
    editions: int
    files: int
    #: Files whose bytes differ from the site published before.
    written: int
    unchanged: int
    removed: int
    drafts_left_out: int
    scheduled: tuple[Scheduled, ...]
    #: Items taken from the build cache instead of parsed and rendered again.
    cached: int
    #: Things the editor should know that did not stop the build.
    warnings: tuple[str, ...]
    seconds: float
    #: Pages rendered (the others were the same as when last written).
    rendered: int = 0
    #: Content files read and parsed.
    parsed: int = 0
    #: Seconds spent in each stage, in pipeline order.
    stages: dict[str, float] = field(default_factory=dict)
    #: The date of every edition, oldest first (its number is its place, from 1).
    edition_dates: tuple[date, ...] = ()
    #: Output files written, changed or removed, for ``serve`` to reload only those pages.
    changed: frozenset[OutputPath] = frozenset()


class _Clock:
    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.stages: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


def build(
    options: BuildOptions,
    session: Session | None = None,
    changed: Collection[str] | None = None,
) -> BuildReport:
    """Build the site in ``options.site_dir``; raise BuildFailed on any problem.

    The published folder changes in one step, or not at all. ``changed`` names the
    content files (relative to content/) that may have changed since the session's
    last build; None looks at every file.
    """
    started = time.perf_counter()
    output = options.output_dir
    stage.check_output_dir(output, options.site_dir)
    with stage.locked(output, options.notify):
        own = session is None
        session = session or Session.from_disk(options)
        try:
            return _build(options, session, started, changed)
        finally:
            if own:
                session.close()


def _build(
    options: BuildOptions, session: Session, started: float, changed: Collection[str] | None
) -> BuildReport:
    clock = _Clock(options.progress)
    output = options.output_dir
    now = options.now or datetime.now(UTC)
    with clock.stage("read"):
        inputs = read_inputs(options, session.seen if options.use_cache else {}, changed)
        if inputs.discovery.linked is not None:
            session.linked = inputs.discovery.linked
        live_id, stage_id = stage.folder_id(output), stage.folder_id(stage.stage_dir(output))
        state = _output_state(session, live_id, stage_id, options)
        settings = _settings(session.key, inputs, options)
    if _nothing_changed(session, inputs, state, settings, now):
        _remember_seen(session, inputs.discovery.seen)
        return _unchanged_report(state, options, clock, started, session)
    with clock.stage("read"):
        found = _survey(output, state, options)
    with _collector_paused():
        assembled = assemble(options, session, inputs, now, clock)
        with clock.stage("search"):
            assembled = _with_search(options, assembled, state)
        site, pages = assembled.site, assembled.pages
        with clock.stage("plan"):
            signatures = _signatures(assembled, session.key)
            live = state.live or {}
            todo = graph.stale(pages, signatures, {f: sig for f, (sig, _) in live.items()})
        found.check_plan(output, (page.file for page in pages))
    staging = _open_stage(output, state, options, found.foreign)
    session.log.mark_dirty()
    with clock.stage("render"):
        try:
            env = session.environment(assembled.theme, assembled.theme_digest)
            digests = render_pages(assembled, todo, staging.write, options.jobs, env)
        except OSError as exc:
            raise _write_failed(output, exc) from None
        staging.staged.update((pages[i].file, digest) for i, digest in digests.items())
    written = {
        page.file: (sig, digests[i] if i in digests else live[page.file][1])
        for i, (page, sig) in enumerate(zip(pages, signatures, strict=True))
    }
    summary = _summary(assembled, options.site_dir)

    def remake(files: list[OutputPath]) -> None:
        """Render pages whose published files were changed by hand, rather than link them."""
        wanted = set(files)
        again = [i for i, page in enumerate(pages) if page.file in wanted]
        render_pages(assembled, again, staging.write, options.jobs, env)
        todo.extend(again)

    with clock.stage("write"):
        _publish(staging, written, session.log, settings, summary, remake)
        if not options.own_output:
            kept = found.foreign - written.keys()
            times = outputdir.folder_times(output, [*written, *kept])
            _record_or_warn(
                session,
                lambda: session.log.record_folders(stage.folder_id(output), times, kept),
            )
    with clock.stage("cache"):
        _save(session, inputs, assembled)
        if session.pictures is not None:
            session.pictures.prune(picture_keys(site, session.pictures))
    session.last = assembled
    differ = {f for f, (_, d) in written.items() if f not in live or live[f][1] != d}
    removed = {f for f in live if f not in written}
    return BuildReport(
        items=len(site.items),
        tags=len(site.tags),
        editions=len(site.editions),
        edition_dates=tuple(e.date for e in site.editions),
        files=len(written),
        written=len(differ),
        unchanged=len(written) - len(differ),
        removed=len(removed),
        drafts_left_out=assembled.drafts_left_out,
        scheduled=assembled.scheduled,
        cached=assembled.cached,
        warnings=(*session.warnings, *map(str, assembled.warnings)),
        seconds=time.perf_counter() - started,
        rendered=len(todo),
        parsed=len(site.items) - assembled.cached,
        stages=clock.stages,
        changed=frozenset(differ | removed),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the model is built.

    Reading and modelling a site makes hundreds of thousands of long-lived objects
    and no garbage worth collecting; the collector would scan the growing heap over
    and over (a third of an incremental build's time at 10,000 items).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def preview_first(
    options: BuildOptions, session: Session, changed: Collection[str]
) -> list[OutputPath]:
    """For ``serve``: the pages of items whose body alone changed, rendered and put in
    place before the rebuild that follows, which renders them again (Hugo's "fast
    render": the edited page first).

    An edit of the body leaves every other item and the layout as they were, so the
    item's page is exactly what the full rebuild will make of it. Any other change
    (front matter, a new file, an error) is left to the rebuild. Returns the files.
    """
    last, log = session.last, session.log
    if last is None or not isinstance(log, MemoryLog) or log.state.live is None:
        return []
    site = last.site
    index_of = {item.path: index for index, item in enumerate(site.items)}
    revised: list[int] = []
    for rel in sorted(changed):
        found = _body_edit(options, session, site.config, rel)
        if found is not None and found[0].path in index_of:
            index = index_of[found[0].path]
            site, _ = collect.with_new_body(site, site.items[index], *found)
            revised.append(index)
    if not revised:
        return []
    views = Views(site)
    renderer = Renderer(session.environment(last.theme, last.theme_digest), last.theme)
    done = []
    with stage.locked(options.output_dir):
        for index in revised:
            page = item_page(site, views, index)
            assert page.template is not None
            data = renderer.render(page.template, page.origin, page.make)
            if data is not None:
                log.forget(page.file, stage.publish_one(options.output_dir, page.file, data))
                done.append(page.file)
    return done


def _body_edit(
    options: BuildOptions, session: Session, config: SiteConfig, rel: str
) -> tuple[Document, Rendered] | None:
    """The item at ``rel`` parsed afresh, if only its body differs from the last build's."""
    seen = session.seen.get(rel)
    before = session.parsed.get(seen.key) if seen else None
    source = _read(options.site_dir / CONTENT_DIR, rel)
    if before is None or source is None or not isinstance(before.document, Document):
        return None
    outcome = _parse_one(source, config)
    if not isinstance(outcome, Parsed) or not isinstance(outcome.document, Document):
        return None
    doc, old = outcome.document, before.document
    if (doc.meta, doc.stem, doc.path) != (old.meta, old.stem, old.path):
        return None
    return doc, outcome.rendered


def fill_stage(options: BuildOptions, session: Session) -> None:
    """Fill the staging folder with links to every published file, when it has none.

    A first build moves its staging folder into place, so the next one would link
    every file; ``serve`` does that now, before the editor's first edit.
    """
    log = session.log
    output = options.output_dir
    if not isinstance(log, MemoryLog) or log.state.live is None:
        return
    state = log.load(stage.folder_id(output), stage.folder_id(stage.stage_dir(output)))
    if state.live is None or state.staged is not None:
        return
    manifest = {file: digest for file, (_, digest) in state.live.items()}
    with stage.locked(output):
        staging = stage.Stage(output, manifest, None)
        staging.complete(manifest)
        log.record_staged(stage.folder_id(staging.dir), dict(staging.staged))


def read_inputs(
    options: BuildOptions, seen: Mapping[str, FileSeen], changed: Collection[str] | None = None
) -> Inputs:
    """Read site.yaml and the theme whole, and the content files that changed."""
    site_dir = options.site_dir
    config_path = site_dir / CONFIG_FILE
    config_bytes = read_config(site_dir)
    config = config_from(config_bytes, config_path)
    try:
        theme = read_theme(find_theme(site_dir, config.theme))
    except (ConfigError, BuildFailed) as exc:
        # Report the content's unreadable files and links with the theme's, in one go.
        content = discover(site_dir / CONTENT_DIR, {}, None, site_dir)
        theirs = [exc] if isinstance(exc, ConfigError) else list(exc.errors)
        raise BuildFailed([*theirs, *content.errors]) from None
    content = discover(site_dir / CONTENT_DIR, seen, changed if seen else None, site_dir)
    return Inputs(config_path, config_bytes, config, theme, theme.digest(), content)


def _settings(key: str, inputs: Inputs, options: BuildOptions) -> str:
    """Everything besides content and time that decides the output."""
    asked = "\1".join(sorted(options.emails))
    digest = hashlib.sha256(f"{key}\0{options.drafts}\0{options.future}\0{asked}\0".encode())
    digest.update(inputs.theme_digest.encode() + b"\0" + inputs.config_bytes)
    return digest.hexdigest()


def _output_state(
    session: Session, live_id: str | None, stage_id: str | None, options: BuildOptions
) -> OutputState:
    if not options.use_cache:
        return OutputState()
    try:
        return session.log.load(live_id, stage_id)
    except CacheDamaged as exc:
        session.warnings.append(f"{exc}; it was discarded")
        return OutputState()


def _nothing_changed(
    session: Session, inputs: Inputs, state: OutputState, settings: str, now: datetime
) -> bool:
    """True when the last build's output is the output: same inputs, same items due."""
    if state.live is None or state.settings != settings or inputs.discovery.errors:
        return False
    seen, before = inputs.discovery.seen, session.seen
    if seen.keys() != before.keys() or any(seen[r].key != before[r].key for r in seen):
        return False
    due_from, due_until = state.summary.get("due_from"), state.summary.get("due_until")
    if due_from is not None and now < datetime.fromisoformat(due_from):
        return False
    return due_until is None or now < datetime.fromisoformat(due_until)


def _remember_seen(session: Session, seen: dict[str, FileSeen]) -> None:
    """Files whose stat moved but whose text did not: remember the new stat."""
    if seen != session.seen:
        session.seen = seen
        if session.items is not None:
            try:
                session.items.save_seen(seen)
            except (sqlite3.Error, OSError) as exc:
                session.warnings.append(f"cannot write the build cache: {exc}")


def _unchanged_report(
    state: OutputState, options: BuildOptions, clock: _Clock, started: float, session: Session
) -> BuildReport:
    summary = state.summary
    return BuildReport(
        items=int(summary.get("items", 0)),
        tags=int(summary.get("tags", 0)),
        editions=int(summary.get("editions", 0)),
        edition_dates=tuple(date.fromisoformat(d) for d in summary.get("edition_dates", [])),
        files=len(state.live or {}),
        written=0,
        unchanged=len(state.live or {}),
        removed=0,
        drafts_left_out=int(summary.get("drafts_left_out", 0)),
        scheduled=tuple(
            Scheduled(str(options.site_dir / rel), datetime.fromisoformat(when))
            for rel, when in summary.get("scheduled", [])
        ),
        cached=int(summary.get("items", 0)),
        warnings=(*session.warnings, *(str(w) for w in summary.get("warnings", []))),
        seconds=time.perf_counter() - started,
        stages=clock.stages,
    )


def assemble(
    options: BuildOptions,
    session: Session | None = None,
    inputs: Inputs | None = None,
    now: datetime | None = None,
    clock: _Clock | None = None,
) -> Assembled:
    """Read, check, model and plan the whole site; raise BuildFailed listing every problem."""
    clock = clock or _Clock(options.progress)
    session = session or Session.in_memory()
    now = now or options.now or datetime.now(UTC)
    errors = ErrorLog()
    if inputs is None:
        with clock.stage("read"):
            inputs = read_inputs(options, session.seen if options.use_cache else {})
    config = inputs.config
    errors.extend(inputs.discovery.errors)
    with clock.stage("parse"):
        parsed, cached, failures = _parse(options, session, inputs, config)
        errors.extend(failures.errors)
    documents = [p.document for p in parsed if isinstance(p.document, Document)]
    notes = [(p.document, p.rendered) for p in parsed if isinstance(p.document, EditionNote)]
    standalone = [
        (p.document, p.rendered)
        for p in parsed
        if isinstance(p.document, PageDocument) and (options.drafts or not p.document.draft)
    ]
    rendered = {p.document.path: p.rendered for p in parsed}
    drafts_left_out = failures.drafts + sum(
        1 for p in parsed if _is_draft(p.document) and not options.drafts
    )
    due = [doc for doc in documents if options.drafts or not doc.meta.draft]
    scheduled = sorted(
        (Scheduled(doc.path, doc.meta.date) for doc in due if doc.meta.date > now),
        key=lambda s: (s.date, s.path),
    )
    if not options.future:
        due = [doc for doc in due if doc.meta.date <= now]
    with clock.stage("collect"):
        files = ContentFiles(
            rels={p.document.path: p.rel for p in parsed},
            assets=_assets(inputs.discovery.seen),
        )
        due_pairs = [(d, rendered[d.path]) for d in due]
        preview_size = _preview_size(config, inputs.theme)
        site, collisions = collect_site(config, due_pairs, notes, files, standalone, preview_size)
        errors.extend(collisions)
    errors.raise_if_any()
    with clock.stage("plan"):
        pages, clashes = plan(site, Views(site), inputs.theme, options.emails, session.pictures)
        errors.extend(clashes)
        planned = {page.file for page in pages}
        errors.extend(missing_files((*site.items, *site.pages), planned, config))
        errors.extend(_missing_preview(config, planned))
    errors.raise_if_any()
    return Assembled(
        site=site,
        config_bytes=inputs.config_bytes,
        theme=inputs.theme,
        theme_digest=inputs.theme_digest,
        pages=pages,
        documents=tuple(documents),
        drafts_left_out=drafts_left_out,
        scheduled=tuple(scheduled) if not options.future else (),
        cached=sum(1 for d in due if d.path in cached),
        due_from=None if options.future else max((d.meta.date for d in due), default=None),
        due_until=None if options.future or not scheduled else scheduled[0].date,
        warnings=tuple(sorted((w for p in parsed for w in p.warnings), key=SiteError.sort_key)),
    )


def _with_search(options: BuildOptions, assembled: Assembled, state: OutputState) -> Assembled:
    """The plan with the search index's files: Pagefind runs only when what it indexes
    differs from what the published index was made from.

    Pagefind cannot update an index, only make it whole (3.6 s at 1,000 items, 35 s at
    10,000); a build that changed no searchable words keeps the published files.
    """
    site = assembled.site
    if not (site.config.search and options.search_index):
        return assembled
    documents = search_documents(site, Views(site))
    language = site.config.language
    key = searchindex.index_key(documents, language)
    published = {
        file: digest
        for file, (_, digest) in (state.live or {}).items()
        if file.startswith(SEARCH_BUNDLE + "/")
    }
    if published and state.summary.get("search") == key:
        bundle = _Bundle(lambda: searchindex.index_bundle(documents, language))
        digests = published
    else:
        files = searchindex.index_bundle(documents, language)
        bundle = _Bundle(lambda: files)
        digests = {file: stage.digest(data) for file, data in files.items()}
    pages, clashes = joined(assembled.pages, bundle_pages(digests, bundle.file))
    if clashes:
        raise BuildFailed(clashes)
    return replace(assembled, pages=pages, search_key=key)


class _Bundle:
    """The index's files, made when first asked for: a build that keeps the published
    index asks only if a published file was changed by hand."""

    def __init__(self, make: Callable[[], dict[OutputPath, bytes]]) -> None:
        self.make = make
        self.files: dict[OutputPath, bytes] | None = None

    def file(self, path: OutputPath) -> bytes:
        if self.files is None:
            self.files = self.make()
        if path not in self.files:
            raise SiteError(
                "the search index came out different from the published one",
                path=path,
                hint="build again with --clean",
            )
        return self.files[path]


def _preview_size(config: SiteConfig, theme: ThemeFiles) -> tuple[int, int] | None:
    """The size of site.yaml's preview picture, when it is a static file of the site or
    the theme (its header only is read, from the bytes read already)."""
    if config.image is None or config.image.startswith("https://"):
        return None
    file = theme.site_static.get(config.image) or theme.static.get(config.image)
    return picture_size(file.data) if file else None


def _missing_preview(config: SiteConfig, planned: Collection[str]) -> list[SiteError]:
    """site.yaml's preview picture, when it names a file the site does not publish."""
    image = config.image
    if image is None or image.startswith("https://") or image in planned:
        return []
    where = config.value_at.get("image")
    return [
        ConfigError.at(
            f"'image' names {image}, but the site publishes no such file (looked for "
            f"static/{image})",
            path=config.path,
            where=where,
            hint="put the picture in the site's static/ folder, or correct the name",
        )
    ]


def _is_draft(document: Document | EditionNote | PageDocument) -> bool:
    if isinstance(document, Document):
        return document.meta.draft
    return isinstance(document, PageDocument) and document.draft


@dataclass
class _Failures:
    errors: list[SiteError] = field(default_factory=list)
    #: Drafts whose front matter is unfinished: left out, and only wrong with --drafts.
    drafts: int = 0


def _parse(
    options: BuildOptions, session: Session, inputs: Inputs, config: SiteConfig
) -> tuple[list[Parsed], set[str], _Failures]:
    """Every content file parsed and rendered: from the session when unchanged, else afresh."""
    content_dir = options.site_dir / CONTENT_DIR
    context = f"{config.timezone.key}\0{config.raw_html}"
    seen = inputs.discovery.seen
    if options.use_cache:
        session.load_parsed(lambda rel: str(content_dir / rel))
    if session.context != context or not options.use_cache:
        session.parsed, session.context = {}, context
    fresh = {source.rel.as_posix(): source for source in inputs.discovery.changed}
    missing = [rel for rel, s in seen.items() if s.key not in session.parsed and is_markdown(rel)]
    sources = [fresh.get(rel) or _read(content_dir, rel) for rel in missing]
    vanished = [rel for rel, source in zip(missing, sources, strict=True) if source is None]

    def send(outcome: Parsed | BuildFailed) -> tuple[str, str] | BuildFailed:
        return cache.encode(outcome) if isinstance(outcome, Parsed) else outcome

    def receive(sent: tuple[str, str] | BuildFailed) -> Parsed | BuildFailed:
        if isinstance(sent, BuildFailed):
            return sent
        return cache.decode(*sent, lambda rel: str(content_dir / rel))

    outcomes = workers.spread(
        [s for s in sources if s is not None],
        lambda source: _parse_one(source, config),
        options.jobs,
        send,
        receive,
    )
    # The texts are parsed: let them go (300 MB at 100,000 items).
    inputs.discovery.changed.clear()
    del sources, fresh
    failures = _Failures()
    for outcome in outcomes:
        if isinstance(outcome, content.IncompleteDraft):
            failures.drafts += 1
            if options.drafts:
                failures.errors.extend(outcome.errors)
        elif isinstance(outcome, BuildFailed):
            failures.errors.extend(outcome.errors)
        else:
            session.parsed[seen[outcome.rel].key] = outcome
    for rel in vanished:
        failures.errors.append(
            SiteError("vanished while the build read it", path=content_dir / rel)
        )
    reparsed = set(missing)
    cached = {session.parsed[s.key].document.path for rel, s in seen.items()
              if rel not in reparsed and s.key in session.parsed}  # fmt: skip
    parsed = [session.parsed[s.key] for s in seen.values() if s.key in session.parsed]
    return parsed, cached, failures


def _read(content_dir: Path, rel: str) -> Source | None:
    return read_source(content_dir, rel, content_dir.parent)


def _assets(seen: Mapping[str, FileSeen]) -> dict[str, Asset]:
    """The content files that are not Markdown, from their keys: no file is read again."""
    found = {}
    for rel, file in seen.items():
        asset = Asset.from_key(file.key)
        if asset is not None:
            found[rel] = asset
    return found


def _parse_one(source: Source, config: SiteConfig) -> Parsed | BuildFailed:
    """One file parsed and its Markdown rendered; a failure is returned, not raised, so
    that workers hand back every file's outcome in order."""
    text, strays = controls.without_strays(source.text)
    warnings = tuple(_stray_warning(stray, source.path) for stray in strays)
    source = replace(source, text=text) if strays else source
    try:
        if source.rel.parts[0] == EDITIONS_DIR:
            note = content.parse_edition(source)
            rendered = markup.render(
                note.body, body_line=note.body_line, raw_html=config.raw_html, path=source.path
            )
            return Parsed(source.rel.as_posix(), note, rendered, warnings)
        if source.rel.parts[0] == PAGES_DIR and len(source.rel.parts) > 1:
            page = content.parse_page(source)
            rendered = markup.render(
                page.body,
                body_line=page.body_line,
                raw_html=config.raw_html,
                path=source.path,
            )
            return Parsed(source.rel.as_posix(), page, rendered, warnings)
        doc = content.parse(source, config.timezone)
        rendered = markup.render(
            doc.body, body_line=doc.body_line, raw_html=config.raw_html, path=source.path
        )
        return Parsed(source.rel.as_posix(), doc, rendered, warnings + content.notes(doc))
    except BuildFailed as failed:
        return failed


def _stray_warning(stray: controls.Stray, path: str) -> SiteWarning:
    return SiteWarning(
        stray.describe(),
        path=path,
        line=stray.line,
        col=stray.col,
        hint="readers never see these characters, and HTML and feeds forbid them (they come "
        "with text pasted from word processors and PDFs); delete them to silence this warning",
    )


def _signatures(assembled: Assembled, key: str) -> list[str]:
    """Every page's signature, in plan order; ``key`` stands for briefing's own code."""
    templates = assembled.theme.templates
    texts = {name: file.data.decode("utf-8", "replace") for name, file in templates.items()}
    site = hashlib.blake2b(key.encode() + b"\0" + assembled.config_bytes, digest_size=16)
    preview = assembled.site.preview
    if preview is not None:  # every page's <head> shows its size, which site.yaml does not say
        site.update(f"\0{preview.width}x{preview.height}".encode())
    fixed = {"site": site.hexdigest()}
    every = hashlib.blake2b(b"".join(f.data for f in templates.values())).hexdigest()
    for name in {name for page in assembled.pages for name in _templates(page)}:
        used = template_uses(texts, name)
        names = sorted(used) if used is not None else sorted(templates)
        digest = hashlib.blake2b(digest_size=16)
        for used_name in names:
            file = templates.get(used_name)
            digest.update(f"{used_name}\0".encode() + (file.data if file else b"-") + b"\0")
        fixed[f"template:{name}"] = digest.hexdigest() if used is not None else every
    for name, file in assembled.theme.static.items():
        fixed[f"static:{name}"] = stage.digest(file.data)
    versions = graph.versions(assembled.site, fixed)
    return [graph.signature(page, versions) for page in assembled.pages]


def _survey(output: Path, state: OutputState, options: BuildOptions) -> outputdir.Survey:
    """The files of others in the output folder (none in serve's folder of its own)."""
    if options.own_output:
        return outputdir.Survey()
    known = None
    record = state.folders() if state.live is not None else None
    if state.live is not None and record is not None:
        known = outputdir.Known(frozenset(state.live), *record)
    return outputdir.survey(output, options.force, known)


def _record_or_warn(session: Session, record: Callable[[], None]) -> None:
    try:
        record()
    except (sqlite3.Error, OSError) as exc:
        # The site is published; a record that cannot be saved only slows the next build.
        session.warnings.append(f"cannot write the build cache: {exc}")


def _open_stage(
    output: Path, state: OutputState, options: BuildOptions, foreign: frozenset[OutputPath]
) -> stage.Stage:
    live = {f: d for f, (_, d) in state.live.items()} if state.live is not None else None
    try:
        return stage.Stage(output, live, state.staged if options.use_cache else None, foreign)
    except OSError as exc:
        raise _write_failed(output, exc) from None


def rehearse(assembled: Assembled, jobs: int) -> None:
    """Render every page and write none: ``briefing check`` finds template errors too."""
    every = list(range(len(assembled.pages)))
    render_pages(assembled, every, lambda _, data: "", jobs, make_environment(assembled.theme))


def render_pages(
    assembled: Assembled,
    todo: list[int],
    write: Callable[[OutputPath, bytes], str],
    jobs: int,
    env: jinja2.Environment,
) -> dict[int, str]:
    """Render the pages at ``todo`` and ``write`` each; the digests it gives, by page index.

    Each worker writes the pages it renders itself, so no process holds more than
    one page at a time. Raise BuildFailed with every template error.
    """
    pages = assembled.pages
    if not todo:
        return {}
    for name in {name for number in todo for name in _templates(pages[number])}:
        try:
            env.get_template(str(name))  # compiled once here, not once per worker
        except Exception:  # noqa: BLE001, S112 - reported when a page uses it
            continue

    def shard(index: int, count: int) -> tuple[list[tuple[int, str]], list[SiteError]]:
        renderer = Renderer(env, assembled.theme)
        done = []
        for number in todo[index::count]:
            page = pages[number]
            if page.template is None:
                data: bytes | None = _made(page, renderer)
            else:
                data = renderer.render(page.template, page.origin, page.make)
            if data is not None:
                done.append((number, write(page.file, data)))
        return done, renderer.errors

    # The model lives as long as the build: the collector need not scan it for each page.
    gc.freeze()
    try:
        parts = workers.sharded(shard, jobs) if workers.usable(jobs, len(todo)) else [shard(0, 1)]
    finally:
        gc.unfreeze()
    errors = first_of_each(error for _, part_errors in parts for error in part_errors)
    if errors:
        raise BuildFailed(errors)
    return {number: digest for done, _ in parts for number, digest in done}


def _templates(page: Page) -> tuple[str, ...]:
    """The theme templates a page is rendered from."""
    return (page.template, *page.uses) if page.template else page.uses


def _made(page: Page, renderer: Renderer) -> bytes | None:
    """The bytes of a page made in Python; a file copied from content may be unreadable."""
    try:
        if page.uses:
            origin = page.origin
            data: bytes | None = page.make(
                lambda template, context: renderer.render(template, origin, context)
            )
        else:
            data = page.make()
    except SiteError as exc:
        if exc.path is None:
            exc = SiteError(exc.message, path=page.origin, hint=exc.hint)
        renderer.errors.append(exc)
        return None
    return data


def _write_failed(output: Path, exc: OSError) -> BuildFailed:
    return BuildFailed(
        [
            OutputError(
                f"cannot write the site: {exc}; the published site in {output} was not changed",
                hint="free some disk space or fix the folder's permissions, then build again",
            )
        ]
    )


def _publish(
    staging: stage.Stage,
    written: dict[OutputPath, tuple[str, str]],
    log: OutputLog | MemoryLog,
    settings: str,
    summary: dict[str, Any],
    remake: Callable[[list[OutputPath]], None],
) -> None:
    """Complete the staging folder, record it, and swap it in: the one step readers see."""
    manifest = {file: digest for file, (_, digest) in written.items()}
    try:
        try:
            staging.complete(manifest)
        except stage.Unpublished as unpublished:
            remake(unpublished.files)
            staging.complete(manifest)
        expect = stage.folder_id(staging.dir)
        log.record_pending(written, expect or "", settings, summary, staging.live_known)
        staging.swap()
    except OSError as exc:
        raise _write_failed(staging.output, exc) from None
    log.settle(stage.folder_id(staging.output), stage.folder_id(staging.dir))


def _summary(assembled: Assembled, site_dir: Path) -> dict[str, Any]:
    """What a later build that finds nothing changed reports, and when its output expires."""
    site = assembled.site
    return {
        "items": len(site.items),
        "tags": len(site.tags),
        "editions": len(site.editions),
        "edition_dates": [e.date.isoformat() for e in site.editions],
        "drafts_left_out": assembled.drafts_left_out,
        "scheduled": [
            [Path(s.path).relative_to(site_dir).as_posix(), s.date.isoformat()]
            for s in assembled.scheduled
        ],
        "due_from": assembled.due_from.isoformat() if assembled.due_from else None,
        "due_until": assembled.due_until.isoformat() if assembled.due_until else None,
        "warnings": [str(w) for w in assembled.warnings],
        "search": assembled.search_key,
    }


def _save(session: Session, inputs: Inputs, assembled: Assembled) -> None:
    """Keep this build's files as seen and their records for the next build."""
    seen = inputs.discovery.seen
    keys = {s.key for s in seen.values()}
    session.parsed = {k: p for k, p in session.parsed.items() if k in keys}
    session.seen = seen
    if session.items is None:
        return
    try:
        session.items.save(session.context, seen, session.parsed, session.items.keys())
    except (sqlite3.Error, OSError) as exc:
        # The site is published; a cache that cannot be saved only slows the next build.
        session.warnings.append(f"cannot write the build cache: {exc}")
