"""Slugs, permalinks and link safety: pure string functions.

Two kinds of path are kept apart on purpose. A *site path* is '/'-separated,
relative to the site root, and ends in '/' for pages ("tags/energy/"); it
becomes a link by prefixing the base path of ``url`` in site.yaml, and a file
name by :func:`output_file`.
"""

from __future__ import annotations

import posixpath
import re
import string
import unicodedata
from functools import cache
from urllib.parse import quote, unquote, urlsplit

_NON_WORD = re.compile(r"[^\w]+")
_DASHES = re.compile(r"-{2,}")


@cache
def slugify(text: str) -> str:
    """Lower-case words joined by '-', accents dropped, letters of any script kept.

    "Zelenskyy renews offer: Putin's answer" -> "zelenskyy-renews-offer-putins-answer",
    "Café" -> "cafe"; "Київ" stays "київ" (its ї is a letter of its own, not an accent).
    """
    if text.isascii():  # most slugs: nothing to normalise or strip
        plain = text
    else:
        plain = "".join(_strip_accents(ch) for ch in unicodedata.normalize("NFC", text))
    plain = plain.replace("'", "").replace("\u2019", "")
    slug = _NON_WORD.sub("-", plain.lower()).replace("_", "-")
    return _DASHES.sub("-", slug).strip("-")


def _strip_accents(ch: str) -> str:
    """'é' -> 'e', 'ά' -> 'α'; Cyrillic й and ї are letters of their own and stay."""
    if ch.isascii() or unicodedata.name(ch, "").startswith("CYRILLIC"):
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


PERMALINK_FIELDS = ("year", "month", "day", "slug")


def permalink_fields(pattern: str) -> set[str]:
    """The placeholders of a permalink pattern as written inside the braces.

    ``{slug}`` gives "slug"; ``{}`` gives "" and ``{slug!r}`` "slug!r", which no
    valid pattern uses, so callers can reject them by name.
    """
    fields = set()
    for _, name, spec, conversion in string.Formatter().parse(pattern):
        if name is not None:
            fields.add(
                name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            )
    return fields


def expand_permalink(pattern: str, **values: str) -> str:
    """Fill a pattern such as ``/{year}/{month}/{day}/{slug}/`` into a site path."""
    return pattern.format(**values).strip("/") + "/"


#: An output file, named by its '/'-separated path inside the output folder ("tags/x/index.html").
#: Plain text rather than PurePosixPath: a build names some 15,000 of them, and making a
#: PurePosixPath costs as much as rendering a small page.
OutputPath = str


def output_file(site_path: str) -> OutputPath:
    """The file that serves a site path: pages are folders with an index.html."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


def is_inside(path: OutputPath) -> bool:
    """True when a relative output path names a file inside the output folder, plainly:
    no leading '/', no empty, '.' or '..' part."""
    return bool(path) and not path.startswith("/") and not {"", ".", ".."} & set(path.split("/"))


#: Characters that Windows does not allow in file names (``\\`` separates folders there,
#: ``C:`` names a drive), and control characters, which no system shows.
_NOT_PORTABLE = re.compile(r'[\\:*?"<>|\x00-\x1f\x7f]')


def portability_problem(path: str) -> str | None:
    """Why ``path`` would name another file, or none, on some system; None when it is fine.

    A build on Linux can write ``a\\b`` or ``c:x``, but the same site built on an
    editor's Windows laptop would write elsewhere, or escape the output folder.
    """
    found = _NOT_PORTABLE.search(path)
    if found is None:
        return None
    char = found.group()
    return (
        f"{char!r} is a folder separator on Windows"
        if char == "\\"
        else (f"{char!r} is not allowed in file names on Windows")
    )


def portable_key(path: str) -> str:
    """What a case-insensitive, normalising file system (macOS, Windows) sees of ``path``:
    "Foo" and "foo", NFC and NFD "café", "straße" and "strasse" are one name there."""
    if path.isascii():
        return path.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", path).casefold())


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def has_scheme(url: str) -> bool:
    """Whether ``url`` begins with a scheme ("https:", "mailto:"), as urlsplit reads one:
    such a link is never a path of the site."""
    return _SCHEME.match(url) is not None


#: What stays as it is in a URI; the rest (spaces, non-ASCII letters) is percent-encoded.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def as_uri(text: str) -> str | None:
    """``text`` as a URI, an IRI's letters percent-encoded and its host in IDNA
    ("https://bücher.de/ä" -> "https://xn--bcher-kva.de/%C3%A4"); None when it has no
    scheme, so is no URI at all ("12345")."""
    if not _SCHEME.match(text):
        return None
    if text.isascii() and " " not in text:
        return text
    parts = urlsplit(text.strip())
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        ascii_host = quote(host, safe="")
    netloc = parts.netloc.replace(host, ascii_host) if host else parts.netloc
    rest = text.strip()[len(parts.scheme) + 1 :]
    if parts.netloc:
        rest = "//" + netloc + rest[2 + len(parts.netloc) :]
    return f"{parts.scheme}:{quote(rest, safe=_URI_SAFE)}"


def tag_uri(site_url: str, day: str, name: str) -> str:
    """A tag: URI (RFC 4151) for an id that is no URI: the site's host, a day it held
    it, and the id itself, percent-encoded ("tag:example.org,2025-07-22:12345")."""
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},{day}:{quote(name, safe=_URI_SAFE.replace('#', ''))}"


def base_path(site_url: str) -> str:
    """The path part of the site URL, always ending in '/': "/repo/" for a project site."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def file_path(site_path: str) -> str:
    """A file's site path made safe for :func:`link`, which keeps '%', '#' and '?' as
    written (they mean something in a link): a picture called "50%.png" or "a#1.png"
    must reach the browser as that file's name, not as an escape or a fragment."""
    return site_path.replace("%", "%25").replace("#", "%23").replace("?", "%3F")


def link(base: str, site_path: str) -> str:
    """An href for a site path under the base path, percent-encoding what needs it."""
    return base + quote(site_path, safe="/#?=&%")


# Schemes that run code or smuggle content when a reader clicks a link.
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def is_safe_link(url: str) -> bool:
    """False for links that would run script or embed content when followed.

    Browsers ignore whitespace and control characters inside a scheme
    ("java\\tscript:"), so they are removed before comparing.
    """
    squeezed = _CONTROL.sub("", url).lower()
    return not squeezed.startswith(_UNSAFE_SCHEMES)


def internal_target(url: str, page: str, base: str, site_url: str) -> tuple[str, str] | None:
    """Where a link written on the page at site path ``page`` points inside the site.

    Returns ``(site_path, rest)``, ``rest`` being the query and fragment as written,
    or None for links that leave the site or stay on the page (``#notes``,
    ``mailto:``). A path starting with '/' is taken from the site's root, with or
    without the base path, so that ``/tags/energy/`` also works on a project site.
    """
    if url.startswith(site_url):
        url = url[len(site_url) - 1 :]  # keep the path's leading '/'
    elif has_scheme(url):
        return None  # most links leave the site: known without splitting them
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    rest = url[len(parts.path) :]
    written = unquote(parts.path)  # site paths are kept unencoded, like file names
    if written.startswith("/"):
        path = written[len(base) :] if written.startswith(base) else written[1:]
    else:
        folder = page if page.endswith("/") else posixpath.dirname(page) + "/"
        path = posixpath.normpath(posixpath.join("/", folder, written))[1:]
        if written.endswith("/") and path:
            path += "/"
    return path, rest


#: Domains that stand for "some site" (RFC 2606), and `briefing init`'s own placeholder.
_PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org", "example.github.io")
#: Top-level names that are never on the public web (RFC 2606, RFC 6761).
_PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost", "local")
#: Owner names that documentation writes for "yours" in OWNER.github.io.
_PLACEHOLDER_OWNERS = frozenset(
    {"owner", "user", "username", "your-name", "yourname", "your-username", "example", "me"}
)


def placeholder_host(url: str) -> str | None:
    """The host of ``url`` when it is a placeholder rather than where a site is
    published (example.org, init's example.github.io, localhost); else None."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return None
    tld = host.rsplit(".", 1)[-1]
    github_owner = host.removesuffix(".github.io") if host.endswith(".github.io") else None
    if (
        host.endswith(tuple("." + d for d in _PLACEHOLDER_DOMAINS))
        or host in _PLACEHOLDER_DOMAINS
        or tld in _PLACEHOLDER_TLDS
        or github_owner in _PLACEHOLDER_OWNERS
        or host.startswith("127.")
        or host == "::1"
    ):
        return host
    return None
