"""A lead image (`image:` in front matter): at the top of the item and in its edition,
and the picture of link previews (og:image, a large Twitter card), JSON-LD, JSON Feed
and RSS/Atom media; a site-wide default preview picture from site.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, png, run

NOW = "2025-07-23T12:00:00+03:00"
ITEM_URL = "https://briefing-dev.github.io/briefing/2025/07/22/talks/"


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(
                "Talks resume",
                image="{src: map.png, alt: A map of the route, credit: 'Map: the desk'}",
            ),
            "content/2025-07-22-talks/map.png": png(800, 450),
            "content/b.md": item(
                "Elsewhere",
                "2025-07-22T08:00:00+03:00",
                image="https://images.example.org/photo.jpg",
                image_alt="A photo",
            ),
            "content/c.md": item("Plain", "2025-07-21T08:00:00+03:00"),
        }
    )
    monkeypatch.chdir(root)
    return root


def build() -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err


def meta(html: str, name: str) -> str | None:
    for attr in ("property", "name"):
        marker = f'<meta {attr}="{name}" content="'
        if marker in html:
            return html.split(marker, 1)[1].split('"', 1)[0]
    return None


def test_a_local_lead_image_is_published_and_shown_at_the_top(site: Path) -> None:
    build()
    out = site / "_site"
    assert (out / "2025/07/22/talks/map.png").read_bytes() == png(800, 450)
    page = (out / "2025/07/22/talks/index.html").read_text()
    figure = page.split('<figure class="lead-image">', 1)[1].split("</figure>", 1)[0]
    assert (
        '<img src="/briefing/2025/07/22/talks/map.png" alt="A map of the route" width="800" '
        'height="450">' in figure
    )
    assert "<figcaption>Map: the desk</figcaption>" in figure
    assert page.index("lead-image") < page.index('<div class="body">')
    edition = (out / "editions/2025-07-22/index.html").read_text()
    assert 'src="/briefing/2025/07/22/talks/map.png" alt="A map of the route"' in edition


def test_the_lead_image_is_the_link_preview(site: Path) -> None:
    build()
    page = (site / "_site/2025/07/22/talks/index.html").read_text()
    assert meta(page, "og:image") == ITEM_URL + "map.png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("800", "450")
    assert meta(page, "og:image:alt") == "A map of the route"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == ITEM_URL + "map.png"
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>")[0])
    assert data["image"] == [ITEM_URL + "map.png"]
    plain = (site / "_site/2025/07/21/c/index.html").read_text()
    assert meta(plain, "og:image") is None
    assert meta(plain, "twitter:card") == "summary"


def test_an_editions_link_preview_is_its_first_items_picture(site: Path) -> None:
    build()
    edition = (site / "_site/editions/2025-07-22/index.html").read_text()
    # The edition shows its items newest first: "Talks resume" (09:15), then "Elsewhere".
    first = edition.split("<main", 1)[1].split('<img src="', 1)[1].split('"', 1)[0]
    assert first == "/briefing/2025/07/22/talks/map.png"
    assert meta(edition, "og:image") == ITEM_URL + "map.png"
    assert (meta(edition, "og:image:width"), meta(edition, "og:image:height")) == ("800", "450")
    assert meta(edition, "twitter:card") == "summary_large_image"
    # An edition without pictures, and the front page, have the site's (here none).
    for page in ("editions/2025-07-21/index.html", "index.html"):
        assert meta((site / "_site" / page).read_text(), "og:image") is None


def test_an_image_elsewhere_is_linked_as_given(site: Path) -> None:
    build()
    page = (site / "_site/2025/07/22/b/index.html").read_text()
    assert meta(page, "og:image") == "https://images.example.org/photo.jpg"
    assert meta(page, "og:image:width") is None
    assert '<img src="https://images.example.org/photo.jpg" alt="A photo">' in page


def test_feeds_carry_the_lead_image(site: Path) -> None:
    build()
    out = site / "_site"
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert feed.bozo == 0
        entries = {entry.title: entry for entry in feed.entries}
        assert entries["Talks resume"].media_content == [
            {"url": ITEM_URL + "map.png", "medium": "image", "width": "800", "height": "450"}
        ]
        assert entries["Elsewhere"].media_content[0]["url"] == (
            "https://images.example.org/photo.jpg"
        )
        assert "media_content" not in entries["Plain"]
    items = {i["title"]: i for i in json.loads((out / "feed.json").read_text())["items"]}
    assert items["Talks resume"]["image"] == ITEM_URL + "map.png"
    assert "image" not in items["Plain"]


def test_a_missing_lead_image_is_an_error_at_its_line(site: Path) -> None:
    (site / "content/2025-07-22-talks/map.png").unlink()
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0].startswith(
        "content/2025-07-22-talks/index.md:6:8: links to map.png, but there is no such file"
    )


def test_an_image_over_plain_http_is_refused(site: Path) -> None:
    (site / "content/c.md").write_text(item("Plain", image="http://images.example.org/a.jpg"))
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/c.md:6:8: 'image' must be a file beside the item or an https URL" in err


def test_alt_text_given_twice_is_an_error(site: Path) -> None:
    (site / "content/c.md").write_text(item("Plain", image="{src: a.png, alt: A}", image_alt="B"))
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/c.md:7:12: 'image_alt' and the image's own alt are both given" in err


def test_a_lead_image_without_alt_text_is_a_check_warning(site: Path) -> None:
    (site / "content/c.md").write_text(item("Plain", image="https://images.example.org/a.jpg"))
    code, out, err = run("check", "--now", NOW)
    assert code == 0, err
    assert (
        "content/c.md:6:8: warning: the picture https://images.example.org/a.jpg has no alt "
        "text, so readers who cannot see it get nothing; describe it between the brackets: "
        "![A map of the route](map.png), or for a lead picture with `image_alt:`"
    ) in err


def test_the_sites_preview_image_stands_in_for_pages_without_one(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "image: preview.png\nimage_alt: Test Briefing\n",
            "static/preview.png": png(1200, 630),
            "content/a.md": item("Plain"),
        }
    )
    monkeypatch.chdir(root)
    build()
    for page in ("index.html", "2025/07/22/a/index.html", "tags/index.html"):
        html = (root / "_site" / page).read_text()
        assert meta(html, "og:image") == "https://briefing-dev.github.io/briefing/preview.png"
        assert meta(html, "og:image:alt") == "Test Briefing"
        assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
        assert meta(html, "twitter:card") == "summary_large_image"
    # Another picture under the same name: every page says its new size.
    (root / "static/preview.png").write_bytes(png(1000, 500))
    build()
    for page in ("index.html", "2025/07/22/a/index.html", "tags/index.html"):
        html = (root / "_site" / page).read_text()
        assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1000", "500")
    (root / "static/preview.png").unlink()
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "site.yaml:8:8: 'image' names preview.png, but the site publishes no such file "
        "(looked for static/preview.png); put the picture in the site's static/ folder, or "
        "correct the name"
    )


def test_alt_text_without_an_image_is_an_error(site: Path) -> None:
    (site / "content/c.md").write_text(item("Plain", image_alt="A photo"))
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert "content/c.md:6:12: 'image_alt' is given, but there is no 'image'" in err


@pytest.mark.parametrize("src", ["../.git/config", "notes", "../../"])
def test_a_lead_image_that_is_no_file_of_the_content_folder_is_an_error(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, src: str
) -> None:
    """Taken as a site path, it was every page's link-preview picture, and build passed."""
    root = make_site({"content/2025-07-22-talks/index.md": item(image=src), ".git/config": "x"})
    monkeypatch.chdir(root)
    for command in ("check", "build"):
        code, _, err = run(command, "--now", NOW)
        assert code == 1
        assert err.splitlines()[0] == (
            f"content/2025-07-22-talks/index.md:6:8: 'image' names {src}, but there is no "
            "such file beside the item; put the picture beside the item and give its name, "
            "or an https address"
        )


def test_a_picture_named_with_percent_or_hash_is_linked_by_its_own_name(
    make_site: MakeSite,
) -> None:
    # The link is written escaped, as the file must be named in a URL: "a%231.png" is the
    # file "a#1.png", which the page must not turn back into a link to "a" and "#1.png".
    root = make_site(
        {
            "content/2025-07-22-talks/index.md": item(
                "Talks resume", image='{src: "a%231.png", alt: A map}'
            ),
            "content/2025-07-22-talks/a#1.png": png(40, 20),
        }
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err
    page = (root / "_site/2025/07/22/talks/index.html").read_text()
    assert '<img src="/briefing/2025/07/22/talks/a%231.png" alt="A map"' in page
    assert f'content="{ITEM_URL}a%231.png"' in page  # the link preview
    assert (root / "_site/2025/07/22/talks/a#1.png").is_file()
