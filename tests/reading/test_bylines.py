"""Bylines: `author:` on an item (one name or a list), described by site.yaml's
`authors:`; shown on item and edition pages, carried by every feed format and JSON-LD,
with a page and a feed per author."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, run

NOW = "2025-07-23T12:00:00+03:00"
AUTHORS = """\
authors:
  olena:
    name: Olena Kovalenko
    bio: Covers Ukraine.
    url: https://olena.example.org/
  sam: Sam Whitfield
"""


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "site.yaml": SITE_YAML + AUTHORS,
            "content/a.md": item("Talks resume", author="olena"),
            "content/b.md": item("Rates held", "2025-07-21T08:00:00+03:00", author="[sam, olena]"),
            "content/c.md": item("Unsigned", "2025-07-20T08:00:00+03:00"),
        }
    )
    monkeypatch.chdir(root)
    return root


def build() -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err


def byline(html: str) -> str:
    return html.split('<span class="authors">', 1)[1].split("</span>", 1)[0]


def test_bylines_show_on_item_and_edition_pages(site: Path) -> None:
    build()
    page = (site / "_site/2025/07/21/b/index.html").read_text()
    assert byline(page) == (
        'By <a href="/briefing/authors/sam/" rel="author">Sam Whitfield</a> and '
        '<a href="/briefing/authors/olena/" rel="author">Olena Kovalenko</a>'
    )
    edition = (site / "_site/editions/2025-07-22/index.html").read_text()
    assert byline(edition) == (
        'By <a href="/briefing/authors/olena/" rel="author">Olena Kovalenko</a>'
    )
    unsigned = (site / "_site/2025/07/20/c/index.html").read_text()
    assert '<span class="authors">' not in unsigned


def test_each_author_has_a_page_of_their_items_and_an_index(site: Path) -> None:
    build()
    olena = (site / "_site/authors/olena/index.html").read_text()
    assert '<h1 class="page-title">Olena Kovalenko</h1>' in olena
    assert '<p class="bio">Covers Ukraine.</p>' in olena
    assert 'href="https://olena.example.org/" rel="me external noopener"' in olena
    assert olena.index("Talks resume") < olena.index("Rates held")
    assert "Unsigned" not in olena
    index = (site / "_site/authors/index.html").read_text()
    assert (
        '<a href="/briefing/authors/sam/">Sam Whitfield</a> <span class="count">1</span>' in index
    )


def test_feeds_carry_each_entrys_authors(site: Path) -> None:
    build()
    out = site / "_site"
    rss = feedparser.parse((out / "feed.xml").read_bytes())
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    for feed in (rss, atom):
        assert feed.bozo == 0
        by_title = {entry.title: entry for entry in feed.entries}
        assert [a["name"] for a in by_title["Rates held"].authors] == [
            "Sam Whitfield",
            "Olena Kovalenko",
        ]
        assert "authors" not in by_title["Unsigned"] or not by_title["Unsigned"].authors[0]
    atom_entry = {e.title: e for e in atom.entries}["Talks resume"]
    assert atom_entry.authors[0]["href"] == "https://olena.example.org/"
    feed = json.loads((out / "feed.json").read_text())
    items = {entry["title"]: entry for entry in feed["items"]}
    assert items["Rates held"]["authors"] == [
        {"name": "Sam Whitfield", "url": "https://briefing-dev.github.io/briefing/authors/sam/"},
        {"name": "Olena Kovalenko", "url": "https://olena.example.org/"},
    ]
    assert "authors" not in items["Unsigned"]


def test_each_author_has_a_feed_of_their_items(site: Path) -> None:
    build()
    feed = feedparser.parse((site / "_site/authors/olena/feed.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.feed.title == "Test Briefing: Olena Kovalenko"
    assert [entry.title for entry in feed.entries] == ["Talks resume", "Rates held"]


def test_json_ld_names_each_author_as_a_person(site: Path) -> None:
    build()
    page = (site / "_site/2025/07/22/a/index.html").read_text()
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>")[0])
    assert data["author"] == [
        {"@type": "Person", "name": "Olena Kovalenko", "url": "https://olena.example.org/"}
    ]
    unsigned = (site / "_site/2025/07/20/c/index.html").read_text()
    assert '"author": {"@type": "Organization", "name": "Test Briefing"}' in unsigned


def test_an_author_site_yaml_does_not_name_is_an_error_at_the_line(site: Path) -> None:
    (site / "content/d.md").write_text(item("Typo", author="olna"))
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/d.md:6:9: unknown author 'olna': site.yaml's authors do not name them; "
        "did you mean 'olena'?"
    )


def test_an_author_may_be_written_by_their_display_name(site: Path) -> None:
    (site / "content/d.md").write_text(item("By name", author="sam whitfield"))
    build()
    page = (site / "_site/2025/07/22/d/index.html").read_text()
    assert byline(page) == 'By <a href="/briefing/authors/sam/" rel="author">Sam Whitfield</a>'


def test_without_an_authors_map_names_are_shown_as_written(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item("One", author="jane doe"),
            "content/b.md": item("Two", "2025-07-21T08:00:00+03:00", author="Jane Doe"),
        }
    )
    monkeypatch.chdir(root)
    build()
    # One author, named as the oldest item spells it.
    page = (root / "_site/2025/07/22/a/index.html").read_text()
    assert byline(page) == 'By <a href="/briefing/authors/jane-doe/" rel="author">Jane Doe</a>'
    listing = (root / "_site/authors/jane-doe/index.html").read_text()
    assert "One" in listing and "Two" in listing


def test_a_site_without_bylines_has_no_author_pages(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/a.md": item("One")})
    monkeypatch.chdir(root)
    build()
    assert not (root / "_site/authors").exists()
    assert "Authors</a>" not in (root / "_site/index.html").read_text()


def test_an_authors_entry_with_an_unknown_field_is_an_error(site: Path) -> None:
    (site / "site.yaml").write_text(SITE_YAML + "authors:\n  sam: {name: Sam, email: s@x.org}\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "site.yaml:9:3: 'authors' has 'sam' with email" in err
