"""Every file of the site, and what each is made from.

:func:`plan` lays out the whole site: each HTML page, feed, sitemap part and
static file, with the inputs it depends on (the keys of :mod:`generator.plan.graph`)
and how to make it. Nothing is rendered here; a build renders only the pages
whose inputs changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

from generator.errors import OutputError, SiteError
from generator.model.languages import page_alternates
from generator.model.records import Alternate, Edition, Site
from generator.newsletter.emails import (
    EMAIL_MESSAGE,
    EMAIL_PAGE,
    EMAIL_TEXT,
    Newsletter,
    Render,
    email_folder,
    feed_html,
)
from generator.pictures.cache import PictureCache
from generator.plan.attached import attachment_pages
from generator.plan.graph import Inputs
from generator.plan.layout import Layout, html_pages
from generator.plan.manifest import MANIFEST, digest, manifest_text
from generator.plan.page import Page
from generator.project.theme import ThemeFiles
from generator.render.discovery import github_pages_files, render_robots, sitemap_files
from generator.render.feeds import Feed, FeedWriter, site_feeds
from generator.render.opml import OPML_FILE, Folder, feed_facts, feed_folders, render_opml
from generator.render.views import Views
from generator.text.urls import (
    OutputPath,
    is_inside,
    output_file,
    portability_problem,
    portable_key,
)


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
    # Each language's own pages, feeds, files and emails (a site in one language has
    # one); the theme's files, the standalone pages and the list of every feed are the
    # whole site's.
    languages = site.every_language
    each = [views if one is site else Views(one) for one in languages]
    versions = page_alternates(site)
    # One newsletter per language for the emails and the editions feed that carries
    # them: each email is made once.
    newsletters = [Newsletter(one) for one in languages]
    pages = [
        page
        for one, seen in zip(languages, each, strict=True)
        for page in html_pages(one, seen, versions)
    ]
    feeds = [_feed_pages(*three) for three in zip(languages, each, newsletters, strict=True)]
    pages += [page for pages_of, _ in feeds for page in pages_of]
    pages += [
        _opml_page(site, [folder for _, folders in feeds for folder in folders]),
        *_static_pages(theme),
        *(page for one, seen in zip(languages, each, strict=True)
          for page in _standalone_pages(one, seen, versions)),
    ]  # fmt: skip
    pages += [page for one in languages for page in attachment_pages(one, pictures)]
    pages += [
        page
        for one, newsletter in zip(languages, newsletters, strict=True)
        for page in _email_pages(one, emails, newsletter)
    ]
    config = site.config
    for file, data in github_pages_files(config).items():
        pages.append(_fixed(file, "GitHub Pages settings", data))
    pages.append(_fixed("robots.txt", "robots.txt", render_robots(config)))
    # A withdrawn item's page is kept for those who have its address, not offered anew.
    withdrawn = {output_file(item.url) for one in languages for item in one.withdrawn}
    listed = [page.file for page in pages if page.file not in withdrawn]
    roots = [one.config.root for one in languages]
    for sitemap in sitemap_files(config, listed, roots, versions):
        alternates = sitemap.alternates
        shown = (f"{url}\1{alternates[url]}" for url in sitemap.urls if url in alternates)
        inputs = Inputs(("site",), (str(sitemap.index), *sitemap.urls, "\2", *shown))
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


def _standalone_pages(
    site: Site, views: Views, alternates: Mapping[str, Sequence[Alternate]]
) -> list[Page]:
    """The standalone pages, planned after every page briefing makes itself, so that
    a page at a taken address (content/pages/archive.md) is the one named."""
    layout = Layout(site, views, alternates)
    for page in site.pages:
        # Its translations too: its <head> and language switch link them.
        others = [alt.url for alt in alternates.get(page.url, ()) if alt.url != page.url]
        layout.page(
            "page.html",
            page.url,
            page.path,
            Inputs((f"page:{page.url}", *(f"page:{url}" for url in others))),
            lambda page=page: {"page": views.standalone(page)},  # type: ignore[misc]
            parting=f"briefing writes /{page.url} itself; rename {page.path}",
        )
    return layout.pages


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


def _email_pages(site: Site, asked: Sequence[str], newsletter: Newsletter) -> list[Page]:
    """Each edition emailed: its HTML, its text and the message of both."""
    made = (
        (EMAIL_PAGE, ("email.html",), newsletter.page),
        (EMAIL_TEXT, ("email.txt",), newsletter.text),
        (EMAIL_MESSAGE, ("email.html", "email.txt"), newsletter.message),
    )
    pages = []
    for edition in emailed(site, asked):
        # The email shows no neighbours, unlike the edition's page; only its own items.
        inputs = Inputs((*Inputs.edition_full(edition), "site"))
        folder = email_folder(edition, site.config.root)
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


#: How many of the editions feed's newest entries carry their email. A service sends the
#: entries it has not seen, which are the newest (three cover one that checks less
#: often than editions come); older ones read better in a feed reader as the site's
#: HTML, and each email costs ~40 ms to make again whenever the feed changes: twenty
#: put a second on every edit at 10,000 items.
EMAILED_ENTRIES = 3


def _feed_page(feed: Feed, inputs: Inputs, writer: FeedWriter, newsletter: Newsletter) -> Page:
    """A feed's file. With emails on, an editions feed carries each edition's email as
    its entry's content, so that a newsletter service can send the feed as it is; its
    page is then made from email.html too."""
    if not feed.editions or newsletter.site.config.email is None:
        return Page(feed.file, feed.origin, None, inputs, lambda: writer.render(feed))

    emailed = {edition.date for edition in feed.editions[:EMAILED_ENTRIES]}

    def make(render: Render) -> bytes:
        def email_of(edition: Edition) -> str | None:
            if edition.date not in emailed:
                return None  # the site's own HTML: see EMAILED_ENTRIES
            page = newsletter.service_page(edition, render)
            return feed_html(page) if page is not None else None

        return writer.render(feed, email_of)

    return Page(feed.file, feed.origin, None, inputs, make, uses=("email.html",))


def _feed_pages(
    site: Site, views: Views, newsletter: Newsletter
) -> tuple[list[Page], tuple[Folder, ...]]:
    """Every feed of one language, and their folders for the list of every feed."""
    writer = FeedWriter(views)
    feeds = site_feeds(site, views)
    pages = []
    for feed in feeds:
        keys = ["site", *((Inputs.story(feed.story),) if feed.story else ())]
        for edition in feed.editions:
            keys += Inputs.edition_full(edition)
        for item in feed.items:
            keys += (Inputs.card(item), Inputs.body(item))
        pages.append(_feed_page(feed, Inputs(tuple(keys)), writer, newsletter))
    return pages, feed_folders(site, views, feeds)


def _opml_page(site: Site, folders: Sequence[Folder]) -> Page:
    """The OPML file that lists every feed of every language. It shows each feed's title
    and addresses, never its items: a new tag changes it, a new item does not."""
    return Page(
        OPML_FILE,
        "the list of every feed (OPML)",
        None,
        Inputs(("site",), feed_facts(folders)),
        lambda: render_opml(site.config, folders),
    )
