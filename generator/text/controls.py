"""Find the invisible characters that text pasted from elsewhere carries, and take them out.

Word processors, PDFs and terminals leave control characters in copied text: NUL,
backspace, escape, Word's vertical-tab line break, form feeds, noncharacters. A
reader never sees them, HTML forbids them (the Nu checker fails the page), XML
forbids them (a feed with one does not parse) and YAML refuses them. So a content
file is cleaned before it is read, and the editor is told where each one was: the
text published is then exactly the text the editor sees.

The four that separate words (vertical tab, form feed, NEL, and the Unicode line
and paragraph separators, which YAML reads as line breaks but Markdown does not)
become a space, so that "word\\vword" stays two words; the others are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Controls other than tab and line feed (carriage returns are gone by now: see
#: textfile.decode), C1 controls, and noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF).
_STRAY = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
_AS_SPACE = frozenset("\x0b\x0c\x85\u2028\u2029")

#: Names editors may recognise; the others are shown by code point only.
_NAMES = {
    0x00: "NUL",
    0x08: "backspace",
    0x09: "tab",
    0x0B: "vertical tab, Word's line break",
    0x0C: "form feed, a page break",
    0x1B: "escape",
    0x7F: "delete",
    0x85: "next line",
    0x2028: "line separator",
    0x2029: "paragraph separator",
}


@dataclass(frozen=True, slots=True)
class Stray:
    """Invisible characters found on one line: where the first is, and all of them."""

    #: 1-based line and column of the first, counted in the text as given.
    line: int
    col: int
    chars: str

    def describe(self) -> str:
        """What was found and what was done with it, for a warning at ``line:col``."""
        removed = _names(ch for ch in self.chars if ch not in _AS_SPACE)
        spaced = _names(ch for ch in self.chars if ch in _AS_SPACE)
        done = [f"removed {removed}"] if removed else []
        done += [f"replaced {spaced} with a space"] if spaced else []
        return " and ".join(done)


def _names(chars: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(name(ch) for ch in chars))


def name(char: str) -> str:
    """``U+001B (escape)``."""
    code = ord(char)
    label = _NAMES.get(code)
    return f"U+{code:04X} ({label})" if label else f"U+{code:04X}"


def without_strays(text: str) -> tuple[str, tuple[Stray, ...]]:
    """``text`` without stray control characters, and where they were, line by line.

    A text without any (nearly all) is returned as is after one regex search.
    """
    if _STRAY.search(text) is None:
        return text, ()
    strays: list[Stray] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        found = [match.start() for match in _STRAY.finditer(line)]
        if not found:
            continue
        strays.append(Stray(number, found[0] + 1, "".join(line[at] for at in found)))
        lines[number - 1] = _STRAY.sub(_replacement, line)
    return "\n".join(lines), tuple(strays)


def first_stray(text: str) -> str | None:
    """The first stray character in ``text``, if any."""
    found = _STRAY.search(text)
    return found.group() if found else None


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in _AS_SPACE else ""
