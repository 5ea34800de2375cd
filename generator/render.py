"""Render the site model through the theme's Jinja2 templates into output files in memory."""

from __future__ import annotations

import hashlib
import json
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from generator.errors import OutputError, SiteError, TemplateError
from generator.models import Item, Site
from generator.theme import Theme
from generator.urls import is_inside, output_file
from generator.views import View, Views


class Output:
    """Files of the site by output path, refusing two writers for one path.

    A page whose inputs are what they were when the file on disk was written is
    *kept*: not rendered again, and left as it is by the writer.
    """

    def __init__(self) -> None:
        self.files: dict[PurePosixPath, bytes] = {}
        self.origin: dict[PurePosixPath, str] = {}
        #: Pages left as they are on disk.
        self.kept: set[PurePosixPath] = set()
        #: Digest of the inputs of every page, rendered or kept, for the next build.
        self.digests: dict[PurePosixPath, str] = {}
        self.errors: list[SiteError] = []
        self.reported: set[tuple[str | None, int | None, str]] = set()

    def report(self, error: SiteError) -> None:
        """Once per template and line: a broken item.html must not yield 10,000 errors."""
        key = (error.path, error.line, error.message.split(" (while rendering")[0])
        if key not in self.reported:
            self.reported.add(key)
            self.errors.append(error)

    def add(self, path: PurePosixPath, data: bytes, origin: str) -> None:
        if not is_inside(path):
            self.errors.append(
                OutputError(f"refusing to write outside the output folder: {path}", path=origin)
            )
            return
        if path in self.files or path in self.kept:
            self.errors.append(
                OutputError(
                    f"{path} would be written twice: by {self.origin[path]} and by {origin}",
                    path=origin,
                    hint="change a slug or the permalink pattern so that they differ",
                )
            )
            return
        self.files[path] = data
        self.origin[path] = origin


#: Builds a page's template context when (and only if) the page is rendered.
Context = Callable[[], dict[str, Any]]


def make_environment(theme: Theme) -> jinja2.Environment:
    """A Jinja environment over the theme's folders, strict and autoescaping everything."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in theme.template_dirs]),
        # Every template, .xml included: a title with "<" must never become markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        # One environment serves one build: no need to stat every template per page.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def paginate(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Split into pages of ``size``; an empty list still has one (empty) page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def page_path(first: str, number: int) -> str:
    """Site path of page ``number`` of a list whose first page is at ``first``."""
    return first if number == 1 else f"{first}page/{number}/"


class Renderer:
    """Renders templates, turning their failures into located TemplateErrors."""

    def __init__(
        self,
        env: jinja2.Environment,
        theme: Theme,
        output: Output,
        shard: tuple[int, int] = (0, 1),
        known: Mapping[PurePosixPath, str] | None = None,
    ) -> None:
        self.known = known or {}
        self.env = env
        self.theme_dirs = [p.resolve() for p in theme.template_dirs]
        self.output = output
        self.shard, self.shards = shard
        self.laid_out: dict[PurePosixPath, str] = {}

    def page(self, template: str, site_path: str, origin: str, context: Context) -> None:
        file = output_file(site_path)
        number = len(self.laid_out)
        if file in self.laid_out:
            if self.shard == 0:
                self.output.errors.append(
                    OutputError(
                        f"{file} would be written twice: by {self.laid_out[file]} and by {origin}",
                        path=origin,
                        hint="change a slug or the permalink pattern so that they differ",
                    )
                )
            return
        self.laid_out[file] = origin
        if number % self.shards != self.shard:
            return  # another process renders this one
        try:
            values = context()
            digest = page_digest(template, values)
            self.output.digests[file] = digest
            if self.known.get(file) == digest:
                self.output.kept.add(file)  # same template, same inputs: same page
                return
            html = self.env.get_template(template).render(**values)
        except jinja2.TemplateSyntaxError as exc:
            self.output.errors.append(
                TemplateError(
                    f"template syntax: {exc.message}",
                    path=exc.filename or exc.name,
                    line=exc.lineno,
                )
            )
            return
        except jinja2.TemplateNotFound as exc:
            self._report(
                TemplateError(
                    f"template {exc.name!r} not found in the theme",
                    hint="searched " + ", ".join(map(str, self.theme_dirs)),
                )
            )
            return
        except Exception as exc:  # noqa: BLE001 - any error raised inside a theme template
            self._report(self._runtime_error(exc, template, origin))
            return
        self.output.add(file, html.encode("utf-8"), origin)

    def _report(self, error: SiteError) -> None:
        self.output.report(error)

    def _runtime_error(self, exc: Exception, template: str, origin: str) -> SiteError:
        """Locate the failing template line from the traceback's last frame in the theme."""
        where: tuple[str, int] | None = None
        for frame in traceback.extract_tb(sys.exc_info()[2]):
            file = Path(frame.filename)
            if any(file.is_relative_to(d) for d in self.theme_dirs) and frame.lineno:
                where = (frame.filename, frame.lineno)
        message = (
            str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
        )
        if where is None:
            raise exc  # not the theme's fault: a bug in briefing, show the traceback
        return TemplateError(
            f"{message} (while rendering {origin})",
            path=where[0],
            line=where[1],
            hint="check the variable names this template uses",
        )


def page_digest(template: str, context: Mapping[str, Any]) -> str:
    """A digest of everything a page is made from besides the theme, which the cache
    key covers: views are plain data, so their JSON is their whole content."""
    text = json.dumps([template, context], ensure_ascii=False, default=str, check_circular=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def render_site(
    site: Site,
    theme: Theme,
    env: jinja2.Environment | None = None,
    shard: tuple[int, int] = (0, 1),
    known: Mapping[PurePosixPath, str] | None = None,
) -> Output:
    """Every HTML page of the site by output path, or one shard of them.

    With ``shard=(i, n)`` only every n-th page from the i-th is rendered, so that n
    processes can share the work; every shard still lays out all pages, and shard 0
    reports pages that would share a path.
    """
    config = site.config
    views = Views(site)
    output = Output()
    renderer = Renderer(env or make_environment(theme), theme, output, shard, known)
    common: dict[str, Any] = {"site": views.site_view()}

    def page(template: str, site_path: str, origin: str, context: Context) -> None:
        def full() -> dict[str, Any]:
            return {
                "page_url": views.href(site_path),
                "canonical": views.absolute(site_path) if site_path != "404.html" else None,
                **common,
                **context(),
            }

        renderer.page(template, site_path, origin, full)

    def listing(
        template: str, first: str, origin: str, entries: Sequence[Item], extra: Context
    ) -> None:
        pages = paginate(entries, config.paginate)
        for number, chunk in enumerate(pages, start=1):
            page(
                template,
                page_path(first, number),
                origin,
                lambda chunk=chunk, number=number: {  # type: ignore[misc]
                    "items": views.items(chunk),
                    "pagination": _pagination(first, number, len(pages), views.href),
                    **extra(),
                },
            )

    latest = site.editions[-1] if site.editions else None
    page(
        "index.html",
        "",
        "the front page",
        lambda: {
            "edition": views.edition(latest) if latest else None,
            "recent": [
                views.edition_link(e) for e in reversed(site.editions[-RECENT_EDITIONS - 1 : -1])
            ],
        },
    )
    for edition in site.editions:
        page(
            "edition.html",
            edition.url,
            f"edition {edition.date}",
            lambda edition=edition: {"edition": views.edition(edition)},  # type: ignore[misc]
        )
    page(
        "archive.html",
        "archive/",
        "the archive",
        lambda: {"years": views.archive(), "edition_count": len(site.editions)},
    )
    listing("items.html", "items/", "the list of all items", site.items, dict)
    for index, item in enumerate(site.items):
        newer = site.items[index - 1] if index > 0 else None
        older = site.items[index + 1] if index + 1 < len(site.items) else None
        page(
            "item.html",
            item.url,
            item.path,
            lambda item=item, newer=newer, older=older: {  # type: ignore[misc]
                "item": views.item(item),
                "newer": _neighbour(newer, views),
                "older": _neighbour(older, views),
            },
        )
    page(
        "tags.html",
        "tags/",
        "the tag index",
        lambda: {"tags": [views.tag(group.tag, len(group.items)) for group in site.tags]},
    )
    for group in site.tags:
        listing(
            "tag.html",
            group.tag.url,
            f"the page of tag '{group.tag.name}'",
            group.items,
            lambda group=group: {"tag": views.tag(group.tag, len(group.items))},  # type: ignore[misc]
        )
    page(
        "sources.html",
        "sources/",
        "the sources index",
        lambda: {
            "publishers": [views.publisher(g.publisher, len(g.items)) for g in site.publishers]
        },
    )
    for cited in site.publishers:
        listing(
            "source.html",
            cited.publisher.url,
            f"the page of source '{cited.publisher.name}'",
            cited.items,
            lambda cited=cited: {  # type: ignore[misc]
                "publisher": views.publisher(cited.publisher, len(cited.items))
            },
        )
    page("404.html", "404.html", "the 404 page", dict)
    return output


#: Editions linked from the front page below the latest one.
RECENT_EDITIONS = 10


def _neighbour(item: Item | None, views: Views) -> View | None:
    return None if item is None else {"title": item.title, "url": views.href(item.url)}


def _pagination(first: str, number: int, total: int, href: Callable[[str], str]) -> View:
    return {
        "number": number,
        "total": total,
        "previous": href(page_path(first, number - 1)) if number > 1 else None,
        "next": href(page_path(first, number + 1)) if number < total else None,
    }
