"""Where each HTML page goes and what it shows: the front page, item pages, editions,
tag, source and author listings, paginated, each with the inputs it depends on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from generator.model.languages import page_alternates
from generator.model.records import Alternate, Author, Item, Site
from generator.plan.graph import Inputs
from generator.plan.page import PARTING, Page
from generator.render.discovery import unlisted
from generator.render.feeds import site_feeds
from generator.render.opml import FEEDS_PAGE, feed_facts, feed_folders, folder_views
from generator.render.templates import Context, page_path, paginate
from generator.render.views import SEARCH_PAGE, View, Views, story_neighbours
from generator.search.documents import FILTERS
from generator.text.urls import (
    output_file,
)

#: No page has a version in another language: the site is in one.
NONE: Mapping[str, Sequence[Alternate]] = MappingProxyType({})


class Layout:
    """Collects the HTML pages of one site (one language's), each with its inputs and
    context; ``alternates``: every page's versions in each language, by site path."""

    def __init__(
        self, site: Site, views: Views, alternates: Mapping[str, Sequence[Alternate]] = NONE
    ) -> None:
        self.site = site
        self.views = views
        self.alternates = alternates
        self.pages: list[Page] = []
        self.common: dict[str, Any] = {"site": views.site_view(), "t": views.words}

    def page(
        self,
        template: str,
        site_path: str,
        origin: str,
        inputs: Inputs,
        context: Context,
        parting: str = PARTING,
    ) -> None:
        views, common = self.views, self.common
        file, root = output_file(site_path), self.site.config.root

        def full() -> dict[str, Any]:
            return {
                **self._in_languages(site_path),
                "page_url": views.href(site_path),
                # Unlisted pages (404, search) have no address of their own to share.
                "canonical": None if unlisted(file, (root,)) else views.absolute(site_path),
                **common,
                **context(),
            }

        inputs = inputs.with_keys("site", Inputs.menu(self.site.config.root))
        self.pages.append(Page(file, origin, template, inputs, full, parting))

    def _in_languages(self, site_path: str) -> dict[str, list[View]]:
        """A page's versions in every language, for ``<link rel="alternate" hreflang>``,
        and the language switch: each language's version, else its front page."""
        homes = self.alternates.get(self.site.config.root, ())
        if not homes:
            return {"alternates": [], "languages": []}
        versions = self.alternates.get(site_path, ())
        views, own = self.views, self.site.language.code
        found = {alt.code: alt for alt in versions}
        return {
            "alternates": [
                View(code=alt.code, name=alt.name, url=views.absolute(alt.url)) for alt in versions
            ],
            "languages": [
                View(
                    code=home.code,
                    name=home.name,
                    url=views.href(found.get(home.code, home).url),
                    current=home.code == own,
                    translation=home.code in found,
                )
                for home in homes
            ],
        }

    def listing(
        self,
        template: str,
        first: str,
        origin: str,
        entries: Sequence[Item],
        inputs: Inputs,
        extra: Context,
    ) -> None:
        views = self.views
        chunks = paginate(entries, self.site.config.paginate)
        for number, chunk in enumerate(chunks, start=1):
            pagination = _pagination(first, number, len(chunks), views.href)
            self.page(
                template,
                page_path(first, number),
                origin,
                inputs.with_keys(*(Inputs.card(item) for item in chunk)).with_facts(
                    f"page {number} of {len(chunks)}"
                ),
                lambda chunk=chunk, pagination=pagination: {  # type: ignore[misc]
                    "items": views.items(chunk),
                    "pagination": pagination,
                    **extra(),
                },
            )


def html_pages(
    site: Site, views: Views, alternates: Mapping[str, Sequence[Alternate]] = NONE
) -> list[Page]:
    layout = Layout(site, views, alternates)
    # The pages of a language other than the site's default are under its folder.
    root = site.config.root
    _edition_pages(layout, site)
    layout.page(
        "archive.html",
        root + "archive/",
        "the archive",
        Inputs(tuple(Inputs.edition(e) for e in site.editions)),
        lambda: {"years": views.archive(), "edition_count": len(site.editions)},
    )
    layout.listing(
        "items.html", root + "items/", "the list of all items", site.items, Inputs(), dict
    )
    corrected = [*(item for item in site.items if item.corrections), *site.withdrawn]
    layout.page(
        "corrections.html",
        root + "corrections/",
        "the corrections page",
        Inputs(tuple(Inputs.card(item) for item in corrected)),
        lambda: {"corrections": views.corrections()},
    )
    _item_pages(layout, site.items)
    for item in site.withdrawn:
        # Its address stays, for readers who saw or linked it: the notice alone.
        layout.page(
            "withdrawn.html",
            item.url,
            item.path,
            Inputs((Inputs.card(item),)),
            lambda item=item: {"item": views.card(item)},  # type: ignore[misc]
        )
    _group_pages(layout, site)
    _author_pages(layout, site)
    _story_pages(layout, site)
    _feeds_page(layout, site)
    if site.config.search:
        filters = [View(name=name, label=views.words(f"filter_{name}")) for name in FILTERS]
        layout.page(
            "search.html",
            root + SEARCH_PAGE,
            "the search page",
            Inputs(),
            lambda: {"filters": filters},
        )
    if not root:  # a host serves one 404 page, the site's own
        layout.page("404.html", "404.html", "the 404 page", Inputs(), dict)
    return layout.pages


def _edition_pages(layout: Layout, site: Site) -> None:
    """The front page (the latest edition in full) and each edition's page."""
    views, root = layout.views, site.config.root
    editions = site.editions
    latest = editions[-1] if editions else None
    recent = list(reversed(editions[-RECENT_EDITIONS - 1 : -1]))
    layout.page(
        "index.html",
        root,
        "the front page",
        Inputs(
            (
                *(Inputs.edition_full(latest) if latest else ()),
                *(Inputs.edition(e) for e in recent),
            ),
            (str(len(editions)),),
        ),  # fmt: skip
        lambda: {
            "edition": views.edition(latest) if latest else None,
            "recent": [views.edition_link(e) for e in recent],
        },
    )
    for index, edition in enumerate(editions):
        neighbours = editions[max(0, index - 1) : index + 2]
        layout.page(
            "edition.html",
            edition.url,
            f"edition {edition.date}",
            Inputs(
                (*Inputs.edition_full(edition), *(Inputs.edition(e) for e in neighbours)),
                (str(index), str(len(editions))),
            ),
            lambda edition=edition: _edition_context(views.edition(edition)),  # type: ignore[misc]
        )


def _item_pages(layout: Layout, items: Sequence[Item]) -> None:
    for index in range(len(items)):
        _item_page(layout, items, index)


def item_page(
    site: Site,
    views: Views,
    index: int,
    alternates: Mapping[str, Sequence[Alternate]] | None = None,
) -> Page:
    """The page of ``site.items[index]`` alone, exactly as :func:`plan` lays it out;
    ``alternates``: every page's versions in each language (:func:`page_alternates` of
    the site in its default language), when ``site`` is another language's."""
    layout = Layout(site, views, page_alternates(site) if alternates is None else alternates)
    _item_page(layout, site.items, index)
    return layout.pages[0]


def _item_page(layout: Layout, items: Sequence[Item], index: int) -> None:
    views = layout.views
    item = items[index]
    newer = items[index - 1] if index > 0 else None
    older = items[index + 1] if index + 1 < len(items) else None
    earlier, latest = story_neighbours(item, views.in_story)
    in_story = views.in_story.get(item.url)
    layout.page(
        "item.html",
        item.url,
        item.path,
        Inputs(
            (
                Inputs.card(item),
                Inputs.body(item),
                *(Inputs.card(other) for other in (newer, older) if other),
                # Its story's box: the items it lists, and the story's latest.
                *(Inputs.card(other) for other in (*earlier, latest) if other),
                # Or the earlier coverage it suggests.
                *(Inputs.card(other) for other in layout.site.related.get(item.url, ())),
                # Its translations, linked by their titles.
                *(Inputs.card_at(alt.url) for alt in layout.site.alternates.get(item.url, ())),
            ),
            (
                "newer" if newer else "",
                "older" if older else "",
                # Its story's box counts the story's items.
                *((f"story {len(in_story[0])} {in_story[1]}",) if in_story else ()),
            ),
        ),
        lambda: {
            "item": views.item(item),
            "newer": _neighbour(newer, views),
            "older": _neighbour(older, views),
        },
    )


def _group_pages(layout: Layout, site: Site) -> None:
    views = layout.views
    layout.page(
        "tags.html",
        site.config.root + "tags/",
        "the tag index",
        Inputs(facts=tuple(f"{g.tag.name}\0{g.tag.slug}\0{len(g.items)}" for g in site.tags)),
        lambda: {"tags": [views.tag(group.tag, len(group.items)) for group in site.tags]},
    )
    for group in site.tags:
        layout.listing(
            "tag.html",
            group.tag.url,
            f"the page of tag '{group.tag.name}'",
            group.items,
            Inputs(facts=(group.tag.name, str(len(group.items)))),
            lambda group=group: {"tag": views.tag(group.tag, len(group.items))},  # type: ignore[misc]
        )
    layout.page(
        "sources.html",
        site.config.root + "sources/",
        "the sources index",
        Inputs(
            facts=tuple(
                f"{g.publisher.name}\0{g.publisher.slug}\0{len(g.items)}" for g in site.publishers
            )
        ),
        lambda: {
            "publishers": [views.publisher(g.publisher, len(g.items)) for g in site.publishers]
        },
    )
    for cited in site.publishers:
        layout.listing(
            "source.html",
            cited.publisher.url,
            f"the page of source '{cited.publisher.name}'",
            cited.items,
            Inputs(facts=(cited.publisher.name, str(len(cited.items)))),
            lambda cited=cited: {  # type: ignore[misc]
                "publisher": views.publisher(cited.publisher, len(cited.items))
            },
        )


def _author_pages(layout: Layout, site: Site) -> None:
    """An index of authors and a page of each one's items, when items have bylines."""
    if not site.authors:
        return
    views = layout.views
    layout.page(
        "authors.html",
        site.config.root + "authors/",
        "the authors index",
        Inputs(facts=tuple(_author_facts(g.author, len(g.items)) for g in site.authors)),
        lambda: {"authors": [views.author(g.author, len(g.items)) for g in site.authors]},
    )
    for group in site.authors:
        author = group.author
        layout.listing(
            "author.html",
            author.url,
            f"the page of author '{author.name}'",
            group.items,
            Inputs(facts=(_author_facts(author, len(group.items)),)),
            lambda group=group: {"author": views.author(group.author, len(group.items))},  # type: ignore[misc]
        )


def _story_pages(layout: Layout, site: Site) -> None:
    """An index of running stories and a page of each, when items follow stories."""
    if not site.stories:
        return
    views = layout.views
    layout.page(
        "stories.html",
        site.config.root + "stories/",
        "the stories index",
        Inputs(
            tuple(Inputs.story(g.story) for g in site.stories),
            tuple(
                f"{g.story.slug}\0{len(g.items)}\0{g.items[0].date.isoformat()}"
                for g in site.stories
            ),
        ),  # fmt: skip
        lambda: {"stories": [views.story_entry(group) for group in site.stories]},
    )
    for group in site.stories:
        story = group.story
        layout.listing(
            "story.html",
            story.url,
            f"the page of story '{story.name}'",
            group.items,
            Inputs((Inputs.story(story),), (str(len(group.items)),)),
            lambda group=group: {  # type: ignore[misc]
                "story": views.story(group.story, len(group.items)),
                "picture": views.picture(group.story.image),
            },
        )


def _feeds_page(layout: Layout, site: Site) -> None:
    """The page listing every feed, as feeds.opml does: it shows their titles and
    addresses, so a new tag, source, author or story changes it; items do not."""
    views = layout.views
    folders = feed_folders(site, views, site_feeds(site, views))
    layout.page(
        "feeds.html",
        site.config.root + FEEDS_PAGE,
        "the feeds page",
        Inputs(facts=feed_facts(folders)),
        lambda: {"folders": folder_views(folders, views)},
    )


def _author_facts(author: Author, count: int) -> str:
    return "\0".join((author.name, author.slug, author.bio or "", author.link or "", str(count)))


def _neighbour(item: Item | None, views: Views) -> View | None:
    return None if item is None else View(title=item.title, url=views.href(item.url))


def _pagination(first: str, number: int, total: int, href: Callable[[str], str]) -> View:
    return View(
        number=number,
        total=total,
        previous=href(page_path(first, number - 1)) if number > 1 else None,
        next=href(page_path(first, number + 1)) if number < total else None,
    )


#: Editions linked from the front page below the latest one.
RECENT_EDITIONS = 10


def _edition_context(edition: View) -> dict[str, Any]:
    """An edition's page: the edition, and its picture as the page's own (base.html's
    link preview; the front page, showing the latest edition, keeps the site's)."""
    return {"edition": edition, "picture": edition["image"]}
