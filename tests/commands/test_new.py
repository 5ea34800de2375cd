"""``briefing new``: a draft item file with its front matter filled in, never overwriting."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from conftest import SITE_YAML, MakeSite, item, run

from generator.commands.new import item_text
from generator.reading import content
from generator.reading.sources import Source

KYIV = ZoneInfo("Europe/Kyiv")
SITE = SITE_YAML + "sections: [World, Economy]\n"


def new(root: Path, *argv: str) -> tuple[int, str, str]:
    return run("new", *argv, "--site", str(root))


def front_matter(path: Path) -> dict[str, str]:
    """The front-matter lines of a written file as written, by key."""
    lines = path.read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    return dict(line.split(": ", 1) for line in lines[1:end] if not line.startswith("#"))


def parse_text(text: str) -> content.Document:
    return content.parse(Source("content/new.md", PurePosixPath("new.md"), text), KYIV)


def test_new_writes_a_draft_with_front_matter_and_prints_its_path(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE})
    before = datetime.now(KYIV).date()
    code, out, err = new(
        root,
        "ECB holds rates",
        "--tags",
        "economy, europe,",
        "--source",
        "https://www.reuters.com/x",
        "--section",
        "economy",
    )
    after = datetime.now(KYIV).date()
    assert (code, err) == (0, "")
    written = [root / f"content/{day}-ecb-holds-rates.md" for day in (before, after)]
    assert out in [f"{path}\n" for path in written]
    path = Path(out.strip())
    day = date.fromisoformat(path.name[:10])

    meta = front_matter(path)
    moment = re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", meta["date"])
    assert moment, meta["date"]
    written_at = datetime.fromisoformat(meta["date"])
    assert written_at.date() == day
    # Kyiv's offset at that moment: +02:00 in winter, +03:00 in summer.
    assert meta["date"][-6:] in ("+02:00", "+03:00")
    assert written_at.utcoffset() == written_at.astimezone(KYIV).utcoffset()
    assert sorted(meta) == ["date", "draft", "section", "source", "tags", "title"]
    assert meta["draft"] == "true"
    doc = parse_text(path.read_text(encoding="utf-8"))
    assert doc.meta.title == "ECB holds rates"
    assert doc.meta.date == written_at
    assert doc.meta.tags == ("economy", "europe")
    assert [c.url for c in doc.meta.sources] == ["https://www.reuters.com/x"]
    assert doc.meta.section == "Economy"  # as site.yaml spells it
    assert doc.meta.draft is True

    # A build without --drafts leaves it out; with --drafts it is published at its date.
    code, out, err = run("build", "--site", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("built 0 items in 0 editions, 0 tags: ")
    assert out.splitlines()[0].endswith("; left out: 1 draft")
    page = root / f"_site/{day:%Y/%m/%d}/ecb-holds-rates/index.html"
    assert not page.exists()
    code, out, err = run("build", "--drafts", "--site", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("built 1 item in 1 edition, 2 tags: ")
    assert "; left out" not in out
    assert "<h1>ECB holds rates</h1>" in page.read_text(encoding="utf-8")


def test_new_with_verbose_says_how_to_publish(make_site: MakeSite) -> None:
    root = make_site({})
    code, out, err = new(root, "Quiet day", "-v")
    assert code == 0 and out.endswith("-quiet-day.md\n")
    assert err == "remove `draft: true` from it to publish\n"


@pytest.mark.parametrize(
    "title",
    [
        'Zelenskyy: "We are ready"',
        "Putin's answer: no",
        "#1 story # of the day",
        "Київ: переговори — «так»",
        "Café prices up 50%: what it means",
        "[Update] {talks} resume",
        "- a dash, & an ampersand, * a star, ! a bang",
        "yes",
        "null",
        "2025-07-22",
        "back\\slash and `ticks`",
        "emoji 🚀 launch",
    ],
)
def test_item_text_round_trips_the_title(title: str) -> None:
    moment = datetime(2025, 7, 22, 9, 15, 30, tzinfo=KYIV)
    text = item_text(
        title,
        moment,
        tags=["économie", "a: b", "#x"],
        source="https://www.reuters.com/x?a=1#b",
        section="Top: stories",
    )
    doc = parse_text(text)
    assert doc.meta.title == title
    assert doc.meta.date == moment
    assert doc.meta.tags == ("économie", "a: b", "#x")
    assert [c.url for c in doc.meta.sources] == ["https://www.reuters.com/x?a=1#b"]
    assert doc.meta.section == "Top: stories"
    assert doc.meta.draft is True


def test_item_text_writes_seconds_and_the_offset() -> None:
    moment = datetime(2025, 1, 5, 7, 0, 9, 123456, tzinfo=KYIV)
    lines = item_text("T", moment).split("\n")
    assert lines[:5] == [
        "---",
        'title: "T"',
        "date: 2025-01-05T07:00:09+02:00",
        "tags: []",
        "source:  # required: the URL of the summarised article",
    ]


def test_item_text_round_trips_a_source_ending_in_a_colon() -> None:
    url = "https://en.wikipedia.org/wiki/Category:"
    doc = parse_text(item_text("T", datetime(2025, 7, 22, 9, 0, tzinfo=KYIV), source=url))
    assert [c.url for c in doc.meta.sources] == [url]


def test_a_second_new_with_the_same_title_is_refused(make_site: MakeSite) -> None:
    root = make_site({})
    code, out, _ = new(root, "ECB holds rates")
    assert code == 0
    path = Path(out.strip())
    path.write_text(path.read_text(encoding="utf-8") + "My edits.\n", encoding="utf-8")
    before = path.read_bytes()
    assert new(root, "ECB Holds Rates!", "--source", "https://apnews.com/y") == (
        1,
        "",
        f"an item with the slug 'ecb-holds-rates' already exists: {path}; "
        "choose another title, or edit that file\n1 error\n",
    )
    assert path.read_bytes() == before
    assert list((root / "content").iterdir()) == [path]


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        # The slug comes from front matter, under another file name.
        ("content/2025-07-01-rates.md", item("Rates", slug="ecb-holds-rates")),
        # The slug comes from the file name, whatever the title.
        ("content/2025-07-01-ecb-holds-rates.md", item("Another headline")),
        ("content/world/ecb-holds-rates.md", item("Another headline")),
        # A file that does not parse still owns the slug of its name.
        ("content/2025-07-01-ecb-holds-rates.md", "---\ntitle: [broken\n---\n"),
    ],
)
def test_new_refuses_a_slug_an_existing_item_has(make_site: MakeSite, rel: str, text: str) -> None:
    root = make_site({rel: text})
    assert new(root, "ECB holds rates") == (
        1,
        "",
        f"an item with the slug 'ecb-holds-rates' already exists: {root / rel}; "
        "choose another title, or edit that file\n1 error\n",
    )
    assert [p for p in (root / "content").rglob("*") if p.is_file()] == [root / rel]
    assert (root / rel).read_text(encoding="utf-8") == text


def test_an_edition_file_does_not_own_a_slug(make_site: MakeSite) -> None:
    root = make_site({"content/editions/2025-07-22.md": "Intro.\n"})
    code, out, _ = new(root, "2025-07-22")
    assert code == 0 and out.endswith("-2025-07-22.md\n")


@pytest.mark.parametrize(
    ("site_yaml", "args", "messages"),
    [
        (
            SITE,
            ["ECB holds rates", "--source", "ftp://reuters.com/x"],
            [
                "--source must be an absolute http(s) URL, not 'ftp://reuters.com/x'; "
                "copy the full address from the browser, starting with https://"
            ],
        ),
        (
            SITE,
            ["ECB holds rates", "--source", "www.reuters.com/x"],
            [
                "--source must be an absolute http(s) URL, not 'www.reuters.com/x'; "
                "copy the full address from the browser, starting with https://"
            ],
        ),
        (
            SITE,
            ["ECB holds rates", "--source", "https://reuters.com/a b"],
            ["--source must not contain spaces: 'https://reuters.com/a b'; encode spaces as %20"],
        ),
        (
            SITE,
            ["ECB holds rates", "--section", "Econmy"],
            ["unknown section 'Econmy'; did you mean 'Economy'?"],
        ),
        (
            SITE,
            ["ECB holds rates", "--section", "Sport"],
            ["unknown section 'Sport'; sections in site.yaml: World, Economy"],
        ),
        (
            SITE_YAML,
            ["ECB holds rates", "--section", "Economy"],
            ["unknown section 'Economy'; site.yaml lists no sections"],
        ),
        (SITE, ["!!! ???"], ["the title '!!! ???' has no letters or digits for a slug"]),
        (
            SITE,
            ["«…»", "--source", "mailto:desk@reuters.com", "--section", "wrold"],
            [
                "--source must be an absolute http(s) URL, not 'mailto:desk@reuters.com'; "
                "copy the full address from the browser, starting with https://",
                "the title '«…»' has no letters or digits for a slug",
                "unknown section 'wrold'; did you mean 'World'?",
            ],
        ),
    ],
)
def test_bad_arguments_are_errors_and_nothing_is_written(
    make_site: MakeSite, site_yaml: str, args: list[str], messages: list[str]
) -> None:
    root = make_site({"site.yaml": site_yaml})
    code, out, err = new(root, *args)
    assert (code, out) == (1, "")
    count = f"{len(messages)} error" + ("s" if len(messages) > 1 else "")
    assert err.splitlines() == [*messages, count]
    assert sorted(p.name for p in root.iterdir()) == ["site.yaml"]


def test_new_outside_a_site_is_an_error(tmp_path: Path) -> None:
    code, out, err = new(tmp_path, "ECB holds rates")
    assert (code, out) == (1, "")
    assert err.startswith(f"no site.yaml in {tmp_path}; run the command inside a site folder")
    assert list(tmp_path.iterdir()) == []


def written_without_source(make_site: MakeSite) -> Path:
    root = make_site({"content/a.md": item()})
    code, out, _ = new(root, "Quiet day")
    assert code == 0
    path = Path(out.strip())
    assert front_matter(path)["source"] == " # required: the URL of the summarised article"
    return root


def test_without_source_a_drafts_build_points_at_the_source_line(make_site: MakeSite) -> None:
    root = written_without_source(make_site)
    (path,) = (root / "content").glob("*-quiet-day.md")
    code, out, err = run("build", "--drafts", "--future", "--site", str(root))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:5:8: 'source' is empty; add `source: ...` (the URL of the summarised article)",
        "1 error",
        f"build failed; the published site in {root}/_site was not changed",
    ]


def test_without_source_a_build_without_drafts_leaves_it_out(make_site: MakeSite) -> None:
    root = written_without_source(make_site)
    code, out, err = run("build", "--future", "--site", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines()[0].endswith("; left out: 1 draft")
