"""yamltext.load_mapping: safe YAML mappings with the file position of each key and value."""

from __future__ import annotations

import pytest

from generator.errors import ConfigError, ContentError
from generator.text import yamlscan, yamltext
from generator.text.yamltext import Position, load_mapping

HINT = "check the indentation, and quote values that contain ': ', '#' or start with '['"


def load(text: str, line_offset: int = 0):
    return load_mapping(text, path="a.md", error=ContentError, line_offset=line_offset)


@pytest.mark.parametrize(
    ("text", "line_offset", "key_at", "value_at"),
    [
        (
            "title: x\ndate: 2025-07-22\n",
            0,
            {"title": Position(1, 1), "date": Position(2, 1)},
            {"title": Position(1, 8), "date": Position(2, 7)},
        ),
        # Front matter starts on line 2 of the file: everything moves down one line.
        (
            "title: x\ndate: 2025-07-22\n",
            1,
            {"title": Position(2, 1), "date": Position(3, 1)},
            {"title": Position(2, 8), "date": Position(3, 7)},
        ),
        (
            "tags:\n  - a\n  - b\nsummary:   indented\n",
            4,
            {"tags": Position(5, 1), "summary": Position(8, 1)},
            {"tags": Position(6, 3), "summary": Position(8, 12)},
        ),
    ],
)
def test_positions_are_file_lines_and_columns(
    text: str, line_offset: int, key_at: dict[str, Position], value_at: dict[str, Position]
) -> None:
    mapping = load(text, line_offset)
    assert dict(mapping.key_at) == key_at
    assert dict(mapping.value_at) == value_at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: x\n", {"title": "x"}),
        # Dates stay text: the schema parses them in the site's zone.
        ("date: 2025-07-22\n", {"date": "2025-07-22"}),
        ("date: 2025-07-22 09:15\n", {"date": "2025-07-22 09:15"}),
        ("date: 2025-07-22T09:15:00+03:00\n", {"date": "2025-07-22T09:15:00+03:00"}),
        # Every plain scalar is text: no guessing of yes/no, numbers or dates.
        ("draft: yes\npaginate: 3\n", {"draft": "yes", "paginate": "3"}),
        ("title: No\n", {"title": "No"}),
        ("title: 3.10\n", {"title": "3.10"}),
        ("title: 007\n", {"title": "007"}),
        ("title: 0x10\n", {"title": "0x10"}),
        ("title: 1e3\n", {"title": "1e3"}),
        ("title: .inf\n", {"title": ".inf"}),
        ("date: 2025-02-30\n", {"date": "2025-02-30"}),
        ("tags: [a, b]\n", {"tags": ["a", "b"]}),
        ("tags: [1, true, off, 2.5]\n", {"tags": ["1", "true", "off", "2.5"]}),
        (
            "source: {url: https://a.org/, name: 2}\n",
            {"source": {"url": "https://a.org/", "name": "2"}},
        ),
        ("title: 'yes'\n", {"title": "yes"}),
        ("title: ''\n", {"title": ""}),
        # Only an empty value, ~ and null (in any of YAML's spellings) are "nothing".
        ("summary:\n", {"summary": None}),
        ("a: ~\nb: null\nc: Null\nd: NULL\n", {"a": None, "b": None, "c": None, "d": None}),
        ("tags: [a, ~]\n", {"tags": ["a", None]}),
        ("", {}),
        ("\n\n", {}),
        ("# only a comment\n", {}),
    ],
)
def test_values(text: str, expected: dict[str, object]) -> None:
    assert load(text).data == expected


def test_empty_text_has_no_positions() -> None:
    mapping = load("", line_offset=3)
    assert (mapping.data, dict(mapping.key_at), dict(mapping.value_at)) == ({}, {}, {})


@pytest.mark.parametrize(
    ("text", "line_offset", "message"),
    [
        # Line 3 of the front matter is line 4 of a file whose front matter starts on line 2.
        (
            "title: x\ndate: 2025-07-22\nsummary: a: b\n",
            1,
            "a.md:4:11: invalid YAML in front matter: "
            f"mapping values are not allowed in this context; {HINT}",
        ),
        (
            "title: x\ndate: 2025-07-22\nsummary: a: b\n",
            0,
            "a.md:3:11: invalid YAML in front matter: "
            f"mapping values are not allowed in this context; {HINT}",
        ),
        (
            "title: x\n\tdate: 2025-07-22\n",
            1,
            "a.md:3:1: a tab indents this line of front matter, and YAML allows only spaces "
            "for indentation; replace the tab with spaces",
        ),
        (
            "title: x\ndate: y\ntitle: z\n",
            1,
            "a.md:4:1: duplicate key 'title' (first given on line 2); keep one of them",
        ),
        (
            "title: x\ndate: y\n\n\ndate: z\n",
            9,
            "a.md:14:1: duplicate key 'date' (first given on line 11); keep one of them",
        ),
        (
            "- title: x\n- date: y\n",
            1,
            "a.md:2:1: front matter must be a mapping of `key: value` lines, not a list; "
            "write one `key: value` per line",
        ),
        (
            "just a sentence\n",
            1,
            "a.md:2:1: front matter must be a mapping of `key: value` lines, not a single value; "
            "write one `key: value` per line",
        ),
        ("? [a, b]\n: c\n", 0, "a.md:1:3: front matter keys must be plain words"),
        # Every explicit tag is refused, before PyYAML's constructors see it: they
        # raise bare exceptions on bad values (`!!int x`, `!!timestamp 2025-02-30`).
        *(
            (
                f"title: {value}\n",
                0,
                f"a.md:1:{col}: '{tag}' is a YAML type tag, which briefing does not read; "
                'quote the whole value if the text starts with "!", or delete the tag',
            )
            for value, tag, col in [
                ("!!int x", "!!int", 8),
                ("!!int", "!!int", 8),
                ("!!bool", "!!bool", 8),
                ("!!timestamp 2025-02-30", "!!timestamp", 8),
                ("!!set {Talks, resume}", "!!set", 8),
                ("!!binary VGFsa3M=", "!!binary", 8),
                ("[Talks, !!float 3.5]", "!!float", 16),
                ("&a !!str Talks", "!!str", 11),  # at the tag, after the anchor
                ("{x: !local y}", "!local", 12),
                ("! Talks", "!", 8),
            ]
        ),
        # A tag is found wherever it is: after an anchor, a comment, a line break.
        (
            "title: T\nsummary: &a\n  !!binary aGk=\n",
            0,
            "a.md:3:3: '!!binary' is a YAML type tag, which briefing does not read; "
            'quote the whole value if the text starts with "!", or delete the tag',
        ),
        (
            "tags: &a # the usual ones\n\n  !!set {a, b}\n",
            0,
            "a.md:3:3: '!!set' is a YAML type tag, which briefing does not read; "
            'quote the whole value if the text starts with "!", or delete the tag',
        ),
        # The safe loader refuses Python tags instead of running them.
        (
            "title: !!python/object/apply:os.system ['echo hacked']\n",
            0,
            "a.md:1:8: '!!python/object/apply:os.system' is a YAML type tag, which briefing "
            'does not read; quote the whole value if the text starts with "!", or delete the tag',
        ),
        (
            "title: !!python/object:builtins.dict {}\n",
            1,
            "a.md:2:8: '!!python/object:builtins.dict' is a YAML type tag, which briefing "
            'does not read; quote the whole value if the text starts with "!", or delete the tag',
        ),
    ],
)
def test_errors(text: str, line_offset: int, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        load(text, line_offset)
    assert str(excinfo.value) == message


ODD_SPACE_HINT = "type an ordinary space instead (word processors and some keyboards insert these)"


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
@pytest.mark.parametrize(
    ("text", "message"),
    [
        # YAML reads `title:<NBSP>Talks` as one word, and complains a line later.
        (
            "title:\u00a0Talks resume\ndate: 2025-07-22\n",
            "a.md:2:7: the space after the colon is a no-break space (U+00A0), which YAML "
            f"does not read as a space; {ODD_SPACE_HINT}",
        ),
        (
            "date: 2025-07-22\ntitle:\u202fTalks resume\n",
            "a.md:3:7: the space after the colon is a narrow no-break space (U+202F), which "
            f"YAML does not read as a space; {ODD_SPACE_HINT}",
        ),
        (
            "tags:\n\u00a0\u00a0- energy\n",
            "a.md:3:1: the space at the start of the line is a no-break space (U+00A0), "
            f"which YAML does not read as a space; {ODD_SPACE_HINT}",
        ),
        (
            "tags:\n\t- energy\n",
            "a.md:3:1: a tab indents this line of front matter, and YAML allows only spaces "
            "for indentation; replace the tab with spaces",
        ),
        (
            "date: 2025-07-22\ntitle: Talks\u2028resume\n",
            "a.md:3:13: U+2028 (line separator) is a line break to YAML, though editors do not "
            "show one; delete it, or type an ordinary line break or space instead",
        ),
        (
            "title: Talks\x85resume\n",
            "a.md:2:13: U+0085 (next line) is a line break to YAML, though editors do not show "
            "one; delete it, or type an ordinary line break or space instead",
        ),
        (
            "title: Talks\u001b resume\n",
            "a.md:2:13: U+001B (escape) is an invisible control character, which YAML does not "
            "allow; delete it (it often comes with text pasted from a word processor or a PDF)",
        ),
    ],
    ids=[
        "nbsp-after-colon",
        "narrow-nbsp-last-line",
        "nbsp-indent",
        "tab-indent",
        "line-separator",
        "next-line",
        "escape",
    ],
)
def test_look_alike_spaces_tabs_and_controls_are_named_where_they_are(
    text: str, message: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    with pytest.raises(ContentError) as excinfo:
        load(text, 1)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
def test_a_tab_after_the_colon_reads_alike_with_and_without_libyaml(
    libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibYAML allows it; PyYAML's own scanner refused it until we taught it LibYAML's rule."""
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    mapping = load("title:\tTalks resume\ntags: [a,\tb]\n")
    assert mapping.data == {"title": "Talks resume", "tags": ["a", "b"]}


def test_error_class_and_wording_come_from_the_caller() -> None:
    with pytest.raises(ConfigError) as excinfo:
        load_mapping("- a\n", path="site.yaml", error=ConfigError, what="site.yaml")
    assert str(excinfo.value) == (
        "site.yaml:1:1: site.yaml must be a mapping of `key: value` lines, not a list; "
        "write one `key: value` per line"
    )


# Keys are the text as written, so a key YAML 1.1 would read as a yes/no value, a null
# or a number is kept (and later reported as unknown) instead of turning into 'False'.
@pytest.mark.parametrize(
    ("text", "key", "value_col"),
    [
        ("no: x\n", "no", 5),
        ("on: x\n", "on", 5),
        ("Yes: x\n", "Yes", 6),
        ("null: x\n", "null", 7),
        ("~: x\n", "~", 4),
        ("0x10: x\n", "0x10", 7),
        ("1.50: x\n", "1.50", 7),
        ("2025-07-22: x\n", "2025-07-22", 13),
    ],
)
def test_every_key_is_kept_as_written_with_its_position(
    text: str, key: str, value_col: int
) -> None:
    mapping = load(text)
    assert (mapping.data, dict(mapping.key_at), dict(mapping.value_at)) == (
        {key: "x"},
        {key: Position(1, 1)},
        {key: Position(1, value_col)},
    )


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("title: <<\n", {"title": "<<"}),
        ("tags: [a, <<]\n", {"tags": ["a", "<<"]}),
        ("extra: {arrow: <<}\n", {"extra": {"arrow": "<<"}}),
    ],
)
def test_a_merge_sign_that_is_not_a_key_is_text(
    text: str, data: dict[str, object], libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    assert load(text).data == data


def test_merge_keys_are_flattened_at_the_position_inside_the_anchor() -> None:
    mapping = load("base: &b {title: T, draft: yes}\n<<: *b\ndate: x\n", line_offset=1)
    assert (mapping.data, dict(mapping.key_at), dict(mapping.value_at)) == (
        {"base": {"title": "T", "draft": "yes"}, "title": "T", "draft": "yes", "date": "x"},
        {
            "base": Position(2, 1),
            "title": Position(2, 11),
            "draft": Position(2, 21),
            "date": Position(4, 1),
        },
        {
            "base": Position(2, 7),
            "title": Position(2, 18),
            "draft": Position(2, 28),
            "date": Position(4, 7),
        },
    )


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
def test_a_tag_followed_by_a_tab_is_refused_as_a_tag_by_both_parsers(
    libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML's own scanner stumbles over the tab first; the tag is what to report."""
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    with pytest.raises(ContentError) as excinfo:
        load("title: T\nsummary: !!int\t# note\n")
    assert (excinfo.value.line, excinfo.value.col) == (2, 10)
    assert excinfo.value.message == "'!!int' is a YAML type tag, which briefing does not read"


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        # Inside flow collections, after anchors and in block lists: wherever it is.
        ("title: T\nsummary: [!!int\t1]\n", 2, 11),
        ("title: T\nsummary: {a: !!int\t1}\n", 2, 14),
        ("title: T\nsummary: &a !!int\t1\n", 2, 13),
        ("title: T\ntags:\n  - &a !!str\tx\n", 3, 8),
    ],
)
def test_a_tag_followed_by_a_tab_is_a_tag_anywhere_with_both_parsers(
    libyaml: bool, text: str, line: int, col: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    with pytest.raises(ContentError) as excinfo:
        load(text)
    assert (excinfo.value.line, excinfo.value.col) == (line, col)
    assert excinfo.value.message.endswith("is a YAML type tag, which briefing does not read")


GLUED = (
    "'#' right after '{0}' needs a space before it to start a comment; without one, YAML "
    "parsers read this value differently (LibYAML drops the rest of the line)"
)


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
@pytest.mark.parametrize(
    ("text", "line", "col", "indicator"),
    [
        # LibYAML reads `tags: |#` as no tags at all; PyYAML's own parser refuses it.
        ("title: T\ntags: |#\n", 2, 8, "|"),
        ("title: T\nsummary: >-#\n  text\n", 2, 12, ">"),
        ("title: T\nsummary: |2+# note\n   text\n", 2, 13, "|"),
        ("title: T\ntags:\n  - |#\n", 3, 6, "|"),
        # The first of a tag and a glued '#' is reported, in the file's order.
        ("title: T\nsummary: |#\nsource: !x\n", 2, 11, "|"),
    ],
)
def test_a_hash_glued_to_a_block_scalar_header_is_an_error_with_both_parsers(
    libyaml: bool, text: str, line: int, col: int, indicator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    with pytest.raises(ContentError) as excinfo:
        load(text)
    assert (excinfo.value.line, excinfo.value.col) == (line, col)
    assert excinfo.value.message == GLUED.format(indicator)
    assert excinfo.value.hint == (
        f"put a space before '#' to write a comment ('{indicator} # note'), or quote the "
        f"value if '{indicator}#' is text"
    )


@pytest.mark.parametrize("libyaml", sorted(yamlscan.LOADERS))
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A tab after the header, before a comment or the line's end, is a space to
        # LibYAML and to YAML 1.2; PyYAML's own scanner reads it so too here.
        ("summary: |\t# note\n  text\n", {"summary": "text\n"}),
        ("summary: >-\t\n  a\n  b\n", {"summary": "a b"}),
        # A '#' that is text stays text: quoted, or inside a plain value.
        ('tags: "|#"\n', {"tags": "|#"}),
        ("title: Top >#1 in charts\n", {"title": "Top >#1 in charts"}),
    ],
)
def test_block_scalar_headers_read_alike_with_both_parsers(
    libyaml: bool, text: str, expected: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "LIBYAML", libyaml)
    assert load(text).data == expected
