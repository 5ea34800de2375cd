"""Assemble parsed documents into the :class:`Site` model: slugs, URLs, tags, order."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.errors import ContentError, SiteError
from generator.models import Document, Item, Rendered, Site, Tag, TagGroup
from generator.urls import expand_permalink, slugify

# Jekyll-style file names ("2025-07-22-istanbul-talks.md") carry the date the
# permalink already shows; the slug is what follows it.
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


def item_slug(doc: Document) -> str:
    """The editor's ``slug``, else the file name without a date prefix, else the title."""
    if doc.meta.slug:
        return doc.meta.slug
    return slugify(_DATE_PREFIX.sub("", doc.stem)) or slugify(doc.meta.title)


def publisher_name(doc: Document) -> str:
    """``source_name`` when given, else the source's host without "www."."""
    if doc.meta.source_name:
        return doc.meta.source_name
    host = urlsplit(doc.meta.source).hostname or ""
    return host.removeprefix("www.")


def tag_path(slug: str) -> str:
    return f"tags/{slug}/"


def collect_site(
    config: SiteConfig,
    documents: Sequence[tuple[Document, Rendered]],
) -> tuple[Site, list[SiteError]]:
    """Build the site model; return it with every collision found."""
    # Oldest first by (date, path) so that "the first spelling of a tag" is stable.
    ordered = sorted(documents, key=lambda pair: (pair[0].meta.date, pair[0].path))
    tag_names: dict[str, str] = {}
    for doc, _ in ordered:
        for name in doc.meta.tags:
            tag_names.setdefault(slugify(name), name)
    tags = {slug: Tag(name, slug, tag_path(slug)) for slug, name in tag_names.items()}

    items: list[Item] = []
    for doc, rendered in ordered:
        slug = item_slug(doc)
        local = doc.meta.date.astimezone(config.timezone)
        items.append(
            Item(
                path=doc.path,
                title=doc.meta.title,
                slug=slug,
                date=doc.meta.date,
                url=expand_permalink(
                    config.permalink,
                    year=f"{local.year:04d}",
                    month=f"{local.month:02d}",
                    day=f"{local.day:02d}",
                    slug=slug,
                ),
                tags=tuple(tags[slug] for slug in dict.fromkeys(slugify(t) for t in doc.meta.tags)),
                source=doc.meta.source,
                source_name=publisher_name(doc),
                summary=doc.meta.summary or rendered.first_paragraph or doc.meta.title,
                html=rendered.html,
                words=rendered.words,
                draft=doc.meta.draft,
            )
        )
    errors = _url_collisions(items, {doc.path: doc for doc, _ in documents})
    items.sort(key=lambda item: (-item.date.timestamp(), item.slug, item.path))

    by_tag: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for tag in item.tags:
            by_tag[tag.slug].append(item)
    groups = tuple(TagGroup(tags[slug], tuple(by_tag[slug])) for slug in sorted(by_tag))
    return Site(config=config, items=tuple(items), tags=groups), errors


def _url_collisions(items: Sequence[Item], docs: dict[str, Document]) -> list[SiteError]:
    by_url: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_url[item.url].append(item)
    errors: list[SiteError] = []
    for url, clash in by_url.items():
        if len(clash) < 2:
            continue
        for item in clash:
            others = ", ".join(other.path for other in clash if other is not item)
            where = docs[item.path].value_at.get("slug") or docs[item.path].value_at["title"]
            errors.append(
                ContentError(
                    f"two items would be written to /{url}: this one and {others}",
                    path=item.path,
                    line=where.line,
                    col=where.col,
                    hint="give one of them a different `slug:`",
                )
            )
    return errors
