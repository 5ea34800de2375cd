"""feeds: what a feed reader shows is what the editor typed. Parsed with feedparser,
as a reader would."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.render.feeds import FEED_BUDGET, _character_references
from generator.text.urls import as_uri, tag_uri

TITLE = "Vec<T> gains extract_if & AT&T's <b> tag"
SUMMARY = "The <owner> and <repository> of AT&T, &amp; more"


@pytest.fixture
def built(make_site: MakeSite) -> Path:
    root = make_site(
        {
            "site.yaml": SITE_YAML.replace("A test briefing.", "News <fast> & short."),
            "content/a.md": item(
                f'"{TITLE}"',
                summary=f'"{SUMMARY}"',
                body="A claim.[^1] See [above](#top).\n\n[^1]: The note.",
            ),
            "content/b.md": item("Numbered", "2025-07-21T09:00:00+03:00", id='"12345"'),
            "content/c.md": item(
                "Books", "2025-07-20T09:00:00+03:00", source="https://bücher.de/straße?q=é"
            ),
        }
    )
    build(BuildOptions(site_dir=root))
    return root / "_site"


def shown(detail: feedparser.FeedParserDict, value: str) -> str:
    """What a reader shows: HTML is rendered (here: entities decoded), text as it is."""
    return html.unescape(value) if detail.type == "text/html" else value


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "tags/ukraine/feed.xml"])
def test_titles_and_summaries_read_as_typed(built: Path, name: str) -> None:
    feed = feedparser.parse(built / name)
    assert shown(feed.feed.title_detail, feed.feed.title).startswith("Test Briefing")
    entry = next(e for e in feed.entries if "Vec" in e.title)
    assert shown(entry.title_detail, entry.title) == TITLE
    assert shown(entry.summary_detail, entry.summary) == SUMMARY
    if name == "feed.xml":
        assert shown(feed.feed.subtitle_detail, feed.feed.subtitle) == "News <fast> & short."


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "editions/feed.xml"])
def test_every_link_in_feed_content_is_absolute_footnotes_included(built: Path, name: str) -> None:
    feed = feedparser.parse(built / name)
    links = [
        link
        for entry in feed.entries
        for content in entry.get("content", [])
        for link in re.findall(r'(?:href|src)="([^"]*)"', content.value)
    ]
    assert any("#fn" in link for link in links)  # the footnote is there, and absolute
    assert links and all(link.startswith(("https://", "mailto:")) for link in links), links


def test_every_atom_id_is_a_uri(built: Path) -> None:
    feed = feedparser.parse(built / "atom.xml")
    ids = {entry.title: entry.id for entry in feed.entries}
    assert ids["Numbered"] == "tag:briefing-dev.github.io,2025-07-21:12345"
    assert ids["Books"] == "https://xn--bcher-kva.de/stra%C3%9Fe?q=%C3%A9"
    assert all(re.fullmatch(r"[a-z][a-z0-9+.-]*:[\x21-\x7e]+", i) for i in ids.values()), ids


def test_rss_text_uses_character_references_outside_cdata() -> None:
    xml = b"<title>A &amp; B &lt;C&gt;</title><c><![CDATA[<p>&amp;</p>]]></c>"
    assert _character_references(xml) == (
        b"<title>A &#x26; B &#x3C;C&gt;</title><c><![CDATA[<p>&amp;</p>]]></c>"
    )


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("https://www.reuters.com/x", "https://www.reuters.com/x"),
        ("https://bücher.de/ä?q=é#f", "https://xn--bcher-kva.de/%C3%A4?q=%C3%A9#f"),
        ("https://ex.org/a b", "https://ex.org/a%20b"),
        ("urn:isbn:0451450523", "urn:isbn:0451450523"),
        ("12345", None),
        ("my story", None),
    ],
)
def test_as_uri(text: str, uri: str | None) -> None:
    assert as_uri(text) == uri


def test_tag_uri_is_stable_and_escaped() -> None:
    assert tag_uri("https://briefing-dev.github.io/briefing/", "2025-07-22", "my story#1") == (
        "tag:briefing-dev.github.io,2025-07-22:my%20story%231"
    )


def test_a_huge_item_gives_feeds_its_summary_and_a_link(make_site: MakeSite) -> None:
    """An item pasted by mistake (several MB) must not make every feed several MB."""
    huge = "\n\n".join(f"Paragraph {n} of a report pasted whole. " * 20 for n in range(3000))
    root = make_site(
        {
            "content/a.md": item("Small story", "2025-07-22T10:00:00+03:00"),
            "content/b.md": item("Huge report", summary='"A report, in short."', body=huge),
        }
    )
    build(BuildOptions(site_dir=root))
    site = root / "_site"
    assert len(huge) > 2 * FEED_BUDGET
    for name in ("feed.xml", "atom.xml", "feed.json", "editions/feed.xml"):
        assert (site / name).stat().st_size < FEED_BUDGET + 50_000, name
    entries = {e.title: e for e in feedparser.parse(site / "feed.xml").entries}
    assert "Paragraph 2999" not in entries["Huge report"].content[0].value
    assert "Read the whole text on the site." in entries["Huge report"].content[0].value
    assert "A report, in short." in entries["Huge report"].content[0].value
    assert entries["Small story"].content[0].value.startswith("<p>The first paragraph.")
    assert "Paragraph 2999" in (site / "2025/07/22/b/index.html").read_text()
