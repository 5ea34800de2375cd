"""Every file of the site, and what each is made from.

:func:`plan` lays out the whole site: each HTML page, feed, sitemap part and
static file, with the inputs it depends on (the keys of :mod:`generator.engine.graph`)
and how to make it. Nothing is rendered here; a build renders only the pages
whose inputs changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.engine.graph import Inputs
from generator.engine.outputdir import MANIFEST, manifest_text
from generator.engine.stage import digest
from generator.errors import OutputError, SiteError
from generator.model.records import Attachment, Author, Edition, Item, Site, SitePage
from generator.newsletter.emails import (
    EMAIL_MESSAGE,
    EMAIL_PAGE,
    EMAIL_TEXT,
    Newsletter,
    email_folder,
)
from generator.pictures.cache import PictureCache
from generator.pictures.resize import can_resize, copy_name, resized
from generator.project.sitefiles import read_file
from generator.project.theme import ThemeFiles
from generator.render.discovery import UNLISTED, github_pages_files, render_robots, sitemap_files
from generator.render.feeds import FeedWriter, site_feeds
from generator.render.templates import Context, page_path, paginate
from generator.render.views import SEARCH_PAGE, View, Views
from generator.search.documents import FILTERS
from generator.text.urls import (
    OutputPath,
    is_inside,
    output_file,
    portability_problem,
    portable_key,
)

#: Editions linked from the front page below the latest one.
RECENT_EDITIONS = 10
#: How to part two pages that one file would hold, most often two items.
PARTING = "change a slug or the permalink pattern so that they differ"


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, what it is made from, and how."""

    file: OutputPath
    #: What the page is, for messages ("the front page", "content/a.md").
    origin: str
    #: The theme template it is rendered with; None for files made in Python.
    template: str | None
    inputs: Inputs
    #: The template context, or (``template`` None) a function giving the file's bytes
    #: (given a ``render`` when the page ``uses`` templates).
    make: Callable[..., Any]
    #: How to part this page from another that would be written to the same file.
    parting: str = PARTING
    #: For a file made in Python from rendered templates (an email): their names;
    #: ``make`` is then given a ``render(template, context)``.
    uses: tuple[str, ...] = ()


def plan(
    site: Site,
    views: Views,
    theme: ThemeFiles,
    emails: Sequence[str] = (),
    pictures: PictureCache | None = None,
) -> tuple[list[Page], list[SiteError]]:
    """Every file of the site in a fixed order, and the errors of files that would clash;
    ``emails`` names editions to write as emails besides the newest (see
    :func:`emailed`); smaller copies of pictures are taken from ``pictures`` when
    it has them."""
    pages = [
        *_html_pages(site, views),
        *_feed_pages(site, views),
        *_static_pages(theme),
        *_standalone_pages(site, views),
        *_attachment_pages(site, pictures),
        *_email_pages(site, emails),
    ]
    config = site.config
    for file, data in github_pages_files(config).items():
        pages.append(_fixed(file, "GitHub Pages settings", data))
    pages.append(_fixed("robots.txt", "robots.txt", render_robots(config)))
    for sitemap in sitemap_files(config, [page.file for page in pages]):
        inputs = Inputs(("site",), (str(sitemap.index), *sitemap.urls))
        pages.append(Page(sitemap.file, "the sitemap", None, inputs, sitemap.render))
    pages += _site_static_pages(theme)
    return _with_manifest(pages)


def joined(planned: Sequence[Page], more: Sequence[Page]) -> tuple[list[Page], list[SiteError]]:
    """A plan with ``more`` files (the search index, made once the plan is known), and
    the errors of those that clash with a planned file."""
    return _with_manifest([*(page for page in planned if page.file != MANIFEST), *more])


def bundle_pages(
    digests: Mapping[OutputPath, str], make: Callable[[OutputPath], bytes]
) -> list[Page]:
    """The search index's files: each is the same page while its bytes are the same."""
    return [
        Page(file, "the search index", None, Inputs(facts=(digest,)), functools.partial(make, file))
        for file, digest in sorted(digests.items())
    ]


def _with_manifest(pages: list[Page]) -> tuple[list[Page], list[SiteError]]:
    """Each file once, and last the manifest that lists them all."""
    planned, errors = _without_clashes([*pages, _fixed(MANIFEST, "the output manifest", b"")])
    files = tuple(page.file for page in planned)
    manifest = Page(
        MANIFEST, "the output manifest", None, Inputs(("site",), files),
        lambda: manifest_text(files),
    )  # fmt: skip
    return [manifest if page.file == MANIFEST else page for page in planned], errors


def _fixed(file: OutputPath, origin: str, data: bytes) -> Page:
    return Page(file, origin, None, Inputs(("site",), (data.hex(),)), lambda: data)


def _without_clashes(pages: list[Page]) -> tuple[list[Page], list[SiteError]]:
    """Each file once: the first page keeps it, every later one is an error naming both.

    Two names that one file system tells apart and another does not (case, Unicode
    form, ß) clash too: the site must build the same on an editor's Mac or Windows
    laptop as on Linux.
    """
    seen: dict[OutputPath, Page] = {}
    folded: dict[str, Page] = {}
    reported: set[tuple[str, str]] = set()
    errors: list[SiteError] = []
    for page in pages:
        problem = portability_problem(page.file)
        if not is_inside(page.file) or problem:
            errors.append(
                OutputError(
                    f"refusing to write outside the output folder: {page.file}"
                    if problem is None
                    else f"refusing to write {page.file}: {problem}",
                    path=page.origin,
                )
            )
            continue
        first = seen.get(page.file) or folded.get(portable_key(page.file))
        if first is None:
            seen[page.file] = folded[portable_key(page.file)] = page
            continue
        names = _differing(first.file, page.file)
        if names in reported:
            continue  # the rest of two folders that are one: said once
        reported.add(names)
        # Point at a content file when one of the two is an item: that is what to fix.
        at = (
            first.origin
            if first.origin.endswith(".md") and not page.origin.endswith(".md")
            else page.origin
        )
        what = (
            f"{page.file} would be written twice"
            if first.file == page.file
            else f"{names[0]} and {names[1]} would be one on macOS and Windows, "
            "which ignore case and Unicode form in names"
        )
        errors.append(
            OutputError(
                f"{what}: by {first.origin} and by {page.origin}",
                path=at,
                hint=page.parting,
            )
        )
    return list(seen.values()), errors


def _differing(first: OutputPath, second: OutputPath) -> tuple[str, str]:
    """The shortest leading parts in which two paths differ: "tags/straße/" and
    "tags/strasse/" for two files of those folders."""
    a, b = first.split("/"), second.split("/")
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            tail = "/" if index + 1 < len(a) else ""
            return "/".join(a[: index + 1]) + tail, "/".join(b[: index + 1]) + tail
    return first, second


def _static_pages(theme: ThemeFiles) -> list[Page]:
    """The theme's static files under assets/; a file of the site's static/ folder of the
    same name (static/assets/style.css) replaces the theme's."""
    return [
        Page(
            f"assets/{name}",
            str(file.path),
            None,
            Inputs((f"static:{name}",)),
            lambda data=file.data: data,
        )
        for name, file in theme.static.items()
        if f"assets/{name}" not in theme.site_static
    ]


def _site_static_pages(theme: ThemeFiles) -> list[Page]:
    """The site's static/ folder, at the root of the output as it is. Planned after every
    file briefing makes, so that a clash names the static file."""
    return [
        Page(
            name,
            str(file.path),
            None,
            Inputs((), (digest(file.data),)),
            lambda data=file.data: data,
            parting=f"briefing writes {name} itself; rename or remove {file.path}",
        )
        for name, file in theme.site_static.items()
    ]


def _attachment_pages(site: Site, pictures: PictureCache | None) -> list[Page]:
    """The files items link to, copied where the links lead: once, though several items
    link one file; two files led to one place clash like any two pages."""
    unique: dict[tuple[str, str], Page] = {}
    for attachment, origin in _linked(site):
        unique.setdefault((attachment.file, attachment.path), _attachment_page(attachment, origin))
    made = _Resizer(site.config.picture_width, pictures)
    for attachment, origin in smaller_copies(site):
        file = copy_name(attachment.file, made.width)
        unique.setdefault((file, attachment.path), made.page(attachment, origin))
    return list(unique.values())


def _linked(site: Site) -> Iterator[tuple[Attachment, str]]:
    """Each file an item or page links to, with the path of the first one linking it."""
    linkers: list[Item | SitePage] = [*site.items, *site.pages]
    for linking in linkers:
        for attachment in linking.attachments:
            yield attachment, linking.path


def smaller_copies(site: Site) -> list[tuple[Attachment, str]]:
    """The pictures wider than site.yaml's ``picture_width`` that get a smaller copy,
    with the path of the first file linking each."""
    limit = site.config.picture_width
    found: dict[tuple[str, str], tuple[Attachment, str]] = {}
    for attachment, origin in _linked(site):
        if attachment.width and attachment.width > limit and can_resize(attachment.file):
            found.setdefault((attachment.file, attachment.path), (attachment, origin))
    return list(found.values())


def picture_keys(site: Site, pictures: PictureCache) -> set[str]:
    """The names in ``pictures`` of the copies the site needs: those a build keeps."""
    width = site.config.picture_width
    return {pictures.key(a.digest, a.file, width) for a, _ in smaller_copies(site)}


@dataclass(frozen=True, slots=True)
class _Resizer:
    """Makes the smaller copies ``width`` pixels wide, or takes them from ``pictures``."""

    width: int
    pictures: PictureCache | None

    def page(self, attachment: Attachment, origin: str) -> Page:
        """A large picture's copy: made again only when the picture or the width
        changes (its signature is theirs), so each is resized once."""
        return Page(
            copy_name(attachment.file, self.width),
            origin,
            None,
            Inputs((), (attachment.digest, attachment.path, str(self.width))),
            lambda: self.copy(attachment),
            parting=f"briefing writes the smaller copy of {attachment.path} there; rename "
            "that file",
        )

    def copy(self, attachment: Attachment) -> bytes:
        if self.pictures is None:
            return _resized(attachment, self.width)
        key = self.pictures.key(attachment.digest, attachment.file, self.width)
        kept = self.pictures.get(key)
        if kept is not None:
            return kept
        made = _resized(attachment, self.width)
        self.pictures.put(key, made)
        return made


def _attachment_page(attachment: Attachment, origin: str) -> Page:
    return Page(
        attachment.file,
        origin,
        None,
        Inputs((), (attachment.digest, attachment.path)),
        lambda: _copied(attachment.path),
        parting=f"its link leads there from its page but names {attachment.path}, another "
        "file; rename one of the two files",
    )


def _resized(attachment: Attachment, width: int) -> bytes:
    data = _copied(attachment.path)
    try:
        return resized(data, attachment.file, width)
    except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds
        raise OutputError(
            f"cannot make a smaller copy of this picture: {exc}",
            path=attachment.path,
            hint="open and save it again in an image editor; it may be damaged",
        ) from None


def _copied(path: str) -> bytes:
    try:
        return read_file(path, path)
    except FileNotFoundError:
        raise OutputError("vanished while the build read it", path=path) from None


def _standalone_pages(site: Site, views: Views) -> list[Page]:
    """The standalone pages, planned after every page briefing makes itself, so that
    a page at a taken address (content/pages/archive.md) is the one named."""
    layout = _Layout(site, views)
    for page in site.pages:
        layout.page(
            "page.html",
            page.url,
            page.path,
            Inputs((f"page:{page.url}",)),
            lambda page=page: {"page": views.standalone(page)},  # type: ignore[misc]
            parting=f"briefing writes /{page.url} itself; rename {page.path}",
        )
    return layout.pages


def _edition_context(edition: View) -> dict[str, Any]:
    """An edition's page: the edition, and its picture as the page's own (base.html's
    link preview; the front page, showing the latest edition, keeps the site's)."""
    return {"edition": edition, "picture": edition["image"]}


def emailed(site: Site, asked: Sequence[str]) -> list[Edition]:
    """The editions written as emails: site.yaml's ``email.latest`` newest, and those
    ``asked`` for by date or number, or every one for "all"."""
    settings = site.config.email
    if settings is None:
        return []
    editions = site.editions
    newest = (
        {e.date for e in editions[max(0, len(editions) - settings.latest) :]}
        if settings.latest
        else set()
    )
    return [
        e
        for e in editions
        if e.date in newest
        or "all" in asked
        or e.date.isoformat() in asked
        or str(e.number) in asked
    ]


def _email_pages(site: Site, asked: Sequence[str]) -> list[Page]:
    """Each edition emailed: its HTML, its text and the message of both."""
    newsletter = Newsletter(site)
    made = (
        (EMAIL_PAGE, ("email.html",), newsletter.page),
        (EMAIL_TEXT, ("email.txt",), newsletter.text),
        (EMAIL_MESSAGE, ("email.html", "email.txt"), newsletter.message),
    )
    pages = []
    for edition in emailed(site, asked):
        # The email shows no neighbours, unlike the edition's page; only its own items.
        inputs = Inputs((*Inputs.edition_full(edition), "site"))
        folder = email_folder(edition)
        for name, uses, make in made:
            pages.append(
                Page(
                    folder + name,
                    f"the email of edition {edition.date}",
                    None,
                    inputs,
                    functools.partial(make, edition),
                    uses=uses,
                )
            )
    return pages


def _feed_pages(site: Site, views: Views) -> list[Page]:
    writer = FeedWriter(views)
    pages = []
    for feed in site_feeds(site, views):
        keys = ["site"]
        for edition in feed.editions:
            keys += Inputs.edition_full(edition)
        for item in feed.items:
            keys += (Inputs.card(item), Inputs.body(item))
        pages.append(
            Page(
                feed.file,
                feed.origin,
                None,
                Inputs(tuple(keys)),
                lambda feed=feed: writer.render(feed),
            )
        )
    return pages


class _Layout:
    """Collects the HTML pages of one site, each with its inputs and context."""

    def __init__(self, site: Site, views: Views) -> None:
        self.site = site
        self.views = views
        self.pages: list[Page] = []
        self.common: dict[str, Any] = {"site": views.site_view()}

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
        file = output_file(site_path)

        def full() -> dict[str, Any]:
            return {
                "page_url": views.href(site_path),
                # Unlisted pages (404, search) have no address of their own to share.
                "canonical": None if file in UNLISTED else views.absolute(site_path),
                **common,
                **context(),
            }

        inputs = inputs.with_keys("site", "menu")
        self.pages.append(Page(file, origin, template, inputs, full, parting))

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


def _html_pages(site: Site, views: Views) -> list[Page]:
    layout = _Layout(site, views)
    editions = site.editions
    latest = editions[-1] if editions else None
    recent = list(reversed(editions[-RECENT_EDITIONS - 1 : -1]))
    layout.page(
        "index.html",
        "",
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
    layout.page(
        "archive.html",
        "archive/",
        "the archive",
        Inputs(tuple(Inputs.edition(e) for e in editions)),
        lambda: {"years": views.archive(), "edition_count": len(editions)},
    )
    layout.listing("items.html", "items/", "the list of all items", site.items, Inputs(), dict)
    corrected = [item for item in site.items if item.corrections]
    layout.page(
        "corrections.html",
        "corrections/",
        "the corrections page",
        Inputs(tuple(Inputs.card(item) for item in corrected)),
        lambda: {"corrections": views.corrections()},
    )
    _item_pages(layout, site.items)
    _group_pages(layout, site)
    _author_pages(layout, site)
    if site.config.search:
        filters = [View(name=name, label=label) for name, label in FILTERS]
        layout.page(
            "search.html", SEARCH_PAGE, "the search page", Inputs(), lambda: {"filters": filters}
        )
    layout.page("404.html", "404.html", "the 404 page", Inputs(), dict)
    return layout.pages


def _item_pages(layout: _Layout, items: Sequence[Item]) -> None:
    for index in range(len(items)):
        _item_page(layout, items, index)


def item_page(site: Site, views: Views, index: int) -> Page:
    """The page of ``site.items[index]`` alone, exactly as :func:`plan` lays it out."""
    layout = _Layout(site, views)
    _item_page(layout, site.items, index)
    return layout.pages[0]


def _item_page(layout: _Layout, items: Sequence[Item], index: int) -> None:
    views = layout.views
    item = items[index]
    newer = items[index - 1] if index > 0 else None
    older = items[index + 1] if index + 1 < len(items) else None
    layout.page(
        "item.html",
        item.url,
        item.path,
        Inputs(
            (
                Inputs.card(item),
                Inputs.body(item),
                *(Inputs.card(other) for other in (newer, older) if other),
            ),
            ("newer" if newer else "", "older" if older else ""),
        ),
        lambda: {
            "item": views.item(item),
            "newer": _neighbour(newer, views),
            "older": _neighbour(older, views),
        },
    )


def _group_pages(layout: _Layout, site: Site) -> None:
    views = layout.views
    layout.page(
        "tags.html",
        "tags/",
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
        "sources/",
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


def _author_pages(layout: _Layout, site: Site) -> None:
    """An index of authors and a page of each one's items, when items have bylines."""
    if not site.authors:
        return
    views = layout.views
    layout.page(
        "authors.html",
        "authors/",
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
