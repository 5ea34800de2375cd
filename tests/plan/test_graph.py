"""graph: what each page is made from, the digests of those inputs, and which pages are stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import pytest

from generator.model.records import (
    Attachment,
    Audio,
    Author,
    Correction,
    Edition,
    Item,
    Link,
    Picture,
    Publisher,
    Reference,
    Section,
    Site,
    Story,
    Tag,
    Withdrawal,
)
from generator.plan import graph
from generator.plan.graph import Inputs, item_card, signature, stale, versions
from generator.project.config import SiteConfig
from generator.text.urls import OutputPath

DAY = dt.date(2025, 7, 22)
OTHER_DAY = dt.date(2025, 7, 23)
REUTERS = Publisher("Reuters", "reuters", "sources/reuters/")
UKRAINE = Tag("Ukraine", "ukraine", "tags/ukraine/")
DIPLOMACY = Tag("Diplomacy", "diplomacy", "tags/diplomacy/")


def make_item(slug: str = "talks", day: dt.date = DAY, **fields: Any) -> Item:
    values: dict[str, Any] = {
        "path": f"content/{slug}.md",
        "title": "Talks resume",
        "slug": slug,
        "date": dt.datetime(day.year, day.month, day.day, 9, 15, tzinfo=dt.UTC),
        "url": f"{day:%Y/%m/%d}/{slug}/",
        "tags": (UKRAINE,),
        "references": (Reference(f"https://www.reuters.com/{slug}", REUTERS),),
        "summary": "Delegations meet again.",
        "summary_is_lead": True,
        "html": "<p>Delegations meet again.</p>\n",
        "words": 3,
        "draft": False,
        "links": (),
        "feed_id": f"https://www.reuters.com/{slug}",
        "section": None,
        "edition": day,
    }
    values.update(fields)
    return Item(**values)


def make_edition(day: dt.date, number: int, *sections: Section, **fields: Any) -> Edition:
    values: dict[str, Any] = {
        "date": day,
        "number": number,
        "first_day": day,
        "title": None,
        "intro_html": "",
        "intro_words": 0,
        "url": f"editions/{day.isoformat()}/",
        "sections": sections,
    }
    values.update(fields)
    return Edition(**values)


def make_site(*items: Item, editions: tuple[Edition, ...] | None = None) -> Site:
    """A site whose editions hold ``items`` by their edition date, one section each."""
    if editions is None:
        days = sorted({i.edition for i in items})
        editions = tuple(
            make_edition(day, n, Section(None, tuple(i for i in items if i.edition == day)))
            for n, day in enumerate(days, start=1)
        )
    config = SiteConfig(title="Test", url="https://example.org/")
    return Site(config=config, items=items, tags=(), editions=editions, publishers=())


@dataclass(frozen=True)
class Planned:
    file: OutputPath
    template: str | None
    inputs: Inputs
    uses: tuple[str, ...] = ()


FIXED = {"site": "s1", "template:item.html": "t1", "template:tag.html": "t2"}


# 1. Inputs ---------------------------------------------------------------------------------------


def test_inputs_with_keys_and_facts_append_without_changing_the_original() -> None:
    base = Inputs(("site",), ("page 1 of 2",))
    more = base.with_keys("card:a/", "body:a/").with_facts("newer")
    assert more == Inputs(("site", "card:a/", "body:a/"), ("page 1 of 2", "newer"))
    assert base == Inputs(("site",), ("page 1 of 2",))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (Inputs.card(make_item()), "card:2025/07/22/talks/"),
        (Inputs.body(make_item()), "body:2025/07/22/talks/"),
        (Inputs.edition(make_edition(DAY, 1)), "edition:editions/2025-07-22/"),
    ],
)
def test_input_keys(key: str, expected: str) -> None:
    assert key == expected


def test_edition_full_lists_heading_intro_and_each_item_in_section_order() -> None:
    world_1, world_2 = make_item("w1", section="World"), make_item("w2", section="World")
    economy, loose = make_item("e1", section="Economy"), make_item("x1")
    edition = make_edition(
        DAY,
        1,
        Section("World", (world_1, world_2)),
        Section("Economy", (economy,)),
        Section(None, (loose,)),
    )
    assert Inputs.edition_full(edition) == (
        "edition:editions/2025-07-22/",
        "intro:editions/2025-07-22/",
        "section:World",
        "card:2025/07/22/w1/",
        "body:2025/07/22/w1/",
        "card:2025/07/22/w2/",
        "body:2025/07/22/w2/",
        "section:Economy",
        "card:2025/07/22/e1/",
        "body:2025/07/22/e1/",
        "section:",
        "card:2025/07/22/x1/",
        "body:2025/07/22/x1/",
    )


def test_edition_full_of_an_edition_without_items() -> None:
    assert Inputs.edition_full(make_edition(DAY, 1)) == (
        "edition:editions/2025-07-22/",
        "intro:editions/2025-07-22/",
    )


# 2. versions ------------------------------------------------------------------------------------


def test_versions_has_a_digest_for_every_key_the_site_stands_for() -> None:
    first, second = make_item("a"), make_item("b", OTHER_DAY, section="World")
    editions = (
        make_edition(DAY, 1, Section(None, (first,))),
        make_edition(OTHER_DAY, 2, Section("World", (second,))),
    )
    found = {**FIXED, **versions(make_site(first, second, editions=editions))}
    assert set(found) == {
        *FIXED,
        "edition:editions/2025-07-22/",
        "intro:editions/2025-07-22/",
        "edition:editions/2025-07-23/",
        "intro:editions/2025-07-23/",
        "card:2025/07/22/a/",
        "body:2025/07/22/a/",
        "card:2025/07/23/b/",
        "body:2025/07/23/b/",
        "section:",
        "section:World",
        "menu",
    }
    assert {k: found[k] for k in FIXED} == FIXED


# Every field a card shows (views.card): a change reaches every list the item is on.
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Talks stall"),
        ("summary", "Delegations leave."),
        ("tags", (UKRAINE, DIPLOMACY)),
        ("tags", (Tag("ukraine", "ukraine", "tags/ukraine/"),)),
        ("date", dt.datetime(2025, 7, 22, 10, 15, tzinfo=dt.UTC)),
        ("edition", OTHER_DAY),
        ("references", (Reference("https://apnews.com/x", Publisher("AP", "ap", "sources/ap/")),)),
        ("summary_is_lead", False),
        ("words", 300),
        ("section", "World"),
        ("slug", "talks-resume"),
    ],
)
def test_card_digest_changes_with_what_a_card_shows_and_the_body_digest_does_not(
    field: str, value: object
) -> None:
    item, other = make_item(), make_item("other", OTHER_DAY)
    before = {**FIXED, **versions(make_site(item, other))}
    site = make_site(item, other)
    after = {**FIXED, **versions(replace(site, items=(replace(item, **{field: value}), other)))}
    assert after["card:2025/07/22/talks/"] != before["card:2025/07/22/talks/"]
    assert after["body:2025/07/22/talks/"] == before["body:2025/07/22/talks/"]
    assert {k: v for k, v in after.items() if k != "card:2025/07/22/talks/"} == {
        k: v for k, v in before.items() if k != "card:2025/07/22/talks/"
    }


def test_a_new_body_changes_the_body_digest_and_not_the_card() -> None:
    item = make_item()
    before = {**FIXED, **versions(make_site(item))}
    after = {**FIXED, **versions(make_site(replace(item, html="<p>Delegations left.</p>\n")))}
    assert after["body:2025/07/22/talks/"] != before["body:2025/07/22/talks/"]
    assert after["card:2025/07/22/talks/"] == before["card:2025/07/22/talks/"]
    assert {k for k in after if after[k] != before[k]} == {"body:2025/07/22/talks/"}


@pytest.mark.parametrize(
    ("field", "value", "changed"),
    [
        # A card shows its edition's link (number, title, item count, reading time).
        ("title", "Talks week", {"edition:editions/2025-07-22/", "card:2025/07/22/talks/"}),
        ("number", 7, {"edition:editions/2025-07-22/", "card:2025/07/22/talks/"}),
        (
            "first_day",
            dt.date(2025, 7, 16),
            {"edition:editions/2025-07-22/", "card:2025/07/22/talks/"},
        ),  # noqa: E501
        ("intro_words", 40, {"edition:editions/2025-07-22/", "card:2025/07/22/talks/"}),
        ("intro_html", "<p>Hello.</p>", {"intro:editions/2025-07-22/"}),
    ],
)
def test_an_edition_change_reaches_its_heading_and_its_items_cards(
    field: str, value: object, changed: set[str]
) -> None:
    item, other = make_item(), make_item("other", OTHER_DAY)
    site = make_site(item, other)
    before = {**FIXED, **versions(site)}
    editions = (replace(site.editions[0], **{field: value}), site.editions[1])
    after = {**FIXED, **versions(replace(site, editions=editions))}
    assert {k for k in after if after[k] != before[k]} == changed


def test_an_edition_is_known_by_its_url_so_each_language_has_its_own() -> None:
    """A site in two languages has an edition of the same day in each: one key each."""
    item = make_item()
    site = make_site(item)
    moved = replace(site.editions[0], url="uk/editions/2025-07-22/")
    keys = versions(replace(site, editions=(moved, *site.editions[1:])))
    assert "edition:uk/editions/2025-07-22/" in keys
    assert "edition:editions/2025-07-22/" not in keys


def test_versions_after_a_body_edit_make_again_only_what_the_edit_reached() -> None:
    """serve indexes an edit for search from its first look at it, before the rebuild:
    the few digests it makes again must be all that the edit changed."""
    item, neighbour, other = make_item(), make_item("neighbour"), make_item("other", OTHER_DAY)
    site = make_site(item, neighbour, other)
    edited = replace(item, html="<p>Delegations met again, at length.</p>\n", words=5)
    after = make_site(edited, neighbour, other)
    revised = versions(after, (site, versions(site)))
    assert revised == versions(after)
    # The word count is in the edition's heading, and so in every card of that edition.
    changed = {k for k in revised if revised[k] != versions(site)[k]}
    assert changed == {
        "edition:editions/2025-07-22/",
        "card:2025/07/22/talks/",
        "body:2025/07/22/talks/",
        "card:2025/07/22/neighbour/",
    }


def test_versions_taken_from_the_build_before_are_the_versions_made_afresh() -> None:
    """serve passes the last build's site and versions: digests of the very same item in
    an edition with the same heading are taken, and everything else is made again."""
    item, neighbour, other = make_item(), make_item("neighbour"), make_item("other", OTHER_DAY)
    site = make_site(item, neighbour, other)
    last = (site, versions(site))
    retitled = replace(item, title="Talks resume in Geneva")
    renumbered = replace(site, editions=(replace(site.editions[0], number=9), site.editions[1]))
    for after in (
        site,
        make_site(retitled, neighbour, other),  # a new item object: made again
        renumbered,  # the same items, a new heading: their cards made again
        make_site(item, other),  # one gone, and with it a heading's item count
    ):
        assert versions(after, last) == versions(after)


def test_an_edition_heading_changes_with_its_number_of_items() -> None:
    item, extra = make_item(), make_item("extra")
    site = make_site(item)
    before = {**FIXED, **versions(site)}
    grown = replace(site.editions[0], sections=(Section(None, (item, extra)),))
    after = {**FIXED, **versions(replace(site, items=(item, extra), editions=(grown,)))}
    assert after["edition:editions/2025-07-22/"] != before["edition:editions/2025-07-22/"]
    assert after["card:2025/07/22/talks/"] != before["card:2025/07/22/talks/"]


# 3. The dependency map covers every field of an item -------------------------------------------

#: A different value for every field of models.Item. A field added to Item must be added here,
#: and must either change graph.item_card or be the body (or derived from it).
CHANGED: dict[str, object] = {
    "path": "content/elsewhere.md",
    "title": "Talks stall",
    "slug": "stall",
    "date": dt.datetime(2025, 7, 22, 9, 16, tzinfo=dt.UTC),
    "url": "2025/07/22/stall/",
    "tags": (),
    "references": (),
    "summary": "Another summary.",
    "summary_is_lead": False,
    "html": "<p>Another body.</p>\n",
    "words": 4,
    "draft": True,
    "links": (Link("https://example.org/", 3, 1),),
    "feed_id": "urn:uuid:1",
    "section": "World",
    "edition": OTHER_DAY,
    "extra": MappingProxyType({"podcast": "https://example.org/ep1.mp3"}),
    "updated": dt.datetime(2025, 7, 23, 10, 0, tzinfo=dt.UTC),
    "corrections": (Correction(dt.datetime(2025, 7, 23, 10, 0, tzinfo=dt.UTC), "Fixed."),),
    "authors": (Author("Olena Kovalenko", "olena", "authors/olena/"),),
    "image": Picture("2025/07/22/talks/map.png", False, "A map", None, 640, 480),
    "attachments": (Attachment("content/map.png", "2025/07/22/talks/map.png", "d1", 640, 480),),
    "story": Story("Grain deal", "grain-deal", "stories/grain-deal/", "The grain deal"),
    "withdrawn": Withdrawal(dt.datetime(2025, 7, 24, 8, 0, tzinfo=dt.UTC), "A forged letter."),
    "weight": 2,
    "lead": True,
    "audio": Audio("2025/07/22/talks/briefing.mp3", False, 4821302, "audio/mpeg", 754),
}
#: The body, and what is read from it: the pages that show them depend on body:<url>.
BODY_FIELDS = {"html", "links", "attachments"}
#: The item's file, which no page shows: left out, so that the same item in another
#: checkout (a deploy's, with the last deploy's cache) keeps its digests.
UNSHOWN_FIELDS = {"path"}


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Item)])
def test_every_item_field_is_in_the_card_digest_or_is_the_body(field: str) -> None:
    assert field in CHANGED, f"Item.{field} is new: add it to CHANGED and to graph.item_card"
    item = make_item()
    assert getattr(item, field) != CHANGED[field]
    changed = replace(item, **{field: CHANGED[field]})
    if field in BODY_FIELDS | UNSHOWN_FIELDS:
        assert item_card(changed, "e1") == item_card(item, "e1")
    else:
        assert item_card(changed, "e1") != item_card(item, "e1")


def test_the_table_of_changed_fields_names_only_fields_of_item() -> None:
    assert set(CHANGED) == {f.name for f in dataclasses.fields(Item)}


@pytest.mark.parametrize(
    "change",
    [
        *({"tags": (replace(UKRAINE, **{f.name: "x"}),)} for f in dataclasses.fields(Tag)),
        *(
            {
                "references": (
                    Reference("https://www.reuters.com/talks", replace(REUTERS, **{f.name: "x"})),
                )
            }
            for f in dataclasses.fields(Publisher)
        ),  # fmt: skip
        {"references": (Reference("https://www.reuters.com/other", REUTERS),)},
    ],
)
def test_every_field_of_a_tag_and_a_reference_is_in_the_card_digest(
    change: dict[str, Any],
) -> None:
    item = make_item()
    assert item_card(replace(item, **change), "e1") != item_card(item, "e1")


def test_the_card_digest_changes_with_the_edition_digest() -> None:
    assert item_card(make_item(), "e1") != item_card(make_item(), "e2")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Field boundaries are kept: moving text from one field to the next is a change.
        ({"title": "ab", "slug": "c"}, {"title": "a", "slug": "bc"}),
        # Lists show tags in the order written.
        ({"tags": (UKRAINE, DIPLOMACY)}, {"tags": (DIPLOMACY, UKRAINE)}),
    ],
)
def test_the_card_digest_keeps_fields_apart(first: dict[str, Any], second: dict[str, Any]) -> None:
    assert item_card(make_item(**first), "e1") != item_card(make_item(**second), "e1")


# 4. signature and stale -------------------------------------------------------------------------

PAGE = Planned(
    "2025/07/22/talks/index.html",
    "item.html",
    Inputs(("card:a/", "body:a/", "site"), ("newer", "")),
)
KNOWN = {**FIXED, "card:a/": "c1", "body:a/": "b1", "card:b/": "c2"}


@pytest.mark.parametrize(
    ("page", "known", "same"),
    [
        (PAGE, KNOWN, True),
        # A key the page does not use changes: the page is the same.
        (PAGE, {**KNOWN, "card:b/": "c3"}, True),
        (PAGE, {**KNOWN, "template:tag.html": "t9"}, True),
        # One of its inputs, or its template, changes.
        (PAGE, {**KNOWN, "card:a/": "c9"}, False),
        (PAGE, {**KNOWN, "body:a/": "b9"}, False),
        (PAGE, {**KNOWN, "site": "s9"}, False),
        (PAGE, {**KNOWN, "template:item.html": "t9"}, False),
        # Its facts change, or it is rendered with another template.
        (replace(PAGE, inputs=Inputs(PAGE.inputs.keys, ("newer", "older"))), KNOWN, False),
        (replace(PAGE, inputs=Inputs(PAGE.inputs.keys, ("", "newer"))), KNOWN, False),
        (replace(PAGE, template="tag.html"), KNOWN, False),
        (replace(PAGE, template=None), KNOWN, False),
        # It shows one input more, or the same inputs in another order.
        (replace(PAGE, inputs=PAGE.inputs.with_keys("card:b/")), KNOWN, False),
        (replace(PAGE, inputs=Inputs(("body:a/", "card:a/", "site"), ("newer", ""))), KNOWN,
         False),
        # A digest moved from the inputs to the facts: the boundary between them is kept.
        (replace(PAGE, inputs=Inputs(("card:a/", "body:a/"), ("s1", "newer", ""))), KNOWN,
         False),
        # The file it goes to is not part of what it is made from.
        (replace(PAGE, file="elsewhere.html"), KNOWN, True),
    ],
)  # fmt: skip
def test_signature_changes_exactly_when_an_input_changes(
    page: Planned, known: dict[str, str], same: bool
) -> None:
    assert (signature(page, known) == signature(PAGE, KNOWN)) is same


def test_signature_of_a_page_without_a_template_needs_no_template_version() -> None:
    page = Planned("robots.txt", None, Inputs(("site",), ("7573",)))
    assert signature(page, {"site": "s1"}) == signature(page, {"site": "s1", "x": "y"})
    assert signature(page, {"site": "s1"}) != signature(page, {"site": "s2"})


def test_signature_of_a_page_with_an_unknown_key_is_a_bug() -> None:
    with pytest.raises(KeyError, match="card:missing/"):
        signature(replace(PAGE, inputs=Inputs(("card:missing/",))), KNOWN)


def test_stale_returns_exactly_the_pages_whose_signature_differs() -> None:
    pages = [Planned(f"p{n}.html", None, Inputs()) for n in range(5)]
    signatures = ["s0", "s1", "s2", "s3", "s4"]
    written = {"p0.html": "s0", "p1.html": "old", "p3.html": "s3", "gone.html": "s9"}
    # p1 changed, p2 and p4 were never written; gone.html is not a page any more.
    assert stale(pages, signatures, written) == [1, 2, 4]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ({}, [0, 1]),
        ({"a.html": "sa", "b.html": "sb"}, []),
        ({"a.html": "sb", "b.html": "sa"}, [0, 1]),
    ],
)
def test_stale(written: dict[str, str], expected: list[int]) -> None:
    pages = [Planned("a.html", None, Inputs()), Planned("b.html", None, Inputs())]
    assert stale(pages, ["sa", "sb"], written) == expected


def test_stale_refuses_signatures_that_do_not_match_the_pages() -> None:
    with pytest.raises(ValueError):
        stale([Planned("a.html", None, Inputs())], [], {})


def test_a_page_planned_from_versions_is_stale_only_after_its_input_changes() -> None:
    item, other = make_item(), make_item("other", OTHER_DAY)
    site = make_site(item, other)
    pages = [
        Planned(f"{i.url}index.html", "item.html", Inputs((Inputs.card(i), Inputs.body(i), "site")))
        for i in site.items
    ]
    before = [signature(p, {**FIXED, **versions(site)}) for p in pages]
    written = {p.file: s for p, s in zip(pages, before, strict=True)}
    assert stale(pages, before, written) == []
    edited = replace(site, items=(item, replace(other, html="<p>New.</p>")))
    after = [signature(p, {**FIXED, **versions(edited)}) for p in pages]
    assert stale(pages, after, written) == [1]
    assert graph.signature(pages[0], {**FIXED, **versions(edited)}) == before[0]


def test_a_file_made_from_several_templates_changes_with_each_of_them() -> None:
    # An edition's email message is made from email.html and email.txt.
    page = Planned("email/2025-07-22/edition.eml", None, Inputs(("site",)), ("a.html", "b.txt"))
    known = {"site": "s1", "template:a.html": "t1", "template:b.txt": "t2"}
    first = signature(page, known)
    assert signature(page, {**known, "template:b.txt": "t3"}) != first
    assert signature(page, {**known, "template:a.html": "t4"}) != first
    assert signature(page, dict(known)) == first
