"""Briefing blocks: ``::: why`` ... ``:::`` in a body, labelled as site.yaml says."""

from __future__ import annotations

import pytest

from generator.errors import BuildFailed
from generator.model.records import Link
from generator.project.config import parse_config
from generator.reading.markup import Blocks, render, render_noting

MINIMAL = "title: Test Briefing\nurl: https://example.org\n"
#: The blocks of a site.yaml that names none.
DEFAULTS: Blocks = tuple(parse_config(MINIMAL).blocks.items())
WHY = '<aside class="block block-why" role="note"><p class="block-label">Why it matters</p>\n'


def html(body: str, blocks: Blocks = DEFAULTS, raw_html: bool = False) -> str:
    return render(body, blocks=blocks, raw_html=raw_html).html


def errors(body: str, blocks: Blocks = DEFAULTS, body_line: int = 1) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        render(body, blocks=blocks, body_line=body_line, path="content/grain.md")
    return [str(error) for error in failed.value.errors]


def test_a_block_is_an_aside_headed_by_its_label() -> None:
    assert html("::: why\nThe corridor carried 33 million tonnes of grain last year.\n:::\n") == (
        WHY + "<p>The corridor carried 33 million tonnes of grain last year.</p>\n</aside>\n"
    )


@pytest.mark.parametrize(
    ("kind", "label"),
    [("why", "Why it matters"), ("watch", "What to watch"), ("number", "The number")],
)
def test_the_three_blocks_a_site_has_without_saying(kind: str, label: str) -> None:
    assert html(f"::: {kind}\nText.\n:::") == (
        f'<aside class="block block-{kind}" role="note"><p class="block-label">{label}</p>\n'
        "<p>Text.</p>\n</aside>\n"
    )


def test_labels_and_types_come_from_site_yaml() -> None:
    config = parse_config(MINIMAL + 'blocks:\n  why: "Why this matters"\n  stakes: Stakes\n')
    blocks = tuple(config.blocks.items())
    assert html("::: why\nA.\n:::\n\n::: stakes\nB.\n:::", blocks) == (
        '<aside class="block block-why" role="note"><p class="block-label">Why this matters</p>\n'
        "<p>A.</p>\n</aside>\n"
        '<aside class="block block-stakes" role="note"><p class="block-label">Stakes</p>\n'
        "<p>B.</p>\n</aside>\n"
    )


def test_a_label_is_shown_as_written_never_as_markup() -> None:
    assert html("::: why\nA.\n:::", (("why", 'Why <b>it</b> & "this"'),)) == (
        '<aside class="block block-why" role="note">'
        '<p class="block-label">Why &lt;b&gt;it&lt;/b&gt; &amp; &quot;this&quot;</p>\n'
        "<p>A.</p>\n</aside>\n"
    )


def test_a_block_holds_any_markdown() -> None:
    body = (
        "Before.\n\n"
        "::: watch\n"
        "- Talks on *Thursday* in [Istanbul](https://apnews.com/istanbul).\n"
        "- A **vote**.\n\n"
        "> A quote.\n"
        ":::\n\n"
        "After."
    )
    assert html(body) == (
        "<p>Before.</p>\n"
        '<aside class="block block-watch" role="note"><p class="block-label">What to watch</p>\n'
        "<ul>\n"
        '<li>Talks on <em>Thursday</em> in <a href="https://apnews.com/istanbul">Istanbul</a>.'
        "</li>\n<li>A <strong>vote</strong>.</li>\n</ul>\n"
        "<blockquote>\n<p>A quote.</p>\n</blockquote>\n"
        "</aside>\n"
        "<p>After.</p>\n"
    )


def test_blocks_nest_with_longer_fences() -> None:
    assert html(":::: why\n::: number\n33m\n:::\n::::") == (
        WHY + '<aside class="block block-number" role="note">'
        '<p class="block-label">The number</p>\n<p>33m</p>\n</aside>\n</aside>\n'
    )


def test_a_block_in_a_quote_closes_in_the_quote() -> None:
    assert html("> ::: why\n> Quoted.\n> :::\n\nAfter.") == (
        "<blockquote>\n" + WHY + "<p>Quoted.</p>\n</aside>\n</blockquote>\n<p>After.</p>\n"
    )


def test_links_in_a_block_are_checked_like_any_other() -> None:
    body = "Intro.\n\n::: why\nSee [the data](https://data.example.org/grain) first.\n:::\n"
    assert render(body, blocks=DEFAULTS, body_line=6).links == (
        Link("https://data.example.org/grain", 9, 16, None),
    )


def test_the_summary_is_the_first_paragraph_outside_any_block() -> None:
    rendered = render("::: why\nThe stakes.\n:::\n\nTalks resumed.", blocks=DEFAULTS)
    assert rendered.first_paragraph == "Talks resumed."


@pytest.mark.parametrize(
    "body",
    [
        "```\n::: wyh\n```",  # code
        "    ::: wyh",  # indented code
        "\\::: why",  # escaped: the colons as text
        "Ratio 3:::1",  # not at the start of a line
    ],
)
def test_colons_in_code_or_escaped_open_no_block(body: str) -> None:
    assert "<aside" not in html(body)
    assert "<aside" not in html(body, ())


def test_an_unknown_type_is_an_error_at_its_fence_with_the_nearest_type() -> None:
    assert errors("Intro.\n\n  ::: wyh\n  Text.\n  :::\n", body_line=8) == [
        "content/grain.md:10:3: unknown block type 'wyh'; did you mean 'why'?"
    ]


def test_an_unknown_type_far_from_any_names_the_types_site_yaml_defines() -> None:
    assert errors("::: background\nText.\n:::") == [
        "content/grain.md:1:1: unknown block type 'background'; "
        "the block types site.yaml defines: why, watch, number"
    ]


def test_a_type_in_capitals_is_pointed_to_its_lower_case_spelling() -> None:
    assert errors("::: Why it matters\nText.\n:::") == [
        "content/grain.md:1:1: unknown block type 'Why'; did you mean 'why'?"
    ]


def test_words_after_the_type_would_be_lost_and_are_an_error() -> None:
    assert errors("::: why the corridor\nText.\n:::") == [
        "content/grain.md:1:1: the words after '::: why' would be left out of the page: "
        "'the corridor'; write '::: why' alone on its line, and the words on the next"
    ]


def test_a_block_never_closed_is_an_error_at_its_fence() -> None:
    body = "Intro.\n\n::: why\nThe stakes.\n\nThe rest of the item, which is not part of it.\n"
    assert errors(body, body_line=5) == [
        "content/grain.md:7:1: this block is never closed: every line after it would land "
        "inside it; add a line with ::: where the block ends"
    ]


def test_a_block_left_open_in_a_quote_or_list_is_never_closed() -> None:
    # The closing ::: must be inside the quote or list item too.
    assert [e.split(": ", 1)[0] for e in errors("> ::: why\n> Quoted.\n\nAfter.\n")] == [
        "content/grain.md:1:3"
    ]
    assert [e.split(": ", 1)[0] for e in errors("- A point\n  ::: why\n  Text.\n:::\n")] == [
        "content/grain.md:2:3"
    ]


def test_every_problem_of_a_body_is_reported_at_once() -> None:
    body = "::: wyh\nA.\n:::\n\n::: watch\nB.\n:::\n\n::: numbr\nC.\n"
    assert errors(body) == [
        "content/grain.md:1:1: unknown block type 'wyh'; did you mean 'why'?",
        "content/grain.md:9:1: this block is never closed: every line after it would land "
        "inside it; add a line with ::: where the block ends",
        "content/grain.md:9:1: unknown block type 'numbr'; did you mean 'number'?",
    ]


def test_with_blocks_empty_in_site_yaml_every_type_is_unknown() -> None:
    blocks = tuple(parse_config(MINIMAL + "blocks: {}\n").blocks.items())
    assert errors("::: why\nText.\n:::", blocks) == [
        "content/grain.md:1:1: unknown block type 'why'; site.yaml's `blocks: {}` defines "
        "no block types; write \\::: to show the colons"
    ]
    assert html("\\::: why\nText.", blocks) == "<p>::: why\nText.</p>\n"


def test_a_bare_fence_opens_nothing_and_stays_text() -> None:
    assert html(":::") == "<p>:::</p>\n"


@pytest.mark.parametrize("raw_html", [False, True])
def test_blocks_work_beside_html_and_comments(raw_html: bool) -> None:
    body = "::: why\nA <b>bold</b> claim. <!-- note to the desk -->\n:::\n\n<!--more-->\n\nRest."
    rendered, _ = render_noting(body, blocks=DEFAULTS, raw_html=raw_html)
    assert rendered.html.startswith(WHY + "<p>A <b>bold</b> claim.</p>\n</aside>\n")
    with pytest.raises(BuildFailed):
        render_noting("::: wyh\n<b>x</b>\n:::", blocks=DEFAULTS, raw_html=raw_html)


def test_a_new_label_is_never_served_from_an_earlier_render() -> None:
    body = "::: why\nA.\n:::"
    assert "Why it matters" in html(body)
    assert "Why this matters" in html(body, (("why", "Why this matters"),))
    assert "Why it matters" in html(body)
