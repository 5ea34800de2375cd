"""HTML in an item's Markdown: comments taken out, a few harmless tags kept, the rest
shown as text (unless the site allows raw HTML), and what was shown as text noted.

markdown-it finds comments and tags as CommonMark does (never inside code) only when
it reads raw HTML, so a body holding any is read that way, and its tokens are then
made what the site asks for:

- Comments are notes to editors, never text for readers. Only the comment goes: the
  words beside it on its line stay, and a block of nothing but a comment still ends
  the list before it, as CommonMark says (its examples 177, 308 and 309).
- With raw HTML off, HTML blocks are read again as Markdown with raw HTML off (their
  tags become text), and inline tags become text, except ``SAFE_TAGS`` written bare
  (no attributes) and closed within their paragraph: ``<br>``, ``<sup>2</sup>``,
  ``<small>``... are how migrated posts write what Markdown cannot, carry no
  attribute that could run or load anything, and showing them as text would print
  markup in the middle of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: Inline tags kept with raw HTML off, when written without attributes and closed in
#: their paragraph (``br`` and ``wbr`` need no closing).
SAFE_TAGS = frozenset(
    {"b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "kbd",
     "code", "var", "samp", "cite", "q", "abbr", "br", "wbr"}
)  # fmt: skip
_VOID = frozenset({"br", "wbr"})
#: A tag with no attributes: ``<sup>``, ``</sup>``, ``<br>``, ``<br/>``, ``<br />``.
_BARE = re.compile(r"<(/?)([a-zA-Z]+)\s*(/?)>")
#: The excerpt separator of Jekyll, Hugo and WordPress: the summary ends here.
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
#: An HTML comment as CommonMark 0.31 reads one (``<!-->`` and ``<!--->`` included).
COMMENT = re.compile(r"<!--(?:-?>|.*?-->)", re.DOTALL)
#: The first tag of a run of HTML, to name it in a warning.
_TAG = re.compile(r"<[A-Za-z/][^>\n]*>?")


@dataclass
class HtmlRead:
    """A body read for its HTML."""

    tokens: list[Token] = field(default_factory=list)
    #: The line (from 0) of ``<!--more-->``, if any.
    more: int | None = None
    #: The line of a ``<!--`` that nothing closes, if any: the body is not read past it.
    unclosed: int | None = None
    #: Each tag shown as text, with its line (from 0): the editor is told.
    as_text: list[tuple[int, str]] = field(default_factory=list)


def read_html(body: str, raw_html: bool, env: dict[str, object], markdown: MarkdownIt,
              text_only: MarkdownIt) -> HtmlRead:  # fmt: skip
    """``body`` read by ``markdown`` (raw HTML on), its comments out and its other HTML
    as the site says; ``text_only`` reads HTML blocks again when raw HTML is off."""
    read = HtmlRead()
    for token in markdown.parse(body, env):
        first = token.map[0] if token.map else 0
        if token.type == "html_block":
            if (at := unclosed_at(token.content)) is not None:
                read.unclosed = first + token.content.count("\n", 0, at)
                return read
            if read.more is None and _MORE.fullmatch(token.content.strip()):
                read.more = first
            rest = COMMENT.sub("", token.content)
            if not rest.strip():
                continue
            if raw_html:
                token.content = rest
                read.tokens.append(token)
                continue
            if tag := _TAG.search(rest):
                read.as_text.append((first + rest.count("\n", 0, tag.start()), tag.group()))
            read.tokens += _reparsed(rest, first, token.level, env, text_only)
        elif token.type == "inline" and token.children:
            # A "<!--" left as text is an unclosed comment, unless it was written as
            # &lt;!-- or \<!-- (markdown-it has made those text by now, too).
            unclosed = _inline(token, raw_html, read)
            if unclosed is not None and unclosed_at(token.content) is not None:
                read.unclosed = first + unclosed
                return read
            read.tokens.append(token)
        else:
            read.tokens.append(token)
    return read


def _reparsed(text: str, first: int, level: int, env: dict[str, object],
              text_only: MarkdownIt) -> list[Token]:  # fmt: skip
    """An HTML block's text read as Markdown with raw HTML off, placed at line ``first``
    and nesting ``level`` (the footnotes it names are left to the body around it)."""
    found = text_only.parse(text, {k: v for k, v in env.items() if k == "docId"})
    for token in found:
        token.level += level
        if token.map:
            token.map = [token.map[0] + first, token.map[1] + first]
    return found


def _inline(token: Token, raw_html: bool, read: HtmlRead) -> int | None:
    """The inline ``token``'s children without comments, tags as text unless raw HTML is
    on or they are safe; the line (from the paragraph's first) of a ``<!--`` that is
    left as text, else None."""
    children = token.children or []
    keep = _safe_tags(children) if not raw_html else set()
    kept: list[Token] = []
    breaks = 0
    unclosed = None
    removed = False
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
        elif child.type == "text" and "<!--" in child.content and unclosed is None:
            unclosed = breaks
        elif child.type == "html_inline":
            if child.content.startswith("<!--"):
                removed = True
                continue
            if not raw_html and index not in keep:
                line = (token.map[0] if token.map else 0) + breaks
                read.as_text.append((line, child.content))
                child = Token("text", "", 0, content=child.content)
        kept.append(child)
    if removed:  # the spaces before a comment that ended a line end it now: no space
        for index, child in enumerate(kept):
            ends_line = index + 1 == len(kept) or kept[index + 1].type == "softbreak"
            if child.type == "text" and ends_line:
                child.content = child.content.rstrip(" ")
    token.children = kept
    return unclosed


def _safe_tags(children: list[Token]) -> set[int]:
    """The places of the inline tags that may stay HTML: safe, bare, and each opening
    tag closed by its own closing tag, nested properly, in this paragraph."""
    keep: set[int] = set()
    open_tags: list[tuple[str, int]] = []
    for index, child in enumerate(children):
        if child.type != "html_inline":
            continue
        bare = _BARE.fullmatch(child.content)
        name = bare.group(2).lower() if bare else ""
        if name not in SAFE_TAGS:
            continue
        assert bare is not None
        closing, self_closing = bare.group(1), bare.group(3)
        if name in _VOID:
            if not closing:
                keep.add(index)
        elif closing and open_tags and open_tags[-1][0] == name:
            keep.update((open_tags.pop()[1], index))
        elif not closing and not self_closing:
            open_tags.append((name, index))
        else:
            open_tags.clear()  # crossed or stray: what is open stays text
    return keep


def unclosed_at(text: str) -> int | None:
    """Where in ``text`` a ``<!--`` starts that no ``-->`` closes (one written after a
    backslash is no comment), else None."""
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        if start > 0 and text[start - 1] == "\\":
            at = start + 4
        elif (comment := COMMENT.match(text, start)) is None:
            return start
        else:
            at = comment.end()
    return None
