"""Property tests (hypothesis): arbitrary input never crashes the readers of front matter,
site.yaml and Markdown.

Arbitrary text, and arbitrary YAML values, go into every item front-matter field, the
edition field and every site.yaml key, read with LibYAML and with PyYAML's own parser.
Each ends in a build (a Document, an EditionNote, a SiteConfig) or in BuildFailed whose
every error names the file, a line in it and what is wrong: never another exception.
Front matter must read the same with both parsers, and any Markdown body must render.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import BuildFailed, SiteError
from generator.model.records import Document, EditionNote, Rendered
from generator.project import config
from generator.reading import content, markup
from generator.reading.sources import Source, decode
from generator.text import yamlscan, yamltext

#: A failing example makes hypothesis import libcst (to print a patch adding it as an
#: @example), whose import warns through mypy_extensions; under `filterwarnings = error`
#: that warning would end the whole run in an INTERNALERROR instead of reporting the failure.
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)

UTC = ZoneInfo("UTC")
ITEM_PATH = "content/2025-07-22-a.md"
EDITION_PATH = "content/editions/2025-07-22.md"
CONFIG_PATH = Path("site.yaml")

#: Valid front matter and site.yaml, key by key; the key under test replaces its line or
#: is added at the end.
ITEM_BASE = {"title": "A headline", "date": "2025-07-22", "source": "https://example.com/a"}
EDITION_BASE = {"title": "An edition"}
CONFIG_BASE = {"title": "T", "url": "https://example.com/"}

ITEM_FIELDS = [field.name for field in content.item_fields(UTC)]
EDITION_FIELDS = [field.name for field in content.EDITION_FIELDS]
CONFIG_FIELDS = [field.name for field in config.FIELDS]

#: Examples drawn afresh per field and parser when set: BRIEFING_EXPLORE=4000 hunts for
#: new failures (before moving hypothesis' pin, say) instead of repeating the fixed set.
EXPLORE = int(os.environ.get("BRIEFING_EXPLORE", "0"))
#: 100 examples per field and parser, the same ones on every run (CI included): a
#: failure is one anybody can run again. Inputs hunts found are kept in FOUND and
#: FOUND_APART below, tried on every run whatever is drawn.
PROPERTY = settings(
    max_examples=EXPLORE or 100,
    derandomize=not EXPLORE,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

LOADER_CHOICES = [
    pytest.param(
        True,
        id="libyaml",
        marks=pytest.mark.skipif(
            True not in yamlscan.LOADERS, reason="this PyYAML is built without LibYAML"
        ),
    ),
    pytest.param(False, id="pure-python"),
]
BOTH_LOADERS = pytest.mark.skipif(
    True not in yamlscan.LOADERS, reason="this PyYAML is built without LibYAML: nothing to compare"
)


@contextmanager
def parser(libyaml: bool) -> Iterator[None]:
    """Read YAML with LibYAML (True) or PyYAML's own parser (False) inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamltext, "LIBYAML", libyaml)
        yield


# Strategies --------------------------------------------------------------

#: Characters YAML gives a meaning, over-weighted against the rest of Unicode.
YAML_SYNTAX = "#&*!|>'\"%@`{}[],:-?~<=\\."
#: Spaces and breaks that look alike to an editor and not to YAML, and characters
#: YAML refuses.
SPACES = "\t \u00a0\u2028\u2029\u0085\u200b\ufeff\x00\x1b\x0b\x0c\r\n"
characters = st.one_of(
    st.sampled_from(YAML_SYNTAX), st.sampled_from(SPACES), st.characters(exclude_categories=["Cs"])
)

#: Fragments YAML and the schemas read specially: tags, anchors, aliases, merges,
#: indicators, directives, fences, and words the coercers know (booleans, dates,
#: URLs, time zones, choices, permalink placeholders).
TOKENS = [
    "!!int", "!!float", "!!bool", "!!null", "!!str", "!!binary", "!!timestamp", "!!set",
    "!!omap", "!!pairs", "!!seq", "!!map", "!!merge", "!!python/object:os.system",
    "!<tag:yaml.org,2002:int>", "!local", "&a", "*a", "&b ", "*b", "<<", "<<: *a", "---",
    "...", "%YAML 1.1", "%TAG ! tag:example.com,2025:", "? ", ": ", "- ", " #", "|", ">-",
    "|+2", '"', "'", "\\x", "\\u12", "\\N", "~", "null", "true", "no", "0x1F", "1e3",
    ".nan", "2025-07-22", "2025-02-30", "2025-07-22T09:15:00+03:00", "9999-12-31T23:59:59-23:59",
    "12:30:00", "https://example.com/", "http://[::1", "[a](https://example.com/b)",
    "{url: https://example.com/b, name: B}", "America", "Etc", "Europe/Kyiv", "UTC",
    "daily", "weekly", "sunday", "{slug}", "/{year}/{slug}/", "{0!r:>}", "reuters.com: R",
    "\n", "\n  ", "\n- ", "\n---\n", "\n...\n",
]  # fmt: skip

#: How deep to nest: mostly shallow, often deep enough to exhaust a recursive parser.
depths = st.one_of(st.integers(1, 20), st.integers(100, 600))
#: An opener repeated: deeply nested flow and block collections.
nesting = st.builds(
    lambda opener, depth: opener[0] + opener[1] * depth,
    st.sampled_from([("", "["), ("", "{"), ("", "{a: "), ("", "[&x "), ("\n", "- ")]),
    depths,
)

yaml_text = st.one_of(
    st.text(),
    st.text(characters),
    st.lists(st.one_of(characters, st.sampled_from(TOKENS), nesting), max_size=30).map("".join),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(characters),
    st.sampled_from(TOKENS),
    st.dates(),
    st.datetimes(),
)
keys = st.one_of(st.text(characters, max_size=8), st.none(), st.booleans(), st.integers())
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


def indented(text: str) -> str:
    return "".join("\n  " + line for line in text.split("\n"))


@st.composite
def dumped_value(draw: st.DrawFn) -> str:
    """A Python value as YAML, to write after ``key:``: flow style on the line, or
    block style indented under the key."""
    value = draw(yaml_values)
    flow = draw(st.booleans())
    dumped = yaml.safe_dump(
        value, default_flow_style=flow, allow_unicode=draw(st.booleans()), sort_keys=False
    )
    dumped = dumped.removesuffix("\n").removesuffix("\n...")  # a scalar's end of document
    if flow and "\n" not in dumped:
        return " " + dumped
    return indented(dumped)


#: What follows ``key:`` on its line: raw text, or a YAML value.
after_key = st.one_of(yaml_text.map(lambda text: " " + text), dumped_value())


def document(base: dict[str, str], key: str, after: str) -> str:
    """YAML lines of ``base``, with ``key`` given as ``key:`` + ``after``."""
    lines = [f"{name}: {value}" for name, value in base.items() if name != key]
    at = list(base).index(key) if key in base else len(lines)
    lines.insert(at, key + ":" + after)
    return "\n".join(lines) + "\n"


def item_file(front: str, body: str = "Body text.\n") -> str:
    """A content file as read from disk (UTF-8 decoded, '\\n' line ends)."""
    return decode(f"---\n{front}---\n{body}".encode(), ITEM_PATH)


def item_source(text: str) -> Source:
    return Source(ITEM_PATH, PurePosixPath("2025-07-22-a.md"), text)


def edition_file(front: str) -> str:
    return decode(f"---\n{front}---\nThe day in brief.\n".encode(), EDITION_PATH)


def edition_source(text: str) -> Source:
    return Source(EDITION_PATH, PurePosixPath("editions/2025-07-22.md"), text)


# Checks ------------------------------------------------------------------


def assert_located(failed: BuildFailed, path: str, text: str) -> None:
    """Every error names ``path``, a line of ``text`` (and a column on it, if any), and
    says what is wrong."""
    last_line = text.count("\n") + 1
    assert failed.errors, "BuildFailed without errors"
    for error in failed.errors:
        assert isinstance(error, SiteError), repr(error)
        assert error.path == path, f"error without its file: {error}"
        assert isinstance(error.line, int), f"error without a line: {error}"
        assert 1 <= error.line <= last_line, f"line outside the {last_line}-line file: {error}"
        assert error.col is None or error.col >= 1, f"column before the line: {error}"
        assert error.message.strip(), f"error without a message: {error!r}"


def builds_or_fails_located(kind: str, key: str, after: str) -> None:
    """Read a file of ``kind`` ("item", "edition" or "site.yaml") whose ``key`` is given
    as ``key:`` + ``after``: it builds, or fails with located errors only."""
    if kind == "site.yaml":
        data = document(CONFIG_BASE, key, after).encode()
        try:
            site = config.config_from(data, CONFIG_PATH)
        except BuildFailed as failed:
            assert_located(failed, str(CONFIG_PATH), decode(data, str(CONFIG_PATH)))
        else:
            assert isinstance(site, config.SiteConfig)
    elif kind == "edition":
        text = edition_file(document(EDITION_BASE, key, after))
        try:
            note = content.parse_edition(edition_source(text))
        except BuildFailed as failed:
            assert_located(failed, EDITION_PATH, text)
        else:
            assert isinstance(note, EditionNote)
    else:
        text = item_file(document(ITEM_BASE, key, after))
        try:
            doc = content.parse(item_source(text), UTC)
        except BuildFailed as failed:
            assert_located(failed, ITEM_PATH, text)
        else:
            assert isinstance(doc, Document)


# Properties --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("libyaml", LOADER_CHOICES)
@pytest.mark.parametrize("key", ITEM_FIELDS)
@PROPERTY
@given(after=after_key)
def test_any_item_field_value_builds_or_fails_located(key: str, libyaml: bool, after: str) -> None:
    with parser(libyaml):
        builds_or_fails_located("item", key, after)


@pytest.mark.slow
@pytest.mark.parametrize("libyaml", LOADER_CHOICES)
@pytest.mark.parametrize("key", EDITION_FIELDS)
@PROPERTY
@given(after=after_key)
def test_any_edition_field_value_builds_or_fails_located(
    key: str, libyaml: bool, after: str
) -> None:
    with parser(libyaml):
        builds_or_fails_located("edition", key, after)


@pytest.mark.slow
@pytest.mark.parametrize("libyaml", LOADER_CHOICES)
@pytest.mark.parametrize("key", CONFIG_FIELDS)
@PROPERTY
@given(after=after_key)
def test_any_site_yaml_value_builds_or_fails_located(key: str, libyaml: bool, after: str) -> None:
    with parser(libyaml):
        builds_or_fails_located("site.yaml", key, after)


#: Inputs these properties found to crash or misplace an error, each as (file, key,
#: what follows `key:`), kept so that every run tries them whatever the seed draws.
FOUND = [
    # PyYAML's constructors raise on what an explicit tag cannot convert.
    pytest.param("item", "title", " !!int", id="empty-int-tag"),  # IndexError
    pytest.param("item", "title", " !!float x", id="float-tag"),  # ValueError
    pytest.param("item", "draft", " !!bool", id="bool-tag"),  # KeyError
    pytest.param("item", "date", " !!timestamp", id="empty-timestamp-tag"),  # AttributeError
    pytest.param("item", "date", " !!timestamp 2025-02-30", id="timestamp-tag"),  # ValueError
    pytest.param("edition", "title", " !!int", id="edition-int-tag"),
    # A line break to YAML only (U+2028): IndexError where yamltext looks for a comment.
    pytest.param("item", "title", " \u2028\u2028", id="line-separators"),
    # Nesting deeper than Python's recursion limit allows the parser or the constructor.
    pytest.param("item", "source", " " + "[" * 1000, id="deep-flow-list"),
    pytest.param("item", "tags", "\n" + "- " * 1000, id="deep-block-list"),
    # A time zone that is a folder of the zone database, or too long a file name.
    pytest.param("site.yaml", "timezone", " America", id="zone-folder"),
    pytest.param("site.yaml", "timezone", " " + "a" * 300, id="zone-name-too-long"),
    # YAML counts U+2028 as a line break, the file does not: an error below its last line.
    pytest.param("site.yaml", "paginate", " \u2028\u2028&", id="error-below-last-line"),
]


@pytest.mark.parametrize("libyaml", LOADER_CHOICES)
@pytest.mark.parametrize(("kind", "key", "after"), FOUND)
def test_inputs_found_build_or_fail_located(kind: str, key: str, after: str, libyaml: bool) -> None:
    with parser(libyaml):
        builds_or_fails_located(kind, key, after)


#: Markdown that markdown-it and the renderer's own passes (comments, <!--more-->,
#: link positions, footnotes, anchors) read specially.
MARKDOWN = [
    "[", "]", "](", ")", "![", "[^1]", "[^1]: ", "<", ">", "<!--", "-->", "<!--more-->",
    "<!-- more -->", "`", "```", "~~~", "*", "_", "**", "~~", "#", "## ", "> ", "|", "| --- |",
    "---", "***", "- ", "1. ", "    ", "\\", "&amp;", "&#0;", "<a href=\"x\">", "</a>",
    "<script>", "https://example.com/a b", "javascript:alert(1)", "data:text/html,x",
    "%20", "%E2%82", "[x]: https://example.com/", "[x]", "<https://example.com/>", "\n",
    "\n\n", "\t", "<!-- x", " -->", "\\<!--", "&lt;!--", "<br>", "<br />", "<sup>", "</sup>",
    "<small>", "</small>", "<b>", "</b>", "<img src=x>", "<div>\n", "</div>", " {#id}",
    " {#main}", "## Main", "[a][b]", "[a][]", "hhttps://x.org", "<span>", "<!-->",
]  # fmt: skip
#: Deeply nested blockquotes and lists.
markdown_nesting = st.builds(
    lambda opener, depth: "\n" + opener * depth,
    st.sampled_from(["> ", "- ", "* ", "1. ", "> - ", "  - "]),
    depths,
)
markdown_text = st.one_of(
    st.text(),
    st.text(characters),
    st.lists(st.one_of(characters, st.sampled_from(MARKDOWN), markdown_nesting), max_size=60).map(
        "".join
    ),
)


@pytest.mark.slow
@pytest.mark.parametrize("raw_html", [False, True], ids=["escaped-html", "raw-html"])
@PROPERTY
@given(body=markdown_text)
def test_any_markdown_body_renders(raw_html: bool, body: str) -> None:
    text = item_file(document(ITEM_BASE, "title", " A headline"), body)
    doc = content.parse(item_source(text), UTC)
    assert doc.body == text.split("---\n", 2)[2]
    try:
        rendered = markup.render(
            doc.body, body_line=doc.body_line, raw_html=raw_html, path=ITEM_PATH
        )
    except BuildFailed as failed:  # text that Markdown would drop (nested too deep)
        assert_located(failed, ITEM_PATH, text)
        return
    assert isinstance(rendered, Rendered)
    last_line = text.count("\n") + 1
    for link in rendered.links:
        assert doc.body_line <= link.line <= last_line, link
        assert link.col is None or link.col >= 1, link


# LibYAML and PyYAML's own parser -----------------------------------------


#: How an error that passes on the parser's own words begins: LibYAML and PyYAML word
#: the same problem differently ("did not find expected ',' or ']'" and "expected ','
#: or ']', but got ':'"), and may place it a column apart.
PARSER_WORDS = "invalid YAML in "
#: How a refused type tag is worded. Which of two tags on a line the parsers stop at is
#: theirs to decide (in `[!<tab>!]` LibYAML reads the first and stops at the second,
#: PyYAML stops at the first): both must refuse a tag on that line.
TAG_WORDS = "is a YAML type tag, which briefing does not read"


def compared(error: SiteError) -> tuple[Any, ...]:
    """An error as both parsers must give it: briefing's own messages exactly, and the
    parsers' own (and tags they stop at) by line."""
    if error.message.startswith(PARSER_WORDS):
        return (error.line, PARSER_WORDS)
    if error.message.endswith(TAG_WORDS):
        return (error.line, TAG_WORDS)
    return (error.line, error.col, error.message)


def outcome(read: Callable[[], Any], libyaml: bool) -> tuple[Any, ...]:
    """What reading gives with one parser, in a form to compare with the other's."""
    with parser(libyaml):
        try:
            result = read()
        except BuildFailed as failed:
            return ("failed", [compared(e) for e in failed.errors])
        except Exception as exc:  # a crash, reported by the properties above
            return ("raised", type(exc).__name__)
    if isinstance(result, Document):
        return ("parsed", result.meta, result.body, dict(result.value_at))
    return ("parsed", result)


def assert_same_with_both_parsers(read: Callable[[], Any]) -> None:
    """Each way of differing is its own assertion, so that hypothesis reports each."""
    libyaml, pure = outcome(read, True), outcome(read, False)
    assert libyaml[0] == pure[0], f"one builds, one fails:\n{libyaml}\n{pure}"
    if libyaml[0] == "failed":
        # A syntax error is the parsers' own business: the two word it, and may place
        # it, differently (an unclosed "{" is noticed where each gives up). That both
        # fail is what matters there; briefing's own errors must be the same.
        if any(PARSER_WORDS in e for side in (libyaml, pure) for e in side[1]):
            return
        lines = [e[0] for e in libyaml[1]], [e[0] for e in pure[1]]
        assert lines[0] == lines[1], f"errors on other lines:\n{libyaml}\n{pure}"
        assert libyaml == pure, f"other errors on the same lines:\n{libyaml}\n{pure}"
    else:
        assert libyaml == pure, f"read differently:\n{libyaml}\n{pure}"


def reads_alike(kind: str, key: str, after: str) -> None:
    """Read as in builds_or_fails_located, with each parser: the same outcome."""
    if kind == "site.yaml":
        data = document(CONFIG_BASE, key, after).encode()
        assert_same_with_both_parsers(lambda: config.config_from(data, CONFIG_PATH))
    else:
        source = item_source(item_file(document(ITEM_BASE, key, after)))
        assert_same_with_both_parsers(lambda: content.parse(source, UTC))


@pytest.mark.slow
@BOTH_LOADERS
@pytest.mark.parametrize("key", ITEM_FIELDS)
@PROPERTY
@given(after=after_key)
def test_front_matter_reads_alike_with_both_parsers(key: str, after: str) -> None:
    reads_alike("item", key, after)


field_names = st.one_of(st.sampled_from(ITEM_FIELDS), st.text(characters, max_size=8))


@pytest.mark.slow
@BOTH_LOADERS
@PROPERTY
@given(
    front=st.dictionaries(field_names, yaml_values, max_size=8),
    flow=st.booleans(),
    allow_unicode=st.booleans(),
)
def test_whole_front_matter_reads_alike_with_both_parsers(
    front: dict[str, Any], flow: bool, allow_unicode: bool
) -> None:
    dumped = yaml.safe_dump(
        {**ITEM_BASE, **front},
        default_flow_style=flow,
        allow_unicode=allow_unicode,
        sort_keys=False,
    )
    source = item_source(item_file(dumped))
    assert_same_with_both_parsers(lambda: content.parse(source, UTC))


@pytest.mark.slow
@BOTH_LOADERS
@pytest.mark.parametrize("key", CONFIG_FIELDS)
@PROPERTY
@given(after=after_key)
def test_site_yaml_reads_alike_with_both_parsers(key: str, after: str) -> None:
    reads_alike("site.yaml", key, after)


#: Inputs these properties found read differently by the two parsers.
FOUND_APART = [
    # LibYAML counts the place of a control character in UTF-8 bytes, PyYAML in characters.
    pytest.param("item", "title", " \u00e9\x1b", id="control-after-non-ascii"),
    # LibYAML reads a tab inside a plain value as part of it; PyYAML fails.
    pytest.param("item", "title", " a\tb", id="tab-in-value"),
    pytest.param("item", "title", " >#", id="folded-then-hash"),
    pytest.param("item", "title", " {a?", id="flow-question-mark"),
    pytest.param("item", "id", " !", id="bare-tag"),
    pytest.param("site.yaml", "title", " \ufeff #", id="bom-before-comment"),
    pytest.param("site.yaml", "title", " ![", id="tag-bracket"),
    # LibYAML reads a '#' glued to a block scalar's header as a comment (no tags at
    # all); PyYAML fails (found by hypothesis 6.170).
    pytest.param("item", "tags", " |#", id="pipe-then-hash"),
    pytest.param("site.yaml", "description", " >-#x", id="folded-chomp-then-hash"),
    # PyYAML stops at a tab after a tag inside a flow collection, LibYAML at the tag.
    pytest.param("item", "image", " {a: !!int\t1}", id="tag-tab-in-flow"),
    pytest.param("site.yaml", "timezone", " [!!int\t1]", id="tag-tab-in-list"),
    # A tab after a block scalar's header: a space to LibYAML, an error to PyYAML.
    pytest.param("item", "summary", " |\t# note\n  text", id="header-tab-comment"),
    # LibYAML reads the first tag and stops at the second; PyYAML stops at the first.
    pytest.param("item", "edition", " [!\t!]", id="two-tags-in-flow"),
    # A tab after the indentation of a continued plain value: a space to LibYAML, an
    # error to PyYAML; a tab in the indentation itself: the other way round.
    pytest.param("item", "edition", " 0\n \tx", id="continued-after-tab"),
    pytest.param("item", "edition", " [0\n\t]", id="flow-continued-at-tab"),
    pytest.param("item", "edition", " |\n \tx", id="block-indented-with-tab"),
]


@BOTH_LOADERS
@pytest.mark.parametrize(("kind", "key", "after"), FOUND_APART)
def test_inputs_found_read_alike_with_both_parsers(kind: str, key: str, after: str) -> None:
    reads_alike(kind, key, after)


# Whole sites, through the command line ----------------------------------------------


#: A site.yaml of random text after a valid start, a front matter of random keys and
#: values, and a random body: `briefing build` and `check` end with 0 or 1, and every
#: line they print is briefing's own (never a traceback, never "internal error").
site_files = st.fixed_dictionaries(
    {
        "site.yaml": st.one_of(yaml_text, st.just("")).map(
            lambda extra: "title: T\nurl: https://example.com/\nsearch: false\n" + extra
        ),
        "front": st.lists(
            st.tuples(st.sampled_from([*ITEM_FIELDS, "layout", "Category", "x"]), yaml_text),
            max_size=6,
        ),
        "body": markdown_text,
    }
)


@pytest.mark.slow
@PROPERTY
@given(files=site_files)
def test_any_site_builds_or_fails_with_briefings_own_words(
    files: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    import io

    from generator import cli

    root = tmp_path_factory.mktemp("site")
    (root / "site.yaml").write_text(files["site.yaml"], encoding="utf-8", errors="replace")
    lines = [f"{key}: {value}" for key, value in files["front"]]
    text = "---\n" + "\n".join(["title: A", "date: 2025-07-22", "source: https://x.org/a", *lines])
    item = root / "content" / "2025-07-22-a.md"
    item.parent.mkdir()
    item.write_text(text + "\n---\n" + files["body"], encoding="utf-8", errors="replace")
    for command in ("check", "build"):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main([command, "--site", str(root), "--jobs", "1"], out=out, err=err)
        assert code in (0, 1), err.getvalue()
        assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()


@PROPERTY
@given(
    url=st.builds(
        "".join,
        st.lists(
            st.sampled_from(["h", "T", "1", "+", ".", "-", ":", "/", "\t", " ", "é", "#"]),
            max_size=12,
        ),
    )
)
def test_a_link_with_a_scheme_is_one_urlsplit_reads_a_scheme_in(url: str) -> None:
    # has_scheme lets links that leave the site skip urlsplit: it must never call a
    # site path ("map.png", "/tags/x/", "a:b" with an odd first letter) external.
    from urllib.parse import urlsplit

    from generator.text.urls import has_scheme

    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return
    if has_scheme(url):
        assert scheme
