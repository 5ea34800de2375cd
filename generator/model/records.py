"""The site model: typed, frozen records with no I/O and no rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from generator.project.config import SiteConfig
from generator.text.yamltext import Position


@dataclass(frozen=True, slots=True)
class Citation:
    """A source an item cites, as written in its front matter."""

    url: str
    #: The publisher's name when the editor gave it.
    name: str | None = None


@dataclass(frozen=True, slots=True)
class LeadImage:
    """An item's lead picture as the editor gave it: a file beside the item, or an
    https URL."""

    src: str
    alt: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class AudioFile:
    """An item's audio as the editor gave it: a file beside the item (whose length and
    type the build finds), or an https URL with both given."""

    src: str
    #: Bytes, given for an https URL; None for a file beside the item.
    length: int | None = None
    #: MIME type, given for an https URL; None for a file beside the item.
    type: str | None = None
    #: How long it plays, in whole seconds, when the editor gave it.
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """An item's front matter after validation."""

    #: Headline of the summary.
    title: str
    #: When the item was published, always with an offset.
    date: dt.datetime
    #: Tag names as the editor wrote them, in order, without repeats.
    tags: tuple[str, ...]
    #: The summarised articles, primary first.
    sources: tuple[Citation, ...]
    #: Plain-text summary, when the editor gave one.
    summary: str | None
    #: URL slug, when the editor gave one.
    slug: str | None
    #: Left out of the build unless drafts are asked for.
    draft: bool
    #: Section name as written, checked against site.yaml later.
    section: str | None = None
    #: The edition the editor put the item in, overriding its date's.
    edition: dt.date | None = None
    #: A permanent id for feeds, when the editor gave one.
    id: str | None = None
    #: The editor's own metadata for the theme (`extra:`), read-only, as written.
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: When the item was last changed after publication, always with an offset.
    updated: dt.datetime | None = None
    #: Corrections after publication, oldest first.
    corrections: tuple[Correction, ...] = ()
    #: Who wrote the summary, as the editor wrote them (site.yaml's `authors` keys or names).
    author: tuple[str, ...] = ()
    #: The lead picture, for the top of the item and link previews.
    image: LeadImage | None = None
    #: The running story it belongs to, as the editor wrote its name.
    story: str | None = None
    #: When and why the item was withdrawn: its page then says so, and nothing else.
    withdrawn: Withdrawal | None = None
    #: Its place in its section, lower first (Hugo's `weight`); None: after those with one.
    weight: int | None = None
    #: The lead story of its edition: shown first and larger.
    lead: bool = False
    #: Its audio (a reading, a podcast episode), for a player and feed enclosures.
    audio: AudioFile | None = None
    #: The language it is written in, as the editor wrote it; None: the site's default.
    lang: str | None = None
    #: What its translations share: items with the same key link to each other.
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed content file: typed front matter plus its Markdown body."""

    #: Path shown in messages.
    path: str
    #: The file name without folders or ".md", used for the default slug.
    stem: str
    meta: ItemMeta
    body: str
    #: 1-based line where the body starts in the file.
    body_line: int
    #: Where each front-matter value starts, for errors found after parsing.
    value_at: Mapping[str, Position]


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image found in Markdown, with the file line it is on."""

    url: str
    #: 1-based line in the file.
    line: int
    #: 1-based column where the URL is written, when it could be found as written.
    col: int | None = None
    #: An image's alt text ("" when it has none); None for a link.
    alt: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction to an item after publication, shown with it and listed site-wide."""

    date: dt.datetime
    #: Plain text, as the editor wrote it.
    text: str


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """An item taken back after publication: its page stays, saying when and why."""

    date: dt.datetime
    #: Plain text, as the editor wrote it.
    reason: str


@dataclass(frozen=True, slots=True)
class Picture:
    """A lead picture ready to show: where it is, what it shows, and its size if known."""

    #: A site path ("2025/07/22/talks/map.png") or, for a picture elsewhere, an https URL.
    src: str
    external: bool
    alt: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file an item links to (a picture beside it), published beside the item's page."""

    #: Where it is read from, as messages show it ("content/2025-07-22-talks/map.png").
    path: str
    #: Where it is written, the site path the link resolves to from the item's page.
    file: str
    #: Changes whenever the file's bytes do.
    digest: str
    #: A picture's size in pixels as browsers show it; None for other files.
    width: int | None = None
    height: int | None = None
    #: Its length in bytes, when the build knows it (an audio's enclosure needs it).
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Audio:
    """An item's audio ready to play and to enclose in feeds: length and type known."""

    #: A site path ("2025/07/22/talks/briefing.mp3") or, for audio elsewhere, an https URL.
    src: str
    external: bool
    #: Bytes, exactly: feed enclosures give it, and podcast apps check it.
    length: int
    #: MIME type, "audio/mpeg".
    type: str
    #: Whole seconds, when the editor gave it.
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """A Markdown body turned into HTML."""

    html: str
    #: The first paragraph as plain text ('' when the body has none).
    first_paragraph: str
    #: Links and image sources in order of appearance.
    links: tuple[Link, ...]
    #: Words in the body, for reading time.
    words: int


@dataclass(frozen=True, slots=True)
class EditionNote:
    """An editor's file for one edition (content/editions/<date>.md): title and introduction."""

    path: str
    #: The edition's date, from the file name.
    date: dt.date
    title: str | None
    body: str
    body_line: int
    #: Slugs of items the editor put first, in this order (``order:``).
    order: tuple[str, ...] = ()
    #: Where ``order`` is written, for its errors.
    order_at: Position | None = None
    #: The language of the edition it introduces, from its file name
    #: (``editions/2025-07-22.uk.md``); None: the site's default.
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class StoryNote:
    """An editor's file for a running story (content/stories/<slug>.md): its title, a
    paragraph that sums it up, and a picture."""

    path: str
    #: The story's slug, from the file name.
    slug: str
    title: str | None
    image: LeadImage | None
    body: str
    body_line: int
    value_at: Mapping[str, Position]
    #: The language of the story's pages it is for, from its file name
    #: (``stories/grain-deal.uk.md``); None: the site's default.
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class PageDocument:
    """A standalone page's file (content/pages/<name>.md) parsed: About, Subscribe."""

    path: str
    #: Its address without slashes at the ends, from the file's place: "about",
    #: "policies/corrections".
    name: str
    title: str
    #: One sentence for search engines and link previews, when the editor gave one.
    summary: str | None
    #: Its place in the site's menu, when it puts itself there.
    menu: int | None
    draft: bool
    extra: Mapping[str, Any]
    #: The Markdown ("" once cached: its HTML is kept instead).
    body: str
    body_line: int
    value_at: Mapping[str, Position]
    #: Its language, from its file name (``pages/about.uk.md``); None: the default.
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class SitePage:
    """A standalone page, ready for the templates: not an item, in no edition or feed."""

    path: str
    name: str
    title: str
    summary: str | None
    #: Site path, "about/".
    url: str
    html: str
    links: tuple[Link, ...]
    words: int
    menu: int | None
    extra: Mapping[str, Any]
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class MenuLink:
    """One entry of the site's navigation after its fixed links."""

    title: str
    #: A site path ("about/") or, for a link elsewhere, an absolute URL.
    url: str
    external: bool = False


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who published a cited article; items that cite it share one page."""

    name: str
    slug: str
    #: Site path of the publisher's page.
    url: str


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote an item; items they wrote share one page and one feed."""

    name: str
    slug: str
    #: Site path of the author's page.
    url: str
    bio: str | None = None
    #: Their own page elsewhere.
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited article and its publisher."""

    url: str
    publisher: Publisher


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag; items that write it differently ("Energy", "energy") share one slug."""

    name: str
    slug: str
    #: Site path of the tag's page.
    url: str


@dataclass(frozen=True, slots=True)
class Story:
    """A running story (the grain deal, a trial) that items follow across editions."""

    #: As the first item naming it wrote it.
    name: str
    slug: str
    #: Site path of the story's page.
    url: str
    #: The heading of its page: its file's title, else its name.
    title: str
    #: Its file's paragraph as HTML, and as plain text for descriptions and feeds.
    summary_html: str = ""
    summary: str = ""
    image: Picture | None = None
    #: Its file, when the editor wrote one.
    path: str | None = None
    #: Links and pictures in its file, its picture's first, for the link checks.
    links: tuple[Link, ...] = ()
    #: The files its file links to (its picture), published beside its page.
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """One summarised article, ready for the templates."""

    path: str
    title: str
    slug: str
    date: dt.datetime
    #: Site path of the item page, e.g. "2025/07/22/talks/".
    url: str
    tags: tuple[Tag, ...]
    #: The cited articles, primary first.
    references: tuple[Reference, ...]
    summary: str
    #: True when the summary is the body's first paragraph (no ``summary:`` given),
    #: so a page showing the body need not show it twice.
    summary_is_lead: bool
    html: str
    words: int
    draft: bool
    #: Links and images in the body, with their lines, for link checks and rewriting.
    links: tuple[Link, ...]
    #: The id of the item's feed entries: the editor's ``id``, else the primary source
    #: URL, so that it survives edits of the title or slug.
    feed_id: str
    #: The section's name as listed in site.yaml, or None.
    section: str | None
    #: The date of the edition the item belongs to.
    edition: dt.date
    #: The editor's own metadata for the theme (`extra:` in front matter).
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: The files beside the item that its body links to, published beside its page.
    attachments: tuple[Attachment, ...] = ()
    #: When the item was last changed after publication (its `updated:`, or its latest
    #: correction, whichever is later); it stays in its edition.
    updated: dt.datetime | None = None
    #: Corrections after publication, oldest first.
    corrections: tuple[Correction, ...] = ()
    #: Who wrote it, in the order the editor named them.
    authors: tuple[Author, ...] = ()
    #: The lead picture, resolved.
    image: Picture | None = None
    #: The running story it belongs to.
    story: Story | None = None
    #: When and why it was withdrawn; a withdrawn item keeps nothing of its text (its
    #: body, summary and picture are gone from the model), only its title and this.
    withdrawn: Withdrawal | None = None
    #: Its place in its section, lower first; None: after those with one, newest first.
    weight: int | None = None
    #: The lead story of its edition.
    lead: bool = False
    #: Its audio, resolved; None for a withdrawn item.
    audio: Audio | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A section of one edition with its items; ``name`` None holds items without a section."""

    name: str | None
    items: tuple[Item, ...]
    #: The edition's lead story alone, shown before the sections.
    lead: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """A correction or a withdrawal, as an edition carries it forward."""

    date: dt.datetime
    #: The correction's text, or why the item was withdrawn.
    text: str
    item: Item
    withdrawal: bool = False


@dataclass(frozen=True, slots=True)
class Edition:
    """One issue of the briefing: a day's (or a week's) items in section order."""

    date: dt.date
    #: 1 for the oldest edition.
    number: int
    #: The first day covered: ``date`` itself for daily editions.
    first_day: dt.date
    #: The editor's title from the edition file, if any.
    title: str | None
    #: The editor's introduction as HTML ('' when there is none).
    intro_html: str
    intro_words: int
    #: Site path of the edition page.
    url: str
    #: Non-empty sections in site.yaml order, items without a section last.
    sections: tuple[Section, ...]
    #: Corrections and withdrawals made since the edition before it, oldest first.
    notices: tuple[Notice, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def words(self) -> int:
        return self.intro_words + sum(item.words for item in self.items)

    @property
    def published(self) -> dt.datetime:
        """An edition is dated by its newest item, so readers see it once it is complete."""
        return max(item.date for item in self.items)


@dataclass(frozen=True, slots=True)
class PublisherGroup:
    """A publisher with the items that cite it, newest first."""

    publisher: Publisher
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class TagGroup:
    """A tag with its items, newest first."""

    tag: Tag
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class AuthorGroup:
    """An author with their items, newest first."""

    author: Author
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """A running story with its items, newest first."""

    story: Story
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Language:
    """The language a site (or one language of a multilingual site) is written in."""

    #: BCP 47 tag, as site.yaml's ``language`` and an item's ``lang`` give it: "uk".
    code: str = "en"
    #: Its own name for itself, for the language switch: "Українська".
    name: str = "English"
    #: The theme's fixed words in this language (its i18n tables merged, the default
    #: language's filling any gap), by key, read-only.
    words: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Alternate:
    """A page's version in another language: an item's translation, another
    language's front page."""

    #: Its language's tag and own name: "uk", "Українська".
    code: str
    name: str
    #: Its site path, "uk/2025/07/22/talks/".
    url: str
    #: Its title, for the link's tooltip and the sitemap.
    title: str


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the templates and feeds are rendered from."""

    config: SiteConfig
    #: Newest first; ties broken by slug.
    items: tuple[Item, ...]
    #: Sorted by tag slug.
    tags: tuple[TagGroup, ...]
    #: Oldest first, numbered from 1.
    editions: tuple[Edition, ...]
    #: Sorted by publisher slug.
    publishers: tuple[PublisherGroup, ...]
    #: Standalone pages, by site path.
    pages: tuple[SitePage, ...] = ()
    #: The navigation's own entries, in order.
    menu: tuple[MenuLink, ...] = ()
    #: Sorted by author slug.
    authors: tuple[AuthorGroup, ...] = ()
    #: Latest activity first (the date of a story's newest item), then by slug.
    stories: tuple[StoryGroup, ...] = ()
    #: Items withdrawn after publication, newest first: in no list, edition or index,
    #: each at its address with the notice, and in the feeds that carried it.
    withdrawn: tuple[Item, ...] = ()
    #: Earlier items each item's page suggests, by the item's URL (see model/related.py).
    related: Mapping[str, tuple[Item, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: site.yaml's link-preview picture for pages without one of their own.
    preview: Picture | None = None
    #: The width and height of each picture in the site's static/ folder, by site path,
    #: for the <img> of a body that links one.
    static_pictures: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: The language of its pages and feeds.
    language: Language = field(default_factory=Language)
    #: The site in each of its other languages, in site.yaml's order (each under its
    #: own folder); empty for a site in one language and for those sites themselves.
    languages: tuple[Site, ...] = ()
    #: Each item's translations, by its URL (an item with none is not there); one
    #: mapping for every language of the site.
    alternates: Mapping[str, tuple[Alternate, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def every_language(self) -> tuple[Site, ...]:
        """The site in its default language, then in each of the others."""
        return (self, *self.languages)

    @property
    def every_page(self) -> tuple[SitePage, ...]:
        """The standalone pages of every language, the default's first."""
        return tuple(page for one in self.every_language for page in one.pages)

    @property
    def every_item(self) -> tuple[Item, ...]:
        """The items of every language, the default's first."""
        if not self.languages:
            return self.items
        return tuple(item for one in self.every_language for item in one.items)
