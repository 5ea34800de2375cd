"""Standalone pages (About, Subscribe) at their addresses, and the menu: site.yaml's
entries in order, then the pages that put themselves in it."""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import ConfigError, SiteError
from generator.model.records import (
    MenuLink,
    PageDocument,
    Rendered,
    SitePage,
)
from generator.project.config import SiteConfig
from generator.reading.attach import ContentFiles, attachments
from generator.text.schema import suggest


def standalone_pages(
    pages: Sequence[tuple[PageDocument, Rendered]], files: ContentFiles, config: SiteConfig
) -> tuple[SitePage, ...]:
    """The standalone pages of ``config``'s language, by address; each at /<name>/
    (under the language's folder), its files beside it."""
    found = []
    for doc, rendered in sorted(pages, key=lambda pair: pair[0].name):
        url = f"{config.root}{doc.name}/"
        rel = files.rels.get(doc.path, "")
        found.append(
            SitePage(
                path=doc.path,
                name=doc.name,
                title=doc.title,
                summary=doc.summary,
                url=url,
                html=rendered.html,
                links=rendered.links,
                words=rendered.words,
                menu=doc.menu,
                extra=doc.extra,
                attachments=attachments(rendered.links, rel, doc.path, url, files.assets, config),
            )
        )
    return tuple(found)


def menu_links(
    pages: Sequence[SitePage], config: SiteConfig, translated: frozenset[str] = frozenset()
) -> tuple[tuple[MenuLink, ...], list[SiteError]]:
    """site.yaml's menu in its order, then the pages that put themselves in it by number.

    ``translated`` names the pages in another language than the default: their own
    title is the entry's, not site.yaml's, which is in the default language."""
    by_name = {page.name: page for page in pages}
    links: list[MenuLink] = []
    errors: list[SiteError] = []
    for entry in config.menu:
        if entry.page is None:
            assert entry.title is not None and entry.url is not None
            links.append(MenuLink(entry.title, entry.url, external=True))
        elif entry.page in by_name:
            page = by_name[entry.page]
            title = page.title if page.name in translated else entry.title or page.title
            links.append(MenuLink(title, page.url))
        else:
            where = config.value_at.get("menu")
            errors.append(
                ConfigError.at(
                    f"the menu names the page '{entry.page}', but there is no "
                    f"content/pages/{entry.page}.md",
                    path=config.path,
                    where=where,
                    hint=suggest(entry.page, list(by_name))
                    or "write the page, or take it out of the menu",
                )
            )
    named = {entry.page for entry in config.menu}
    own = sorted(
        (p for p in pages if p.menu is not None and p.name not in named),
        key=lambda p: (p.menu, p.name),
    )
    links += (MenuLink(page.title, page.url) for page in own)
    return tuple(links), errors
