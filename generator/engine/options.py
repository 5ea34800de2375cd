"""What a build is asked to do: its options, the folders of a site it reads, the items it
leaves for later, and the stopwatch of its stages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.engine import cache
from generator.engine.stage import OUTPUT_DIR

CONTENT_DIR = "content"


#: Editors' files for editions live in content/editions/<date>.md.
EDITIONS_DIR = "editions"


#: Standalone pages (About, Subscribe) live in content/pages/<name>.md.
PAGES_DIR = "pages"


#: Editors' files for running stories live in content/stories/<slug>.md.
STORIES_DIR = "stories"


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


class Clock:
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
