"""An item's audio (`audio:` in front matter): a file beside the item, published beside
its page, or an https URL with its length and type; a player on the item's page, an
enclosure in RSS and Atom, an attachment in JSON Feed, and "Listen" in the email."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import feedparser
import pytest
from conftest import MakeSite, item, run

from generator.engine.cache import Parsed, decode, encode
from generator.model.records import AudioFile, Document, Rendered
from generator.reading.content import parse
from generator.reading.sources import Source

NOW = "2025-07-23T12:00:00+03:00"
SITE = "https://briefing-dev.github.io/briefing/"
LOCAL = SITE + "2025/07/22/talks/briefing.mp3"
REMOTE = "https://cdn.example.org/ep1.mp3"
KYIV = ZoneInfo("Europe/Kyiv")
#: Bytes of no particular sound: the build measures files, it never plays them.
SOUND = bytes(range(256)) * 190


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(
                "Talks resume", audio="briefing.mp3", audio_duration='"12:34"'
            ),
            "content/2025-07-22-talks/briefing.mp3": SOUND,
            "content/b.md": item(
                "Elsewhere",
                "2025-07-22T08:00:00+03:00",
                audio=REMOTE,
                audio_length="4821302",
                audio_type="audio/mpeg",
            ),
            "content/c.md": item("Plain", "2025-07-21T08:00:00+03:00"),
        }
    )
    monkeypatch.chdir(root)
    return root


def build() -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err


def entries(path: Path) -> dict[str, feedparser.FeedParserDict]:
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0
    return {entry.title: entry for entry in feed.entries}


def test_a_file_beside_the_item_is_published_with_its_exact_length(site: Path) -> None:
    build()
    out = site / "_site"
    assert (out / "2025/07/22/talks/briefing.mp3").read_bytes() == SOUND
    for name in ("feed.xml", "atom.xml", "tags/ukraine/feed.xml"):
        found = entries(out / name)
        assert found["Talks resume"].enclosures == [
            {"href": LOCAL, "length": str(len(SOUND)), "type": "audio/mpeg"}
        ]
        assert found["Elsewhere"].enclosures[0]["href"] == REMOTE
        assert found["Elsewhere"].enclosures[0]["length"] == "4821302"
        assert found["Plain"].enclosures == []
    items = {i["title"]: i for i in json.loads((out / "feed.json").read_text())["items"]}
    assert items["Talks resume"]["attachments"] == [
        {
            "url": LOCAL,
            "mime_type": "audio/mpeg",
            "size_in_bytes": len(SOUND),
            "duration_in_seconds": 754,
        }
    ]
    assert items["Elsewhere"]["attachments"] == [
        {"url": REMOTE, "mime_type": "audio/mpeg", "size_in_bytes": 4821302}
    ]
    assert "attachments" not in items["Plain"]


def test_rss_and_atom_write_the_enclosure_as_their_specs_say(site: Path) -> None:
    build()
    rss = (site / "_site/feed.xml").read_text()
    assert (
        f'<enclosure url="{LOCAL}" length="{len(SOUND)}" type="audio/mpeg"/>\n'
        "      <pubDate>Tue, 22 Jul 2025 09:15:00 +0300</pubDate>\n"
        "      <itunes:duration>754</itunes:duration>\n"
    ) in rss
    assert f'<enclosure url="{REMOTE}" length="4821302" type="audio/mpeg"/>' in rss
    assert rss.count("<itunes:duration>") == 1  # the remote audio gave none
    atom = (site / "_site/atom.xml").read_text()
    # feedgen 1.0 drops an entry link's rel: the enclosure must not become an alternate.
    assert (
        f'<link href="{LOCAL}" rel="enclosure" type="audio/mpeg" length="{len(SOUND)}"/>'
    ) in atom
    assert f'<link href="{REMOTE}" rel="enclosure" type="audio/mpeg" length="4821302"/>' in atom
    assert atom.count("<link href=") == 2 + 3 + 2  # the feed's, an alternate each, enclosures
    assert "itunes" not in atom


def test_the_duration_is_itunes_duration_and_shown_on_the_page(site: Path) -> None:
    build()
    found = entries(site / "_site/feed.xml")
    assert found["Talks resume"].itunes_duration == "754"
    page = (site / "_site/2025/07/22/talks/index.html").read_text()
    assert '<time datetime="PT0H12M34S">12:34</time>' in page


def test_the_item_page_has_a_player_with_a_link_to_the_file(site: Path) -> None:
    build()
    page = (site / "_site/2025/07/22/talks/index.html").read_text()
    player = page.split('<figure class="listen">', 1)[1].split("</figure>", 1)[0]
    href = "/briefing/2025/07/22/talks/briefing.mp3"
    assert player == (
        f'\n    <figcaption>Listen · <time datetime="PT0H12M34S">12:34</time> · <a href="{href}" '
        'type="audio/mpeg">download (49 kB)</a></figcaption>\n'
        f'    <audio controls preload="none" src="{href}"><a href="{href}">Download the audio '
        "(49 kB)</a></audio>\n  "
    )
    assert page.index('class="listen"') < page.index('<div class="body">')
    elsewhere = (site / "_site/2025/07/22/b/index.html").read_text()
    assert f'<audio controls preload="none" src="{REMOTE}">' in elsewhere
    assert "download (4.8 MB)" in elsewhere
    assert "listen" not in (site / "_site/2025/07/21/c/index.html").read_text()


def test_feeds_without_audio_stay_as_they_were(site: Path) -> None:
    (site / "content/2025-07-22-talks/index.md").write_text(item("Talks resume"))
    (site / "content/b.md").write_text(item("Elsewhere", "2025-07-22T08:00:00+03:00"))
    build()
    for name in ("feed.xml", "atom.xml", "feed.json"):
        text = (site / "_site" / name).read_text()
        assert "itunes" not in text and "enclosure" not in text and "attachments" not in text
    assert not (site / "_site/2025/07/22/talks/briefing.mp3").exists()  # nothing links it


def test_a_new_recording_changes_the_length_in_every_feed(site: Path) -> None:
    build()
    (site / "content/2025-07-22-talks/briefing.mp3").write_bytes(SOUND * 2)
    build()
    found = entries(site / "_site/feed.xml")
    assert found["Talks resume"].enclosures[0]["length"] == str(2 * len(SOUND))
    assert (site / "_site/2025/07/22/talks/briefing.mp3").read_bytes() == SOUND * 2
    assert "download (97 kB)" in (site / "_site/2025/07/22/talks/index.html").read_text()


def test_the_email_says_listen(site: Path) -> None:
    build()
    folder = site / "_site/email/2025-07-22"
    assert (
        f'<p class="listen" style="margin: 0 0 14px;"><a href="{LOCAL}" '
        'style="color: #0a58a8;text-decoration: underline;">Listen</a> (12:34)</p>'
    ) in (folder / "index.html").read_text()
    text = (folder / "email.txt").read_text()
    assert f"Listen (12:34):\n{LOCAL}\n" in text
    assert f"Listen: {REMOTE}\n" in text


def test_a_withdrawn_item_keeps_no_audio(site: Path) -> None:
    (site / "content/2025-07-22-talks/index.md").write_text(
        item(
            "Talks resume",
            audio="briefing.mp3",
            withdrawn='{date: 2025-07-23, reason: "It was wrong."}',
        )
    )
    build()
    assert not (site / "_site/2025/07/22/talks/briefing.mp3").exists()
    assert entries(site / "_site/feed.xml")["Talks resume"].enclosures == []


PATH = "content/c.md"


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (
            {"audio": "briefing.wma"},
            "content/c.md:6:8: 'audio' names 'briefing.wma', which is not an audio file "
            "briefing publishes; give a file ending in .mp3, .m4a, .aac, .ogg, .oga, .opus, "
            ".wav, .flac",
        ),
        (
            {"audio": "http://cdn.example.org/a.mp3"},
            "content/c.md:6:8: 'audio' must be a file beside the item or an https URL, not "
            "'http://cdn.example.org/a.mp3'; use the https address of the audio, or put the "
            "file beside the item",
        ),
        (
            {"audio": "/audio/a.mp3"},
            "content/c.md:6:8: 'audio' must be a file beside the item or an https URL, not a "
            "site path: '/audio/a.mp3'; put the file beside the item and give its name, e.g. "
            "audio: briefing.mp3",
        ),
        (
            {"audio": REMOTE, "audio_type": "audio/mpeg"},
            "content/c.md:6:8: 'audio' is an https URL, so the build cannot know its length "
            "and type: give both 'audio_length' and 'audio_type'; add `audio_length: 4821302` "
            "(its size in bytes) and `audio_type: audio/mpeg`, or put the file beside the item",
        ),
        (
            {"audio": "briefing.mp3", "audio_length": "1200"},
            "content/c.md:7:15: 'audio_length' is given for briefing.mp3, a file beside the "
            "item, whose length the build finds itself; delete the line",
        ),
        (
            {"audio": "briefing.mp3", "audio_type": "audio/mpeg"},
            "content/c.md:7:13: 'audio_type' is given for briefing.mp3, a file beside the "
            "item, whose type the build finds itself; delete the line",
        ),
        (
            {"audio": REMOTE, "audio_length": "4.8 MB", "audio_type": "audio/mpeg"},
            "content/c.md:7:15: 'audio_length' must be a whole number of 1 or more, not "
            "'4.8 MB'; give the file's size in bytes, as its server's Content-Length",
        ),
        (
            {"audio": REMOTE, "audio_length": "4821302", "audio_type": "mpeg"},
            "content/c.md:8:13: 'audio_type' must be the MIME type of a sound, such as "
            "audio/mpeg, not 'mpeg'; audio/mpeg for MP3, audio/mp4 for M4A, audio/ogg for Ogg",
        ),
        (
            {"audio": "briefing.mp3", "audio_duration": "12:75"},
            "content/c.md:7:17: 'audio_duration' must be how long the audio plays, not "
            "'12:75'; write seconds (754), MM:SS (12:34) or H:MM:SS (1:02:03)",
        ),
        (
            {"audio_duration": "754"},
            "content/c.md:6:17: 'audio_duration' is given, but there is no 'audio'; add "
            "`audio: briefing.mp3` (a file beside the item), or delete the line",
        ),
        (
            {"audio": "gone.mp3"},
            "content/c.md:6:8: links to gone.mp3, but there is no such file (looked for "
            "content/gone.mp3); put the file beside c.md, or correct the link",
        ),
    ],
)
def test_each_mistake_is_one_error_at_its_line(
    site: Path, extra: dict[str, str], error: str
) -> None:
    (site / "content/briefing.mp3").write_bytes(SOUND)
    (site / PATH).write_text(item("Plain", "2025-07-21T08:00:00+03:00", **extra))
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == error
    assert re.match(r"1 error\b", err.splitlines()[1])


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("754", 754), ('"12:34"', 754), ('"75:00"', 4500), ('"1:02:03"', 3723), ('"0:05"', 5)],
)
def test_a_duration_is_seconds_or_minutes_and_seconds_or_hours_too(
    written: str, seconds: int
) -> None:
    text = item("A", audio="a.mp3", audio_duration=written)
    doc = parse(Source(PATH, PurePosixPath("c.md"), text), KYIV)
    assert doc.meta.audio == AudioFile("a.mp3", duration=seconds)


def test_the_cache_keeps_the_audio_as_given() -> None:
    text = item("A", audio=REMOTE, audio_length="4821302", audio_type="Audio/MPEG")
    doc = parse(Source(PATH, PurePosixPath("c.md"), text), KYIV)
    assert doc.meta.audio == AudioFile(REMOTE, 4821302, "audio/mpeg")
    record, html = encode(Parsed("c.md", doc, Rendered("", "", (), 0)))
    back = decode(record, html, lambda rel: "content/" + rel).document
    assert isinstance(back, Document)
    assert back.meta.audio == doc.meta.audio
