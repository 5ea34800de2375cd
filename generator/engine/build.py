"""The build recipe: every stage, top to bottom.

:func:`build` reads what changed since the last build, parses only those files,
models the site, plans every output file with its inputs, renders only the files
whose inputs changed (writing each into the staging folder as it is rendered),
and swaps the staging folder in. A build where nothing changed stops after the
first stage. :func:`assemble` is the first half alone: ``briefing check`` uses it
to report exactly the errors a build would, without writing anything.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from generator.engine import outputdir, stage
from generator.engine.options import BuildOptions, Clock, Scheduled
from generator.engine.parse import read_inputs
from generator.engine.state import Assembled, Inputs, Session
from generator.engine.store import (
    CacheDamaged,
    OutputState,
)
from generator.errors import plural
from generator.reading.sources import (
    FileSeen,
)
from generator.text.urls import OutputPath


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
    #: The same of each other language than the default, by its tag.
    language_dates: dict[str, tuple[date, ...]] = field(default_factory=dict)
    #: Output files written, changed or removed, for ``serve`` to reload only those pages.
    changed: frozenset[OutputPath] = frozenset()

    def left_out(self, when: bool = False) -> str:
        """What the build left out, for its summary: "3 drafts, 1 scheduled item not due
        yet", with ``when`` " (the first on 2025-08-01 06:00 +03:00)"; or ""."""
        parts = []
        if self.drafts_left_out:
            parts.append(plural(self.drafts_left_out, "draft"))
        if self.scheduled:
            first = self.scheduled[0].date.strftime("%Y-%m-%d %H:%M %z")
            first = f"{first[:-2]}:{first[-2:]}" if first[-5:-4] in "+-" else first
            count = plural(len(self.scheduled), "scheduled item")
            parts.append(f"{count} not due yet" + (f" (the first on {first})" if when else ""))
        return ", ".join(parts)


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
    stage.check_swappable(output)
    with stage.locked(output, options.notify):
        own = session is None
        session = session or Session.from_disk(options)
        try:
            with _model_frozen_until_done():
                return _build(options, session, started, changed)
        finally:
            if own:
                session.close()


def _build(
    options: BuildOptions, session: Session, started: float, changed: Collection[str] | None
) -> BuildReport:
    clock = Clock(options.progress)
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
    return _make(options, session, started, clock, inputs, state, settings, now)


def _make(
    options: BuildOptions,
    session: Session,
    started: float,
    clock: Clock,
    inputs: Inputs,
    state: OutputState,
    settings: str,
    now: datetime,
) -> BuildReport:
    """Model, plan, index, render and publish: the build after its first look found
    something changed. What this needs (templates, Markdown, feeds, search) is imported
    here, not at the top: a build that finds nothing changed never loads it, which was
    0.15 s of its 0.6 s at 10,000 items."""
    from generator.engine import publish as publishing
    from generator.engine.assemble import assemble
    from generator.engine.searchparts import with_search
    from generator.plan import graph
    from generator.plan.attached import picture_keys

    output = options.output_dir
    with clock.stage("read"):
        found = publishing.survey_output(output, state, options)
    with _collector_paused():
        assembled = assemble(options, session, inputs, now, clock)
        with clock.stage("plan"):
            last = session.last
            before = (last.site, last.versions) if last and last.versions else None
            assembled = replace(assembled, versions=graph.versions(assembled.site, before))
        with clock.stage("search"):
            assembled = with_search(options, assembled, state, session.key, session.search_parts)
        site, pages = assembled.site, assembled.pages
        with clock.stage("plan"):
            signatures = publishing.page_signatures(assembled, session.key)
            live = state.live or {}
            todo = graph.stale(pages, signatures, {f: sig for f, (sig, _) in live.items()})
        found.check_plan(output, (page.file for page in pages))
    staging = publishing.open_stage(output, state, options, found.foreign)
    session.log.mark_dirty()
    with clock.stage("render"):
        try:
            env = session.environment(assembled.theme, assembled.theme_digest)
            digests = publishing.render_pages(assembled, todo, staging.write, options.jobs, env)
        except OSError as exc:
            raise publishing.write_failed(output, exc) from None
        staging.staged.update((pages[i].file, digest) for i, digest in digests.items())
    written = {
        page.file: (sig, digests[i] if i in digests else live[page.file][1])
        for i, (page, sig) in enumerate(zip(pages, signatures, strict=True))
    }
    summary = publishing.summary_of(assembled, options.site_dir)

    def remake(files: list[OutputPath]) -> None:
        """Render pages whose published files were changed by hand, rather than link them."""
        wanted = set(files)
        again = [i for i, page in enumerate(pages) if page.file in wanted]
        publishing.render_pages(assembled, again, staging.write, options.jobs, env)
        todo.extend(again)

    with clock.stage("write"):
        try:
            publishing.publish(staging, written, session.log, settings, summary, remake)
        except CacheDamaged as exc:  # found while settling, after the swap: the site is out
            session.warnings.append(f"{exc}; it was discarded, and the next build compares files")
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
    return _report(assembled, written, live, len(todo), session, clock, started)


def _report(
    assembled: Assembled,
    written: Mapping[OutputPath, tuple[str, str]],
    live: Mapping[OutputPath, tuple[str, str]],
    rendered: int,
    session: Session,
    clock: Clock,
    started: float,
) -> BuildReport:
    """What a build that wrote ``written`` over the ``live`` site did."""
    site = assembled.site
    differ = {f for f, (_, d) in written.items() if f not in live or live[f][1] != d}
    removed = {f for f in live if f not in written}
    every = site.every_language
    return BuildReport(
        items=sum(len(one.items) for one in every),
        tags=sum(len(one.tags) for one in every),
        editions=sum(len(one.editions) for one in every),
        edition_dates=tuple(e.date for e in site.editions),
        language_dates={
            one.language.code: tuple(e.date for e in one.editions) for one in site.languages
        },
        files=len(written),
        written=len(differ),
        unchanged=len(written) - len(differ),
        removed=len(removed),
        drafts_left_out=assembled.drafts_left_out,
        scheduled=assembled.scheduled,
        cached=assembled.cached,
        warnings=(*session.warnings, *map(str, assembled.warnings)),
        seconds=time.perf_counter() - started,
        rendered=rendered,
        parsed=sum(len(one.items) for one in every) - assembled.cached,
        stages=clock.stages,
        changed=frozenset(differ | removed),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the model is built, nor of the model after.

    Reading and modelling a site makes hundreds of thousands of long-lived objects
    and no garbage worth collecting; the collector would scan the growing heap over
    and over (a third of an incremental build's time at 10,000 items). Once it is
    built, the model is frozen (moved out of the collector's sight) until the build
    ends, so that rendering's garbage is collected without scanning it again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def _model_frozen_until_done() -> Iterator[None]:
    """Objects frozen by :func:`_collector_paused` are back in the collector's sight
    when the build ends: ``serve`` keeps building, and its old models must go."""
    try:
        yield
    finally:
        gc.unfreeze()


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
    state: OutputState, options: BuildOptions, clock: Clock, started: float, session: Session
) -> BuildReport:
    summary = state.summary
    return BuildReport(
        items=int(summary.get("items", 0)),
        tags=int(summary.get("tags", 0)),
        editions=int(summary.get("editions", 0)),
        edition_dates=tuple(date.fromisoformat(d) for d in summary.get("edition_dates", [])),
        language_dates={
            str(code): tuple(date.fromisoformat(d) for d in dates)
            for code, dates in summary.get("language_dates", {}).items()
        },
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


def _record_or_warn(session: Session, record: Callable[[], None]) -> None:
    try:
        record()
    except (sqlite3.Error, OSError) as exc:
        # The site is published; a record that cannot be saved only slows the next build.
        session.warnings.append(f"cannot write the build cache: {exc}")


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
