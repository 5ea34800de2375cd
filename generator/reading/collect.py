"""Assemble parsed documents into the :class:`Site` model.

Slugs, URLs, tags, publishers, sections and editions are settled here, in one
place, so that templates and feeds only read the result.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

from generator.errors import ConfigError, ContentError, SiteError
from generator.model.editions import closing_date, edition_date, first_day
from generator.model.records import (
    Attachment,
    Author,
    AuthorGroup,
    Citation,
    Document,
    Edition,
    EditionNote,
    Item,
    LeadImage,
    Link,
    MenuLink,
    PageDocument,
    Picture,
    Publisher,
    PublisherGroup,
    Reference,
    Rendered,
    Section,
    Site,
    SitePage,
    Tag,
    TagGroup,
)
from generator.project.config import SiteConfig
from generator.reading.assets import Asset
from generator.reading.attach import attachments
from generator.text.schema import suggest
from generator.text.urls import expand_permalink, internal_target, slugify

# Jekyll-style file names ("2025-07-22-istanbul-talks.md") carry the date the
# permalink already shows; the slug is what follows it.
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")

V = TypeVar("V")


def stem_slug(stem: str) -> str:
    """The slug a file name gives: "2025-07-22-istanbul-talks" -> "istanbul-talks"."""
    return slugify(_DATE_PREFIX.sub("", stem))


def item_slug(doc: Document) -> str:
    """The editor's ``slug``, else the file name without a date prefix, else the title."""
    if doc.meta.slug:
        return doc.meta.slug
    return stem_slug(doc.stem) or slugify(doc.meta.title)


def publisher_name(citation: Citation, config: SiteConfig) -> str:
    """The name given with the source, else the site's ``publishers`` entry for its
    domain (the longest match, so that subdomains match), else the bare domain."""
    if citation.name:
        return citation.name
    host = (urlsplit(citation.url).hostname or "").lower().removeprefix("www.")
    matches = [d for d in config.publishers if host == d or host.endswith("." + d)]
    if matches:
        return config.publishers[max(matches, key=len)]
    return host


def tag_path(slug: str) -> str:
    return f"tags/{slug}/"


def publisher_path(slug: str) -> str:
    return f"sources/{slug}/"


def author_path(slug: str) -> str:
    return f"authors/{slug}/"


def edition_path(day: date) -> str:
    return f"editions/{day.isoformat()}/"


#: One spelling of a name as an item writes it: the name, the item's file, the key.
Spelling = tuple[str, Document, str]


def _first_by_slug(
    spellings: Sequence[Spelling],
    make: Callable[[str, str], V],
    what: str,
    errors: list[SiteError],
) -> dict[str, V]:
    """One record per slug, named as first written.

    Spellings that differ only in case, accents or spaces against hyphens ("Energy",
    "energy"; "Café", "cafe"; "New York", "new-york") are one name, deliberately.
    Any other two spellings with one slug ("C#", "C", "C++" are all "c") are an error
    naming both: merged, one would be shown everywhere under the other's name.
    """
    found: dict[str, V] = {}
    first: dict[str, Spelling] = {}
    told: set[tuple[str, str]] = set()
    for spelling in spellings:
        name, doc, key = spelling
        slug = slugify(name)
        if slug not in found:
            found[slug], first[slug] = make(name, slug), spelling
            continue
        earlier = first[slug][0]
        if _one_word(name) == _one_word(earlier) or (earlier, name) in told:
            continue
        told.add((earlier, name))
        where = doc.value_at.get(key)
        errors.append(
            ContentError.at(
                f"{what} '{name}' and {what} '{earlier}' (in {first[slug][1].path}) have one "
                f"page, /{what}s/{slug}/: the site would show '{name}' as '{earlier}'",
                path=doc.path,
                where=where,
                hint=f"write them the same, or spell one out (for example '{name}' as words)",
            )
        )
    return found


def _one_word(name: str) -> str:
    """What two spellings of one name share: no case, accents or separators."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", "-", plain.casefold()).strip("-")


def collect_site(
    config: SiteConfig,
    documents: Sequence[tuple[Document, Rendered]],
    notes: Sequence[tuple[EditionNote, Rendered]] = (),
    files: ContentFiles | None = None,
    pages: Sequence[tuple[PageDocument, Rendered]] = (),
    preview_size: tuple[int, int] | None = None,
) -> tuple[Site, list[SiteError]]:
    """Build the site model; return it with every problem found across items.

    ``files`` names the other files of the content folder, which items may link to;
    ``pages`` are the standalone pages (About, Subscribe); ``preview_size`` is the
    width and height of site.yaml's preview picture, when the site has its file.
    """
    files = files or ContentFiles()
    errors: list[SiteError] = []
    # Oldest first by (date, path) so that "the first spelling" of a name is stable.
    # Timestamps, not aware datetimes: comparing those converts both to UTC every time.
    ordered = sorted(documents, key=lambda pair: (pair[0].meta.date.timestamp(), pair[0].path))
    tags = _first_by_slug(
        [(name, doc, "tags") for doc, _ in ordered for name in doc.meta.tags],
        lambda name, slug: Tag(name, slug, tag_path(slug)),
        "tag",
        errors,
    )
    # One name per citation, worked out once: the publisher map is matched by suffix.
    names = {c: publisher_name(c, config) for doc, _ in ordered for c in doc.meta.sources}
    publishers = _first_by_slug(
        [(names[c], doc, "source") for doc, _ in ordered for c in doc.meta.sources],
        lambda name, slug: Publisher(name, slug, publisher_path(slug)),
        "source",
        errors,
    )
    sections = {name.casefold(): name for name in config.sections}
    bylines = _bylines(ordered, config, errors)

    # Ids the editors gave; derived ids must not take one of them.
    taken = {doc.meta.id for doc, _ in ordered if doc.meta.id}
    items: list[Item] = []
    for doc, rendered in ordered:
        slug = item_slug(doc)
        local = doc.meta.date.astimezone(config.timezone)
        url = expand_permalink(
            config.permalink,
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=slug,
        )
        rel = files.rels.get(doc.path, "")
        body = _from_body(doc, rendered)
        found = attachments(body["links"], rel, doc.path, url, files.assets, config)
        items.append(
            Item(
                path=doc.path,
                title=doc.meta.title,
                slug=slug,
                date=doc.meta.date,
                url=url,
                tags=tuple(tags[s] for s in dict.fromkeys(slugify(t) for t in doc.meta.tags)),
                references=tuple(
                    Reference(c.url, publishers[slugify(names[c])]) for c in doc.meta.sources
                ),
                **body,
                draft=doc.meta.draft,
                feed_id=doc.meta.id or _derived_id(doc.meta.sources[0].url, slug, taken),
                section=_section(doc, sections, config, errors),
                edition=edition_date(doc.meta.date, config, doc.meta.edition),
                extra=doc.meta.extra,
                attachments=found,
                image=_picture(url, found, doc.meta.image, config),
                updated=max(
                    (d for d in (doc.meta.updated, *(c.date for c in doc.meta.corrections)) if d),
                    default=None,
                ),
                corrections=doc.meta.corrections,
                authors=bylines.get(doc.path, ()),
            )
        )
    docs = {doc.path: doc for doc, _ in documents}
    errors.extend(_url_collisions(items, docs))
    errors.extend(_id_collisions([item for item in items if docs[item.path].meta.id], docs))
    items.sort(key=lambda item: (-item.date.timestamp(), item.slug, item.path))

    editions, note_errors = _editions(items, notes, config)
    errors.extend(note_errors)
    standalone = _standalone(pages, files, config)
    menu, menu_errors = _menu(standalone, config)
    errors.extend(menu_errors)
    site = Site(
        config=config,
        items=tuple(items),
        tags=tuple(
            TagGroup(tags[slug], group)
            for slug, group in _group(items, lambda i: [t.slug for t in i.tags])
        ),
        editions=editions,
        publishers=tuple(
            PublisherGroup(publishers[slug], group)
            for slug, group in _group(items, lambda i: [r.publisher.slug for r in i.references])
        ),
        pages=standalone,
        menu=menu,
        authors=tuple(
            AuthorGroup(group[0].authors[_slugs(group[0]).index(slug)], group)
            for slug, group in _group(items, _slugs)
        ),
        preview=_preview(config, preview_size),
    )
    return site, errors


def _preview(config: SiteConfig, size: tuple[int, int] | None) -> Picture | None:
    """site.yaml's preview picture, with its size when the site has the file."""
    if config.image is None:
        return None
    external = config.image.startswith("https://")
    width, height = size if size and not external else (None, None)
    return Picture(config.image, external, config.image_alt, width=width, height=height)


def _slugs(item: Item) -> list[str]:
    return [author.slug for author in item.authors]


def _bylines(
    ordered: Sequence[tuple[Document, Rendered]], config: SiteConfig, errors: list[SiteError]
) -> dict[str, tuple[Author, ...]]:
    """Each item's authors: site.yaml's profiles when it has ``authors``, else the
    names as written (one page per slug)."""
    if not config.authors:
        found = _first_by_slug(
            [(name, doc, "author") for doc, _ in ordered for name in doc.meta.author],
            lambda name, slug: Author(name, slug, author_path(slug)),
            "author",
            errors,
        )
        return {
            doc.path: tuple(found[s] for s in dict.fromkeys(slugify(n) for n in doc.meta.author))
            for doc, _ in ordered
            if doc.meta.author
        }
    profiles = {
        key: Author(p.name, slugify(key), author_path(slugify(key)), p.bio, p.url)
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


def _standalone(
    pages: Sequence[tuple[PageDocument, Rendered]], files: ContentFiles, config: SiteConfig
) -> tuple[SitePage, ...]:
    """The standalone pages, by address; each at /<name>/, its files beside it."""
    found = []
    for doc, rendered in sorted(pages, key=lambda pair: pair[0].name):
        url = f"{doc.name}/"
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


def _menu(
    pages: Sequence[SitePage], config: SiteConfig
) -> tuple[tuple[MenuLink, ...], list[SiteError]]:
    """site.yaml's menu in its order, then the pages that put themselves in it by number."""
    by_name = {page.name: page for page in pages}
    links: list[MenuLink] = []
    errors: list[SiteError] = []
    for entry in config.menu:
        if entry.page is None:
            assert entry.title is not None and entry.url is not None
            links.append(MenuLink(entry.title, entry.url, external=True))
        elif entry.page in by_name:
            page = by_name[entry.page]
            links.append(MenuLink(entry.title or page.title, page.url))
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


@dataclass(frozen=True, slots=True)
class ContentFiles:
    """The content folder's files besides the parsed ones: what items may link to."""

    #: Each item's path relative to content/, by the path messages show.
    rels: Mapping[str, str] = field(default_factory=dict)
    #: Every file that is not Markdown, by path relative to content/.
    assets: Mapping[str, Asset] = field(default_factory=dict)


def _from_body(doc: Document, rendered: Rendered) -> dict[str, Any]:
    """The fields of an item that its body decides; its links begin with its lead
    picture's, so that the picture is published, checked and reported like the others."""
    lead = doc.meta.image
    where = doc.value_at.get("image")
    links = rendered.links
    if lead is not None and where is not None:
        links = (Link(lead.src, where.line, where.col, lead.alt or ""), *links)
    return {
        "summary": doc.meta.summary or rendered.first_paragraph or doc.meta.title,
        "summary_is_lead": not doc.meta.summary and bool(rendered.first_paragraph),
        "html": rendered.html,
        "words": rendered.words,
        "links": links,
    }


def _picture(
    url: str, found: Sequence[Attachment], lead: LeadImage | None, config: SiteConfig
) -> Picture | None:
    """The lead picture of the item at ``url``: at the site path its file is published
    to, with its size from the item's ``found`` attachments."""
    if lead is None:
        return None
    if lead.src.startswith("https://"):
        return Picture(lead.src, True, lead.alt, lead.credit)
    target = internal_target(lead.src, url, config.base_path, config.url)
    path = target[0] if target else lead.src
    sized = next((a for a in found if a.file == path), None)
    return Picture(
        path,
        False,
        lead.alt,
        lead.credit,
        sized.width if sized else None,
        sized.height if sized else None,
    )


def with_new_body(site: Site, item: Item, doc: Document, rendered: Rendered) -> tuple[Site, Item]:
    """The site as :func:`collect_site` makes it after an edit of ``item``'s body alone
    (its front matter unchanged), and the item as it now is."""
    new = dataclasses.replace(item, **_from_body(doc, rendered))

    def swap(items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(new if each is item else each for each in items)

    editions = tuple(
        dataclasses.replace(
            e, sections=tuple(dataclasses.replace(s, items=swap(s.items)) for s in e.sections)
        )
        if e.date == item.edition
        else e
        for e in site.editions
    )
    revised = dataclasses.replace(
        site,
        items=swap(site.items),
        tags=tuple(dataclasses.replace(g, items=swap(g.items)) for g in site.tags),
        editions=editions,
        publishers=tuple(dataclasses.replace(g, items=swap(g.items)) for g in site.publishers),
        authors=tuple(dataclasses.replace(g, items=swap(g.items)) for g in site.authors),
    )
    return revised, new


def _group(
    items: Sequence[Item], keys: Callable[[Item], list[str]]
) -> list[tuple[str, tuple[Item, ...]]]:
    """Items under each of their keys, keys sorted, items kept in order and not repeated."""
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for key in dict.fromkeys(keys(item)):
            grouped[key].append(item)
    return [(key, tuple(grouped[key])) for key in sorted(grouped)]


def _section(
    doc: Document, sections: dict[str, str], config: SiteConfig, errors: list[SiteError]
) -> str | None:
    name = doc.meta.section
    if name is None:
        return None
    if name.casefold() in sections:
        return sections[name.casefold()]
    where = doc.value_at["section"]
    if config.sections:
        hint = suggest(name, list(config.sections)) or "sections in site.yaml: " + ", ".join(
            config.sections
        )
        message = f"unknown section '{name}'"
    else:
        hint = "list the sections in site.yaml, e.g. sections: [Top stories, World]"
        message = f"section '{name}' is given, but site.yaml lists no sections"
    errors.append(ContentError.at(message, path=doc.path, where=where, hint=hint))
    return None


def _editions(
    items: Sequence[Item], notes: Sequence[tuple[EditionNote, Rendered]], config: SiteConfig
) -> tuple[tuple[Edition, ...], list[SiteError]]:
    errors: list[SiteError] = []
    by_date: dict[date, list[Item]] = defaultdict(list)
    for item in items:
        by_date[item.edition].append(item)
    note_for: dict[date, tuple[EditionNote, Rendered]] = {}
    for note, rendered in notes:
        if closing_date(note.date, config) != note.date:
            errors.append(
                ContentError(
                    f"{note.date} is not the closing day of a weekly edition "
                    f"(editions close on {config.week_ends_on.capitalize()})",
                    path=note.path,
                    hint=f"name the file {closing_date(note.date, config)}.md",
                )
            )
            continue
        # A note for an edition with no published items (yet) is kept back, not an error:
        # editors write introductions before the day's items are in.
        note_for[note.date] = (note, rendered)
    order = [name for name in config.sections]
    editions: list[Edition] = []
    for number, day in enumerate(sorted(by_date), start=1):
        in_edition = by_date[day]
        sections = [
            Section(name, tuple(i for i in in_edition if i.section == name)) for name in order
        ]
        sections.append(Section(None, tuple(i for i in in_edition if i.section is None)))
        own = note_for[day][0] if day in note_for else None
        intro = note_for[day][1] if day in note_for else None
        editions.append(
            Edition(
                date=day,
                number=number,
                first_day=first_day(day, config),
                title=own.title if own else None,
                intro_html=intro.html if intro else "",
                intro_words=intro.words if intro else 0,
                url=edition_path(day),
                sections=tuple(s for s in sections if s.items),
            )
        )
    return tuple(editions), errors


def _url_collisions(items: Sequence[Item], docs: dict[str, Document]) -> list[SiteError]:
    return _clashes(
        items,
        docs,
        key=lambda item: item.url,
        problem="two items would be written to /{key}",
        field=lambda doc: "slug" if "slug" in doc.value_at else "title",
        hint="give one of them a different `slug:`",
    )


def _derived_id(url: str, slug: str, taken: set[str]) -> str:
    """The feed id of an item without an ``id:``: the URL of its first source.

    Neither moves when the title or slug is edited. When several items cite the
    same article first, the oldest keeps the bare URL and each later one adds
    ``#<slug>``, so that adding a follow-up never changes an id already published.
    Called for items oldest first; ``taken`` holds the ids given so far.
    """
    feed_id = url
    if feed_id in taken:
        base, number = f"{url}#{slug}", 1
        feed_id = base
        while feed_id in taken:  # the same slug on another day
            number += 1
            feed_id = f"{base}-{number}"
    taken.add(feed_id)
    return feed_id


def _id_collisions(items: Sequence[Item], docs: dict[str, Document]) -> list[SiteError]:
    """Two ``id:`` alike: feed readers would take the two entries for one."""
    return _clashes(
        items,
        docs,
        key=lambda item: item.feed_id,
        problem="two items have the feed id {key}",
        field=lambda doc: "id",
        hint="each `id:` must be unique: feed readers would show only one of them",
    )


def _clashes(
    items: Sequence[Item],
    docs: dict[str, Document],
    *,
    key: Callable[[Item], str],
    problem: str,
    field: Callable[[Document], str],
    hint: str,
) -> list[SiteError]:
    """An error in every file of every group of items that share ``key``, naming the others."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    errors: list[SiteError] = []
    for shared, clash in groups.items():
        if len(clash) < 2:
            continue
        for item in clash:
            doc = docs[item.path]
            where = doc.value_at[field(doc)]
            others = ", ".join(other.path for other in clash if other is not item)
            errors.append(
                ContentError.at(
                    f"{problem.format(key=shared)}: this one and {others}",
                    path=item.path,
                    where=where,
                    hint=hint,
                )
            )
    return errors
