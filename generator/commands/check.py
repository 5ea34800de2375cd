"""``briefing check``: what a build would reject, plus links and curated-link hygiene.

Runs on an :class:`~generator.engine.build.Assembled` site, so nothing is written. Broken
internal links are errors; tracking parameters, a source summarised twice and
plain-http sources are warnings, which ``--strict`` turns into failures.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

from generator.engine.state import Assembled
from generator.errors import ConfigError, ContentError, SiteError, SiteWarning
from generator.model.records import Document, Item, SitePage
from generator.project.config import SiteConfig
from generator.reading.attach import is_page_path
from generator.reading.content import item_stem
from generator.reading.naming import RESERVED_NAME, stem_slug
from generator.text.urls import (
    OutputPath,
    internal_target,
    output_file,
    placeholder_host,
    slugify,
)
from generator.text.yamltext import Position

#: Query parameters that only track who clicked; never part of an article's address.
TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "cmpid",
        "ocid", "smid", "sr_share", "__twitter_impression",
    }
)  # fmt: skip


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("utm_", "pk_", "mtm_")) or lowered in TRACKING


def without_tracking(url: str) -> str:
    """The URL with tracking parameters removed and the others kept exactly as written."""
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking(unquote_plus(pair.split("=", 1)[0]))
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def article_key(url: str) -> str:
    """Two source URLs are the same article when they differ only in scheme, www.,
    tracking parameters, fragment or a final '/'."""
    parts = urlsplit(without_tracking(url))
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    errors: tuple[SiteError, ...]
    warnings: tuple[SiteError, ...]


def check_site(
    assembled: Assembled, *, publishing: bool = False, unread: Iterable[str] = ()
) -> CheckReport:
    """Link errors and hygiene warnings for an assembled site. ``publishing`` (a deploy
    workflow's check) makes a placeholder ``url`` an error. ``unread`` are content files
    left out for their errors: links to the pages they would make are not broken."""
    odd = list(odd_schemes(assembled))
    errors = [*broken_links(assembled, unread), *(p for p in odd if p.kind == "error")]
    placeholder = placeholder_url(assembled.site.config, publishing)
    errors.extend(p for p in placeholder if p.kind == "error")
    warnings = [
        *(p for p in placeholder if p.kind == "warning"),
        *assembled.warnings,
        *source_warnings(assembled.documents),
        *body_link_warnings(assembled),
        *reserved_names(assembled),
        *(p for p in odd if p.kind == "warning"),
        *pictures_without_alt([*assembled.site.every_item, *assembled.site.every_page]),
        *stories_nobody_follows(assembled),
    ]
    return CheckReport(
        errors=tuple(sorted(errors, key=SiteError.sort_key)),
        warnings=tuple(sorted(warnings, key=SiteError.sort_key)),
    )


def placeholder_url(config: SiteConfig, publishing: bool) -> list[SiteError]:
    """site.yaml's ``url`` when it is still a placeholder (init's example.github.io,
    example.org, localhost): every feed, canonical link and email would point there."""
    host = placeholder_host(config.url)
    if host is None:
        return []
    kind = ConfigError if publishing else SiteWarning
    return [
        kind.at(
            f"url is a placeholder ({config.url}): feeds, canonical links, link previews "
            f"and emails would send readers to {host}",
            path=config.path,
            where=config.value_at.get("url"),
            hint="set it to where the site is published, e.g. "
            "https://OWNER.github.io/REPOSITORY/ or your own domain",
        )
    ]


def broken_links(assembled: Assembled, unread: Iterable[str] = ()) -> Iterator[SiteError]:
    """Markdown links to pages of this site that the build does not produce, but for
    those whose last part is the slug the name of a file in ``unread`` gives."""
    config = assembled.site.config
    files = assembled.files
    unknown = {stem_slug(item_stem(PurePosixPath(path))) for path in unread}
    pages = sorted(p.removesuffix("index.html") for p in files)
    linkers: list[Item | SitePage] = [*assembled.site.every_item, *assembled.site.every_page]
    for item in linkers:
        for link in item.links:
            target = internal_target(link.url, item.url, config.base_path, config.url)
            if target is None:
                continue
            path, _ = target
            if _exists(path, files) or path.rstrip("/").rpartition("/")[2] in unknown:
                continue
            if not is_page_path(path):
                continue  # a file: the build's own check names it (missing_files)
            shown = config.base_path + path
            near = difflib.get_close_matches(path, pages, n=1, cutoff=0.6)
            hint = (
                f"did you mean {config.base_path}{near[0]}?"
                if near
                else "link to an item, tag, edition or source page that exists"
            )
            yield ContentError(
                f"broken link: {shown} is not a page of this site",
                path=item.path,
                line=link.line,
                col=link.col,
                hint=hint,
            )


def _exists(path: str, files: AbstractSet[OutputPath]) -> bool:
    if output_file(path) in files:
        return True
    # "/archive" without its final slash is served by archive/index.html on GitHub Pages.
    return not path.endswith("/") and f"{path}/index.html" in files


def pictures_without_alt(items: Iterable[Item | SitePage]) -> Iterator[SiteError]:
    """Pictures with no alt text: a screen reader, or a feed reader that shows no
    pictures, gives its reader nothing in their place."""
    for item in items:
        for link in item.links:
            if link.alt is not None and not link.alt.strip():
                yield SiteWarning(
                    f"the picture {link.url} has no alt text, so readers who cannot see it "
                    "get nothing",
                    path=item.path,
                    line=link.line,
                    col=link.col,
                    hint="describe it between the brackets: ![A map of the route](map.png), "
                    "or for a lead picture with `image_alt:`",
                )


def source_warnings(documents: Iterable[Document]) -> Iterator[SiteError]:
    """Tracking parameters, plain http, and the same article summarised twice."""
    by_article: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        where = doc.value_at.get("source", Position(1, 1))
        for citation in doc.meta.sources:
            yield from _url_warnings(citation.url, doc.path, where.line, where.col, "source")
            if urlsplit(citation.url).scheme == "http":
                yield SiteWarning.at(
                    f"source {citation.url} is plain http",
                    path=doc.path,
                    where=where,
                    hint="use https:// if the publisher supports it",
                )
        by_article[article_key(doc.meta.sources[0].url)].append(doc)
    for same in by_article.values():
        if len(same) < 2:
            continue
        for doc in same:
            where = doc.value_at.get("source", Position(1, 1))
            others = ", ".join(other.path for other in same if other is not doc)
            yield SiteWarning.at(
                f"summarises the same article as {others}",
                path=doc.path,
                where=where,
                hint="merge the two items, or cite a different article",
            )


def stories_nobody_follows(assembled: Assembled) -> Iterator[SiteError]:
    """A story's file that no item names, drafts and items not due yet included: the
    build keeps it back without a word (it may be written ahead of the first item), so
    a misspelt file name would never be noticed."""
    named = {slugify(d.meta.story) for d in assembled.documents if d.meta.story}
    for note in assembled.story_files:
        if note.slug in named:
            continue
        near = difflib.get_close_matches(note.slug, sorted(named), n=1, cutoff=0.6)
        yield SiteWarning(
            f"no item follows the story '{note.slug}', so this file is not published",
            path=note.path,
            hint=f"did you mean the story '{near[0]}'? name the file stories/{near[0]}.md"
            if near
            else f"an item follows it with a `story:` whose slug is {note.slug}, e.g. "
            f"`story: {note.slug.replace('-', ' ').capitalize()}`",
        )


def body_link_warnings(assembled: Assembled) -> Iterator[SiteError]:
    items: Iterable[Item] = assembled.site.every_item
    for item in items:
        for link in item.links:
            yield from _url_warnings(link.url, item.path, link.line, link.col, "link")


def reserved_names(assembled: Assembled) -> Iterator[SiteError]:
    """A warning for each folder of the site named as Windows names a device (``con``,
    ``nul``, ``com1``): a copy of the site checked out on Windows loses it."""
    docs = {doc.path: doc for doc in assembled.documents}
    named: dict[str, tuple[str, str, str]] = {}
    for item in assembled.site.every_item:
        named.setdefault(item.slug, ("slug", item.path, "slug"))
        for tag in item.tags:
            named.setdefault(tag.slug, (f"tag '{tag.name}'", item.path, "tags"))
        for author in item.authors:
            named.setdefault(author.slug, (f"author '{author.name}'", item.path, "author"))
        for reference in item.references:
            name = f"source '{reference.publisher.name}'"
            named.setdefault(reference.publisher.slug, (name, item.path, "source"))
    for slug, (what, path, key) in sorted(named.items()):
        if RESERVED_NAME.fullmatch(slug):
            doc = docs.get(path)
            yield SiteWarning.at(
                f"{what} names a folder '{slug}', which Windows keeps for a device: a copy "
                "of the site checked out on Windows loses it",
                path=path,
                where=doc.value_at.get(key) if doc else None,
                hint="spell it another way",
            )


#: Schemes of links a reader's browser follows (besides http and https).
KNOWN_SCHEMES = frozenset(
    {"http", "https", "mailto", "tel", "sms", "ftp", "sftp", "geo", "magnet", "webcal",
     "feed", "irc", "ircs", "xmpp", "news", "nntp", "urn", "doi", "matrix", "signal"}
)  # fmt: skip


def odd_schemes(assembled: Assembled) -> Iterator[SiteError]:
    """Links whose scheme no browser opens: a misspelt ``https`` (``hhttps://``) is an
    error, for feed readers drop the link and the page's link leads nowhere; another
    scheme (an app's own) is a warning."""
    linkers: list[Item | SitePage] = [*assembled.site.every_item, *assembled.site.every_page]
    for item in linkers:
        for link in item.links:
            scheme = link.url.partition(":")[0].lower() if ":" in link.url else ""
            if not scheme or "/" in scheme or scheme in KNOWN_SCHEMES:
                continue
            near = difflib.get_close_matches(scheme, ["https", "http"], n=1, cutoff=0.6)
            kind = ContentError if near else SiteWarning
            fixed = near[0] + link.url[len(scheme) :] if near else None
            yield kind(
                f"links to {link.url}, but no browser opens a '{scheme}:' link",
                path=item.path,
                line=link.line,
                col=link.col,
                hint=f"did you mean {fixed}?" if fixed else "link to a web address (https://...)",
            )


def _url_warnings(
    url: str, path: str, line: int, col: int | None, what: str
) -> Iterator[SiteError]:
    names = sorted(
        {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if is_tracking(k)}
    )
    if names:
        yield SiteWarning(
            f"{what} {url} has tracking parameters: {', '.join(names)}",
            path=path,
            line=line,
            col=col,
            hint=f"use {without_tracking(url)}",
        )


def github_annotation(problem: SiteError) -> str:
    """A GitHub Actions workflow command that puts ``problem`` on its line in a pull request."""
    props = []
    if problem.path:
        props.append(f"file={_escape_property(problem.path)}")
    if problem.line:
        props.append(f"line={problem.line}")
    if problem.col:
        props.append(f"col={problem.col}")
    props.append("title=briefing")
    message = problem.message + (f"; {problem.hint}" if problem.hint else "")
    return f"::{problem.kind} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
