"""markup.render: an item's Markdown body to HTML, its first paragraph, links and words."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from generator.errors import BuildFailed
from generator.model.records import Link
from generator.reading.markup import (
    MAX_NESTING,
    THEME_ID_PREFIXES,
    THEME_IDS,
    render,
    render_noting,
)


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("Zelenskyy renewed his offer.", "<p>Zelenskyy renewed his offer.</p>\n"),
        ("*a* **b** ~~c~~ `d`", "<p><em>a</em> <strong>b</strong> <s>c</s> <code>d</code></p>\n"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ('Hi <b class="x">there</b>', "<p>Hi &lt;b class=&quot;x&quot;&gt;there&lt;/b&gt;</p>\n"),
        # Bare, closed tags that only mark text up stay (rawhtml.SAFE_TAGS).
        ("Hi <b>there</b>, H<sub>2</sub>O<br>", "<p>Hi <b>there</b>, H<sub>2</sub>O<br></p>\n"),
        ("Hi <b>there", "<p>Hi &lt;b&gt;there</p>\n"),
        (
            '<img src="x" onerror="alert(1)">',
            "<p>&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;</p>\n",
        ),
        ("[AP](https://apnews.com/)", '<p><a href="https://apnews.com/">AP</a></p>\n'),
        ("<https://apnews.com/>", '<p><a href="https://apnews.com/">https://apnews.com/</a></p>\n'),
        ("![Map](/img/map.png)", '<p><img src="/img/map.png" alt="Map" /></p>\n'),
        ("[x](<https://a.org/a b>)", '<p><a href="https://a.org/a%20b">x</a></p>\n'),
        (
            "| Country | Votes |\n|---|---:|\n| UA | 12 |",
            '<table>\n<thead>\n<tr>\n<th>Country</th>\n<th style="text-align:right">Votes</th>'
            '\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>UA</td>\n<td style="text-align:right">12</td>'
            "\n</tr>\n</tbody>\n</table>\n",
        ),
        (
            "## Background story\n\n# Top\n\n### Sub head",
            '<h2 id="background-story">Background story</h2>\n<h1>Top</h1>\n'
            '<h3 id="sub-head">Sub head</h3>\n',
        ),
        ("## Café talks", '<h2 id="cafe-talks">Café talks</h2>\n'),
        ("## Same\n\n## Same", '<h2 id="same">Same</h2>\n<h2 id="same-1">Same</h2>\n'),
        ("", ""),
    ],
)
def test_html(body: str, html: str) -> None:
    assert render(body).html == html


def test_heading_ids_do_not_carry_over_between_items() -> None:
    render("## Same")
    assert render("## Same").html == '<h2 id="same">Same</h2>\n'


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("Hi <b>there</b>", "<p>Hi <b>there</b></p>\n"),
    ],
)
def test_raw_html_passes_through_when_the_site_allows_it(body: str, html: str) -> None:
    assert render(body, raw_html=True).html == html


@pytest.mark.parametrize(
    "body",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](data:text/html,hi)",
        "![pixel](data:image/png;base64,AAAA)",
        "[click][1]\n\n[1]: javascript:alert(1)",
    ],
)
def test_unsafe_links_are_left_as_text(body: str) -> None:
    for raw_html in (False, True):
        rendered = render(body, raw_html=raw_html)
        assert "<a " not in rendered.html and "<img" not in rendered.html
        assert rendered.links == ()


def test_unsafe_link_text_stays_visible() -> None:
    assert render("[click](javascript:alert(1))").html == ("<p>[click](javascript:alert(1))</p>\n")


def test_footnote_ids_are_prefixed_with_the_doc_id() -> None:
    html = render("Claim.[^1]\n\n[^1]: The note.", doc_id="talks").html
    assert html == (
        '<p>Claim.<sup class="footnote-ref"><a href="#fn-talks-1" id="fnref-talks-1">[1]</a>'
        "</sup></p>\n"
        '<hr class="footnotes-sep" />\n'
        '<section class="footnotes">\n'
        '<ol class="footnotes-list">\n'
        '<li id="fn-talks-1" class="footnote-item"><p>The note. '
        '<a href="#fnref-talks-1" class="footnote-backref">\u21a9\ufe0e</a></p>\n'
        "</li>\n</ol>\n</section>\n"
    )


def test_two_items_on_one_page_have_different_footnote_ids() -> None:
    body = "Claim.[^1]\n\n[^1]: The note."
    first = render(body, doc_id="first").html
    second = render(body, doc_id="second").html
    assert 'id="fn-first-1"' in first and 'id="fn-second-1"' in second
    assert 'id="fn-second-1"' not in first


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ("One.\n\nTwo.", "One."),
        (
            "First **bold** and `code`, [a link](https://a.org) and ![alt](/i.png).",
            "First bold and code, a link and alt.",
        ),
        ("A line\nand the next\nline.", "A line and the next line."),
        ("Hard  \nbreak", "Hard break"),
        ("## Background\n\nAfter the heading.\n\nLater.", "After the heading."),
        ("> A quote.\n\nThe real first paragraph.", "The real first paragraph."),
        ("- a list item\n\nThe paragraph.", "The paragraph."),
        # What the reader sees: escaped markup is text.
        ("Hi <span>there</span>", "Hi <span>there</span>"),
        ("## Only a heading", ""),
        ("", ""),
    ],
)
def test_first_paragraph(body: str, first: str) -> None:
    assert render(body).first_paragraph == first


def test_first_paragraph_drops_raw_html_tags() -> None:
    assert render("Hi <b>there</b>", raw_html=True).first_paragraph == "Hi there"


@pytest.mark.parametrize(
    ("body", "body_line", "links"),
    [
        (
            "[a](https://a.org/) and ![i](/i.png)",
            1,
            (Link("https://a.org/", 1, 5), Link("/i.png", 1, 30, "i")),
        ),
        (
            "Intro.\n\nSee [AP](https://apnews.com/).\n\n- [b](https://b.org/)",
            7,
            (Link("https://apnews.com/", 9, 10), Link("https://b.org/", 11, 7)),
        ),
        (
            "| a |\n|---|\n| [t](https://t.org/) |",
            5,
            (Link("https://t.org/", 7, 7),),
        ),
        # Links in code are not links.
        ("```\n[x](https://x.org/)\n```\n\n`[y](https://y.org/)`", 1, ()),
        ("No links here.", 1, ()),
    ],
)
def test_links_carry_the_file_line(body: str, body_line: int, links: tuple[Link, ...]) -> None:
    assert render(body, body_line=body_line).links == links


# Links on a paragraph's later lines are placed on their own line and column.
@pytest.mark.parametrize(
    ("body", "links"),
    [
        (
            "See [a](https://a.org/)\nand [b](https://b.org/).",
            (Link("https://a.org/", 5, 9), Link("https://b.org/", 6, 9)),
        ),
        ("Hard  \n[b](https://b.org/)", (Link("https://b.org/", 6, 5),)),
        ("Hard\\\n[b](https://b.org/)", (Link("https://b.org/", 6, 5),)),
        ("A\nB\n![i](/i.png)", (Link("/i.png", 7, 6, "i"),)),
        # A link is placed where its URL is written, even when its text wraps.
        (
            "[a\nb](https://a.org/) [c](https://c.org/)",
            (Link("https://a.org/", 6, 4), Link("https://c.org/", 6, 24)),
        ),
        # The same URL twice: each at its own place.
        (
            "[same](https://a.org/) then [same](https://a.org/)",
            (Link("https://a.org/", 5, 8), Link("https://a.org/", 5, 36)),
        ),
        # Percent-encoded by markdown-it, found in the spelling the editor used.
        ("[y](https://a.org/café)", (Link("https://a.org/caf%C3%A9", 5, 5),)),
        ("> q\n> [a](https://a.org/)", (Link("https://a.org/", 6, 7),)),
        (
            "Intro.\n\n- x\n  [a](https://a.org/)\n- y\n  and\n  [b](https://b.org/)",
            (Link("https://a.org/", 8, 7), Link("https://b.org/", 11, 7)),
        ),
    ],
)
def test_a_link_on_a_paragraph_continuation_line_has_its_own_line(
    body: str, links: tuple[Link, ...]
) -> None:
    assert render(body, body_line=5).links == links


@pytest.mark.parametrize(
    ("body", "raw_html"),
    [
        ("`code\nspan` [a](https://a.org/)", False),
        ('[t](https://t.org/\n"title") [a](https://a.org/)', False),
        ("<b\nclass=x>bold</b> [a](https://a.org/)", True),
    ],
)
def test_a_line_end_inside_inline_markup_moves_the_next_link(body: str, raw_html: bool) -> None:
    assert render(body, body_line=5, raw_html=raw_html).links[-1].line == 6


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", 0),
        ("One", 1),
        ("One two  three\n\nfour\tfive", 5),
        ("Зеленський відповів", 2),
    ],
)
def test_words(body: str, words: int) -> None:
    assert render(body).words == words


BODY_WITH_COMMENTS = (
    "The talks resumed.\n\n"
    "Both sides <!-- check the second source --> met again.\n\n"
    "<!--more-->\n\n"
    "A [detail](https://example.org/d) below the fold.\n\n"
    "<!--\nA note to the desk,\non two lines.\n-->\n\n"
    "```\n<!-- kept: this is code -->\n```\n\n"
    "`<!-- kept too -->`\n"
)


@pytest.mark.parametrize("raw_html", [False, True])
def test_html_comments_never_show_and_more_ends_the_summary(raw_html: bool) -> None:
    rendered = render(BODY_WITH_COMMENTS, body_line=7, raw_html=raw_html)
    visible = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", rendered.html, flags=re.DOTALL)
    assert "check the second source" not in rendered.html
    assert "more" not in visible and "desk" not in rendered.html
    assert "&lt;!-- kept: this is code --&gt;" in rendered.html
    assert "<code>&lt;!-- kept too --&gt;</code>" in rendered.html
    assert rendered.first_paragraph == "The talks resumed. Both sides met again."
    assert rendered.links == (Link("https://example.org/d", 13, 12),)  # still where written


def test_without_more_the_summary_is_the_first_paragraph() -> None:
    rendered = render("One. <!-- note -->\n\nTwo.\n")
    assert rendered.first_paragraph == "One."
    assert rendered.html == "<p>One.</p>\n<p>Two.</p>\n"


@pytest.mark.parametrize("raw_html", [False, True])
def test_the_words_beside_a_comment_on_its_line_are_published(raw_html: bool) -> None:
    body = (
        "<!-- TODO --> The ministry said 40 people were hurt.\n\n"
        "> <!-- check --> Officials confirmed it.\n\n"
        "- <!-- a --> first\n- second <!-- b -->\n"
    )
    rendered = render(body, raw_html=raw_html)
    for words in ("The ministry said 40 people were hurt.", "Officials confirmed it.", "first"):
        assert words in rendered.html
    assert "TODO" not in rendered.html and "check" not in rendered.html
    assert rendered.words == render(re.sub(r"<!--.*?-->", "", body)).words  # not the notes


def test_markdown_beside_a_comment_is_markdown_and_its_tags_are_text() -> None:
    rendered = render("<!-- note --> Rates **held** at <em class=x>2%</em>, [AP](https://ap.org).")
    assert rendered.html == (
        "<p>Rates <strong>held</strong> at &lt;em class=x&gt;2%&lt;/em&gt;, "
        '<a href="https://ap.org">AP</a>.</p>\n'
    )
    assert rendered.first_paragraph == "Rates held at <em class=x>2%</em>, AP."


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("One.\n\n<!-- a note never closed\n\nTwo.\n\nThree.\n", 9),
        ("One.\n\nTwo <!-- never closed\nthree.\n", 9),
        ("One.\n\n- a\n- b <!-- x --> and <!-- never closed\n", 10),
    ],
)
def test_a_comment_never_closed_is_an_error_at_its_line(body: str, line: int) -> None:
    with pytest.raises(BuildFailed) as failed:
        render(body, body_line=7, path="content/talks.md")
    (error,) = failed.value.errors
    assert str(error).startswith(f"content/talks.md:{line}: an HTML comment starts here and")
    assert "end the comment with -->" in str(error)


@pytest.mark.parametrize("written", ["&lt;!--", "\\<!--", "`<!--`"])
def test_an_opener_written_as_text_or_code_is_shown(written: str) -> None:
    html = render(f"Type {written} to start a comment.").html
    assert "&lt;!--" in html and "start a comment" in html


# HTML shown as text -----------------------------------------------------------


def test_html_shown_as_text_is_one_warning_at_its_first_line_with_the_markdown_to_write() -> None:
    body = (
        "Officials met.\n\n"
        'Read <a href="https://ap.org">the report</a> and <span>more</span>.\n\n'
        '<img src="map.png" alt="A map">\n'
    )
    rendered, warnings = render_noting(body, body_line=6, path="content/talks.md")
    assert "&lt;a href=" in rendered.html and "&lt;img src=" in rendered.html
    assert [str(w) for w in warnings] == [
        'content/talks.md:8: HTML is shown as text, raw_html being off: <a href="https://'
        'ap.org"> (and 4 more tags in this file); write a link as [text](https://...), or '
        "set raw_html: true in site.yaml if you trust every item's HTML"
    ]


@pytest.mark.parametrize(
    ("body", "raw_html"),
    [
        (
            "Talks <small>(AP)</small>, H<sub>2</sub>O, x<sup>2</sup>,<br />\n<kbd>Ctrl</kbd>.",
            False,
        ),
        ('Read <a href="https://ap.org">the report</a>.', True),
        ("No HTML, an autolink: <https://ap.org>, and 1 < 2.", False),
        ("`<b>` in code, and <!-- a note -->.", False),
    ],
)
def test_no_warning_when_no_html_is_shown_as_text(body: str, raw_html: bool) -> None:
    rendered, warnings = render_noting(body, raw_html=raw_html)
    assert warnings == ()
    assert "&lt;small" not in rendered.html and "&lt;sup" not in rendered.html


# Nesting -------------------------------------------------------------------

DEEP_MESSAGE = (
    "blockquotes and lists nest more than 100 levels deep here, and Markdown would drop the "
    "text inside the deepest ones; flatten the quoting (quote only the message that matters) "
    "or the list"
)


def test_a_pasted_email_thread_quoted_thirty_deep_keeps_every_word() -> None:
    """markdown-it's CommonMark preset stops at 20 levels and drops the rest unseen."""
    thread = "\n".join("> " * depth + f"Reply {depth}." for depth in range(1, 31))
    html = render(thread + "\n\nAfter the thread.").html
    for depth in range(1, 31):
        assert f"Reply {depth}." in html
    assert "<p>After the thread.</p>" in html


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Intro.\n\n" + "> " * 101 + "Lost words.", 10),
        ("\n".join("  " * depth + f"- level {depth}" for depth in range(60)), 57),
    ],
    ids=["blockquotes", "lists"],
)
def test_text_deeper_than_the_limit_is_an_error_at_its_line(body: str, line: int) -> None:
    with pytest.raises(BuildFailed) as failed:
        render(body, body_line=8, path="content/a.md")
    assert [str(e) for e in failed.value.errors] == [f"content/a.md:{line}: {DEEP_MESSAGE}"]


def test_deep_markers_with_no_text_inside_lose_nothing_and_build() -> None:
    assert render("> " * 120).html.count("<blockquote>") == MAX_NESTING


# Heading ids ------------------------------------------------------------------------


def test_an_explicit_heading_id_is_taken_and_leaves_the_text() -> None:
    html = render("## Background {#bg}\n\n### The *talks* {#talks-2025}\n\n## Plain {#}").html
    assert html == (
        '<h2 id="bg">Background</h2>\n<h3 id="talks-2025">The <em>talks</em></h3>\n'
        '<h2 id="plain">Plain {#}</h2>\n'
    )


def test_a_heading_never_takes_an_id_of_the_theme() -> None:
    html = render("## Main\n\n## Search {#search}\n\n### Year 2025").html
    assert html == (
        '<h2 id="main-1">Main</h2>\n<h2 id="search-1">Search</h2>\n'
        '<h3 id="year-2025-1">Year 2025</h3>\n'
    )


def test_the_theme_ids_headings_avoid_are_every_id_the_default_theme_writes() -> None:
    templates = REPO / "themes/default/templates"
    written = set()
    for template in templates.rglob("*.html"):
        written |= set(re.findall(r'\bid="([^"{]*)(?:\{|")', template.read_text("utf-8")))
    written.discard("")  # made whole from a name: an item's or a section's anchor
    prefixes = {name for name in written if name.endswith("-")}
    fixed = written - prefixes
    assert prefixes == set(THEME_ID_PREFIXES)
    assert {name for name in fixed if not name.startswith(THEME_ID_PREFIXES)} == THEME_IDS
