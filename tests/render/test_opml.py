"""opml: /feeds.opml and the /feeds/ page list every feed the site publishes, in
folders, each by its title and absolute address; every page announces both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run

from generator.engine.assemble import assemble
from generator.engine.options import BuildOptions
from generator.plan.graph import Inputs
from generator.project.config import SiteConfig
from generator.render.opml import Folder, Subscription, render_opml

NOW = "2025-07-24T12:00:00+03:00"
SITE_URL = "https://briefing-dev.github.io/briefing/"
AUTHORS = "authors:\n  olena: Olena Kovalenko\n"
#: A site with tags, two sources, an author and a running story.
FILES = {
    "site.yaml": SITE_YAML + AUTHORS,
    "content/a.md": item("Talks resume", author="olena", story="Grain deal"),
    "content/b.md": item(
        "Rates held",
        "2025-07-21T08:00:00+03:00",
        tags="[economy, R&D]",
        source="https://bbc.co.uk/x",
    ),
    "content/c.md": item("Ships sail", "2025-07-23T08:00:00+03:00", story="Grain deal"),
}
FOLDERS = ["Site", "Editions", "Stories", "Tags", "Sources", "Authors"]


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(FILES)
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    return root / "_site"


def outlines(out: Path) -> dict[str, list[dict[str, str]]]:
    """The OPML file's folders, each with its feeds' attributes, in order."""
    body = ET.parse(out / "feeds.opml").getroot().find("body")
    assert body is not None
    return {folder.get("text", ""): [dict(o.attrib) for o in folder] for folder in body}


def feed_files(out: Path) -> list[str]:
    """Every feed file the build wrote, as site paths."""
    found = [*out.rglob("feed.xml"), *out.rglob("atom.xml"), *out.rglob("feed.json")]
    return sorted(path.relative_to(out).as_posix() for path in found)


def absolute(site_path: str) -> str:
    """A site path's address as feeds write it (non-ASCII percent-encoded)."""
    from urllib.parse import quote

    return SITE_URL + quote(site_path, safe="/")


class _Page(HTMLParser):
    """The feeds page's links, its read-only fields and the labels naming them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.fields: dict[str, str] = {}
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a":
            self.links.append(a["href"])
        elif tag == "input":
            assert "readonly" in a and a["type"] == "text"
            self.fields[a["id"]] = a["value"]
        elif tag == "label":
            self.labelled.add(a["for"])


def feeds_page(out: Path) -> _Page:
    parser = _Page()
    parser.feed((out / "feeds/index.html").read_text(encoding="utf-8"))
    return parser


# The OPML file -------------------------------------------------------------------------------


def test_the_opml_file_is_opml_2_with_a_head_and_no_clock(site: Path) -> None:
    root = ET.parse(site / "feeds.opml").getroot()
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    head = root.find("head")
    assert head is not None
    assert {child.tag: child.text for child in head} == {
        "title": "Test Briefing: every feed",
        "ownerName": "Test Briefing",
    }
    assert (site / "feeds.opml").read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_feeds_are_in_folders_each_by_its_rss_address(site: Path) -> None:
    folders = outlines(site)
    assert list(folders) == FOLDERS
    assert {name: [o["xmlUrl"].removeprefix(SITE_URL) for o in feeds]
            for name, feeds in folders.items()} == {
        "Site": ["feed.xml"],
        "Editions": ["editions/feed.xml"],
        "Stories": ["stories/grain-deal/feed.xml"],
        "Tags": ["tags/diplomacy/feed.xml", "tags/economy/feed.xml", "tags/r-d/feed.xml",
                 "tags/ukraine/feed.xml"],
        "Sources": ["sources/bbc-co-uk/feed.xml", "sources/reuters-com/feed.xml"],
        "Authors": ["authors/olena/feed.xml"],
    }  # fmt: skip
    for feeds in folders.values():
        for outline in feeds:
            assert outline["type"] == "rss" and outline["version"] == "RSS2"
            assert outline["text"] == outline["title"]
            assert outline["htmlUrl"].startswith(SITE_URL)


def test_each_feed_is_named_and_placed_as_the_feed_names_itself(site: Path) -> None:
    for feeds in outlines(site).values():
        for outline in feeds:
            path = outline["xmlUrl"].removeprefix(SITE_URL)
            channel = ET.parse(site / path).getroot().find("channel")
            assert channel is not None
            assert outline["title"] == channel.findtext("title"), path
            # The editions' feed names editions/, which is no page: the archive lists them.
            page = outline["htmlUrl"].removeprefix(SITE_URL)
            if path != "editions/feed.xml":
                assert outline["htmlUrl"] == channel.findtext("link"), path
            assert (site / page / "index.html").is_file(), page
    tags = [o["title"] for o in outlines(site)["Tags"]]
    assert "Test Briefing: R&D" in tags


def test_every_feed_file_is_in_the_opml_file_or_on_the_feeds_page(site: Path) -> None:
    in_opml = {o["xmlUrl"] for feeds in outlines(site).values() for o in feeds}
    page = feeds_page(site)
    linked = {SITE_URL + href.removeprefix("/briefing/") for href in page.links}
    files = feed_files(site)
    assert len(files) == 16
    for file in files:
        url = absolute(file)
        # Every RSS file is a subscription; Atom and JSON Feed sit beside theirs.
        if file.endswith("feed.xml"):
            assert url in in_opml, file
        else:
            assert url in linked, file
            assert url.rsplit("/", 1)[0] + "/feed.xml" in in_opml, file
    # And nothing listed is missing.
    assert {u.removeprefix(SITE_URL) for u in in_opml} <= set(files)


def test_a_non_ascii_slug_is_percent_encoded_as_feeds_write_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/a.md": item("Roads", tags="[Straße]")})
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    (tag,) = outlines(root / "_site")["Tags"]
    assert tag["xmlUrl"] == SITE_URL + "tags/stra%C3%9Fe/feed.xml"
    assert tag["htmlUrl"] == SITE_URL + "tags/stra%C3%9Fe/"
    assert "Authors" not in outlines(root / "_site") and "Stories" not in outlines(root / "_site")


@pytest.mark.parametrize(
    ("title", "read_back"),
    [
        ("News & <Views>", "News & <Views>"),
        ("\"Quoted\" 'both'", "\"Quoted\" 'both'"),
        ("Two\nlines", "Two\nlines"),
        ("Bell\x07 and \ufffe", "Bell and "),  # characters XML cannot carry: dropped
    ],
)
def test_render_opml_escapes_what_it_is_given(title: str, read_back: str) -> None:
    config = SiteConfig(title=title, url=SITE_URL)
    url = SITE_URL + "tags/x/feed.xml?a=1&b=2"
    feed = Subscription("Tags", title, "tags/x/", SITE_URL + "tags/x/",
                        (("rss", "tags/x/feed.xml", url),))  # fmt: skip
    root = ET.fromstring(render_opml(config, [Folder("Tags", (feed,))]))
    assert root.findtext("head/title") == read_back + ": every feed"
    assert root.findtext("head/ownerName") == read_back
    outline = root.find("body/outline/outline")
    assert outline is not None
    assert (outline.get("title"), outline.get("text"), outline.get("xmlUrl")) == (
        read_back,
        read_back,
        url,
    )


# The feeds page and every page's head ------------------------------------------------------


def test_the_feeds_page_lists_the_same_addresses_each_labelled(site: Path) -> None:
    page = feeds_page(site)
    in_opml = [o["xmlUrl"] for feeds in outlines(site).values() for o in feeds]
    assert list(page.fields.values()) == in_opml
    assert set(page.fields) == page.labelled
    assert "/briefing/feeds.opml" in page.links
    html = (site / "feeds/index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="feeds-[a-z]+">([^<]+)</h2>', html)
    assert headings == FOLDERS
    assert "<script" not in html
    assert '<a href="/briefing/tags/r-d/">Test Briefing: R&amp;D</a>' in html


def test_every_page_announces_the_opml_file_and_links_the_feeds_page(site: Path) -> None:
    link = (
        '<link rel="alternate" type="text/x-opml" title="Test Briefing: every feed (OPML)" '
        'href="/briefing/feeds.opml">'
    )
    for page in ("index.html", "tags/economy/index.html", "feeds/index.html", "404.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert html.count(link) == 1, page
        assert '<a href="/briefing/feeds/">all feeds</a>' in html, page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}feeds/</loc>" in sitemap
    assert "feeds.opml" not in sitemap


# What they are made from ----------------------------------------------------------------------


def inputs(root: Path) -> dict[str, Inputs]:
    pages = assemble(BuildOptions(site_dir=root, now=datetime(2025, 7, 30, tzinfo=UTC))).pages
    return {p.file: p.inputs for p in pages if p.file in ("feeds.opml", "feeds/index.html")}


def test_a_new_tag_changes_both_and_a_new_item_alone_neither(make_site: MakeSite) -> None:
    root = make_site(FILES)
    before = inputs(root)
    assert before["feeds.opml"].keys == ("site",)
    assert set(before["feeds/index.html"].keys) == {"site", "menu"}
    (root / "content/d.md").write_text(item("More talks", "2025-07-24T08:00:00+03:00"))
    assert inputs(root) == before
    (root / "content/e.md").write_text(item("Heat", "2025-07-25T08:00:00+03:00", tags="[climate]"))
    after = inputs(root)
    for file in ("feeds.opml", "feeds/index.html"):
        added = set(after[file].facts) - set(before[file].facts)
        assert [fact.split("\0")[:2] for fact in added] == [["Tags", "Test Briefing: climate"]]


def test_builds_of_the_same_site_write_the_same_bytes(site: Path) -> None:
    first = {name: (site / name).read_bytes() for name in ("feeds.opml", "feeds/index.html")}
    # Later, in another folder, from nothing cached: no clock, no path in them.
    code, _, err = run(
        "build", "--now", "2025-07-29T12:00:00+03:00", "--output", "_again", "--clean"
    )
    assert code == 0, err
    again = site.parent / "_again"
    assert {name: (again / name).read_bytes() for name in first} == first


def test_folders_are_their_text_alone_as_the_w3c_validator_asks(site: Path) -> None:
    """An outline with more than text is, to the W3C validator, a feed or a link that
    lacks its type (a warning); a folder is its name alone."""
    body = ET.parse(site / "feeds.opml").getroot().find("body")
    assert body is not None
    assert [folder.attrib for folder in body] == [{"text": name} for name in FOLDERS]
