"""Posts of other generators as they wrote them: Jekyll, Hugo, Pelican, Docusaurus.

Read from text, never trusted: YAML is loaded safely, TOML by the standard library,
Pelican's ``Key: value`` headers by hand. What a post says is kept whole, in its own
terms (a :class:`LegacyPost`); :mod:`generator.commands.importing` decides what each
key becomes in briefing.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: The generators ``briefing import`` reads, and the address each gives a post when
#: its site does not say (tokens: :year :month :day :slug :category :section).
PERMALINKS = {
    "jekyll": "/:category/:year/:month/:day/:slug.html",
    "hugo": "/:section/:slug/",
    "pelican": "/:slug.html",
    "docusaurus": "/blog/:year/:month/:day/:slug",
}
GENERATORS = tuple(PERMALINKS)

#: Pelican's header lines: "Title: ...", "Date: ...", up to the first blank line.
_HEADER = re.compile(r"([A-Za-z][\w-]*):[ \t]*(.*)")
#: A date at the start of a file name (Jekyll's posts, Docusaurus's blog).
_NAME_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-")
#: US dates: 07/22/2025, 7/22/2025 09:15.
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2}))?")


@dataclass(frozen=True, slots=True)
class LegacyPost:
    """One post as its generator wrote it."""

    #: The file, relative to the folder of posts.
    rel: str
    #: Its header's keys as written (their case kept), and their values.
    meta: dict[str, Any]
    body: str
    #: The line the body starts on, for messages.
    body_line: int
    #: "yaml", "toml", "pelican" or "none".
    header: str


class Unreadable(ValueError):
    """A post whose header cannot be read: said with the reason."""


def read_post(rel: str, text: str) -> LegacyPost:
    """A post's header and body; raise Unreadable for a header that does not parse."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    for fence, kind in (("---", "yaml"), ("+++", "toml")):
        if text.startswith(fence + "\n"):
            end = text.find(f"\n{fence}", len(fence))
            if end < 0:
                raise Unreadable(f"its {kind.upper()} header has no closing {fence} line")
            header, body = text[len(fence) + 1 : end], text[end + len(fence) + 1 :]
            meta = _yaml(header) if kind == "yaml" else _toml(header)
            line = header.count("\n") + 4  # the fences, and the header's own lines
            return LegacyPost(rel, meta, body.removeprefix("\n"), line, kind)
    return _pelican(rel, text)


def _yaml(text: str) -> dict[str, Any]:
    try:
        found = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise Unreadable(f"its YAML header does not parse ({exc.__class__.__name__})") from None
    if not isinstance(found, dict):
        raise Unreadable("its YAML header is not a mapping of keys")
    return {str(key): value for key, value in found.items()}


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Unreadable(f"its TOML header does not parse ({exc})") from None


def _pelican(rel: str, text: str) -> LegacyPost:
    """Pelican's Markdown: ``Key: value`` lines up to the first blank line (a post
    without them has no header at all)."""
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    headers = [_HEADER.fullmatch(line) for line in lines[:end]]
    if not headers or not all(headers):
        return LegacyPost(rel, {}, text, 1, "none")
    meta: dict[str, Any] = {h.group(1): h.group(2).strip() for h in headers if h}
    return LegacyPost(rel, meta, "\n".join(lines[end + 1 :]), end + 2, "pelican")


def parse_date(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A post's date, whatever form its generator wrote it in: YAML's and TOML's dates,
    ISO 8601 with or without "T" or seconds, Jekyll's "+0200" offsets, US dates. A date
    with no offset is in ``zone``. None when it is none of these."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        written = value.strip()
        written = re.sub(
            r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[ T])",
            lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}",
            written,
        )  # 2020-12-2, as Pelican reads it
        us = _US_DATE.fullmatch(written)
        if us:
            month, day, year, hour, minute = us.groups()
            written = f"{year}-{int(month):02}-{int(day):02}T{int(hour or 0):02}:{minute or '00'}"
        written = re.sub(r"\s*([+-])(\d{2}):?(\d{2})$", r"\1\2:\3", written)
        try:
            moment = dt.datetime.fromisoformat(written.replace(" ", "T", 1))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def name_date(rel: str) -> dt.date | None:
    """The date a Jekyll or Docusaurus post's file name starts with."""
    found = _NAME_DATE.match(Path(rel).name)
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def name_stem(rel: str) -> str:
    """The file name without its date prefix and extension ("2025-07-22-talks.md"); an
    ``index.md``'s folder's name."""
    path = Path(rel)
    return _NAME_DATE.sub("", path.stem if path.stem != "index" else path.parent.name)


@dataclass(frozen=True, slots=True)
class LegacySite:
    """What the old site's configuration says of its posts."""

    generator: str
    title: str | None = None
    #: Where the old site was published, with its base path ("https://x.org/blog").
    url: str | None = None
    permalink: str | None = None
    timezone: str | None = None


def detect(source: Path, posts: list[LegacyPost]) -> LegacySite:
    """The generator of the posts in ``source``, from the configuration beside them (in
    the folder or one of its parents) or else from how the posts are written."""
    for folder in (source, *source.parents)[:4]:
        for name, read in _CONFIGS:
            if (folder / name).is_file():
                return read((folder / name).read_text(encoding="utf-8", errors="replace"))
    if any(post.header == "pelican" for post in posts):
        return LegacySite("pelican")
    if any(post.header == "toml" for post in posts):
        return LegacySite("hugo")
    if any(name_date(post.rel) for post in posts):
        return LegacySite("jekyll")
    return LegacySite("hugo")


def _jekyll(text: str) -> LegacySite:
    try:
        found = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        found = {}
    found = found if isinstance(found, dict) else {}
    url = str(found.get("url") or "").rstrip("/") + str(found.get("baseurl") or "")
    permalink = found.get("permalink")
    named = {"date": None, "pretty": "/:category/:year/:month/:day/:slug/", "none": "/:slug.html"}
    pattern = named.get(permalink, permalink) if isinstance(permalink, str) else None
    return LegacySite(
        "jekyll", _text(found.get("title")), url or None, pattern, _text(found.get("timezone"))
    )


def _hugo(text: str) -> LegacySite:
    try:
        found = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        found = {}
    permalinks = found.get("permalinks")
    pattern = None
    if isinstance(permalinks, dict):
        pattern = next((str(v) for v in permalinks.values() if isinstance(v, str)), None)
    return LegacySite(
        "hugo", _text(found.get("title")), _text(found.get("baseURL")), pattern,
        _text(found.get("timeZone")),
    )  # fmt: skip


def _pelican_conf(text: str) -> LegacySite:
    def setting(name: str) -> str | None:
        found = re.search(rf"^{name}\s*=\s*u?(['\"])(.*?)\1", text, re.MULTILINE)
        return found.group(2) if found else None

    pattern = setting("ARTICLE_URL")
    if pattern is not None:
        pattern = "/" + (
            pattern.replace("{date:%Y}", ":year").replace("{date:%m}", ":month")
            .replace("{date:%d}", ":day").replace("{slug}", ":slug")
            .replace("{category}", ":category").replace("{lang}", "en")
        )  # fmt: skip
    return LegacySite(
        "pelican", setting("SITENAME"), setting("SITEURL"), pattern, setting("TIMEZONE")
    )


def _docusaurus(text: str) -> LegacySite:
    def setting(name: str) -> str | None:
        found = re.search(rf"\b{name}\s*:\s*(['\"`])(.*?)\1", text)
        return found.group(2) if found else None

    url = (setting("url") or "").rstrip("/") + (setting("baseUrl") or "").rstrip("/")
    return LegacySite("docusaurus", setting("title"), url or None)


_CONFIGS = (
    ("_config.yml", _jekyll),
    ("hugo.toml", _hugo),
    ("config.toml", _hugo),
    ("pelicanconf.py", _pelican_conf),
    ("docusaurus.config.js", _docusaurus),
    ("docusaurus.config.ts", _docusaurus),
)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value).strip() else None
