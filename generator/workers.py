"""Share CPU-bound stages across processes: Markdown and templates.

Workers are forked, so they inherit the site model, the theme and the Jinja
environment as they are in memory; only a shard number goes in and only the
results come back. Output is identical to a single-process build: shards are
merged in order, and nothing a worker makes depends on which worker made it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any, TypeVar

from generator import markup
from generator.config import SiteConfig
from generator.models import Rendered, Site
from generator.render import Output, render_site
from generator.theme import Theme

T = TypeVar("T")

#: Below this many items a pool costs more than it saves.
MIN_ITEMS = 400

_task: Callable[[int, int], Any] | None = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def usable(jobs: int, items: int) -> bool:
    """Whether to fork: more than one job, enough work, and a platform that forks."""
    return jobs > 1 and items >= MIN_ITEMS and "fork" in multiprocessing.get_all_start_methods()


def _run(shard: tuple[int, int]) -> Any:
    assert _task is not None
    return _task(*shard)


def sharded(task: Callable[[int, int], T], jobs: int) -> list[T]:
    """``task(i, jobs)`` for every shard i, each in a forked process, results in shard order."""
    global _task
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_run, [(i, jobs) for i in range(jobs)])
    finally:
        _task = None


def render_markdown(
    bodies: Sequence[tuple[str, int]], config: SiteConfig, jobs: int
) -> list[Rendered]:
    """Each (body, first line) rendered to HTML, in order."""

    def shard(index: int, count: int) -> list[Rendered]:
        return [
            markup.render(body, body_line=line, raw_html=config.raw_html)
            for body, line in bodies[index::count]
        ]

    if not usable(jobs, len(bodies)):
        return shard(0, 1)
    parts = sharded(shard, jobs)
    result: list[Rendered] = [None] * len(bodies)  # type: ignore[list-item]
    for index, part in enumerate(parts):
        result[index::jobs] = part
    return result


def render_pages(
    site: Site, theme: Theme, jobs: int, known: Mapping[PurePosixPath, str] | None = None
) -> Output:
    """Every page of the site, rendered by ``jobs`` processes and merged in order.

    Pages whose digest is in ``known`` are kept as they are on disk, not rendered.
    """
    if not usable(jobs, len(site.items)):
        return render_site(site, theme, known=known)
    merged = Output()
    for part in sharded(lambda i, n: render_site(site, theme, shard=(i, n), known=known), jobs):
        for error in part.errors:
            merged.report(error)
        for path, data in part.files.items():
            merged.add(path, data, part.origin[path])
        merged.kept |= part.kept
        merged.digests.update(part.digests)
    return merged
