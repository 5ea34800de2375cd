"""What each page depends on, and which pages a change reaches.

A page declares its :class:`Inputs`: keys of the things it shows (an item's card
for a listing, its body too for its own page and its edition, an edition's
heading, a template, site.yaml) and the facts it shows besides (page 3 of 12, a
tag's count). :func:`versions` gives every key a digest of what it stands for
in this build; a page's :func:`signature` combines the digests of its inputs.
A page whose signature is the one it was last written with is the same page, and
is not rendered again; the signatures, kept between builds, are the dependency map.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.model.records import Edition, Item, Site, Story
from generator.text.schema import thawed
from generator.text.urls import OutputPath

Versions = Mapping[str, str]


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Inputs:
    """What one page is made from."""

    #: Keys into the build's :func:`versions`.
    keys: tuple[str, ...] = ()
    #: Values the page shows that no key stands for: page numbers, counts.
    facts: tuple[str, ...] = ()

    def with_keys(self, *keys: str) -> Inputs:
        return Inputs((*self.keys, *keys), self.facts)

    def with_facts(self, *facts: str) -> Inputs:
        return Inputs(self.keys, (*self.facts, *facts))

    @staticmethod
    def card(item: Item) -> str:
        """What lists show of an item: everything but its body."""
        return Inputs.card_at(item.url)

    @staticmethod
    def card_at(url: str) -> str:
        """The card of the item at ``url`` (a translation, known by its address)."""
        return f"card:{url}"

    @staticmethod
    def body(item: Item) -> str:
        return f"body:{item.url}"

    @staticmethod
    def menu(root: str) -> str:
        """The menu of the language whose pages are under ``root`` ("" the default's)."""
        return f"menu:{root}" if root else "menu"

    @staticmethod
    def story(story: Story) -> str:
        """A story's own words: its title, paragraph and picture."""
        return f"story:{story.url}"

    @staticmethod
    def edition(edition: Edition) -> str:
        """An edition as lists show it: number, title, date, counts (by its URL: a site in
        several languages has an edition of one day in each)."""
        return f"edition:{edition.url}"

    @staticmethod
    def edition_full(edition: Edition) -> tuple[str, ...]:
        """An edition in full: its heading, introduction, and every item with its body."""
        keys = [f"edition:{edition.url}", f"intro:{edition.url}"]
        for section in edition.sections:
            keys.append(f"section:{section.name or ''}")
            for item in section.items:
                keys += (f"card:{item.url}", f"body:{item.url}")
        # Its notices: each correction's or withdrawal's item, as lists show it.
        keys += (f"card:{notice.item.url}" for notice in edition.notices)
        return tuple(keys)


class Planned(Protocol):
    """A page as :mod:`generator.plan.pages` plans it."""

    @property
    def file(self) -> OutputPath: ...

    @property
    def template(self) -> str | None: ...

    @property
    def inputs(self) -> Inputs: ...

    @property
    def uses(self) -> tuple[str, ...]: ...


def item_card(item: Item, edition: str) -> str:
    """A digest of every field of an item but its body (``edition``: its edition's digest)
    and its file's path, which no page shows: the same item in another checkout (a
    deploy's) has the same card, and its search document the same key."""
    return _digest(
        (
            item.title, item.slug, item.date.isoformat(), item.url,
            *(f"{t.name}\1{t.slug}\1{t.url}" for t in item.tags), "\2",
            *(f"{r.url}\1{r.publisher.name}\1{r.publisher.slug}\1{r.publisher.url}"
              for r in item.references), "\2",
            item.summary, str(item.summary_is_lead), str(item.words), str(item.draft),
            item.feed_id, item.section or "\1", item.edition.isoformat(), edition,
            json.dumps(thawed(item.extra), ensure_ascii=False),
            item.updated.isoformat() if item.updated else "\1",
            *(f"{c.date.isoformat()}\1{c.text}" for c in item.corrections), "\2",
            *(f"{a.name}\1{a.slug}\1{a.url}\1{a.link}" for a in item.authors), "\2",
            repr(item.image),
            *((item.story.slug, item.story.title, item.story.url) if item.story else ("\1",)),
            *((item.withdrawn.date.isoformat(), item.withdrawn.reason) if item.withdrawn
              else ("\1",)),
            str(item.weight), str(item.lead), repr(item.audio),
        )
    )  # fmt: skip


def edition_heading(edition: Edition) -> str:
    return _digest(
        (
            str(edition.number), edition.date.isoformat(), edition.first_day.isoformat(),
            edition.title or "\1", edition.url, str(len(edition.items)), str(edition.words),
        )
    )  # fmt: skip


def versions(site: Site, last: tuple[Site, Versions] | None = None) -> dict[str, str]:
    """The digest of every input key of this build's pages that the site model holds.

    The others, ``site`` (site.yaml and briefing itself), ``template:<name>`` and
    ``static:<name>``, come from the theme and the settings (``page_signatures``).
    The search index keys its parts with these digests too. ``last``: the site of the
    build before and its versions, whose item digests are taken again for the very
    same item (``serve`` keeps the items an edit did not touch) in the same edition.
    """
    found: dict[str, str] = {}
    before, known = last or (None, {})
    earlier = before.every_language if before else ()
    same = {i.url: i for site in earlier for i in (*site.items, *site.withdrawn)}
    for one in site.every_language:
        _language_versions(one, found, same, known)
    return found


def _language_versions(
    site: Site, found: dict[str, str], same: Mapping[str, Item], known: Versions
) -> None:
    """The digests of one language's editions, items, sections and stories."""
    headings = {}
    for edition in site.editions:
        found[f"edition:{edition.url}"] = edition_heading(edition)
        found[f"intro:{edition.url}"] = _digest((edition.intro_html,))
        headings[edition.date] = f"edition:{edition.url}"
    for item in (*site.items, *site.withdrawn):
        url, heading = item.url, headings.get(item.edition, "")
        if same.get(url) is item and found.get(heading) == known.get(heading):
            found[f"card:{url}"], found[f"body:{url}"] = known[f"card:{url}"], known[f"body:{url}"]
        else:
            _item_versions(item, found, heading)
    for section in {s.name or "" for e in site.editions for s in e.sections}:
        found[f"section:{section}"] = _digest((section,))
    for page in site.pages:
        found[f"page:{page.url}"] = _digest(
            (
                page.title, page.summary or "\1", page.html, str(page.words),
                json.dumps(thawed(page.extra), ensure_ascii=False),
                *(f"{a.file}\1{a.width}\1{a.height}" for a in page.attachments),
            )
        )  # fmt: skip
    for group in site.stories:
        story = group.story
        found[Inputs.story(story)] = _digest(
            (story.name, story.title, story.summary_html, repr(story.image),
             *(f"{a.file}\1{a.width}\1{a.height}" for a in story.attachments))
        )  # fmt: skip
    # Every page shows its language's menu, and with it the titles of the pages it names.
    found[Inputs.menu(site.config.root)] = _digest(
        f"{m.title}\1{m.url}\1{m.external}" for m in site.menu
    )


def _item_versions(item: Item, found: dict[str, str], heading_key: str) -> None:
    # A withdrawn item's edition may be gone with it.
    heading = found.get(heading_key, "\1")
    found[f"card:{item.url}"] = item_card(item, heading)
    # A picture's size is written into the body's <img>: part of the body.
    found[f"body:{item.url}"] = _digest(
        (item.html, *(f"{a.file}\1{a.width}\1{a.height}" for a in item.attachments))
    )


def signature(page: Planned, known: Versions) -> str:
    """A digest of everything ``page`` is made from: its template, inputs and facts."""
    inputs = page.inputs
    template = page.template
    parts = [template or "", known[f"template:{template}"] if template else ""]
    for name in page.uses:
        parts += (name, known[f"template:{name}"])
    parts += (known[key] for key in inputs.keys)
    parts.append("\2")
    parts += inputs.facts
    return _digest(parts)


def stale(
    pages: Sequence[Planned], signatures: Sequence[str], written: Mapping[OutputPath, str]
) -> list[int]:
    """Indexes of the pages whose signature is not the one they were last written with."""
    return [
        index
        for index, (page, sig) in enumerate(zip(pages, signatures, strict=True))
        if written.get(page.file) != sig
    ]
