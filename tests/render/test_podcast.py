"""A feed whose items have audio with a duration is a podcast feed: podcast apps and
the W3C validator ask its channel for a category, an explicit flag and an owner."""

from __future__ import annotations

import feedparser
from conftest import SITE_YAML, MakeSite, item, run

NOW = "2025-07-23T12:00:00+03:00"


def test_a_feed_with_timed_audio_names_its_category_explicitness_and_owner(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "email:\n  from: The Desk <desk@example.org>\n",
            "content/2025-07-22-talks/index.md": item(
                "Talks resume", audio="briefing.mp3", audio_duration='"12:34"'
            ),
            "content/2025-07-22-talks/briefing.mp3": b"ID3" + bytes(4000),
            "content/b.md": item("Rates held", "2025-07-21T08:00:00+03:00", tags="[economy]"),
        }
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err
    data = (root / "_site/feed.xml").read_bytes()
    feed = feedparser.parse(data)
    assert feed.bozo == 0
    assert b'<itunes:category text="News"/>' in data
    assert b"<itunes:explicit>false</itunes:explicit>" in data
    assert b"<itunes:email>desk@example.org</itunes:email>" in data
    assert {e.title: e for e in feed.entries}["Talks resume"].itunes_duration == "754"
    # A feed without timed audio stays as it was: no iTunes vocabulary at all.
    assert b"itunes" not in (root / "_site/tags/economy/feed.xml").read_bytes()


def test_the_editions_feed_is_a_podcast_when_its_editions_have_audio(
    make_site: MakeSite,
) -> None:
    # Each edition's first item with audio (the day's audio briefing) is its episode.
    root = make_site(
        {
            "site.yaml": SITE_YAML + "email:\n  from: The Desk <desk@example.org>\n",
            "content/2025-07-22-talks/index.md": item(
                "Talks resume", audio="day.mp3", audio_duration="90"
            ),
            "content/2025-07-22-talks/day.mp3": b"ID3" + bytes(2000),
            "content/2025-07-21-rates/index.md": item(
                "Rates held", "2025-07-21T08:00:00+03:00", audio="day.mp3", audio_duration="60"
            ),
            "content/2025-07-21-rates/day.mp3": b"ID3" + bytes(1000),
            "content/c.md": item("Markets calm", "2025-07-21T07:00:00+03:00"),
        }
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err
    data = (root / "_site/editions/feed.xml").read_bytes()
    feed = feedparser.parse(data)
    assert feed.bozo == 0
    episodes = {e.link.rsplit("/", 2)[-2]: e for e in feed.entries}
    day = episodes["2025-07-21"].enclosures[0]
    assert day.href.endswith("/2025/07/21/rates/day.mp3") and day.length == "1003"
    assert episodes["2025-07-22"].itunes_duration == "90"
    assert b'<itunes:category text="News"/>' in data
