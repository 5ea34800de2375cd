"""css-inline as briefing relies on it, held below 0.25 in pyproject.toml: these are the
bytes the golden emails hold. A new css-inline that writes them otherwise fails here
first, with the exact difference; the port is generator/newsletter/inlinestyle.py alone."""

from __future__ import annotations

from importlib import metadata

import pytest

from generator.errors import SiteError
from generator.newsletter.inlinestyle import inline_styles

PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>T</title><style>'
    "p { color: red } .a { margin: 0 }\n@media (max-width: 480px) { p { color: blue } }"
    '</style></head><body><p class="a" style="font-weight: bold">x</p>'
    '<link rel="stylesheet" href="https://example.org/x.css"></body></html>'
)


def test_the_release_is_the_one_these_bytes_were_taken_from() -> None:
    assert metadata.version("css-inline").startswith("0.24.")


def test_rules_go_into_elements_media_rules_stay_and_nothing_is_fetched() -> None:
    assert inline_styles(PAGE, "email.html") == (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>T</title>'
        # What stays of the <style> moves to the head's end, after <meta charset>.
        "<style>@media (max-width: 480px) { p { color: blue } } </style>\n</head>"
        # The element's own style comes last, so it wins; the <link> is gone, unfetched.
        '<body><p class="a" style="color: red;margin: 0;font-weight: bold">x</p></body></html>'
    )


def test_a_page_without_a_head_keeps_its_style_where_css_inline_puts_it() -> None:
    out = inline_styles("<p>x</p><style>@media print { p { color: red } }</style>", "email.html")
    assert out.count("<style>") == 1 and "<p>x</p>" in out


@pytest.mark.parametrize("page", ["<style>p { color: \ud800 }</style><p>x</p>"])
def test_what_css_inline_cannot_read_is_an_error_naming_the_template(page: str) -> None:
    with pytest.raises(SiteError) as raised:
        inline_styles(page, "email.html")
    assert raised.value.path == "email.html"
    assert raised.value.message.startswith("cannot inline the styles of the email: ")
