"""The CommonMark 0.31.2 spec, every example: an item's body renders as the spec says,
or differs by a choice listed here, with its reason.

The examples come from npm's commonmark-spec package, which `.ci/run` installs
(`npm ci --prefix .ci`); the spec is not copied into this repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.reading.markup import render
from generator.reading.rawhtml import SAFE_TAGS

SPEC = Path(__file__).parents[2] / ".ci/node_modules/commonmark-spec/spec.txt"

#: Examples whose HTML differs from the spec's once the deliberate choices below are
#: applied to it, each with the reason.
DIFFERENT = {
    183: "a comment goes with the spaces that indent it",
    625: "a comment that ends a paragraph goes with the space before it",
    218: "markdown-it writes an empty blockquote on one line (the same HTML)",
    239: "markdown-it writes an empty blockquote on one line (the same HTML)",
    240: "markdown-it writes an empty blockquote on one line (the same HTML)",
}
#: Comments are notes to editors: the spec's HTML without them (and the line each ended).
COMMENT = re.compile(r"<!--(?:-?>|.*?-->)\n?", re.DOTALL)
#: Headings of level 2 to 4 get ids for links to them; the spec's have none.
HEADING_ID = re.compile(r'(<h[2-4]) id="[^"]*"')
#: The tags Markdown makes: with raw HTML off, no other tag reaches the page.
MARKDOWN_TAGS = re.compile(
    r"</?(?:p|em|strong|a|img|code|pre|ul|ol|li|blockquote|h[1-6]|hr|br|table|thead|tbody"
    r"|tr|th|td|del|s|section|sup)\b"
)


def allowed(tag: str) -> bool:
    """A tag Markdown makes, or one of the editor's that is safe and bare (``<sup>``)."""
    bare = re.fullmatch(r"</?([a-z]+)\s*/?>", tag)
    return bool(MARKDOWN_TAGS.match(tag)) or bool(bare and bare.group(1) in SAFE_TAGS)


def examples() -> list[tuple[int, str, str]]:
    """Each example's number, Markdown and HTML, read as the spec's own tools read them."""
    if not SPEC.exists():
        return []
    text = SPEC.read_text(encoding="utf-8")
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", text, flags=re.MULTILINE)
    found = re.findall(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$", text, re.MULTILINE)
    return [
        (number, markdown.replace("→", "\t"), html.replace("→", "\t"))
        for number, (markdown, html) in enumerate(found, start=1)
    ]


EXAMPLES = examples()
needs_spec = pytest.mark.skipif(
    not EXAMPLES, reason=f"needs the CommonMark spec: npm ci --prefix .ci (looked for {SPEC})"
)


@needs_spec
def test_the_spec_has_all_its_examples() -> None:
    assert len(EXAMPLES) == 652


@needs_spec
def test_with_raw_html_on_every_example_renders_as_the_spec_says() -> None:
    """All 652 in one test (a test each would add seconds to the fast tier)."""
    wrong, unlisted = [], []
    for number, markdown, html in EXAMPLES:
        got = HEADING_ID.sub(r"\1", render(markdown, raw_html=True).html)
        same = got == COMMENT.sub("", html)
        if number in DIFFERENT and same:
            unlisted.append(number)
        elif number not in DIFFERENT and not same:
            wrong.append((number, markdown, got))
    assert wrong == [], "examples not rendered as the spec says"
    assert unlisted == [], "examples that now render as the spec says: unlist them"


@needs_spec
def test_with_raw_html_off_no_tag_of_the_editors_reaches_the_page() -> None:
    wrong = []
    for number, markdown, html in EXAMPLES:
        got = HEADING_ID.sub(r"\1", render(markdown).html)
        tags = [tag for tag in re.findall(r"<[A-Za-z/][^>]*>", got) if not allowed(tag)]
        if tags or "<!--" in got:
            wrong.append((number, markdown, got))
        elif "<" not in markdown and number not in DIFFERENT and got != COMMENT.sub("", html):
            wrong.append((number, markdown, got))  # raw HTML aside, as the spec says
    assert wrong == []
