"""``briefing import SRC DEST``: a folder of another generator's posts made into a new
briefing site, the source never touched.

Each post's header is read in its own dialect (:mod:`generator.commands.legacy`) and
its keys renamed to briefing's: Pelican's ``Title:`` headers, ``Category`` (a
section, listed in the new site.yaml), ``categories`` (tags), ``authors``, slugs
written as ``/294``, US dates. What only shaped the old pages (``layout``) is
dropped; what briefing has no key for (``canonical``, ``Number``) goes into
``extra``, so no value is lost. A post has no ``source:`` of its own, so it gets its
old public address, made from the old site's URL and permalink pattern.

Pictures and files a post links to are copied beside it (the post becomes a folder
of its own), and site-relative links to them rewritten. Every file gets a line
saying what changed; a file that needs an editor's hand (MDX components, Hugo
shortcodes, Liquid tags, reStructuredText, a date that cannot be read) says why,
and the command exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.commands.legacy import (
    PERMALINKS,
    LegacyPost,
    LegacySite,
    Unreadable,
    detect,
    name_date,
    name_stem,
    parse_date,
    read_post,
)
from generator.errors import SiteError, plural
from generator.reading.naming import stem_slug
from generator.reading.sources import MARKDOWN_SUFFIXES, MDX_SUFFIX
from generator.text.urls import slugify

#: Keys that only shaped the old site's pages: dropped, and said so.
DROPPED = frozenset(
    {"layout", "type", "template", "comments", "sidebar_position", "sidebar_label",
     "hide_table_of_contents", "toc", "permalink", "url", "save_as", "aliases", "weight",
     "menu", "nav_order", "status_code"}
)  # fmt: skip
#: Each briefing key, and the keys other generators write for it (lower case).
RENAMED = {
    "title": ("title",),
    "date": ("date", "published", "pubdate", "publishdate", "created"),
    "updated": ("updated", "modified", "lastmod", "last_modified_at"),
    "summary": ("summary", "description", "excerpt"),
    "author": ("author", "authors"),
}
#: What in a body no Markdown renderer reads: each needs an editor's hand.
_FOREIGN = (
    (re.compile(r"\{\{[<%]"), "a Hugo shortcode ({{< ... >}})"),
    (re.compile(r"\{%-?\s*\w+"), "a Liquid tag ({% ... %})"),
    (re.compile(r"^(?:import|export)\s", re.MULTILINE), "an MDX import or export line"),
    (re.compile(r"^[ \t]*<[A-Z][A-Za-z]*[\s/>]", re.MULTILINE), "a JSX component (<Tabs>)"),
)
_CODE = re.compile(r"^(```|~~~).*?^\1[^\n]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)
#: Links and pictures a body points at: Markdown's ](target) and [label]: target, and
#: HTML's src="target".
_TARGET = re.compile(
    r"(\]\(<?|\b(?:src|href)=[\"']|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)([^)\s\"'>]+)",
    re.MULTILINE,
)
_PELICAN_PREFIX = re.compile(r"^\{(?:static|attach|filename)\}")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    source: Path
    dest: Path
    #: The generator, when the folder does not tell: one of legacy.GENERATORS.
    generator: str | None = None
    #: Where the old site was published ("https://this-week-in-rust.org").
    url: str | None = None
    #: The old site's address of a post (":year/:month/:day/:slug/").
    permalink: str | None = None
    timezone: str | None = None


@dataclass
class FileReport:
    """What happened to one file of the source."""

    rel: str
    #: The file written, relative to DEST (None: nothing written).
    written: str | None = None
    changes: list[str] = field(default_factory=list)
    #: Why it needs a hand: the file was left out, or written with this to fix.
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.problems:
            where = f" (written to {self.written})" if self.written else " (not imported)"
            return f"{self.rel}: needs a hand{where}: {'; '.join(self.problems)}"
        done = ", ".join(self.changes) if self.changes else "as written"
        return f"{self.rel}: imported to {self.written}: {done}"


@dataclass
class _Site:
    """What the posts tell the new site.yaml."""

    legacy: LegacySite
    zone: dt.tzinfo
    base: str
    permalink: str
    sections: set[str] = field(default_factory=set)


class ImportFailed(SiteError):
    """The import cannot start: a folder or setting is wrong."""


def import_site(options: ImportOptions) -> list[FileReport]:
    """Convert every post under ``options.source`` into ``options.dest``; a report per file."""
    files = _source_files(options)
    reports: list[FileReport] = []
    posts: list[LegacyPost] = []
    for path in files:
        rel = path.relative_to(options.source).as_posix()
        report, post = _read(path, rel)
        reports.append(report)
        if post is not None:
            posts.append(post)
    site = _site(options, posts)
    options.dest.mkdir(parents=True, exist_ok=True)
    by_rel = {report.rel: report for report in reports}
    written: set[str] = set()
    for post in posts:
        _convert(post, site, options, by_rel[post.rel], written)
    _write_site_yaml(options.dest, site)
    return reports


def _source_files(options: ImportOptions) -> list[Path]:
    source, dest = options.source, options.dest
    if not source.is_dir():
        raise ImportFailed("is not a folder of posts", path=str(source))
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ImportFailed(
            "exists and is not an empty folder", path=str(dest),
            hint="name a new folder: the import writes a whole site there",
        )  # fmt: skip
    if dest.resolve().is_relative_to(source.resolve()):
        raise ImportFailed("is inside the folder of posts", path=str(dest),
                           hint="import into a folder of its own")  # fmt: skip
    return sorted(path for path in source.rglob("*") if _is_post(path, source))


#: The files read as posts: Markdown, MDX, and what is reported as needing a hand.
_READ = frozenset({*MARKDOWN_SUFFIXES, MDX_SUFFIX, ".rst", ".html", ".htm", ".adoc"})


def _is_post(path: Path, source: Path) -> bool:
    """A post, not a note (README), another generator's section file (``_index.md``),
    the old site's listing page (``index.md`` at the top) or a hidden file."""
    rel = path.relative_to(source)
    if path.suffix.lower() not in _READ or not path.is_file():
        return False
    if any(part.startswith((".", "_")) for part in rel.parts):
        return False
    name = path.stem.lower()
    return name != "readme" and not (name == "index" and len(rel.parts) == 1)


def _read(path: Path, rel: str) -> tuple[FileReport, LegacyPost | None]:
    report = FileReport(rel)
    suffix = path.suffix.lower()
    if suffix not in MARKDOWN_SUFFIXES | {MDX_SUFFIX}:
        kind = {".rst": "reStructuredText", ".adoc": "AsciiDoc"}.get(suffix, "HTML")
        report.problems.append(f"{kind} is not converted: rewrite it in Markdown")
        return report, None
    try:
        post = read_post(rel, path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report.problems.append("it is not UTF-8 text: re-save it as UTF-8")
        return report, None
    except Unreadable as exc:
        report.problems.append(str(exc))
        return report, None
    return report, post


def _site(options: ImportOptions, posts: list[LegacyPost]) -> _Site:
    legacy = detect(options.source, posts)
    if options.generator:
        legacy = LegacySite(options.generator, legacy.title, legacy.url, None, legacy.timezone)
    base = (options.url or legacy.url or "").rstrip("/")
    if not urlsplit(base).scheme.startswith("http"):
        raise ImportFailed(
            "cannot tell where the old site was published: each post's source is its old address",
            path=str(options.source),
            hint="pass --url, e.g. --url https://this-week-in-rust.org",
        )
    name = options.timezone or legacy.timezone or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailed(
            f"unknown time zone {name!r}", hint="pass --timezone Area/City"
        ) from None
    permalink = options.permalink or legacy.permalink or PERMALINKS[legacy.generator]
    return _Site(legacy, zone, base, permalink)


def _convert(
    post: LegacyPost, site: _Site, options: ImportOptions, report: FileReport, written: set[str]
) -> None:
    meta = {str(key).lower(): value for key, value in post.meta.items()}
    front, changes, problems = _front_matter(post, meta, site)
    body = _normalised_body(post, problems)
    rel = PurePosixPath(post.rel)
    stem = _unique(slugify(rel.stem if rel.stem != "index" else rel.parent.name), written)
    slug = slugify(front["slug"])  # the old one may hold capitals, dots, '_'
    if slug and stem_slug(stem) != slug:
        front["slug"] = slug
        changes.append(f"slug {slug!r}, its old one")
    else:
        del front["slug"]  # the file's name gives it
    pictures, body = _pictures(post, body, site, options.source, changes, problems)
    target = (
        PurePosixPath("content", stem, "index.md")
        if pictures
        else PurePosixPath("content", f"{stem}.md")
    )
    path = options.dest / target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_item_text(front) + body, encoding="utf-8")
    for name, found in pictures.items():
        shutil.copyfile(found, path.parent / name)
    report.written, report.changes, report.problems = target.as_posix(), changes, problems


def _front_matter(
    post: LegacyPost, meta: dict[str, Any], site: _Site
) -> tuple[dict[str, Any], list[str], list[str]]:
    """briefing's front matter for a post, what was renamed or dropped, and problems."""
    changes: list[str] = []
    problems: list[str] = []
    if post.header == "pelican":
        changes.append("Pelican headers into front matter")
    front: dict[str, Any] = {}
    found: dict[str, tuple[str, Any]] = {}
    for key, names in RENAMED.items():
        for name in names:
            if name in meta:
                found[key] = (name, meta.pop(name))
                break
    for key, (name, _) in found.items():
        if name != key:
            changes.append(f"{_shown(post, name)} to {key}")
    title = found.get("title", ("", None))[1]
    front["title"] = str(title).strip() if title else name_stem(post.rel).replace("-", " ")
    if not title:
        changes.append("title from the file name")
    when = _date(post, found, site, changes, problems)
    front["date"] = when.isoformat() if when else None
    if "updated" in found:
        updated = parse_date(found["updated"][1], site.zone)
        if updated and when and updated > when:
            front["updated"] = updated.isoformat()
    front["tags"] = _tags(post, meta, changes)
    section = meta.pop("category", None)
    if isinstance(section, str) and section.strip():
        front["section"] = section.strip()
        site.sections.add(section.strip())
        changes.append(f"{_shown(post, 'category')} to section")
    authors = _list(found.get("author", ("", None))[1])
    if authors:
        front["author"] = authors
    front["slug"] = _slug(post, meta, front["title"], site)
    front["source"] = _source(meta, site, front["slug"], when, section, post, changes)
    if "summary" in found and str(found["summary"][1] or "").strip():
        front["summary"] = " ".join(str(found["summary"][1]).split())
    if _is_draft(meta):
        front["draft"] = True
    extra = _extra(post, meta, changes)
    if extra:
        front["extra"] = extra
    return front, changes, problems


def _date(
    post: LegacyPost,
    found: dict[str, tuple[str, Any]],
    site: _Site,
    changes: list[str],
    problems: list[str],
) -> dt.datetime | None:
    written = found.get("date", ("", None))[1]
    when = parse_date(written, site.zone) if written is not None else None
    if when is None and (day := name_date(post.rel)) is not None:
        when = dt.datetime.combine(day, dt.time(), site.zone)
        changes.append("date from the file name")
    elif isinstance(written, str) and "/" in written and when is not None:
        changes.append(f"US date {written!r} as {when.date().isoformat()}")
    if when is None:
        problems.append(f"no date briefing can read ({written!r}): write date: YYYY-MM-DD")
    return when


def _tags(post: LegacyPost, meta: dict[str, Any], changes: list[str]) -> list[str]:
    tags = _list(meta.pop("tags", None))
    categories = _list(meta.pop("categories", None))
    if categories:
        changes.append(f"{_shown(post, 'categories')} to tags")
    return list(dict.fromkeys(t for t in (*tags, *categories) if slugify(t)))


def _slug(post: LegacyPost, meta: dict[str, Any], title: str, site: _Site) -> str:
    written = meta.pop("slug", None)
    if written is not None and str(written).strip("/ "):
        return str(written).strip("/ ")
    if site.legacy.generator == "pelican":
        return slugify(title)  # Pelican's slug comes from the title unless told
    return name_stem(post.rel)


def _source(
    meta: dict[str, Any],
    site: _Site,
    slug: str,
    when: dt.datetime | None,
    section: Any,
    post: LegacyPost,
    changes: list[str],
) -> str:
    for key in ("source", "link", "external_url"):
        value = meta.get(key)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            meta.pop(key)
            if key != "source":
                changes.append(f"{_shown(post, key)} to source")
            return value
    local = when.astimezone(site.zone) if when else None
    folder = PurePosixPath(post.rel).parts[0] if "/" in post.rel else ""
    values = {
        "year": f"{local.year:04}" if local else "",
        "month": f"{local.month:02}" if local else "",
        "day": f"{local.day:02}" if local else "",
        "slug": slug,
        "title": slug,
        "category": slugify(str(section)) if section else folder,
        "section": folder or "posts",
    }
    path = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group()), site.permalink)
    changes.append("source: its old address")
    return site.base + "/" + re.sub(r"/{2,}", "/", path).lstrip("/")


def _extra(post: LegacyPost, meta: dict[str, Any], changes: list[str]) -> dict[str, Any]:
    dropped = sorted(key for key in meta if key in DROPPED)
    for key in dropped:
        meta.pop(key)
    if dropped:
        changes.append(f"dropped {', '.join(_shown(post, key) for key in dropped)}")
    for key in ("draft", "published", "status"):
        meta.pop(key, None)
    extra = {key: _plain(value) for key, value in meta.items()}
    if extra:
        changes.append(f"{', '.join(_shown(post, key) for key in extra)} into extra")
    return extra


def _normalised_body(post: LegacyPost, problems: list[str]) -> str:
    body = post.body.replace("\r\n", "\n")
    prose = _CODE.sub("", body)
    for pattern, what in _FOREIGN:
        found = pattern.search(prose)
        if found:
            line = post.body_line + prose.count("\n", 0, found.start())
            problems.append(f"line {line} holds {what}, which Markdown shows as text")
    if PurePosixPath(post.rel).suffix.lower() == MDX_SUFFIX and not problems:
        problems.append("an MDX file: check that it has no components, then it is Markdown")
    return body if body.endswith("\n") else body + "\n"


def _pictures(
    post: LegacyPost, body: str, site: _Site, source: Path, changes: list[str],
    problems: list[str],
) -> tuple[dict[str, Path], str]:  # fmt: skip
    """The files the body links to that exist in the source, by the name each gets
    beside the item, and the body with its links to them rewritten; a site-relative
    link to a page of the old site made absolute (the page is not imported)."""
    folder = (source / post.rel).parent
    top = source.parents[min(3, len(source.parents) - 1)]
    roots = [r / sub for r in (source, *source.parents[:4]) for sub in ("", "static", "public")]
    copied: dict[str, Path] = {}
    missing: list[str] = []
    pages: list[str] = []

    def rewrite(match: re.Match[str]) -> str:
        target = match.group(2)
        written = _PELICAN_PREFIX.sub("", target)
        if urlsplit(written).scheme or written.startswith(("#", "//")) or not written:
            return match.group()
        path = unquote(urlsplit(written).path)
        local = [folder / path] if not path.startswith("/") else []
        candidates = [*local, *(root / path.lstrip("/") for root in roots)]
        found = next((c for c in candidates if c.is_file() and _inside(c, top)), None)
        if found is None:
            if PurePosixPath(path).suffix.lower() in _FILE_SUFFIXES:
                missing.append(target)
            elif written.startswith("/"):
                pages.append(target)
                return match.group(1) + site.base + written
            return match.group()
        name = found.name
        if copied.get(name, found) != found:  # two files of one name: the second renamed
            name = _unique(name, set(copied))
        copied[name] = found
        return match.group(1) + name

    body = _TARGET.sub(rewrite, body)
    if copied:
        changes.append(f"{plural(len(copied), 'linked file')} copied beside it")
    if pages:
        changes.append(f"{plural(len(pages), 'link')} to the old site's pages made absolute")
    if missing:
        problems.append(f"links to files not found in the source: {', '.join(missing[:3])}")
    return copied, body


#: What a link names when it names a file (else a page): pictures, documents, media.
_FILE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".pdf", ".mp3", ".mp4",
     ".ogg", ".webm", ".zip", ".csv", ".json", ".txt", ".xlsx", ".docx", ".pptx"}
)  # fmt: skip


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... (before its extension), the first not
    ``taken``; taken from then on."""
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    found, number = name, 2
    while found in taken:
        found = f"{stem}-{number}{dot}{suffix}"
        number += 1
    taken.add(found)
    return found


def _item_text(front: dict[str, Any]) -> str:
    """Front matter briefing reads back exactly: every text JSON-quoted (a YAML
    double-quoted scalar), so no value meets a YAML quirk."""
    lines = ["---"]
    for key, value in front.items():
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n---\n"


def _write_site_yaml(dest: Path, site: _Site) -> None:
    legacy = site.legacy
    title = legacy.title or "Imported briefing"
    lines = [
        f"title: {json.dumps(title, ensure_ascii=False)}",
        "# Where this briefing will be published: set it before the first deploy.",
        "url: https://example.github.io/briefing/",
        f"description: {json.dumps(f'{title}, imported from {legacy.generator}.')}",
        f"timezone: {site.zone}",
    ]
    if site.sections:
        listed = ", ".join(json.dumps(s, ensure_ascii=False) for s in sorted(site.sections))
        lines.append(f"sections: [{listed}]")
    (dest / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return []


def _is_draft(meta: dict[str, Any]) -> bool:
    status = str(meta.get("status", "")).lower()
    return (
        meta.get("draft") is True or meta.get("published") is False or status in {"draft", "hidden"}
    )


def _plain(value: Any) -> Any:
    """A header value as JSON can hold it (TOML's and YAML's dates as text)."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _shown(post: LegacyPost, key: str) -> str:
    """A key as the post wrote it (Pelican's "Category", Jekyll's "categories")."""
    return next((k for k in post.meta if str(k).lower() == key), key)


def summary(reports: list[FileReport], dest: Path) -> Iterator[str]:
    """The report's lines: one per file, then the counts and what to do next."""
    yield from (report.line() for report in reports)
    imported = sum(1 for r in reports if r.written)
    flagged = sum(1 for r in reports if r.problems)
    yield (
        f"imported {imported} of {len(reports)} files into {dest}; {flagged} need a hand"
        f"{' (above)' if flagged else ''}. Next: set url in {dest / 'site.yaml'}, then run "
        f"`briefing check --site {dest}`"
    )
