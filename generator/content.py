"""Turn a content file's text into a typed :class:`Document`.

The item schema lives here, in one table (:func:`item_fields`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from generator import schema
from generator.errors import BuildFailed, ContentError
from generator.frontmatter import split
from generator.models import Document, ItemMeta
from generator.schema import Field, Invalid
from generator.sources import Source
from generator.urls import slugify
from generator.yamltext import Position, load_mapping


def datetime_in(zone: ZoneInfo) -> schema.Coercer:
    """Coerce "2025-07-22", "2025-07-22 09:15" or full ISO 8601 to an aware datetime.

    A value without an offset is wall-clock time in ``zone``; a bare date is
    midnight there.
    """

    def coerce(value: Any) -> datetime:
        if isinstance(value, (datetime, date)):  # only from a caller's own dict
            raw = value.isoformat()
        elif isinstance(value, str):
            raw = value.strip()
        else:
            raise Invalid(
                f"must be a date such as 2025-07-22 or 2025-07-22T09:15:00+03:00, not {value!r}"
            )
        try:
            if len(raw) == 10:
                parsed = datetime.combine(date.fromisoformat(raw), time())
            else:
                parsed = datetime.fromisoformat(raw)
        except ValueError as exc:
            reason = str(exc)
            if "out of range" in reason or "must be in" in reason:
                raise Invalid(f"is not a real date: {raw!r} ({reason})") from None
            raise Invalid(
                f"is not a date: {raw!r}",
                hint="write YYYY-MM-DD, optionally with a time: 2025-07-22T09:15:00+03:00",
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed

    return coerce


def _tags(value: Any) -> tuple[str, ...]:
    tags = schema.text_list(value)
    for tag in tags:
        if not slugify(tag):
            raise Invalid(f"has a tag with no letters or digits: {tag!r}")
    return tags


def _slug(value: Any) -> str:
    raw = schema.text(value)
    slug = slugify(raw)
    if slug != raw:
        raise Invalid(
            f"must be lower-case letters, digits and '-': {raw!r}",
            hint=f"use slug: {slug}" if slug else "use words such as istanbul-talks",
        )
    return slug


@cache
def item_fields(zone: ZoneInfo) -> tuple[Field, ...]:
    """The front-matter schema of an item; dates are read in ``zone``."""
    return (
        Field("title", schema.text, required=True, doc="the headline of your summary"),
        Field("date", datetime_in(zone), required=True, doc="when it was published, 2025-07-22"),
        Field("tags", _tags, default=()),
        Field("source", schema.web_url, required=True, doc="the URL of the summarised article"),
        Field("source_name", schema.text),
        Field("summary", schema.text),
        Field("slug", _slug),
        Field("draft", schema.boolean, default=False),
    )


def parse(source: Source, zone: ZoneInfo) -> Document:
    """Parse one item file; raise BuildFailed with every problem in it."""
    try:
        halves = split(source.text, source.path)
        mapping = load_mapping(
            halves.front, path=source.path, error=ContentError, line_offset=halves.front_line - 1
        )
    except ContentError as exc:
        raise BuildFailed([exc]) from None
    values, errors = schema.validate(
        mapping,
        item_fields(zone),
        path=source.path,
        error=ContentError,
        start=Position(1, 1),
        what="front matter",
    )
    if errors:
        raise BuildFailed(errors)
    return Document(
        path=source.path,
        stem=PurePosixPath(source.rel).stem,
        meta=ItemMeta(**values),
        body=halves.body,
        body_line=halves.body_line,
        value_at=mapping.value_at,
    )
