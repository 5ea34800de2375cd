"""An edition's running order: which item leads it, and the order of the items in each
section, as the editor set it.

By default the newest item comes first. An item's ``weight:`` (lower first, as in Hugo)
puts it before the items without one; the edition's file can name items in
``order: [slug, slug]``, which come first in that order, whatever their weights. One
item per edition may be its lead (``lead: true``): shown before the sections, larger,
on the page and in the email.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.errors import ContentError, SiteError
from generator.model.records import EditionNote, Item
from generator.text.schema import suggest
from generator.text.yamltext import Position


def running_order(
    items: Sequence[Item],
    note: EditionNote | None,
    errors: list[SiteError],
    lead_at: Mapping[str, Position] | None = None,
) -> tuple[list[Item], Item | None]:
    """The edition's items (given newest first) in the editor's order, and its lead;
    ``lead_at`` gives where each item's file says ``lead:``, by its path."""
    named = _named(items, note, errors)

    def place(item: Item) -> tuple[int, int, int]:
        return (
            named.get(item.slug, len(named)),
            item.weight is None,
            item.weight or 0,
        )

    ordered = sorted(items, key=place)  # stable: newest first among equals
    leads = [item for item in ordered if item.lead]
    for extra in leads[1:]:
        where = (lead_at or {}).get(extra.path)
        errors.append(
            ContentError(
                f"an edition has one lead story, and '{leads[0].title}' ({leads[0].path}) "
                f"leads {extra.edition.isoformat()} already",
                path=extra.path,
                line=where.line if where else None,
                col=where.col if where else None,
                hint="delete `lead: true` from one of the two",
            )
        )
    return ordered, leads[0] if leads else None


def _named(
    items: Sequence[Item], note: EditionNote | None, errors: list[SiteError]
) -> dict[str, int]:
    """The places the edition's file gives items by slug; a slug of no item of the
    edition is an error at ``order:``, with the nearest slug that is one."""
    if note is None or not note.order:
        return {}
    slugs = [item.slug for item in items]
    places: dict[str, int] = {}
    for slug in note.order:
        if slug in slugs:
            places.setdefault(slug, len(places))
            continue
        hint = suggest(slug, slugs) or "write the slugs of this edition's items: " + ", ".join(
            slugs
        )
        errors.append(
            ContentError(
                f"'order' names '{slug}', which is no item of this edition",
                path=note.path,
                line=note.order_at.line if note.order_at else None,
                col=note.order_at.col if note.order_at else None,
                hint=hint,
            )
        )
    return places
