"""site.yaml: its schema, the typed :class:`SiteConfig`, and loading it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from generator.errors import BuildFailed, ConfigError, ReadError
from generator.project.sitefiles import read_inside
from generator.text import schema
from generator.text.schema import Field, Invalid
from generator.text.textfile import decode
from generator.text.urls import (
    PERMALINK_FIELDS,
    base_path,
    permalink_fields,
    portability_problem,
    slugify,
)
from generator.text.yamltext import Position, load_mapping

CONFIG_FILE = "site.yaml"


def _zone(value: Any) -> ZoneInfo:
    name = schema.text(value)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America", a folder
        hint = schema.suggest(name, sorted(available_timezones()))
        raise Invalid(
            f"is not a known IANA time zone: {name!r}",
            hint=hint or "use a name such as Europe/Kyiv, America/New_York or UTC",
        ) from None


def _site_url(value: Any) -> str:
    url = schema.web_url(value)
    if "?" in url or "#" in url:
        raise Invalid("must not have a query or fragment", hint="give just the site's address")
    return url if url.endswith("/") else url + "/"


def _permalink(value: Any) -> str:
    pattern = schema.text(value)
    try:
        used = permalink_fields(pattern)
    except ValueError as exc:
        raise Invalid(
            f"is not a valid pattern: {exc}", hint="use {year}, {month}, {day}, {slug}"
        ) from None
    unknown = used - set(PERMALINK_FIELDS)
    if unknown:
        raise Invalid(
            f"uses unknown placeholder {{{sorted(unknown)[0]}}}",
            hint="available: " + ", ".join("{" + f + "}" for f in PERMALINK_FIELDS),
        )
    if "slug" not in used:
        raise Invalid("must contain {slug}, or every item would get the same address")
    if not (pattern.startswith("/") and pattern.endswith("/")):
        raise Invalid(f"must start and end with '/', e.g. /{pattern.strip('/')}/")
    problem = portability_problem(pattern)
    if problem:
        raise Invalid(f"must name folders only with '/': {problem}", hint=_PERMALINK_HINT)
    if {".", ".."} & set(pattern.strip("/").split("/")) or "//" in pattern:
        raise Invalid("must not hold '.', '..' or empty parts", hint=_PERMALINK_HINT)
    return pattern


_PERMALINK_HINT = "write it like /{year}/{month}/{slug}/"


def _theme(value: Any) -> str:
    name = schema.text(value)
    if name in ("", ".", "..") or any(sep in name for sep in "/\\:") or name.startswith("."):
        raise Invalid(
            f"must be the name of a folder under themes/, not a path: {name!r}",
            hint="move the theme into the site as themes/<name>/ and write `theme: <name>`",
        )
    return name


#: Settings of other generators (Hugo, Zola, Jekyll, Pelican, MkDocs, Eleventy) and
#: briefing's name for each: spelling alone would suggest the wrong key.
FOREIGN_KEYS: dict[str, str] = {
    **dict.fromkeys(
        ("baseURL", "baseurl", "base_url", "site_url", "SITEURL", "siteurl"),
        "briefing calls it `url:` (the published address, with the project path)",
    ),
    **dict.fromkeys(("site_name", "SITENAME", "sitename"), "briefing calls it `title:`"),
    **dict.fromkeys(
        ("languageCode", "defaultContentLanguage", "default_language", "lang", "DEFAULT_LANG"),
        "briefing calls it `language:`",
    ),
    **dict.fromkeys(
        ("paginate_by", "pagination", "DEFAULT_PAGINATION", "per_page"),
        "briefing calls it `paginate:` (items per list page)",
    ),
    **dict.fromkeys(("permalinks", "ARTICLE_URL"), "briefing calls it `permalink:`"),
    **dict.fromkeys(("timeZone", "TIMEZONE"), "briefing calls it `timezone:`"),
    **dict.fromkeys(("site_description", "tagline"), "briefing calls it `description:`"),
    "unsafe": "raw HTML is allowed with `raw_html: true`",
    **dict.fromkeys(
        ("markup", "markdown"),
        "Markdown's settings are fixed here; raw HTML is allowed with `raw_html: true`",
    ),
    **dict.fromkeys(("taxonomies", "plugins"), "not supported here"),
    "menus": "briefing calls it `menu:` (a list of page names, e.g. menu: [about, subscribe])",
    "params": "briefing calls it `extra:` (the site's own values, for the theme: "
    "{{ site.extra.<key> }})",
}


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _publishers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid(
            "must be a mapping of domain to name",
            hint="write one `reuters.com: Reuters` line per publisher, indented under publishers:",
        )
    result: dict[str, str] = {}
    for domain, name in value.items():
        host = str(domain).strip().lower().removeprefix("www.")
        if not host or "/" in host or " " in host or "." not in host:
            raise Invalid(f"has {domain!r}, which is not a domain", hint="write e.g. reuters.com")
        result[host] = schema.text(name)
    return result


#: The briefing blocks of a site whose site.yaml names none: ``::: why`` and its label.
DEFAULT_BLOCKS: Mapping[str, str] = MappingProxyType(
    {"why": "Why it matters", "watch": "What to watch", "number": "The number"}
)
#: A block type: what follows ``:::``, and the end of the block's class (block-why).
_BLOCK_TYPE = re.compile(r"[a-z0-9][a-z0-9-]*")


def _blocks(value: Any) -> Mapping[str, str]:
    """``type: Label`` pairs, in the order written; ``{}`` for none."""
    if not isinstance(value, dict):
        raise Invalid(
            "must be a mapping of block type to its label",
            hint='write one `why: "Why it matters"` line per block type, indented under blocks:',
        )
    found: dict[str, str] = {}
    for kind, label in value.items():
        # The type is typed after ":::" and becomes a CSS class: keep it to what both read
        # the same way everywhere.
        kind = str(kind)
        if not _BLOCK_TYPE.fullmatch(kind):
            in_capitals = _BLOCK_TYPE.fullmatch(kind.lower()) is not None
            raise Invalid(
                f"has {kind!r}, which is not a block type",
                hint=f"write it in lower case: {kind.lower()}"
                if in_capitals
                else "name a type with lower-case letters, digits and '-', e.g. why or fact-check",
            )
        try:
            found[kind] = schema.text(label)
        except Invalid as exc:
            raise Invalid(
                f"gives the block type {kind!r} a label that {exc.message}",
                hint="write the words readers see above the block: "
                f'`{kind}: "{DEFAULT_BLOCKS.get(kind, "...")}"`',
            ) from None
    return MappingProxyType(found)


def _hub(value: Any) -> str:
    """A WebSub hub's https URL (https://pubsubhubbub.appspot.com/, a hub of your own)."""
    url = schema.web_url(value)
    if not url.startswith("https://"):
        raise Invalid(
            f"must be an https URL, not {url!r}",
            hint="a hub is told of every change over the network: write its https address, "
            "e.g. https://pubsubhubbub.appspot.com/",
        )
    return url


def _hostname(value: Any) -> str:
    name = schema.text(value).lower().rstrip(".")
    if "/" in name or ":" in name or " " in name or "." not in name:
        raise Invalid(
            f"must be a domain name such as news.example.org, not {name!r}",
            hint="give the host only, without https:// or a path",
        )
    return name


def _sections(value: Any) -> tuple[str, ...]:
    """Section names, each with an anchor of its own on edition pages (#section-<slug>)."""
    names = schema.text_list(value)
    seen: dict[str, str] = {}
    by_slug: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key in seen:
            raise Invalid(f"lists {name!r} twice")
        seen[key] = name
        slug = slugify(name)
        if not slug:
            raise Invalid(
                f"has a section with no letters or digits: {name!r}",
                hint="name it in words, e.g. World",
            )
        if slug in by_slug:
            raise Invalid(
                f"lists {by_slug[slug]!r} and {name!r}, which would share the anchor "
                f"#section-{slug} on edition pages",
                hint="rename one of them, e.g. spell out 'C sharp'",
            )
        by_slug[slug] = name
    return names


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """An entry of site.yaml's ``menu``: a standalone page by name, or a link elsewhere."""

    #: The page's name ("about" for content/pages/about.md); None for a link.
    page: str | None = None
    title: str | None = None
    url: str | None = None


def _menu(value: Any) -> tuple[MenuEntry, ...]:
    """Page names (``about``), ``{page, title}`` to name a page shorter than its heading,
    or ``{title, url}`` for a link elsewhere, in menu order."""
    entries = value if isinstance(value, list) else [value]
    found: list[MenuEntry] = []
    for entry in entries:
        if isinstance(entry, dict) and set(entry) == {"title", "url"}:
            found.append(
                MenuEntry(title=schema.text(entry["title"]), url=schema.web_url(entry["url"]))
            )
            continue
        if isinstance(entry, dict) and set(entry) in ({"page"}, {"page", "title"}):
            title = schema.text(entry["title"]) if "title" in entry else None
            entry = entry["page"]
        elif isinstance(entry, dict):
            raise Invalid(
                "entries are page names, or a title and a url for a link elsewhere",
                hint="write `- about` for content/pages/about.md, `- {page: about, title: "
                "About}`, or `- {title: Newsletter, url: https://...}`",
            )
        else:
            title = None
        name = schema.text(entry).strip("/")
        if any(slugify(part) != part for part in name.split("/")):
            raise Invalid(
                f"names {name!r}, which is not a page name",
                hint="give the page's file name without .md: `about` for content/pages/about.md",
            )
        if any(e.page == name for e in found):
            raise Invalid(f"lists {name!r} twice")
        found.append(MenuEntry(page=name, title=title))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class RelatedItems:
    """How many earlier items an item's page suggests, and from how far back."""

    count: int = 3
    days: int = 365


def _related(value: Any) -> RelatedItems | None:
    """``related: {count: 3, days: 365}``, either key alone, or ``false`` for none."""
    if not isinstance(value, dict):
        if schema.boolean(value):
            return RelatedItems()
        return None
    unknown = set(value) - {"count", "days"}
    if unknown:
        raise Invalid(
            f"has {sorted(unknown)[0]!r}, which is not a setting of related items",
            hint="write `related: {count: 3, days: 365}`, or `related: false` for none",
        )
    found = RelatedItems(
        count=schema.positive_int(value.get("count", "3")),
        days=schema.positive_int(value.get("days", "365")),
    )
    return found


@dataclass(frozen=True, slots=True)
class AuthorProfile:
    """Who an item's ``author:`` names, as site.yaml's ``authors`` describes them."""

    #: What items write in ``author:``.
    key: str
    #: The name bylines show.
    name: str
    bio: str | None = None
    #: Their own page elsewhere (a profile, a homepage).
    url: str | None = None


def _authors(value: Any) -> dict[str, AuthorProfile]:
    """``key: Display Name``, or ``key: {name, bio, url}``, one per author."""
    if not isinstance(value, dict):
        raise Invalid(
            "must be a mapping of who items name in `author:` to their name, bio and url",
            hint="write e.g. `  olena: {name: Olena Petrenko, bio: Covers Ukraine}` under authors:",
        )
    found: dict[str, AuthorProfile] = {}
    for key, entry in value.items():
        key = schema.text(key)
        if isinstance(entry, dict):
            unknown = set(entry) - {"name", "bio", "url"}
            if unknown or "name" not in entry:
                raise Invalid(
                    f"has {key!r} with {', '.join(sorted(map(str, unknown))) or 'no name'}: "
                    "each author has a name, and may have a bio and a url",
                    hint=f"write `  {key}: {{name: ..., bio: ..., url: https://...}}`",
                )
            bio = schema.text(entry["bio"]) if entry.get("bio") is not None else None
            url = schema.web_url(entry["url"]) if entry.get("url") is not None else None
            found[key] = AuthorProfile(key, schema.text(entry["name"]), bio, url)
        else:
            found[key] = AuthorProfile(key, schema.text(entry))
        if not slugify(key):
            raise Invalid(f"has an author key with no letters or digits: {key!r}")
    return found


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """One language of a multilingual site, as site.yaml's ``languages`` gives it."""

    #: Its BCP 47 tag, the key under ``languages``: "uk", "pt-BR".
    code: str
    #: The site's name in it; None: site.yaml's ``title``.
    title: str | None = None
    #: The site's sentence in it; None: site.yaml's ``description``.
    description: str | None = None
    #: Its own name for itself in the language switch; None: the one CLDR gives
    #: ("українська" is shown "Українська").
    name: str | None = None
    #: The labels of briefing blocks in it, by type (``why: Чому це важливо``); a type
    #: not here shows site.yaml's ``blocks`` label.
    blocks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


#: A BCP 47 tag as sites write them: a language, then a script or region ("pt-BR").
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def language_code(value: Any) -> str:
    """A BCP 47 language tag Babel has the words and dates of: "en", "uk", "pt-BR"."""
    code = schema.text(value).strip()
    if not _LANGUAGE_TAG.fullmatch(code):
        raise Invalid(
            f"is not a language tag: {code!r}",
            hint="write a BCP 47 tag such as `en`, `uk` or `pt-BR`",
        )
    from babel import Locale, UnknownLocaleError  # only multilingual sites pay for it

    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        raise Invalid(
            f"is not a language briefing knows the dates and plural rules of: {code!r}",
            hint="write a BCP 47 tag of a language in CLDR, such as `en`, `uk` or `pt-BR`",
        ) from None
    return code


def _languages(value: Any) -> dict[str, LanguageSettings]:
    """``code: {title, description, name}``, one per language the site is written in."""
    if not isinstance(value, dict) or not value:
        raise Invalid(
            "must be a mapping of language tags to the site's title and description in each",
            hint="write e.g. `  uk: {title: Ранковий брифінг, description: ...}` under languages:",
        )
    found: dict[str, LanguageSettings] = {}
    keys = {"title", "description", "name", "blocks"}
    for key, entry in value.items():
        code = language_code(key)
        if entry is None:
            entry = {}
        if not isinstance(entry, dict) or set(entry) - keys:
            unknown = (
                ", ".join(sorted(map(str, set(entry) - keys))) if isinstance(entry, dict) else ""
            )
            raise Invalid(
                f"has {code!r} with {unknown or 'a value that is not a mapping'}: each language "
                "may have a title, a description, a name and its blocks' labels",
                hint=f"write `  {code}: {{title: ..., description: ..., name: ...}}`",
            )
        labels = _blocks(entry["blocks"]) if entry.get("blocks") is not None else {}
        found[code] = LanguageSettings(
            code,
            title=_opt_text(entry.get("title")),
            description=_opt_text(entry.get("description")),
            name=_opt_text(entry.get("name")),
            blocks=MappingProxyType(dict(labels)),
        )
    return found


def _opt_text(value: Any) -> str | None:
    return None if value is None else schema.text(value)


def _preview_image(value: Any) -> str:
    """The picture link previews show for pages without their own: a file of the site's
    static/ folder ("preview.png" is static/preview.png) or an https URL."""
    src = schema.text(value)
    if "://" in src:
        if not src.startswith("https://"):
            raise Invalid(f"must be a file in static/ or an https URL, not {src!r}")
        return schema.web_url(src)
    path = src.removeprefix("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        raise Invalid(
            f"must be a file in the site's static/ folder, not {src!r}",
            hint="write e.g. `image: preview.png` for static/preview.png",
        )
    return path


#: What each newsletter service replaces with a reader's own unsubscribe link.
UNSUBSCRIBE_PLACEHOLDERS = {
    "mailchimp": "*|UNSUB|*",
    "buttondown": "{{ unsubscribe_url }}",
    "listmonk": "{{ UnsubscribeURL }}",
}
#: A mailbox as a From header names it: "Name <address>" or a bare address.
_MAILBOX = re.compile(r"(?:[^<>@\s][^<>@]*?\s*<)?[^<>@\s\"]+@[^<>@\s\"]+\.[^<>@\s\".]+>?")


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """site.yaml's ``email``: how each edition is written as an email."""

    #: The From header of edition.eml ("Desk <desk@example.org>"); None leaves it out.
    sender: str | None = None
    #: The text the footer's unsubscribe link points at, which a newsletter service
    #: replaces per reader ("*|UNSUB|*"); None: no unsubscribe link.
    unsubscribe: str | None = None
    #: The List-Unsubscribe header of edition.eml ("<mailto:...>, <https://...>").
    list_unsubscribe: str | None = None
    #: How many of the newest editions every build writes as emails: those are the
    #: ones sent. Every edition's email costs as much as its page again and more
    #: (10,000 items: 18 s cold with none, 41 s with all 730); ``briefing email``
    #: makes any other on demand.
    latest: int = 10


_EMAIL_KEYS = frozenset({"from", "unsubscribe", "list_unsubscribe", "latest"})
#: One or more <mailto:...> or <https://...>, comma-separated (RFC 2369).
_LIST_UNSUBSCRIBE = re.compile(
    r"<(?:mailto:|https://)[^<>\s]+>(?:\s*,\s*<(?:mailto:|https://)[^<>\s]+>)*"
)


def _email(value: Any) -> EmailSettings | None:
    """``false`` for no email, or a mapping of ``from``, ``unsubscribe`` (a service's
    name or its placeholder) and ``list_unsubscribe``."""
    if isinstance(value, str):
        try:
            return EmailSettings() if schema.boolean(value) else None
        except Invalid:
            pass
    unknown = sorted(map(str, set(value) - _EMAIL_KEYS)) if isinstance(value, dict) else None
    if unknown is None or unknown:
        raise Invalid(
            f"has {', '.join(unknown)}: it takes from, unsubscribe, list_unsubscribe and latest"
            if unknown
            else "must be false, or a mapping of from, unsubscribe, list_unsubscribe and latest",
            hint="write e.g. `email: {from: Desk <desk@example.org>, unsubscribe: buttondown}`",
        )
    sender = schema.text(value["from"]).strip() if value.get("from") is not None else None
    if sender is not None and not _MAILBOX.fullmatch(sender):
        raise Invalid(
            f"has from: {sender!r}, which is not a mail address",
            hint="write `from: The Desk <desk@example.org>` or `from: desk@example.org`",
        )
    unsubscribe = None
    if value.get("unsubscribe") is not None:
        written = schema.text(value["unsubscribe"]).strip()
        unsubscribe = UNSUBSCRIBE_PLACEHOLDERS.get(written.lower(), written)
    listed = None
    if value.get("list_unsubscribe") is not None:
        listed = schema.text(value["list_unsubscribe"]).strip()
        if not _LIST_UNSUBSCRIBE.fullmatch(listed):
            raise Invalid(
                f"has list_unsubscribe: {listed!r}, which is not a List-Unsubscribe value",
                hint="write mailto: or https:// addresses in angle brackets, e.g. "
                '`list_unsubscribe: "<mailto:leave@example.org>, <https://example.org/leave>"`',
            )
    latest = 10
    if value.get("latest") is not None:
        written = schema.text(value["latest"]).strip()
        if not written.isdigit():
            raise Invalid(
                f"has latest: {written!r}; it is how many of the newest editions get an email "
                "in every build",
                hint="write a whole number, e.g. `latest: 10`, or 0 for none but those "
                "`briefing email` asks for",
            )
        latest = int(written)
    return EmailSettings(sender, unsubscribe, listed, latest)


FIELDS: tuple[Field, ...] = (
    Field("title", schema.text, required=True, doc="the site's name"),
    Field("url", _site_url, required=True, doc="where the site is published"),
    Field("description", schema.text, default=""),
    Field("language", schema.text, default="en"),
    Field("languages", _languages, default={}),
    Field("author", schema.text, default=""),
    Field("timezone", _zone, default=ZoneInfo("UTC")),
    Field("permalink", _permalink, default="/{year}/{month}/{day}/{slug}/"),
    Field("paginate", schema.positive_int, default=10),
    Field("feed_items", schema.positive_int, default=20),
    Field("theme", _theme, default="default"),
    Field("raw_html", schema.boolean, default=False),
    Field("editions", schema.one_of("daily", "weekly"), default="daily"),
    Field("week_ends_on", schema.one_of(*WEEKDAYS), default="sunday"),
    Field("sections", _sections, default=()),
    Field("publishers", _publishers, default={}),
    Field("blocks", _blocks, default=DEFAULT_BLOCKS),
    Field("related", _related, default=RelatedItems()),
    Field("words_per_minute", schema.positive_int, default=220),
    Field("cname", _hostname),
    Field("websub", _hub),
    Field("extra", schema.extra_data, default=MappingProxyType({})),
    Field("menu", _menu, default=()),
    Field("authors", _authors, default={}),
    Field("image", _preview_image),
    Field("image_alt", schema.text),
    Field("picture_width", schema.positive_int, default=1200),
    Field("search", schema.boolean, default=True),
    Field("email", _email, default=EmailSettings()),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated contents of site.yaml."""

    #: The site's name, shown in the header and in feeds.
    title: str
    #: Absolute URL of the published site, ending in '/'; its path is the base path.
    url: str
    #: One sentence for the front page, feeds and search engines.
    description: str = ""
    #: BCP 47 language tag for <html lang> and feeds.
    language: str = "en"
    #: Every language the site is written in, by tag, its default ``language`` first;
    #: empty for a site in one language.
    languages: Mapping[str, LanguageSettings] = field(default_factory=dict)
    #: Named in feeds; defaults to the site title.
    author: str = ""
    #: The editorial time zone: dates without an offset are read in it.
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    #: Site path of an item page, with {year} {month} {day} {slug}.
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    #: Items per list page (front page, tag pages).
    paginate: int = 10
    #: Entries in each feed.
    feed_items: int = 20
    #: Theme folder name under themes/; missing templates come from the default theme.
    theme: str = "default"
    #: Let raw HTML in Markdown through; off by default because content is untrusted.
    raw_html: bool = False
    #: "daily": an edition per calendar day in ``timezone``; "weekly": per week.
    editions: str = "daily"
    #: The weekday a weekly edition closes on, lower case.
    week_ends_on: str = "sunday"
    #: Section names in the order an edition shows them.
    sections: tuple[str, ...] = ()
    #: Display names by domain ("reuters.com": "Reuters"); subdomains match too.
    publishers: Mapping[str, str] = field(default_factory=dict)
    #: Briefing blocks (``::: why`` in a body) by type, with the label readers see, in
    #: the order site.yaml gives them; read-only.
    blocks: Mapping[str, str] = field(default_factory=lambda: DEFAULT_BLOCKS)
    #: Earlier items an item's page suggests when it follows no story; None for none.
    related: RelatedItems | None = field(default_factory=RelatedItems)
    #: Reading speed for reading-time estimates.
    words_per_minute: int = 220
    #: A custom domain for GitHub Pages, written to CNAME.
    cname: str | None = None
    #: A WebSub hub every feed names, so that readers subscribed through it hear of a
    #: change at once; the deploy workflow tells it which feeds changed.
    websub: str | None = None
    #: The site's own values for its theme (Zola's `extra`), read-only, as written.
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: The site's navigation after its fixed links: pages and links elsewhere, in order.
    menu: tuple[MenuEntry, ...] = ()
    #: Who items name in ``author:``, by what they write there.
    authors: Mapping[str, AuthorProfile] = field(default_factory=dict)
    #: The link-preview picture of pages without their own: a site path or an https URL.
    image: str | None = None
    image_alt: str | None = None
    #: Pictures wider than this get a copy this wide, offered with ``srcset``.
    picture_width: int = 1200
    #: Write a search index (Pagefind) and the search page.
    search: bool = True
    #: Each edition as an email (email/<date>/); None with ``email: false``.
    email: EmailSettings | None = field(default_factory=EmailSettings)
    #: Where each value starts in site.yaml, for errors found once content is read.
    value_at: Mapping[str, Position] = field(default_factory=dict, compare=False)
    #: Where it was read from, as messages show it.
    path: str = field(default=CONFIG_FILE, compare=False)
    #: The folder the pages of ``language`` are under: "" for the site's default
    #: language (and a site in one), "uk/" for another (see :meth:`in_language`).
    root: str = ""

    @property
    def base_path(self) -> str:
        """ "/" for a user site, "/repo/" for a GitHub Pages project site."""
        return base_path(self.url)

    @property
    def feed_author(self) -> str:
        return self.author or self.title

    def blocks_in(self, code: str | None) -> Mapping[str, str]:
        """The labels of briefing blocks on pages in ``code`` (None: the default's)."""
        settings = self.languages.get(code) if code else None
        if settings is None or not settings.blocks:
            return self.blocks
        return {kind: settings.blocks.get(kind, label) for kind, label in self.blocks.items()}

    def in_language(self, code: str) -> SiteConfig:
        """This configuration as the pages in ``code`` see it: the site's title,
        description and language in it."""
        settings = self.languages[code]
        return replace(
            self,
            language=code,
            title=settings.title or self.title,
            description=settings.description or self.description,
            root="" if code == next(iter(self.languages)) else code.lower() + "/",
        )


def parse_config(text: str, path: str = CONFIG_FILE) -> SiteConfig:
    """Validate the text of site.yaml; raise BuildFailed listing every problem."""
    try:
        mapping = load_mapping(text, path=path, error=ConfigError, what="site.yaml")
    except ConfigError as exc:
        raise BuildFailed([exc]) from None
    values, errors = schema.validate(
        mapping, FIELDS, path=path, error=ConfigError, start=Position(1, 1), what="site.yaml",
        foreign=FOREIGN_KEYS,
    )  # fmt: skip
    if errors:
        raise BuildFailed(errors)
    values["languages"] = _with_default(values["languages"], values["language"])
    return SiteConfig(**values, value_at=MappingProxyType(dict(mapping.value_at)), path=path)


def _with_default(
    languages: Mapping[str, LanguageSettings], default: str
) -> Mapping[str, LanguageSettings]:
    """``languages`` with the site's default language first (listed or not: its title is
    site.yaml's own); empty stays empty, a site in one language."""
    if not languages:
        return MappingProxyType({})
    first = languages.get(default, LanguageSettings(default))
    others = {code: settings for code, settings in languages.items() if code != default}
    return MappingProxyType({default: first, **others})


def read_config(site_dir: Path) -> bytes:
    """The bytes of ``site_dir/site.yaml``: a build reads them once, for the
    configuration and for the cache key alike."""
    path = site_dir / CONFIG_FILE
    try:
        return read_inside(path, site_dir)
    except ReadError as exc:
        raise BuildFailed([ConfigError(exc.message, path=path, hint=exc.hint)]) from None
    except FileNotFoundError:
        raise BuildFailed(
            [
                ConfigError(
                    f"no {CONFIG_FILE} in {site_dir}",
                    hint="run the command inside a site folder, or pass --site DIR",
                )
            ]
        ) from None
    except OSError as exc:
        raise BuildFailed([ConfigError(f"cannot read it: {exc.strerror}", path=path)]) from None


def config_from(data: bytes, path: Path) -> SiteConfig:
    """Decode and validate the bytes of site.yaml read from ``path``."""
    try:
        text = decode(data, str(path), ConfigError)
    except ConfigError as exc:
        raise BuildFailed([exc]) from None
    return parse_config(text, str(path))


def load_config(site_dir: Path) -> SiteConfig:
    """Read and validate ``site_dir/site.yaml``."""
    return config_from(read_config(site_dir), site_dir / CONFIG_FILE)
