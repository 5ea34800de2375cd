"""Feeds: RSS 2.0 and Atom with feedgen, JSON Feed 1.1 with the standard library.

Items and editions are first turned into format-neutral :class:`Entry` records
(absolute links, XML-safe text, stable ids); each writer then only lays them out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from markupsafe import escape

from generator.model.records import Author, Edition, Item, Publisher, Site, Story
from generator.render.feedgen_dates import leave_out_dates, set_atom_updated
from generator.render.views import Views, rebase_links, sized_images
from generator.render.words import Words
from generator.text.urls import OutputPath, as_uri, file_path, tag_uri

# XML 1.0 forbids these; word processors paste them into text anyway.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

#: File names of a feed in each format, under the feed's folder.
FORMATS = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}


def xml_text(text: str) -> str:
    """Text with the characters XML cannot carry removed."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True, slots=True)
class Enclosure:
    """An entry's audio, as feeds enclose it and podcast apps fetch it."""

    #: Absolute URL, a URI.
    url: str
    #: Bytes, exactly.
    length: int
    #: MIME type, "audio/mpeg".
    type: str
    #: Whole seconds, when the editor gave it.
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry, whatever the format."""

    #: Never changes when a title or slug is edited (see ``Item.feed_id``).
    id: str
    title: str
    #: Absolute URL of the entry's page on the site.
    url: str
    #: Absolute URL of the summarised article, if any.
    external_url: str | None
    summary: str
    #: Full HTML, links absolute.
    html: str
    published: datetime
    tags: tuple[str, ...]
    #: When the entry last changed: its update, else its publication.
    updated: datetime | None = None
    #: Who wrote it: (name, URL of their page) each; empty for the channel's author.
    authors: tuple[tuple[str, str], ...] = ()
    #: The lead picture: absolute URL, width and height when known.
    image: tuple[str, int | None, int | None] | None = None
    #: The item's audio.
    audio: Enclosure | None = None

    @property
    def changed(self) -> datetime:
        return self.updated or self.published


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed is about, and where its formats live."""

    title: str
    description: str
    #: Absolute URL of the page the feed follows (the site, a tag page, ...).
    home: str
    #: Absolute URL of each format's file, by format name.
    urls: dict[str, str]
    language: str
    author: str
    #: The WebSub hub that readers may subscribe through (site.yaml's ``websub``).
    hub: str | None = None
    #: The desk's mail address (site.yaml's ``email.from``): a podcast's owner.
    owner_email: str | None = None


def _credit(item: Item) -> str:
    links = ", ".join(
        f'<a href="{escape(ref.url)}">{escape(ref.publisher.name)}</a>' for ref in item.references
    )
    return f"<p>Source: {links}</p>"


def feed_url(views: Views, site_path: str) -> str:
    """A page's address as feeds give it: a URI, its non-ASCII letters percent-encoded
    (RSS wants URLs, and validators and some readers fail on IRIs: /sources/例え-jp/)."""
    url = views.absolute(site_path)
    return as_uri(url) or url


def _absolute_html(item: Item, views: Views) -> str:
    """The item's HTML with every internal link absolute, in-page ones included: feed
    readers have no base."""
    sized = sized_images(
        item.html,
        item.attachments,
        item.url,
        views.config,
        views.absolute,
        views.site.static_pictures,
    )
    return rebase_links(sized, item.url, views.config, views.absolute, fragments=True)


def feed_id(item: Item, views: Views) -> str:
    """The item's id as a URI, which Atom requires: an IRI (a source URL with letters
    beyond ASCII) percent-encoded, an id that is no URI ("12345") a tag: URI of the
    site's host and the item's day."""
    return as_uri(item.feed_id) or tag_uri(
        views.config.url, item.date.date().isoformat(), item.feed_id
    )


def item_entry(item: Item, views: Views) -> Entry:
    if item.withdrawn is not None:
        return _withdrawn_entry(item, views)
    return Entry(
        # The editor's `id`, else the first source URL: never the slug or the title.
        id=feed_id(item, views),
        title=xml_text(item.title),
        url=feed_url(views, item.url),
        external_url=item.references[0].url,
        summary=xml_text(item.summary),
        html=xml_text(_absolute_html(item, views) + _credit(item)),
        published=item.date,
        tags=tuple(xml_text(tag.name) for tag in item.tags),
        updated=item.updated,
        authors=tuple((xml_text(a.name), a.link or feed_url(views, a.url)) for a in item.authors),
        image=_image(item, views),
        audio=_enclosure(item, views),
    )


def _enclosure(item: Item, views: Views) -> Enclosure | None:
    """The item's audio at its absolute address, as a URI."""
    audio = item.audio
    if audio is None:
        return None
    url = audio.src if audio.external else views.absolute(file_path(audio.src))
    return Enclosure(as_uri(url) or url, audio.length, audio.type, audio.duration)


def _withdrawn_entry(item: Item, views: Views) -> Entry:
    """A withdrawn item's entry: its notice as its text, dated by the withdrawal so that
    readers see it changed; nothing else of what it said."""
    assert item.withdrawn is not None
    notice = views.card(item)["withdrawn"]
    label = escape(views.words("withdrawn"))
    said = views.words("withdrew_on", site=views.config.title, date=notice.date_text)
    text = f"{said}. {item.withdrawn.reason}"
    return Entry(
        id=feed_id(item, views),
        title=xml_text(item.title),
        url=feed_url(views, item.url),
        external_url=None,
        summary=xml_text(text),
        html=xml_text(f"<p><strong>{label}.</strong> {escape(text)}</p>"),
        published=item.date,
        tags=(),
        updated=item.withdrawn.date,
    )


def _image(item: Item, views: Views) -> tuple[str, int | None, int | None] | None:
    """The lead picture's absolute address, as a URI, and its size when known."""
    picture = item.image
    if picture is None:
        return None
    url = picture.src if picture.external else views.absolute(file_path(picture.src))
    return (as_uri(url) or url, picture.width, picture.height)


def edition_entries(
    editions: Sequence[Edition],
    views: Views,
    edition_html: Callable[[Edition], str | None] | None = None,
) -> list[Entry]:
    entries = []
    for edition in editions:
        link = views.edition_link(edition)
        entries.append(
            Entry(
                # The date identifies an edition for good; its title may change.
                id=link["permalink"],
                title=xml_text(
                    views.words("feed_edition_title", number=edition.number, title=link["title"])
                ),
                url=link["permalink"],
                external_url=None,
                summary=xml_text(
                    f"{views.words('items', n=link['item_count'])}: "
                    + "; ".join(i.title for i in edition.items)
                ),
                # The email's when asked for and made, else the site's own.
                html=xml_text(
                    (edition_html and edition_html(edition)) or _edition_html(edition, views=views)
                ),
                published=edition.published,
                tags=(),
                # The edition's sound: its first item's with audio (the day's audio
                # briefing), so that a feed of editions that all have one is a podcast.
                audio=next((_enclosure(i, views) for i in edition.items if i.audio), None),
            )
        )
    return entries


def _edition_html(edition: Edition, *, views: Views) -> str:
    parts = [edition.intro_html]
    for section in edition.sections:
        if section.name:
            parts.append(f"<h2>{escape(section.name)}</h2>")
        for item in section.items:
            url = escape(views.absolute(item.url))
            parts.append(f'<h3><a href="{url}">{escape(item.title)}</a></h3>')
            parts.append(_absolute_html(item, views))
            parts.append(_credit(item))
    return "\n".join(parts)


def _generator(
    channel: Channel, entries: Sequence[Entry], self_url: str, *, atom: bool
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(channel.home)
    fg.title(xml_text(channel.title))
    subtitle = xml_text(channel.description or channel.title)
    # Readers (feedparser among them) take RSS's channel <description> as HTML too.
    fg.subtitle(subtitle if atom else html.escape(subtitle, quote=False))
    fg.author({"name": xml_text(channel.author)})
    fg.language(channel.language)
    # feedgen's RSS <link> is the last link given, so the home page comes last.
    fg.link(href=self_url, rel="self")
    if channel.hub and atom:  # RSS gets its own below: feedgen writes only rel="self"
        fg.link(href=channel.hub, rel="hub")
    fg.link(href=channel.home, rel="alternate")
    if entries:
        # feedgen would stamp the current time; the newest entry keeps builds reproducible.
        fg.updated(max(entry.changed for entry in entries))
    else:
        # An empty feed simply has no date (feedgen would stamp the current time).
        leave_out_dates(fg)
    _load_extensions(fg, channel, entries, atom=atom)
    for entry in entries:
        _add_entry(fg, entry, atom=atom)
    return fg


def _load_extensions(
    fg: FeedGenerator, channel: Channel, entries: Sequence[Entry], *, atom: bool
) -> None:
    """The vocabularies the entries need, and only those: a feed without bylines,
    pictures or audio is the same bytes as before they existed."""
    if not atom and any(entry.authors for entry in entries):
        fg.load_extension("dc", atom=False, rss=True)
    if any(entry.image for entry in entries):
        fg.load_extension("media")
    if any(entry.audio for entry in entries):
        if atom:
            fg.register_extension(_AtomEnclosure.NAME, _AtomEnclosure, _AtomEnclosure, rss=False)
        elif any(entry.audio.duration for entry in entries if entry.audio):
            fg.load_extension("podcast", atom=False, rss=True)
            # What podcast apps and the W3C validator ask of a channel with itunes: tags.
            fg.podcast.itunes_category(cat="News")
            fg.podcast.itunes_explicit("no")
            if channel.owner_email:
                fg.podcast.itunes_owner(name=xml_text(channel.author), email=channel.owner_email)


def _add_entry(fg: FeedGenerator, entry: Entry, *, atom: bool) -> None:
    """One entry, as RSS or Atom carries it."""
    fe = fg.add_entry(order="append")
    fe.id(entry.id)
    fe.guid(entry.id, permalink=entry.id == entry.url)
    fe.title(entry.title)
    # Only the entry's own page: feedgen 1.0 drops the rel of entry links, so a
    # "related" link to the source would become a second "alternate". The source
    # is credited in the content instead.
    fe.link(href=entry.url, rel="alternate")
    # The summary is text; both carry it as HTML (RSS's <description> is HTML, and an
    # Atom text summary that looks like HTML, "<b>", makes validators and some
    # readers guess), escaped, so that readers show exactly what was typed.
    escaped = html.escape(entry.summary, quote=False)
    if atom:
        fe.summary(escaped, type="html")
    else:
        fe.summary(escaped)
    # RSS carries the HTML as content:encoded in CDATA; Atom as escaped type="html".
    fe.content(entry.html, type="html" if atom else "CDATA")
    fe.published(entry.published)
    fe.updated(entry.changed)
    if entry.image:
        url, width, height = entry.image
        # Outside a media:group, which Media RSS keeps for several versions of one thing.
        media: dict[str, str | None] = {"url": url, "medium": "image", "group": None}
        if width and height:
            media.update(width=str(width), height=str(height))
        fe.media.content(media)
    if entry.audio and atom:
        getattr(fe, _AtomEnclosure.NAME).audio = entry.audio
    elif entry.audio:
        fe.enclosure(entry.audio.url, str(entry.audio.length), entry.audio.type)
        if entry.audio.duration:
            fe.podcast.itunes_duration(str(entry.audio.duration))
    for name, url in entry.authors:
        # RSS's <author> must be an e-mail address: names go in dc:creator.
        if atom:
            fe.author({"name": name, "uri": url})
        else:
            fe.dc.dc_creator(name, replace=False)
    if entry.tags:
        # At once: feedgen rebuilds its RSS list on every call, so a call per tag
        # cost the square of the tags (1,200 tags on one item took 38 s).
        fe.category([{"term": tag} for tag in entry.tags])


class _AtomEnclosure:
    """An Atom entry's ``<link rel="enclosure">``, written by a feedgen extension: feedgen
    1.0 writes an entry's links with their href alone (it reads rel, type and length
    from the new element, not from the link given), so its own would be a second
    "alternate" link. Duck-typed: feedgen only calls these methods."""

    NAME = "briefing_enclosure"

    def __init__(self) -> None:
        self.audio: Enclosure | None = None

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, element: Any) -> Any:
        if self.audio is not None:
            audio = self.audio
            xml_elem("link", element, href=audio.url, rel="enclosure", type=audio.type,
                     length=str(audio.length))  # fmt: skip
        return element

    def extend_rss(self, element: Any) -> Any:
        return element


def render_rss(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """RSS 2.0: summary as description, full HTML as content:encoded."""
    fg = _generator(channel, entries, channel.urls["rss"], atom=False)
    data: bytes = fg.rss_str(pretty=True)
    if channel.hub:
        data = _with_hub(data, channel.hub)
    # Apple's spelling since 2021, which the W3C validator asks for; feedgen knows only
    # "yes", "no" and "clean".
    data = data.replace(
        b"<itunes:explicit>no</itunes:explicit>", b"<itunes:explicit>false</itunes:explicit>"
    )
    return _character_references(data)


def _with_hub(rss: bytes, hub: str) -> bytes:
    """RSS naming its WebSub hub, ``<atom:link rel="hub">`` beside the self link, as the
    WebSub spec (section 4) asks of RSS."""
    self_link = rss.index(b'rel="self"/>') + len(b'rel="self"/>')
    line = f'\n    <atom:link href="{escape(hub)}" rel="hub"/>'.encode()
    return rss[:self_link] + line + rss[self_link:]


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)


def _character_references(xml: bytes) -> bytes:
    """``&`` and ``<`` in RSS text as ``&#x26;`` and ``&#x3C;``, never ``&amp;``/``&lt;``.

    The same characters to an XML parser; but many RSS readers take titles apart
    without one, decode the named entities and read HTML into the text, so
    "Vec<T>" showed as "Vec". The W3C feed validator asks for this form. CDATA
    sections (content:encoded) are left as they are: references mean nothing there.
    """
    parts = _CDATA.split(xml)
    for index in range(0, len(parts), 2):  # the parts outside CDATA
        parts[index] = parts[index].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
    return b"".join(parts)


def render_atom(channel: Channel, entries: Sequence[Entry]) -> bytes:
    fg = _generator(channel, entries, channel.urls["atom"], atom=True)
    if not entries:
        # Atom requires <updated>; with nothing published yet, the feed has no date to give.
        set_atom_updated(fg, datetime(1970, 1, 1, tzinfo=UTC))
    data: bytes = fg.atom_str(pretty=True)
    return data


def render_json(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": channel.home,
        "feed_url": channel.urls["json"],
        "description": channel.description or channel.title,
        "language": channel.language,
        "authors": [{"name": channel.author}],
        **({"hubs": [{"type": "WebSub", "url": channel.hub}]} if channel.hub else {}),
        "items": [
            {
                "id": entry.id,
                "url": entry.url,
                **({"external_url": entry.external_url} if entry.external_url else {}),
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.html,
                "date_published": entry.published.isoformat(),
                **({"date_modified": entry.updated.isoformat()} if entry.updated else {}),
                **({"image": entry.image[0]} if entry.image else {}),
                **({"attachments": [_attachment(entry.audio)]} if entry.audio else {}),
                **({"tags": list(entry.tags)} if entry.tags else {}),
                **(
                    {"authors": [{"name": name, "url": url} for name, url in entry.authors]}
                    if entry.authors
                    else {}
                ),
            }
            for entry in entries
        ],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _attachment(audio: Enclosure) -> dict[str, str | int]:
    """JSON Feed's attachment: what RSS's enclosure says, and how long it plays."""
    found: dict[str, str | int] = {
        "url": audio.url,
        "mime_type": audio.type,
        "size_in_bytes": audio.length,
    }
    if audio.duration:
        found["duration_in_seconds"] = audio.duration
    return found


RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed file: its channel, its format, and the items or editions it carries."""

    file: OutputPath
    origin: str
    format: str
    channel: Channel
    #: Newest first, at most ``feed_items``; empty for a feed of editions.
    items: tuple[Item, ...] = ()
    #: Newest first, at most ``feed_items``; empty for a feed of items.
    editions: tuple[Edition, ...] = ()
    #: The running story whose feed it is: its title and paragraph head the channel.
    story: Story | None = None


def site_feeds(site: Site, views: Views) -> list[Feed]:
    """Every feed of the site.

    The site's items, its editions and each running story get RSS, Atom and JSON
    Feed; every tag, source and author gets an RSS feed of its own, linked from its
    page.
    """
    config = site.config
    count = config.feed_items
    sender = config.email.sender if config.email else None
    owner_email = (parseaddr(sender)[1] or None) if sender else None

    def channel(title: str, description: str, home: str, folder: str) -> Channel:
        return Channel(
            title=title,
            description=description,
            home=feed_url(views, home),
            urls={fmt: feed_url(views, folder + name) for fmt, name in FORMATS.items()},
            language=config.language,
            author=config.feed_author,
            hub=config.websub,
            owner_email=owner_email,
        )

    feeds: list[Feed] = []
    root = config.root  # the folder of the language's pages
    main = channel(config.title, config.description, root, root)
    # Its page is the archive: no page lists editions at /editions/ itself.
    words = views.words
    editions = channel(
        words("feed_editions_title", site=config.title),
        config.description,
        root + "archive/",
        root + "editions/",
    )
    newest = tuple(site.editions[::-1][:count])
    for fmt, name in FORMATS.items():
        feeds.append(
            Feed(
                root + name,
                "the feeds",
                fmt,
                main,
                items=carried(site.items, site, _site, None)[:count],
            )
        )
        feeds.append(Feed(f"{root}editions/{name}", "the feeds", fmt, editions, editions=newest))
    for group in _followed(site, words):
        # name, description, page, what it is, items, and what an item is grouped by
        name, about, page, kind, items, keys, key = group
        feed = channel(f"{config.title}: {name}", about, page, page)
        origin = f"the feed of {kind} '{name}'"
        chosen = carried(items, site, keys, key)[:count]
        feeds.append(Feed(page + FORMATS["rss"], origin, "rss", feed, chosen))
    for followed in site.stories:
        # A reader follows one story in whatever their reader takes: all three formats.
        story = followed.story
        feed = channel(
            f"{config.title}: {story.title}",
            story.summary or words("feed_story_about", story=story.title),
            story.url,
            story.url,
        )
        origin = f"the feeds of story '{story.name}'"
        items = carried(followed.items, site, _stories, story)
        for fmt, name in FORMATS.items():
            feeds.append(Feed(story.url + name, origin, fmt, feed, items[:count], story=story))
    return feeds


#: A group with a feed of its own: its name, description, page, what it is, its items,
#: and what an item is grouped by and this group's key among them.
_Followed = tuple[str, str, str, str, tuple[Item, ...], Callable[[Item], Iterable[object]], object]


def _followed(site: Site, words: Words) -> list[_Followed]:
    """Each tag, source and author: their RSS feeds, the same but for their names."""
    return [
        *((g.tag.name, words("feed_tag_about", tag=g.tag.name), g.tag.url, "tag", g.items,
           _tag_slugs, g.tag.slug) for g in site.tags),
        *((g.publisher.name, words("feed_source_about", source=g.publisher.name),
           g.publisher.url, "source", g.items, _publishers, g.publisher)
          for g in site.publishers),
        *((g.author.name, g.author.bio or words("feed_author_about", author=g.author.name),
           g.author.url, "author", g.items, _authors, g.author) for g in site.authors),
    ]  # fmt: skip


def carried(
    items: tuple[Item, ...], site: Site, keys: Callable[[Item], Iterable[object]], key: object
) -> tuple[Item, ...]:
    """A feed's items newest first (those of the group ``key``, an item's groups being its
    ``keys``), with the withdrawn items it would carry: a reader who has one in their
    feed reader sees the withdrawal there, where they read it."""
    if not site.withdrawn:
        return items
    withdrawn = [item for item in site.withdrawn if key in keys(item)]
    if not withdrawn:
        return items
    return tuple(sorted((*items, *withdrawn), key=lambda i: (-i.date.timestamp(), i.slug, i.path)))


def _site(item: Item) -> tuple[None]:
    return (None,)


def _tag_slugs(item: Item) -> list[str]:
    return [tag.slug for tag in item.tags]


def _publishers(item: Item) -> list[Publisher]:
    return [reference.publisher for reference in item.references]


def _authors(item: Item) -> tuple[Author, ...]:
    return item.authors


def _stories(item: Item) -> tuple[Story | None]:
    return (item.story,)


class FeedWriter:
    """Renders feeds, making each item's entry once however many feeds carry it."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.entries: dict[str, Entry] = {}

    def render(
        self, feed: Feed, edition_html: Callable[[Edition], str | None] | None = None
    ) -> bytes:
        """The feed's bytes; ``edition_html`` gives an edition entry's content (the
        email's, for services that send the feed as it is), else the site's own."""
        if feed.editions:
            entries = edition_entries(feed.editions, self.views, edition_html)
            # What a service sends is the newest edition: past the budget, the oldest
            # editions give up their text first.
            return RENDERERS[feed.format](
                feed.channel, within_budget(entries, oldest_first=edition_html is not None)
            )
        else:
            entries = []
            for item in feed.items:
                entry = self.entries.get(item.url)
                if entry is None:
                    entry = self.entries[item.url] = item_entry(item, self.views)
                entries.append(entry)
        return RENDERERS[feed.format](feed.channel, within_budget(entries))


#: What the full texts of one feed's entries may add up to, in bytes of HTML. A reader
#: fetches the whole file on every poll, and some give up on feeds of several MB; an
#: item pasted by mistake (a whole report) must not make every feed carrying it huge.
FEED_BUDGET = 1_000_000


def within_budget(
    entries: Sequence[Entry], budget: int = FEED_BUDGET, oldest_first: bool = False
) -> list[Entry]:
    """The entries, the largest full texts (with ``oldest_first``, the oldest ones)
    replaced by their summary and a link until the rest fits ``budget``; the newest
    entries' order and everything else stay."""
    sizes = [len(entry.html.encode()) for entry in entries]
    total = sum(sizes)
    result = list(entries)
    if oldest_first:  # entries come newest first
        order = list(reversed(range(len(result))))
    else:
        order = sorted(range(len(result)), key=lambda i: (-sizes[i], i))
    for index in order:
        if total <= budget:
            break
        short = _summary_only(result[index])
        total += len(short.html.encode()) - sizes[index]
        result[index] = short
    return result


def _summary_only(entry: Entry) -> Entry:
    html_text = (
        f"<p>{escape(entry.summary)}</p>\n"
        f'<p><a href="{escape(entry.url)}">Read the whole text on the site.</a></p>'
    )
    return replace(entry, html=html_text)
