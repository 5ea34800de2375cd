"""`updated:`: an item changed after publication says so on its page, to search engines
and to feed readers, and stays in the edition it was published in."""

from __future__ import annotations

import json
from calendar import timegm
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, item, run
from test_content import PATH, errors_of, parse_text

NOW = "2025-07-24T12:00:00+03:00"
UPDATED = "2025-07-23T18:30:00+03:00"


def test_updated_is_read_like_date() -> None:
    doc = parse_text(item(updated="2025-07-23 18:30"))
    assert doc.meta.updated is not None
    assert doc.meta.updated.isoformat() == UPDATED  # the site's zone, Europe/Kyiv


def test_an_update_before_publication_is_an_error() -> None:
    assert errors_of(item(updated="2025-07-21")) == [
        f"{PATH}:6:10: 'updated' (2025-07-21T00:00:00+03:00) is before 'date' "
        "(2025-07-22T09:15:00+03:00); an update comes after publication; check the two dates"
    ]


@pytest.mark.parametrize("key", ["lastmod", "modified"])
def test_other_generators_spellings_point_to_updated(key: str) -> None:
    assert errors_of(item(**{key: "2025-07-23"})) == [
        f"{PATH}:6:1: unknown key '{key}' in front matter; briefing calls it `updated:`"
    ]


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/2025-07-22-talks.md": item("Talks resume", updated=UPDATED),
            "content/2025-07-23-later.md": item(
                "Later news", "2025-07-23T08:00:00+03:00", source="https://apnews.com/a/later"
            ),
        }
    )
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    return root


def page(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_the_page_says_updated_and_tells_search_engines(site: Path) -> None:
    html = page(site, "2025/07/22/talks/index.html")
    assert (
        '<span class="updated">Updated <time datetime="2025-07-23T18:30:00+03:00">'
        "23 July 2025, 18:30</time></span>" in html
    )
    assert '<meta property="article:modified_time" content="2025-07-23T18:30:00+03:00">' in html
    assert '"dateModified": "2025-07-23T18:30:00+03:00"' in html
    assert "Updated" not in page(site, "2025/07/23/later/index.html")


def test_the_item_stays_in_the_edition_it_was_published_in(site: Path) -> None:
    assert "Talks resume" in page(site, "editions/2025-07-22/index.html")
    assert "Talks resume" not in page(site, "editions/2025-07-23/index.html")


def test_atom_and_json_feed_carry_the_update(site: Path) -> None:
    atom = feedparser.parse((site / "_site/atom.xml").read_bytes())
    talks = next(e for e in atom.entries if e.title == "Talks resume")
    later = next(e for e in atom.entries if e.title == "Later news")
    updated = timegm(talks.updated_parsed)
    assert updated == int(datetime.fromisoformat(UPDATED).timestamp())
    assert timegm(talks.published_parsed) < updated
    assert later.updated == later.published
    # The feed changed when its latest entry did: the update, not the newest item.
    assert timegm(atom.feed.updated_parsed) == updated
    feed = json.loads((site / "_site/feed.json").read_text(encoding="utf-8"))
    entries = {entry["title"]: entry for entry in feed["items"]}
    assert entries["Talks resume"]["date_modified"] == UPDATED
    assert "date_modified" not in entries["Later news"]


def test_the_update_survives_the_cache(site: Path) -> None:
    (site / "content/2025-07-23-later.md").write_text(
        item("Later, revised", "2025-07-23T08:00:00+03:00", source="https://apnews.com/a/later"),
        encoding="utf-8",
    )
    assert run("build", "--now", NOW)[0] == 0  # the talks item comes from the cache
    assert "Updated <time" in page(site, "2025/07/22/talks/index.html")
