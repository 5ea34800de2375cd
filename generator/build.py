"""The build recipe: every stage, top to bottom.

:func:`assemble` renders the whole site in memory; :func:`build` then writes it.
``briefing check`` runs :func:`assemble` alone, so it reports exactly the errors a
build would, without touching the output folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from generator import cache, content, workers
from generator.collect import collect_site
from generator.config import CONFIG_FILE, load_config
from generator.discovery import github_pages_files, render_robots, render_sitemap
from generator.errors import BuildFailed, ConfigError, ErrorLog
from generator.feeds import render_feeds
from generator.models import Document, EditionNote, Rendered, Site
from generator.output import check_output_dir, write_site
from generator.sources import discover
from generator.theme import Theme, find_theme, static_files
from generator.views import Views

OUTPUT_DIR = "_site"
CONTENT_DIR = "content"
#: Editors' files for editions live in content/editions/<date>.md.
EDITIONS_DIR = "editions"


@dataclass
class Memory:
    """What a long-lived process (``serve``) keeps between builds instead of the cache files.

    Reading and writing the cache files costs seconds on a large site; a process
    that builds again and again keeps the same data in memory.
    """

    key: str = ""
    items: cache.BuildCache | None = None
    #: Page digests of the pages now in the output folder.
    pages: dict[PurePosixPath, str] = field(default_factory=dict)
    #: Every file now in the output folder, so that it need not be surveyed again.
    written: frozenset[PurePosixPath] = frozenset()


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
    #: Processes for Markdown and templates; 1 renders everything in this process.
    jobs: int = 1
    #: Reuse parsed and rendered items from the last build (``--clean`` turns it off).
    use_cache: bool = True
    #: Where the build cache lives; defaults to ``site_dir/.briefing-cache``.
    cache: Path | None = None
    #: Keep the cache in this object instead of files (``serve``); None uses the files.
    memory: Memory | None = None
    #: Called with each stage's name as it starts, for progress display.
    progress: Callable[[str], None] | None = None

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


@dataclass(frozen=True, slots=True)
class Assembled:
    """A site rendered in memory, not yet written."""

    site: Site
    #: Files to write, by output path.
    files: dict[PurePosixPath, bytes]
    #: Pages whose inputs did not change since they were written: left as they are.
    kept: frozenset[PurePosixPath]
    #: Digest of every page's inputs, for the next build.
    digests: dict[PurePosixPath, str]
    #: Every parsed item, published or not, for checks that need file positions.
    documents: tuple[Document, ...]
    drafts_left_out: int
    #: Items left out because they are not due yet, soonest first.
    scheduled: tuple[Scheduled, ...]
    stages: dict[str, float]
    #: What the next build can reuse: every rendered item of this one.
    cache: cache.BuildCache


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line and the benchmarks."""

    items: int
    tags: int
    editions: int
    files: int
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
    #: Seconds spent in each stage, in pipeline order.
    stages: dict[str, float] = field(default_factory=dict)


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


def assemble(
    options: BuildOptions,
    pages_known: Callable[[str], Mapping[PurePosixPath, str]] | None = None,
) -> Assembled:
    """Read, check and render the whole site in memory; raise BuildFailed listing every problem.

    ``pages_known(cache_key)`` gives the page digests of the files on disk from the
    last build made with that key; those pages are not rendered again but listed in
    ``Assembled.kept``.
    """
    clock = _Clock(options.progress)
    errors = ErrorLog()
    now = options.now or datetime.now(UTC)

    with clock.stage("config"):
        config = load_config(options.site_dir)
        try:
            theme = find_theme(options.site_dir, config.theme)
        except ConfigError as exc:
            raise BuildFailed([exc]) from None

    with clock.stage("read"):
        sources, read_errors = discover(options.site_dir / CONTENT_DIR)
        errors.extend(read_errors)
        store = _open_cache(options, theme)

    with clock.stage("parse"):
        documents: list[Document] = []
        notes: list[EditionNote] = []
        cached: dict[str, Rendered] = {}  # by document path: from the cache, then all
        keys: dict[str, str] = {}  # cache key by document path
        unfinished_drafts = 0
        for source in sources:
            try:
                if source.rel.parts[0] == EDITIONS_DIR:
                    notes.append(content.parse_edition(source))
                    continue
                key = cache.source_key(source.path, source.text)
                hit = store.get(key)
                if hit is not None:
                    doc, cached[source.path] = hit
                else:
                    doc = content.parse(source, config.timezone)
                documents.append(doc)
                keys[doc.path] = key
            except content.IncompleteDraft as draft:
                if options.drafts:
                    errors.extend(draft.errors)
                unfinished_drafts += 1
            except BuildFailed as failed:
                errors.extend(failed.errors)
        drafts_left_out = unfinished_drafts + sum(
            1 for doc in documents if doc.meta.draft and not options.drafts
        )
        due = [doc for doc in documents if options.drafts or not doc.meta.draft]
        scheduled = sorted(
            (Scheduled(doc.path, doc.meta.date) for doc in due if doc.meta.date > now),
            key=lambda s: (s.date, s.path),
        )
        if not options.future:
            due = [doc for doc in due if doc.meta.date <= now]

    with clock.stage("markdown"):
        fresh = [doc for doc in due if doc.path not in cached]
        reused = len(due) - len(fresh)
        rendered = workers.render_markdown(
            [(doc.body, doc.body_line) for doc in fresh]
            + [(note.body, note.body_line) for note in notes],
            config,
            options.jobs,
        )
        cached.update((doc.path, r) for doc, r in zip(fresh, rendered, strict=False))
        pairs = [(doc, cached[doc.path]) for doc in due]
        intros = list(zip(notes, rendered[len(fresh) :], strict=True))

    with clock.stage("collect"):
        site, collisions = collect_site(config, pairs, intros)
        errors.extend(collisions)
    errors.raise_if_any()

    with clock.stage("templates"):
        known = pages_known(store.key) if pages_known and options.use_cache else {}
        output = workers.render_pages(site, theme, options.jobs, known)
    with clock.stage("feeds"):
        for path, data in render_feeds(site, Views(site)).items():
            output.add(path, data, "the feeds")
    with clock.stage("discovery"):
        for path, data in github_pages_files(config).items():
            output.add(path, data, "GitHub Pages settings")
        output.add(PurePosixPath("robots.txt"), render_robots(config), "robots.txt")
        output.add(
            PurePosixPath("sitemap.xml"),
            render_sitemap(config, [*output.files, *output.kept]),
            "the sitemap",
        )
    with clock.stage("static"):
        for name, file in static_files(theme).items():
            output.add(PurePosixPath("assets", name), file.read_bytes(), str(file))
    errors.extend(output.errors)
    errors.raise_if_any()

    return Assembled(
        cache=cache.BuildCache(
            store.key,
            {keys[doc.path]: (doc, r) for doc, r in pairs},
            discarded=store.discarded,
            hits=reused,
        ),
        site=site,
        files=output.files,
        kept=frozenset(output.kept),
        digests=output.digests,
        documents=tuple(documents),
        drafts_left_out=drafts_left_out,
        scheduled=tuple(scheduled) if not options.future else (),
        stages=clock.stages,
    )


def build(options: BuildOptions) -> BuildReport:
    """Build the site in ``options.site_dir`` and write it; raise BuildFailed on any problem."""
    started = time.perf_counter()
    check_output_dir(options.output_dir, options.site_dir)
    cache_dir = options.cache_dir
    warnings: list[str] = []
    known: dict[PurePosixPath, str] = {}
    memory = options.memory

    def pages_known(key: str) -> dict[PurePosixPath, str]:
        nonlocal known
        if memory is not None:
            known = memory.pages if memory.key == key else {}
        else:
            known, damaged = cache.load_pages(cache_dir, key, options.output_dir.resolve())
            warnings.extend([damaged] if damaged else [])
        return known

    assembled = assemble(options, pages_known)
    write_started = time.perf_counter()
    if options.progress:
        options.progress("write")
    previous = memory.written if memory is not None and memory.items is not None else None
    report = write_site(options.output_dir, assembled.files, assembled.kept, previous)
    cache_started = time.perf_counter()
    if memory is not None:
        memory.key, memory.items, memory.pages = (
            assembled.cache.key,
            assembled.cache,
            assembled.digests,
        )
        memory.written = frozenset(assembled.files) | assembled.kept
    else:
        try:
            # Rewriting the cache costs as much as reading it: only when something changed.
            if assembled.cache.hits != len(assembled.cache.entries) or not options.use_cache:
                cache.save(cache_dir, assembled.cache.key, assembled.cache.entries)
            if report.written or report.removed or assembled.digests != known:
                cache.save_pages(
                    cache_dir, assembled.cache.key, options.output_dir.resolve(), assembled.digests
                )
        except OSError as exc:
            # The site is written; a cache that cannot be saved only makes the next build
            # slower.
            warnings.append(f"cannot write the build cache in {cache_dir}: {exc}")
    stages = {
        **assembled.stages,
        "write": cache_started - write_started,
        "cache": time.perf_counter() - cache_started,
    }
    site = assembled.site
    return BuildReport(
        items=len(site.items),
        tags=len(site.tags),
        editions=len(site.editions),
        files=len(assembled.files) + len(assembled.kept),
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        drafts_left_out=assembled.drafts_left_out,
        scheduled=assembled.scheduled,
        cached=assembled.cache.hits,
        warnings=tuple(warnings)
        + ((assembled.cache.discarded,) if assembled.cache.discarded else ()),
        seconds=time.perf_counter() - started,
        stages=stages,
    )


def _cache_key(options: BuildOptions, theme: Theme) -> str:
    """Changes with site.yaml, any theme file, or briefing itself."""
    theme_files = {
        f"{index}/{file.relative_to(folder).as_posix()}": file.read_bytes()
        for index, folder in enumerate((*theme.template_dirs, *theme.static_dirs))
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }
    return cache.site_key((options.site_dir / CONFIG_FILE).read_bytes(), theme_files)


def _open_cache(options: BuildOptions, theme: Theme) -> cache.BuildCache:
    """Last build's items if site.yaml, the theme and briefing are unchanged; else nothing."""
    key = _cache_key(options, theme)
    if not options.use_cache:
        return cache.BuildCache(key)
    memory = options.memory
    if memory is not None and memory.items is not None:
        found = memory.items if memory.key == key else None
        return cache.BuildCache(key, dict(found.entries)) if found else cache.BuildCache(key)
    # A first build, even in serve, starts from the files of the last `briefing build`.
    return cache.load(options.cache_dir, key)
