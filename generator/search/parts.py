"""The search index in parts: which part holds each searchable page.

Pagefind makes an index whole, in one process whose time and memory grow with the
pages it holds (1.75 GB and 16-30 s at 10,000 items). So the index is made in
parts, each a Pagefind index of its own, which the reader's browser searches as
one (``mergeIndex`` in pagefind.js). An edit re-indexes the part that holds the
page, and a part whose pages did not change keeps its files.

A page's part follows from the calendar and the site's content, never from the
build's history: a year is one part while it holds at most ``LIMIT`` pages, else
its quarters are; a quarter too full splits into months, a month into thirds
(days 1-10, 11-20, 21 to the end), a third into days. A daily briefing of a few
items a day gets a part a quarter or a month; a wire desk's hundred a day, a
part a third of a month. Standalone pages (About) make a part of their own. The
same pages give the same parts, whatever edits led to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.search.documents import SearchDocument

#: The most pages a part holds, unless a single day holds more. Pagefind indexes
#: about 700 pages a second and needs about 100 MiB for 500 (measured with
#: benchmarks/bench.py): a part is made in well under a second, and a reader's query
#: fetches a few parts' chunks, not hundreds.
LIMIT = 500

#: The part of the pages with no date: standalone pages.
PAGES = "pages"


@dataclass(frozen=True, slots=True)
class SearchPart:
    """Some of the site's search documents, indexed together."""

    #: The part's folder under the search bundle: ``2025``, ``2025-q3``, ``2025-07``,
    #: ``2025-07-t2``, ``2025-07-14`` or ``pages``.
    name: str
    documents: tuple[SearchDocument, ...]


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


def search_parts(documents: Sequence[SearchDocument], limit: int = LIMIT) -> list[SearchPart]:
    """The documents in parts, newest part first and standalone pages last; each part
    keeps the documents in the order given."""
    dated = [d for d in documents if d.day is not None]
    parts = _split(dated, 0, limit)
    parts.sort(key=lambda found: found[0], reverse=True)
    named = [part for _, part in parts]
    undated = tuple(d for d in documents if d.day is None)
    if undated:
        named.append(SearchPart(PAGES, undated))
    return named


def _split(
    documents: list[SearchDocument], level: int, limit: int
) -> list[tuple[dt.date, SearchPart]]:
    period = PERIODS[level]
    groups: dict[str, list[SearchDocument]] = {}
    starts: dict[str, dt.date] = {}
    for document in documents:
        day = document.day
        assert day is not None
        name = period.name(day)
        groups.setdefault(name, []).append(document)
        starts.setdefault(name, period.start(day))
    found: list[tuple[dt.date, SearchPart]] = []
    for name, group in groups.items():
        if len(group) <= limit or level == len(PERIODS) - 1:
            found.append((starts[name], SearchPart(name, tuple(group))))
        else:
            found += _split(group, level + 1, limit)
    return found
