"""Text in lines of a given width: the plain-text part of an email, and the `wrap`
filter of text templates."""

from __future__ import annotations

import textwrap

#: Characters per line: under the 78 of RFC 5322, with room for "> " quoting in replies.
WIDTH = 72


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str | None = None) -> str:
    """``text`` in lines of at most ``width`` (a URL longer than that keeps its line
    whole); its own line breaks are kept."""
    wrapper = textwrap.TextWrapper(
        width=width,
        initial_indent=first,
        subsequent_indent=first if rest is None else rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines = []
    for number, line in enumerate(text.split("\n")):
        if number:
            wrapper.initial_indent = wrapper.subsequent_indent
        lines += wrapper.wrap(line) or [wrapper.initial_indent.rstrip()]
    return "\n".join(lines)
