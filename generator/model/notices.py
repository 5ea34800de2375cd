"""Corrections carried forward: each edition lists, at its foot and in its email, the
corrections and withdrawals made since the edition before it, as Espresso and Axios do.
A reader of today's edition learns of yesterday's mistakes without finding the items."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Sequence

from generator.model.records import Edition, Item, Notice


def with_notices(
    editions: Sequence[Edition], items: Sequence[Item], withdrawn: Sequence[Item]
) -> tuple[Edition, ...]:
    """``editions`` (oldest first), each with the notices dated after the editions before
    it were published and no later than itself; later ones wait for the next edition."""
    notices = [Notice(c.date, c.text, item) for item in items for c in item.corrections]
    notices += [Notice(i.withdrawn.date, i.withdrawn.reason, i, withdrawal=True)
                for i in withdrawn if i.withdrawn]  # fmt: skip
    if not notices:
        return tuple(editions)
    notices.sort(key=lambda n: (n.date.timestamp(), n.item.url))
    moments = [notice.date.timestamp() for notice in notices]
    result = []
    since = float("-inf")
    for edition in editions:
        # Editions by date: a late item can date one after the next, so the windows
        # follow the latest publication so far and never overlap.
        until = max(since, edition.published.timestamp())
        start, end = bisect_right(moments, since), bisect_right(moments, until)
        result.append(dataclasses.replace(edition, notices=tuple(notices[start:end])))
        since = until
    return tuple(result)
