"""Withdrawn items (`withdrawn: {date, reason}`): the page stays at its address with
the notice alone; the item leaves every list, edition, index and the email; feeds keep
its entry with the notice; the corrections page lists it; and no published file keeps a
word of what it said."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SEARCH_SITE_YAML, MakeSite, item, png, run

NOW = "2025-07-30T12:00:00+03:00"
#: Words only the withdrawn item's body, summary and picture hold.
SECRET = "Zanzibarian"
WITHDRAWN = '{date: "2025-07-25T10:00:00+03:00", reason: "It rested on a forged ministry letter."}'


def day(n: int) -> str:
    return f"2025-07-{n:02d}T09:00:00+03:00"


def files() -> dict[str, str | bytes]:
    return {
        "content/kept.md": item("Talks resume", day(22), tags="[ukraine]", story="Talks"),
        "content/gone/index.md": item(
            "Minister resigns",
            day(23),
            tags="[ukraine, politics]",
            source="https://www.reuters.com/world/minister",
            body=f"The {SECRET} letter said so.\n\n![The {SECRET} letter](letter.png)",
            summary=f"A {SECRET} affair.",
            image="letter.png",
            author="Olena",
            story="Talks",
            withdrawn=WITHDRAWN,
        ),
        "content/gone/letter.png": png(30, 20),
        "content/later.md": item("Rates held", day(24), tags="[politics]"),
    }


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(files())
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    return root


def read(site: Path, path: str) -> str:
    return (site / "_site" / path).read_text(encoding="utf-8")


def test_the_page_stays_at_its_address_with_the_notice_alone(site: Path) -> None:
    page = read(site, "2025/07/23/gone/index.html")
    assert "<h1>Minister resigns</h1>" in page
    notice = "withdrew this item on 25 July 2025.</strong> It rested on a forged ministry letter."
    assert notice in page
    assert '<time datetime="2025-07-25T10:00:00+03:00">25 July 2025</time>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert SECRET not in page and "letter.png" not in page


def test_it_leaves_every_list_edition_index_and_the_email(site: Path) -> None:
    for path in (
        "index.html",
        "editions/2025-07-23/index.html",
        "items/index.html",
        "tags/ukraine/index.html",
        "tags/politics/index.html",
        "sources/reuters/index.html",
        "stories/talks/index.html",
        "2025/07/22/kept/index.html",  # neighbours and the story box
        "2025/07/24/later/index.html",
    ):
        if (site / "_site" / path).exists():
            assert "Minister resigns" not in read(site, path), path
    assert not (site / "_site/editions/2025-07-23").exists()  # it held nothing else
    assert not (site / "_site/email/2025-07-23").exists()
    assert "2025/07/23/gone/" not in read(site, "sitemap.xml")
    assert not (site / "_site/authors/olena").exists()


def test_feeds_keep_the_entry_with_the_notice_and_the_withdrawal_date(site: Path) -> None:
    for name in ("feed.xml", "atom.xml", "tags/ukraine/feed.xml", "stories/talks/feed.xml"):
        feed = feedparser.parse((site / "_site" / name).read_bytes())
        assert feed.bozo == 0, name
        entry = {e.title: e for e in feed.entries}["Minister resigns"]
        assert "It rested on a forged ministry letter." in entry.summary, name
        assert SECRET not in str(entry), name
    atom = feedparser.parse((site / "_site/atom.xml").read_bytes())
    assert {e.title: e for e in atom.entries}["Minister resigns"].updated == (
        "2025-07-25T10:00:00+03:00"
    )
    data = json.loads(read(site, "feed.json"))
    entry = {e["title"]: e for e in data["items"]}["Minister resigns"]
    assert entry["date_modified"] == "2025-07-25T10:00:00+03:00"
    assert entry["content_html"].startswith("<p><strong>Withdrawn.</strong>")


def test_the_corrections_page_lists_it_as_a_withdrawal(site: Path) -> None:
    page = read(site, "corrections/index.html")
    assert (
        '<strong>Withdrawn</strong>: <a href="/briefing/2025/07/23/gone/">Minister resigns</a>. '
        "It rested on a forged ministry letter." in page
    )


def test_no_published_file_keeps_a_word_of_it(site: Path) -> None:
    assert not (site / "_site/2025/07/23/gone/letter.png").exists()
    for path in (site / "_site").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.slow
def test_nor_does_the_search_index(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind's files are compressed: its fragments are searched as it searches them.
    import gzip

    root = make_site({"site.yaml": SEARCH_SITE_YAML, **files()})
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    bundle = root / "_site/pagefind"
    fragments = list(bundle.rglob("*.pf_fragment"))
    assert fragments
    texts = [gzip.decompress(p.read_bytes())[12:] for p in fragments]
    assert any(b"Rates held" in text for text in texts)
    assert not any(b"Minister resigns" in text or SECRET.encode() in text for text in texts)
    for path in bundle.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            assert SECRET.encode() not in data, path


@pytest.mark.parametrize(
    ("withdrawn", "expected"),
    [
        ("{date: 2025-07-25}", "'withdrawn' must have a date and a reason"),
        ('{date: 2025-07-25, reason: " "}', "'withdrawn' is empty"),
        (
            '{date: 2025-07-01, reason: "Wrong."}',
            "'withdrawn' is dated 2025-07-01T00:00:00+03:00, before 'date'",
        ),
    ],
)
def test_a_wrong_withdrawal_is_an_error_at_its_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, withdrawn: str, expected: str
) -> None:
    root = make_site({"content/a.md": item("A", day(20), withdrawn=withdrawn)})
    monkeypatch.chdir(root)
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert f"content/a.md:6:12: {expected}" in err, err
