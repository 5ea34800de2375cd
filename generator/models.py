"""The site model: typed, frozen records with no I/O and no rendering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from generator.config import SiteConfig
from generator.yamltext import Position


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """An item's front matter after validation."""

    #: Headline of the summary.
    title: str
    #: When the item was published, always with an offset.
    date: datetime
    #: Tag names as the editor wrote them, in order, without repeats.
    tags: tuple[str, ...]
    #: URL of the summarised article.
    source: str
    #: Publisher's name, when the editor gave one.
    source_name: str | None
    #: Plain-text summary, when the editor gave one.
    summary: str | None
    #: URL slug, when the editor gave one.
    slug: str | None
    #: Left out of the build unless drafts are asked for.
    draft: bool


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
    line: int


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
class Tag:
    """A tag; items that write it differently ("Energy", "energy") share one slug."""

    name: str
    slug: str
    #: Site path of the tag's page.
    url: str


@dataclass(frozen=True, slots=True)
class Item:
    """One summarised article, ready for the templates."""

    path: str
    title: str
    slug: str
    date: datetime
    #: Site path of the item page, e.g. "2025/07/22/talks/".
    url: str
    tags: tuple[Tag, ...]
    source: str
    source_name: str
    summary: str
    html: str
    words: int
    draft: bool


@dataclass(frozen=True, slots=True)
class TagGroup:
    """A tag with its items, newest first."""

    tag: Tag
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the templates and feeds are rendered from."""

    config: SiteConfig
    #: Newest first; ties broken by slug.
    items: tuple[Item, ...]
    #: Sorted by tag slug.
    tags: tuple[TagGroup, ...]
