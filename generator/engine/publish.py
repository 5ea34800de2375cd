"""Render the pages that changed and publish them: each page's signature, the staging
folder beside the output, and the swap that makes the new site the published one."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from generator.engine import outputdir, stage, workers
from generator.engine.options import BuildOptions
from generator.engine.state import Assembled
from generator.engine.store import (
    MemoryLog,
    OutputLog,
    OutputState,
)
from generator.errors import (
    BuildFailed,
    OutputError,
    SiteError,
)
from generator.plan import graph
from generator.plan.manifest import digest
from generator.plan.page import Page
from generator.render.templates import (
    Renderer,
    first_of_each,
    make_environment,
    template_uses,
)
from generator.text.urls import OutputPath


def page_signatures(assembled: Assembled, key: str) -> list[str]:
    """Every page's signature, in plan order; ``key`` stands for briefing's own code.
    The digests of the site model's inputs are the assembled ones (``versions``)."""
    templates = assembled.theme.templates
    texts = {name: file.data.decode("utf-8", "replace") for name, file in templates.items()}
    site = hashlib.blake2b(key.encode() + b"\0" + assembled.config_bytes, digest_size=16)
    preview = assembled.site.preview
    if preview is not None:  # every page's <head> shows its size, which site.yaml does not say
        site.update(f"\0{preview.width}x{preview.height}".encode())
    # A body's <img> of a static picture shows its size: rare to change, so any change
    # re-renders every page rather than tracking which bodies link which picture.
    for name, (width, height) in sorted(assembled.site.static_pictures.items()):
        site.update(f"\0{name}\1{width}x{height}".encode())
    # Every page shows the theme's words in its language, which come from the theme's
    # tables (site.yaml's bytes above say the rest): a table edited re-renders them.
    for one in assembled.site.every_language:
        words = json.dumps(dict(one.language.words), sort_keys=True, default=dict)
        site.update(f"\0{one.language.code}\0{words}".encode())
    fixed = {"site": site.hexdigest()}
    every = hashlib.blake2b(b"".join(f.data for f in templates.values())).hexdigest()
    for name in {name for page in assembled.pages for name in _templates(page)}:
        used = template_uses(texts, name)
        names = sorted(used) if used is not None else sorted(templates)
        uses = hashlib.blake2b(digest_size=16)
        for used_name in names:
            file = templates.get(used_name)
            uses.update(f"{used_name}\0".encode() + (file.data if file else b"-") + b"\0")
        fixed[f"template:{name}"] = uses.hexdigest() if used is not None else every
    for name, file in assembled.theme.static.items():
        fixed[f"static:{name}"] = digest(file.data)
    versions = {**fixed, **(assembled.versions or graph.versions(assembled.site))}
    return [graph.signature(page, versions) for page in assembled.pages]


def survey_output(output: Path, state: OutputState, options: BuildOptions) -> outputdir.Survey:
    """The files of others in the output folder (none in serve's folder of its own)."""
    if options.own_output:
        return outputdir.Survey()
    known = None
    record = state.folders() if state.live is not None else None
    if state.live is not None and record is not None:
        known = outputdir.Known(frozenset(state.live), *record)
    return outputdir.survey(output, options.force, known)


def open_stage(
    output: Path, state: OutputState, options: BuildOptions, foreign: frozenset[OutputPath]
) -> stage.Stage:
    live = {f: d for f, (_, d) in state.live.items()} if state.live is not None else None
    try:
        return stage.Stage(output, live, state.staged if options.use_cache else None, foreign)
    except OSError as exc:
        raise write_failed(output, exc) from None


def rehearse(assembled: Assembled, jobs: int) -> None:
    """Render every page and write none: ``briefing check`` finds template errors too."""
    every = list(range(len(assembled.pages)))
    # The model lives as long as the check: the collector need not scan it for each page.
    gc.freeze()
    try:
        render_pages(assembled, every, lambda _, data: "", jobs, make_environment(assembled.theme))
    finally:
        gc.unfreeze()


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

    # The caller froze the model (gc.freeze): the collector does not scan it for each page.
    parts = workers.sharded(shard, jobs) if workers.usable(jobs, len(todo)) else [shard(0, 1)]
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


def write_failed(output: Path, exc: OSError) -> BuildFailed:
    return BuildFailed(
        [
            OutputError(
                f"cannot write the site: {exc}; the published site in {output} was not changed",
                hint="free some disk space or fix the folder's permissions, then build again",
            )
        ]
    )


def publish(
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
        raise write_failed(staging.output, exc) from None
    log.settle(stage.folder_id(staging.output), stage.folder_id(staging.dir))


def summary_of(assembled: Assembled, site_dir: Path) -> dict[str, Any]:
    """What a later build that finds nothing changed reports, and when its output expires."""
    site = assembled.site
    every = site.every_language
    return {
        "items": sum(len(one.items) for one in every),
        "tags": sum(len(one.tags) for one in every),
        "editions": sum(len(one.editions) for one in every),
        "edition_dates": [e.date.isoformat() for e in site.editions],
        "language_dates": {
            one.language.code: [e.date.isoformat() for e in one.editions] for one in site.languages
        },
        "drafts_left_out": assembled.drafts_left_out,
        "scheduled": [
            [Path(s.path).relative_to(site_dir).as_posix(), s.date.isoformat()]
            for s in assembled.scheduled
        ],
        "due_from": assembled.due_from.isoformat() if assembled.due_from else None,
        "due_until": assembled.due_until.isoformat() if assembled.due_until else None,
        "warnings": [str(w) for w in assembled.warnings],
        "search_parts": dict(assembled.search_parts or {}),
    }
