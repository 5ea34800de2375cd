"""Assemble parsed documents into the :class:`Site` model.

Slugs, URLs, tags, publishers, sections and editions are settled here, in one
place, so that templates and feeds only read the result.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from generator.errors import ContentError, SiteError
from generator.model.editions import closing_date, edition_date, first_day
from generator.model.languages import (
    alternates,
    by_language,
    language,
    translation_errors,
)
from generator.model.notices import with_notices
from generator.model.records import (
    Attachment,
    Audio,
    Author,
    AuthorGroup,
    Citation,
    Document,
    Edition,
    EditionNote,
    Item,
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
    Story,
    StoryNote,
    Tag,
    TagGroup,
    Withdrawal,
)
from generator.model.related import Suggested, related_items
from generator.model.runningorder import running_order
from generator.project.config import SiteConfig
from generator.reading.attach import (
    ContentFiles,
    attachment_problems,
    attachments,
    item_audio,
    lead_picture,
)
from generator.reading.bylines import item_bylines
from generator.reading.collisions import derived_id, id_collisions, url_collisions
from generator.reading.menu import menu_links, standalone_pages
from generator.reading.naming import (
    edition_path,
    file_name_problem,
    first_by_slug,
    item_slug,
    publisher_name,
    publisher_path,
    tag_path,
)
from generator.reading.stories import running_stories, story_groups
from generator.text.schema import suggest
from generator.text.urls import expand_permalink, slugify
from generator.text.yamltext import Position


def collect_site(
    config: SiteConfig,
    documents: Sequence[tuple[Document, Rendered]],
    notes: Sequence[tuple[EditionNote, Rendered]] = (),
    files: ContentFiles | None = None,
    pages: Sequence[tuple[PageDocument, Rendered]] = (),
    preview_size: tuple[int, int] | None = None,
    static_pictures: Mapping[str, tuple[int, int]] | None = None,
    stories: Sequence[tuple[StoryNote, Rendered]] = (),
    made: MadeItems | None = None,
) -> tuple[Site, list[SiteError]]:
    """Build the site model; return it with every problem found across items.

    ``files`` names the other files of the content folder, which items may link to;
    ``pages`` are the standalone pages (About, Subscribe); ``preview_size`` is the
    width and height of site.yaml's preview picture, when the site has its file;
    ``stories`` are the files of running stories; ``made`` the items of the last
    collect, taken again where they are made from the same things.
    """
    files = files or ContentFiles()
    grouped, errors = by_language(config, documents)
    notes_of, note_errors = by_language(config, notes)
    stories_of, story_errors = by_language(config, stories)
    pages_of, page_errors = by_language(config, pages)
    errors += note_errors + story_errors + page_errors
    for doc, rendered in pages:
        rel = files.rels.get(doc.path, "")
        errors.extend(attachment_problems(rendered.links, rel, doc.path, files.assets, config))
    sites: list[Site] = []
    for number, (code, own) in enumerate(grouped.items()):
        first = number == 0
        language_config = config.in_language(code) if config.languages else config
        standalone = standalone_pages(pages_of[code], files, language_config)
        menu = _menu(sites[0] if sites else None, standalone, language_config, errors)
        site, found = _one_language(
            language_config,
            own,
            notes_of[code],
            files,
            preview_size,
            static_pictures,
            stories_of[code],
            made.of_language(code) if made and not first else made,
        )
        errors.extend(found)
        sites.append(dataclasses.replace(site, pages=standalone, menu=menu))
    if len(sites) == 1:
        return sites[0], errors
    docs = {doc.path: doc for doc, _ in documents}
    errors.extend(translation_errors(sites, docs))
    versions = alternates(sites, docs)
    others = tuple(dataclasses.replace(site, alternates=versions) for site in sites[1:])
    return dataclasses.replace(sites[0], alternates=versions, languages=others), errors


def _menu(
    default: Site | None,
    standalone: tuple[SitePage, ...],
    config: SiteConfig,
    errors: list[SiteError],
) -> tuple[MenuLink, ...]:
    """The menu of a language's pages: to its own pages, and to the default language's
    (``default``, None for the default itself) where it has none of that name."""
    if default is None:
        menu, problems = menu_links(standalone, config)
        errors.extend(problems)
        return menu
    shown = {page.name: page for page in (*default.pages, *standalone)}
    translated = frozenset(page.name for page in standalone)
    menu, _ = menu_links(tuple(shown.values()), config, translated)  # the default's errors
    return menu


def _one_language(
    config: SiteConfig,
    documents: Sequence[tuple[Document, Rendered]],
    notes: Sequence[tuple[EditionNote, Rendered]],
    files: ContentFiles,
    preview_size: tuple[int, int] | None,
    static_pictures: Mapping[str, tuple[int, int]] | None,
    stories: Sequence[tuple[StoryNote, Rendered]],
    made: MadeItems | None,
) -> tuple[Site, list[SiteError]]:
    """The site in ``config``'s language, from the items written in it."""
    errors: list[SiteError] = []
    # Oldest first by (date, path) so that "the first spelling" of a name is stable.
    # Timestamps, not aware datetimes: comparing those converts both to UTC every time.
    ordered = sorted(documents, key=lambda pair: (pair[0].meta.date.timestamp(), pair[0].path))
    names = _Names.of(ordered, config, files, errors, stories)
    items = made.take(ordered, names) if made else [_item(d, r, names) for d, r in ordered]
    docs = {doc.path: doc for doc, _ in documents}
    errors.extend(url_collisions(items, docs))
    errors.extend(id_collisions([item for item in items if docs[item.path].meta.id], docs))
    items.sort(key=lambda item: (-item.date.timestamp(), item.slug, item.path))
    withdrawn = tuple(item for item in items if item.withdrawn)
    items = [item for item in items if not item.withdrawn]

    lead_at = {d.path: d.value_at["lead"] for d, _ in documents if "lead" in d.value_at}
    editions, note_errors = _editions(items, notes, config, lead_at)
    editions = with_notices(editions, items, withdrawn)
    errors.extend(note_errors)
    site = Site(
        config=config,
        items=tuple(items),
        tags=tuple(
            TagGroup(names.tags[slug], group)
            for slug, group in _group(items, lambda i: [t.slug for t in i.tags])
        ),
        editions=editions,
        publishers=tuple(
            PublisherGroup(names.publishers[slug], group)
            for slug, group in _group(items, lambda i: [r.publisher.slug for r in i.references])
        ),
        authors=tuple(
            AuthorGroup(group[0].authors[_slugs(group[0]).index(slug)], group)
            for slug, group in _group(items, _slugs)
        ),
        stories=story_groups(items),
        withdrawn=withdrawn,
        related=MappingProxyType(
            related_items(items, config.related, made.suggested if made else None)
        ),
        preview=_preview(config, preview_size),
        static_pictures=MappingProxyType(dict(static_pictures or {})),
        language=language(config),
    )
    return site, errors


@dataclass(slots=True)
class _Names:
    """What every item's names resolve to, settled across all items before any is made;
    and where the problems found while making items go."""

    config: SiteConfig
    files: ContentFiles
    errors: list[SiteError]
    tags: dict[str, Tag]
    publishers: dict[str, Publisher]
    #: One publisher name per citation, worked out once: the map is matched by suffix.
    cited: dict[Citation, str]
    #: site.yaml's sections by their folded spelling.
    sections: dict[str, str]
    bylines: dict[str, tuple[Author, ...]]
    #: Ids the editors gave; derived ids must not take one of them.
    taken: set[str]
    stories: dict[str, Story]

    @classmethod
    def of(
        cls,
        ordered: Sequence[tuple[Document, Rendered]],
        config: SiteConfig,
        files: ContentFiles,
        errors: list[SiteError],
        stories: Sequence[tuple[StoryNote, Rendered]] = (),
    ) -> _Names:
        tags = first_by_slug(
            [(name, doc, "tags") for doc, _ in ordered for name in doc.meta.tags],
            lambda name, slug: Tag(name, slug, config.root + tag_path(slug)),
            "tag",
            errors,
        )
        cited = {c: publisher_name(c, config) for doc, _ in ordered for c in doc.meta.sources}
        publishers = first_by_slug(
            [(cited[c], doc, "source") for doc, _ in ordered for c in doc.meta.sources],
            lambda name, slug: Publisher(name, slug, config.root + publisher_path(slug)),
            "source",
            errors,
        )
        return cls(
            config, files, errors, tags, publishers, cited,
            sections={name.casefold(): name for name in config.sections},
            bylines=item_bylines(ordered, config, errors),
            taken={doc.meta.id for doc, _ in ordered if doc.meta.id},
            stories=running_stories(ordered, stories, files, config, errors),
        )  # fmt: skip


@dataclass(slots=True)
class MadeItems:
    """The items the last collect made, for the next to take again where an item's
    document, rendered body and names are the very ones it was made from. ``serve``
    keeps one for its session: making 10,000 items is a third of its rebuild, and an
    edit changes one."""

    #: What every item is made from besides its own document and names.
    context: tuple[SiteConfig, ContentFiles] | None = None
    #: By the document's path: the document, its body, its names, and the item.
    items: dict[str, tuple[Document, Rendered, tuple[object, ...], Item]] = field(
        default_factory=dict
    )
    #: The earlier coverage the last collect suggested.
    suggested: Suggested = field(default_factory=Suggested)
    #: The memo of each of the site's other languages, by tag: each is collected alone.
    others: dict[str, MadeItems] = field(default_factory=dict)

    def of_language(self, code: str) -> MadeItems:
        """The memo of the items in another language than the default."""
        return self.others.setdefault(code, MadeItems())

    def take(self, ordered: Sequence[tuple[Document, Rendered]], names: _Names) -> list[Item]:
        """``_item`` of every document in ``ordered`` (oldest first), or the one made
        before from the same things."""
        context = (names.config, names.files)
        before = self.items if self.context == context else {}
        kept: dict[str, tuple[Document, Rendered, tuple[object, ...], Item]] = {}
        items = []
        for doc, rendered in ordered:
            last = before.get(doc.path)
            # The document's own fields decide the slug; the feed id is given out in
            # this order (a derived id depends on the ids before it), so it is made anew.
            slug = last[3].slug if last and last[0] is doc else item_slug(doc)
            feed_id = _feed_id(doc, slug, names)
            resolved = (feed_id, *_names_of(doc, names))
            if last and last[0] is doc and last[1] is rendered and last[2] == resolved:
                item = last[3]
            else:
                errors = len(names.errors)
                item = _item(doc, rendered, names, (slug, feed_id))
                if len(names.errors) > errors:
                    items.append(item)  # made again next time: its errors are reported again
                    continue
            kept[doc.path] = (doc, rendered, resolved, item)
            items.append(item)
        self.context, self.items = context, kept
        return items


def _feed_id(doc: Document, slug: str, names: _Names) -> str:
    if doc.meta.id:
        return doc.meta.id
    found = derived_id(doc.meta.sources[0].url, slug, names.taken)
    if not names.config.root:
        return found
    # A translation cites the article its original does: its entry is another one.
    return found + ("-" if "#" in found else "#") + names.config.language


def _names_of(doc: Document, names: _Names) -> tuple[object, ...]:
    """What an item's names resolve to across the site: its tags, publishers, byline
    and story, as ``_item`` gives them."""
    meta = doc.meta
    return (
        tuple(names.tags[s] for s in dict.fromkeys(slugify(t) for t in meta.tags)),
        tuple(names.publishers[slugify(names.cited[c])] for c in meta.sources),
        names.bylines.get(doc.path, ()),
        names.stories[slugify(meta.story)] if meta.story else None,
    )


def _item(
    doc: Document, rendered: Rendered, names: _Names, given: tuple[str, str] | None = None
) -> Item:
    """One item of the site, its names resolved; ``given``: its slug and feed id, when
    they were worked out already (a feed id is given out once)."""
    config = names.config
    slug, feed_id = given or (item_slug(doc), "")
    problem = file_name_problem(slug, "slug", doc, "slug" if doc.meta.slug else "title")
    if problem is not None:
        names.errors.append(problem)
    local = doc.meta.date.astimezone(config.timezone)
    url = config.root + expand_permalink(
        config.permalink,
        year=f"{local.year:04d}",
        month=f"{local.month:02d}",
        day=f"{local.day:02d}",
        slug=slug,
    )
    meta = doc.meta
    found: tuple[Attachment, ...]
    image: Picture | None
    audio: Audio | None = None
    if meta.withdrawn is not None:
        # Nothing of what was withdrawn reaches the site: no body, summary, picture or
        # audio, and so none of the files beside it.
        body, found, image = _withdrawn_body(meta.withdrawn), (), None
    else:
        rel = names.files.rels.get(doc.path, "")
        body = _from_body(doc, rendered)
        found = attachments(body["links"], rel, doc.path, url, names.files.assets, config)
        names.errors.extend(
            attachment_problems(body["links"], rel, doc.path, names.files.assets, config)
        )
        image = lead_picture(url, found, meta.image, config, doc, names.errors)
        audio = item_audio(url, found, meta.audio, config)
    return Item(
        path=doc.path,
        title=meta.title,
        slug=slug,
        date=meta.date,
        url=url,
        tags=tuple(names.tags[s] for s in dict.fromkeys(slugify(t) for t in meta.tags)),
        references=tuple(
            Reference(c.url, names.publishers[slugify(names.cited[c])]) for c in meta.sources
        ),
        **body,
        draft=meta.draft,
        feed_id=feed_id or _feed_id(doc, slug, names),
        section=_section(doc, names.sections, config, names.errors),
        edition=edition_date(meta.date, config, meta.edition),
        extra=meta.extra,
        attachments=found,
        image=image,
        updated=max((d for d in (meta.updated, *(c.date for c in meta.corrections)) if d),
                    default=None),
        corrections=meta.corrections,
        authors=names.bylines.get(doc.path, ()),
        story=names.stories[slugify(meta.story)] if meta.story else None,
        withdrawn=meta.withdrawn,
        weight=meta.weight,
        lead=meta.lead,
        audio=audio,
    )  # fmt: skip


def _withdrawn_body(withdrawal: Withdrawal) -> dict[str, Any]:
    return {
        "summary": f"Withdrawn: {withdrawal.reason}",
        "summary_is_lead": False,
        "html": "",
        "words": 0,
        "links": (),
    }


def _preview(config: SiteConfig, size: tuple[int, int] | None) -> Picture | None:
    """site.yaml's preview picture, with its size when the site has the file."""
    if config.image is None:
        return None
    external = config.image.startswith("https://")
    width, height = size if size and not external else (None, None)
    return Picture(config.image, external, config.image_alt, width=width, height=height)


def _slugs(item: Item) -> list[str]:
    return [author.slug for author in item.authors]


def _from_body(doc: Document, rendered: Rendered) -> dict[str, Any]:
    """The fields of an item that its body decides; its links begin with its lead
    picture's and its audio's, so that their files are published, checked and reported
    like the others."""
    lead, audio = doc.meta.image, doc.meta.audio
    where, heard = doc.value_at.get("image"), doc.value_at.get("audio")
    links = rendered.links
    if audio is not None and heard is not None:
        links = (Link(audio.src, heard.line, heard.col), *links)
    if lead is not None and where is not None:
        links = (Link(lead.src, where.line, where.col, lead.alt or ""), *links)
    return {
        "summary": doc.meta.summary or rendered.first_paragraph or doc.meta.title,
        "summary_is_lead": not doc.meta.summary and bool(rendered.first_paragraph),
        "html": rendered.html,
        "words": rendered.words,
        "links": links,
    }


def with_new_body(site: Site, item: Item, doc: Document, rendered: Rendered) -> tuple[Site, Item]:
    """The site as :func:`collect_site` makes it after an edit of ``item``'s body alone
    (its front matter unchanged), and the item as it now is."""
    new = dataclasses.replace(item, **_from_body(doc, rendered))

    def swap(items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(new if each is item else each for each in items)

    editions = tuple(
        dataclasses.replace(
            e,
            sections=tuple(dataclasses.replace(s, items=swap(s.items)) for s in e.sections),
            notices=tuple(
                dataclasses.replace(n, item=new) if n.item is item else n for n in e.notices
            ),
        )
        # Only the editions that hold the item, or a notice of it: this is serve's
        # first render of an edit, and a site has hundreds of editions.
        if e.date == item.edition or any(n.item is item for n in e.notices)
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
        stories=tuple(dataclasses.replace(g, items=swap(g.items)) for g in site.stories),
        # Every list that holds the item holds the new one: views make one card per URL.
        related=MappingProxyType({url: swap(picks) for url, picks in site.related.items()}),
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
    items: Sequence[Item],
    notes: Sequence[tuple[EditionNote, Rendered]],
    config: SiteConfig,
    lead_at: Mapping[str, Position] | None = None,
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
        own = note_for[day][0] if day in note_for else None
        in_edition, lead = running_order(by_date[day], own, errors, lead_at)
        sections = [Section(None, (lead,), lead=True)] if lead else []
        sections += [
            Section(name, tuple(i for i in in_edition if i.section == name and i is not lead))
            for name in order
        ]
        sections.append(
            Section(None, tuple(i for i in in_edition if i.section is None and i is not lead))
        )
        intro = note_for[day][1] if day in note_for else None
        editions.append(
            Edition(
                date=day,
                number=number,
                first_day=first_day(day, config),
                title=own.title if own else None,
                intro_html=intro.html if intro else "",
                intro_words=intro.words if intro else 0,
                url=config.root + edition_path(day),
                sections=tuple(s for s in sections if s.items),
            )
        )
    return tuple(editions), errors
