"""Feeds, built with feedgen: RSS 2.0 of the newest items."""

from __future__ import annotations

import re
from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from markupsafe import escape

from generator.models import Item, Site
from generator.views import Linker

# XML 1.0 forbids these; word processors paste them into text anyway.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text with the characters XML cannot carry removed."""
    return _NOT_XML.sub("", text)


def _entry_html(item: Item) -> str:
    credit = f'<p>Source: <a href="{escape(item.source)}">{escape(item.source_name)}</a></p>'
    return xml_text(item.html + credit)


def render_rss(
    site: Site, items: Sequence[Item], linker: Linker, feed_path: str, title: str
) -> bytes:
    """An RSS 2.0 feed of ``items`` (newest first), with full HTML as content:encoded."""
    config = site.config
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.title(xml_text(title))
    # feedgen's RSS <link> is the last link given, so the site's comes last.
    fg.link(href=linker.absolute(feed_path), rel="self")
    fg.link(href=config.url, rel="alternate")
    fg.description(xml_text(config.description or config.title))
    fg.language(config.language)
    # feedgen would stamp the current time; the newest item's date keeps builds reproducible.
    if items:
        fg.lastBuildDate(items[0].date)
    else:
        # feedgen has no way to leave the date out; an empty feed simply has none.
        fg._FeedGenerator__rss_lastBuildDate = None
    for item in items:
        entry = fg.add_entry(order="append")
        permalink = linker.absolute(item.url)
        entry.guid(permalink, permalink=True)
        entry.title(xml_text(item.title))
        entry.link(href=permalink)
        entry.description(xml_text(item.summary))
        entry.content(_entry_html(item), type="CDATA")
        entry.pubDate(item.date)
        entry.dc.dc_publisher(xml_text(item.source_name))
        for tag in item.tags:
            entry.category(term=xml_text(tag.name))
    data: bytes = fg.rss_str(pretty=True)
    return data
