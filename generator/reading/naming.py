"""What things of the site are called and where they go: slugs from file names and
names, publisher names, the paths of tag, source, author and edition pages, and one
record per slug, named as first written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

from generator.errors import ContentError, SiteError
from generator.model.records import (
    Citation,
    Document,
)
from generator.project.config import SiteConfig
from generator.text.urls import slugify

# Jekyll-style file names ("2025-07-22-istanbul-talks.md") carry the date the
# permalink already shows; the slug is what follows it.
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


V = TypeVar("V")


def stem_slug(stem: str) -> str:
    """The slug a file name gives: "2025-07-22-istanbul-talks" -> "istanbul-talks"."""
    return slugify(_DATE_PREFIX.sub("", stem))


def item_slug(doc: Document) -> str:
    """The editor's ``slug``, else the file name without a date prefix, else the title."""
    if doc.meta.slug:
        return doc.meta.slug
    return stem_slug(doc.stem) or slugify(doc.meta.title)


def publisher_name(citation: Citation, config: SiteConfig) -> str:
    """The name given with the source, else the site's ``publishers`` entry for its
    domain (the longest match, so that subdomains match), else the bare domain."""
    if citation.name:
        return citation.name
    host = (urlsplit(citation.url).hostname or "").lower().removeprefix("www.")
    matches = [d for d in config.publishers if host == d or host.endswith("." + d)]
    if matches:
        return config.publishers[max(matches, key=len)]
    return host


def tag_path(slug: str) -> str:
    return f"tags/{slug}/"


def publisher_path(slug: str) -> str:
    return f"sources/{slug}/"


def author_path(slug: str) -> str:
    return f"authors/{slug}/"


def story_path(slug: str) -> str:
    return f"stories/{slug}/"


def edition_path(day: date) -> str:
    return f"editions/{day.isoformat()}/"


#: The folder of a kind of name's pages, where it is not the name with an "s".
_FOLDERS = {"story": "stories"}

#: One spelling of a name as an item writes it: the name, the item's file, the key.
Spelling = tuple[str, Document, str]


def first_by_slug(
    spellings: Sequence[Spelling],
    make: Callable[[str, str], V],
    what: str,
    errors: list[SiteError],
) -> dict[str, V]:
    """One record per slug, named as first written.

    Spellings that differ only in case, accents or spaces against hyphens ("Energy",
    "energy"; "Café", "cafe"; "New York", "new-york") are one name, deliberately.
    Any other two spellings with one slug ("C#", "C", "C++" are all "c") are an error
    naming both: merged, one would be shown everywhere under the other's name.
    """
    found: dict[str, V] = {}
    first: dict[str, Spelling] = {}
    told: set[tuple[str, str]] = set()
    slugs: dict[str, str] = {}  # a name is written by many items: made once each
    for spelling in spellings:
        name, doc, key = spelling
        slug = slugs.get(name) or slugs.setdefault(name, slugify(name))
        if slug not in found:
            found[slug], first[slug] = make(name, slug), spelling
            problem = file_name_problem(slug, what, doc, key)
            if problem is not None:
                errors.append(problem)
            continue
        earlier = first[slug][0]
        if name == earlier or (earlier, name) in told or _one_word(name) == _one_word(earlier):
            continue
        told.add((earlier, name))
        where = doc.value_at.get(key)
        errors.append(
            ContentError.at(
                f"{what} '{name}' and {what} '{earlier}' (in {first[slug][1].path}) have one "
                f"page, /{_FOLDERS.get(what, what + 's')}/{slug}/: the site would show "
                f"'{name}' as '{earlier}'",
                path=doc.path,
                where=where,
                hint=f"write them the same, or spell one out (for example '{name}' as words)",
            )
        )
    return found


#: The most bytes of a name that becomes a folder of the site: file systems allow 255,
#: and a page's folder may gain "-2" and its files their names.
MAX_NAME_BYTES = 200
#: Names Windows keeps for devices: a site checked out there loses such a folder.
RESERVED_NAME = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def file_name_problem(slug: str, what: str, doc: Document, key: str) -> SiteError | None:
    """An error when ``slug``, a folder of the site, is too long for a file system (the
    build would fail writing it, with no line to point at)."""
    size = len(slug.encode("utf-8"))
    if size <= MAX_NAME_BYTES:
        return None
    return ContentError.at(
        f"{what} '{slug[:40]}...' makes a folder name of {size} bytes; file systems take "
        f"at most {MAX_NAME_BYTES} here",
        path=doc.path,
        where=doc.value_at.get(key),
        hint=f"shorten it (the {what}'s page is named after it)",
    )


def _one_word(name: str) -> str:
    """What two spellings of one name share: no case, accents or separators."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", "-", plain.casefold()).strip("-")
