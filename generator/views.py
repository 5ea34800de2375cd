"""Plain, read-only views of the model for templates: links already carry the base path."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from generator.config import SiteConfig
from generator.models import Item, Site, Tag, TagGroup
from generator.urls import link

View = dict[str, Any]

# Month names are spelled out here rather than taken from the C locale, which
# would make output depend on the machine that builds it.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def date_text(moment: datetime) -> str:
    """'22 July 2025'."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def minutes_to_read(words: int, per_minute: int = 220) -> int:
    return max(1, round(words / per_minute))


class Linker:
    """Turns site paths into links under the site's base path, and absolute URLs."""

    def __init__(self, config: SiteConfig) -> None:
        self.base = config.base_path
        self.root = config.url

    def href(self, site_path: str) -> str:
        return link(self.base, site_path)

    def absolute(self, site_path: str) -> str:
        return self.root + link("", site_path)


def site_view(site: Site, linker: Linker) -> View:
    config = site.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "url": config.url,
        "home": linker.href(""),
        "feed": linker.href("feed.xml"),
        "tags_index": linker.href("tags/"),
        "stylesheet": linker.href("assets/style.css"),
        "item_count": len(site.items),
    }


def tag_view(tag: Tag, linker: Linker, count: int | None = None) -> View:
    return {"name": tag.name, "slug": tag.slug, "url": linker.href(tag.url), "count": count}


def item_view(item: Item, config: SiteConfig, linker: Linker) -> View:
    local = item.date.astimezone(config.timezone)
    return {
        "title": item.title,
        "url": linker.href(item.url),
        "permalink": linker.absolute(item.url),
        "date_iso": local.isoformat(),
        "date_text": date_text(local),
        "time_text": local.strftime("%H:%M"),
        "tags": [tag_view(tag, linker) for tag in item.tags],
        "source": item.source,
        "source_name": item.source_name,
        "summary": item.summary,
        # markdown-it escaped everything the editor wrote (unless raw_html is on).
        "html": Markup(item.html),
        "words": item.words,
        "minutes": minutes_to_read(item.words),
    }


def tag_index_view(groups: Sequence[TagGroup], linker: Linker) -> list[View]:
    return [tag_view(group.tag, linker, len(group.items)) for group in groups]
