"""What the search index holds: one small HTML document per searchable page.

Items are indexed with their title, summary, body and, as filters a reader can
choose, their section, tags, publishers, authors and year. An edition is indexed
by its own words only (its title and the editor's introduction), when it has
any: its items are already in the index, and indexing them again under the
edition would put every item in the results twice. Standalone pages (About) are
indexed too; tag, source, author, archive and listing pages are not: they hold
nothing but other pages' titles.

The documents are made here from the site model rather than read back from the
rendered pages, so the index depends on the words alone: a change of theme or of
site.yaml's look re-renders pages but leaves the index as it is. Pagefind reads
each document's URL from its file name, and its filters and metadata from
``data-pagefind-*`` attributes (elements marked ``data-pagefind-ignore`` give
filters and metadata, not words).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from generator.model.records import Edition, Item, Site, SitePage
from generator.render.views import Views, date_text
from generator.text.urls import OutputPath, output_file

#: The filters a reader can choose, in the order the search page shows them.
FILTERS = (
    ("section", "Section"),
    ("tag", "Tag"),
    ("publisher", "Publisher"),
    ("author", "Author"),
    ("year", "Year"),
)


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One page as Pagefind indexes it."""

    #: The page's output file: Pagefind makes the result's URL from it.
    file: OutputPath
    html: str
    #: The day of the edition the page belongs to (None for a standalone page): it
    #: decides the part of the index that holds the page.
    day: dt.date | None = None
    #: The filters' values for the page, as in its HTML: the search page lists them.
    filters: tuple[tuple[str, str], ...] = ()


def search_documents(site: Site, views: Views) -> list[SearchDocument]:
    """Every searchable page, in a fixed order: items newest first, editions, pages."""
    language = site.config.language
    found = [_item(item, site, views, language) for item in site.items]
    found += [_edition(e, views, language) for e in reversed(site.editions) if _has_words(e)]
    found += [_page(page, language) for page in site.pages]
    return found


def documents_digest(documents: Sequence[SearchDocument], settings: str) -> str:
    """A digest of every document and of ``settings`` (language, Pagefind's version)."""
    digest = hashlib.blake2b(settings.encode("utf-8"), digest_size=16)
    for document in documents:
        digest.update(b"\0" + document.file.encode("utf-8") + b"\0" + document.html.encode())
    return digest.hexdigest()


def _has_words(edition: Edition) -> bool:
    return bool(edition.title or edition.intro_html)


def _item(item: Item, site: Site, views: Views, language: str) -> SearchDocument:
    local = item.date.astimezone(site.config.timezone)
    edition = views.edition_link(views.editions[item.edition])
    filters = [("year", str(local.year))]
    filters += [("section", item.section)] if item.section else []
    filters += [("tag", tag.name) for tag in item.tags]
    filters += [
        ("publisher", name) for name in dict.fromkeys(r.publisher.name for r in item.references)
    ]
    filters += [("author", author.name) for author in item.authors]
    meta = [
        ("date", date_text(local.date())),
        ("edition", edition["title"]),
        ("edition_url", edition["url"]),
    ]
    summary = "" if item.summary_is_lead else f"<p>{escape(item.summary)}</p>\n"
    return _document(
        output_file(item.url),
        language,
        item.title,
        summary + item.html,
        filters,
        meta,
        local.isoformat(),
        item.edition,
    )


def _edition(edition: Edition, views: Views, language: str) -> SearchDocument:
    link = views.edition_link(edition)
    title = f"Edition {edition.number}: {link['title']}" if edition.title else link["title"]
    return _document(
        output_file(edition.url),
        language,
        title,
        edition.intro_html,
        [("year", str(edition.date.year))],
        [("date", link["when"])],
        edition.date.isoformat(),
        edition.date,
    )


def _page(page: SitePage, language: str) -> SearchDocument:
    summary = f"<p>{escape(page.summary)}</p>\n" if page.summary else ""
    return _document(output_file(page.url), language, page.title, summary + page.html, [], [], "")


def _document(
    file: OutputPath,
    language: str,
    title: str,
    body: str,
    filters: list[tuple[str, str]],
    meta: list[tuple[str, str]],
    sort_date: str,
    day: dt.date | None = None,
) -> SearchDocument:
    """The HTML Pagefind reads: the words in the body, filters and metadata beside them.

    ``body`` is the page's own HTML, which markdown-it made (and escaped); every other
    value is escaped here, and Pagefind reads it back as text.
    """
    marks = [
        f'<span data-pagefind-filter="{name}">{escape(value)}</span>' for name, value in filters
    ]
    marks += [f'<span data-pagefind-meta="{name}">{escape(value)}</span>' for name, value in meta]
    if sort_date:
        marks.append(f'<span data-pagefind-sort="date">{escape(sort_date)}</span>')
    html = (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n<main data-pagefind-body>\n"
        f'<h1 data-pagefind-meta="title">{escape(title)}</h1>\n{body}\n'
        f"<div data-pagefind-ignore>{''.join(marks)}</div>\n</main>\n</body>\n</html>\n"
    )
    return SearchDocument(file, html, day, tuple(filters))
