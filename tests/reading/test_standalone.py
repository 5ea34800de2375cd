"""Standalone pages (content/pages/<name>.md): an About page at /about/, in the menu
site.yaml names, with the Markdown, safety and link rules of items, and no edition or
feed entry."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, png, run

NOW = "2025-07-23T12:00:00+03:00"
ABOUT = """\
---
title: About this briefing
summary: Who writes it.
---
We summarise the day's news. Read the [corrections policy](../policies/corrections/).

![The desk at work](desk.png)

<script>alert(1)</script>
"""
POLICY = "---\ntitle: Corrections policy\nmenu: 2\n---\nWe correct in place.\n"


PNG = png(3, 2)


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "site.yaml": SITE_YAML
            + "menu:\n  - {page: about, title: About}\n"
            + "  - {title: Newsletter, url: https://news.example.org/subscribe}\n",
            "content/a.md": item(body="See [about us](/briefing/about/)."),
            "content/pages/about/index.md": ABOUT,
            "content/pages/about/desk.png": PNG,
            "content/pages/policies/corrections.md": POLICY,
        }
    )
    monkeypatch.chdir(root)
    return root


def build(*more: str) -> str:
    code, out, err = run("build", "--now", NOW, *more)
    assert code == 0, err
    return out


def nav(html: str) -> list[str]:
    menu = html.split('<nav aria-label="Site">', 1)[1].split("</nav>", 1)[0]
    return [line.strip() for line in menu.splitlines() if "<li>" in line]


def test_a_page_is_published_at_its_name_with_its_body(site: Path) -> None:
    build()
    about = (site / "_site/about/index.html").read_text()
    assert '<h1 class="page-title">About this briefing</h1>' in about
    assert '<meta name="description" content="Who writes it.">' in about
    assert 'href="/briefing/policies/corrections/"' in about  # relative link rebased
    assert (site / "_site/policies/corrections/index.html").is_file()


def test_raw_html_in_a_page_is_shown_as_text_not_run(site: Path) -> None:
    build()
    about = (site / "_site/about/index.html").read_text()
    assert "<script>alert(1)</script>" not in about
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in about


def test_a_pages_picture_is_copied_beside_it_with_its_size(site: Path) -> None:
    build()
    assert (site / "_site/about/desk.png").read_bytes() == PNG
    about = (site / "_site/about/index.html").read_text()
    assert (
        '<img src="/briefing/about/desk.png" width="3" height="2" alt="The desk at work"' in about
    )


def test_the_menu_lists_site_yaml_entries_then_pages_by_number(site: Path) -> None:
    build()
    home = (site / "_site/index.html").read_text()
    assert nav(home)[-4:] == [
        '<li><a href="/briefing/about/">About</a></li>',
        '<li><a href="https://news.example.org/subscribe">Newsletter</a></li>',
        '<li><a href="/briefing/policies/corrections/">Corrections policy</a></li>',
        '<li><a href="/briefing/editions/feed.xml">RSS</a></li>',
    ]
    about = (site / "_site/about/index.html").read_text()
    assert '<li><a href="/briefing/about/" aria-current="page">About</a></li>' in nav(about)


def test_pages_are_not_items_no_edition_no_feed_entry(site: Path) -> None:
    build()
    out = site / "_site"
    for name in ("feed.xml", "atom.xml", "editions/feed.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert parsed.bozo == 0
        assert all("about" not in entry.link for entry in parsed.entries)
        assert len(parsed.entries) == 1
    feed = json.loads((out / "feed.json").read_text())
    assert [entry["title"] for entry in feed["items"]] == ["An item"]
    edition = (out / "editions/2025-07-22/index.html").read_text()
    assert "About this briefing" not in edition.split('<main id="main"', 1)[1]
    assert "https://briefing-dev.github.io/briefing/about/" in (out / "sitemap.xml").read_text()


def test_retitling_a_menu_page_reaches_every_page_on_the_next_build(site: Path) -> None:
    build()
    config = site / "site.yaml"
    config.write_text(SITE_YAML + "menu: [about]\n")
    about = site / "content/pages/about/index.md"
    about.write_text(ABOUT.replace("About this briefing", "Who we are"))
    build()
    home = (site / "_site/index.html").read_text()
    assert '<li><a href="/briefing/about/">Who we are</a></li>' in nav(home)
    item_page = (site / "_site/2025/07/22/a/index.html").read_text()
    assert '<li><a href="/briefing/about/">Who we are</a></li>' in nav(item_page)


def test_a_menu_entry_without_its_page_is_an_error_at_site_yaml(site: Path) -> None:
    (site / "site.yaml").write_text(SITE_YAML + "menu: [abuot]\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "site.yaml:8:7: the menu names the page 'abuot', but there is no "
        "content/pages/abuot.md; did you mean 'about'?"
    )


def test_a_file_name_that_cannot_be_an_address_is_an_error(site: Path) -> None:
    (site / "content/pages/Our Team.md").write_text("---\ntitle: Team\n---\nUs.\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/pages/Our Team.md: a page's file name is its address" in err
    assert "rename it to pages/our-team.md" in err


def test_a_page_at_an_address_briefing_uses_names_the_page(site: Path) -> None:
    (site / "content/pages/archive.md").write_text("---\ntitle: Archive\n---\nOld.\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/pages/archive.md: archive/index.html would be written twice" in err
    assert "briefing writes /archive/ itself; rename content/pages/archive.md" in err


def test_a_missing_picture_on_a_page_is_an_error_at_its_line(site: Path) -> None:
    (site / "content/pages/about/desk.png").unlink()
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0].startswith(
        "content/pages/about/index.md:7:21: links to desk.png, but there is no such file"
    )


def test_a_draft_page_is_left_out_unless_drafts_are_built(site: Path) -> None:
    (site / "content/pages/soon.md").write_text("---\ntitle: Soon\ndraft: true\n---\nLater.\n")
    assert "left out: 1 draft" in build()
    assert not (site / "_site/soon").exists()
    build("--drafts")
    assert (site / "_site/soon/index.html").is_file()


def test_a_page_without_a_title_is_an_error_at_its_file(site: Path) -> None:
    (site / "content/pages/bare.md").write_text("---\nsummary: No title.\n---\nText.\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/pages/bare.md:1:1: missing required key 'title' in page front matter" in err
