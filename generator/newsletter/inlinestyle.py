"""Styles moved into the elements they apply to: what mail clients keep.

Gmail, Outlook and most webmail drop or rewrite a page's <style> (Gmail keeps it
only in some of its apps, and not in forwarded mail), but they keep ``style``
attributes. css-inline (Rust, on Servo's html5ever parser) does this in 0.2 ms for
an 8 KB edition (measured here; premailer, the older choice, was last released in
2021 and needs lxml and cssutils), and it fetches nothing unless asked. Only @media
rules stay in a <style>: they cannot be inlined, and the clients that read them
(Apple Mail, iOS, Outlook.com, Gmail's apps) use them for dark mode and phones;
the others ignore them.

css-inline is held below 0.25 (pyproject.toml): its serializer writes the bytes the
golden emails hold, and _style_last relies on where it puts the kept <style>;
tests/newsletter/test_inlinestyle.py holds those bytes, so a new release is a port of
this file.
"""

from __future__ import annotations

import css_inline

from generator.errors import SiteError

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False,
    keep_link_tags=False,
    keep_at_rules=True,
    load_remote_stylesheets=False,
)


def inline_styles(page: str, origin: str) -> str:
    """``page`` with each rule of its <style>s written into the elements it matches."""
    try:
        inlined = str(_INLINER.inline(page))
    except (css_inline.InlineError, ValueError) as exc:
        raise SiteError(
            f"cannot inline the styles of the email: {exc}",
            path=origin,
            hint="check the CSS in email.html's <style>",
        ) from None
    return _style_last(inlined)


def _style_last(page: str) -> str:
    """The kept <style> moved from the head's start, where css-inline writes it, to its
    end: ``<meta charset>`` must come within the page's first 1,024 bytes."""
    start = page.find("<head><style>")
    end = page.find("</style>", start) + len("</style>")
    closing = page.find("</head>", end)
    if start < 0 or closing < 0:
        return page
    style = page[start + len("<head>") : end]
    return page[: start + len("<head>")] + page[end:closing] + style + "\n" + page[closing:]
