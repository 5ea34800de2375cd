"""Which language each item is written in, and which items are translations of
each other.

A site in several languages is, page for page, one site per language: the default
language at the root, each other under its own folder (``uk/``), each with its own
editions, tags, sources, archive and feeds (Hugo builds one site per language the
same way). Items with the same ``translation:`` key link to each other.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeVar

from generator.errors import ContentError, SiteError
from generator.model.records import (
    Alternate,
    Document,
    EditionNote,
    Item,
    Language,
    PageDocument,
    Site,
    StoryNote,
)
from generator.project.config import SiteConfig

D = TypeVar("D")


#: A file read with its rendering: an item, an edition's, a story's or a page's.
F = TypeVar("F", Document, EditionNote, StoryNote, PageDocument)


def by_language(
    config: SiteConfig, files: Sequence[tuple[F, D]]
) -> tuple[dict[str, list[tuple[F, D]]], list[SiteError]]:
    """The files of each of the site's languages, in site.yaml's order: an item by its
    ``lang:``, an edition's, story's or page's file by its name (``2025-07-22.uk.md``),
    the default's without either; and an error for a language the site does not list."""
    codes = list(config.languages) or [config.language]
    found: dict[str, list[tuple[F, D]]] = {code: [] for code in codes}
    errors: list[SiteError] = []
    for pair in files:
        file = pair[0]
        code = (file.meta.lang if isinstance(file, Document) else file.lang) or codes[0]
        if code in found:
            found[code].append(pair)
        elif isinstance(file, Document):
            errors.append(_unknown(file, code, config))
        else:
            errors.append(_unknown_name(file.path, code, config))
    return found, errors


def _unknown_name(path: str, code: str, config: SiteConfig) -> SiteError:
    codes = list(config.languages) or [config.language]
    near = nearest_language(code, codes) if config.languages else None
    stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
    return ContentError(
        f"the file's name says it is in '{code}', which is not one of the site's "
        f"languages ({', '.join(codes)})",
        path=path,
        hint=f"name it {stem}.{near}.md"
        if near
        else f"name it {stem}.md, or list '{code}' under `languages:` in site.yaml",
    )


def _unknown(doc: Document, code: str, config: SiteConfig) -> SiteError:
    codes = list(config.languages)
    where = doc.value_at.get("lang")
    if not codes:
        return ContentError.at(
            f"lang: {code} is given, but the site is written in {config.language} alone "
            "(site.yaml lists no `languages:`)",
            path=doc.path,
            where=where,
            hint=f"list the site's languages in site.yaml, e.g. `languages: "
            f"{{{config.language}: {{}}, {code}: {{title: ...}}}}`, or remove `lang:`",
        )
    near = nearest_language(code, codes)
    listed = ", ".join(codes)
    return ContentError.at(
        f"lang: {code} is not one of the site's languages ({listed})",
        path=doc.path,
        where=where,
        hint=f"did you mean '{near}'?" if near else "add it under `languages:` in site.yaml",
    )


def nearest_language(code: str, codes: Sequence[str]) -> str | None:
    """The listed language ``code`` was probably meant as: the same tag in another case
    ("UK"), its name ("Ukrainian", "українська"), or a tag one letter off ("ua")."""
    from babel import Locale, UnknownLocaleError  # only a site with this error pays

    folded = code.casefold().replace("_", "-")
    for listed in codes:
        if listed.casefold() == folded:
            return listed
        try:
            locale = Locale.parse(listed, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
        names = {locale.english_name or "", locale.get_display_name(listed) or ""}
        if folded in {name.casefold() for name in names} | {
            (locale.language_name or "").casefold()
        }:
            return listed
    close = difflib.get_close_matches(folded, list(codes), n=1, cutoff=0.5)
    return close[0] if close else None


def language(config: SiteConfig) -> Language:
    """The language of the pages ``config`` (one language's, :meth:`in_language`) makes."""
    code = config.language
    settings = config.languages.get(code)
    name = settings.name if settings and settings.name else _own_name(code)
    return Language(code=code, name=name)


def _own_name(code: str) -> str:
    """What a language calls itself, as a switch shows it: "Українська", "English" (for
    en-GB too: site.yaml's ``name:`` tells variants apart where a site has two)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return code
    name = locale.get_language_name(locale) or code
    return name[:1].upper() + name[1:]


def translation_errors(sites: Sequence[Site], documents: Mapping[str, Document]) -> list[SiteError]:
    """Two items of one language with one ``translation:`` key: which is the translation
    would be a guess."""
    errors: list[SiteError] = []
    for site in sites:
        first: dict[str, Item] = {}
        for item in reversed(site.items):  # oldest first: the later one is the error
            key = documents[item.path].meta.translation
            if key is None:
                continue
            if key in first:
                doc = documents[item.path]
                errors.append(
                    ContentError.at(
                        f"translation: {key} is also given by {first[key].path}, in the same "
                        f"language ({site.language.code})",
                        path=doc.path,
                        where=doc.value_at.get("translation"),
                        hint="a translation key joins one item per language; give each story "
                        "its own key",
                    )
                )
            else:
                first[key] = item
    return errors


def alternates(
    sites: Sequence[Site], documents: Mapping[str, Document]
) -> Mapping[str, tuple[Alternate, ...]]:
    """Each translated item's versions in the other languages, by its URL, in the order
    of site.yaml's languages."""
    versions: dict[str, list[tuple[Site, Item]]] = defaultdict(list)
    for site in sites:
        seen: set[str] = set()
        for item in site.items:
            key = documents[item.path].meta.translation
            if key is not None and key not in seen:
                seen.add(key)
                versions[key].append((site, item))
    found: dict[str, tuple[Alternate, ...]] = {}
    for group in versions.values():
        if len(group) < 2:
            continue
        for _, item in group:
            found[item.url] = tuple(
                Alternate(site.language.code, site.language.name, other.url, other.title)
                for site, other in group
                if other is not item
            )
    return MappingProxyType(found)


def page_alternates(site: Site) -> dict[str, tuple[Alternate, ...]]:
    """Every version of each page that has one in another language, itself among them,
    by site path: each language's front page, and each translated item. A sitemap and
    a page's ``<link rel="alternate" hreflang>`` list them all, the page's own too."""
    if not site.languages:
        return {}
    homes = tuple(
        Alternate(one.language.code, one.language.name, one.config.root, one.config.title)
        for one in site.every_language
    )
    found = {home.url: homes for home in homes}
    order = [home.code for home in homes]
    # A standalone page is translated by the page of the same name in another language.
    named: dict[str, list[Alternate]] = defaultdict(list)
    for one in site.every_language:
        for page in one.pages:
            named[page.name].append(
                Alternate(one.language.code, one.language.name, page.url, page.title)
            )
    found.update((alt.url, tuple(group)) for group in named.values() if len(group) > 1
                 for alt in group)  # fmt: skip
    for one in site.every_language:
        own = one.language
        for item in one.items:
            others = site.alternates.get(item.url)
            if others:
                every = (Alternate(own.code, own.name, item.url, item.title), *others)
                found[item.url] = tuple(sorted(every, key=lambda alt: order.index(alt.code)))
    return found
