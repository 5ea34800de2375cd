"""The feed dates feedgen gives no way to set: its private, name-mangled attributes.

feedgen stamps a feed's <lastBuildDate> and Atom <updated> with the current time
unless told another; briefing's feeds carry no wall-clock time, so a feed with no
entries has no build date, and its Atom <updated> is the epoch. feedgen 1.0 has no
API for either, so they are set here, the one place that knows its private names
(tests/render/test_feedgen_dates.py says what is relied on).
"""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator


def leave_out_dates(feed: FeedGenerator) -> None:
    """No <lastBuildDate> in RSS, and no <updated> in Atom until one is set."""
    feed._FeedGenerator__rss_lastBuildDate = None
    feed._FeedGenerator__atom_updated = None


def set_atom_updated(feed: FeedGenerator, when: datetime) -> None:
    """Atom's <updated>, whatever the entries say (Atom requires one)."""
    feed._FeedGenerator__atom_updated = when
