"""Every feed of the site in one list: ``feeds.opml`` (OPML 2.0) for feed readers to
import, and the views of the ``feeds/`` page that shows the same list to people.

The list is made from :func:`generator.render.feeds.site_feeds`, so that it names
exactly the feeds the build writes, with the titles and addresses they give
themselves; here they are only grouped into folders and laid out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from generator.model.records import Site
from generator.project.config import SiteConfig
from generator.render.feeds import FORMATS, Feed, feed_url, xml_text
from generator.render.views import View, Views
from generator.text.urls import OutputPath

#: The OPML file's and the feeds page's site paths.
OPML_FILE = "feeds.opml"
FEEDS_PAGE = "feeds/"

#: The folders, in the order a reader importing the file shows them; each feed goes in
#: the folder of the page it follows.
FOLDERS = ("Site", "Editions", "Stories", "Tags", "Sources", "Authors")
#: For a feed of a kind this module does not know yet: listed rather than lost.
OTHER_FOLDER = "More"

#: How each format is named to people, by format name.
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed to follow, in every format it comes in."""

    #: The folder it is listed in (one of :data:`FOLDERS`).
    folder: str
    #: The feed's title, as the feed itself names it.
    title: str
    #: Site path of the page the feed follows.
    page: str
    #: Absolute URL of that page, a URI as feeds write it.
    html_url: str
    #: Each format's name, the site path of its file and its absolute URL; RSS first.
    files: tuple[tuple[str, OutputPath, str], ...]

    @property
    def xml_url(self) -> str:
        """The address to subscribe to: the first format's, RSS where there is one."""
        return self.files[0][2]

    def fact(self) -> str:
        """Everything the OPML file and the feeds page show of it, for their inputs."""
        files = (f"{fmt}\1{file}\1{url}" for fmt, file, url in self.files)
        return "\0".join((self.folder, self.title, self.page, self.html_url, *files))


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of feeds; never empty."""

    name: str
    feeds: tuple[Subscription, ...]
    #: The name of its feeds' language, when the site has more than one and it is not
    #: the default: the list of every feed shows "Tags (Українська)".
    language: str = ""


def _pages(site: Site) -> dict[str, tuple[str, str]]:
    """Each folder that holds feeds, by its site path: the feeds' folder name and the
    page they follow."""
    # The editions' feeds live in editions/, which has no page of its own: the archive
    # is the page that lists every edition.
    root = site.config.root
    pages = {root: ("Site", root), root + "editions/": ("Editions", root + "archive/")}
    pages.update((g.story.url, ("Stories", g.story.url)) for g in site.stories)
    pages.update((g.tag.url, ("Tags", g.tag.url)) for g in site.tags)
    pages.update((g.publisher.url, ("Sources", g.publisher.url)) for g in site.publishers)
    pages.update((g.author.url, ("Authors", g.author.url)) for g in site.authors)
    return pages


def feed_folders(site: Site, views: Views, feeds: Sequence[Feed]) -> tuple[Folder, ...]:
    """``feeds`` (the site's, :func:`site_feeds`) as subscriptions in folders.

    A feed's formats are one subscription: a reader wants one of them, and RSS is
    the one every reader takes. Within a folder, feeds go by the site path of their
    page (so by slug): the list then changes only when a feed comes, goes or is
    renamed, not each time a story has news.
    """
    pages = _pages(site)
    files: dict[str, list[Feed]] = {}
    for feed in feeds:
        folder = feed.file.rpartition("/")[0]
        files.setdefault(folder + "/" if folder else "", []).append(feed)
    order = list(FORMATS)
    found: dict[str, list[Subscription]] = {}
    for path, formats in sorted(files.items()):
        formats.sort(key=lambda feed: order.index(feed.format) if feed.format in order else 99)
        name, page = pages.get(path, (OTHER_FOLDER, path))
        found.setdefault(name, []).append(
            Subscription(
                folder=name,
                title=formats[0].channel.title,
                page=page,
                html_url=feed_url(views, page),
                files=tuple(
                    (feed.format, feed.file, feed.channel.urls[feed.format]) for feed in formats
                ),
            )
        )
    language = site.language.name if site.config.root else ""
    return tuple(
        Folder(name, tuple(found[name]), language)
        for name in (*FOLDERS, OTHER_FOLDER)
        if name in found
    )


def feed_facts(folders: Sequence[Folder]) -> tuple[str, ...]:
    """What the OPML file and the feeds page are made from besides site.yaml: every
    feed's folder, title and addresses. A new tag changes them; a new item does not."""
    return tuple(f"{feed.fact()}\0{folder.language}" for folder in folders for feed in folder.feeds)


def render_opml(config: SiteConfig, folders: Sequence[Folder]) -> bytes:
    """OPML 2.0 (http://opml.org/spec2.opml): a subscription list of every feed, one
    outline folder per kind, each feed once by its RSS address."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_text(f"{config.title}: every feed")
    # No dateCreated or dateModified: the build's clock would make every build differ,
    # and the newest item's date would change the file with each item, not each feed.
    ET.SubElement(head, "ownerName").text = xml_text(config.feed_author)
    # No <docs>: OPML 2.0 allows it, but the W3C validator knows no such element and
    # says so as an error, which no reader needs.
    body = ET.SubElement(root, "body")
    for folder in folders:
        name = f"{folder.name} ({folder.language})" if folder.language else folder.name
        # A folder is its text alone: an outline with more (a title) is a feed or a link
        # to the W3C validator, which then asks for its type.
        outline = ET.SubElement(body, "outline", text=name)
        for feed in folder.feeds:
            title = xml_text(feed.title)
            # Readers import one subscription per outline: the RSS one, which they all
            # read (the same channel's Atom and JSON Feed would be duplicates). type
            # "rss" is OPML's word for any feed; version says which format it is.
            attributes = {"type": "rss", "text": title, "title": title}
            if feed.files[0][0] == "rss":
                attributes["version"] = "RSS2"
            attributes.update(xmlUrl=feed.xml_url, htmlUrl=feed.html_url)
            ET.SubElement(outline, "outline", attributes)
    ET.indent(root, space="  ")
    # ElementTree escapes &, <, > and quotes, and writes line breaks in attributes as
    # character references, so that a parser reads back exactly the text given.
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def folder_views(folders: Sequence[Folder], views: Views) -> list[View]:
    """The feeds page's folders: each feed's title, page, address and other formats."""
    shown = []
    for folder in folders:
        feeds = []
        for number, feed in enumerate(folder.feeds, start=1):
            (kind, _, url), *others = feed.files
            feeds.append(
                View(
                    title=feed.title,
                    page=views.href(feed.page),
                    # Unique on the page, for the address's <label>.
                    id=f"feed-{folder.name.lower()}-{number}",
                    url=url,
                    label=FORMAT_LABELS.get(kind, kind),
                    others=[
                        View(label=FORMAT_LABELS.get(fmt, fmt), url=views.href(file))
                        for fmt, file, _ in others
                    ],
                )
            )
        # The id stays the English folder's, in every language: links to it keep working.
        name = views.words(f"folder_{folder.name.lower()}")
        shown.append(View(name=name, id=f"feeds-{folder.name.lower()}", feeds=feeds))
    return shown
