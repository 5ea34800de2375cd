"""Safe YAML mappings with the file position of every top-level key and value.

One parse gives both the data and the positions: we compose the node graph
with PyYAML's C parser when it is available, note the marks, then construct
plain Python values with the safe constructor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.constructor
import yaml.reader

from generator.errors import SiteError
from generator.text.controls import name
from generator.text.yamlscan import BLOCK_HEADER, LOADERS, MERGE

#: A `#` right after a block scalar's header, which only could be one: read as a
#: comment by LibYAML (the value is then empty) and refused by PyYAML's own parser.
_GLUED_COMMENT = re.compile(r"[|>][-+0-9]{0,2}#")


#: Whether this PyYAML has LibYAML; tests turn it off to read as PyYAML's own parser.
LIBYAML = True in LOADERS


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column in the file."""

    line: int
    col: int


@dataclass(frozen=True, slots=True)
class LocatedMapping:
    """A YAML mapping with where each key and value starts."""

    data: dict[str, Any]
    key_at: Mapping[str, Position]
    value_at: Mapping[str, Position]
    #: Unquoted values YAML read as less than was typed, by key: the value as typed
    #: (to the end of its line) and what YAML took out of it ("#1 in 30 countries", a
    #: comment; "&Co", an anchor). Schemas refuse these in text fields.
    cut: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _pos(mark: Any, line_offset: int) -> Position:
    return Position(mark.line + 1 + line_offset, mark.column + 1)


def load_mapping(
    text: str,
    *,
    path: str,
    error: type[SiteError],
    line_offset: int = 0,
    what: str = "front matter",
) -> LocatedMapping:
    """Parse ``text`` as a YAML mapping; positions are shifted by ``line_offset`` lines."""
    place = _Where(path, error, line_offset, what)
    odd = _parsers_disagree(text, place)
    if odd is not None:
        raise odd
    try:
        # PyYAML's own reader checks the characters here; LibYAML when parsing.
        loader = LOADERS[LIBYAML](text)
    except yaml.reader.ReaderError as exc:
        raise _unreadable(exc, text, place) from None
    try:
        refused = _refused_token(text, place)
        if refused is not None:
            raise refused
        node = loader.get_single_node()
        if node is None:
            return LocatedMapping({}, {}, {})
        if not isinstance(node, yaml.MappingNode):
            start = _pos(node.start_mark, line_offset)
            raise _odd_space(text, place) or error(
                f"{what} must be a mapping of `key: value` lines, not a {_node_kind(node)}",
                path=path,
                line=start.line,
                col=start.col,
                hint="write one `key: value` per line",
            )
        return _located(loader, node, text, place)
    except yaml.MarkedYAMLError as exc:
        raise _invalid(exc, text, place) from None
    except RecursionError:
        raise error(
            f"{what} nests lists or mappings hundreds of levels deep, more than can be read",
            path=path,
            line=line_offset + 1,
            col=1,
            hint="flatten it: a value is text, a list or a mapping of a few levels",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise _unreadable(exc, text, place) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML in {what}: {exc}", path=path) from None
    finally:
        loader.dispose()


def _located(loader: Any, node: yaml.MappingNode, text: str, place: _Where) -> LocatedMapping:
    """The mapping's values, constructed, with where each key and value starts."""
    key_at: dict[str, Position] = {}
    value_at: dict[str, Position] = {}
    cut: dict[str, tuple[str, str]] = {}
    lines = text.split("\n")
    data: dict[str, Any] = {}
    owned: set[str] = set()
    own = {id(k) for k, _ in node.value if k.tag != MERGE}
    loader.flatten_mapping(node)  # resolve `<<: *anchor` merges, keeping positions
    for key_node, value_node in node.value:
        where = _pos(key_node.start_mark, place.line_offset)
        if not isinstance(key_node, yaml.ScalarNode):
            raise place.error.at(
                f"{place.what} keys must be plain words", path=place.path, where=where
            )
        key = str(key_node.value)
        # flatten_mapping lists merged keys first: a key of the mapping's own
        # overrides a merged one, as YAML says; two of its own are a mistake.
        if key in owned and id(key_node) in own:
            raise place.error.at(
                f"duplicate key '{key}' (first given on line {key_at[key].line})",
                path=place.path,
                where=where,
                hint="keep one of them",
            )
        if id(key_node) in own:
            owned.add(key)
        key_at[key] = where
        value_at[key] = _pos(value_node.start_mark, place.line_offset)
        data[key] = loader.construct_object(value_node, deep=True)
        lost = _lost(value_node, lines)
        if lost:
            cut[key] = lost
    return LocatedMapping(data, key_at, value_at, cut)


@dataclass(frozen=True, slots=True)
class _Where:
    """What an error about the YAML text needs to say where it is."""

    path: str
    error: type[SiteError]
    line_offset: int
    what: str

    def at(self, message: str, line: int, col: int, hint: str) -> SiteError:
        """An error at a 0-based line and column of the YAML text."""
        where = Position(line + 1 + self.line_offset, col + 1)
        return self.error.at(message, path=self.path, where=where, hint=hint)

    def at_index(self, text: str, index: int, message: str, hint: str) -> SiteError:
        """An error at the character ``text[index]``."""
        line = text.count("\n", 0, index)
        return self.at(message, line, index - (text.rfind("\n", 0, index) + 1), hint)


def _invalid(exc: yaml.MarkedYAMLError, text: str, where: _Where) -> SiteError:
    """The YAML error, said in an editor's terms where we can tell what caused it."""
    refused = _refused_at(exc, text, where)
    if refused is not None:
        return refused
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
        # An unclosed [ or " is only noticed at the end of the text; the place
        # where it was opened is where the editor has to look.
        mark = exc.context_mark
    odd = _odd_space(text, where)
    if odd is not None:
        return odd
    problem = exc.problem or exc.context or "cannot be parsed"
    if mark is None:
        return where.error(f"invalid YAML in {where.what}: {problem}", path=where.path)
    if text[mark.index : mark.index + 1] == "\t":
        return where.at(
            f"a tab indents this line of {where.what}, and YAML allows only spaces for indentation",
            mark.line,
            mark.column,
            "replace the tab with spaces",
        )
    if isinstance(exc, yaml.constructor.ConstructorError) and "for the tag" in problem:
        tag = problem.split("for the tag", 1)[1].strip(" '\"").removeprefix("tag:yaml.org,2002:")
        return _tag_refused(f"!!{tag}", mark.line, mark.column, where)
    return _starts_with_indicator(text, mark.line, where) or where.at(
        f"invalid YAML in {where.what}: {problem}",
        mark.line,
        mark.column,
        "check the indentation, and quote values that contain ': ', '#' or start with '['",
    )


#: What YAML makes of a value's first character, for those it does not read as text
#: (an unclosed '[' or '{' is a list or mapping left open: the general hint says so;
#: '!' and '&' have errors of their own, a tag refused and a value cut short).
_INDICATORS = {
    '"': "the start of a quoted text, which ends at the next '\"'",
    "'": 'the start of a quoted text, which ends at the next "\'"',
    "*": "an alias (a reference to an anchor)",
    "|": "the start of a block of lines",
    ">": "the start of a folded block of lines",
    "@": "a reserved character",
    "`": "a reserved character",
    "%": "a directive",
}
_KEY_VALUE = re.compile(r"^(\s*)([\w-]+):[ \t]+(\S.*?)\s*$")


def _starts_with_indicator(text: str, line: int, where: _Where) -> SiteError | None:
    """An unquoted value that starts with a character YAML gives a meaning ("Not guilty"
    says the jury, *Exclusive*, @POTUS, | or > ...): said so, with the line to write."""
    lines = text.split("\n")
    found = _KEY_VALUE.match(lines[line]) if line < len(lines) else None
    if found is None or found.group(3)[0] not in _INDICATORS:
        return None
    indent, key, value = found.groups()
    if "'" in value or '"' not in value:
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        quoted = f"'{value}'"
    return where.at(
        f"YAML reads the {value[0]!r} that starts '{key}' as {_INDICATORS[value[0]]}, not as text",
        line,
        lines[line].index(value, len(indent) + len(key) + 1),
        f"quote the whole value: {key}: {quoted}",
    )


def _refused_at(exc: yaml.MarkedYAMLError, text: str, where: _Where) -> SiteError | None:
    """A tag or a glued '#' where PyYAML's own scanner stops at it: LibYAML reads on
    and gives the token, which _refused_token refuses; both must say the same."""
    problem = exc.problem_mark
    if exc.context == "while scanning a tag" and exc.context_mark is not None:
        # PyYAML trips over what follows a tag (a tab) where LibYAML reads on.
        start = exc.context_mark
        written = text.split("\n")[start.line][start.column :].split()
        return _tag_refused(written[0] if written else "!", start.line, start.column, where)
    if exc.context != "while scanning a block scalar" or problem is None:
        return None
    if text[problem.index : problem.index + 1] == "#":
        return _glued_comment(text, problem.line, problem.column, where)
    return None


#: Characters YAML 1.1 reads as line breaks besides '\n' (carriage returns are gone).
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029\ufeff]")

#: Spaces that look like a space but are not one to YAML.
_ODD_SPACES = "\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"
_ODD_SPACE = re.compile(f"^ *(?:[\\w-]+:)?([{_ODD_SPACES}])", re.MULTILINE)


def _odd_space(text: str, where: _Where) -> SiteError | None:
    """A non-breaking (or other look-alike) space where YAML needs an ordinary one:
    after a key's colon, or indenting a line. YAML reports it a line later, or as a
    mapping that is not one."""
    found = _ODD_SPACE.search(text)
    if found is None:
        return None
    char = found.group(1)
    kind = unicodedata.name(char, f"U+{ord(char):04X}").lower()
    place = "after the colon" if text[found.start(1) - 1] == ":" else "at the start of the line"
    return where.at_index(
        text,
        found.start(1),
        f"the space {place} is a {kind} (U+{ord(char):04X}), which YAML does not read as a space",
        "type an ordinary space instead (word processors and some keyboards insert these)",
    )


def _unreadable(exc: yaml.reader.ReaderError, text: str, where: _Where) -> SiteError:
    """A character YAML refuses to read (a control character), at its line and column."""
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    # The first such character is where reading stopped; LibYAML's position counts bytes.
    at = text.find(char)
    return where.at_index(
        text,
        at if at >= 0 else exc.position,
        f"{name(char)} is an invisible control character, which YAML does not allow",
        "delete it (it often comes with text pasted from a word processor or a PDF)",
    )


def _parsers_disagree(text: str, where: _Where) -> SiteError | None:
    """Characters LibYAML and PyYAML read differently, or YAML and editors do."""
    found = _YAML_ONLY_BREAK.search(text)
    if found is None:
        return None
    if found.group() == "\ufeff":
        return where.at_index(
            text,
            found.start(),
            "U+FEFF (a byte-order mark) inside the text, which YAML parsers read differently",
            "delete it (it is invisible; it comes with text pasted from other files)",
        )
    # YAML counts these as line breaks, editors and we do not: every line and column
    # after one would be wrong, and a value would end where none seems to.
    return where.at_index(
        text,
        found.start(),
        f"{name(found.group())} is a line break to YAML, though editors do not show one",
        "delete it, or type an ordinary line break or space instead",
    )


def _refused_token(text: str, where: _Where) -> SiteError | None:
    """The first token of the text that briefing refuses, as an error: an explicit type
    tag (`!!int 3`, `!!set {a}`, `!x`), or a `#` glued to a block scalar's header.

    Every tag is refused rather than constructed: a tagged value is never text the
    editor meant, and PyYAML's constructors raise bare exceptions on bad ones
    (`!!int x`, `!!timestamp 2025-02-30`). The scanner's tokens find each one
    wherever it is: after an anchor, a comment or a line break, at any depth. The
    pure-Python scanner raises at a glued `#` itself (see _invalid), in the same
    order.
    """
    # Neither without a "!" or a glued "#": most front matter is spared the scan.
    if "!" not in text and not _GLUED_COMMENT.search(text):
        return None
    # A scanner reads ahead of the tokens it gives (LibYAML further than PyYAML), so a
    # problem on a later line can stop it before it gives a tag on an earlier one:
    # scan again up to that line, so that both parsers report what comes first.
    lines = text.split("\n")
    end = len(text)
    first: yaml.MarkedYAMLError | None = None
    while True:
        try:
            return _first_refused(text[:end], lines, where)
        except yaml.MarkedYAMLError as exc:
            first = first or exc
            mark = exc.problem_mark or exc.context_mark
            line_start = sum(len(line) + 1 for line in lines[: mark.line]) if mark else 0
            if line_start == 0 or line_start >= end:
                raise first from None
            end = line_start


def _first_refused(text: str, lines: list[str], where: _Where) -> SiteError | None:
    """The first tag or glued '#' among the tokens of ``text`` (a prefix of the lines)."""
    scanner = LOADERS[LIBYAML](text)
    try:
        while not scanner.check_token(yaml.StreamEndToken):
            token = scanner.get_token()
            mark = token.start_mark
            if isinstance(token, yaml.TagToken):
                written = lines[mark.line][mark.column :].split()
                return _tag_refused(written[0] if written else "!", mark.line, mark.column, where)
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                line = lines[mark.line]
                header = BLOCK_HEADER.match(line, mark.column + 1)
                after = header.end() if header else mark.column + 1
                if line[after : after + 1] == "#":
                    return _glued_comment(text, mark.line, after, where)
    finally:
        scanner.dispose()
    return None


def _tag_refused(tag: str, line: int, col: int, where: _Where) -> SiteError:
    """The error for a type tag at a 0-based line and column of the YAML text."""
    return where.at(
        f"'{tag}' is a YAML type tag, which briefing does not read",
        line,
        col,
        'quote the whole value if the text starts with "!", or delete the tag',
    )


def _glued_comment(text: str, line: int, col: int, where: _Where) -> SiteError:
    """The error for a `#` right after a block scalar's header (`tags: |#`), at it.

    YAML wants a space before a comment; LibYAML reads one anyway (`tags: |#` is then
    empty), PyYAML's own parser refuses it: the same file would build on one machine and
    fail on another."""
    header = text.split("\n")[line][:col].rstrip("-+0123456789")[-1]
    return where.at(
        f"'#' right after '{header}' needs a space before it to start a comment; without "
        "one, YAML parsers read this value differently (LibYAML drops the rest of the line)",
        line,
        col,
        f"put a space before '#' to write a comment ('{header} # note'), or quote the value "
        f"if '{header}#' is text",
    )


def _lost(node: yaml.Node, lines: list[str]) -> tuple[str, str] | None:
    """What YAML took out of an unquoted value: a comment after it or an anchor before
    it (a tag was refused by _first_tag). None for quoted values, lists and mappings,
    and whole values."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
        return None
    start, end = node.start_mark, node.end_mark
    typed = lines[start.line][start.column :].strip()
    if typed.startswith("&"):
        return typed, typed.split()[0]
    rest = lines[end.line][end.column :] if end.line < len(lines) else ""
    if rest.strip().startswith("#") and rest[:1].isspace():
        return typed, rest.strip()
    return None


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"
