"""HTML as plain text that reads well on its own: the text part of an email.

Paragraphs are wrapped, lists keep their bullets and numbers, quotes their "> ",
code its lines, a briefing block its label on a line of its own above its text
("Why it matters:"), and every link becomes a numbered reference ("ECB [3]")
listed at the end of the message, so that nothing the editor linked is lost and
no line is a wall of URLs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from generator.text.lines import WIDTH, wrap

_BLOCKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "ul",
        "ol", "table", "thead", "tbody", "tr", "hr", "section", "figure", "figcaption",
        "dl", "dt", "dd", "article", "header", "footer", "aside", "nav", "details", "summary",
    }
)  # fmt: skip
#: What a reader of text never sees: nothing of it is kept.
_HIDDEN = frozenset({"script", "style", "template", "head", "title"})
_SPACE = re.compile(r"[ \t\n\r\f]+")
_SPACES = re.compile(r" {2,}")


class References:
    """The links of one message, numbered in reading order; a link met again keeps
    its number."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, url: str) -> int:
        found = self._numbers.get(url)
        if found is None:
            self.urls.append(url)
            found = self._numbers[url] = len(self.urls)
        return found

    def mark(self, url: str) -> str:
        """'[3]': how the text points at ``url``."""
        return f"[{self.number(url)}]"

    def listing(self) -> list[tuple[int, str]]:
        return list(enumerate(self.urls, start=1))


def html_text(html: str, references: References, width: int = WIDTH) -> str:
    """The text of an HTML fragment, its links numbered in ``references``."""
    reader = _Reader(references, width)
    reader.feed(html)
    reader.close()
    return reader.text()


class _Reader(HTMLParser):
    """Collects blocks of text, each with the prefix of the lists and quotes it is in."""

    def __init__(self, references: References, width: int) -> None:
        super().__init__(convert_charrefs=True)
        self.references = references
        self.width = width
        #: Finished blocks: their text, and the list or table they are part of (its
        #: number), whose blocks follow each other without a blank line.
        self.blocks: list[tuple[str, int | None]] = []
        self.groups = 0
        self.inline: list[str] = []
        self.quotes = 0
        #: Each open list: whether it is numbered, and its last number.
        self.lists: list[list[int]] = []
        self.marker = ""
        #: The width of each open list item's marker: its later lines are indented so.
        self.items: list[int] = []
        self.pre = 0
        self.hidden = 0
        #: Each open link's reference ("" for one that stays in the page: a footnote).
        self.links: list[str] = []
        self.cells = 0
        self.rows = 0
        #: Inside a footnote's mark: "[1]" would read as a reference, so it is "^1".
        self.footnote = False
        #: Inside a briefing block's label (<p class="block-label">).
        self.in_label = False
        #: A block's label line(s), waiting to head the block's first text.
        self.label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _HIDDEN or self.hidden or "footnote-backref" in (values.get("class") or ""):
            self.hidden += tag not in _VOID
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol", "table") and not (self.lists or self.rows):
            self.groups += 1
        if tag == "blockquote":
            self.quotes += 1
        elif tag in ("ul", "ol"):
            start = values.get("start") or "1"
            self.lists.append([int(tag == "ol"), int(start) - 1 if start.isdigit() else 0])
        elif tag == "li" and self.lists:
            numbered = self.lists[-1]
            numbered[1] += 1
            self.marker = f"{numbered[1]}. " if numbered[0] else "- "
            self.items.append(len(self.marker))
        elif tag == "pre":
            self.pre += 1
        elif tag == "br":
            self.inline.append("\n")
        elif tag == "hr":
            self.blocks.append((self._prefixes("")[1] + "-" * 8, None))
        elif tag == "img" and values.get("alt"):
            self.inline.append(f"[Image: {values['alt']}]")
        elif tag == "a":
            self.links.append(self._reference(values.get("href") or ""))
        elif tag == "sup" and "footnote-ref" in (values.get("class") or ""):
            self.footnote = True
        elif tag == "p" and "block-label" in (values.get("class") or "").split():
            self.in_label = True
        elif tag == "table":
            self.rows += 1
        elif tag in ("td", "th"):
            if self.cells:
                self.inline.append(" | ")
            self.cells += 1

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            self.hidden -= 1
            return
        if tag == "a" and self.links:
            mark = self.links.pop()
            if mark:
                self.inline.append(f" {mark}")
        if tag == "p" and self.in_label:
            self._hold_label()
            return
        if tag == "aside" and self.label:  # a block with nothing in it: its label alone
            self._flush()
            self.blocks.append((self.label, None))
            self.label = ""
        if tag in _BLOCKS:
            self._flush()
        if tag == "blockquote":
            self.quotes = max(0, self.quotes - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "li" and self.items:
            self.items.pop()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "tr":
            self.cells = 0
        elif tag == "table":
            self.rows = max(0, self.rows - 1)
        elif tag == "sup":
            self.footnote = False

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.footnote:
            data = "^" + data.strip("[] ")
        self.inline.append(data if self.pre else _SPACE.sub(" ", data))

    def _reference(self, href: str) -> str:
        if href.startswith(("https://", "http://", "mailto:")):
            return self.references.mark(href)
        return ""  # a link within the page (a footnote) or to nowhere: its text is enough

    def _prefixes(self, marker: str) -> tuple[str, str]:
        """What a block's first line and its other lines start with."""
        base = "> " * self.quotes + " " * sum(self.items[:-1])
        if marker:
            return base + marker, base + " " * len(marker)
        inside = base + " " * (self.items[-1] if self.items else 0)
        return inside, inside

    def _hold_label(self) -> None:
        """Keep a block's label for the block's first text: a label a blank line away
        from its text would read as a heading of all that follows."""
        self.in_label = False
        text = _SPACES.sub(" ", "".join(self.inline).replace("\n", " ")).strip()
        self.inline = []
        if not text:
            return
        if text[-1] not in ".:?!…":
            text += ":"
        inside = self._prefixes("")[0]
        self.label = (self.label + "\n" if self.label else "") + wrap(
            text, self.width, inside, inside
        )

    def _headed(self, block: str) -> str:
        """``block`` under the label waiting for it, if any."""
        label, self.label = self.label, ""
        return f"{label}\n{block}" if label else block

    def _flush(self) -> None:
        text = "".join(self.inline)
        self.inline = []
        marker, self.marker = self.marker, ""
        first, rest = self._prefixes(marker)
        group = self.groups if self.lists or self.rows else None
        if self.pre:
            lines = text.strip("\n").split("\n")
            if any(line.strip() for line in lines):
                code = [(rest if n else first) + "    " + line for n, line in enumerate(lines)]
                self.blocks.append((self._headed("\n".join(code)), group))
            elif marker:
                self.marker = marker
            return
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
        if not text:
            if marker:
                self.marker = marker  # <li><p>...: the marker belongs to the paragraph
            return
        self.blocks.append((self._headed(wrap(text, self.width, first, rest)), group))

    def text(self) -> str:
        self._flush()
        if self.label:  # a fragment that ends inside a block's label
            self.blocks.append((self.label, None))
        parts: list[str] = []
        for number, (block, group) in enumerate(self.blocks):
            if number:
                tight = group is not None and group == self.blocks[number - 1][1]
                parts.append("\n" if tight else "\n\n")
            parts.append(block)
        return "".join(parts)


#: Tags without an end tag: they never open a hidden stretch.
_VOID = frozenset({"img", "br", "hr", "input", "meta", "link", "source", "wbr"})
