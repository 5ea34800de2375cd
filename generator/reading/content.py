"""Turn a content file's text into a typed :class:`Document`.

The item schema lives here, in one table (:func:`item_fields`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from generator.errors import BuildFailed, ContentError, SiteError, SiteWarning
from generator.model.records import (
    AudioFile,
    Citation,
    Correction,
    Document,
    EditionNote,
    ItemMeta,
    LeadImage,
    PageDocument,
    StoryNote,
    Withdrawal,
)
from generator.reading.sources import MARKDOWN_SUFFIXES, Source
from generator.text import schema
from generator.text.frontmatter import FENCE, Split, split
from generator.text.schema import Field, Invalid
from generator.text.urls import slugify
from generator.text.yamltext import LocatedMapping, Position, load_mapping


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
        if raw.isdigit() and len(raw) >= 9:  # what a Unix clock says, not a calendar
            when = datetime.fromtimestamp(int(raw), UTC) if len(raw) <= 11 else None
            example = when.isoformat().replace("+00:00", "Z") if when else "2025-07-22T09:15:00Z"
            raise Invalid(
                f"is a number of seconds (a Unix timestamp), not a date: {raw!r}",
                hint=f"write the date and time: {example}",
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


#: The most tags one item may have: each of its tags' pages and feeds lists them all, so
#: an item's cost grows with the square of its tags (1,200 tags: 2.7 s and 2,427 files).
MAX_TAGS = 100


def _tags(value: Any) -> tuple[str, ...]:
    tags = schema.text_list(value)
    if len(tags) > MAX_TAGS:
        raise Invalid(
            f"has {len(tags)} tags: an item may have at most {MAX_TAGS}",
            hint="keep the tags a reader would follow; the others belong in the text",
        )
    for tag in tags:
        if not slugify(tag):
            raise Invalid(f"has a tag with no letters or digits: {tag!r}")
    return tags


def _citations(value: Any) -> tuple[Citation, ...]:
    """One URL, a list of URLs, or a list of ``{url, name}`` mappings; primary first."""
    entries = value if isinstance(value, list) else [value]
    if not entries:
        raise Invalid("is an empty list", hint="give the URL of the summarised article")
    citations: list[Citation] = []
    for entry in entries:
        if isinstance(entry, dict):
            unknown = set(entry) - {"url", "name"}
            if unknown or "url" not in entry:
                raise Invalid(
                    "entries must have a url and may have a name",
                    hint="write `- {url: https://..., name: Reuters}`",
                )
            name = schema.text(entry["name"]) if entry.get("name") is not None else None
            citations.append(Citation(schema.web_url(entry["url"]), name))
        else:
            citations.append(Citation(schema.web_url(entry)))
    return tuple(citations)


def _edition(value: Any) -> date:
    raw = schema.text(value)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"must be a date such as 2025-07-22, not {raw!r}") from None


def _slug(value: Any) -> str:
    raw = schema.text(value)
    slug = slugify(raw)
    if slug != raw:
        raise Invalid(
            f"must be lower-case letters, digits and '-': {raw!r}",
            hint=f"use slug: {slug}" if slug else "use words such as istanbul-talks",
        )
    return slug


def _corrections_in(zone: ZoneInfo) -> schema.Coercer:
    """A list of `{date, text}`: each correction made after publication, oldest first."""
    moment = datetime_in(zone)

    def coerce(value: Any) -> tuple[Correction, ...]:
        entries = value if isinstance(value, list) else [value]
        found = []
        for entry in entries:
            if not isinstance(entry, dict) or set(entry) != {"date", "text"}:
                raise Invalid(
                    "entries must each have a date and a text",
                    hint='write `- {date: 2025-07-23, text: "An earlier version said ..."}`',
                )
            found.append(Correction(moment(entry["date"]), schema.text(entry["text"])))
        return tuple(sorted(found, key=lambda c: c.date))

    return coerce


def image_source(value: Any) -> str:
    """A picture beside the item ("map.png", "img/map.png") or an https URL."""
    src = schema.text(value)
    if "://" in src or src.startswith("//"):
        if not src.startswith("https://"):
            raise Invalid(
                f"must be a file beside the item or an https URL, not {src!r}",
                hint="use the https address of the picture, or put the file beside the item",
            )
        return schema.web_url(src)
    if any(ch.isspace() for ch in src):
        raise Invalid(f"must not contain spaces: {src!r}", hint="rename the file, or write %20")
    return src


def _image(value: Any) -> LeadImage:
    """``image: map.png`` or ``image: {src, alt, credit}``."""
    if isinstance(value, dict):
        unknown = set(value) - {"src", "alt", "credit"}
        if unknown or "src" not in value:
            raise Invalid(
                "must have a src and may have an alt and a credit",
                hint='write `image: {src: map.png, alt: "A map of the route", credit: Reuters}`',
            )
        alt = schema.text(value["alt"]) if value.get("alt") is not None else None
        credit = schema.text(value["credit"]) if value.get("credit") is not None else None
        return LeadImage(image_source(value["src"]), alt, credit)
    return LeadImage(image_source(value))


@cache
def item_fields(zone: ZoneInfo) -> tuple[Field, ...]:
    """The front-matter schema of an item; dates are read in ``zone``."""
    return (
        Field("title", schema.text, required=True, doc="the headline of your summary"),
        Field("date", datetime_in(zone), required=True, doc="when it was published, 2025-07-22"),
        Field("tags", _tags, default=(), words=True),
        Field("source", _citations, required=True, doc="the URL of the summarised article"),
        Field("source_name", schema.text),
        Field("summary", schema.text),
        Field("slug", _slug),
        Field("draft", schema.boolean, default=False),
        Field("section", schema.text),
        Field("edition", _edition),
        Field("id", schema.text),
        # Jekyll's spelling of a draft; `draft: true` is briefing's (see FOREIGN_KEYS).
        Field("published", schema.boolean, default=True),
        Field("extra", schema.extra_data, default=MappingProxyType({})),
        Field("updated", datetime_in(zone)),
        Field("corrections", _corrections_in(zone), default=()),
        Field("author", schema.text_list, default=()),
        Field("image", _image),
        Field("image_alt", schema.text),
        Field("image_credit", schema.text),
        Field("story", _story, words=True),
        Field("withdrawn", _withdrawn_in(zone)),
        Field("weight", schema.positive_int),
        Field("lead", schema.boolean, default=False),
        Field("audio", _audio_source),
        Field("audio_length", _byte_length),
        Field("audio_type", _audio_type),
        Field("audio_duration", _duration),
        Field("lang", _lang),
        Field("translation", schema.text),
    )


#: The audio files an item may have beside it, by suffix, and the MIME type each is
#: served and enclosed as: what browsers play and podcast apps take.
AUDIO_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac", ".ogg": "audio/ogg",
        ".oga": "audio/ogg", ".opus": "audio/opus", ".wav": "audio/wav", ".flac": "audio/flac",
    }
)  # fmt: skip


def _audio_source(value: Any) -> str:
    """A sound file beside the item ("briefing.mp3") or an https URL."""
    src = schema.text(value)
    if "://" in src or src.startswith("//"):
        if not src.startswith("https://"):
            raise Invalid(
                f"must be a file beside the item or an https URL, not {src!r}",
                hint="use the https address of the audio, or put the file beside the item",
            )
        return schema.web_url(src)
    if src.startswith("/"):
        raise Invalid(
            f"must be a file beside the item or an https URL, not a site path: {src!r}",
            hint="put the file beside the item and give its name, e.g. audio: briefing.mp3",
        )
    if any(ch.isspace() for ch in src):
        raise Invalid(f"must not contain spaces: {src!r}", hint="rename the file, or write %20")
    suffix = PurePosixPath(src).suffix.lower()
    if suffix not in AUDIO_TYPES:
        raise Invalid(
            f"names {src!r}, which is not an audio file briefing publishes",
            hint="give a file ending in " + ", ".join(AUDIO_TYPES),
        )
    return src


def _byte_length(value: Any) -> int:
    try:
        return schema.positive_int(value)
    except Invalid as exc:
        raise Invalid(
            exc.message, hint="give the file's size in bytes, as its server's Content-Length"
        ) from None


#: A MIME type of sound: "audio/mpeg", "audio/x-m4a".
_AUDIO_TYPE = re.compile(r"audio/[a-z0-9][a-z0-9!#$&^_.+-]*")


def _audio_type(value: Any) -> str:
    kind = schema.text(value).lower()  # MIME types ignore case; feeds get one spelling
    if not _AUDIO_TYPE.fullmatch(kind):
        raise Invalid(
            f"must be the MIME type of a sound, such as audio/mpeg, not {kind!r}",
            hint="audio/mpeg for MP3, audio/mp4 for M4A, audio/ogg for Ogg",
        )
    return kind


def _duration(value: Any) -> int:
    """How long the audio plays: seconds (754), MM:SS (12:34) or H:MM:SS (1:02:03)."""
    parts = value.strip().split(":") if isinstance(value, str) else []
    readable = (
        1 <= len(parts) <= 3
        and all(part.isascii() and part.isdecimal() for part in parts)
        and all(len(part) == 2 and int(part) < 60 for part in parts[1:])
    )
    seconds = 0
    for part in parts if readable else ():
        seconds = seconds * 60 + int(part)
    if seconds < 1:
        shown = repr(value) if isinstance(value, str) else type(value).__name__
        raise Invalid(
            f"must be how long the audio plays, not {shown}",
            hint="write seconds (754), MM:SS (12:34) or H:MM:SS (1:02:03)",
        )
    return seconds


def _withdrawn_in(zone: ZoneInfo) -> schema.Coercer:
    """``{date, reason}``: when the item was withdrawn, and why, for its readers."""
    moment = datetime_in(zone)

    def coerce(value: Any) -> Withdrawal:
        if not isinstance(value, dict) or set(value) != {"date", "reason"}:
            raise Invalid(
                "must have a date and a reason",
                hint='write `withdrawn: {date: 2025-07-24, reason: "It relied on a forged '
                'document."}`',
            )
        return Withdrawal(moment(value["date"]), schema.text(value["reason"]))

    return coerce


def _lang(value: Any) -> str:
    """The language an item is written in, a tag site.yaml's ``languages`` lists
    (checked against them once the site is known)."""
    code = schema.text(value).strip()
    if not code:
        raise Invalid("is empty", hint="write the language's tag, e.g. `lang: uk`")
    return code


def _story(value: Any) -> str:
    """The name of the running story an item belongs to: one, with letters or digits."""
    if isinstance(value, list):
        raise Invalid(
            "names one story, not a list",
            hint="an item belongs to one running story; use tags: for the topics it shares",
        )
    name = schema.text(value)
    if not slugify(name):
        raise Invalid(f"has no letters or digits: {name!r}", hint="write e.g. `story: Grain deal`")
    return name


#: Front-matter keys of other generators (Jekyll, Hugo, Pelican, Eleventy, Zola), and
#: what to write here instead: a "did you mean" by spelling would point the wrong way
#: ("description" is not "section", "images" not "tags").
FOREIGN_KEYS: dict[str, str] = {
    "description": "briefing calls it `summary:`",
    "excerpt": "briefing calls it `summary:`",
    "abstract": "briefing calls it `summary:`",
    "categories": "briefing has `tags:` for topics and `section:` for a part of the edition",
    "category": "briefing has `tags:` for topics and `section:` for a part of the edition",
    "keywords": "briefing calls them `tags:`",
    "link": "briefing calls it `source:`",
    "url": "write the article's address as `source:`; an item's own address comes from "
    "its `slug:` and site.yaml's `permalink:`",
    "permalink": "an item's address comes from its `slug:` and site.yaml's `permalink:`",
    "aliases": "redirects from old addresses are not supported here",
    "layout": "every item uses the theme's item.html; templates are not chosen per item",
    "template": "every item uses the theme's item.html; templates are not chosen per item",
    **dict.fromkeys(
        ("authors", "byline", "creator"), "briefing calls it `author:` (one name or a list)"
    ),
    **dict.fromkeys(
        ("images", "featured_image", "cover", "thumbnail"),
        "briefing takes one lead picture as `image:` (with `image_alt:`), beside the item "
        "or an https URL",
    ),
    **dict.fromkeys(("lastmod", "modified", "last_modified"), "briefing calls it `updated:`"),
    "status": "write `draft: true` to keep an item out of the site",
    "params": "briefing calls it `extra:` (the item's own values, for the theme: "
    "{{ item.extra.<key> }})",
    "taxonomies": "briefing has `tags:` for topics and `section:` for a part of the edition",
}


def _front_matter(
    source: Source, fields: tuple[Field, ...], what: str
) -> tuple[dict[str, Any], Split, LocatedMapping]:
    """Split, load and validate the front matter; raise BuildFailed with every problem."""
    try:
        halves = split(source.text, source.path)
        mapping = load_mapping(
            halves.front,
            path=source.path,
            error=ContentError,
            line_offset=halves.front_line - 1,
            what=what,
        )
    except ContentError as exc:
        raise BuildFailed([exc]) from None
    values, errors = schema.validate(
        mapping, fields, path=source.path, error=ContentError, start=Position(1, 1), what=what,
        foreign=FOREIGN_KEYS if what == "front matter" else None,
    )  # fmt: skip
    errors += _before_publication(values, mapping, source.path)
    if errors:
        if _says_draft(mapping):
            raise IncompleteDraft(errors)
        raise BuildFailed(errors)
    return values, halves, mapping


def _before_publication(
    values: dict[str, Any], mapping: LocatedMapping, path: str
) -> list[SiteError]:
    """An update or a correction dated before the item was published: a typo in a date."""
    published = values.get("date")
    if published is None:
        return []
    errors: list[SiteError] = []
    updated = values.get("updated")
    if updated is not None and updated < published:
        where = mapping.value_at["updated"]
        errors.append(
            ContentError.at(
                f"'updated' ({updated.isoformat()}) is before 'date' ({published.isoformat()})",
                path=path,
                where=where,
                hint="an update comes after publication; check the two dates",
            )
        )
    withdrawn = values.get("withdrawn")
    if withdrawn is not None and withdrawn.date < published:
        errors.append(
            ContentError.at(
                f"'withdrawn' is dated {withdrawn.date.isoformat()}, before 'date' "
                f"({published.isoformat()})",
                path=path,
                where=mapping.value_at["withdrawn"],
                hint="an item is withdrawn after it is published; check the two dates",
            )
        )
    for correction in values.get("corrections") or ():
        if correction.date < published:
            where = mapping.value_at["corrections"]
            errors.append(
                ContentError.at(
                    f"a correction dated {correction.date.isoformat()} is before 'date' "
                    f"({published.isoformat()})",
                    path=path,
                    where=where,
                    hint="a correction comes after publication; check its date",
                )
            )
    return errors


class IncompleteDraft(BuildFailed):
    """A draft whose front matter is not finished yet.

    Its errors count only when drafts are built: ``briefing new`` writes drafts
    without a source, and an unfinished draft must not stop the published site.
    """


def _says_draft(mapping: LocatedMapping) -> bool:
    return _flag(mapping, "draft", False) or not _flag(mapping, "published", True)


def _flag(mapping: LocatedMapping, key: str, default: bool) -> bool:
    try:
        return schema.boolean(mapping.data[key]) if key in mapping.data else default
    except Invalid:
        return default


def item_stem(rel: PurePosixPath) -> str:
    """The name an item's default slug comes from: its file's, or for an item in a folder
    of its own (``2025-07-22-talks/index.md``, with its pictures beside it) its folder's."""
    if _is_index(rel.name) and len(rel.parts) > 1:
        return rel.parent.name
    return rel.stem


def _is_index(name: str) -> bool:
    """``index.md`` (or ``index.markdown``...): a folder's own page or item."""
    stem, _, suffix = name.rpartition(".")
    return stem == "index" and f".{suffix.lower()}" in MARKDOWN_SUFFIXES


def parse(source: Source, zone: ZoneInfo) -> Document:
    """Parse one item file; raise BuildFailed with every problem in it."""
    values, halves, mapping = _front_matter(source, item_fields(zone), "front matter")
    citations: tuple[Citation, ...] = values.pop("source")
    if not values.pop("published"):
        values["draft"] = True  # Jekyll's `published: false`: kept out of the site alike
    values["image"] = _with_text(values, mapping, source.path)
    values["audio"] = _with_audio(values, mapping, source.path)
    name = values.pop("source_name")
    if name and citations[0].name is None:
        citations = (Citation(citations[0].url, name), *citations[1:])
    return Document(
        path=source.path,
        stem=item_stem(PurePosixPath(source.rel)),
        meta=ItemMeta(sources=citations, **values),
        body=halves.body,
        body_line=halves.body_line,
        value_at=mapping.value_at,
    )


def _with_text(values: dict[str, Any], mapping: LocatedMapping, path: str) -> LeadImage | None:
    """The lead image with ``image_alt:`` and ``image_credit:`` folded in; both ways of
    giving one text at once would leave one unpublished."""
    image: LeadImage | None = values.get("image")
    alt, credit = values.pop("image_alt"), values.pop("image_credit")

    def refuse(key: str, problem: str, hint: str) -> BuildFailed:
        where = mapping.value_at[key]
        error = ContentError.at(problem, path=path, where=where, hint=hint)
        return BuildFailed([error])

    if image is None:
        if alt or credit:
            key = "image_alt" if alt else "image_credit"
            raise refuse(
                key,
                f"'{key}' is given, but there is no 'image'",
                "add `image: picture.jpg`, or delete the line",
            )
        return None
    for key, given, own in (("image_alt", alt, image.alt), ("image_credit", credit, image.credit)):
        if given and own:
            raise refuse(
                key, f"'{key}' and the image's own {key[6:]} are both given", "keep one of the two"
            )
    return LeadImage(image.src, image.alt or alt, image.credit or credit)


def _with_audio(values: dict[str, Any], mapping: LocatedMapping, path: str) -> AudioFile | None:
    """The audio with ``audio_length:``, ``audio_type:`` and ``audio_duration:`` folded
    in: an https URL needs the first two (the build cannot measure a file elsewhere),
    and a file beside the item must not have them (the build knows them better)."""
    src: str | None = values.pop("audio")
    given = {key: values.pop(key) for key in ("audio_length", "audio_type", "audio_duration")}
    errors: list[SiteError] = []

    def refuse(key: str, problem: str, hint: str) -> None:
        errors.append(ContentError.at(problem, path=path, where=mapping.value_at[key], hint=hint))

    if src is None:
        for key in (key for key, value in given.items() if value is not None):
            refuse(
                key,
                f"'{key}' is given, but there is no 'audio'",
                "add `audio: briefing.mp3` (a file beside the item), or delete the line",
            )
    elif src.startswith("https://"):
        if given["audio_length"] is None or given["audio_type"] is None:
            refuse(
                "audio",
                "'audio' is an https URL, so the build cannot know its length "
                "and type: give both 'audio_length' and 'audio_type'",
                "add `audio_length: 4821302` (its size in bytes) and `audio_type: "
                "audio/mpeg`, or put the file beside the item",
            )
    else:
        for key in ("audio_length", "audio_type"):
            if given[key] is not None:
                refuse(
                    key,
                    f"'{key}' is given for {src}, a file beside the item, whose "
                    f"{key[6:]} the build finds itself",
                    "delete the line",
                )
    if errors:
        raise (IncompleteDraft if _says_draft(mapping) else BuildFailed)(errors)
    if src is None:
        return None
    return AudioFile(src, given["audio_length"], given["audio_type"], given["audio_duration"])


def notes(doc: Document) -> tuple[SiteWarning, ...]:
    """What the editor should know about an item that builds: keys read in another
    generator's spelling, and invisible characters that reverse the text around them."""
    found = [*_bidi_notes(doc)]
    where = doc.value_at.get("published")
    if where is not None:
        meaning = "a draft, left out of the site" if doc.meta.draft else "published"
        found.append(
            SiteWarning.at(
                f"`published:` is Jekyll's spelling; this item is read as {meaning}",
                path=doc.path,
                where=where,
                hint="write `draft: true` to keep an item out of the site, or delete the "
                "line (items are published unless they are drafts)",
            )
        )
    return tuple(found)


#: Bidirectional controls that change the order of the text after them until closed:
#: overrides, embeddings and isolates; and what closes them.
_BIDI_OPEN = "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
_BIDI_CLOSE = "\u202c\u2069"


def _bidi_notes(doc: Document) -> list[SiteWarning]:
    """A warning for a title or summary holding a left-to-right or right-to-left
    override (U+202D, U+202E), or an embedding or isolate left open: it reverses what
    follows it, the site's name beside the title in <title> and in emails included."""
    found = []
    for key, text in (("title", doc.meta.title), ("summary", doc.meta.summary or "")):
        opened = sum(text.count(c) for c in _BIDI_OPEN)
        closed = sum(text.count(c) for c in _BIDI_CLOSE)
        if "\u202d" in text or "\u202e" in text or opened != closed:
            found.append(
                SiteWarning.at(
                    f"'{key}' holds an invisible control that reverses the order of the "
                    "text after it, on the page and beside the site's name",
                    path=doc.path,
                    where=doc.value_at.get(key),
                    hint="delete it: right-to-left words are shown in their order by themselves",
                )
            )
    return found


EDITION_FIELDS: tuple[Field, ...] = (
    Field("title", schema.text),
    Field("order", schema.text_list, default=()),
)

STORY_FIELDS: tuple[Field, ...] = (
    Field("title", schema.text, doc="the heading of the story's page"),
    Field("image", _image),
)

PAGE_FIELDS: tuple[Field, ...] = (
    Field("title", schema.text, required=True, doc="the page's heading"),
    Field("summary", schema.text),
    Field("menu", schema.positive_int),
    Field("draft", schema.boolean, default=False),
    Field("extra", schema.extra_data, default=MappingProxyType({})),
)


def page_name(rel: PurePosixPath) -> str:
    """A page's address from its place under pages/: ``pages/about.md`` and
    ``pages/about/index.md`` (with its pictures beside it) are both "about", and so are
    their versions in another language, ``about.uk.md`` and ``about/index.uk.md``."""
    parts = list(rel.parts[1:])
    if _is_index(_without_language(parts[-1])) and len(parts) > 1:
        parts.pop()
    else:
        parts[-1] = PurePosixPath(parts[-1]).stem.partition(".")[0]
    return "/".join(parts)


def page_language(rel: PurePosixPath) -> str | None:
    """The language a page's file name gives (``about.uk.md``), if any."""
    return PurePosixPath(rel.name).stem.partition(".")[2] or None


def _without_language(name: str) -> str:
    """``index.uk.md`` as ``index.md``: a page's file in another language."""
    stem, _, suffix = name.rpartition(".")
    return f"{stem.partition('.')[0]}.{suffix}" if stem else name


def parse_page(source: Source) -> PageDocument:
    """Parse a standalone page, ``pages/<name>.md``: its address is its file's name."""
    name = page_name(PurePosixPath(source.rel))
    wrong = [part for part in name.split("/") if slugify(part) != part]
    if wrong:
        fixed = "/".join(slugify(part) or "page" for part in name.split("/"))
        raise BuildFailed(
            [
                ContentError(
                    f"a page's file name is its address, and {wrong[0]!r} cannot be one",
                    path=source.path,
                    hint=f"use lower-case letters, digits and '-': rename it to pages/{fixed}.md",
                )
            ]
        )
    values, halves, mapping = _front_matter(source, PAGE_FIELDS, "page front matter")
    return PageDocument(
        path=source.path,
        name=name,
        body=halves.body,
        body_line=halves.body_line,
        value_at=mapping.value_at,
        lang=page_language(PurePosixPath(source.rel)),
        **values,
    )


def parse_edition(source: Source) -> EditionNote:
    """Parse an edition file, ``editions/<YYYY-MM-DD>.md`` (``<YYYY-MM-DD>.<lang>.md`` for
    the edition in another language than the site's default); front matter is optional."""
    stem, _, lang = PurePosixPath(source.rel).stem.partition(".")
    try:
        day = date.fromisoformat(stem)
    except ValueError:
        raise BuildFailed(
            [
                ContentError(
                    f"an edition file must be named after its date, not '{source.rel.name}'",
                    path=source.path,
                    hint="name it editions/YYYY-MM-DD.md, e.g. editions/2025-07-22.md",
                )
            ]
        ) from None
    if not source.text.startswith(FENCE):
        return EditionNote(source.path, day, None, source.text, 1, lang=lang or None)
    values, halves, mapping = _front_matter(source, EDITION_FIELDS, "edition front matter")
    return EditionNote(
        source.path,
        day,
        values["title"],
        halves.body,
        halves.body_line,
        values["order"],
        mapping.value_at.get("order"),
        lang or None,
    )


def parse_story(source: Source) -> StoryNote:
    """Parse a story's file, ``stories/<slug>.md``: the slug its items' ``story:`` makes
    (``stories/<slug>.<lang>.md`` for its pages in another language than the default)."""
    rel = PurePosixPath(source.rel)
    slug, _, lang = rel.stem.partition(".")
    if len(rel.parts) != 2 or slugify(slug) != slug:
        fixed = slugify(slug) or "grain-deal"
        raise BuildFailed(
            [
                ContentError(
                    f"a story's file is named after the story's slug, and {rel.name!r} is not one",
                    path=source.path,
                    hint=f"name it stories/{fixed}.md: the slug of `story: {slug}` in its items",
                )
            ]
        )
    if not source.text.startswith(FENCE):
        return StoryNote(
            source.path, slug, None, None, source.text, 1, MappingProxyType({}), lang or None
        )
    values, halves, mapping = _front_matter(source, STORY_FIELDS, "story front matter")
    return StoryNote(
        source.path,
        slug,
        values["title"],
        values["image"],
        halves.body,
        halves.body_line,
        mapping.value_at,
        lang or None,
    )
