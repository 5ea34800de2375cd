"""Files that travel with content: pictures and documents beside an item are published
where its links lead, and work on the item page, the edition page, under the base path
and in feeds; a link to a local file that does not exist is an error at its line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, item, png, run
from PIL import Image

import generator.plan.attached
from generator.reading.assets import Asset, describe, picture_size

NOW = "2025-07-23T12:00:00+03:00"


def jpeg_turned(width: int, height: int) -> bytes:
    """A JPEG stored ``width`` x ``height`` whose EXIF says: turn it a quarter."""
    picture = Image.new("RGB", (width, height), (10, 10, 200))
    exif = picture.getexif()
    exif[0x0112] = 6
    data = io.BytesIO()
    picture.save(data, "JPEG", exif=exif)
    return data.getvalue()


# On bytes -------------------------------------------------------------------


def test_a_pictures_size_is_read_from_its_header() -> None:
    assert picture_size(png(640, 480)) == (640, 480)


def test_a_quarter_turned_photo_has_the_size_browsers_show() -> None:
    assert picture_size(jpeg_turned(640, 480)) == (480, 640)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"", b"\x89PNG\r\n\x1a\n broken"])
def test_other_files_and_damaged_pictures_have_no_size(data: bytes) -> None:
    assert picture_size(data) is None


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120.5 60"></svg>', (121, 60)),
        (b'<?xml version="1.0"?>\n<!-- map -->\n<svg width="200px" height="100"'
         b' viewBox="0 0 20 10"/>', (200, 100)),
        (b"<svg width='50%' viewBox='0,0,30,40'/>", (30, 40)),  # a percent: the box's shape
        (b"<svg><circle r='4'/></svg>", None),  # no size of its own: none to give
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg viewBox="0 0 1 1"/>', None),
    ],
)  # fmt: skip
def test_an_svgs_size_is_read_from_its_tag_never_by_an_xml_parser(
    data: bytes, size: tuple[int, int] | None
) -> None:
    assert picture_size(data) == size


def test_an_assets_key_round_trips_and_changes_with_its_bytes() -> None:
    first, second = describe(png(10, 20)), describe(png(10, 20, (0, 0, 0)))
    assert Asset.from_key(first.key()) == first
    assert first.width == 10 and first.height == 20
    assert first.key() != second.key()
    assert Asset.from_key(describe(b"%PDF").key()) == describe(b"%PDF")
    assert Asset.from_key("0123abcd") is None  # a Markdown file's key


# In a build -------------------------------------------------------------------

BUNDLE = "content/2025-07-22-talks/index.md"
TALKS = item(
    "Talks resume",
    body="The map.\n\n![The route](map.png)\n\n![Seating](img/seats%20plan.png)\n\n"
    "[The communiqué](communique.pdf)",
)
LOOSE = item(
    "Other news",
    "2025-07-21T08:00:00+03:00",
    source="https://apnews.com/article/other",
    body="A chart: ![Grain exports](charts/grain.png)",
)


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            BUNDLE: TALKS,
            "content/2025-07-22-talks/map.png": png(1200, 800),
            "content/2025-07-22-talks/img/seats plan.png": png(300, 200),
            "content/2025-07-22-talks/communique.pdf": b"%PDF-1.4\n%talks\n",
            "content/2025-07-22-talks/unlinked.png": png(5, 5),
            "content/2025-07-21-other.md": LOOSE,
            "content/charts/grain.png": png(800, 600),
        }
    )
    monkeypatch.chdir(root)
    return root


def images(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_files_are_published_where_the_links_lead(site: Path) -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    out = site / "_site"
    assert (out / "2025/07/22/talks/map.png").read_bytes() == (
        site / "content/2025-07-22-talks/map.png"
    ).read_bytes()
    assert (out / "2025/07/22/talks/img/seats plan.png").is_file()
    assert (out / "2025/07/22/talks/communique.pdf").read_bytes() == b"%PDF-1.4\n%talks\n"
    assert (out / "2025/07/21/other/charts/grain.png").is_file()
    # Only what an item links is published.
    assert not list(out.rglob("unlinked.png"))


def test_an_item_in_a_folder_of_its_own_takes_the_folders_name(site: Path) -> None:
    run("build", "--now", NOW)
    assert (site / "_site/2025/07/22/talks/index.html").is_file()


def test_pictures_carry_their_size_and_all_but_the_first_load_lazily(site: Path) -> None:
    run("build", "--now", NOW)
    page = (site / "_site/2025/07/22/talks/index.html").read_text(encoding="utf-8")
    assert images(page) == [
        '<img src="/briefing/2025/07/22/talks/map.png" width="1200" height="800" '
        'alt="The route" />',
        '<img src="/briefing/2025/07/22/talks/img/seats%20plan.png" width="300" height="200" '
        'loading="lazy" alt="Seating" />',
    ]
    assert 'href="/briefing/2025/07/22/talks/communique.pdf"' in page


def test_the_edition_page_links_the_same_files_under_the_base_path(site: Path) -> None:
    run("build", "--now", NOW)
    out = site / "_site"
    edition = (out / "editions/2025-07-22/index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', edition)
    assert sources == [
        "/briefing/2025/07/22/talks/map.png",
        "/briefing/2025/07/22/talks/img/seats%20plan.png",
    ]
    for src in sources:  # served from the folder above _site, as GitHub Pages would
        assert (out / src.removeprefix("/briefing/").replace("%20", " ")).is_file()


def test_feeds_link_the_files_absolutely(site: Path) -> None:
    run("build", "--now", NOW)
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site / "_site" / name).read_bytes())
        talks = next(e for e in feed.entries if e.title == "Talks resume")
        html = talks.content[0].value if "content" in talks else talks.summary
        assert re.findall(r'src="([^"]+)"', html) == [
            "https://briefing-dev.github.io/briefing/2025/07/22/talks/map.png",
            "https://briefing-dev.github.io/briefing/2025/07/22/talks/img/seats%20plan.png",
        ], name


def test_a_link_to_a_missing_local_file_is_an_error_at_its_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item(body="Intro.\nSee ![the chart](chart.png) and [data](/d.csv)."),
            "content/b.md": item("Other", "2025-07-21T08:00:00+03:00", body="[Up](../x.pdf)"),
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[:3] == [
        "content/a.md:8:18: links to chart.png, but there is no such file (looked for "
        "content/chart.png); put the file beside a.md, or correct the link",
        "content/a.md:8:40: links to /d.csv, but there is no such file (looked for "
        "static/d.csv); put the file in the site's static/ folder, or correct the link",
        "content/b.md:7:6: links to ../x.pdf, but there is no such file (looked for x.pdf); "
        "put the file beside b.md, or correct the link",
    ]


def test_a_drafts_pictures_stay_private(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item(),
            "content/draft/index.md": item("Secret", body="![x](leak.png)", draft="true"),
            "content/draft/leak.png": png(4, 4),
        }
    )
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    assert not list((root / "_site").rglob("leak.png"))


def test_a_changed_picture_is_published_again_with_its_new_size(site: Path) -> None:
    run("build", "--now", NOW)
    (site / "content/2025-07-22-talks/map.png").write_bytes(png(640, 480))
    code, out, _ = run("build", "--now", NOW)
    assert code == 0
    page = (site / "_site/2025/07/22/talks/index.html").read_text(encoding="utf-8")
    assert 'width="640" height="480"' in page
    assert picture_size((site / "_site/2025/07/22/talks/map.png").read_bytes()) == (640, 480)


def test_a_file_that_vanishes_while_the_build_reads_it_fails_the_build_cleanly(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("build", "--now", NOW)[0] == 0
    pdf = site / "content/2025-07-22-talks/communique.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%revised\n")
    real = generator.plan.attached.read_file

    def vanishing(path: str, shown: str) -> bytes:
        if path.endswith("communique.pdf"):
            Path(path).unlink()  # deleted after the build saw it, before it copies it
        return real(path, shown)

    monkeypatch.setattr(generator.plan.attached, "read_file", vanishing)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "communique.pdf: vanished while the build read it" in err
    assert "Traceback" not in err
    published = site / "_site/2025/07/22/talks/communique.pdf"
    assert published.read_bytes() == b"%PDF-1.4\n%talks\n"  # the last good build's


def test_a_build_with_nothing_changed_reads_no_picture(site: Path) -> None:
    run("build", "--now", NOW)
    _, out, _ = run("build", "--now", NOW)
    assert "0 written" in out


def test_two_items_beside_one_picture_each_publish_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item("One", body="![a](shared.png)"),
            "content/b.md": item("Two", "2025-07-21T08:00:00+03:00", body="![b](shared.png)"),
            "content/shared.png": png(3, 3),
        }
    )
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    assert (root / "_site/2025/07/22/a/shared.png").is_file()
    assert (root / "_site/2025/07/21/b/shared.png").is_file()


def test_two_files_led_to_one_place_are_an_error(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the page /2025/07/22/b/, ../a/x.png is /2025/07/22/a/x.png, where item a
    publishes its own x.png; in content/ the two links name two different files."""
    root = make_site(
        {
            "content/a/index.md": item("A", body="![a](x.png)"),
            "content/a/x.png": png(2, 2),
            "content/deep/deeper/b.md": item("B", body="![b](../a/x.png)"),
            "content/deep/a/x.png": png(4, 4),
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/deep/deeper/b.md: 2025/07/22/a/x.png would be written twice: by "
        "content/a/index.md and by content/deep/deeper/b.md; its link leads there from its "
        "page but names content/deep/a/x.png, another file; rename one of the two files"
    )


def test_check_warns_of_a_picture_without_alt_text(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a/index.md": item(body="![](map.png) and ![ ](map.png) and ![A map](map.png)"),
            "content/a/map.png": png(8, 8),
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("check", "--now", NOW)
    assert code == 0
    warning = (
        "warning: the picture map.png has no alt text, so readers who cannot see it get "
        "nothing; describe it between the brackets: ![A map of the route](map.png), or for a "
        "lead picture with `image_alt:`"
    )
    assert err.splitlines()[:2] == [
        f"content/a/index.md:7:5: {warning}",
        f"content/a/index.md:7:23: {warning}",
    ]


def test_pictures_of_the_sites_static_folder_get_their_size_and_follow_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "content/a.md": item(body="![Logo](/logo.png) ![Map](/maps/route.svg) ![x](/x.txt)"),
            "static/logo.png": png(320, 100),
            "static/maps/route.svg": b'<svg viewBox="0 0 64 48"/>',
            "static/x.txt": b"not a picture",
        }
    )
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    page = (root / "_site/2025/07/22/a/index.html").read_text(encoding="utf-8")
    found = images(page)
    assert 'src="/briefing/logo.png" width="320" height="100"' in found[0]
    assert 'src="/briefing/maps/route.svg" width="64" height="48"' in found[1]
    assert "width=" not in found[2]
    (root / "static/logo.png").write_bytes(png(640, 200))  # a new logo: the page follows
    assert run("build", "--now", NOW)[0] == 0
    page = (root / "_site/2025/07/22/a/index.html").read_text(encoding="utf-8")
    assert 'width="640" height="200"' in images(page)[0]


SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
)


@pytest.mark.parametrize("name", ["diagram.svg", "page.html", "feed.xml", "Page.XHTML"])
def test_a_file_that_can_carry_script_is_refused_at_its_link_unless_html_is_trusted(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(body=f"The chart:\n\n[See it]({name})"),
            f"content/2025-07-22-talks/{name}": SCRIPTED_SVG,
        }
    )
    monkeypatch.chdir(root)
    for command in ("check", "build"):
        code, _, err = run(command, "--now", NOW)
        assert code == 1
        assert err.splitlines()[0] == (
            f"content/2025-07-22-talks/index.md:9:10: links to {name}, a file that can carry "
            f"script ({name[name.rindex('.') :].lower()} runs in the reader's browser), and "
            "raw_html is off; publish a PNG or PDF of it instead; or, if every file your "
            "items bring is trusted, set raw_html: true in site.yaml"
        )
    assert not (root / "_site").exists()
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "raw_html: true\n", "utf-8")
    assert run("build", "--now", NOW)[0] == 0
    assert (root / f"_site/2025/07/22/talks/{name}").read_bytes() == SCRIPTED_SVG


def bomb() -> bytes:
    """A PNG header claiming 30,000 x 30,000 pixels: 900 million, in a few bytes."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
        + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>not a picture</body></html>", "cannot be read as a .png picture"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "cannot be read as a .png picture"),
        (bomb(), "cannot be read as a .png picture"),
        (png(8000, 6000), "a picture of 8000 x 6000 pixels, more than the 40 million"),
    ],
    ids=["html-as-png", "truncated", "decompression-bomb", "48-megapixels"],
)
def test_a_picture_no_page_should_carry_is_an_error_at_its_link(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, data: bytes, message: str
) -> None:
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(body="![The map](map.png)", image="map.png"),
            "content/2025-07-22-talks/map.png": data,
        }
    )
    monkeypatch.chdir(root)
    code, _, err = run("check", "--now", NOW)
    assert code == 1
    lines = [line for line in err.splitlines() if "warning:" not in line]
    assert lines[0].startswith("content/2025-07-22-talks/index.md:6:8: links to map.png, ")
    assert lines[1].startswith("content/2025-07-22-talks/index.md:8:12: links to map.png, ")
    assert message in lines[0] and message in lines[1]
