"""config: site.yaml validation, defaults, and loading it from a site folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator.errors import BuildFailed
from generator.project.config import FIELDS, SiteConfig, load_config, parse_config

MINIMAL = "title: Test Briefing\nurl: https://example.org\n"
URL_HINT = "copy the full address from the browser, starting with https://"
PROJECT = "https://example.github.io/briefing"
PLACEHOLDERS = "available: {year}, {month}, {day}, {slug}"
WEEKDAYS = "monday, tuesday, wednesday, thursday, friday, saturday, sunday"


def errors_of(text: str) -> list[str]:
    with pytest.raises(BuildFailed) as excinfo:
        parse_config(text)
    return [str(e) for e in excinfo.value.errors]


def test_minimal_config_gets_the_defaults() -> None:
    assert parse_config(MINIMAL) == SiteConfig(
        title="Test Briefing",
        url="https://example.org/",
        description="",
        language="en",
        author="",
        timezone=ZoneInfo("UTC"),
        permalink="/{year}/{month}/{day}/{slug}/",
        paginate=10,
        feed_items=20,
        theme="default",
        raw_html=False,
        editions="daily",
        week_ends_on="sunday",
        sections=(),
        publishers={},
        words_per_minute=220,
    )


@pytest.mark.parametrize(
    ("extra", "attribute", "expected"),
    [
        ("description: Daily news\n", "description", "Daily news"),
        ("language: uk\n", "language", "uk"),
        ("timezone: Europe/Kyiv\n", "timezone", ZoneInfo("Europe/Kyiv")),
        ("timezone: Europe/Kiev\n", "timezone", ZoneInfo("Europe/Kiev")),
        ("permalink: /{slug}/\n", "permalink", "/{slug}/"),
        ("permalink: /news/{year}/{slug}/\n", "permalink", "/news/{year}/{slug}/"),
        ("paginate: 1\n", "paginate", 1),
        ("paginate: '12'\n", "paginate", 12),
        ("feed_items: 50\n", "feed_items", 50),
        ("theme: dark\n", "theme", "dark"),
        ("raw_html: true\n", "raw_html", True),
        ("raw_html: yes\n", "raw_html", True),
        ("raw_html: 'yes'\n", "raw_html", True),
        ("raw_html: Off\n", "raw_html", False),
        # Text that YAML 1.1 would read as a number or a yes/no value is kept as written.
        ("description: 3.10\n", "description", "3.10"),
        ("language: no\n", "language", "no"),
        ("editions: weekly\n", "editions", "weekly"),
        ("week_ends_on: friday\n", "week_ends_on", "friday"),
        ("sections: [World, Ukraine, Economy]\n", "sections", ("World", "Ukraine", "Economy")),
        ("sections: World, Economy\n", "sections", ("World", "Economy")),
        ("sections:\n  - World\n  - Economy\n", "sections", ("World", "Economy")),
        (
            "publishers:\n  reuters.com: Reuters\n  www.apnews.com: AP\n  BBC.co.uk: BBC\n",
            "publishers",
            {"reuters.com": "Reuters", "apnews.com": "AP", "bbc.co.uk": "BBC"},
        ),
        ("words_per_minute: 180\n", "words_per_minute", 180),
        ("author: Desk\n", "feed_author", "Desk"),
        ("", "feed_author", "Test Briefing"),
        # An empty optional value means "not given".
        ("description:\n", "description", ""),
    ],
)
def test_values(extra: str, attribute: str, expected: Any) -> None:
    assert getattr(parse_config(MINIMAL + extra), attribute) == expected


@pytest.mark.parametrize(
    ("url", "expected_url", "base_path"),
    [
        ("https://example.org", "https://example.org/", "/"),
        ("https://example.org/", "https://example.org/", "/"),
        ("https://example.github.io/briefing", f"{PROJECT}/", "/briefing/"),
        ("https://example.github.io/briefing/", f"{PROJECT}/", "/briefing/"),
        ("http://localhost:8000/a/b", "http://localhost:8000/a/b/", "/a/b/"),
    ],
)
def test_url_ends_in_a_slash_and_gives_the_base_path(
    url: str, expected_url: str, base_path: str
) -> None:
    config = parse_config(f"title: T\nurl: {url}\n")
    assert (config.url, config.base_path) == (expected_url, base_path)


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "",
            [
                "site.yaml:1:1: missing required key 'title' in site.yaml; "
                "add `title: ...` (the site's name)",
                "site.yaml:1:1: missing required key 'url' in site.yaml; "
                "add `url: ...` (where the site is published)",
            ],
        ),
        (
            MINIMAL + "timezone: Europe/Kyivv\n",
            [
                "site.yaml:3:11: 'timezone' is not a known IANA time zone: 'Europe/Kyivv'; "
                "did you mean 'Europe/Kyiv'?"
            ],
        ),
        (
            MINIMAL + "timezone: Mars/Olympus_Mons_Base\n",
            [
                "site.yaml:3:11: 'timezone' is not a known IANA time zone: "
                "'Mars/Olympus_Mons_Base'; use a name such as Europe/Kyiv, America/New_York or UTC"
            ],
        ),
        (
            MINIMAL + "timezone: ../../etc/passwd\n",
            [
                "site.yaml:3:11: 'timezone' is not a known IANA time zone: '../../etc/passwd'; "
                "use a name such as Europe/Kyiv, America/New_York or UTC"
            ],
        ),
        (
            MINIMAL + "permalink: /{}/{slug}/\n",
            [f"site.yaml:3:12: 'permalink' uses unknown placeholder {{}}; {PLACEHOLDERS}"],
        ),
        (
            MINIMAL + "permalink: /{slug!r}/\n",
            [f"site.yaml:3:12: 'permalink' uses unknown placeholder {{slug!r}}; {PLACEHOLDERS}"],
        ),
        (
            MINIMAL + "permalink: /{year:>4}/{slug}/\n",
            [f"site.yaml:3:12: 'permalink' uses unknown placeholder {{year:>4}}; {PLACEHOLDERS}"],
        ),
        (
            MINIMAL + "permalink: /{year}/{month}/\n",
            [
                "site.yaml:3:12: 'permalink' must contain {slug}, "
                "or every item would get the same address"
            ],
        ),
        (
            MINIMAL + "permalink: /{year}/{hour}/{slug}/\n",
            [f"site.yaml:3:12: 'permalink' uses unknown placeholder {{hour}}; {PLACEHOLDERS}"],
        ),
        (
            MINIMAL + "permalink: /{0}/{slug}/\n",
            [f"site.yaml:3:12: 'permalink' uses unknown placeholder {{0}}; {PLACEHOLDERS}"],
        ),
        (
            MINIMAL + "permalink: '/{year}\\..\\..\\..\\{slug}/'\n",
            [
                "site.yaml:3:12: 'permalink' must name folders only with '/': '\\\\' is a "
                "folder separator on Windows; write it like /{year}/{month}/{slug}/"
            ],
        ),
        (
            MINIMAL + "permalink: '/C:/{slug}/'\n",
            [
                "site.yaml:3:12: 'permalink' must name folders only with '/': ':' is not "
                "allowed in file names on Windows; write it like /{year}/{month}/{slug}/"
            ],
        ),
        (
            MINIMAL + "permalink: /{year}/../{slug}/\n",
            [
                "site.yaml:3:12: 'permalink' must not hold '.', '..' or empty parts; "
                "write it like /{year}/{month}/{slug}/"
            ],
        ),
        (
            MINIMAL + "permalink: '{year}/{slug}/'\n",
            ["site.yaml:3:12: 'permalink' must start and end with '/', e.g. /{year}/{slug}/"],
        ),
        (
            MINIMAL + "permalink: /{year}/{slug}\n",
            ["site.yaml:3:12: 'permalink' must start and end with '/', e.g. /{year}/{slug}/"],
        ),
        (
            MINIMAL + "permalink: /{slug/\n",
            [
                "site.yaml:3:12: 'permalink' is not a valid pattern: expected '}' before end "
                "of string; use {year}, {month}, {day}, {slug}"
            ],
        ),
        (
            MINIMAL + "paginate: 0\n",
            ["site.yaml:3:11: 'paginate' must be a whole number of 1 or more, not '0'"],
        ),
        (
            MINIMAL + "paginate: 2.0\n",
            ["site.yaml:3:11: 'paginate' must be a whole number of 1 or more, not '2.0'"],
        ),
        (
            MINIMAL + "feed_items: ten\n",
            ["site.yaml:3:13: 'feed_items' must be a whole number of 1 or more, not 'ten'"],
        ),
        (
            MINIMAL + "raw_html: maybe\n",
            ["site.yaml:3:11: 'raw_html' must be true or false, not 'maybe'"],
        ),
        (
            MINIMAL + "raw_html: [true]\n",
            ["site.yaml:3:11: 'raw_html' must be true or false, not a list"],
        ),
        (
            MINIMAL + "editions: monthly\n",
            ["site.yaml:3:11: 'editions' must be one of daily, weekly, not 'monthly'"],
        ),
        (
            MINIMAL + "editions: Weekly\n",
            [
                "site.yaml:3:11: 'editions' must be one of daily, weekly, not 'Weekly'; "
                "did you mean 'weekly'?"
            ],
        ),
        (
            MINIMAL + "week_ends_on: sundy\n",
            [
                f"site.yaml:3:15: 'week_ends_on' must be one of {WEEKDAYS}, not 'sundy'; "
                "did you mean 'sunday'?"
            ],
        ),
        (
            MINIMAL + "week_ends_on: 7\n",
            [f"site.yaml:3:15: 'week_ends_on' must be one of {WEEKDAYS}, not '7'"],
        ),
        (
            MINIMAL + "sections: [World, world]\n",
            ["site.yaml:3:11: 'sections' lists 'world' twice"],
        ),
        (
            MINIMAL + "sections:\n  - Economy\n  - World\n  - ECONOMY\n",
            ["site.yaml:4:3: 'sections' lists 'ECONOMY' twice"],
        ),
        (
            MINIMAL + "sections: [Tech, C#, C++]\n",
            [
                "site.yaml:3:11: 'sections' lists 'C#' and 'C++', which would share the anchor "
                "#section-c on edition pages; rename one of them, e.g. spell out 'C sharp'"
            ],
        ),
        (
            MINIMAL + "sections: [World, '***']\n",
            [
                "site.yaml:3:11: 'sections' has a section with no letters or digits: '***'; "
                "name it in words, e.g. World"
            ],
        ),
        (
            MINIMAL + "sections: {World: 1}\n",
            [
                "site.yaml:3:11: 'sections' must be a list, not a mapping; "
                "write it as [a, b] or as one '- a' line per entry"
            ],
        ),
        (
            MINIMAL + "publishers: [reuters.com]\n",
            [
                "site.yaml:3:13: 'publishers' must be a mapping of domain to name; "
                "write one `reuters.com: Reuters` line per publisher, indented under publishers:"
            ],
        ),
        (
            MINIMAL + "publishers: reuters.com\n",
            [
                "site.yaml:3:13: 'publishers' must be a mapping of domain to name; "
                "write one `reuters.com: Reuters` line per publisher, indented under publishers:"
            ],
        ),
        (
            MINIMAL + "publishers:\n  reuters: Reuters\n",
            [
                "site.yaml:4:3: 'publishers' has 'reuters', which is not a domain; "
                "write e.g. reuters.com"
            ],
        ),
        (
            MINIMAL + "publishers:\n  reuters.com/world: Reuters\n",
            [
                "site.yaml:4:3: 'publishers' has 'reuters.com/world', which is not a domain; "
                "write e.g. reuters.com"
            ],
        ),
        (
            MINIMAL + "words_per_minute: 0\n",
            ["site.yaml:3:19: 'words_per_minute' must be a whole number of 1 or more, not '0'"],
        ),
        (
            "title: T\nurl: https://example.org/?page=1\n",
            [
                "site.yaml:2:6: 'url' must not have a query or fragment; "
                "give just the site's address"
            ],
        ),
        (
            "title: T\nurl: example.org\n",
            [
                "site.yaml:2:6: 'url' must be an absolute http(s) URL, not 'example.org'; "
                + URL_HINT
            ],
        ),
        (
            MINIMAL + "titel: Other\n",
            ["site.yaml:3:1: unknown key 'titel' in site.yaml; did you mean 'title'?"],
        ),
        (
            "title: T\nurl: https://example.org/\nurl: https://example.com/\n",
            ["site.yaml:3:1: duplicate key 'url' (first given on line 2); keep one of them"],
        ),
        (
            "- title: T\n",
            [
                "site.yaml:1:1: site.yaml must be a mapping of `key: value` lines, not a list; "
                "write one `key: value` per line"
            ],
        ),
        (
            "title: [Test\n",
            [
                "site.yaml:1:8: invalid YAML in site.yaml: did not find expected ',' or ']'; "
                "check the indentation, and quote values that contain ': ', '#' or start with '['"
            ],
        ),
    ],
)
def test_errors(text: str, errors: list[str]) -> None:
    assert errors_of(text) == errors


def test_every_problem_is_reported_together_in_file_order() -> None:
    text = (
        "url: ftp://example.org\n"
        "paginate: 0\n"
        "timezone: Europe/Kyivv\n"
        "permalink: /{hour}/\n"
        "titel: Test\n"
    )
    assert errors_of(text) == [
        "site.yaml:1:1: missing required key 'title' in site.yaml; "
        "add `title: ...` (the site's name)",
        "site.yaml:1:6: 'url' must be an absolute http(s) URL, not 'ftp://example.org'; "
        + URL_HINT,
        "site.yaml:2:11: 'paginate' must be a whole number of 1 or more, not '0'",
        "site.yaml:3:11: 'timezone' is not a known IANA time zone: 'Europe/Kyivv'; "
        "did you mean 'Europe/Kyiv'?",
        f"site.yaml:4:12: 'permalink' uses unknown placeholder {{hour}}; {PLACEHOLDERS}",
        "site.yaml:5:1: unknown key 'titel' in site.yaml; did you mean 'title'?",
    ]


def test_errors_name_the_path_they_were_given() -> None:
    with pytest.raises(BuildFailed) as excinfo:
        parse_config("title: T\n", "mysite/site.yaml")
    assert str(excinfo.value) == (
        "mysite/site.yaml:1:1: missing required key 'url' in site.yaml; "
        "add `url: ...` (where the site is published)"
    )


def test_load_config_reads_site_yaml(tmp_path: Path) -> None:
    # Saved by Notepad: a byte-order mark and CRLF line ends.
    (tmp_path / "site.yaml").write_bytes(
        b"\xef\xbb\xbftitle: T\r\nurl: https://example.org/\r\npaginate: 4\r\n"
    )
    config = load_config(tmp_path)
    assert (config.title, config.url, config.paginate) == ("T", "https://example.org/", 4)


def test_load_config_without_site_yaml(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as excinfo:
        load_config(tmp_path)
    assert str(excinfo.value) == (
        f"no site.yaml in {tmp_path}; run the command inside a site folder, or pass --site DIR"
    )


def test_load_config_reports_errors_at_the_real_path(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\nurl: https://example.org/\npaginate: 0\n")
    with pytest.raises(BuildFailed) as excinfo:
        load_config(tmp_path)
    assert str(excinfo.value) == (
        f"{tmp_path / 'site.yaml'}:3:11: 'paginate' must be a whole number of 1 or more, not '0'"
    )


def test_load_config_non_utf8(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes(b"title: Caf\xe9\nurl: https://example.org/\n")
    with pytest.raises(BuildFailed) as excinfo:
        load_config(tmp_path)
    assert [str(e) for e in excinfo.value.errors] == [
        f"{tmp_path / 'site.yaml'}:1:11: is not UTF-8 text (byte 0xe9 cannot be decoded); "
        "re-save the file as UTF-8 in your editor"
    ]


def test_load_config_takes_a_byte_order_mark_and_windows_line_ends(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes(
        b"\xef\xbb\xbftitle: Caf\xc3\xa9\r\nurl: https://example.org/\r\n"
    )
    config = load_config(tmp_path)
    assert (config.title, config.url) == ("Caf\u00e9", "https://example.org/")


# Keys are read as written: one that YAML 1.1 would turn into a yes/no value, a null or a
# number is reported as unknown under its own spelling.
@pytest.mark.parametrize("key", ["on", "no", "Yes", "~", "null", "0x10", "2025"])
def test_a_key_that_yaml_reads_as_yes_no_is_an_unknown_key(key: str) -> None:
    assert errors_of(MINIMAL + f"{key}: push\n") == [
        f"site.yaml:3:1: unknown key '{key}' in site.yaml; known keys: "
        + ", ".join(sorted(field.name for field in FIELDS))
    ]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("baseURL", "briefing calls it `url:` (the published address, with the project path)"),
        ("base_url", "briefing calls it `url:` (the published address, with the project path)"),
        ("languageCode", "briefing calls it `language:`"),
        ("paginate_by", "briefing calls it `paginate:` (items per list page)"),
        ("SITENAME", "briefing calls it `title:`"),
        ("taxonomies", "not supported here"),
    ],
)
def test_settings_of_other_generators_get_the_right_hint(key: str, hint: str) -> None:
    with pytest.raises(BuildFailed) as failed:
        parse_config(MINIMAL + f"{key}: x\n", "site.yaml")
    assert [str(e) for e in failed.value.errors] == [
        f"site.yaml:3:1: unknown key '{key}' in site.yaml; {hint}"
    ]


# Briefing blocks ----------------------------------------------------------------------


def test_blocks_default_to_why_watch_and_number() -> None:
    assert dict(parse_config(MINIMAL).blocks) == {
        "why": "Why it matters",
        "watch": "What to watch",
        "number": "The number",
    }


def test_blocks_in_site_yaml_replace_the_defaults_in_the_order_written() -> None:
    config = parse_config(
        MINIMAL + 'blocks:\n  number: "By the numbers"\n  fact-check: Fact check\n  q2: "Q&A"\n'
    )
    assert list(config.blocks.items()) == [
        ("number", "By the numbers"),
        ("fact-check", "Fact check"),
        ("q2", "Q&A"),
    ]


@pytest.mark.parametrize("written", ["blocks: {}\n", "blocks:\n  {}\n"])
def test_an_empty_blocks_mapping_means_no_block_types(written: str) -> None:
    assert dict(parse_config(MINIMAL + written).blocks) == {}


def test_blocks_left_empty_means_the_defaults() -> None:
    assert parse_config(MINIMAL + "blocks:\n").blocks == parse_config(MINIMAL).blocks


def test_the_blocks_of_a_config_cannot_be_changed_after_it_is_read() -> None:
    config = parse_config(MINIMAL)
    with pytest.raises(TypeError):
        config.blocks["why"] = "Changed"  # type: ignore[index]


@pytest.mark.parametrize(
    ("written", "error"),
    [
        (
            "blocks: [why, watch]\n",
            "site.yaml:3:9: 'blocks' must be a mapping of block type to its label; "
            'write one `why: "Why it matters"` line per block type, indented under blocks:',
        ),
        (
            "blocks:\n  Why: Why it matters\n",
            "site.yaml:4:3: 'blocks' has 'Why', which is not a block type; "
            "write it in lower case: why",
        ),
        (
            "blocks:\n  why it: Why it matters\n",
            "site.yaml:4:3: 'blocks' has 'why it', which is not a block type; "
            "name a type with lower-case letters, digits and '-', e.g. why or fact-check",
        ),
        (
            "blocks:\n  why:\n",
            "site.yaml:4:3: 'blocks' gives the block type 'why' a label that must be text, "
            "not an empty entry; write the words readers see above the block: "
            '`why: "Why it matters"`',
        ),
        (
            'blocks:\n  stakes: "  "\n',
            "site.yaml:4:3: 'blocks' gives the block type 'stakes' a label that is empty; "
            'write the words readers see above the block: `stakes: "..."`',
        ),
        (
            "blocks:\n  watch: [a, b]\n",
            "site.yaml:4:3: 'blocks' gives the block type 'watch' a label that must be text, "
            'not a list; write the words readers see above the block: `watch: "What to watch"`',
        ),
    ],
)
def test_blocks_errors(written: str, error: str) -> None:
    assert errors_of(MINIMAL + written) == [error]
