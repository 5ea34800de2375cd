"""Feeds, built with feedgen: RSS 2.0 of the newest items, and of the newest editions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator
from markupsafe import escape

from generator.models import Edition, Item
from generator.views import Views, rebase_links

# XML 1.0 forbids these; word processors paste them into text anyway.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text with the characters XML cannot carry removed."""
    return _NOT_XML.sub("", text)


def _credit(item: Item) -> str:
    links = ", ".join(
        f'<a href="{escape(ref.url)}">{escape(ref.publisher.name)}</a>' for ref in item.references
    )
    return f"<p>Source: {links}</p>"


def _absolute_html(item: Item, views: Views) -> str:
    """The item's HTML with internal links made absolute: feed readers have no base."""
    return rebase_links(item.html, item.url, views.config, views.absolute)


def _new_feed(views: Views, feed_path: str, title: str, updated: datetime | None) -> FeedGenerator:
    config = views.config
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.title(xml_text(title))
    # feedgen's RSS <link> is the last link given, so the site's comes last.
    fg.link(href=views.absolute(feed_path), rel="self")
    fg.link(href=config.url, rel="alternate")
    fg.description(xml_text(config.description or config.title))
    fg.language(config.language)
    if updated is not None:
        # feedgen would stamp the current time; the content's own date keeps builds reproducible.
        fg.lastBuildDate(updated)
    else:
        # feedgen has no way to leave the date out; an empty feed simply has none.
        fg._FeedGenerator__rss_lastBuildDate = None
    return fg


def render_item_feed(views: Views, items: Sequence[Item], feed_path: str, title: str) -> bytes:
    """RSS 2.0 of ``items`` (newest first): summary as description, full HTML as content."""
    fg = _new_feed(views, feed_path, title, items[0].date if items else None)
    for item in items:
        entry = fg.add_entry(order="append")
        permalink = views.absolute(item.url)
        entry.guid(permalink, permalink=True)
        entry.title(xml_text(item.title))
        entry.link(href=permalink)
        entry.description(xml_text(item.summary))
        entry.content(xml_text(_absolute_html(item, views) + _credit(item)), type="CDATA")
        entry.pubDate(item.date)
        for ref in item.references[:1]:
            entry.dc.dc_publisher(xml_text(ref.publisher.name))
        for tag in item.tags:
            entry.category(term=xml_text(tag.name))
    data: bytes = fg.rss_str(pretty=True)
    return data


def edition_published(edition: Edition) -> datetime:
    """An edition is dated by its newest item, so readers see it when it is complete."""
    return max(item.date for item in edition.items)


def render_edition_feed(views: Views, editions: Sequence[Edition], feed_path: str) -> bytes:
    """RSS 2.0 with one entry per edition (newest first), carrying the whole edition."""
    title = f"{views.config.title}: editions"
    fg = _new_feed(views, feed_path, title, edition_published(editions[0]) if editions else None)
    for edition in editions:
        link = views.edition_link(edition)
        entry = fg.add_entry(order="append")
        entry.guid(link["permalink"], permalink=True)
        entry.title(xml_text(f"No. {edition.number}: {link['title']}"))
        entry.link(href=link["permalink"])
        entry.description(
            xml_text(f"{link['item_count']} items: " + "; ".join(i.title for i in edition.items))
        )
        entry.content(xml_text(_edition_html(edition, views)), type="CDATA")
        entry.pubDate(edition_published(edition))
    data: bytes = fg.rss_str(pretty=True)
    return data


def _edition_html(edition: Edition, views: Views) -> str:
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
