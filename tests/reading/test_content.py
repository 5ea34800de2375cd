"""content.parse: one item file's text to a typed Document, or every error in it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from conftest import item

from generator.errors import BuildFailed
from generator.model.records import Citation, Document
from generator.reading.content import item_fields, parse
from generator.reading.sources import Source
from generator.text.yamltext import Position

KYIV = ZoneInfo("Europe/Kyiv")
PATH = "content/2025-07-22-talks.md"
DATE_HINT = "write YYYY-MM-DD, optionally with a time: 2025-07-22T09:15:00+03:00"
KNOWN = "known keys: " + ", ".join(sorted(field.name for field in item_fields(KYIV)))
TEXT_HINT = 'put the value in double quotes, e.g. title: "[Update] Talks resume"'
URL_HINT = "copy the full address from the browser, starting with https://"
CITATION_HINT = "write `- {url: https://..., name: Reuters}`"


def parse_text(text: str, rel: str = "2025-07-22-talks.md") -> Document:
    return parse(Source(f"content/{rel}", PurePosixPath(rel), text), KYIV)


def errors_of(text: str) -> list[str]:
    with pytest.raises(BuildFailed) as excinfo:
        parse_text(text)
    return [str(e) for e in excinfo.value.errors]


def test_valid_item() -> None:
    doc = parse_text(item(summary='"Delegations meet."'))
    assert (doc.path, doc.stem, doc.body, doc.body_line) == (
        PATH,
        "2025-07-22-talks",
        "The first paragraph.\n\nThe second paragraph.\n",
        8,
    )
    meta = doc.meta
    assert (
        meta.title,
        meta.tags,
        meta.sources,
        meta.summary,
        meta.slug,
        meta.draft,
        meta.section,
        meta.edition,
    ) == (
        "An item",
        ("ukraine", "diplomacy"),
        (Citation("https://www.reuters.com/world/an-item"),),
        "Delegations meet.",
        None,
        False,
        None,
        None,
    )
    assert meta.date == datetime(2025, 7, 22, 9, 15, tzinfo=KYIV)
    assert meta.date.utcoffset() == timedelta(hours=3)
    # Where each value starts in the file, for errors found after parsing.
    assert (doc.value_at["title"], doc.value_at["source"]) == (Position(2, 8), Position(5, 9))


def test_stem_drops_folders_and_extension() -> None:
    assert parse_text(item(), rel="2025/07/22-talks.md").stem == "22-talks"


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2025-07-22T09:15:00+03:00", "2025-07-22T09:15:00+03:00"),
        ("2025-07-22T06:15:00Z", "2025-07-22T06:15:00+00:00"),
        ("2025-07-22T09:15:00-04:00", "2025-07-22T09:15:00-04:00"),
        # Without an offset the time is read in the site's zone: summer and winter time.
        ("2025-07-22 09:15", "2025-07-22T09:15:00+03:00"),
        ("2025-07-22T09:15", "2025-07-22T09:15:00+03:00"),
        ("2025-01-22 09:15", "2025-01-22T09:15:00+02:00"),
        # A bare date is midnight local time.
        ("2025-07-22", "2025-07-22T00:00:00+03:00"),
        ("2025-01-22", "2025-01-22T00:00:00+02:00"),
        ("'2025-07-22'", "2025-07-22T00:00:00+03:00"),
    ],
)
def test_dates_are_aware(written: str, iso: str) -> None:
    date = parse_text(item(date=written)).meta.date
    assert date.utcoffset() is not None
    assert date.isoformat() == iso


def test_local_times_compare_by_instant() -> None:
    local = parse_text(item(date="2025-07-22 09:15")).meta.date
    utc = parse_text(item(date="2025-07-22T06:15:00Z")).meta.date
    assert local == utc and local - utc == timedelta(0)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2025-02-30", "'date' is not a real date: '2025-02-30' (day is out of range for month)"),
        (
            "2025-02-30 09:15",
            "'date' is not a real date: '2025-02-30 09:15' (day is out of range for month)",
        ),
        ("2025-13-01", "'date' is not a real date: '2025-13-01' (month must be in 1..12)"),
        (
            "2025-07-22 25:00",
            "'date' is not a real date: '2025-07-22 25:00' (hour must be in 0..23)",
        ),
        ("yesterday", f"'date' is not a date: 'yesterday'; {DATE_HINT}"),
        ("22.07.2025", f"'date' is not a date: '22.07.2025'; {DATE_HINT}"),
        ("2025-07-22 9:15", f"'date' is not a date: '2025-07-22 9:15'; {DATE_HINT}"),
        # A year alone is text now, and not a date.
        ("2025", f"'date' is not a date: '2025'; {DATE_HINT}"),
        ("yes", f"'date' is not a date: 'yes'; {DATE_HINT}"),
        (
            "[2025-07-22]",
            "'date' must be a date such as 2025-07-22 or 2025-07-22T09:15:00+03:00, "
            "not ['2025-07-22']",
        ),
        (
            "{day: 22}",
            "'date' must be a date such as 2025-07-22 or 2025-07-22T09:15:00+03:00, "
            "not {'day': '22'}",
        ),
    ],
)
def test_bad_dates(written: str, message: str) -> None:
    assert errors_of(item(date=written)) == [f"{PATH}:3:7: {message}"]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "---\ntitle: x\n---\nBody\n",
            [
                f"{PATH}:1:1: missing required key 'date' in front matter; "
                "add `date: ...` (when it was published, 2025-07-22)",
                f"{PATH}:1:1: missing required key 'source' in front matter; "
                "add `source: ...` (the URL of the summarised article)",
            ],
        ),
        (
            "---\ndate: 2025-07-22\nsource: https://example.org/a\n---\n",
            [
                f"{PATH}:1:1: missing required key 'title' in front matter; "
                "add `title: ...` (the headline of your summary)"
            ],
        ),
        pytest.param(
            "---\ntitle:\ndate: 2025-07-22\nsource: https://example.org/a\n---\n",
            [f"{PATH}:2:7: 'title' is empty; add `title: ...` (the headline of your summary)"],
        ),
        pytest.param(
            "---\ntitle: T\ndate: 2025-07-22\nsource:\n---\n",
            [
                f"{PATH}:4:8: 'source' is empty; "
                "add `source: ...` (the URL of the summarised article)"
            ],
        ),
        (
            item(titel="Other"),
            [f"{PATH}:6:1: unknown key 'titel' in front matter; did you mean 'title'?"],
        ),
        (item(colour="red"), [f"{PATH}:6:1: unknown key 'colour' in front matter; {KNOWN}"]),
        (
            item(title="[Update] Talks"),
            [
                f"{PATH}:2:17: invalid YAML in front matter: did not find expected key; "
                "check the indentation, and quote values that contain ': ', '#' or "
                "start with '['"
            ],
        ),
        (
            item(title="[Update, Talks]"),
            [f"{PATH}:2:8: 'title' must be text, not a list; {TEXT_HINT}"],
        ),
        (item(title="{a: b}"), [f"{PATH}:2:8: 'title' must be text, not a mapping; {TEXT_HINT}"]),
        (
            item(slug="Hello World"),
            [
                f"{PATH}:6:7: 'slug' must be lower-case letters, digits and '-': "
                "'Hello World'; use slug: hello-world"
            ],
        ),
        (
            item(slug="'!!!'"),
            [
                f"{PATH}:6:7: 'slug' must be lower-case letters, digits and '-': '!!!'; "
                "use words such as istanbul-talks"
            ],
        ),
        (
            item(tags="[energy, '!!']"),
            [f"{PATH}:4:7: 'tags' has a tag with no letters or digits: '!!'"],
        ),
        (
            item(source="javascript:alert(1)"),
            [
                f"{PATH}:5:9: 'source' must be an absolute http(s) URL, not 'javascript:alert(1)'; "
                "copy the full address from the browser, starting with https://"
            ],
        ),
        (
            item(source="[https://a.org/x, ftp://b.org/y]"),
            [
                f"{PATH}:5:9: 'source' must be an absolute http(s) URL, not 'ftp://b.org/y'; "
                + URL_HINT
            ],
        ),
        (
            item(source="[]"),
            [f"{PATH}:5:9: 'source' is an empty list; give the URL of the summarised article"],
        ),
        (
            item(source="[{name: B}]"),
            [f"{PATH}:5:9: 'source' entries must have a url and may have a name; {CITATION_HINT}"],
        ),
        (
            item(source="[https://a.org/x, {link: https://b.org/y, name: B}]"),
            [f"{PATH}:5:9: 'source' entries must have a url and may have a name; {CITATION_HINT}"],
        ),
        (
            item(source="[{url: https://a.org/x, name: B, date: 2025-07-22}]"),
            [f"{PATH}:5:9: 'source' entries must have a url and may have a name; {CITATION_HINT}"],
        ),
        (
            item(source="[{url: reuters.com/x, name: Reuters}]"),
            [
                f"{PATH}:5:9: 'source' must be an absolute http(s) URL, not 'reuters.com/x'; "
                + URL_HINT
            ],
        ),
        (
            item(source="[{url: https://a.org/x, name: [A, B]}]"),
            [f"{PATH}:5:9: 'source' must be text, not a list; {TEXT_HINT}"],
        ),
        (item(draft="maybe"), [f"{PATH}:6:8: 'draft' must be true or false, not 'maybe'"]),
        (item(draft="[yes]"), [f"{PATH}:6:8: 'draft' must be true or false, not a list"]),
        (
            item(edition="2025-07-32"),
            [f"{PATH}:6:10: 'edition' must be a date such as 2025-07-22, not '2025-07-32'"],
        ),
        (
            item(edition="2025-07-22T09:00"),
            [f"{PATH}:6:10: 'edition' must be a date such as 2025-07-22, not '2025-07-22T09:00'"],
        ),
        (
            item(edition="[2025-07-22]"),
            [f"{PATH}:6:10: 'edition' must be text, not a list; {TEXT_HINT}"],
        ),
        (
            item(section="[World, Economy]"),
            [f"{PATH}:6:10: 'section' must be text, not a list; {TEXT_HINT}"],
        ),
        # A YAML error is reported at the line of the file, not of the front matter.
        (
            item(summary="a: b"),
            [
                f"{PATH}:6:11: invalid YAML in front matter: mapping values are not allowed in "
                "this context; check the indentation, and quote values that contain ': ', '#' "
                "or start with '['"
            ],
        ),
        (
            item(date="2025-07-22\ntitle: again"),
            [f"{PATH}:4:1: duplicate key 'title' (first given on line 2); keep one of them"],
        ),
        (
            "Just Markdown, no front matter.\n",
            [
                f"{PATH}:1:1: no front matter: the file must start with a line of three dashes "
                "'---'; add '---', the title: date: source: lines, and another '---' at the top"
            ],
        ),
    ],
)
def test_errors(text: str, errors: list[str]) -> None:
    assert errors_of(text) == errors


def test_every_error_in_a_file_is_reported_together() -> None:
    text = item(date="2025-02-30", source="reuters.com/world", tagz="energy", slug="Bad Slug")
    assert errors_of(text) == [
        f"{PATH}:3:7: 'date' is not a real date: '2025-02-30' (day is out of range for month)",
        f"{PATH}:5:9: 'source' must be an absolute http(s) URL, not 'reuters.com/world'; "
        "copy the full address from the browser, starting with https://",
        f"{PATH}:6:1: unknown key 'tagz' in front matter; did you mean 'tags'?",
        f"{PATH}:7:7: 'slug' must be lower-case letters, digits and '-': 'Bad Slug'; "
        "use slug: bad-slug",
    ]


@pytest.mark.parametrize(
    ("written", "tags"),
    [
        ("[ukraine, diplomacy]", ("ukraine", "diplomacy")),
        ("energy, climate", ("energy", "climate")),
        ("energy", ("energy",)),
        ("[Energy, energy, Energy]", ("Energy", "energy")),
        ("", ()),
        ("[]", ()),
    ],
)
def test_tags(written: str, tags: tuple[str, ...]) -> None:
    assert parse_text(item(tags=written)).meta.tags == tags


def test_tags_as_a_block_list() -> None:
    text = "---\ntitle: T\ndate: 2025-07-22\nsource: https://a.org/\ntags:\n  - a\n  - b\n---\n"
    assert parse_text(text).meta.tags == ("a", "b")


@pytest.mark.parametrize(
    ("extra", "draft"),
    [
        ({}, False),
        ({"draft": "true"}, True),
        ({"draft": "false"}, False),
        ({"draft": ""}, False),
        ({"draft": "~"}, False),
        ({"draft": "yes"}, True),
        ({"draft": "'yes'"}, True),
        ({"draft": "On"}, True),
        ({"draft": "NO"}, False),
        ({"draft": "off"}, False),
    ],
)
def test_draft_flag(extra: dict[str, str], draft: bool) -> None:
    assert parse_text(item(**extra)).meta.draft is draft


def test_optional_keys_given() -> None:
    meta = parse_text(
        item(slug="istanbul-talks", summary="Short.", section="World", edition="2025-07-21")
    ).meta
    assert (meta.slug, meta.summary, meta.section, meta.edition) == (
        "istanbul-talks",
        "Short.",
        "World",
        date(2025, 7, 21),
    )


# Text that YAML 1.1 would read as a yes/no value, a number or a date is taken as written.
@pytest.mark.parametrize(
    ("key", "written"),
    [
        ("title", "No"),
        ("title", "yes"),
        ("title", "3.10"),
        ("summary", "007"),
        ("summary", "2025-07-22"),
        ("section", "2025"),
        ("slug", "2025"),
    ],
)
def test_text_values_are_taken_as_written(key: str, written: str) -> None:
    meta = parse_text(item(**{key: written})).meta
    assert getattr(meta, key) == written


A = "https://a.org/x"
B = "https://b.org/y"


@pytest.mark.parametrize(
    ("extra", "sources"),
    [
        ({"source": A}, (Citation(A),)),
        ({"source": f"[{A}]"}, (Citation(A),)),
        ({"source": f"[{A}, {B}]"}, (Citation(A), Citation(B))),
        ({"source": f"[{A}, {{url: {B}, name: B}}]"}, (Citation(A), Citation(B, "B"))),
        ({"source": f"[{{url: {A}}}]"}, (Citation(A),)),
        (
            {"source": f"\n  - url: {A}\n    name: A News\n  - {B}"},
            (Citation(A, "A News"), Citation(B)),
        ),
        ({"source": f"[{{url: {A}, name: 2024}}]"}, (Citation(A, "2024"),)),
        ({"source": f"[{{url: {A}, name: ~}}]"}, (Citation(A),)),
        # source_name names the primary source when it has no name of its own.
        ({"source": A, "source_name": "Reuters"}, (Citation(A, "Reuters"),)),
        (
            {"source": f"[{A}, {{url: {B}, name: B}}]", "source_name": "Reuters"},
            (Citation(A, "Reuters"), Citation(B, "B")),
        ),
        ({"source": f"[{{url: {A}, name: A}}]", "source_name": "Reuters"}, (Citation(A, "A"),)),
        (
            {"source": f"[{A}, {B}]", "source_name": "Reuters"},
            (Citation(A, "Reuters"), Citation(B)),
        ),
    ],
)
def test_sources(extra: dict[str, str], sources: tuple[Citation, ...]) -> None:
    assert parse_text(item(**extra)).meta.sources == sources


@pytest.mark.parametrize(
    ("text", "body", "body_line"),
    [
        ("---\ntitle: T\ndate: 2025-07-22\nsource: https://a.org/\n---\nBody\n", "Body\n", 6),
        ("---\ntitle: T\ndate: 2025-07-22\nsource: https://a.org/\n---\n", "", 6),
        ("---\n\ntitle: T\n\ndate: 2025-07-22\nsource: https://a.org/\n...\nB", "B", 8),
    ],
)
def test_body_and_where_it_starts(text: str, body: str, body_line: int) -> None:
    doc = parse_text(text)
    assert (doc.body, doc.body_line) == (body, body_line)


@pytest.mark.parametrize("key", ["no", "on", "Yes", "~", "null", "0x10"])
def test_a_key_that_yaml_reads_as_yes_no_is_reported_as_unknown(key: str) -> None:
    assert errors_of(item(**{key: "comment"})) == [
        f"{PATH}:6:1: unknown key '{key}' in front matter; {KNOWN}"
    ]


def test_keys_from_a_merge_key_are_still_checked() -> None:
    text = "---\ncommon: &c {titel: T}\n<<: *c\ndate: 2025-07-22\nsource: https://a.org/\n---\n"
    assert errors_of(text) == [
        f"{PATH}:1:1: missing required key 'title' in front matter; "
        "add `title: ...` (the headline of your summary)",
        f"{PATH}:2:1: unknown key 'common' in front matter; {KNOWN}",
        f"{PATH}:2:13: unknown key 'titel' in front matter; did you mean 'title'?",
    ]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("description", "briefing calls it `summary:`"),
        ("excerpt", "briefing calls it `summary:`"),
        ("categories", "briefing has `tags:` for topics and `section:` for a part of the edition"),
        ("authors", "briefing calls it `author:` (one name or a list)"),
        (
            "images",
            "briefing takes one lead picture as `image:` (with `image_alt:`), beside the item "
            "or an https URL",
        ),
        ("layout", "every item uses the theme's item.html; templates are not chosen per item"),
    ],
)
def test_keys_of_other_generators_get_the_right_hint(key: str, hint: str) -> None:
    """Spelling alone would point the wrong way: 'description' to 'section'."""
    assert errors_of(item(**{key: "x"})) == [
        f"{PATH}:6:1: unknown key '{key}' in front matter; {hint}"
    ]


@pytest.mark.parametrize(("written", "draft"), [("false", True), ("true", False), ("no", True)])
def test_jekylls_published_false_is_a_draft(written: str, draft: bool) -> None:
    """An editor who deletes `published: false` to get a build through would publish."""
    assert parse_text(item(published=written)).meta.draft is draft


@pytest.mark.parametrize(
    ("written", "meaning"), [("false", "a draft, left out of the site"), ("true", "published")]
)
def test_published_gets_a_note_that_draft_is_the_spelling_here(written: str, meaning: str) -> None:
    from generator.reading.content import notes

    assert [str(n) for n in notes(parse_text(item(published=written)))] == [
        f"{PATH}:6:12: `published:` is Jekyll's spelling; this item is read as {meaning}; write "
        "`draft: true` to keep an item out of the site, or delete the line (items are published "
        "unless they are drafts)"
    ]
    assert notes(parse_text(item())) == ()


def test_an_unfinished_jekyll_draft_does_not_stop_the_build() -> None:
    from generator.reading.content import IncompleteDraft

    with pytest.raises(IncompleteDraft):
        parse_text("---\ntitle: Not ready\ndate: 2025-07-22\npublished: false\n---\nText.\n")


QUOTE = "quote the whole value"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "title: Swift's new album debuts at #1 in 30 countries",
            "content/2025-07-22-talks.md:2:8: 'title' would be published as \"Swift's new album "
            "debuts at\": YAML reads ' #' as the start of a comment; quote the whole value: "
            'title: "Swift\'s new album debuts at #1 in 30 countries", or put the comment on '
            "a line of its own",
        ),
        (
            "title: &Co shares rise 5%",
            "content/2025-07-22-talks.md:2:8: 'title' would be published as 'shares rise 5%': "
            "YAML reads '&Co' at the start as an anchor name; quote the whole value: "
            'title: "&Co shares rise 5%"',
        ),
        (
            'title: Talks "resume" # for now',
            "content/2025-07-22-talks.md:2:8: 'title' would be published as 'Talks \"resume\"': "
            "YAML reads ' #' as the start of a comment; quote the whole value: "
            'title: "Talks \\"resume\\" # for now", or put the comment on a line of its own',
        ),
    ],
)
def test_yaml_that_would_shorten_a_headline_is_an_error_with_the_fix(
    line: str, message: str
) -> None:
    text = f"---\n{line}\ndate: 2025-07-22\nsource: https://x.org/a\n---\nBody.\n"
    assert errors_of(text) == [message]


@pytest.mark.parametrize(
    "line",
    [
        'title: "Swift\'s album debuts at #1"',
        "title: 'C# 13 ships'",
        "title: C# 13 ships",  # no space before '#': no comment
        "title: Talks resume",
    ],
)
def test_quoted_or_whole_headlines_read_as_typed(line: str) -> None:
    text = f"---\n{line}\ndate: 2025-07-22\nsource: https://x.org/a # the article\n---\nB.\n"
    typed = line.split(": ", 1)[1].strip("'\"").replace("\\'", "'")
    assert parse_text(text).meta.title == typed


ESCAPE_HINT = "delete the escape (\\x.., \\u.., \\e, \\0 ...) from the quoted text"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("title", '"Talks\\x1b resume"', "2:8: 'title' holds U+001B (escape)"),
        ("tags", '["energy\\0"]', "4:7: 'tags' holds U+0000 (NUL)"),
        (
            "summary",
            '"One\\vtwo"',
            "6:10: 'summary' holds U+000B (vertical tab, Word's line break)",
        ),
        ("extra", '{note: "a\\bb"}', "6:8: 'extra' holds U+0008 (backspace)"),
    ],
)
def test_a_control_character_written_as_a_yaml_escape_is_an_error(
    key: str, value: str, message: str
) -> None:
    """The file is cleaned of raw control characters (see test_controls); an escape in a
    quoted value makes one after cleaning, so the schema refuses it where it is written."""
    assert errors_of(item(**{key: value})) == [
        f"{PATH}:{message}, an invisible control character written as an escape; {ESCAPE_HINT}"
    ]
