"""pages: every output file of a site once, with what it is made from; and the sitemap."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SEARCH_SITE_YAML, SITE_YAML, MakeSite, item

from generator.engine.assemble import assemble
from generator.engine.options import BuildOptions
from generator.engine.state import Assembled
from generator.errors import BuildFailed, OutputError
from generator.plan.graph import Inputs
from generator.plan.page import Page
from generator.plan.pages import plan
from generator.project.config import SiteConfig
from generator.render import discovery
from generator.render.views import Views

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
SITE_URL = "https://briefing-dev.github.io/briefing/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

A, B, C, D = "2025/07/20/a/", "2025/07/21/b/", "2025/07/22/c/", "2025/07/23/d/"


def four_items() -> dict[str, str]:
    """Four items, on a site with search on (its page and script are planned files)."""
    return {
        "site.yaml": SEARCH_SITE_YAML,
        "content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", tags="[ukraine]"),
        "content/b.md": item("Rates held", "2025-07-21T10:00:00+03:00", tags="[economy]"),
        "content/c.md": item("Heat wave", "2025-07-22T09:15:00+03:00", tags="[ukraine]"),
        "content/d.md": item("Talks resume", "2025-07-23T11:30:00+03:00"),  # ukraine, diplomacy
    }


def assembled(root: Path) -> Assembled:
    return assemble(BuildOptions(site_dir=root, now=NOW))


def by_file(pages: list[Page]) -> dict[str, Page]:
    return {page.file: page for page in pages}


#: Every HTML page of the four-item site (paginate: 2).
HTML_FILES = [
    "index.html",
    "editions/2025-07-20/index.html",
    "editions/2025-07-21/index.html",
    "editions/2025-07-22/index.html",
    "editions/2025-07-23/index.html",
    "archive/index.html",
    "items/index.html",
    "items/page/2/index.html",
    "corrections/index.html",
    f"{D}index.html",
    f"{C}index.html",
    f"{B}index.html",
    f"{A}index.html",
    "tags/index.html",
    "tags/diplomacy/index.html",
    "tags/economy/index.html",
    "tags/ukraine/index.html",
    "tags/ukraine/page/2/index.html",
    "sources/index.html",
    "sources/reuters-com/index.html",
    "sources/reuters-com/page/2/index.html",
    # Every feed, for people (its OPML list for feed readers is planned with the feeds).
    "feeds/index.html",
    "search/index.html",
    "404.html",
]
OTHER_FILES = [
    "feed.xml",
    "editions/feed.xml",
    "atom.xml",
    "editions/atom.xml",
    "feed.json",
    "editions/feed.json",
    "tags/diplomacy/feed.xml",
    "tags/economy/feed.xml",
    "tags/ukraine/feed.xml",
    "sources/reuters-com/feed.xml",
    "feeds.opml",
    "assets/favicon.svg",
    "assets/search.js",
    "assets/style.css",
    # Each edition as an email (the newest 10, here all four).
    *(
        f"email/2025-07-{day}/{name}"
        for day in (20, 21, 22, 23)
        for name in ("index.html", "email.txt", "edition.eml")
    ),
    ".nojekyll",
    "robots.txt",
    "sitemap.xml",
    ".briefing-output.json",
]


# 1. Every file once ------------------------------------------------------------------------------


def test_plan_lists_every_output_file_once_in_a_fixed_order(make_site: MakeSite) -> None:
    built = assembled(make_site(four_items()))
    assert [page.file for page in built.pages] == HTML_FILES + OTHER_FILES
    again = assembled(make_site(four_items()))
    assert [page.file for page in again.pages] == [page.file for page in built.pages]


def test_plan_of_a_site_without_items(make_site: MakeSite) -> None:
    pages = assembled(make_site({"site.yaml": SEARCH_SITE_YAML})).pages
    assert [page.file for page in pages] == [
        "index.html",
        "archive/index.html",
        "items/index.html",
        "corrections/index.html",
        "tags/index.html",
        "sources/index.html",
        "feeds/index.html",
        "search/index.html",
        "404.html",
        "feed.xml",
        "editions/feed.xml",
        "atom.xml",
        "editions/atom.xml",
        "feed.json",
        "editions/feed.json",
        "feeds.opml",
        "assets/favicon.svg",
        "assets/search.js",
        "assets/style.css",
        ".nojekyll",
        "robots.txt",
        "sitemap.xml",
        ".briefing-output.json",
    ]
    assert by_file(pages)["index.html"].inputs == Inputs(("site", "menu"), ("0",))
    assert by_file(pages)["items/index.html"].inputs == Inputs(("site", "menu"), ("page 1 of 1",))


def test_a_custom_domain_adds_a_cname_file(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML + "cname: news.example.org\n"})
    pages = by_file(assembled(root).pages)
    assert pages["CNAME"].make() == b"news.example.org\n"
    assert pages["CNAME"].inputs == Inputs(("site",), (b"news.example.org\n".hex(),))
    assert [f for f in pages if f in {".nojekyll", "CNAME"}] == [".nojekyll", "CNAME"]


def test_plan_of_an_assembled_site_reports_no_clash(make_site: MakeSite) -> None:
    built = assembled(make_site(four_items()))
    pages, errors = plan(built.site, Views(built.site), built.theme)
    assert errors == []
    assert [p.file for p in pages] == [p.file for p in built.pages]


def test_pages_made_in_python_have_no_template_and_html_pages_theirs(make_site: MakeSite) -> None:
    pages = by_file(assembled(make_site(four_items())).pages)
    assert {f: pages[f].template for f in HTML_FILES} == {
        "index.html": "index.html",
        "editions/2025-07-20/index.html": "edition.html",
        "editions/2025-07-21/index.html": "edition.html",
        "editions/2025-07-22/index.html": "edition.html",
        "editions/2025-07-23/index.html": "edition.html",
        "archive/index.html": "archive.html",
        "items/index.html": "items.html",
        "items/page/2/index.html": "items.html",
        "corrections/index.html": "corrections.html",
        f"{D}index.html": "item.html",
        f"{C}index.html": "item.html",
        f"{B}index.html": "item.html",
        f"{A}index.html": "item.html",
        "tags/index.html": "tags.html",
        "tags/diplomacy/index.html": "tag.html",
        "tags/economy/index.html": "tag.html",
        "tags/ukraine/index.html": "tag.html",
        "tags/ukraine/page/2/index.html": "tag.html",
        "sources/index.html": "sources.html",
        "sources/reuters-com/index.html": "source.html",
        "sources/reuters-com/page/2/index.html": "source.html",
        "feeds/index.html": "feeds.html",
        "search/index.html": "search.html",
        "404.html": "404.html",
    }
    assert {pages[f].template for f in OTHER_FILES} == {None}


def test_two_items_at_one_url_give_one_error_naming_both(make_site: MakeSite) -> None:
    root = make_site(four_items())
    site = assembled(root).site
    newest, second, *rest = site.items
    clashing = dataclasses.replace(site, items=(newest, dataclasses.replace(second, url=D), *rest))
    pages, errors = plan(clashing, Views(clashing), assembled(root).theme)
    assert [(type(e), e.message, e.path, e.hint) for e in errors] == [
        (
            OutputError,
            f"{D}index.html would be written twice: by {root / 'content/d.md'} "
            f"and by {root / 'content/c.md'}",
            str(root / "content/c.md"),
            "change a slug or the permalink pattern so that they differ",
        )
    ]
    # The first keeps the file; nothing else is lost.
    assert by_file(pages)[f"{D}index.html"].origin == str(root / "content/d.md")
    assert len(pages) == len(HTML_FILES + OTHER_FILES) - 1


def test_two_items_at_one_url_stop_the_build_before_the_plan(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/b.md": item("Rates held", "2025-07-21T10:00:00+03:00", slug="same"),
            "content/c.md": item("Heat wave", "2025-07-21T12:00:00+03:00", slug="same"),
        }
    )
    with pytest.raises(BuildFailed) as failed:
        assembled(root)
    b, c = root / "content/b.md", root / "content/c.md"
    assert [str(e) for e in failed.value.errors] == [
        f"{b}:6:7: two items would be written to /2025/07/21/same/: this one and {c}; "
        "give one of them a different `slug:`",
        f"{c}:6:7: two items would be written to /2025/07/21/same/: this one and {b}; "
        "give one of them a different `slug:`",
    ]


@pytest.mark.parametrize(
    ("slug", "file", "first", "then"),
    [
        # The page planned first keeps the file: the lists of editions and items come before
        # the item pages, the tag and source indexes after them.
        ("archive", "archive/index.html", "the archive", "ITEM"),
        ("items", "items/index.html", "the list of all items", "ITEM"),
        ("tags", "tags/index.html", "ITEM", "the tag index"),
        ("sources", "sources/index.html", "ITEM", "the sources index"),
    ],
)
def test_an_item_at_the_url_of_a_list_is_a_clash_naming_both(
    make_site: MakeSite, slug: str, file: str, first: str, then: str
) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "permalink: /{slug}/\n",
            "content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", slug=slug),
        }
    )
    with pytest.raises(BuildFailed) as failed:
        assembled(root)
    [error] = failed.value.errors
    first, then = (str(root / "content/a.md") if o == "ITEM" else o for o in (first, then))
    assert (type(error), error.message, error.hint) == (
        OutputError,
        f"{file} would be written twice: by {first} and by {then}",
        "change a slug or the permalink pattern so that they differ",
    )


def test_a_page_outside_the_output_folder_is_refused(make_site: MakeSite) -> None:
    root = make_site(four_items())
    built = assembled(root)
    site = built.site
    newest, *rest = site.items
    escaping = dataclasses.replace(site, items=(dataclasses.replace(newest, url="../up/"), *rest))
    pages, errors = plan(escaping, Views(escaping), built.theme)
    assert [(e.message, e.path) for e in errors] == [
        (
            "refusing to write outside the output folder: ../up/index.html",
            str(root / "content/d.md"),
        )
    ]
    assert "../up/index.html" not in by_file(pages)


# 2. What each page is made from ------------------------------------------------------------------


#: What every HTML page shows: site.yaml and the menu.
EVERY = ("site", "menu")


def E(day: str) -> str:
    """The key of the heading of the edition of July ``day``."""
    return f"edition:editions/2025-07-{day}/"


def I(day: str) -> str:  # noqa: E743
    """The key of the introduction of the edition of July ``day``."""
    return f"intro:editions/2025-07-{day}/"


@pytest.mark.parametrize(
    ("file", "inputs"),
    [
        # Its own card and body, its neighbours' cards, whether it has neighbours, and
        # the cards of the earlier items it suggests (they share its tags or publisher).
        (f"{D}index.html",
         Inputs((f"card:{D}", f"body:{D}", f"card:{C}", f"card:{C}", f"card:{A}", f"card:{B}",
                 *EVERY), ("", "older"))),
        (f"{C}index.html",
         Inputs((f"card:{C}", f"body:{C}", f"card:{D}", f"card:{B}", f"card:{A}", f"card:{B}",
                 *EVERY), ("newer", "older"))),
        (f"{A}index.html", Inputs((f"card:{A}", f"body:{A}", f"card:{B}", *EVERY), ("newer", ""))),
        # The cards on it, and which page of how many it is.
        ("tags/ukraine/index.html",
         Inputs((f"card:{D}", f"card:{C}", *EVERY), ("ukraine", "3", "page 1 of 2"))),
        ("tags/ukraine/page/2/index.html",
         Inputs((f"card:{A}", *EVERY), ("ukraine", "3", "page 2 of 2"))),
        ("tags/economy/index.html", Inputs((f"card:{B}", *EVERY), ("economy", "1", "page 1 of 1"))),
        ("items/page/2/index.html", Inputs((f"card:{B}", f"card:{A}", *EVERY), ("page 2 of 2",))),
        ("sources/reuters-com/index.html",
         Inputs((f"card:{D}", f"card:{C}", *EVERY), ("reuters.com", "4", "page 1 of 2"))),
        # An index shows each tag's name and count, no item.
        ("tags/index.html",
         Inputs(EVERY, ("diplomacy\0diplomacy\0001", "economy\0economy\0001",
                            "ukraine\0ukraine\0003"))),
        ("archive/index.html",
         Inputs((E("20"), E("21"), E("22"),
                 E("23"), *EVERY))),
        # An edition in full, and its neighbours' headings for the links between them.
        ("editions/2025-07-21/index.html",
         Inputs((E("21"), I("21"), "section:", f"card:{B}", f"body:{B}",
                 E("20"), E("21"), E("22"), *EVERY),
                ("1", "4"))),
        # The latest edition in full, and the headings of the ones before it.
        ("index.html",
         Inputs((E("23"), I("23"), "section:", f"card:{D}", f"body:{D}",
                 E("22"), E("21"), E("20"), *EVERY),
                ("4",))),
        ("404.html", Inputs(EVERY)),
        ("tags/economy/feed.xml", Inputs(("site", f"card:{B}", f"body:{B}"))),
        ("assets/style.css", Inputs(("static:style.css",))),
        (".nojekyll", Inputs(("site",), ("",))),
    ],
)  # fmt: skip
def test_each_page_declares_what_it_shows(make_site: MakeSite, file: str, inputs: Inputs) -> None:
    pages = by_file(assembled(make_site(four_items())).pages)
    assert pages[file].inputs == inputs


def test_a_feed_depends_on_the_card_and_body_of_every_item_in_it(make_site: MakeSite) -> None:
    pages = by_file(assembled(make_site(four_items())).pages)  # feed_items: 3
    expected = ("site", f"card:{D}", f"body:{D}", f"card:{C}", f"body:{C}", f"card:{B}",
                f"body:{B}")  # fmt: skip
    for file in ("feed.xml", "atom.xml", "feed.json"):
        assert pages[file].inputs == Inputs(expected), file


def test_a_page_context_is_made_only_when_asked_and_links_the_canonical_url(
    make_site: MakeSite,
) -> None:
    pages = by_file(assembled(make_site(four_items())).pages)
    context = pages[f"{C}index.html"].make()
    assert (context["page_url"], context["canonical"]) == (f"/briefing/{C}", SITE_URL + C)
    assert context["item"]["title"] == "Heat wave"
    assert (context["newer"]["title"], context["older"]["title"]) == ("Talks resume", "Rates held")
    assert pages["404.html"].make()["canonical"] is None
    assert pages["robots.txt"].make() == (
        b"User-agent: *\nAllow: /\n\nSitemap: https://briefing-dev.github.io/briefing/sitemap.xml\n"
    )


# 3. The sitemap ----------------------------------------------------------------------------------


def locs(data: bytes, root_tag: str, tag: str) -> list[str]:
    tree = ET.fromstring(data)
    assert tree.tag == SITEMAP + root_tag
    assert [child.tag for child in tree] == [SITEMAP + tag] * len(tree)
    return [child.findtext(SITEMAP + "loc") or "" for child in tree]


def test_the_sitemap_lists_every_html_page_but_the_404_and_search_pages(
    make_site: MakeSite,
) -> None:
    pages = by_file(assembled(make_site(four_items())).pages)
    listed = locs(pages["sitemap.xml"].make(), "urlset", "url")
    unlisted = ("404.html", "search/index.html")
    expected = sorted(
        SITE_URL + file.removesuffix("index.html") for file in HTML_FILES if file not in unlisted
    )
    assert listed == expected
    assert len(listed) == 22
    assert SITE_URL in listed and SITE_URL + "tags/ukraine/page/2/" in listed
    assert not [url for url in listed if "404" in url or url.endswith((".xml", ".json"))]
    assert "sitemap-1.xml" not in pages


FILES = ["index.html", "a/index.html", "b/index.html", "c.html", "d/e/index.html", "404.html",
         "feed.xml", "assets/style.css"]  # fmt: skip
URLS = [SITE_URL, SITE_URL + "a/", SITE_URL + "b/", SITE_URL + "c.html", SITE_URL + "d/e/"]


@pytest.mark.parametrize("limit", [5, 6, 50_000])
def test_a_sitemap_up_to_the_limit_is_one_file(config: SiteConfig, limit: int) -> None:
    [sitemap] = discovery.sitemap_files(config, FILES, limit=limit)
    assert (sitemap.file, sitemap.index) == ("sitemap.xml", False)
    assert locs(sitemap.render(), "urlset", "url") == URLS


@pytest.mark.parametrize(
    ("limit", "parts"),
    [
        (4, [URLS[:4], URLS[4:]]),
        (2, [URLS[:2], URLS[2:4], URLS[4:]]),
        (1, [[url] for url in URLS]),
    ],
)
def test_a_sitemap_above_the_limit_is_an_index_of_parts(
    config: SiteConfig, limit: int, parts: list[list[str]]
) -> None:
    index, *files = discovery.sitemap_files(config, FILES, limit=limit)
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert (index.file, index.index) == ("sitemap.xml", True)
    assert locs(index.render(), "sitemapindex", "sitemap") == [SITE_URL + n for n in names]
    assert [(f.file, f.index) for f in files] == [(n, False) for n in names]
    listed = [locs(f.render(), "urlset", "url") for f in files]
    assert listed == parts
    assert all(len(urls) <= limit for urls in listed)


def test_the_default_sitemap_limit_is_the_protocols() -> None:
    assert discovery.SITEMAP_LIMIT == 50_000


def test_sitemap_urls_are_escaped_for_xml(config: SiteConfig) -> None:
    [sitemap] = discovery.sitemap_files(config, ["a&b/index.html", "q<x.html"])
    assert b"&amp;" in sitemap.render() and b"<x" not in sitemap.render()
    assert locs(sitemap.render(), "urlset", "url") == [SITE_URL + "a&b/", SITE_URL + "q%3Cx.html"]


def test_names_one_only_on_linux_are_a_clash_naming_both(make_site: MakeSite) -> None:
    """macOS and Windows fold case, Unicode form and ß: the editor's laptop would lose one."""
    root = make_site(
        {
            "content/a.md": item("Alpha", tags="[straße]"),
            "content/b.md": item("Bravo", tags="[strasse]"),
            "themes/default/static/Logo.svg": "<svg/>",
            "themes/default/static/logo.svg": "<svg/>",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        assembled(root)
    static = root / "themes/default/static"
    one = "would be one on macOS and Windows, which ignore case and Unicode form in names"
    hint = "change a slug or the permalink pattern so that they differ"
    assert [str(e) for e in failed.value.errors] == [
        f"{static / 'logo.svg'}: assets/Logo.svg and assets/logo.svg {one}: "
        f"by {static / 'Logo.svg'} and by {static / 'logo.svg'}; {hint}",
        f"the page of tag 'straße': tags/strasse/ and tags/straße/ {one}: "
        f"by the page of tag 'strasse' and by the page of tag 'straße'; {hint}",
    ]


def test_a_theme_file_windows_could_not_write_is_refused(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item(), "themes/default/static/a\\b.css": "p {}"})
    with pytest.raises(BuildFailed) as failed:
        assembled(root)
    assert [str(e) for e in failed.value.errors] == [
        f"{root / 'themes/default/static/a'}\\b.css: refusing to write assets/a\\b.css: "
        "'\\\\' is a folder separator on Windows"
    ]


@pytest.mark.parametrize(
    ("first", "second"), [("Foo.md", "foo.md"), ("caf\u00e9.md", "cafe\u0301.md")]
)
def test_file_names_one_only_on_linux_give_one_address_and_an_error(
    make_site: MakeSite, first: str, second: str
) -> None:
    root = make_site(
        {
            f"content/{first}": item("One", "2025-07-21T10:00:00+03:00"),
            f"content/{second}": item("Two", "2025-07-21T12:00:00+03:00"),
        }
    )
    with pytest.raises(BuildFailed) as failed:
        assembled(root)
    paths = sorted(str(root / "content" / name) for name in (first, second))
    assert [e.path for e in failed.value.errors] == paths
    assert all(
        "two items would be written to /2025/07/21/" in e.message for e in failed.value.errors
    )
