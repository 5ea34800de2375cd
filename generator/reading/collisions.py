"""Two items that one URL or one feed id would hold, and the ids items get when they
give none: every clash named with both files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from generator.errors import ContentError, SiteError
from generator.model.records import (
    Document,
    Item,
)


def url_collisions(items: Sequence[Item], docs: dict[str, Document]) -> list[SiteError]:
    return _clashes(
        items,
        docs,
        key=lambda item: item.url,
        problem="two items would be written to /{key}",
        field=lambda doc: "slug" if "slug" in doc.value_at else "title",
        hint="give one of them a different `slug:`",
    )


def derived_id(url: str, slug: str, taken: set[str]) -> str:
    """The feed id of an item without an ``id:``: the URL of its first source.

    Neither moves when the title or slug is edited. When several items cite the
    same article first, the oldest keeps the bare URL and each later one adds
    ``#<slug>``, so that adding a follow-up never changes an id already published.
    Called for items oldest first; ``taken`` holds the ids given so far.
    """
    feed_id = url
    if feed_id in taken:
        base, number = f"{url}#{slug}", 1
        feed_id = base
        while feed_id in taken:  # the same slug on another day
            number += 1
            feed_id = f"{base}-{number}"
    taken.add(feed_id)
    return feed_id


def id_collisions(items: Sequence[Item], docs: dict[str, Document]) -> list[SiteError]:
    """Two ``id:`` alike: feed readers would take the two entries for one."""
    return _clashes(
        items,
        docs,
        key=lambda item: item.feed_id,
        problem="two items have the feed id {key}",
        field=lambda doc: "id",
        hint="each `id:` must be unique: feed readers would show only one of them",
    )


def _clashes(
    items: Sequence[Item],
    docs: dict[str, Document],
    *,
    key: Callable[[Item], str],
    problem: str,
    field: Callable[[Document], str],
    hint: str,
) -> list[SiteError]:
    """An error in every file of every group of items that share ``key``, naming the others."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    errors: list[SiteError] = []
    for shared, clash in groups.items():
        if len(clash) < 2:
            continue
        for item in clash:
            doc = docs[item.path]
            where = doc.value_at[field(doc)]
            others = ", ".join(other.path for other in clash if other is not item)
            errors.append(
                ContentError.at(
                    f"{problem.format(key=shared)}: this one and {others}",
                    path=item.path,
                    where=where,
                    hint=hint,
                )
            )
    return errors
