"""Assembling the site model: sections, editions, publishers, tags, collisions."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import PurePosixPath

import pytest
from conftest import item

from generator.errors import BuildFailed
from generator.model.records import Citation, Site
from generator.project.config import SiteConfig
from generator.reading import content, markup
from generator.reading.collect import collect_site
from generator.reading.naming import publisher_name
from generator.reading.sources import Source


def site_of(config: SiteConfig, files: dict[str, str], notes: dict[str, str] | None = None) -> Site:
    site, errors = collect(config, files, notes)
    assert errors == []
    return site


def collect(config: SiteConfig, files: dict[str, str], notes: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    docs = []
    for name, text in files.items():
        doc = content.parse(Source(f"content/{name}", PurePosixPath(name), text), config.timezone)
        docs.append((doc, markup.render(doc.body, body_line=doc.body_line)))
    parsed_notes = []
    for name, text in (notes or {}).items():
        rel = PurePosixPath("editions", name)
        note = content.parse_edition(Source(f"content/{rel}", rel, text))
        parsed_notes.append((note, markup.render(note.body, body_line=note.body_line)))
    return collect_site(config, docs, parsed_notes)


@pytest.fixture
def sectioned(config: SiteConfig) -> SiteConfig:
    return dataclasses.replace(config, sections=("Top stories", "World", "Economy", "Technology"))


def test_edition_groups_items_by_section_in_site_order(sectioned: SiteConfig) -> None:
    site = site_of(
        sectioned,
        {
            "a.md": item("Markets", "2025-07-22T08:00:00+03:00", section="Economy"),
            "b.md": item("No section", "2025-07-22T09:00:00+03:00"),
            "c.md": item("Talks", "2025-07-22T10:00:00+03:00", section="Top stories"),
            "d.md": item("More talks", "2025-07-22T11:00:00+03:00", section="top stories"),
        },
    )
    (edition,) = site.editions
    # World and Technology have no items and are left out; items without a section come last.
    assert [(s.name, [i.title for i in s.items]) for s in edition.sections] == [
        ("Top stories", ["More talks", "Talks"]),
        ("Economy", ["Markets"]),
        (None, ["No section"]),
    ]


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        (
            ("Top stories", "World"),
            "content/a.md:6:10: unknown section 'Wrold'; did you mean 'World'?",
        ),
        (
            ("Top stories", "Economy"),
            "content/a.md:6:10: unknown section 'Wrold'; "
            "sections in site.yaml: Top stories, Economy",
        ),
        (
            (),
            "content/a.md:6:10: section 'Wrold' is given, but site.yaml lists no sections; "
            "list the sections in site.yaml, e.g. sections: [Top stories, World]",
        ),
    ],
)
def test_unknown_section_is_located_with_a_suggestion(
    config: SiteConfig, sections: tuple[str, ...], expected: str
) -> None:
    _, errors = collect(
        dataclasses.replace(config, sections=sections), {"a.md": item(section="Wrold")}
    )
    assert [str(e) for e in errors] == [expected]


def test_editions_are_numbered_from_the_oldest(config: SiteConfig) -> None:
    site = site_of(
        config,
        {
            "a.md": item("Third day", "2025-07-24T08:00:00+03:00"),
            "b.md": item("First day", "2025-07-20T08:00:00+03:00"),
            "c.md": item("Second day, late", "2025-07-22T23:30:00+03:00"),
            "d.md": item(
                "Second day, after midnight", "2025-07-23T00:20:00+03:00", edition="2025-07-22"
            ),
        },
    )
    assert [(e.number, e.date, len(e.items)) for e in site.editions] == [
        (1, date(2025, 7, 20), 1),
        (2, date(2025, 7, 22), 2),
        (3, date(2025, 7, 24), 1),
    ]
    assert site.editions[1].url == "editions/2025-07-22/"


def test_weekly_editions_collect_a_week(config: SiteConfig) -> None:
    weekly = dataclasses.replace(config, editions="weekly", week_ends_on="sunday")
    site = site_of(
        weekly,
        {
            "a.md": item("Mon", "2025-07-21T08:00:00+03:00"),
            "b.md": item("Sun", "2025-07-27T22:00:00+03:00"),
            "c.md": item("Next Mon", "2025-07-28T08:00:00+03:00"),
        },
    )
    assert [(e.date, e.first_day, [i.title for i in e.items]) for e in site.editions] == [
        (date(2025, 7, 27), date(2025, 7, 21), ["Sun", "Mon"]),
        (date(2025, 8, 3), date(2025, 7, 28), ["Next Mon"]),
    ]


def test_edition_file_gives_title_and_introduction(config: SiteConfig) -> None:
    site = site_of(
        config,
        {"a.md": item()},
        {
            "2025-07-22.md": '---\ntitle: "Talks again"\n---\nAn *introduction*.\n',
            "2025-07-30.md": "Written ahead of the day; no items yet.\n",
        },
    )
    (edition,) = site.editions
    assert edition.title == "Talks again"
    assert edition.intro_html == "<p>An <em>introduction</em>.</p>\n"
    assert edition.words == 2 + site.items[0].words


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "22-07-2025.md",
            "Intro.\n",
            "content/editions/22-07-2025.md: an edition file must be named after its date, "
            "not '22-07-2025.md'; name it editions/YYYY-MM-DD.md, e.g. editions/2025-07-22.md",
        ),
        (
            "2025-07-22.md",
            "---\ntitel: X\n---\nIntro.\n",
            "content/editions/2025-07-22.md:2:1: unknown key 'titel' in edition front matter; "
            "did you mean 'title'?",
        ),
    ],
)
def test_edition_file_errors(name: str, text: str, expected: str) -> None:
    rel = PurePosixPath("editions", name)
    with pytest.raises(BuildFailed) as failed:
        content.parse_edition(Source(f"content/{rel}", rel, text))
    assert [str(e) for e in failed.value.errors] == [expected]


def test_weekly_edition_file_must_be_named_for_the_closing_day(config: SiteConfig) -> None:
    weekly = dataclasses.replace(config, editions="weekly")
    _, errors = collect(weekly, {"a.md": item()}, {"2025-07-22.md": "Intro.\n"})
    assert [str(e) for e in errors] == [
        "content/editions/2025-07-22.md: 2025-07-22 is not the closing day of a weekly edition "
        "(editions close on Sunday); name the file 2025-07-27.md"
    ]


@pytest.mark.parametrize(
    ("citation", "publishers", "expected"),
    [
        (Citation("https://www.reuters.com/world/x", "Reuters Staff"), {}, "Reuters Staff"),
        (Citation("https://www.reuters.com/world/x"), {"reuters.com": "Reuters"}, "Reuters"),
        (Citation("https://uk.reuters.com/x"), {"reuters.com": "Reuters"}, "Reuters"),
        (
            Citation("https://news.bbc.co.uk/x"),
            {"bbc.co.uk": "BBC", "news.bbc.co.uk": "BBC News"},
            "BBC News",
        ),
        (Citation("https://notreuters.com/x"), {"reuters.com": "Reuters"}, "notreuters.com"),
        (Citation("https://www.dw.com/en/x"), {}, "dw.com"),
        (Citation("https://WWW.Example.ORG:8443/x"), {}, "example.org"),
    ],
)
def test_publisher_name(
    config: SiteConfig, citation: Citation, publishers: dict[str, str], expected: str
) -> None:
    assert publisher_name(citation, dataclasses.replace(config, publishers=publishers)) == expected


def test_items_citing_a_publisher_share_its_page(config: SiteConfig) -> None:
    config = dataclasses.replace(config, publishers={"reuters.com": "Reuters"})
    site = site_of(
        config,
        {
            "a.md": item("A", source="https://www.reuters.com/a"),
            "b.md": item(
                "B",
                "2025-07-23T08:00:00+03:00",
                source="[https://apnews.com/b, {url: https://uk.reuters.com/b}]",
            ),
            "c.md": item("C", source="https://apnews.com/c", source_name="The AP"),
        },
    )
    cited = {g.publisher.name: [i.title for i in g.items] for g in site.publishers}
    assert cited == {"apnews.com": ["B"], "Reuters": ["B", "A"], "The AP": ["C"]}
    b = site.items[0]
    assert [(r.url, r.publisher.name) for r in b.references] == [
        ("https://apnews.com/b", "apnews.com"),
        ("https://uk.reuters.com/b", "Reuters"),
    ]
    assert {g.publisher.url for g in site.publishers} == {
        "sources/apnews-com/",
        "sources/reuters/",
        "sources/the-ap/",
    }


def test_feed_ids_survive_edits_and_follow_ups(config: SiteConfig) -> None:
    first = item("Talks", "2025-07-20T08:00:00+03:00", source="https://apnews.com/talks")
    site = site_of(config, {"a.md": first})
    assert site.items[0].feed_id == "https://apnews.com/talks"
    # A later item summarising the same article does not change the first one's id.
    site = site_of(
        config,
        {
            "a.md": item(
                "Talks renamed",
                "2025-07-20T08:00:00+03:00",
                source="https://apnews.com/talks",
                slug="renamed",
            ),
            "b.md": item(
                "Follow-up", "2025-07-21T08:00:00+03:00", source="https://apnews.com/talks"
            ),
            "c.md": item("Own id", "2025-07-22T08:00:00+03:00", id="tag:briefing,2025:42"),
        },
    )
    assert {i.title: i.feed_id for i in site.items} == {
        "Talks renamed": "https://apnews.com/talks",
        "Follow-up": "https://apnews.com/talks#b",
        "Own id": "tag:briefing,2025:42",
    }


def test_two_items_with_one_explicit_id_are_an_error(config: SiteConfig) -> None:
    _, errors = collect(config, {"a.md": item("A", id="same"), "b.md": item("B", id="same")})
    assert [str(e) for e in errors] == [
        "content/a.md:6:5: two items have the feed id same: this one and content/b.md; "
        "each `id:` must be unique: feed readers would show only one of them",
        "content/b.md:6:5: two items have the feed id same: this one and content/a.md; "
        "each `id:` must be unique: feed readers would show only one of them",
    ]


def test_tag_spellings_with_one_slug_are_an_error_naming_both(config: SiteConfig) -> None:
    """C#, C and C++ all make the slug "c": merged, C# would show as C everywhere."""
    _, errors = collect(
        config,
        {
            "a.md": item("A", "2025-07-20T09:00:00+03:00", tags="[C]"),
            "b.md": item("B", "2025-07-21T09:00:00+03:00", tags="[C#, energy]"),
            "c.md": item("C", "2025-07-22T09:00:00+03:00", tags="[C++, C#]"),
        },
    )
    assert [str(e) for e in errors] == [
        "content/b.md:4:7: tag 'C#' and tag 'C' (in content/a.md) have one page, /tags/c/: "
        "the site would show 'C#' as 'C'; write them the same, or spell one out "
        "(for example 'C#' as words)",
        "content/c.md:4:7: tag 'C++' and tag 'C' (in content/a.md) have one page, /tags/c/: "
        "the site would show 'C++' as 'C'; write them the same, or spell one out "
        "(for example 'C++' as words)",
    ]


def test_spellings_that_differ_in_case_accents_or_hyphens_merge(config: SiteConfig) -> None:
    site = site_of(
        config,
        {
            "a.md": item("A", "2025-07-20T09:00:00+03:00", tags="[Energy, Café, New York]"),
            "b.md": item("B", "2025-07-21T09:00:00+03:00", tags="[energy, cafe, new-york]"),
        },
    )
    assert [(g.tag.name, g.tag.slug) for g in site.tags] == [
        ("Café", "cafe"), ("Energy", "energy"), ("New York", "new-york")
    ]  # fmt: skip
