"""The search index in parts: which part holds each searchable page.

Pagefind makes an index whole, in one process whose time and memory grow with the
pages it holds (1.75 GB and 16-30 s at 10,000 items). So the index is made in
parts, each a Pagefind index of its own, which the reader's browser searches as
one (``mergeIndex`` in pagefind.js). An edit re-indexes the part that holds the
page, and a part whose pages did not change keeps its files.

A page's part follows from the calendar and the site's content, never from the
build's history: a year is one part while it holds few enough pages, else its
quarters are; a quarter too full splits into months, a month into thirds (days
1-10, 11-20, 21 to the end), a third into days. Standalone pages (About) make a
part of their own. The same pages give the same parts, whatever edits led to them.

How many pages are too many is a trade between the editor and the reader. A part
costs the build about 1.7 ms of Pagefind's time and 0.19 MiB of its memory per
page; every part costs the reader's first query its entry and metadata, and each
word searched one chunk of each part (15-20 KiB, whatever the part's size). So
the periods that hold the site's newest day, where nearly every edit lands, are
split at ``RECENT`` pages (a part made in under a second); the archive, which
changes rarely, at ``ARCHIVE``, so that a query fetches a few parts, not dozens.
When the newest day moves on to a new period, the last one's small parts merge
into an archive part, once. At 10,000 items over two years (the shared benchmark
corpus), that is the newest month in thirds, the rest of its quarter in months and
the rest in quarters: 12 parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

#: The most pages of a part in the periods that hold the newest day (unless a single
#: day holds more). At 10,000 items the newest month (415 pages) is then three parts
#: of about 140, and an edit's search stage takes 0.45 s rather than 0.86 s; the
#: reader pays two parts more, 6% more bytes for a first query (663 KiB, not 625).
RECENT = 200
#: The most pages of an archive part: 1,500 take Pagefind about 2.5 s and 280 MiB,
#: and make a query at 10,000 items fetch 8 chunks a word rather than 24.
ARCHIVE = 1500

#: The part of the pages with no date: standalone pages.
PAGES = "pages"


class Dated(Protocol):
    """A searchable page as parts see it: its edition's day (None: a standalone page)."""

    @property
    def day(self) -> dt.date | None: ...


Page = TypeVar("Page", bound=Dated)


@dataclass(frozen=True, slots=True)
class SearchPart(Generic[Page]):
    """Some of the site's searchable pages, indexed together: their entries while the
    build decides which parts to make, their documents when a part is made."""

    #: The part's folder under the search bundle: ``2025``, ``2025-q3``, ``2025-07``,
    #: ``2025-07-t2``, ``2025-07-14`` or ``pages``.
    name: str
    pages: tuple[Page, ...]


@dataclass(frozen=True, slots=True)
class _Period:
    """One way to cut the calendar: a period's name and its first day, for a day."""

    name: Callable[[dt.date], str]
    start: Callable[[dt.date], dt.date]


def _third(day: dt.date) -> int:
    return min((day.day - 1) // 10, 2)


PERIODS = (
    _Period(lambda d: f"{d.year:04}", lambda d: dt.date(d.year, 1, 1)),
    _Period(
        lambda d: f"{d.year:04}-q{(d.month - 1) // 3 + 1}",
        lambda d: dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1),
    ),
    _Period(lambda d: f"{d.year:04}-{d.month:02}", lambda d: dt.date(d.year, d.month, 1)),
    _Period(
        lambda d: f"{d.year:04}-{d.month:02}-t{_third(d) + 1}",
        lambda d: dt.date(d.year, d.month, _third(d) * 10 + 1),
    ),
    _Period(lambda d: d.isoformat(), lambda d: d),
)


def search_parts(
    pages: Sequence[Page], recent: int = RECENT, archive: int = ARCHIVE
) -> list[SearchPart[Page]]:
    """The pages in parts, newest part first and standalone pages last; each part
    keeps the pages in the order given."""
    dated = [d for d in pages if d.day is not None]
    newest = max((d.day for d in dated if d.day is not None), default=None)
    parts = _split(dated, 0, _Limits(newest, recent, archive))
    parts.sort(key=lambda found: found[0], reverse=True)
    named = [part for _, part in parts]
    undated = tuple(d for d in pages if d.day is None)
    if undated:
        named.append(SearchPart(PAGES, undated))
    return named


@dataclass(frozen=True, slots=True)
class _Limits:
    newest: dt.date | None
    recent: int
    archive: int

    def of(self, period: _Period, name: str) -> int:
        """The limit of the period called ``name``: the recent one if it holds the newest day."""
        holds_newest = self.newest is not None and period.name(self.newest) == name
        return self.recent if holds_newest else self.archive


def _split(
    pages: list[Page], level: int, limits: _Limits
) -> list[tuple[dt.date, SearchPart[Page]]]:
    period = PERIODS[level]
    groups: dict[str, list[Page]] = {}
    starts: dict[str, dt.date] = {}
    for page in pages:
        day = page.day
        assert day is not None
        name = period.name(day)
        groups.setdefault(name, []).append(page)
        starts.setdefault(name, period.start(day))
    found: list[tuple[dt.date, SearchPart[Page]]] = []
    for name, group in groups.items():
        if len(group) <= limits.of(period, name) or level == len(PERIODS) - 1:
            found.append((starts[name], SearchPart(name, tuple(group))))
        else:
            found += _split(group, level + 1, limits)
    return found
