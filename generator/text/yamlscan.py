"""PyYAML's own loader, made to read as LibYAML reads: every plain value as text, and tabs
and block scalar headers where LibYAML reads them.

These override private methods of PyYAML 6.0's Scanner (scan_to_next_token,
scan_plain_spaces, the block scalar scanners) and its loaders' resolver and
constructor tables. That is all of briefing that knows PyYAML's insides: a new PyYAML
is a port of this file, and tests/text/test_yamlscan.py says what it relies on.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
import yaml.constructor
import yaml.reader

_NULL = "tag:yaml.org,2002:null"


MERGE = "tag:yaml.org,2002:merge"


def _plain_text_loader(base: type[Any]) -> type[Any]:
    """The safe loader ``base``, with every plain scalar read as text (or null).

    YAML 1.1 guesses types from spelling: `title: No` becomes False, `title: 3.10`
    becomes 3.1, `date: 2025-02-30` raises deep inside PyYAML. Our schemas know
    what each key holds, so they convert text themselves and can say where and
    why a value is wrong, in the editor's own spelling.
    """
    resolvers = {
        first: [(tag, rx) for tag, rx in found if tag in (_NULL, MERGE)]
        for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # A plain `<<` resolves as a merge key wherever it is; as a key, flatten_mapping
    # takes it out before anything is constructed, so one left to construct is a value,
    # and means the text "<<".
    constructors = {
        **base.yaml_constructors,
        MERGE: yaml.constructor.SafeConstructor.construct_yaml_str,
    }
    return type(
        f"PlainText{base.__name__}",
        (base,),
        {"yaml_implicit_resolvers": resolvers, "yaml_constructors": constructors},
    )


#: A block scalar's header after its `|` or `>`: chomping and indentation, either order.
BLOCK_HEADER = re.compile(r"(?:([-+])([0-9])?|([0-9])([-+])?)")


class _TabsAsLibYAML:
    """PyYAML's own scanner, skipping tabs where LibYAML does: after a key's colon and
    inside [...] and {...}. Without this, `title:<tab>Talks` builds where PyYAML was
    compiled with LibYAML and fails where it was not. Mirrors LibYAML's
    yaml_parser_scan_to_next_token; the rest is PyYAML's Scanner.scan_to_next_token."""

    def scan_to_next_token(self: Any) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain_spaces(self: Any, indent: int, start_mark: Any) -> list[str] | None:
        """PyYAML's, with tabs between words of a plain scalar kept, as LibYAML keeps
        them (`title: a<tab>b` is the text "a<tab>b" in both), and tabs after the
        indentation of a continued line skipped, as LibYAML skips them."""
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        if self.peek() not in "\r\n\x85\u2028\u2029":
            return [whitespaces] if whitespaces else chunks
        line_break = self.scan_line_break()
        self.allow_simple_key = True
        if self._document_marker():
            return None
        breaks = []
        while self.peek() in " \t\r\n\x85\u2028\u2029":
            if self.peek() == "\t" and self.column < indent:
                raise self._tab_in_indentation("while scanning a plain scalar", start_mark)
            # A tab after the indentation of a continued line separates words, as in
            # LibYAML (`edition: 2025-07-22` then ` <tab>x` on the next line).
            if self.peek() in " \t":
                self.forward()
            else:
                breaks.append(self.scan_line_break())
                if self._document_marker():
                    return None
        if line_break != "\n":
            chunks.append(line_break)
        elif not breaks:
            chunks.append(" ")
        chunks.extend(breaks)
        return chunks

    def scan_block_scalar_indicators(self: Any, start_mark: Any) -> tuple[bool | None, int | None]:
        """PyYAML's, with a tab after the header (`text: |<tab># note`) read as the
        space LibYAML reads it as."""
        header = BLOCK_HEADER.match(self.prefix(2))
        chomping = header.group(1) or header.group(4) if header else None
        digit = header.group(2) or header.group(3) if header else None
        if digit == "0":
            self.forward(header.group().index("0") if header else 0)
            raise yaml.scanner.ScannerError(
                "while scanning a block scalar",
                start_mark,
                "expected indentation indicator in the range 1-9, but found 0",
                self.get_mark(),
            )
        self.forward(header.end() if header else 0)
        if self.peek() not in "\0 \t\r\n\x85\u2028\u2029":
            raise yaml.scanner.ScannerError(
                "while scanning a block scalar",
                start_mark,
                f"expected chomping or indentation indicators, but found {self.peek()!r}",
                self.get_mark(),
            )
        return (None if chomping is None else chomping == "+"), (int(digit) if digit else None)

    def scan_block_scalar_ignored_line(self: Any, start_mark: Any) -> None:
        """PyYAML's, skipping tabs before a comment as LibYAML does."""
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0\r\n\x85\u2028\u2029":
                self.forward()
        if self.peek() not in "\0\r\n\x85\u2028\u2029":
            raise yaml.scanner.ScannerError(
                "while scanning a block scalar",
                start_mark,
                f"expected a comment or a line break, but found {self.peek()!r}",
                self.get_mark(),
            )
        self.scan_line_break()

    def scan_block_scalar_indentation(self: Any) -> tuple[list[str], int, Any]:
        """PyYAML's, refusing a tab where the indentation of `|` or `>` text is still
        being found, as LibYAML does (PyYAML would keep it as text)."""
        found = super().scan_block_scalar_indentation()  # type: ignore[misc]
        if self.peek() == "\t":
            raise self._tab_in_indentation("while scanning a block scalar", found[2])
        return found  # type: ignore[no-any-return]

    def scan_block_scalar_breaks(self: Any, indent: int) -> tuple[list[str], Any]:
        """PyYAML's, refusing a tab inside the indentation of `|` or `>` text, as
        LibYAML does."""
        found = super().scan_block_scalar_breaks(indent)  # type: ignore[misc]
        if self.peek() == "\t" and self.column < indent:
            raise self._tab_in_indentation("while scanning a block scalar", found[1])
        return found  # type: ignore[no-any-return]

    def _tab_in_indentation(self: Any, context: str, start_mark: Any) -> Exception:
        return yaml.scanner.ScannerError(
            context, start_mark, "found a tab character that violates indentation", self.get_mark()
        )

    def _document_marker(self: Any) -> bool:
        return bool(
            self.prefix(3) in ("---", "...") and self.peek(3) in "\0 \t\r\n\x85\u2028\u2029"
        )


#: Loaders by whether they use LibYAML, the C parser (about 10x faster) that not
#: every PyYAML is built with. Both must read every text alike (tests/text/test_properties.py).
LOADERS: dict[bool, type[Any]] = {
    False: _plain_text_loader(type("SafeLoader", (_TabsAsLibYAML, yaml.SafeLoader), {})),
    **({True: _plain_text_loader(yaml.CSafeLoader)} if hasattr(yaml, "CSafeLoader") else {}),
}
