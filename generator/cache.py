"""The build cache: parsed front matter and rendered Markdown of unchanged files.

One JSON file in ``.briefing-cache/`` next to the output. Entries are keyed by a
hash of each file's path and text; the whole cache is dropped when site.yaml, the
theme or briefing's version changes. A cache that cannot be read or does not
match its own format is discarded with a warning and rebuilt, never trusted.
JSON rather than pickle: loading a cache must never run code.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from generator import __version__
from generator.models import Citation, Document, ItemMeta, Link, Rendered
from generator.yamltext import Position

CACHE_DIR = ".briefing-cache"
CACHE_FILE = "items.json"
FORMAT = 1


def source_key(path: str, text: str) -> str:
    """What identifies one file's content."""
    return hashlib.sha256(f"{path}\0{text}".encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """briefing's own code: a changed renderer must not serve HTML made by the old one,
    even before the version number moves (a checkout between releases)."""
    digest = hashlib.sha256()
    for file in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def site_key(config_text: bytes, theme_files: dict[str, bytes]) -> str:
    """Changes when site.yaml, any theme file or briefing itself changes."""
    digest = hashlib.sha256()
    digest.update(f"briefing {__version__} format {FORMAT} code {_code_digest()}\0".encode())
    digest.update(config_text)
    for name in sorted(theme_files):
        digest.update(f"\0{name}\0".encode())
        digest.update(theme_files[name])
    return digest.hexdigest()


@dataclass
class BuildCache:
    """Cached (Document, Rendered) pairs by source key, for one site key."""

    key: str
    entries: dict[str, tuple[Document, Rendered]] = field(default_factory=dict)
    #: Why a cache on disk was not used, for the build to pass on as a warning.
    discarded: str | None = None
    #: How many published items the build took from it.
    hits: int = 0

    def get(self, source: str) -> tuple[Document, Rendered] | None:
        return self.entries.get(source)


def load(folder: Path, key: str) -> BuildCache:
    """The cache in ``folder`` if it is whole and made for ``key``; else an empty one."""
    path = folder / CACHE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return BuildCache(key)
    except OSError as exc:
        return BuildCache(key, discarded=f"cannot read the build cache {path}: {exc}")
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT or data.get("key") != key:
            return BuildCache(key)  # made for another site.yaml, theme or version: not an error
        entries = {k: (_document(v["document"]), _rendered(v["rendered"]))
                   for k, v in data["entries"].items()}  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return BuildCache(
            key, discarded=f"the build cache {path} is damaged and was discarded ({exc!r})"
        )
    return BuildCache(key, entries)


def save(folder: Path, key: str, entries: dict[str, tuple[Document, Rendered]]) -> None:
    """Write the cache atomically; it holds exactly ``entries`` (gone files drop out)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "format": FORMAT,
        "key": key,
        "entries": {
            k: {"document": _document_data(doc), "rendered": _rendered_data(rendered)}
            for k, (doc, rendered) in sorted(entries.items())
        },
    }
    _replace(folder / CACHE_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _replace(target: Path, text: str) -> None:
    """Write ``target`` through a temporary file; whatever is in its way goes."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, target)


def _document_data(doc: Document) -> dict[str, Any]:
    meta = doc.meta
    return {
        "path": doc.path,
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
        },
    }


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


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _document(data: dict[str, Any]) -> Document:
    """A Document from its cached form, every field's type checked: never trusted blindly."""
    meta = data["meta"]
    edition = _opt_str(meta["edition"])
    if not isinstance(meta["draft"], bool):
        raise TypeError("expected true or false for draft")
    return Document(
        path=_str(data["path"]),
        stem=_str(data["stem"]),
        meta=ItemMeta(
            title=_str(meta["title"]),
            date=datetime.fromisoformat(_str(meta["date"])),
            tags=tuple(_str(t) for t in _list(meta["tags"])),
            sources=tuple(
                Citation(_str(url), _opt_str(name)) for url, name in _list(meta["sources"])
            ),
            summary=_opt_str(meta["summary"]),
            slug=_opt_str(meta["slug"]),
            draft=meta["draft"],
            section=_opt_str(meta["section"]),
            edition=date.fromisoformat(edition) if edition else None,
            id=_opt_str(meta["id"]),
        ),
        # The body is not kept: its rendered HTML is cached beside it, and nothing
        # else reads it. Leaving it out makes the cache half as large to write and read.
        body="",
        body_line=_int(data["body_line"]),
        value_at={_str(k): Position(_int(v[0]), _int(v[1])) for k, v in data["value_at"].items()},
    )


def _rendered_data(rendered: Rendered) -> dict[str, Any]:
    return {
        "html": rendered.html,
        "first_paragraph": rendered.first_paragraph,
        "links": [[link.url, link.line, link.col] for link in rendered.links],
        "words": rendered.words,
    }


def _rendered(data: dict[str, Any]) -> Rendered:
    return Rendered(
        html=_str(data["html"]),
        first_paragraph=_str(data["first_paragraph"]),
        links=tuple(
            Link(_str(u), _int(line), None if col is None else _int(col))
            for u, line, col in _list(data["links"])
        ),
        words=_int(data["words"]),
    )


def pages_file(output: Path) -> str:
    """One record of pages per output folder: `serve`'s temporary one and _site differ."""
    return f"pages-{hashlib.sha256(str(output).encode()).hexdigest()[:16]}.json"


def load_pages(folder: Path, key: str, output: Path) -> tuple[dict[PurePosixPath, str], str | None]:
    """Digests of the pages written last time that are still on disk as written.

    A page counts only if its file has the size and modification time recorded when
    it was written: a file changed or removed by hand is rendered again.
    """
    path = folder / pages_file(output)
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != FORMAT or data.get("key") != key:
            return {}, None
        entries = data["pages"]
        known: dict[PurePosixPath, str] = {}
        for rel, (digest, size, mtime) in entries.items():
            try:
                stat = (output / rel).stat()
            except OSError:
                continue
            if stat.st_size == size and stat.st_mtime_ns == mtime:
                known[PurePosixPath(rel)] = str(digest)
        return known, None
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return {}, f"the build cache {path} is damaged and was discarded ({exc!r})"


def save_pages(folder: Path, key: str, output: Path, digests: dict[PurePosixPath, str]) -> None:
    """Record each page's digest with the size and time of its file as now on disk."""
    pages = {}
    for rel, digest in sorted(digests.items()):
        stat = (output / rel).stat()
        pages[str(rel)] = [digest, stat.st_size, stat.st_mtime_ns]
    folder.mkdir(parents=True, exist_ok=True)
    _replace(
        folder / pages_file(output), json.dumps({"format": FORMAT, "key": key, "pages": pages})
    )
