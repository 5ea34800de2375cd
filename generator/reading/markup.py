"""Render an item's Markdown body to HTML with markdown-it-py.

CommonMark plus tables, strikethrough, footnotes, heading anchors and briefing
blocks (``::: why`` ... ``:::``, labelled as site.yaml's ``blocks`` says). Raw HTML
is escaped unless the site opts in, and links whose scheme could run code
(javascript:, vbscript:, data:, file:) are left as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.errors import BuildFailed, ContentError, SiteError, SiteWarning, plural
from generator.model.records import Link, Rendered
from generator.reading.rawhtml import COMMENT, HtmlRead, read_html
from generator.text.schema import suggest
from generator.text.urls import is_safe_link, slugify

#: How deep blockquotes and lists may nest. markdown-it's CommonMark preset stops at
#: 20 and drops what lies deeper without a word; a pasted e-mail thread quotes that
#: deep. 100 stays far inside Python's recursion limit (tests/reading/test_markup.py).
MAX_NESTING = 100


#: Briefing block types and their labels, in site.yaml's order: (("why", "Why it matters"),).
Blocks = tuple[tuple[str, str], ...]


@cache
def _markdown(raw_html: bool, blocks: Blocks = ()) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": raw_html, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    _use_blocks(md, dict(blocks))
    # Before the anchors: "## Title {#id}" (Hugo's, Docusaurus's and Pandoc's way).
    md.core.ruler.push("heading_ids", _explicit_heading_ids)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_slug)
    # markdown-it lets data:image/... through; an item never needs it, and
    # refusing every data: URL keeps the rule simple to state.
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    return md


#: The ids the default theme gives its own elements: a heading never takes one, or a
#: link to it (the skip link's #main) would lead to the heading instead.
THEME_IDS = frozenset({"main", "search", "site-search", "recent-title", "corrections-heading"})
#: Prefixes of the theme's ids made from names (search-tag, year-2025).
THEME_ID_PREFIXES = ("search-", "year-")
#: An explicit id at the end of a heading: "## Background {#background}".
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][\w.:-]*)\}\s*$")


def _theme_id(slug: str) -> bool:
    return slug in THEME_IDS or slug.startswith(THEME_ID_PREFIXES)


def _heading_slug(title: str) -> str:
    slug = slugify(title)
    return f"{slug}-1" if _theme_id(slug) else slug


def _explicit_heading_ids(state: StateCore) -> None:
    """A heading's trailing ``{#id}`` becomes its id (a theme's own id excepted: that
    heading gets one made from its title), and leaves its text."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "heading_open" or not inline.children:
            continue
        last = inline.children[-1]
        found = _EXPLICIT_ID.search(last.content) if last.type == "text" else None
        if found is None:
            continue
        last.content = last.content[: found.start()]
        inline.content = _EXPLICIT_ID.sub("", inline.content)
        if not _theme_id(found.group(1)):
            token.attrSet("id", found.group(1))


def render(
    body: str,
    *,
    body_line: int = 1,
    raw_html: bool = False,
    doc_id: str = "",
    path: str = "",
    blocks: Blocks = (),
) -> Rendered:
    """Render ``body``; ``body_line`` is its first line in the file, for link positions.

    ``doc_id`` prefixes footnote ids so that several items can share one page;
    ``blocks`` are the briefing blocks ``::: type`` may open. Raises BuildFailed,
    naming ``path``, for text that Markdown would drop or misplace.
    """
    return render_noting(
        body, body_line=body_line, raw_html=raw_html, doc_id=doc_id, path=path, blocks=blocks
    )[0]


def render_noting(
    body: str,
    *,
    body_line: int = 1,
    raw_html: bool = False,
    doc_id: str = "",
    path: str = "",
    blocks: Blocks = (),
) -> tuple[Rendered, tuple[SiteWarning, ...]]:
    """:func:`render`, and a warning when HTML in ``body`` is shown as text."""
    env: dict[str, object] = {"docId": doc_id} if doc_id else {}
    read = HtmlRead()
    words = body
    # Most bodies hold no HTML: no second look for them.
    if "<!--" in body or (not raw_html and "<" in body):
        read = read_html(body, raw_html, env, _markdown(True, blocks), _markdown(False, blocks))
        if read.unclosed is not None:
            raise BuildFailed([_unclosed(path, body_line + read.unclosed)])
        tokens = read.tokens
        words = COMMENT.sub(" ", body)
    else:
        tokens = _markdown(raw_html, blocks).parse(body, env)
    dropped = _dropped_by_depth(tokens, body)
    if dropped is not None:
        raise BuildFailed([_too_deep(path, body_line + dropped)])
    misplaced = _block_problems(tokens, body, body_line, path, blocks)
    if misplaced:
        raise BuildFailed(misplaced)
    md = _markdown(raw_html, blocks)
    rendered = Rendered(
        html=md.renderer.render(tokens, md.options, env),
        first_paragraph=(
            _first_paragraph(tokens) if read.more is None else _before(tokens, read.more)
        ),
        links=tuple(_links(tokens, body, body_line)),
        words=len(words.split()),
    )
    return rendered, (
        *_as_text_warning(read.as_text, path, body_line),
        *_unresolved_warning(tokens, path, body_line),
    )


#: A full or collapsed reference link left as text: ``[text][label]``, ``[text][]``.
_REFERENCE = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")


def _unresolved_warning(
    tokens: Sequence[Token], path: str, body_line: int
) -> tuple[SiteWarning, ...]:
    """One warning for reference links whose label no line defines: Markdown shows
    them as written, brackets and all."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        breaks = 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif child.type == "text" and (found := _REFERENCE.search(child.content)):
                label = found.group(2) or found.group(1)
                line = body_line + (token.map[0] if token.map else 0) + breaks
                return (
                    SiteWarning(
                        f"{found.group()} is shown as written, brackets and all: no line "
                        f"defines the link [{label}]",
                        path=path,
                        line=line,
                        hint=f"add a line '[{label}]: https://...' below the paragraph, or "
                        f"write the link as [{found.group(1)}](https://...)",
                    ),
                )
    return ()


def _as_text_warning(
    as_text: list[tuple[int, str]], path: str, body_line: int
) -> tuple[SiteWarning, ...]:
    """One warning for an item's HTML shown as text, at the first tag, with the
    Markdown to write for it."""
    if not as_text:
        return ()
    line, tag = min(as_text, key=lambda found: found[0])  # the first written
    more = f" (and {plural(len(as_text) - 1, 'more tag')} in this file)" if len(as_text) > 1 else ""
    shown = tag if len(tag) <= 60 else tag[:57] + "..."
    return (
        SiteWarning(
            f"HTML is shown as text, raw_html being off: {shown}{more}",
            path=path,
            line=body_line + line,
            hint=f"{_markdown_for(tag)}, or set raw_html: true in site.yaml if you trust "
            "every item's HTML",
        ),
    )


#: What to write in Markdown instead of a tag, by its name.
_EQUIVALENTS = {
    "img": "write a picture as ![what it shows](file.png)",
    "a": "write a link as [text](https://...)",
    "p": "separate paragraphs by a blank line",
    "div": "write its content as Markdown paragraphs",
    "span": "write its text without the tag",
    "h1": "write a heading as ## Heading",
    "h2": "write a heading as ## Heading",
    "h3": "write a heading as ### Heading",
    "ul": "write a list as lines starting with '- '",
    "ol": "write a list as lines starting with '1. '",
    "li": "write a list as lines starting with '- '",
    "blockquote": "write a quote as lines starting with '> '",
    "hr": "write a rule as a line of ---",
    "pre": "write code between lines of ```",
    "table": "write a table with | columns |",
    "iframe": "link to what it embeds instead: [watch it](https://...)",
    "script": "delete it: scripts never run on the site",
}


def _markdown_for(tag: str) -> str:
    name = re.match(r"</?([A-Za-z][A-Za-z0-9]*)", tag)
    found = _EQUIVALENTS.get(name.group(1).lower()) if name else None
    return found or "write it in Markdown, or delete the tag"


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


#: The container plugin's name: its tokens are container_block_open and _close.
_BLOCK = "block"
_BLOCK_OPEN = f"container_{_BLOCK}_open"


def _use_blocks(md: MarkdownIt, labels: dict[str, str]) -> None:
    """``::: type`` ... ``:::`` as a labelled <aside>. Any word after ``:::`` opens a
    block, known or not, so that a mistyped type is an error rather than text."""

    def render(_renderer: object, tokens: Sequence[Token], index: int, *_: object) -> str:
        return _block_html(tokens[index], labels)

    container_plugin(md, _BLOCK, validate=lambda params, *_: bool(params.strip()), render=render)
    ruler = md.block.ruler
    # The plugin closes a block nobody closed at the end of the document (or of the
    # list item or quote it is in), and keeps quiet: every word after it would land in
    # the block. Its rule sets state.line past the closing ::: only when there is one.
    plain = ruler.__rules__[ruler.__find__(f"container_{_BLOCK}")].fn

    def noting_unclosed(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not plain(state, start, end, silent):
            return False
        if not silent:
            # The last block opened at ``start``: blocks nested in it start later.
            opened = next(t for t in reversed(state.tokens)
                          if t.type == _BLOCK_OPEN and t.map and t.map[0] == start)  # fmt: skip
            opened.meta["closed"] = opened.map is not None and state.line > opened.map[1]
        return True

    ruler.at(f"container_{_BLOCK}", noting_unclosed,
             {"alt": ["paragraph", "reference", "blockquote", "list"]})  # fmt: skip


def _block_html(token: Token, labels: dict[str, str]) -> str:
    if token.nesting != 1:
        return "</aside>\n"
    kind = token.info.split(maxsplit=1)[0]
    # The label is text every reader gets, screen readers included, read where it
    # stands. role=note keeps the aside from being a landmark: an aside named by
    # aria-label is one, and an edition with two "Why it matters" would have two
    # landmarks of one name (axe-core's landmark-unique), ten items thirty landmarks.
    return (
        f'<aside class="block block-{kind}" role="note">'
        f'<p class="block-label">{escapeHtml(labels[kind])}</p>\n'
    )


def _block_problems(
    tokens: Sequence[Token], body: str, body_line: int, path: str, blocks: Blocks
) -> list[SiteError]:
    """Every block that is not what its editor meant, each an error at its ``:::``."""
    opened = [token for token in tokens if token.type == _BLOCK_OPEN and token.map]
    if not opened:  # most bodies: no need to split them into lines
        return []
    lines = body.split("\n")
    types = [kind for kind, _label in blocks]
    found: list[SiteError] = []
    for token in opened:
        first = token.map[0] if token.map else 0
        col = lines[first].find(token.markup) + 1 if first < len(lines) else None
        found += [
            ContentError(message, path=path, line=body_line + first, col=col, hint=hint)
            for message, hint in _block_faults(token, types)
        ]
    return found


def _block_faults(token: Token, types: list[str]) -> list[tuple[str, str]]:
    """A block's type unknown, words after its type, or no ``:::`` closing it."""
    faults: list[tuple[str, str]] = []
    kind, *rest = token.info.split(maxsplit=1)
    if kind not in types:
        faults.append((f"unknown block type {kind!r}", _other_types(kind, types)))
    elif rest:
        faults.append(
            (
                f"the words after '::: {kind}' would be left out of the page: {rest[0]!r}",
                f"write '::: {kind}' alone on its line, and the words on the next",
            )
        )
    if not token.meta.get("closed", True):
        faults.append(
            (
                "this block is never closed: every line after it would land inside it",
                "add a line with ::: where the block ends",
            )
        )
    return faults


def _other_types(kind: str, types: list[str]) -> str:
    if not types:
        return "site.yaml's `blocks: {}` defines no block types; write \\::: to show the colons"
    return suggest(kind.lower(), types) or "the block types site.yaml defines: " + ", ".join(types)


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
