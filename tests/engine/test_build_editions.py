"""Editions, sections, sources and the archive in a built site."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed

SITE = (
    SITE_YAML
    + """\
sections: [Top stories, World, Economy]
publishers:
  reuters.com: Reuters
words_per_minute: 100
"""
)

WORDS_300 = " ".join(["word"] * 300)


def files() -> dict[str, str]:
    return {
        "site.yaml": SITE,
        "content/a.md": item("Old news", "2025-06-30T10:00:00+03:00", section="World"),
        "content/b.md": item(
            "Talks resume",
            "2025-07-22T09:15:00+03:00",
            section="Top stories",
            source="https://www.reuters.com/world/talks",
        ),
        "content/c.md": item(
            "Markets calm", "2025-07-22T10:00:00+03:00", section="Economy", body=WORDS_300
        ),
        "content/d.md": item("Late vote", "2025-07-22T23:30:00+03:00"),
        "content/e.md": item(
            "After midnight",
            "2025-07-23T00:20:00+03:00",
            section="World",
            source="[https://apnews.com/x, https://uk.reuters.com/y]",
        ),
        "content/editions/2025-07-22.md": "---\ntitle: Talks day\n---\nOur *introduction*.\n",
    }


def read(root: Path, rel: str) -> str:
    return (root / "_site" / rel).read_text(encoding="utf-8")


def headings(html: str, level: int) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html)
    ]


def test_edition_page_has_number_title_intro_contents_and_items(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    page = read(root, "editions/2025-07-22/index.html")
    assert 'No. 2 · <time datetime="2025-07-22">Tuesday, 22 July 2025</time>' in page
    assert "<h1>Talks day</h1>" in page
    assert "<p>Our <em>introduction</em>.</p>" in page
    # Sections in site.yaml order, World (empty in this edition) left out, no-section last.
    assert headings(page, 2)[1:] == ["Top stories", "Economy", "More"]
    assert headings(page, 3)[:3] == ["Top stories", "Economy", "More"]  # contents
    assert headings(page, 3)[3:] == ["Talks resume", "Markets calm", "Late vote"]
    assert '<a href="#c">Markets calm</a>' in page and '<article class="story" id="c">' in page
    assert 'href="/briefing/2025/07/22/c/">Item page</a>' in page
    # 3 items of 7 + 300 + 7 words and a 2-word intro at 100 words a minute.
    assert "3 items · 3 min read" in page


def test_editions_link_to_each_other_and_items_to_their_edition(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    first = read(root, "editions/2025-06-30/index.html")
    second = read(root, "editions/2025-07-22/index.html")
    third = read(root, "editions/2025-07-23/index.html")
    assert 'rel="prev"' not in first
    assert '<a rel="next" href="/briefing/editions/2025-07-22/">' in first
    assert '<a rel="prev" href="/briefing/editions/2025-06-30/">' in second
    assert '<a rel="next" href="/briefing/editions/2025-07-23/">' in second
    assert 'rel="next"' not in third and "After midnight" in third
    late = read(root, "2025/07/22/d/index.html")
    assert '<a href="/briefing/editions/2025-07-22/">No. 2 · Talks day</a>' in late


def test_front_page_is_the_latest_edition_then_recent_ones(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    front = read(root, "index.html")
    assert '<a href="/briefing/editions/2025-07-23/">Wednesday, 23 July 2025</a>' in front
    assert "After midnight" in front and "Talks resume" not in front.split("Recent editions")[0]
    recent = front.split("Recent editions")[1]
    assert recent.index("No. 2 · Talks day") < recent.index("No. 1 · Monday, 30 June 2025")


def test_archive_lists_editions_by_year_and_month(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    archive = read(root, "archive/index.html")
    assert headings(archive, 2)[-1] == "2025"
    assert headings(archive, 3) == ["July 2025", "June 2025"]
    assert archive.index("No. 3 ·") < archive.index("No. 2 ·") < archive.index("No. 1 ·")


def test_source_pages_list_items_citing_each_publisher(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    index = read(root, "sources/index.html")
    counts = dict(
        re.findall(
            r'<a href="/briefing/sources/[^"]+/">([^<]+)</a> '
            r'<span class="count">(\d+)',
            index,
        )
    )
    assert counts == {"apnews.com": "1", "Reuters": "5"}
    reuters = read(root, "sources/reuters/index.html")
    assert "5 items cite Reuters" in reuters and "After midnight" in reuters
    item_page = read(root, "2025/07/23/e/index.html")
    assert (
        'More from <a href="/briefing/sources/apnews-com/">apnews.com</a>, '
        '<a href="/briefing/sources/reuters/">Reuters</a>' in item_page
    )


def test_editions_feed_has_one_entry_per_edition(make_site: MakeSite) -> None:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    feed = feedparser.parse((root / "_site/editions/feed.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == [
        "No. 3: Wednesday, 23 July 2025",
        "No. 2: Talks day",
        "No. 1: Monday, 30 June 2025",
    ]
    talks = feed.entries[1]
    assert talks.link == "https://briefing-dev.github.io/briefing/editions/2025-07-22/"
    assert talks.published == "Tue, 22 Jul 2025 23:30:00 +0300"  # its newest item
    body = talks.content[0].value
    # The edition's email, as newsletter services send it (tests/newsletter/).
    assert body.startswith('<div class="column"') and "Our <em>introduction</em>." in body
    assert body.index("Talks resume") < body.index("Markets calm") < body.index("Late vote")
    assert 'href="https://briefing-dev.github.io/briefing/2025/07/22/b/"' in body


def test_unknown_section_and_bad_edition_file_fail_together(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE,
            "content/a.md": item(section="Wrold"),
            "content/editions/2025-07-22.md": "---\ntitle: [x\n---\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    assert [str(e).replace(f"{root}/", "") for e in failed.value.errors] == [
        "content/a.md:6:10: unknown section 'Wrold'; did you mean 'World'?",
        "content/editions/2025-07-22.md:2:8: invalid YAML in edition front matter: "
        "did not find expected ',' or ']'; check the indentation, and quote values that "
        "contain ': ', '#' or start with '['",
    ]
