"""Running stories: `story:` on an item, `content/stories/<slug>.md`; a page, an index
and three feeds per story, a box on each item of one, the story's name in cards and
in the email, and a search filter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, item, run

from generator.engine.build import build as run_build
from generator.engine.options import BuildOptions

NOW = "2025-07-30T12:00:00+03:00"
GRAIN = "Grain deal"


def day(n: int) -> str:
    return f"2025-07-{n:02d}T09:00:00+03:00"


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/g1.md": item("Corridor opens", day(20), story=GRAIN),
            "content/g2.md": item("First ship sails", day(22), story="grain deal"),
            "content/g3.md": item("Insurers balk", day(24), story=GRAIN),
            "content/g4.md": item("Russia quits the deal", day(26), story=GRAIN),
            "content/g5.md": item("Ports shelled", day(28), story=GRAIN),
            "content/t1.md": item("Trial opens", day(21), story="The Trial"),
            "content/plain.md": item("Unrelated rates", day(27)),
            "content/stories/grain-deal.md": (
                "---\ntitle: The Black Sea grain deal\n---\n"
                "How Ukraine's grain reaches the world, [from the start](../../g1/).\n"
            ),
        }
    )
    monkeypatch.chdir(root)
    return root


def build() -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err


def page(site: Path, path: str) -> str:
    return (site / "_site" / path / "index.html").read_text(encoding="utf-8")


def test_a_story_page_lists_its_items_newest_first_with_their_editions(site: Path) -> None:
    build()
    story = page(site, "stories/grain-deal")
    assert '<h1 class="page-title">The Black Sea grain deal</h1>' in story
    assert "How Ukraine’s grain reaches the world" in story or "Ukraine's grain" in story
    # Paginated like tag pages (the tests' site shows 2 a page): newest first.
    assert story.index("Ports shelled") < story.index("Russia quits the deal")
    assert "Insurers balk" not in story
    assert "5 items, newest first, page 1 of 3" in story
    assert "No. 7 · Monday, 28 July 2025" in story
    assert "Trial opens" not in story and "Unrelated rates" not in story
    last = page(site, "stories/grain-deal/page/3")
    assert "Corridor opens" in last


def test_the_story_index_puts_the_latest_active_story_first(site: Path) -> None:
    build()
    index = page(site, "stories")
    assert index.index("The Black Sea grain deal") < index.index("The Trial")
    assert '5 items, latest <time datetime="2025-07-28T09:00:00+03:00">28 July 2025' in index
    assert "How Ukraine" in index  # the story's paragraph, as text
    assert 'href="/briefing/stories/"' in page(site, "")  # linked from every page's footer


def test_an_items_page_shows_its_story_earlier_items_and_the_latest(site: Path) -> None:
    build()
    second_to_last = page(site, "2025/07/26/g4")
    box = second_to_last.split('<aside class="story-box"', 1)[1].split("</aside>", 1)[0]
    heading = 'Part of the story <a href="/briefing/stories/grain-deal/">The Black Sea grain deal'
    assert heading in box
    assert 'Latest: <a href="/briefing/2025/07/28/g5/">Ports shelled</a>' in box
    earlier = box.split('<ul class="story-earlier">', 1)[1]
    # The three before it, newest first, each with its date.
    assert earlier.index("Insurers balk") < earlier.index("First ship sails")
    assert earlier.index("First ship sails") < earlier.index("Corridor opens")
    assert '<time datetime="2025-07-24T09:00:00+03:00">24 July 2025</time>' in earlier
    assert "All 5 items on this story" in box
    newest = page(site, "2025/07/28/g5").split('<aside class="story-box"', 1)[1]
    assert "Latest:" not in newest.split("</aside>", 1)[0]  # it is the latest
    first = page(site, "2025/07/20/g1").split('<aside class="story-box"', 1)[1]
    assert "Earlier on this story" not in first.split("</aside>", 1)[0]
    assert 'class="story-box"' not in page(site, "2025/07/27/plain")


def test_cards_and_edition_pages_name_the_story(site: Path) -> None:
    build()
    kicker = '<p class="story-kicker"><a href="/briefing/stories/grain-deal/">'
    assert kicker in page(site, "editions/2025-07-22")
    assert kicker in page(site, "tags/ukraine")
    assert "story-kicker" not in page(site, "editions/2025-07-27")


def test_each_story_has_rss_atom_and_json_feeds_announced_on_its_page(site: Path) -> None:
    build()
    out = site / "_site/stories/grain-deal"
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert feed.bozo == 0, name
        assert feed.feed.title == "Test Briefing: The Black Sea grain deal"
        assert [e.title for e in feed.entries] == [
            "Ports shelled", "Russia quits the deal", "Insurers balk"  # feed_items: 3
        ]  # fmt: skip
    data = json.loads((out / "feed.json").read_text())
    assert data["title"] == "Test Briefing: The Black Sea grain deal"
    assert data["description"].startswith("How Ukraine")
    head = page(site, "stories/grain-deal").split("</head>", 1)[0]
    formats = (("rss+xml", "feed.xml"), ("atom+xml", "atom.xml"), ("feed+json", "feed.json"))
    for kind, name in formats:
        assert (
            f'<link rel="alternate" type="application/{kind}" title="Test Briefing: The Black Sea '
            f"grain deal" in head
        )
        assert f'href="/briefing/stories/grain-deal/{name}"' in head


def test_the_email_names_an_items_story_beside_its_headline(site: Path) -> None:
    build()
    email = site / "_site/email/2025-07-28"
    html = (email / "index.html").read_text()
    story = html.index('<p class="story-name"')
    assert html.index("The Black Sea grain deal", story) < html.index(">Ports shelled</a></h3>")
    text = (email / "email.txt").read_text()
    assert "[The Black Sea grain deal]\nPorts shelled" in text


def test_search_documents_can_be_filtered_by_story(site: Path) -> None:
    from generator.engine.assemble import assemble
    from generator.plan.graph import versions
    from generator.search.documents import FILTERS, search_entries

    assembled = assemble(BuildOptions(site_dir=site, now=datetime.fromisoformat(NOW)))
    assert "story" in FILTERS
    filters = {
        entry.file: dict(entry.filters)
        for entry in search_entries(assembled.site, versions(assembled.site))
    }
    assert filters["2025/07/22/g2/index.html"]["story"] == "The Black Sea grain deal"
    assert filters["2025/07/21/t1/index.html"]["story"] == "The Trial"
    assert "story" not in filters["2025/07/27/plain/index.html"]


def test_names_of_one_story_that_differ_beyond_case_are_an_error_naming_both(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item("A", day(20), story="C#"),
            "content/b.md": item("B", day(21), story="C++"),
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/b.md:6:8: story 'C++' and story 'C#' (in" in err
    assert "have one page, /stories/c/" in err


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"content/a.md": item("A", day(20), story="[One, Two]")},
            "content/a.md:6:8: 'story' names one story, not a list",
        ),
        (
            {"content/a.md": item("A", day(20), story="'--'")},
            "content/a.md:6:8: 'story' has no letters or digits",
        ),
        (
            {
                "content/a.md": item("A", day(20), story=GRAIN),
                "content/stories/Grain Deal.md": "The deal.\n",
            },
            "a story's file is named after the story's slug, and 'Grain Deal.md' is not one",
        ),
        (
            {
                "content/a.md": item("A", day(20), story=GRAIN),
                "content/stories/grain-deal.md": "---\ntitle: The deal\nimage: map.png\n---\nX.\n",
            },
            "content/stories/grain-deal.md:3:8: links to map.png, but there is no such file "
            "(looked for content/stories/map.png)",
        ),
    ],
)
def test_a_wrong_story_is_an_error_at_its_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], expected: str
) -> None:
    root = make_site(files)
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert expected in err, err


def test_a_storys_picture_beside_its_file_is_published_and_shown(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import png

    root = make_site(
        {
            "content/a.md": item("A", day(20), story=GRAIN),
            "content/stories/grain-deal.md": (
                "---\nimage: {src: ship.png, alt: A grain ship}\n---\nThe deal.\n"
            ),
            "content/stories/ship.png": png(40, 20),
        }
    )
    monkeypatch.chdir(root)
    build()
    assert (root / "_site/stories/grain-deal/ship.png").is_file()
    story = page(root, "stories/grain-deal")
    assert '<img src="/briefing/stories/grain-deal/ship.png" alt="A grain ship" width="40"' in story
    preview = "https://briefing-dev.github.io/briefing/stories/grain-deal/ship.png"
    assert f'property="og:image" content="{preview}"' in story


def test_a_site_without_stories_has_no_story_pages(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {"content/a.md": item("A", day(20)), "content/stories/kept-back.md": "Not yet.\n"}
    )
    monkeypatch.chdir(root)
    build()
    assert not (root / "_site/stories").exists()
    assert 'href="/briefing/stories/"' not in page(root, "")


def test_adding_an_item_to_a_story_changes_its_pages_and_not_another_storys(
    site: Path,
) -> None:
    now = datetime.fromisoformat(NOW)
    options = BuildOptions(site_dir=site, now=now)
    run_build(options)
    (site / "content/g6.md").write_text(item("Deal revived", day(29), story=GRAIN))
    report = run_build(options)
    changed = set(report.changed)
    # The story's pages and feeds, and each item whose box now names a new latest.
    for file in (
        "stories/grain-deal/index.html",
        "stories/grain-deal/feed.xml",
        "stories/grain-deal/atom.xml",
        "stories/grain-deal/feed.json",
        "stories/index.html",
        "2025/07/20/g1/index.html",
        "2025/07/24/g3/index.html",
        "2025/07/28/g5/index.html",
    ):
        assert file in changed, file
    # Another story's pages are as they were.
    for file in ("stories/the-trial/index.html", "stories/the-trial/feed.xml"):
        assert file not in changed, file
    assert "2025/07/21/t1/index.html" not in changed


def test_check_warns_of_a_story_file_no_item_follows(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept back without a word by the build (it may be written before the first item);
    # a misspelt file name would otherwise never be noticed.
    root = make_site(
        {
            "content/a.md": item("A", day(20), story=GRAIN),
            "content/b.md": item("B", day(21), story="Later", draft="true"),
            "content/stories/grain-dael.md": "The deal.\n",
            "content/stories/later.md": "Written ahead of a draft.\n",
            "content/stories/election.md": "Not yet.\n",
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("check", "--now", NOW)
    assert code == 0, err
    assert (
        "content/stories/grain-dael.md: warning: no item follows the story 'grain-dael', so "
        "this file "
        "is not published; did you mean the story 'grain-deal'? name the file "
        "stories/grain-deal.md" in err
    ), err
    assert "content/stories/election.md: warning: no item follows the story 'election'" in err
    assert "`story: Election`" in err
    assert "later.md" not in err  # a draft follows it: it waits for the draft
    assert run("check", "--now", NOW, "--strict")[0] == 1
