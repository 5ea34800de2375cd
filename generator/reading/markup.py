"""Render an item's Markdown body to HTML with markdown-it-py.

CommonMark plus tables, strikethrough, footnotes and heading anchors. Raw HTML
is escaped unless the site opts in, and links whose scheme could run code
(javascript:, vbscript:, data:, file:) are left as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.errors import BuildFailed, ContentError
from generator.model.records import Link, Rendered
from generator.text.urls import is_safe_link, slugify

#: How deep blockquotes and lists may nest. markdown-it's CommonMark preset stops at
#: 20 and drops what lies deeper without a word; a pasted e-mail thread quotes that
#: deep. 100 stays far inside Python's recursion limit (tests/reading/test_markup.py).
MAX_NESTING = 100


@cache
def _markdown(raw_html: bool) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": raw_html, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    # markdown-it lets data:image/... through; an item never needs it, and
    # refusing every data: URL keeps the rule simple to state.
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    return md


def render(
    body: str, *, body_line: int = 1, raw_html: bool = False, doc_id: str = "", path: str = ""
) -> Rendered:
    """Render ``body``; ``body_line`` is its first line in the file, for link positions.

    ``doc_id`` prefixes footnote ids so that several items can share one page. Raises
    BuildFailed, naming ``path``, for text that Markdown would drop.
    """
    env: dict[str, object] = {"docId": doc_id} if doc_id else {}
    more: int | None = None
    words = body
    if "<!--" in body:  # most bodies have no comment: no second look for them
        tokens, more, unclosed = _without_comments(body, raw_html, env)
        if unclosed is not None:
            raise BuildFailed([_unclosed(path, body_line + unclosed)])
        words = _COMMENT.sub(" ", body)
    else:
        tokens = _markdown(raw_html).parse(body, env)
    dropped = _dropped_by_depth(tokens, body)
    if dropped is not None:
        raise BuildFailed([_too_deep(path, body_line + dropped)])
    md = _markdown(raw_html)
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(
        html=html,
        first_paragraph=_first_paragraph(tokens) if more is None else _before(tokens, more),
        links=tuple(_links(tokens, body, body_line)),
        words=len(words.split()),
    )


#: A line of nothing but blockquote and list markers.
_MARKERS_ONLY = re.compile(r"[\s>*+\-\d.)]*")


def _dropped_by_depth(tokens: Sequence[Token], body: str) -> int | None:
    """The 0-based line of the first container whose text markdown-it dropped because it
    nests deeper than MAX_NESTING: it has it open and close at once, with text between."""
    lines = body.split("\n")
    for index, token in enumerate(tokens):
        if token.nesting != 1 or token.level < MAX_NESTING - 1 or not token.map:
            continue
        if tokens[index + 1].nesting == -1:
            first, last = token.map
            if not all(_MARKERS_ONLY.fullmatch(line) for line in lines[first:last]):
                return first
    return None


def _too_deep(path: str, line: int) -> ContentError:
    return ContentError(
        f"blockquotes and lists nest more than {MAX_NESTING} levels deep here, and Markdown "
        "would drop the text inside the deepest ones",
        path=path,
        line=line,
        hint="flatten the quoting (quote only the message that matters) or the list",
    )


#: The excerpt separator of Jekyll, Hugo and WordPress: the summary ends here.
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
#: An HTML comment as CommonMark 0.31 reads one (``<!-->`` and ``<!--->`` included).
_COMMENT = re.compile(r"<!--(?:-?>|.*?-->)", re.DOTALL)


def _without_comments(
    body: str, raw_html: bool, env: dict[str, object]
) -> tuple[list[Token], int | None, int | None]:
    """``body``'s tokens with every HTML comment taken out, and nothing else; the line
    of ``<!--more-->``; the line of a comment that is never closed (else None).

    Comments are notes to editors, never text for readers. markdown-it finds them (so
    that a comment in code stays) when it reads raw HTML, so the body is read that way
    and what is not a comment is then treated as the site says: HTML blocks are read
    again as Markdown with raw HTML off, and inline tags become text. Only the comment
    goes: the words beside it on its line stay, and a block of nothing but a comment
    still ends the list before it, as CommonMark says (its examples 177, 308 and 309).
    """
    tokens: list[Token] = []
    more = None
    for token in _markdown(True).parse(body, env):
        first = token.map[0] if token.map else 0
        if token.type == "html_block":
            if (at := _unclosed_at(token.content)) is not None:
                return tokens, more, first + token.content.count("\n", 0, at)
            rest = _COMMENT.sub("", token.content)
            if more is None and _MORE.fullmatch(token.content.strip()):
                more = first
            if not rest.strip():
                continue
            if raw_html:
                token.content = rest
                tokens.append(token)
            else:
                tokens += _reparsed(rest, first, token.level, env)
        elif token.type == "inline" and token.children:
            children, unclosed = _inline_without_comments(token.children, raw_html)
            # A "<!--" left as text is an unclosed comment, unless it was written as
            # &lt;!-- or \<!-- (markdown-it has made those text by now, too).
            if unclosed is not None and _unclosed_at(token.content) is not None:
                return tokens, more, first + unclosed
            token.children = children
            tokens.append(token)
        else:
            tokens.append(token)
    return tokens, more, None


def _reparsed(text: str, first: int, level: int, env: dict[str, object]) -> list[Token]:
    """An HTML block's text read as Markdown with raw HTML off, placed at line ``first``
    and nesting ``level`` (the footnotes it names are left to the body around it)."""
    found = _markdown(False).parse(text, {k: v for k, v in env.items() if k == "docId"})
    for token in found:
        token.level += level
        if token.map:
            token.map = [token.map[0] + first, token.map[1] + first]
    return found


def _inline_without_comments(
    children: list[Token], raw_html: bool
) -> tuple[list[Token], int | None]:
    """Inline tokens without comments, tags as text unless raw HTML is on; the line
    (counted from the paragraph's first) of a ``<!--`` never closed, else None."""
    kept: list[Token] = []
    breaks = 0
    unclosed = None
    removed = False
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
        elif child.type == "text" and "<!--" in child.content and unclosed is None:
            unclosed = breaks
        elif child.type == "html_inline":
            if child.content.startswith("<!--"):
                removed = True
                continue
            if not raw_html:
                child = Token("text", "", 0, content=child.content)
        kept.append(child)
    if removed:  # the spaces before a comment that ended a line end it now: no space
        for index, child in enumerate(kept):
            ends_line = index + 1 == len(kept) or kept[index + 1].type == "softbreak"
            if child.type == "text" and ends_line:
                child.content = child.content.rstrip(" ")
    return kept, unclosed


def _unclosed_at(text: str) -> int | None:
    """Where in ``text`` a ``<!--`` starts that no ``-->`` closes (one written after a
    backslash is no comment), else None."""
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        if start > 0 and text[start - 1] == "\\":
            at = start + 4
        elif (comment := _COMMENT.match(text, start)) is None:
            return start
        else:
            at = comment.end()
    return None


def _unclosed(path: str, line: int) -> ContentError:
    return ContentError(
        "an HTML comment starts here and is never closed: every word after it would be "
        "left out of the page",
        path=path,
        line=line,
        hint="end the comment with -->, or write &lt;!-- to show the characters",
    )


def _before(tokens: Sequence[Token], line: int) -> str:
    """The text of the top-level paragraphs above ``line``: the summary <!--more--> marks."""
    parts = [
        plain_text(tokens[index + 1].children or [])
        for index, token in enumerate(tokens)
        if token.type == "paragraph_open" and token.level == 0 and (token.map or [line])[0] < line
    ]
    return " ".join(part for part in parts if part)


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
                image = child.type == "image"
                url = str(child.attrs.get("src" if image else "href", ""))
                alt = plain_text(child.children or []) if image else None
                at = _find(lines, url, cursor, last)
                if at is None:  # written in a form markdown-it rewrote; the line is close
                    found.append(Link(url, body_line + first + breaks, None, alt))
                else:
                    found.append(Link(url, body_line + at[0], at[1] + 1, alt))
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
