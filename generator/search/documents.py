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
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from generator.model.records import Edition, Item, Site, SitePage
from generator.render.views import Views
from generator.text.urls import OutputPath, output_file

#: The filters a reader can choose, in the order the search page shows them (each
#: labelled by the theme's word ``filter_<name>``).
FILTERS = ("section", "tag", "publisher", "author", "story", "year")


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


#: A searchable page's source in the site model.
Searchable = Item | Edition | SitePage


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """A searchable page before its document is made: enough to put it in a part of the
    index, to count its filters, and to tell whether its document changed."""

    file: OutputPath
    #: See :attr:`SearchDocument.day`.
    day: dt.date | None
    filters: tuple[tuple[str, str], ...]
    #: The digests of what the page's document is made from (the plan's digests of its
    #: inputs): the same key, the same document, given the same settings.
    key: str
    page: Searchable


def search_entries(site: Site, versions: Mapping[str, str]) -> list[SearchEntry]:
    """Every searchable page, in a fixed order: items newest first, editions, pages.

    ``versions`` holds the digests of the pages' inputs by name (the plan's
    ``card:``/``body:``, ``edition:``/``intro:`` and ``page:`` digests, made for every
    build anyway): a part's key is made from them, so a build learns that nothing
    changed without making 10,000 documents again.
    """
    zone = site.config.timezone
    found = [
        SearchEntry(
            output_file(item.url),
            item.edition,
            _item_filters(item, item.date.astimezone(zone).year),
            versions[f"card:{item.url}"] + versions[f"body:{item.url}"],
            item,
        )
        for item in site.items
    ]
    found += [
        SearchEntry(
            output_file(e.url),
            e.date,
            (("year", str(e.date.year)),),
            versions[f"edition:{e.url}"] + versions[f"intro:{e.url}"],
            e,
        )
        for e in reversed(site.editions)
        if _has_words(e)
    ]
    found += [
        SearchEntry(output_file(p.url), None, (), versions[f"page:{p.url}"], p) for p in site.pages
    ]
    return found


def document_settings(site: Site, code: str) -> str:
    """What every document of ``site`` is made from besides its page's inputs: the
    language and its words (dates, an edition's title), the time zone (dates and years),
    the base path (links to editions) and ``code``, briefing's own version (the
    documents' form)."""
    config = site.config
    language = site.language
    words = json.dumps(dict(language.words), sort_keys=True, ensure_ascii=False, default=dict)
    return f"{language.code}\0{words}\0{config.timezone}\0{config.base_path}\0{code}"


def entries_digest(entries: Sequence[SearchEntry], settings: str) -> str:
    """A digest of every entry's file and key, and of ``settings`` (everything else a
    document is made from: language, time zone, base path, briefing's and Pagefind's
    versions)."""
    digest = hashlib.blake2b(settings.encode("utf-8"), digest_size=16)
    for entry in entries:
        digest.update(f"\0{entry.file}\0{entry.key}".encode())
    return digest.hexdigest()


class Documents:
    """Makes the search documents of one site, only those asked for."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._views: Views | None = None

    def __call__(self, entry: SearchEntry) -> SearchDocument:
        views = self._views = self._views or Views(self.site)
        language = self.site.language.code
        page = entry.page
        if isinstance(page, Item):
            return _item(page, entry.filters, self.site, views, language)
        if isinstance(page, Edition):
            return _edition(page, views, language)
        return _page(page, language)


def _has_words(edition: Edition) -> bool:
    return bool(edition.title or edition.intro_html)


def _item_filters(item: Item, year: int) -> tuple[tuple[str, str], ...]:
    filters = [("year", str(year))]
    filters += [("section", item.section)] if item.section else []
    filters += [("tag", tag.name) for tag in item.tags]
    filters += [
        ("publisher", name) for name in dict.fromkeys(r.publisher.name for r in item.references)
    ]
    filters += [("author", author.name) for author in item.authors]
    filters += [("story", item.story.title)] if item.story else []
    return tuple(filters)


def _item(
    item: Item, filters: Sequence[tuple[str, str]], site: Site, views: Views, language: str
) -> SearchDocument:
    local = item.date.astimezone(site.config.timezone)
    edition = views.edition_link(views.editions[item.edition])
    meta = [
        ("date", views.words.date(local.date())),
        ("edition", edition["title"]),
        ("edition_url", edition["url"]),
    ]
    summary = "" if item.summary_is_lead else f"<p>{escape(item.summary)}</p>\n"
    return _document(
        output_file(item.url),
        language,
        item.title,
        summary + item.html,
        list(filters),
        meta,
        local.isoformat(),
        item.edition,
    )


def _edition(edition: Edition, views: Views, language: str) -> SearchDocument:
    link = views.edition_link(edition)
    title = (
        views.words("search_edition_title", number=edition.number, title=link["title"])
        if edition.title
        else link["title"]
    )
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
