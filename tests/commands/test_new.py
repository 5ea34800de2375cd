"""``briefing new``: a draft item file with its front matter filled in, never overwriting."""

from __future__ import annotations

import io
import re
import struct
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from conftest import SITE_YAML, MakeSite, item, png, run
from PIL import Image

from generator.commands.new import item_text, new_item
from generator.errors import BuildFailed
from generator.project.config import load_config
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


# The options of an editor's day: --image, --author, --story, --publish ------------

AUTHORS_SITE = SITE + (
    "authors:\n  olena: {name: Olena Petrenko, bio: Covers Ukraine}\n  taras: Taras Shevchuk\n"
)


def page_of(path: Path, root: Path) -> Path:
    """The item page a build writes for the new file at ``path``."""
    name = path.parent.name if path.name == "index.md" else path.stem
    day, slug = date.fromisoformat(name[:10]), name[11:]
    return root / f"_site/{day:%Y/%m/%d}/{slug}/index.html"


def test_the_options_round_trip_through_a_real_build(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"site.yaml": AUTHORS_SITE})
    picture = tmp_path / "port of Odesa.jpg"
    picture.write_bytes(png(40, 30))
    code, out, err = new(
        root,
        'Grain corridor: "reopens" #2',
        "--source",
        "https://apnews.com/article/grain",
        "--author",
        "olena",
        "--author",
        "Taras Shevchuk, olena",
        "--story",
        "Grain deal: the Black Sea",
        "--image",
        str(picture),
        "--publish",
    )
    assert (code, err) == (0, "")
    path = Path(out.strip())
    assert path.name == "index.md" and path.parent.name.endswith("-grain-corridor-reopens-2")
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.md", "port of Odesa.jpg"]
    assert (path.parent / "port of Odesa.jpg").read_bytes() == picture.read_bytes()

    doc = content.parse(
        Source(str(path), PurePosixPath(path.parent.name, "index.md"), path.read_text("utf-8")),
        KYIV,
    )
    assert doc.meta.title == 'Grain corridor: "reopens" #2'
    assert doc.meta.author == ("olena", "taras")  # keys, each once
    assert doc.meta.story == "Grain deal: the Black Sea"
    assert doc.meta.image is not None
    assert (doc.meta.image.src, doc.meta.image.alt) == ("port%20of%20Odesa.jpg", None)
    assert doc.meta.draft is False

    # Published: a build without --drafts has it, its story, its bylines and its picture.
    code, out, err = run("build", "--site", str(root))
    assert (code, err) == (0, "")
    assert out.startswith("built 1 item in 1 edition, 0 tags: ")
    page = page_of(path, root).read_text(encoding="utf-8")
    assert "<h1>Grain corridor: &#34;reopens&#34; #2</h1>" in page
    assert 'href="/briefing/stories/grain-deal-the-black-sea/"' in page
    assert "Grain deal: the Black Sea" in page
    assert 'href="/briefing/authors/olena/"' in page and "Olena Petrenko" in page
    assert 'href="/briefing/authors/taras/"' in page and "Taras Shevchuk" in page
    src = (
        f"/briefing/{page_of(path, root).parent.relative_to(root / '_site')}/port%20of%20Odesa.jpg"
    )
    (picture_tag,) = re.findall(rf'<img src="{re.escape(src)}"[^>]*>', page)
    assert 'alt=""' in picture_tag  # as written: the editor has yet to describe it
    assert (page_of(path, root).parent / "port of Odesa.jpg").read_bytes() == picture.read_bytes()

    # The empty alt builds, and `briefing check` asks for it.
    code, out, err = run("check", "--site", str(root))
    line = path.read_text(encoding="utf-8").split("\n").index('  src: "port%20of%20Odesa.jpg"') + 1
    assert code == 0
    assert (
        f"{path}:{line}:3: warning: the picture port%20of%20Odesa.jpg has no alt text" in out + err
    )


def test_image_writes_a_folder_with_the_picture_and_an_alt_to_fill_in(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"site.yaml": SITE})
    picture = tmp_path / "Map.PNG"
    picture.write_bytes(png(20, 10))
    code, out, err = new(root, "Talks resume", "--image", str(picture))
    assert (code, err) == (0, "")
    path = Path(out.strip())
    assert path == root / f"content/{path.parent.name}/index.md"
    assert path.parent.name.endswith("-talks-resume")
    assert (path.parent / "Map.PNG").read_bytes() == png(20, 10)
    text = path.read_text(encoding="utf-8")
    assert (
        "image:\n"
        '  src: "Map.PNG"\n'
        "  alt:  # required: describe the picture for readers who cannot see it\n"
        "  credit:  # who made it, e.g. Reuters\n"
    ) in text
    assert "# image:" not in text  # its example gives way to the real key
    assert picture.exists()  # copied, not moved

    # The editor describes the picture and the drafts build shows it.
    path.write_text(
        text.replace("  alt:  #", '  alt: "A map of the talks" #').replace(
            "source:  #", 'source: "https://apnews.com/a"  #'
        ),
        encoding="utf-8",
    )
    code, out, err = run("build", "--drafts", "--site", str(root))
    assert (code, err) == (0, "")
    page = page_of(path, root)
    assert 'alt="A map of the talks"' in page.read_text(encoding="utf-8")
    assert (page.parent / "Map.PNG").read_bytes() == png(20, 10)


#: A fixed moment, for tests that prepare the item's folder before `new` writes to it.
MORNING = datetime(2025, 7, 22, 9, 15, 30, tzinfo=KYIV)


def test_a_picture_already_in_the_items_folder_is_used_where_it_is(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE})
    folder = root / "content/2025-07-22-talks-resume"
    folder.mkdir(parents=True)
    (folder / "map.png").write_bytes(png(20, 10))
    path = new_item(root, load_config(root), "Talks resume", MORNING, image=folder / "map.png")
    assert path == folder / "index.md"
    assert sorted(p.name for p in folder.iterdir()) == ["index.md", "map.png"]
    assert (folder / "map.png").read_bytes() == png(20, 10)


def test_another_file_under_the_pictures_name_is_never_overwritten(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site({"site.yaml": SITE})
    folder = root / "content/2025-07-22-talks-resume"
    folder.mkdir(parents=True)
    (folder / "map.png").write_bytes(b"the desk's own map")
    (tmp_path / "map.png").write_bytes(png(20, 10))
    with pytest.raises(BuildFailed) as failed:
        new_item(root, load_config(root), "Talks resume", MORNING, image=tmp_path / "map.png")
    assert [str(e) for e in failed.value.errors] == [
        f"{folder / 'map.png'} already exists, and is not the picture given; "
        "give that file as --image, or move it out of the folder"
    ]
    assert [p.name for p in folder.iterdir()] == ["map.png"]
    assert (folder / "map.png").read_bytes() == b"the desk's own map"


@pytest.mark.parametrize(
    ("site_yaml", "args", "written"),
    [
        # Without profiles in site.yaml, names are written as given.
        (SITE, ["--author", "Olena Petrenko"], 'author: "Olena Petrenko"'),
        (SITE, ["--author", "olena, sam", "--author", "olena"], 'author: ["olena", "sam"]'),
        # With them, by key or by display name as the build reads them, as keys.
        (AUTHORS_SITE, ["--author", "olena petrenko"], 'author: "olena"'),
        (AUTHORS_SITE, ["--author", "Taras Shevchuk,OLENA"], 'author: ["taras", "olena"]'),
    ],
)
def test_author_writes_one_name_or_a_list(
    make_site: MakeSite, site_yaml: str, args: list[str], written: str
) -> None:
    root = make_site({"site.yaml": site_yaml})
    code, out, err = new(root, "ECB holds rates", "--source", "https://apnews.com/a", *args)
    assert (code, err) == (0, "")
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert f"\n{written}\n" in text
    assert "# author:" not in text
    assert parse_text(text).meta.author == tuple(
        a.strip('"') for a in written.removeprefix("author: ").strip("[]").split(", ")
    )


def test_story_names_the_running_story(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE})
    code, out, err = new(
        root, "Ships leave Odesa", "--source", "https://apnews.com/a", "--story", "  Grain deal  "
    )
    assert (code, err) == (0, "")
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert '\nstory: "Grain deal"\n' in text
    assert "# story:" not in text
    assert parse_text(text).meta.story == "Grain deal"


def test_publish_writes_no_draft_line_and_the_next_build_publishes_it(
    make_site: MakeSite,
) -> None:
    root = make_site({"site.yaml": SITE})
    code, out, err = new(root, "ECB holds rates", "--source", "https://apnews.com/a", "--publish")
    assert (code, err) == (0, "")
    path = Path(out.strip())
    text = path.read_text(encoding="utf-8")
    assert "\ndraft: true\n" not in text and "# Remove the next line to publish." not in text
    assert parse_text(text).meta.draft is False
    code, out, err = run("build", "--site", str(root))
    assert (code, err) == (0, "")
    assert out.startswith("built 1 item in 1 edition, 0 tags: ") and "left out" not in out
    assert page_of(path, root).is_file()


def test_publish_with_verbose_says_the_next_build_publishes_it(make_site: MakeSite) -> None:
    root = make_site({})
    code, out, err = new(root, "Quiet day", "--source", "https://apnews.com/a", "--publish", "-v")
    assert code == 0 and out.endswith("-quiet-day.md\n")
    assert err == "the next build publishes it\n"


def test_every_commented_example_is_valid_front_matter_once_uncommented() -> None:
    moment = MORNING
    text = item_text("T", moment, source="https://apnews.com/a")
    head, rest = text.split("# More keys: delete the '# ' before one to use it.\n")
    examples, tail = rest.split("# Remove the next line to publish.\n")
    assert len(examples.splitlines()) == 12, "a compact block, not a manual"
    uncommented = "".join(line.removeprefix("# ") + "\n" for line in examples.splitlines())
    meta = parse_text(head + uncommented + tail).meta
    assert meta.author == ("olena",)
    assert meta.image is not None
    assert (meta.image.src, meta.image.alt, meta.image.credit) == (
        "map.png",
        "A map of the route",
        "Reuters",
    )
    assert meta.story == "Grain deal"
    assert meta.updated == moment
    assert [(c.date.date(), c.text) for c in meta.corrections] == [
        (moment.date(), "An earlier version gave the wrong rate.")
    ]
    assert meta.withdrawn is not None and meta.withdrawn.date.date() == moment.date()
    assert meta.sources[0].name == "Reuters"
    assert (meta.summary, meta.slug, meta.edition, meta.id) == (
        "One sentence for listings and feeds.",
        "ecb-holds-rates",
        moment.date(),
        "reuters-2025-0722-ecb",
    )


@pytest.mark.parametrize(
    "value",
    ['Grain "deal": #1', "Київ — «так»", "yes", "- dash", "[brackets], {braces}", "a\\b"],
)
def test_item_text_round_trips_authors_story_and_picture(value: str) -> None:
    moment = datetime(2025, 7, 22, 9, 15, 30, tzinfo=KYIV)
    text = item_text(
        "T",
        moment,
        source="https://apnews.com/a",
        authors=[value, "sam"],
        image="a%20b.png",
        story=value,
    )
    meta = parse_text(text).meta
    assert meta.author == (value, "sam")
    assert meta.story == value
    assert meta.image is not None and meta.image.src == "a%20b.png"


def test_a_folder_item_that_does_not_parse_owns_its_folders_slug(make_site: MakeSite) -> None:
    rel = "content/2025-07-01-ecb-holds-rates/index.md"
    root = make_site({rel: "---\ntitle: [broken\n---\n"})
    assert new(root, "ECB holds rates") == (
        1,
        "",
        f"an item with the slug 'ecb-holds-rates' already exists: {root / rel}; "
        "choose another title, or edit that file\n1 error\n",
    )


def test_a_loose_item_owns_its_slug_against_a_new_folder(
    make_site: MakeSite, tmp_path: Path
) -> None:
    rel = "content/2025-07-01-ecb-holds-rates.md"
    root = make_site({rel: item("ECB holds rates")})
    (tmp_path / "map.png").write_bytes(png(20, 10))
    assert new(root, "ECB holds rates", "--image", str(tmp_path / "map.png")) == (
        1,
        "",
        f"an item with the slug 'ecb-holds-rates' already exists: {root / rel}; "
        "choose another title, or edit that file\n1 error\n",
    )
    assert [p.name for p in (root / "content").iterdir()] == ["2025-07-01-ecb-holds-rates.md"]


def huge_jpeg(width: int, height: int) -> bytes:
    """A small JPEG whose header claims ``width`` x ``height`` pixels."""
    data = io.BytesIO()
    Image.new("RGB", (8, 8)).save(data, "JPEG")
    jpeg = bytearray(data.getvalue())
    frame = jpeg.index(b"\xff\xc0")  # the frame header: length, precision, height, width
    jpeg[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "notes.txt",
            b"text",
            "is not a picture file; give one of: .avif, .bmp, .gif, .jpeg, .jpg, .png, .webp",
        ),
        (
            "map.svg",
            b"<svg/>",
            "is not a picture file; give one of: .avif, .bmp, .gif, .jpeg, .jpg, .png, .webp",
        ),
        ("missing.png", None, "does not exist; give the picture's path from the current folder"),
        (
            "broken.jpg",
            b"not a jpeg",
            "cannot be read as a .jpg picture (it is damaged, or is something else); "
            "export it again from the program that made it",
        ),
        (
            "huge.jpg",
            huge_jpeg(10_000, 5_000),
            "is 10000 x 5000 pixels, more than the 40 million a page picture may have; "
            "make a smaller copy of it (3,000 pixels wide is plenty for a page)",
        ),
        (
            ".map.png",
            png(2, 2),
            "is a hidden file (its name starts with '.'), which builds leave out; "
            "copy it under a name of letters, digits, '-' and '_'",
        ),
        (
            "map #1.png",
            png(2, 2),
            "has '#' or '%' in its name, which breaks the picture's link on the page; "
            "copy it under a name of letters, digits, '-' and '_'",
        ),
        (
            "map?.png",
            png(2, 2),
            "cannot be published: '?' is not allowed in file names on Windows; "
            "copy it under a name of letters, digits, '-' and '_'",
        ),
    ],
)
def test_a_bad_image_is_an_error_and_nothing_is_written(
    make_site: MakeSite, tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    root = make_site({"site.yaml": SITE})
    picture = tmp_path / name
    if data is not None:
        picture.write_bytes(data)
    code, out, err = new(root, "ECB holds rates", "--image", str(picture))
    assert (code, out) == (1, "")
    assert err == f"--image {str(picture)!r} {message}\n1 error\n"
    assert sorted(p.name for p in root.iterdir()) == ["site.yaml"]


def test_a_folder_as_image_is_an_error(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE})
    (tmp_path / "pictures.png").mkdir()
    code, out, err = new(root, "ECB holds rates", "--image", str(tmp_path / "pictures.png"))
    assert (code, out) == (1, "")
    assert err == (
        f"--image '{tmp_path / 'pictures.png'}' is a folder; "
        "give the picture's path from the current folder\n1 error\n"
    )


@pytest.mark.parametrize(
    ("site_yaml", "args", "messages"),
    [
        (
            AUTHORS_SITE,
            ["--author", "olna"],
            ["unknown author 'olna': site.yaml's authors do not name them; did you mean 'olena'?"],
        ),
        (
            AUTHORS_SITE,
            ["--author", "Taras Shevchenko"],
            [
                "unknown author 'Taras Shevchenko': site.yaml's authors do not name them; "
                "did you mean 'Taras Shevchuk'?"
            ],
        ),
        (
            AUTHORS_SITE,
            ["--author", "olena,sam"],
            [
                "unknown author 'sam': site.yaml's authors do not name them; "
                "write one of: olena, taras, or add them to site.yaml"
            ],
        ),
        (
            SITE,
            ["--author", "olena", "--author", "???"],
            [
                "the author '???' has no letters or digits; give their name or key, "
                "e.g. --author olena"
            ],
        ),
        (
            SITE,
            ["--story", "«…»"],
            [
                "the story '«…»' has no letters or digits; name it in words, e.g. "
                '--story "Grain deal"'
            ],
        ),
        (
            SITE,
            ["--publish"],
            [
                "--publish needs --source: a published item must cite the article it "
                "summarises; add --source URL, or leave out --publish to write a draft"
            ],
        ),
        (
            SITE,
            ["--publish", "--source", "apnews.com/a", "--story", " ", "--author", "x,y"],
            [
                "--source must be an absolute http(s) URL, not 'apnews.com/a'; "
                "copy the full address from the browser, starting with https://",
                "the story '' has no letters or digits; name it in words, e.g. "
                '--story "Grain deal"',
            ],
        ),
    ],
)
def test_bad_author_story_or_publish_is_an_error_and_nothing_is_written(
    make_site: MakeSite, site_yaml: str, args: list[str], messages: list[str]
) -> None:
    root = make_site({"site.yaml": site_yaml})
    code, out, err = new(root, "ECB holds rates", *args)
    assert (code, out) == (1, "")
    count = f"{len(messages)} error" + ("s" if len(messages) > 1 else "")
    assert err.splitlines() == [*messages, count]
    assert sorted(p.name for p in root.iterdir()) == ["site.yaml"]
