"""Who signed each item: site.yaml's author profiles when it has them, else the names
as written."""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import ContentError, SiteError
from generator.model.records import (
    Author,
    Document,
    Rendered,
)
from generator.project.config import SiteConfig
from generator.reading.naming import author_path, first_by_slug
from generator.text.schema import suggest
from generator.text.urls import slugify


def item_bylines(
    ordered: Sequence[tuple[Document, Rendered]], config: SiteConfig, errors: list[SiteError]
) -> dict[str, tuple[Author, ...]]:
    """Each item's authors: site.yaml's profiles when it has ``authors``, else the
    names as written (one page per slug)."""
    if not config.authors:
        found = first_by_slug(
            [(name, doc, "author") for doc, _ in ordered for name in doc.meta.author],
            lambda name, slug: Author(name, slug, config.root + author_path(slug)),
            "author",
            errors,
        )
        return {
            doc.path: tuple(found[s] for s in dict.fromkeys(slugify(n) for n in doc.meta.author))
            for doc, _ in ordered
            if doc.meta.author
        }
    profiles = {
        key: Author(p.name, slugify(key), config.root + author_path(slugify(key)), p.bio, p.url)
        for key, p in config.authors.items()
    }
    by_name = {p.name.casefold(): profiles[key] for key, p in config.authors.items()}
    bylines: dict[str, tuple[Author, ...]] = {}
    for doc, _ in ordered:
        named: dict[str, Author] = {}
        for written in doc.meta.author:
            author = profiles.get(written) or by_name.get(written.casefold())
            if author is None:
                errors.append(_unknown_author(written, doc, config))
            else:
                named.setdefault(author.slug, author)
        if named:
            bylines[doc.path] = tuple(named.values())
    return bylines


def _unknown_author(written: str, doc: Document, config: SiteConfig) -> SiteError:
    where = doc.value_at["author"]
    choices = [*config.authors, *(p.name for p in config.authors.values())]
    return ContentError.at(
        f"unknown author '{written}': site.yaml's authors do not name them",
        path=doc.path,
        where=where,
        hint=suggest(written, choices)
        or f"add them to authors: in site.yaml, or write one of: {', '.join(config.authors)}",
    )
