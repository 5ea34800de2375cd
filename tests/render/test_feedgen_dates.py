"""What briefing relies on in feedgen beyond its API (generator/render/feedgen_dates.py):
two private attributes that hold the feed's dates. A feedgen that renames them fails
here, not in a feed that suddenly carries the time it was built."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from generator.render.feedgen_dates import leave_out_dates, set_atom_updated


def feed() -> FeedGenerator:
    made = FeedGenerator()
    made.id("https://example.org/")
    made.title("T")
    made.description("D")
    made.link(href="https://example.org/", rel="alternate")
    return made


def test_the_private_attributes_exist_on_a_new_feed() -> None:
    made = feed()
    assert hasattr(made, "_FeedGenerator__rss_lastBuildDate")
    assert hasattr(made, "_FeedGenerator__atom_updated")


def test_left_out_dates_leave_rss_without_a_build_date() -> None:
    made = feed()
    assert b"<lastBuildDate>" in made.rss_str()  # feedgen's own default: now
    leave_out_dates(made)
    assert b"<lastBuildDate>" not in made.rss_str()


def test_atom_updated_is_the_one_given() -> None:
    made = feed()
    set_atom_updated(made, datetime(1970, 1, 1, tzinfo=UTC))
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in made.atom_str()
