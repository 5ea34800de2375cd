"""render: which templates a template uses, located template errors, and reused macro HTML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from generator.errors import TemplateError
from generator.project.theme import ThemeFile, ThemeFiles, builtin_theme_dir
from generator.render.templates import (
    Renderer,
    make_environment,
    page_path,
    paginate,
    template_uses,
)
from generator.render.views import View


def theme_in(folder: Path, templates: Mapping[str, str | bytes]) -> ThemeFiles:
    """A theme whose templates are real files in ``folder``."""
    files = {}
    for name, text in templates.items():
        path = folder / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        path.write_bytes(data)
        files[name] = ThemeFile(path, data)
    return ThemeFiles(files, {})


def context(**values: Any) -> Callable[[], dict[str, Any]]:
    return lambda: values


# 1. template_uses --------------------------------------------------------------------------------

TEMPLATES = {
    "page.html": '{% extends "base.html" %}\n{% from "_macros.html" import card %}\n',
    "base.html": "<html>{% include 'header.html' %}{% block main %}{% endblock %}</html>",
    "header.html": '{%- import "_nav.html" as nav -%}<header></header>',
    "_macros.html": "{% macro card(v) %}{{ v.title }}{% endmacro %}",
    "_nav.html": "<nav></nav>",
    "alone.html": "<p>{{ title }}</p>",
    "loop-a.html": '{% include "loop-b.html" %}',
    "loop-b.html": '{% include "loop-a.html" %}',
    "self.html": '{% include "self.html" %}',
    "computed.html": "{% include page.layout %}",
    "extends-computed.html": "{% extends layout %}",
    "uses-computed.html": '{% extends "base.html" %}{% include "computed.html" %}',
    "missing.html": '{% include "nowhere.html" %}',
    "spaced.html": '{%   include\n   "alone.html"   %}',
}


@pytest.mark.parametrize(
    ("name", "uses"),
    [
        ("alone.html", {"alone.html"}),
        ("_nav.html", {"_nav.html"}),
        ("header.html", {"header.html", "_nav.html"}),
        ("base.html", {"base.html", "header.html", "_nav.html"}),
        # extends, from ... import, and what those use in turn.
        ("page.html", {"page.html", "base.html", "header.html", "_nav.html", "_macros.html"}),
        # Cycles end.
        ("loop-a.html", {"loop-a.html", "loop-b.html"}),
        ("self.html", {"self.html"}),
        # A name the theme lacks is still a name the page depends on.
        ("missing.html", {"missing.html", "nowhere.html"}),
        ("spaced.html", {"spaced.html", "alone.html"}),
        # Not a template of the theme: nothing but itself.
        ("unknown.html", {"unknown.html"}),
        # A name computed when rendering: it may use any template.
        ("computed.html", None),
        ("extends-computed.html", None),
        ("uses-computed.html", None),
    ],
)
def test_template_uses(name: str, uses: set[str] | None) -> None:
    found = template_uses(TEMPLATES, name)
    assert found == (frozenset(uses) if uses is not None else None)


# Jinja's "+" keeps the whitespace before a tag when lstrip_blocks is on, as it is here.
def test_template_uses_sees_a_tag_written_with_a_plus() -> None:
    templates = {"a.html": '{%+ include "b.html" %}', "b.html": "B"}
    assert template_uses(templates, "a.html") == frozenset({"a.html", "b.html"})


@pytest.mark.parametrize(
    "text",
    [
        '{% include "cards/" ~ kind ~ ".html" %}',
        '{% include "b.html" if wide else "c.html" %}',
        '{% extends "b.html" if wide else "c.html" %}',
        '{% include ["b.html", "c.html"] %}',
    ],
)
def test_template_uses_never_misses_a_template_picked_when_rendering(text: str) -> None:
    templates = {"a.html": text, "b.html": "B", "c.html": "C", "cards/x.html": "X"}
    found = template_uses(templates, "a.html")
    # Either "any template" or every template the expression can pick.
    assert found is None or {"b.html", "c.html"} <= found, found


def test_template_uses_of_the_default_theme() -> None:
    folder = builtin_theme_dir() / "templates"
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    uses = template_uses(texts, "item.html")
    assert uses == frozenset({"item.html", "base.html", "_macros.html"})
    assert template_uses(texts, "404.html") == frozenset({"404.html", "base.html"})


# 2. Renderer -------------------------------------------------------------------------------------


def test_a_page_renders_to_escaped_utf8_bytes(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"page.html": "<h1>{{ title }}</h1>\n{{ body }}"})
    renderer = Renderer(make_environment(theme), theme)
    data = renderer.render(
        "page.html", "content/a.md", context(title="Tom & <Jerry> — ok", body=Markup("<p>x</p>"))
    )
    assert data == "<h1>Tom &amp; &lt;Jerry&gt; — ok</h1>\n<p>x</p>".encode()
    assert renderer.errors == []


def test_an_undefined_name_is_reported_once_per_template_line(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"page.html": "<p>\n{{ title }}\n{{ missing }}\n</p>\n"})
    renderer = Renderer(make_environment(theme), theme)
    for origin in ("content/a.md", "content/b.md", "content/c.md"):
        assert renderer.render("page.html", origin, context(title="T")) is None
    assert [(type(e), e.message, e.path, e.line, e.hint) for e in renderer.errors] == [
        (
            TemplateError,
            "'missing' is undefined (while rendering content/a.md)",
            str(tmp_path / "templates/page.html"),
            3,
            "check the variable names this template uses",
        )
    ]
    assert str(renderer.errors[0]) == (
        f"{tmp_path / 'templates/page.html'}:3: 'missing' is undefined "
        "(while rendering content/a.md); check the variable names this template uses"
    )


def test_errors_on_different_lines_are_each_reported(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"page.html": "{% if first %}{{ a }}{% else %}\n{{ b }}{% endif %}"})
    renderer = Renderer(make_environment(theme), theme)
    for origin, first in (("one", True), ("two", False), ("three", True), ("four", False)):
        assert renderer.render("page.html", origin, context(first=first)) is None
    assert [(e.message, e.line) for e in renderer.errors] == [
        ("'a' is undefined (while rendering one)", 1),
        ("'b' is undefined (while rendering two)", 2),
    ]


def test_an_error_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    theme = theme_in(
        tmp_path,
        {
            "page.html": 'x\n{% include "part.html" %}\n',
            "other.html": '{% include "part.html" %}',
            "part.html": "p\n\n{{ nope.attr }}\n",
        },
    )
    renderer = Renderer(make_environment(theme), theme)
    assert renderer.render("page.html", "the front page", context()) is None
    assert renderer.render("other.html", "the archive", context()) is None
    assert [(e.message, e.path, e.line) for e in renderer.errors] == [
        (
            "'nope' is undefined (while rendering the front page)",
            str(tmp_path / "templates/part.html"),
            3,
        )
    ]


@pytest.mark.parametrize(
    ("text", "values", "message", "line"),
    [
        ("{{ 1 // zero }}", {"zero": 0},
         "ZeroDivisionError: integer division or modulo by zero", 1),
        ("\n{{ view.nothing }}", {"view": View(title="x")},
         "'generator.render.views.View object' has no attribute 'nothing'", 2),
        ("\n\n{{ items[3] }}", {"items": []}, "list object has no element 3", 3),
    ],
)  # fmt: skip
def test_a_runtime_error_in_a_template_is_located(
    tmp_path: Path, text: str, values: dict[str, Any], message: str, line: int
) -> None:
    theme = theme_in(tmp_path, {"page.html": text})
    renderer = Renderer(make_environment(theme), theme)
    assert renderer.render("page.html", "content/a.md", context(**values)) is None
    assert [(e.message, e.path, e.line) for e in renderer.errors] == [
        (f"{message} (while rendering content/a.md)", str(tmp_path / "templates/page.html"), line)
    ]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a\n{% if %}\n",
         "template syntax: Expected an expression, got 'end of statement block'", 2),
        ("{% for x in y %}\n", "template syntax: Unexpected end of template. Jinja was looking for "
         "the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is "
         "'for'.", 1),
        (b"ok\n\xff", "template syntax: not UTF-8 text (byte 3)", 1),
    ],
)  # fmt: skip
def test_a_broken_template_is_reported_once_with_its_path_and_line(
    tmp_path: Path, text: str | bytes, message: str, line: int
) -> None:
    theme = theme_in(tmp_path, {"page.html": text})
    renderer = Renderer(make_environment(theme), theme)
    for origin in ("content/a.md", "content/b.md"):
        assert renderer.render("page.html", origin, context()) is None
    assert [(type(e), e.message, e.path, e.line) for e in renderer.errors] == [
        (TemplateError, message, str(tmp_path / "templates/page.html"), line)
    ]


@pytest.mark.parametrize(
    ("template", "missing"), [("gone.html", "gone.html"), ("page.html", "part.html")]
)
def test_a_missing_template_is_reported_once(tmp_path: Path, template: str, missing: str) -> None:
    theme = theme_in(tmp_path, {"page.html": '{% include "part.html" %}'})
    renderer = Renderer(make_environment(theme), theme)
    for origin in ("content/a.md", "content/b.md"):
        assert renderer.render(template, origin, context()) is None
    assert [(type(e), e.message) for e in renderer.errors] == [
        (TemplateError, f"template {missing!r} not found in the theme")
    ]


def test_a_failure_outside_the_theme_is_a_bug_with_its_traceback(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"page.html": "{{ title }}"})
    renderer = Renderer(make_environment(theme), theme)

    def broken() -> dict[str, Any]:
        raise RuntimeError("a bug in briefing")

    with pytest.raises(RuntimeError, match="a bug in briefing"):
        renderer.render("page.html", "content/a.md", broken)
    assert renderer.errors == []


# 3. reuse ----------------------------------------------------------------------------------------

CARDS = (
    "{% macro card(v) %}[{{ made() }}:{{ v.title }}]{% endmacro %}"
    "{% for v in views %}{{ reuse(card, v) }}{% endfor %}"
)


def counting_environment(theme: ThemeFiles) -> tuple[Any, list[str]]:
    env = make_environment(theme)
    calls: list[str] = []

    def made() -> int:
        calls.append("made")
        return len(calls)

    env.globals["made"] = made
    return env, calls


def test_reuse_renders_a_macro_once_per_view(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"list.html": CARDS})
    env, calls = counting_environment(theme)
    renderer = Renderer(env, theme)
    a, b = View(url="/a/", title="A"), View(url="/b/", title="B")
    first = renderer.render("list.html", "items", context(views=[a, b, a]))
    assert first == b"[1:A][2:B][1:A]"
    # Another page of the same build: the same HTML, not rendered again.
    again = renderer.render("list.html", "tags", context(views=[b, a]))
    assert again == b"[2:B][1:A]"
    assert len(calls) == 2
    # Another view of the same page (an edition's, say) may show other fields: made anew.
    other = renderer.render("list.html", "tags", context(views=[View(url="/b/", title="B!")]))
    assert other == b"[3:B!]"


def test_reuse_keeps_macro_html_apart_by_arguments(tmp_path: Path) -> None:
    theme = theme_in(
        tmp_path,
        {
            "list.html": "{% macro card(v, level) %}<h{{ level }}>{{ v.title }}</h{{ level }}>"
            "{% endmacro %}{{ reuse(card, v, 2) }}{{ reuse(card, v, 3) }}{{ reuse(card, v, 2) }}"
        },
    )
    renderer = Renderer(make_environment(theme), theme)
    assert renderer.render("list.html", "x", context(v=View(url="/a/", title="A"))) == (
        b"<h2>A</h2><h3>A</h3><h2>A</h2>"
    )


def test_reuse_starts_afresh_in_each_build(tmp_path: Path) -> None:
    theme = theme_in(tmp_path, {"list.html": CARDS})
    views = [View(url="/a/", title="A")]
    first_env, first_calls = counting_environment(theme)
    second_env, second_calls = counting_environment(theme)
    assert Renderer(first_env, theme).render("list.html", "x", context(views=views)) == b"[1:A]"
    views = [View(url="/a/", title="A, renamed")]
    assert Renderer(second_env, theme).render("list.html", "x", context(views=views)) == (
        b"[1:A, renamed]"
    )
    assert (len(first_calls), len(second_calls)) == (1, 1)


def test_reuse_keeps_apart_macros_of_one_name_in_different_templates(tmp_path: Path) -> None:
    theme = theme_in(
        tmp_path,
        {
            "_cards.html": "{% macro card(v) %}<article>{{ v.title }}</article>{% endmacro %}",
            "_links.html": '{% macro card(v) %}<a href="{{ v.url }}">{{ v.title }}</a>'
            "{% endmacro %}",
            "items.html": '{% from "_cards.html" import card %}{{ reuse(card, v) }}',
            "tags.html": '{% from "_links.html" import card %}{{ reuse(card, v) }}',
        },
    )
    renderer = Renderer(make_environment(theme), theme)
    view = View(url="/a/", title="A")
    assert renderer.render("items.html", "items", context(v=view)) == b"<article>A</article>"
    assert renderer.render("tags.html", "tags", context(v=view)) == b'<a href="/a/">A</a>'


# 4. Pagination -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "size", "pages"),
    [
        ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
        ([1, 2], 2, [[1, 2]]),
        ([1], 10, [[1]]),
        ([], 10, [[]]),
    ],
)
def test_paginate(items: list[int], size: int, pages: list[list[int]]) -> None:
    assert paginate(items, size) == pages


@pytest.mark.parametrize(
    ("first", "number", "path"),
    [("items/", 1, "items/"), ("items/", 2, "items/page/2/"), ("", 3, "page/3/")],
)
def test_page_path(first: str, number: int, path: str) -> None:
    assert page_path(first, number) == path
