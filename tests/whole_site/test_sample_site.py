"""The repository's own sample briefing builds, and every internal link on it resolves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from conftest import REPO

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.project.config import load_config

#: The sample site has search on: its build runs Pagefind, a process of its own.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "_site"
    build(BuildOptions(site_dir=REPO, output=out, cache=out.parent / "cache"))
    return out


def test_sample_content_shows_every_feature(sample: Path) -> None:
    pages = list(sample.rglob("index.html"))
    items = [p for p in pages if re.match(r"\d{4}/\d\d/\d\d/", p.relative_to(sample).as_posix())]
    assert 10 <= len(items) <= 15
    assert len(list((sample / "tags").glob("*/index.html"))) >= 5
    assert (sample / "items/page/2/index.html").is_file()
    html = "\n".join(p.read_text(encoding="utf-8") for p in items)
    for feature in ("<table>", "footnote", "<blockquote>", "<ul>", "<h2 id=",
                    '<aside class="block block-why"', '<aside class="story-box"',
                    'aria-label="Earlier coverage"', 'class="item withdrawn"'):  # fmt: skip
        assert feature in html, feature
    assert (sample / "stories/russia-ukraine-peace-efforts/feed.json").is_file()
    assert "lead-story" in (sample / "editions/2025-07-22/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_every_internal_link_and_asset_resolves(sample: Path) -> None:
    config = load_config(REPO)
    base = urlsplit(config.url).path
    # The emails' "Unsubscribe" points at Buttondown's placeholder, which it fills in.
    placeholder = config.email.unsubscribe if config.email else None
    broken = []
    for page in sorted(sample.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"#]*)(?:#[^"]*)?"', text):
            if not url or urlsplit(url).scheme or url == placeholder:
                continue
            assert url.startswith(base), f"{page}: {url} escapes the base path {base}"
            target = sample / unquote(url[len(base) :])
            if url.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(sample)} -> {url}")
    assert broken == []


def test_sample_feed_is_valid(sample: Path) -> None:
    feed = feedparser.parse((sample / "feed.xml").read_bytes())
    assert feed.bozo == 0
    # 13 published items, and the withdrawn one with its notice.
    assert len(feed.entries) == min(load_config(REPO).feed_items, 14)
    assert all(e.link.startswith("https://") for e in feed.entries)


def test_front_page_is_the_latest_edition(sample: Path) -> None:
    editions = sorted(p.parent.name for p in (sample / "editions").glob("*/index.html"))
    assert len(editions) >= 7
    latest = editions[-1]
    front = (sample / "index.html").read_text(encoding="utf-8")
    assert f'<a href="/briefing/editions/{latest}/">' in front
    assert f"No. {len(editions)}" in front
    assert "Recent editions" in front and "/briefing/archive/" in front
    sections = re.findall(
        r'<h2 class="section-title"[^>]*>([^<]+)</h2>',
        "".join(p.read_text(encoding="utf-8") for p in (sample / "editions").glob("*/index.html")),
    )
    assert len(set(sections)) >= 4
    intro = [
        p
        for p in (sample / "editions").glob("*/index.html")
        if 'class="intro body"' in p.read_text(encoding="utf-8")
    ]
    assert intro, "one edition has an editor's introduction"
    assert len(list((sample / "sources").glob("*/index.html"))) >= 8
