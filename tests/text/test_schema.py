"""schema: validating a located mapping against a table of fields, and the coercers."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import ContentError
from generator.text import schema
from generator.text.schema import Field, Invalid
from generator.text.yamltext import Position, load_mapping

FIELDS = (
    Field("title", schema.text, required=True, doc="the headline"),
    Field("source", schema.web_url, required=True),
    Field("draft", schema.boolean, default=False),
    Field("paginate", schema.positive_int, default=10),
    Field("tags", schema.text_list, default=()),
    Field("kind", schema.one_of("news", "opinion"), default="news"),
)
KNOWN = "known keys: draft, kind, paginate, source, tags, title"
DEFAULTS = {"draft": False, "paginate": 10, "tags": (), "kind": "news"}


TOP = Position(1, 1)


def validate(text: str, start: Position = TOP) -> tuple[dict[str, Any], list[str]]:
    mapping = load_mapping(text, path="a.md", error=ContentError)
    values, errors = schema.validate(
        mapping, FIELDS, path="a.md", error=ContentError, start=start, what="front matter"
    )
    return values, [str(e) for e in errors]


OK = "title: T\nsource: https://example.org/a\n"
URL_HINT = "copy the full address from the browser, starting with https://"
LIST_HINT = "write it as [a, b] or as one '- a' line per entry"
TEXT_HINT = 'put the value in double quotes, e.g. title: "[Update] Talks resume"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (OK, {"title": "T", "source": "https://example.org/a", **DEFAULTS}),
        (
            OK + "draft: true\npaginate: 3\ntags: [energy, climate]\nkind: opinion\n",
            {
                "title": "T",
                "source": "https://example.org/a",
                "draft": True,
                "paginate": 3,
                "tags": ("energy", "climate"),
                "kind": "opinion",
            },
        ),
        # YAML gives text; yes/no, on/off in any case and quoted numbers are converted here.
        (
            OK + "draft: Yes\npaginate: '007'\ntags: 2025\n",
            {
                "title": "T",
                "source": "https://example.org/a",
                **DEFAULTS,
                "draft": True,
                "paginate": 7,
                "tags": ("2025",),
            },
        ),
        (OK + "draft: OFF\n", {"title": "T", "source": "https://example.org/a", **DEFAULTS}),
        # A title that YAML 1.1 would read as a yes/no value stays the title.
        (
            "title: yes\nsource: https://example.org/a\n",
            {"title": "yes", "source": "https://example.org/a", **DEFAULTS},
        ),
        # An optional key with nothing after it is "not given": the default applies.
        (OK + "tags:\ndraft:\n", {"title": "T", "source": "https://example.org/a", **DEFAULTS}),
        (
            OK + "tags: ~\ndraft: null\n",
            {"title": "T", "source": "https://example.org/a", **DEFAULTS},
        ),
    ],
)
def test_valid_mapping_gives_values_and_defaults(text: str, expected: dict[str, Any]) -> None:
    assert validate(text) == (expected, [])


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "titel: T\nsource: https://example.org/a\n",
            [
                "a.md:1:1: unknown key 'titel' in front matter; did you mean 'title'?",
                "a.md:1:1: missing required key 'title' in front matter; "
                "add `title: ...` (the headline)",
            ],
        ),
        (OK + "colour: red\n", [f"a.md:3:1: unknown key 'colour' in front matter; {KNOWN}"]),
        # A missing key without a doc has no hint.
        ("title: T\n", ["a.md:1:1: missing required key 'source' in front matter"]),
        # An empty required value is reported once, at the value, not at the start.
        pytest.param(
            "source: https://example.org/a\ntitle:\n",
            ["a.md:2:7: 'title' is empty; add `title: ...` (the headline)"],
        ),
        ("source: https://example.org/a\ntitle: '  '\n", ["a.md:2:8: 'title' is empty"]),
        (
            "source: https://example.org/a\ntitle: [Update, Talks]\n",
            [f"a.md:2:8: 'title' must be text, not a list; {TEXT_HINT}"],
        ),
        (
            OK + "paginate: 0\n",
            ["a.md:3:11: 'paginate' must be a whole number of 1 or more, not '0'"],
        ),
        (
            OK + "paginate: 2.5\n",
            ["a.md:3:11: 'paginate' must be a whole number of 1 or more, not '2.5'"],
        ),
        (
            OK + "draft: maybe\n",
            ["a.md:3:8: 'draft' must be true or false, not 'maybe'"],
        ),
        (
            OK + "draft: [yes]\n",
            ["a.md:3:8: 'draft' must be true or false, not a list"],
        ),
        (
            OK + "kind: opinon\n",
            [
                "a.md:3:7: 'kind' must be one of news, opinion, not 'opinon'; "
                "did you mean 'opinion'?"
            ],
        ),
        # A zero-width space pasted before a key: named, and not also "missing".
        (
            "\u200btitle: T\nsource: https://example.org/a\n",
            [
                "a.md:1:1: the key 'title' in front matter has an invisible zero width space "
                "(U+200B) in it; delete it: write `title:` (it comes with text pasted from web "
                "pages and chats)"
            ],
        ),
        (
            OK + "tag\u2060s: [a]\n",
            [
                "a.md:3:1: the key 'tags' in front matter has an invisible word joiner (U+2060) "
                "in it; delete it: write `tags:` (it comes with text pasted from web pages and "
                "chats)"
            ],
        ),
        # Every problem in the mapping comes back at once, each at its own place.
        (
            "titel: T\nsource: ftp://example.org/a\ndraft: 1\npaginate: -2\ntags: {a: b}\n",
            [
                "a.md:1:1: unknown key 'titel' in front matter; did you mean 'title'?",
                "a.md:2:9: 'source' must be an absolute http(s) URL, not 'ftp://example.org/a'; "
                "copy the full address from the browser, starting with https://",
                "a.md:3:8: 'draft' must be true or false, not '1'",
                "a.md:4:11: 'paginate' must be a whole number of 1 or more, not '-2'",
                "a.md:5:7: 'tags' must be a list, not a mapping; "
                "write it as [a, b] or as one '- a' line per entry",
                "a.md:1:1: missing required key 'title' in front matter; "
                "add `title: ...` (the headline)",
            ],
        ),
    ],
)
def test_errors(text: str, errors: list[str]) -> None:
    assert validate(text)[1] == errors


def test_missing_keys_are_reported_where_the_mapping_starts() -> None:
    assert validate("draft: true\n", start=Position(7, 3))[1] == [
        "a.md:7:3: missing required key 'title' in front matter; add `title: ...` (the headline)",
        "a.md:7:3: missing required key 'source' in front matter",
    ]


@pytest.mark.parametrize(
    ("coerce", "value", "expected"),
    [
        (schema.text, "  Talks in Istanbul ", "Talks in Istanbul"),
        # Text is taken as written: YAML no longer turns it into numbers or yes/no values.
        (schema.text, "3.10", "3.10"),
        (schema.text, "No", "No"),
        (schema.boolean, "true", True),
        (schema.boolean, "True", True),
        (schema.boolean, "yes", True),
        (schema.boolean, "YES", True),
        (schema.boolean, "on", True),
        (schema.boolean, " On ", True),
        (schema.boolean, "false", False),
        (schema.boolean, "FALSE", False),
        (schema.boolean, "no", False),
        (schema.boolean, "No", False),
        (schema.boolean, "off", False),
        (schema.boolean, "Off", False),
        (schema.positive_int, "1", 1),
        (schema.positive_int, "250", 250),
        (schema.positive_int, "007", 7),
        (schema.positive_int, " 3 ", 3),
        (schema.text_list, "energy, climate", ("energy", "climate")),
        (schema.text_list, "energy", ("energy",)),
        (schema.text_list, "energy,, climate, energy ,", ("energy", "climate")),
        (schema.text_list, ["energy", "climate", "energy"], ("energy", "climate")),
        (schema.text_list, ["Energy", "energy"], ("Energy", "energy")),
        (schema.text_list, ["2025", " x "], ("2025", "x")),
        (schema.text_list, [], ()),
        (schema.text_list, "", ()),
        (schema.web_url, "https://www.reuters.com/world/x", "https://www.reuters.com/world/x"),
        (schema.web_url, "http://example.org", "http://example.org"),
        (schema.web_url, "HTTPS://EXAMPLE.ORG/A", "HTTPS://EXAMPLE.ORG/A"),
        (schema.web_url, " https://example.org/a%20b ", "https://example.org/a%20b"),
        (schema.one_of("news", "opinion"), "opinion", "opinion"),
    ],
)
def test_coercers_accept(coerce: schema.Coercer, value: Any, expected: Any) -> None:
    assert coerce(value) == expected


@pytest.mark.parametrize(
    ("coerce", "value", "message", "hint"),
    [
        (schema.text, ["a"], "must be text, not a list", TEXT_HINT),
        (schema.text, {"a": "1"}, "must be text, not a mapping", TEXT_HINT),
        (schema.text, None, "must be text, not an empty entry", TEXT_HINT),
        (schema.text, "", "is empty", None),
        (schema.text, "   ", "is empty", None),
        (schema.boolean, "maybe", "must be true or false, not 'maybe'", None),
        (schema.boolean, "1", "must be true or false, not '1'", None),
        (schema.boolean, "0", "must be true or false, not '0'", None),
        (schema.boolean, "y", "must be true or false, not 'y'", None),
        (schema.boolean, "truee", "must be true or false, not 'truee'", None),
        (schema.boolean, ["true"], "must be true or false, not a list", None),
        (schema.boolean, {"a": "b"}, "must be true or false, not a mapping", None),
        (schema.boolean, None, "must be true or false, not an empty entry", None),
        pytest.param(schema.boolean, "", "must be true or false, not ''", None),
        (schema.positive_int, "0", "must be a whole number of 1 or more, not '0'", None),
        (schema.positive_int, "-3", "must be a whole number of 1 or more, not '-3'", None),
        (schema.positive_int, "+3", "must be a whole number of 1 or more, not '+3'", None),
        (schema.positive_int, "2.5", "must be a whole number of 1 or more, not '2.5'", None),
        (schema.positive_int, "1e3", "must be a whole number of 1 or more, not '1e3'", None),
        (schema.positive_int, "0x10", "must be a whole number of 1 or more, not '0x10'", None),
        (schema.positive_int, "1_000", "must be a whole number of 1 or more, not '1_000'", None),
        (schema.positive_int, "ten", "must be a whole number of 1 or more, not 'ten'", None),
        (schema.positive_int, "", "must be a whole number of 1 or more, not ''", None),
        (schema.positive_int, ["10"], "must be a whole number of 1 or more, not a list", None),
        (
            schema.positive_int,
            {"a": "1"},
            "must be a whole number of 1 or more, not a mapping",
            None,
        ),
        (schema.text_list, {"a": "1"}, "must be a list, not a mapping", LIST_HINT),
        (
            schema.text_list,
            ["a", ["b"]],
            "must be a list of words, but has a list in it",
            LIST_HINT,
        ),
        (
            schema.text_list,
            [{"a": "b"}],
            "must be a list of words, but has a mapping in it",
            LIST_HINT,
        ),
        (
            schema.text_list,
            ["a", None],
            "must be a list of words, but has an empty entry in it",
            LIST_HINT,
        ),
        (
            schema.web_url,
            "javascript:alert(1)",
            "must be an absolute http(s) URL, not 'javascript:alert(1)'",
            URL_HINT,
        ),
        (schema.web_url, "ftp://x", "must be an absolute http(s) URL, not 'ftp://x'", URL_HINT),
        (
            schema.web_url,
            "reuters.com/x",
            "must be an absolute http(s) URL, not 'reuters.com/x'",
            URL_HINT,
        ),
        (schema.web_url, "https://", "must be an absolute http(s) URL, not 'https://'", URL_HINT),
        (schema.web_url, "/world/x", "must be an absolute http(s) URL, not '/world/x'", URL_HINT),
        (
            schema.web_url,
            "https://example.org/a b",
            "must not contain spaces: 'https://example.org/a b'",
            "encode spaces as %20",
        ),
        (
            schema.web_url,
            "https://exam ple.org/",
            "must not contain spaces: 'https://exam ple.org/'",
            "encode spaces as %20",
        ),
        (schema.web_url, ["https://example.org/a"], "must be text, not a list", TEXT_HINT),
        (schema.web_url, None, "must be text, not an empty entry", TEXT_HINT),
        (
            schema.one_of("news", "opinion"),
            "opinon",
            "must be one of news, opinion, not 'opinon'",
            "did you mean 'opinion'?",
        ),
        (schema.one_of("news", "opinion"), "zzz", "must be one of news, opinion, not 'zzz'", None),
        (
            schema.one_of("news", "opinion"),
            "News",
            "must be one of news, opinion, not 'News'",
            "did you mean 'news'?",
        ),
        (schema.one_of("news", "opinion"), ["news"], "must be text, not a list", TEXT_HINT),
    ],
)
def test_coercers_reject(
    coerce: schema.Coercer, value: Any, message: str, hint: str | None
) -> None:
    with pytest.raises(Invalid) as excinfo:
        coerce(value)
    assert (excinfo.value.message, excinfo.value.hint) == (message, hint)


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("titel", ["title", "tags"], "did you mean 'title'?"),
        ("Europe/Kyivv", ["Europe/Kyiv", "Europe/Paris"], "did you mean 'Europe/Kyiv'?"),
        ("zzzz", ["title", "tags"], None),
    ],
)
def test_suggest(word: str, choices: list[str], expected: str | None) -> None:
    assert schema.suggest(word, choices) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("3.10", "3.10"),
        ("007", "007"),
        ("1e3", "1e3"),
        ("0x10", "0x10"),
        ("No", "No"),
        ("off", "off"),
        ("2025-07-22", "2025-07-22"),
    ],
)
def test_text_is_taken_as_written(written: str, expected: str) -> None:
    values, errors = validate(f"title: {written}\nsource: https://example.org/a\n")
    assert (values["title"], errors) == (expected, [])


def test_an_empty_list_entry_is_called_an_empty_entry() -> None:
    assert validate(OK + "tags:\n  - energy\n  -\n")[1] == [
        f"a.md:4:3: 'tags' must be a list of words, but has an empty entry in it; {LIST_HINT}"
    ]


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        (
            "https://[www.reuters.com](https://www.reuters.com/x)",
            "is a Markdown link, not an address: "
            "'https://[www.reuters.com](https://www.reuters.com/x)'",
            "write the address alone: https://www.reuters.com/x",
        ),
        (
            "[Reuters](https://www.reuters.com/x)",
            "is a Markdown link, not an address: '[Reuters](https://www.reuters.com/x)'",
            "write the address alone: https://www.reuters.com/x",
        ),
        (
            "https://[www.reuters.com/x",
            "is not a valid address: 'https://[www.reuters.com/x'",
            "copy the full address from the browser, starting with https://",
        ),
    ],
)
def test_a_pasted_markdown_link_or_a_broken_address_is_invalid_not_a_crash(
    written: str, message: str, hint: str
) -> None:
    with pytest.raises(schema.Invalid) as invalid:
        schema.web_url(written)
    assert (invalid.value.message, invalid.value.hint) == (message, hint)
