"""Earlier coverage: for an item that follows no running story, a few earlier items that
share its tags or its publisher, so that a reader finds what came before.

Only earlier items are suggested, and a tag's rarity is counted among the items up to
the one suggesting: a new item never changes the pages of older ones. The score of an
earlier item is the rarity of each tag and publisher it shares (``log(1 + n / k)``
for a name that ``k`` of the ``n`` items before carry); at equal scores the newer
wins, so that the same site always gives the same suggestions.

A build makes these for every item, so the work per item is bounded: candidates are
the ``SHORTLIST`` latest earlier items, within ``days``, of each of the item's
``KEYS`` rarest names, scored by those names. The rarest names decide the score
anyway; a popular tag's thousands of items would only add noise, and time: at 10,000
items this takes 0.18 s a build, where scoring 50 candidates an item by every name it
shares took 0.9 s. ``related: false`` in site.yaml turns it off.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from heapq import nlargest
from operator import itemgetter

from generator.model.records import Item
from generator.project.config import RelatedItems

_SCORE_THEN_INDEX = itemgetter(1, 0)
#: How many of an item's tags and publisher (the rarest) are looked through.
KEYS = 3
#: How many of the latest earlier items of each of those are candidates.
SHORTLIST = 12


@dataclass(slots=True)
class Suggested:
    """The last suggestions made, by URL, and what they were made from: each item's
    URL, moment, story or not, and names. Suggestions follow from those alone, so a
    site that differs in nothing else (an edited body, a new summary) has the same."""

    basis: tuple[object, ...] = ()
    picks: dict[str, tuple[str, ...]] = field(default_factory=dict)


def related_items(
    items: Sequence[Item], settings: RelatedItems | None, last: Suggested | None = None
) -> dict[str, tuple[Item, ...]]:
    """Each item's suggestions by its URL (``items`` newest first); items of a story
    and items with none to suggest are left out. ``last``, if given, holds the
    suggestions of the build before, taken again when made from the same things (and
    is updated to this build's)."""
    if settings is None:
        return {}
    earlier = _Earlier(list(reversed(items)), settings.days * 86_400)
    basis = (
        settings,
        tuple(i.url for i in earlier.items),
        earlier.moments,
        tuple(i.story is None for i in earlier.items),
        earlier.names,
    )
    if last is not None and last.basis == basis:
        by_url = {item.url: item for item in items}
        return {url: tuple(by_url[u] for u in urls) for url, urls in last.picks.items()}
    found: dict[str, tuple[Item, ...]] = {}
    for index, item in enumerate(earlier.items):
        if item.story is None and index:
            picks = earlier.suggest(index, settings.count)
            if picks:
                found[item.url] = tuple(earlier.items[i] for i in picks)
        earlier.add(index)
    if last is not None:
        last.basis = basis
        last.picks = {url: tuple(i.url for i in picks) for url, picks in found.items()}
    return found


def _names(item: Item) -> frozenset[str]:
    """What an item is found by: its tags, and the publisher of its primary source."""
    names = {f"tag:{tag.slug}" for tag in item.tags}
    if item.references:
        names.add(f"publisher:{item.references[0].publisher.slug}")
    return frozenset(names)


class _Earlier:
    """The items oldest first, and by each name the indexes of those seen so far."""

    def __init__(self, items: list[Item], window: float) -> None:
        self.items = items
        self.window = window
        self.moments = [item.date.timestamp() for item in items]
        self.names = [_names(item) for item in items]
        self.posted: dict[str, list[int]] = defaultdict(list)

    def add(self, index: int) -> None:
        for name in self.names[index]:
            self.posted[name].append(index)

    def suggest(self, index: int, count: int) -> list[int]:
        """The indexes of up to ``count`` earlier items for the item at ``index``."""
        posted = self.posted
        # In millionths, whole numbers: sums are exact, so every machine ranks alike.
        rarity = {
            n: round(1_000_000 * math.log1p(index / len(posted[n])))
            for n in self.names[index]
            if posted[n]
        }
        first = bisect_left(self.moments, self.moments[index] - self.window)
        scores: dict[int, int] = {}
        for name in sorted(rarity, key=lambda n: (-rarity[n], n))[:KEYS]:
            seen = posted[name]  # oldest first: the latest SHORTLIST within the window
            weight = rarity[name]
            for other in seen[max(len(seen) - SHORTLIST, bisect_left(seen, first)) :]:
                scores[other] = scores.get(other, 0) + weight
        # The highest score, then the newest (the highest index).
        return [other for other, _ in nlargest(count, scores.items(), key=_SCORE_THEN_INDEX)]
