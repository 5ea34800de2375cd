"""Render pages through the theme's Jinja2 templates, turning failures into located errors."""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from generator.errors import SiteError, TemplateError
from generator.project.theme import ThemeFiles
from generator.render.views import View
from generator.render.words import WordError
from generator.text.lines import wrap

#: A page's template context, built when (and only if) the page is rendered.
Context = Callable[[], dict[str, Any]]


def make_environment(theme: ThemeFiles) -> jinja2.Environment:
    """A Jinja environment over the theme's files as read, strict and autoescaping everything."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        file = theme.templates.get(name)
        if file is None:
            return None
        try:
            text = file.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise jinja2.TemplateSyntaxError(
                f"not UTF-8 text (byte {exc.start})", 1, name, str(file.path)
            ) from None
        # The files were read once for this build; nothing reads them again.
        return text, str(file.path), lambda: True

    # A sandbox: a theme comes from whoever sends a pull request, and the build runs
    # where a deploy's tokens are. Templates read the views they are given; Python's
    # internals ({{ cycler.__init__.__globals__.os }}), and changing what they are
    # given, are refused (a SecurityError, reported at the template's line).
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FunctionLoader(load),
        # Every template, .xml included: a title with "<" must never become markup.
        # Plain text (email.txt) alone is not markup, and is given no HTML to show.
        autoescape=_escaped,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wrap"] = wrap
    return fresh(env)


def _escaped(name: str | None) -> bool:
    return not (name or "").endswith(".txt")


def fresh(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` ready for another build: its compiled templates kept, its reused HTML not
    (a card made for the last build may show what has changed since)."""
    env.globals["reuse"] = _reuser()
    return env


def first_of_each(errors: Iterable[SiteError]) -> list[SiteError]:
    """One error per template and line: a broken item.html must not yield 10,000 errors."""
    seen: set[tuple[str | None, int | None, str]] = set()
    kept = []
    for error in errors:
        key = (error.path, error.line, error.message.split(" (while rendering")[0])
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


def _reuser() -> Callable[..., Markup]:
    """``reuse(macro, view, ...)``: a macro's HTML for one view, made once per build.

    A summary card appears on the list of all items, on each of its tags' pages and
    on its sources' pages; rendering it once and reusing the HTML is the largest
    saving of a cold build (Hugo's ``partialCached`` does the same).
    """
    # By the macro's template file and name, and the view object itself: views of one
    # item are made once per build and kept, so the same card is the same object.
    made: dict[tuple[str, str, int, tuple[Any, ...]], tuple[View, Markup]] = {}

    def reuse(macro: Any, view: View, *args: Any) -> Markup:
        key = (macro._func.__code__.co_filename, str(macro.name), id(view), args)
        found = made.get(key)
        if found is None:
            # The view is kept with its HTML, so its id cannot be taken by another.
            found = made[key] = (view, Markup(macro(view, *args)))
        return found[1]

    return reuse


def paginate(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Split into pages of ``size``; an empty list still has one (empty) page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def page_path(first: str, number: int) -> str:
    """Site path of page ``number`` of a list whose first page is at ``first``."""
    return first if number == 1 else f"{first}page/{number}/"


#: A tag that pulls in another template: {% extends "base.html" %}, include, import, from.
_USES = re.compile(r"\{%[-+]?\s*(extends|include|import|from)\b(.*?)[-+]?%\}", re.S)
#: What may follow the template's name in those tags: nothing that picks another name.
_NAMED = re.compile(
    r"""\s*(["'])([^"']*)\1\s*(?:ignore\s+missing\s*)?"""
    r"""(?:(?:with|without)\s+context\s*|as\s+\w+\s*|import\s+[\w\s,]+)?$"""
)


def template_uses(templates: Mapping[str, str], name: str) -> frozenset[str] | None:
    """Every template ``name`` extends, includes or imports, itself included, by name.

    Read from the tags themselves rather than by compiling: a build asks this of
    every template, every time. None when a tag names its template by anything but
    one quoted name (``{% include page.layout %}``, ``"a" ~ kind``, ``... if x else``):
    then the page may use any template.
    """
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for tag in _USES.finditer(templates.get(current, "")):
            named = _NAMED.match(tag.group(2))
            if named is None:
                return None
            todo.append(named.group(2))
    return frozenset(seen)


class Renderer:
    """Renders templates; collects their failures, once per template line."""

    def __init__(self, env: jinja2.Environment, theme: ThemeFiles) -> None:
        self.env = env
        self.theme_files = {str(f.path) for f in theme.templates.values()}
        self.errors: list[SiteError] = []

    def render(self, template: str, origin: str, context: Context) -> bytes | None:
        """The page's bytes, or None after recording why it failed."""
        try:
            return self.env.get_template(template).render(**context()).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            self._report(
                TemplateError(
                    f"template syntax: {exc.message}",
                    path=exc.filename or exc.name,
                    line=exc.lineno,
                )
            )
        except jinja2.TemplateNotFound as exc:
            self._report(TemplateError(f"template {exc.name!r} not found in the theme"))
        except Exception as exc:  # noqa: BLE001 - any error raised inside a theme template
            self._report(self._runtime_error(exc, origin))
        return None

    def _report(self, error: SiteError) -> None:
        self.errors = first_of_each([*self.errors, error])

    def _runtime_error(self, exc: Exception, origin: str) -> SiteError:
        """Locate the failing template line from the traceback's last frame in the theme."""
        where: tuple[str, int] | None = None
        for frame in traceback.extract_tb(sys.exc_info()[2]):
            if frame.filename in self.theme_files and frame.lineno:
                where = (frame.filename, frame.lineno)
        message = (
            str(exc)
            if isinstance(exc, jinja2.UndefinedError | WordError)
            else f"{type(exc).__name__}: {exc}"
        )
        if isinstance(exc, WordError):
            hint = exc.hint
        elif isinstance(exc, SecurityError):
            hint = (
                "templates run in a sandbox: they may read the values a page is given (see "
                "the theme's README), not Python's internals, and may not change them"
            )
        else:
            hint = "check the variable names this template uses"
        if where is None:
            raise exc  # not the theme's fault: a bug in briefing, show the traceback
        return TemplateError(
            f"{message} (while rendering {origin})", path=Path(where[0]), line=where[1], hint=hint
        )
