"""Render an item's Markdown body to HTML with markdown-it-py.

CommonMark plus tables, strikethrough, footnotes and heading anchors. Raw HTML
is escaped unless the site opts in, and links whose scheme could run code
(javascript:, vbscript:, data:, file:) are left as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.models import Link, Rendered
from generator.urls import is_safe_link, slugify


@cache
def _markdown(raw_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    # markdown-it lets data:image/... through; an item never needs it, and
    # refusing every data: URL keeps the rule simple to state.
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    return md


def render(body: str, *, body_line: int = 1, raw_html: bool = False, doc_id: str = "") -> Rendered:
    """Render ``body``; ``body_line`` is its first line in the file, for link positions.

    ``doc_id`` prefixes footnote ids so that several items can share one page.
    """
    md = _markdown(raw_html)
    env: dict[str, object] = {"docId": doc_id} if doc_id else {}
    tokens = md.parse(body, env)
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(
        html=html,
        first_paragraph=_first_paragraph(tokens),
        links=tuple(_links(tokens, body, body_line)),
        words=len(body.split()),
    )


def _first_paragraph(tokens: Sequence[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            return plain_text(tokens[index + 1].children or [])
    return ""


def plain_text(children: Sequence[Token]) -> str:
    """The reader-visible text of inline tokens: markup dropped, breaks as spaces."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    return " ".join("".join(parts).split())


def _links(tokens: Sequence[Token], body: str, body_line: int) -> list[Link]:
    """Every link and image, placed at the line and column where its URL is written."""
    lines = body.split("\n")
    found: list[Link] = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        first, last = token.map if token.map else (0, 0)
        cursor = (first, 0)
        breaks = 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif child.type in ("link_open", "image"):
                url = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
                at = _find(lines, url, cursor, last)
                if at is None:  # written in a form markdown-it rewrote; the line is close
                    found.append(Link(url, body_line + first + breaks, None))
                else:
                    found.append(Link(url, body_line + at[0], at[1] + 1))
                    cursor = (at[0], at[1] + 1)
    return found


def _find(lines: list[str], url: str, start: tuple[int, int], end: int) -> tuple[int, int] | None:
    """The first place at or after ``start`` (before line ``end``) where ``url`` is written."""
    spellings = dict.fromkeys((url, unquote(url)))
    line, col = start
    while line < max(end, line + 1) and line < len(lines):
        hits = [lines[line].find(s, col) for s in spellings]
        hits = [h for h in hits if h >= 0]
        if hits:
            return line, min(hits)
        line, col = line + 1, 0
    return None
