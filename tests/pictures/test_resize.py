"""Large pictures get a copy `picture_width` pixels wide, offered with srcset: made
with Pillow, upright, and the same bytes on every build."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run
from PIL import Image

from generator.pictures.resize import copy_name, resized

NOW = "2025-07-23T12:00:00+03:00"
FOLDER = "_site/2025/07/22/talks/"


def picture(width: int, height: int, kind: str = "PNG", orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 170))
    for x in range(0, width, 7):  # detail, so that resampling has work to do
        image.putpixel((x, x * height // width), (250, 250, 250))
    data = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(data, kind, exif=exif)
    else:
        image.save(data, kind)
    return data.getvalue()


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(
                "Talks",
                image="{src: photo.jpg, alt: The venue}",
                body="Intro.\n\n![A wide chart](chart.png)\n\n![A small map](map.png)\n",
            ),
            "content/2025-07-22-talks/photo.jpg": picture(3000, 2000, "JPEG"),
            "content/2025-07-22-talks/chart.png": picture(2400, 800),
            "content/2025-07-22-talks/map.png": picture(600, 400),
        }
    )
    monkeypatch.chdir(root)
    return root


def build(*more: str) -> None:
    code, _, err = run("build", "--now", NOW, *more)
    assert code == 0, err


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def test_a_large_picture_gets_a_smaller_copy_and_a_small_one_none(site: Path) -> None:
    build()
    out = site / FOLDER
    assert size_of(out / "chart-1200w.png") == (1200, 400)
    assert size_of(out / "photo-1200w.jpg") == (1200, 800)
    assert size_of(out / "chart.png") == (2400, 800)  # the original, as it was
    assert not (out / "map-1200w.png").exists()


def test_pages_offer_the_copy_with_srcset(site: Path) -> None:
    build()
    page = (site / FOLDER / "index.html").read_text()
    base = "/briefing/2025/07/22/talks/"
    assert (
        f'srcset="{base}chart-1200w.png 1200w, {base}chart.png 2400w" '
        'sizes="(max-width: 1200px) 100vw, 1200px"'
    ) in page
    assert f'srcset="{base}photo-1200w.jpg 1200w, {base}photo.jpg 3000w"' in page
    small = page.split('alt="A small map"', 1)[0].rsplit("<img", 1)[1]
    assert "srcset" not in small
    edition = (site / "_site/editions/2025-07-22/index.html").read_text()
    assert f'srcset="{base}chart-1200w.png 1200w, {base}chart.png 2400w"' in edition


def test_feeds_offer_the_copy_at_an_absolute_address(site: Path) -> None:
    build()
    feed = json.loads((site / "_site/feed.json").read_text())
    html = feed["items"][0]["content_html"]
    absolute = "https://briefing-dev.github.io/briefing/2025/07/22/talks/"
    assert f'srcset="{absolute}chart-1200w.png 1200w, {absolute}chart.png 2400w"' in html


def test_copies_are_the_same_bytes_on_every_build(site: Path) -> None:
    build()
    first = {p.name: p.read_bytes() for p in (site / FOLDER).glob("*-1200w.*")}
    build("--clean")
    again = {p.name: p.read_bytes() for p in (site / FOLDER).glob("*-1200w.*")}
    assert first == again
    assert sorted(first) == ["chart-1200w.png", "photo-1200w.jpg"]


def test_picture_width_is_set_in_site_yaml(site: Path) -> None:
    (site / "site.yaml").write_text(SITE_YAML + "picture_width: 500\n")
    build()
    out = site / FOLDER
    assert size_of(out / "map-500w.png") == (500, 333)
    assert not (out / "chart-1200w.png").exists()  # the copies of the old width are gone


def test_a_photo_turned_by_exif_is_copied_upright() -> None:
    # Stored 2000 x 1500 and turned a quarter by its EXIF: browsers show 1500 x 2000.
    data = picture(2000, 1500, "JPEG", orientation=6)
    with Image.open(io.BytesIO(resized(data, "a.jpg", 1200))) as copy:
        assert copy.size == (1200, 1600)
        assert copy.getexif().get(0x0112) is None


def test_a_copy_keeps_the_pictures_colour_profile() -> None:
    profile = b"\x00\x00\x02\x0cfake icc profile"
    image = Image.new("RGB", (1600, 900), (200, 10, 10))
    data = io.BytesIO()
    image.save(data, "PNG", icc_profile=profile)
    with Image.open(io.BytesIO(resized(data.getvalue(), "a.png", 800))) as copy:
        assert copy.info.get("icc_profile") == profile


def test_the_copy_is_named_after_the_picture_and_its_width() -> None:
    assert copy_name("2025/07/22/talks/map.png", 1200) == "2025/07/22/talks/map-1200w.png"
