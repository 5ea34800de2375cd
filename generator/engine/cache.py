"""What the build cache holds, as text: parsed and rendered content files, and its key.

Pure functions: :mod:`generator.engine.store` keeps these records in SQLite. A record
is JSON, never pickle (loading a cache must never run code), and every field's
type is checked when it is read back: a cache is data from disk, not trusted.
Records name files relative to the content folder, so that ``--site .`` and
``--site /abs/path`` share them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from generator import __version__
from generator.errors import SiteWarning
from generator.model.records import (
    AudioFile,
    Citation,
    Correction,
    Document,
    EditionNote,
    ItemMeta,
    LeadImage,
    Link,
    PageDocument,
    Rendered,
    StoryNote,
    Withdrawal,
)
from generator.text import schema
from generator.text.yamltext import Position

CACHE_DIR = ".briefing-cache"
#: Bumped whenever what the cache holds changes shape.
FORMAT = 17
#: Libraries whose output ends up in pages: a new version may change a page.
LIBRARIES = (
    "markdown-it-py", "mdit-py-plugins", "Jinja2", "MarkupSafe", "feedgen", "PyYAML", "Pillow",
    "babel",
)  # fmt: skip


def code_key() -> str:
    """briefing's own code and the versions of the libraries that shape its output.

    A changed renderer must not serve HTML made by the old one, even before the
    version number moves (a checkout between releases).
    """
    digest = hashlib.sha256(f"briefing {__version__} format {FORMAT}\0".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} -\0".encode())
    package = Path(__file__).resolve().parent.parent  # generator/, with every room
    for file in sorted(package.rglob("*.py")):
        name = file.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Parsed:
    """One content file as parsed and rendered: an item, or an edition's note."""

    #: Path relative to the content folder, '/'-separated.
    rel: str
    document: Document | EditionNote | PageDocument | StoryNote
    rendered: Rendered
    #: What the editor should know about the file, though it did not stop the build.
    warnings: tuple[SiteWarning, ...] = ()


def encode(parsed: Parsed) -> tuple[str, str]:
    """The record as JSON, and the rendered HTML apart: JSON-escaping and parsing the
    HTML again would be most of the cost of reading a cache."""
    doc = parsed.document
    if isinstance(doc, EditionNote):
        data: dict[str, Any] = {
            "kind": "note",
            "date": doc.date.isoformat(),
            "title": doc.title,
            "body_line": doc.body_line,
            "order": list(doc.order),
            "order_at": [doc.order_at.line, doc.order_at.col] if doc.order_at else None,
            "lang": doc.lang,
        }
    elif isinstance(doc, PageDocument):
        data = {
            "kind": "page",
            "name": doc.name,
            "title": doc.title,
            "summary": doc.summary,
            "menu": doc.menu,
            "draft": doc.draft,
            "extra": schema.thawed(doc.extra),
            "body_line": doc.body_line,
            "value_at": {k: [p.line, p.col] for k, p in doc.value_at.items()},
            "lang": doc.lang,
        }
    elif isinstance(doc, StoryNote):
        data = {
            "kind": "story",
            "slug": doc.slug,
            "title": doc.title,
            "image": _image_data(doc.image),
            "body_line": doc.body_line,
            "value_at": {k: [p.line, p.col] for k, p in doc.value_at.items()},
            "lang": doc.lang,
        }
    else:
        data = {"kind": "item", **_document_data(doc)}
    data["rel"] = parsed.rel
    data["rendered"] = _rendered_data(parsed.rendered)
    data["warnings"] = [[w.message, w.line, w.col, w.hint] for w in parsed.warnings]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), parsed.rendered.html


def decode(text: str, html: str, path_of: Callable[[str], str]) -> Parsed:
    """A record read back; ``path_of(rel)`` gives the path messages show for the file.

    Raises ValueError, KeyError, TypeError or AttributeError for a damaged record.
    """
    data = json.loads(text)
    rel = _str(data["rel"])
    kind = data["kind"]
    document: Document | EditionNote | PageDocument | StoryNote
    if kind == "note":
        document = EditionNote(
            path=path_of(rel),
            date=date.fromisoformat(_str(data["date"])),
            title=_opt_str(data["title"]),
            body="",
            body_line=_int(data["body_line"]),
            order=tuple(_str(slug) for slug in _list(data["order"])),
            order_at=None
            if data["order_at"] is None
            else Position(*(_int(n) for n in _list(data["order_at"])[:2])),
            lang=_opt_str(data["lang"]),
        )
    elif kind == "item":
        document = _document(data, path_of(rel))
    elif kind == "page":
        document = _page(data, path_of(rel))
    elif kind == "story":
        document = StoryNote(
            path=path_of(rel),
            slug=_str(data["slug"]),
            title=_opt_str(data["title"]),
            image=_lead_image(data["image"]),
            body="",
            body_line=_int(data["body_line"]),
            value_at=_positions(data["value_at"]),
            lang=_opt_str(data["lang"]),
        )
    else:
        raise ValueError(f"unknown kind of record {kind!r}")
    warnings = tuple(
        SiteWarning(
            _str(message),
            path=document.path,
            line=_opt_int(line),
            col=_opt_int(col),
            hint=_opt_str(hint),
        )
        for message, line, col, hint in _list(data["warnings"])
    )
    return Parsed(rel, document, _rendered(data["rendered"], _str(html)), warnings)


def _document_data(doc: Document) -> dict[str, Any]:
    meta = doc.meta
    return {
        "stem": doc.stem,
        "body_line": doc.body_line,
        "value_at": {k: [p.line, p.col] for k, p in doc.value_at.items()},
        "meta": {
            "title": meta.title,
            "date": meta.date.isoformat(),
            "tags": list(meta.tags),
            "sources": [[c.url, c.name] for c in meta.sources],
            "summary": meta.summary,
            "slug": meta.slug,
            "draft": meta.draft,
            "section": meta.section,
            "edition": meta.edition.isoformat() if meta.edition else None,
            "id": meta.id,
            "extra": schema.thawed(meta.extra),
            "updated": meta.updated.isoformat() if meta.updated else None,
            "corrections": [[c.date.isoformat(), c.text] for c in meta.corrections],
            "author": list(meta.author),
            "image": _image_data(meta.image),
            "story": meta.story,
            "withdrawn": [meta.withdrawn.date.isoformat(), meta.withdrawn.reason]
            if meta.withdrawn
            else None,
            "weight": meta.weight,
            "lead": meta.lead,
            "audio": _audio_data(meta.audio),
            "lang": meta.lang,
            "translation": meta.translation,
        },
    }


def _image_data(image: LeadImage | None) -> list[str | None] | None:
    return [image.src, image.alt, image.credit] if image else None


def _audio_data(audio: AudioFile | None) -> list[str | int | None] | None:
    return [audio.src, audio.length, audio.type, audio.duration] if audio else None


def _extra(value: Any) -> Mapping[str, Any]:
    """An item's `extra:` read back, checked as the schema checks it."""
    try:
        return schema.extra_data(value)
    except schema.Invalid as exc:
        raise TypeError(f"damaged extra: {exc.message}") from None


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a number, found {type(value).__name__}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, found {type(value).__name__}")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise TypeError("expected a date with an offset")
    return moment


def _document(data: dict[str, Any], path: str) -> Document:
    """A Document from its record, every field's type checked: never trusted blindly."""
    meta = data["meta"]
    edition = _opt_str(meta["edition"])
    return Document(
        path=path,
        stem=_str(data["stem"]),
        meta=ItemMeta(
            title=_str(meta["title"]),
            date=_moment(meta["date"]),
            tags=tuple(_str(t) for t in _list(meta["tags"])),
            sources=tuple(
                Citation(_str(url), _opt_str(name)) for url, name in _list(meta["sources"])
            ),
            summary=_opt_str(meta["summary"]),
            slug=_opt_str(meta["slug"]),
            draft=_bool(meta["draft"]),
            section=_opt_str(meta["section"]),
            edition=date.fromisoformat(edition) if edition else None,
            id=_opt_str(meta["id"]),
            extra=_extra(meta["extra"]),
            updated=None if meta["updated"] is None else _moment(meta["updated"]),
            corrections=tuple(
                Correction(_moment(when), _str(text)) for when, text in _list(meta["corrections"])
            ),
            author=tuple(_str(name) for name in _list(meta["author"])),
            image=_lead_image(meta["image"]),
            story=_opt_str(meta["story"]),
            withdrawn=_withdrawal(meta["withdrawn"]),
            weight=_opt_int(meta["weight"]),
            lead=_bool(meta["lead"]),
            audio=_audio(meta["audio"]),
            lang=_opt_str(meta["lang"]),
            translation=_opt_str(meta["translation"]),
        ),
        # The body is not kept: its rendered HTML is cached beside it, and nothing
        # else reads it.
        body="",
        body_line=_int(data["body_line"]),
        value_at=_positions(data["value_at"]),
    )


def _withdrawal(data: Any) -> Withdrawal | None:
    if data is None:
        return None
    when, reason = _list(data)
    return Withdrawal(_moment(when), _str(reason))


def _audio(data: Any) -> AudioFile | None:
    if data is None:
        return None
    src, length, kind, duration = _list(data)
    return AudioFile(_str(src), _opt_int(length), _opt_str(kind), _opt_int(duration))


def _lead_image(data: Any) -> LeadImage | None:
    if data is None:
        return None
    src, alt, credit = _list(data)
    return LeadImage(_str(src), _opt_str(alt), _opt_str(credit))


def _page(data: dict[str, Any], path: str) -> PageDocument:
    return PageDocument(
        path=path,
        name=_str(data["name"]),
        title=_str(data["title"]),
        summary=_opt_str(data["summary"]),
        menu=_opt_int(data["menu"]),
        draft=_bool(data["draft"]),
        extra=_extra(data["extra"]),
        body="",
        body_line=_int(data["body_line"]),
        value_at=_positions(data["value_at"]),
        lang=_opt_str(data["lang"]),
    )


def _positions(data: Any) -> dict[str, Position]:
    if not isinstance(data, dict):
        raise TypeError("expected a mapping of positions")
    return {_str(k): Position(_int(v[0]), _int(v[1])) for k, v in data.items()}


def _rendered_data(rendered: Rendered) -> dict[str, Any]:
    return {
        "first_paragraph": rendered.first_paragraph,
        "links": [[link.url, link.line, link.col, link.alt] for link in rendered.links],
        "words": rendered.words,
    }


def _rendered(data: dict[str, Any], html: str) -> Rendered:
    return Rendered(
        html=html,
        first_paragraph=_str(data["first_paragraph"]),
        links=tuple(
            Link(_str(u), _int(line), _opt_int(col), _opt_str(alt))
            for u, line, col, alt in _list(data["links"])
        ),
        words=_int(data["words"]),
    )
