"""Search: the documents indexed, Pagefind's bundle in the build, and the search page
in headless Chromium under a GitHub Pages project path."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest
from conftest import (
    AXE,
    RUN_AXE,
    SEARCH_SITE_YAML,
    SITE_YAML,
    MakeSite,
    item,
    run,
    serve_pages,
    start_chromium,
)

from generator.engine.assemble import assemble
from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.plan import graph
from generator.search import index as searchindex
from generator.search.documents import (
    Documents,
    document_settings,
    search_entries,
)
from generator.search.index import part_key
from generator.search.parts import SearchPart, search_parts

#: Every build here runs Pagefind, a process of its own; some run Chromium.
pytestmark = pytest.mark.slow


SECTIONS = SEARCH_SITE_YAML + "sections: [World, Economy]\npublishers: {reuters.com: Reuters}\n"


def grain_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "site.yaml": SECTIONS,
            "content/grain.md": item(
                "Grain deal extended for Black Sea ports",
                date="2025-05-14T09:00:00+03:00",
                tags="[trade, ukraine]",
                source="https://www.reuters.com/world/grain-deal",
                section="World",
                body="Ships carrying wheat may leave Odesa for another 120 days.",
            ),
            "content/rates.md": item(
                "Central bank holds rates",
                date="2025-07-22T09:00:00+03:00",
                tags="[economy]",
                source="https://apnews.com/article/rates",
                section="Economy",
                body="The deposit rate stays at 2 percent; grain prices were not discussed.",
            ),
            "content/energy.md": item(
                "Gas storage <b>full</b> before winter",
                date="2025-07-22T10:00:00+03:00",
                tags="[energy]",
                source="https://www.bbc.co.uk/news/gas",
                body="Storage sites are 95 percent full, and prices < 2024's & falling.",
            ),
            "content/editions/2025-07-22.md": (
                "---\ntitle: Rates day\n---\nA quiet day for markets.\n"
            ),
        }
    )


def bundle(out: Path) -> dict[str, bytes]:
    folder = out / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fragments(out: Path) -> list[dict[str, object]]:
    """The indexed pages as Pagefind stores them (gzip, a signature, then JSON)."""
    found = []
    for path in sorted((out / "pagefind").glob("*/fragment/*")):
        raw = gzip.decompress(path.read_bytes())
        found.append(json.loads(raw.removeprefix(b"pagefind_dcd")))
    return found


# A part's key: made from the pages' input digests, as exact as the documents ---


#: Edits of the grain site, each (file, old text, new text); the keys and the
#: documents must agree on every one of them.
EDITS = {
    "a title": ("content/grain.md", "Grain deal extended", "Grain pact extended"),
    "a body": ("content/rates.md", "stays at 2 percent", "stays at 2.5 percent"),
    "a tag": ("content/energy.md", "[energy]", "[energy, winter]"),
    "a publisher's name": ("site.yaml", "reuters.com: Reuters", "reuters.com: Reuters News"),
    "an edition's title": ("content/editions/2025-07-22.md", "Rates day", "Rate day"),
    "an edition's words": ("content/editions/2025-07-22.md", "quiet day", "calm day"),
    "the time zone": ("site.yaml", "Europe/Kyiv", "America/New_York"),
    "the language": ("site.yaml", "timezone:", "language: de\ntimezone:"),
    "the base path": ("site.yaml", "github.io/briefing/", "github.io/news/"),
    "the site's title": ("site.yaml", "Test Briefing", "The Briefing"),
    "the page size": ("site.yaml", "paginate: 2", "paginate: 5"),
}


def parts_of(site_dir: Path, tmp_path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each part's key and its documents' HTML, by name."""
    site = assemble(BuildOptions(site_dir=site_dir, output=tmp_path / "unused")).site
    versions = graph.versions(site)
    make = Documents(site)
    settings = document_settings(site, "code")
    return {
        part.name: (
            part_key(part, settings, False),
            tuple(make(entry).html for entry in part.pages),
        )
        for part in search_parts(search_entries(site, versions))
    }


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_parts_key_changes_exactly_when_its_documents_change(
    make_site: MakeSite, tmp_path: Path, edit: str
) -> None:
    """A kept or published part is reused when its key is the same: the key must change
    with every word or filter of its documents, and not with the look of the site."""
    site_dir = grain_site(make_site)
    before = parts_of(site_dir, tmp_path)
    name, old, new = EDITS[edit]
    path = site_dir / name
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    after = parts_of(site_dir, tmp_path)
    assert set(after) == set(before)
    changed = {n for n in after if after[n][1] != before[n][1]}
    rekeyed = {n for n in after if after[n][0] != before[n][0]}
    assert changed == rekeyed
    if edit in {"the site's title", "the page size"}:
        assert not changed  # the look of the site is not in the index
    else:
        assert changed


def test_a_parts_key_is_the_same_in_another_checkout(make_site: MakeSite, tmp_path: Path) -> None:
    """A deploy builds in a new checkout, with the last deploy's kept parts."""
    import shutil

    site_dir = grain_site(make_site)
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(site_dir, moved)
    assert parts_of(moved, tmp_path) == parts_of(site_dir, tmp_path)


# What is indexed -----------------------------------------------------------


def test_items_are_indexed_with_their_filters_and_editions_by_their_own_words(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site_dir = grain_site(make_site)
    site = assemble(BuildOptions(site_dir=site_dir, output=tmp_path / "out")).site
    made = map(Documents(site), search_entries(site, graph.versions(site)))
    documents = {d.file: d.html for d in made}
    assert set(documents) == {
        "2025/05/14/grain/index.html",
        "2025/07/22/rates/index.html",
        "2025/07/22/energy/index.html",
        # The edition with an introduction; the one without has no words of its own.
        "editions/2025-07-22/index.html",
    }
    grain = documents["2025/05/14/grain/index.html"]
    assert '<span data-pagefind-filter="section">World</span>' in grain
    assert '<span data-pagefind-filter="tag">trade</span>' in grain
    assert '<span data-pagefind-filter="publisher">Reuters</span>' in grain
    assert '<span data-pagefind-filter="year">2025</span>' in grain
    assert "Ships carrying wheat" in grain
    # Another item's words are not in this one's document, nor the edition's.
    assert "deposit rate" not in documents["editions/2025-07-22/index.html"]
    # A title is text: escaped here, read back as text by Pagefind.
    energy = documents["2025/07/22/energy/index.html"]
    assert "Gas storage &lt;b&gt;full&lt;/b&gt;" in energy and "<b>full" not in energy


def test_the_build_indexes_items_with_filters_and_meta(make_site: MakeSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site_dir=grain_site(make_site), output=out))
    pages = {f["url"]: f for f in fragments(out)}
    assert set(pages) == {
        "/2025/05/14/grain/",
        "/2025/07/22/rates/",
        "/2025/07/22/energy/",
        "/editions/2025-07-22/",
    }
    grain = pages["/2025/05/14/grain/"]
    assert grain["filters"] == {
        "publisher": ["Reuters"],
        "section": ["World"],
        "tag": ["trade", "ukraine"],
        "year": ["2025"],
    }
    meta = grain["meta"]
    assert isinstance(meta, dict)
    assert meta["title"] == "Grain deal extended for Black Sea ports"
    assert meta["date"] == "14 May 2025"
    assert meta["edition_url"] == "/briefing/editions/2025-05-14/"
    assert "Ships carrying wheat may leave Odesa" in str(grain["content"])
    # Filters, metadata and sort keys are not words of the page.
    assert "Reuters" not in str(grain["content"])
    energy = pages["/2025/07/22/energy/"]
    assert energy["meta"]["title"] == "Gas storage <b>full</b> before winter"  # type: ignore[index]
    assert (out / "search/index.html").is_file()
    assert "search/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_the_index_is_the_same_bytes_whatever_the_folder(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Pagefind 1.5.2 orders filter values by a hash map seeded per process: briefing
    puts them in order. Different folders, on another file system where there is one."""
    site_dir = grain_site(make_site)
    shm = Path("/dev/shm")
    elsewhere = shm / f"briefing-test-{os.getpid()}" if shm.is_dir() else tmp_path / "b"
    outputs = [tmp_path / "a" / "out", elsewhere / "out"]
    try:
        for out in outputs:
            for _ in range(2):  # and a clean build twice, in new processes of Pagefind
                build(BuildOptions(site_dir=site_dir, output=out, use_cache=False))
        first, second = (bundle(out) for out in outputs)
        assert len(first) > 10 and first == second
        assert any(name.startswith("2025/filter/") for name in first)
    finally:
        import shutil

        shutil.rmtree(elsewhere, ignore_errors=True)


def test_a_build_that_changes_no_words_keeps_the_index(
    make_site: MakeSite, tmp_path: Path, indexed: list[list[str]]
) -> None:
    site_dir = parts_site(make_site)
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site_dir, output=out))
    before = {name: (out / "pagefind" / name).stat().st_ino for name in bundle(out)}
    del indexed[:]  # the first build's
    # The look changes (site.yaml): every page is rendered again, the words are not.
    (site_dir / "site.yaml").write_text(
        SEARCH_SITE_YAML.replace("A test briefing.", "Another."), encoding="utf-8"
    )
    report = build(BuildOptions(site_dir=site_dir, output=out))
    assert indexed == [] and report.written > 0
    after = {name: (out / "pagefind" / name).stat().st_ino for name in bundle(out)}
    assert after == before  # the same files, not written again

    # One edit to the oldest item: its part alone is made again, with the new words.
    corridor = site_dir / "content/corridor.md"
    corridor.write_text(corridor.read_text().replace("Odesa", "Chornomorsk"), encoding="utf-8")
    build(BuildOptions(site_dir=site_dir, output=out))
    assert indexed == [["2023"]]
    text = " ".join(str(f["content"]) for f in fragments(out))
    assert "Chornomorsk" in text and "Odesa" not in text
    # The other parts keep their files, and the script and runtime with the newest.
    kept = {n for n in bundle(out) if before.get(n) == (out / "pagefind" / n).stat().st_ino}
    assert {n for n in before if not n.startswith("2023/")} - {"parts.json"} <= kept
    assert not any(n.startswith("2023/fragment/") for n in kept)


def test_a_file_of_the_index_replaced_by_a_link_is_made_again(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """The build never follows a link put in its output; a kept index is then made
    afresh for the files it cannot link (the same bytes: the index is repeatable)."""
    site_dir = grain_site(make_site)
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site_dir, output=out))
    entry = out / "pagefind/2025/pagefind-entry.json"
    good = entry.read_bytes()
    entry.unlink()
    (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
    entry.symlink_to(tmp_path / "elsewhere.json")
    (site_dir / "site.yaml").write_text(
        SECTIONS.replace("A test briefing.", "Another."), encoding="utf-8"
    )
    build(BuildOptions(site_dir=site_dir, output=out))
    assert not entry.is_symlink() and entry.read_bytes() == good


def test_search_off_writes_no_index_page_or_box(make_site: MakeSite, tmp_path: Path) -> None:
    site_dir = grain_site(make_site)
    no_search = SITE_YAML + "sections: [World, Economy]\n"
    (site_dir / "site.yaml").write_text(no_search, encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site_dir, output=out))
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert 'role="search"' not in (out / "index.html").read_text(encoding="utf-8")


def test_a_missing_pagefind_is_a_clear_error_and_the_site_stays(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = grain_site(make_site)
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site_dir, output=out))
    published = (out / "index.html").read_bytes()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    (site_dir / "content/new.md").write_text(item("A new item"), encoding="utf-8")
    code, _, err = run("build", "--site", str(site_dir), "--output", str(out))
    assert code == 1
    assert "cannot make the search index: Pagefind is not installed" in err
    assert "pip install 'pagefind[bin]'" in err and "search: false" in err
    assert "Traceback" not in err
    assert (out / "index.html").read_bytes() == published
    assert not (out / "2025/07/22/a-new-item").exists()


def test_a_static_file_where_the_index_goes_is_an_error(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site_dir = grain_site(make_site)
    (site_dir / "static/pagefind").mkdir(parents=True)
    (site_dir / "static/pagefind/pagefind.js").write_text("// mine", encoding="utf-8")
    code, _, err = run("build", "--site", str(site_dir), "--output", str(tmp_path / "out"))
    assert code == 1 and "pagefind/pagefind.js" in err and "the search index" in err


# The search page in Chromium -----------------------------------------------


def _results(driver: object) -> list[str]:
    return driver.execute_script(  # type: ignore[attr-defined,no-any-return]
        "return [...document.querySelectorAll('#search-results h2 a')].map(a => a.href)"
    )


def _wait(driver: object, condition: str, timeout: float = 20) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(  # type: ignore[arg-type]
        lambda d: d.execute_script(f"return {condition}")
    )


class _Elsewhere(http.server.BaseHTTPRequestHandler):
    """Stands for every host but this machine (Chromium's proxy): notes each request
    and answers none. Pages and their web workers alike go through a proxy."""

    asked: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.asked.append(self.path)
        self.send_error(502)

    do_CONNECT = do_POST = do_HEAD = do_GET  # noqa: N815


def _browser_own(asked: str) -> bool:
    host = urlsplit(asked if "//" in asked else f"//{asked}").hostname or ""
    return host == "google.com" or host.endswith((".google.com", ".googleapis.com", ".gvt1.com"))


@pytest.fixture
def watched_chromium() -> Iterator[tuple[object, list[str]]]:
    """Chromium whose every request for another host reaches a recorder instead."""
    asked: list[str] = []
    recorder = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Recorder", (_Elsewhere,), {"asked": asked})
    )
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    driver = start_chromium(f"--proxy-server=http://127.0.0.1:{recorder.server_address[1]}")
    try:
        yield driver, asked
    finally:
        driver.quit()  # type: ignore[attr-defined]
        recorder.shutdown()
        recorder.server_close()


def test_a_reader_finds_an_item_and_narrows_by_filter_under_a_project_path(
    make_site: MakeSite, tmp_path: Path, watched_chromium: tuple[object, list[str]]
) -> None:
    if not AXE.is_file():
        pytest.skip(f"needs axe-core: npm install --prefix .ci axe-core (looked for {AXE})")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, elsewhere = watched_chromium
    top = tmp_path / "pages"
    build(BuildOptions(site_dir=grain_site(make_site), output=top / "briefing"))
    with serve_pages(top, "/briefing/") as url:
        # From the header's box on the front page, with the keyboard alone.
        driver.get(url)  # type: ignore[attr-defined]
        box = driver.find_element(By.ID, "site-search")  # type: ignore[attr-defined]
        box.send_keys("grain deal", Keys.ENTER)
        _wait(driver, "document.querySelectorAll('#search-results li').length > 0")
        assert driver.current_url == url + "search/?q=grain+deal"  # type: ignore[attr-defined]
        found = _results(driver)
        assert found[0] == url + "2025/05/14/grain/"
        assert urlopen(found[0]).status == 200
        status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
        assert re.fullmatch(r"\d+ results? for “grain deal”\.", status), status
        first = driver.find_element(By.CSS_SELECTOR, "#search-results li")  # type: ignore[attr-defined]
        assert "14 May 2025" in first.text
        marks = [m.text.lower() for m in first.find_elements(By.TAG_NAME, "mark")]
        assert "grain" in marks

        # Typing: "grain" is in two items; the section filter leaves one.
        query = driver.find_element(By.ID, "search-query")  # type: ignore[attr-defined]
        query.clear()
        query.send_keys("grain")
        _wait(driver, "document.querySelectorAll('#search-results li').length === 2")
        # The filters start folded at every width: the reader opens them.
        driver.find_element(By.CSS_SELECTOR, "#search-options summary").click()  # type: ignore[attr-defined]
        choice = driver.find_element(By.ID, "search-section")  # type: ignore[attr-defined]
        options = [o.get_attribute("value") for o in choice.find_elements(By.TAG_NAME, "option")]
        assert options == ["", "Economy", "World"]
        choice.send_keys("Economy")  # a <select> takes its choice from the keyboard
        _wait(driver, "document.querySelectorAll('#search-results li').length === 1")
        assert _results(driver) == [url + "2025/07/22/rates/"]
        assert "section=Economy" in driver.current_url  # type: ignore[attr-defined]

        # A title with markup in it is shown as the text it is.
        query.clear()
        choice.send_keys("Any")
        query.send_keys("storage")
        _wait(driver, "document.querySelectorAll('#search-results li').length === 1")
        title = driver.find_element(By.CSS_SELECTOR, "#search-results h2 a")  # type: ignore[attr-defined]
        assert title.text == "Gas storage <b>full</b> before winter"
        excerpt = driver.find_element(By.CSS_SELECTOR, "#search-results .excerpt")  # type: ignore[attr-defined]
        assert "prices < 2024's & falling" in excerpt.text, excerpt.text  # not &lt; or &amp;

        driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        assert driver.execute_async_script(RUN_AXE) == []  # type: ignore[attr-defined]
        requested = driver.execute_script(  # type: ignore[attr-defined]
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert any("/briefing/pagefind/" in r for r in requested)
        assert all(r.startswith(url) for r in requested), requested
        # Nor from Pagefind's web worker, whose fetches the page's entries do not list:
        # Chromium's proxy (for every host but this machine) was asked for nothing.
        # Chromium's own calls home (clients2.google.com's clock, its component and
        # safe-browsing hosts) come from the browser, not the page: left out by host.
        assert [a for a in elsewhere if not _browser_own(a)] == []
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
        assert severe == []


def test_each_language_searches_its_own_index_in_its_own_words(
    make_site: MakeSite, tmp_path: Path, chromium: object
) -> None:
    """On /uk/, the search finds the Ukrainian items alone, says so in Ukrainian, and
    its results lead to their pages under /uk/."""
    from selenium.webdriver.common.by import By

    driver = chromium
    root = grain_site(make_site)
    (root / "site.yaml").write_text(
        SECTIONS + "languages:\n  en: {}\n  uk: {title: Брифінг}\n", encoding="utf-8"
    )
    (root / "content/zerno.md").write_text(
        item(
            "Зернову угоду продовжено для чорноморських портів",
            date="2025-05-14T10:00:00+03:00",
            tags="[торгівля]",
            source="https://www.reuters.com/world/grain-deal",
            lang="uk",
            translation="grain",
            body="Судна з пшеницею можуть виходити з Одеси ще 120 днів.",
        ),
        encoding="utf-8",
    )
    top = tmp_path / "pages"
    build(BuildOptions(site_dir=root, output=top / "briefing"))
    assert (top / "briefing/uk/pagefind/parts.json").is_file()
    with serve_pages(top, "/briefing/") as url:
        driver.get(url + "uk/search/?q=" + quote("пшеницею"))  # type: ignore[attr-defined]
        _wait(driver, "document.querySelectorAll('#search-results li').length > 0")
        assert _results(driver) == [url + "uk/2025/05/14/zerno/"]
        assert urlopen(_results(driver)[0]).status == 200
        status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
        assert status == "1 результат за запитом «пшеницею».", status
        # The English words are not in this language's index, nor its items in theirs.
        driver.get(url + "uk/search/?q=wheat")  # type: ignore[attr-defined]
        _wait(driver, "document.getElementById('search-status').textContent.length > 0")
        status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
        assert (status, _results(driver)) == ("За запитом «wheat» нічого не знайдено.", [])
        driver.get(url + "search/?q=" + quote("пшеницею"))  # type: ignore[attr-defined]
        _wait(driver, "document.getElementById('search-status').textContent.length > 0")
        status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
        assert (status, _results(driver)) == ("Nothing found for “пшеницею”.", [])
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
        assert severe == []


def test_without_javascript_the_search_page_points_to_the_archive(
    make_site: MakeSite, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site_dir=grain_site(make_site), output=out))
    page = (out / "search/index.html").read_text(encoding="utf-8")
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S)
    assert noscript and "needs JavaScript" in noscript.group(1)
    assert 'href="/briefing/archive/"' in noscript.group(1)
    # The form is shown by the script; without it there is only the note.
    assert re.search(r'<form id="search"[^>]* hidden', page)
    assert '<meta name="robots" content="noindex">' in page


def parts_site(make_site: MakeSite) -> Path:
    """Items of three years: three parts of the index, which the reader searches as one."""
    filler = " ".join(["Traders watched freight rates and insurance premiums closely."] * 12)
    return make_site(
        {
            "site.yaml": SEARCH_SITE_YAML,
            "content/corridor.md": item(
                "Grain corridor reopens",
                date="2023-08-01T09:00:00+03:00",
                tags="[trade]",
                body="Ships left Odesa under the new arrangement.",
            ),
            "content/ports.md": item(
                "Black Sea ports busy again",
                date="2024-03-05T09:00:00+03:00",
                tags="[shipping]",
                body=f"{filler} Some carried grain. {filler}",
            ),
            "content/freight.md": item(
                "Freight costs ease",
                date="2025-06-10T09:00:00+03:00",
                tags="[shipping]",
                body=f"{filler} A little grain was among the cargo. {filler}",
            ),
            # In the newest part with the one above, and a far better match than it.
            "content/exports.md": item(
                "Grain exports hit a record",
                date="2025-01-15T09:00:00+03:00",
                tags="[trade]",
                body="Grain, grain and more grain left the ports.",
            ),
        }
    )


def test_a_search_finds_in_every_part_ranks_a_title_first_and_orders_newest_across_parts(
    make_site: MakeSite, tmp_path: Path, watched_chromium: tuple[object, list[str]]
) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = watched_chromium
    top = tmp_path / "pages"
    build(BuildOptions(site_dir=parts_site(make_site), output=top / "briefing"))
    listed = json.loads((top / "briefing/pagefind/parts.json").read_bytes())
    assert [part["name"] for part in listed["parts"]] == ["2025", "2024", "2023"]
    with serve_pages(top, "/briefing/") as url:
        driver.get(url + "search/?q=grain")  # type: ignore[attr-defined]
        _wait(driver, "document.querySelectorAll('#search-results li').length === 4")
        # The old item's title has the word; two newer ones mention it in passing.
        found = _results(driver)
        assert found.index(url + "2023/08/01/corridor/") < 2
        assert set(found[2:]) == {url + "2025/06/10/freight/", url + "2024/03/05/ports/"}

        driver.find_element(By.CSS_SELECTOR, "#search-options summary").click()  # type: ignore[attr-defined]
        choice = driver.find_element(By.ID, "search-sort")  # type: ignore[attr-defined]
        choice.send_keys("Newest first")
        _wait(driver, "location.search.includes('sort=newest')")
        _wait(driver, "document.querySelectorAll('#search-results li').length === 4")
        assert _results(driver) == [
            url + "2025/06/10/freight/",
            url + "2025/01/15/exports/",
            url + "2024/03/05/ports/",
            url + "2023/08/01/corridor/",
        ]

        # Filters gather their values from every part, and narrow across them.
        year = driver.find_element(By.ID, "search-year")  # type: ignore[attr-defined]
        labels = [o.text for o in year.find_elements(By.TAG_NAME, "option")]
        assert labels == ["Any", "2025 (2)", "2024 (1)", "2023 (1)"]
        year.send_keys("2024")
        _wait(driver, "document.querySelectorAll('#search-results li').length === 1")
        assert _results(driver) == [url + "2024/03/05/ports/"]
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
        assert severe == []


def test_an_index_made_edit_by_edit_is_the_clean_builds_bytes(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Parts kept, made again, born and gone over a run of edits: the published index is
    byte for byte the one a clean build makes of the same content."""
    site_dir = parts_site(make_site)
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site_dir, output=out))
    edits: list[tuple[str, str | None]] = [
        ("content/old.md", item("From the archive", date="2021-02-03T09:00:00+03:00")),
        ("content/corridor.md", None),  # 2023's only item: its part goes
        ("content/new.md", item("The newest", date="2026-01-02T09:00:00+03:00")),  # a new primary
        ("content/new.md", None),  # and back: 2025 is the primary again
        ("content/pages/about.md", "---\ntitle: About\n---\nWho we are.\n"),
    ]
    for rel, text in edits:
        path = site_dir / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        build(BuildOptions(site_dir=site_dir, output=out))
        clean = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
        build(BuildOptions(site_dir=site_dir, output=clean, use_cache=False))
        assert bundle(out) == bundle(clean), rel
    listed = json.loads((out / "pagefind/parts.json").read_bytes())
    assert [part["name"] for part in listed["parts"]] == ["2025", "2024", "2021", "pages"]


# Parts kept between builds, and a deploy's cache -----------------------------


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The names of the parts each build hands to Pagefind."""
    calls: list[list[str]] = []
    real = searchindex.index_parts

    def counted(
        parts: list[tuple[SearchPart[object], bool]], *args: object
    ) -> dict[str, dict[str, bytes]]:
        calls.append([part.name for part, _ in parts])
        return real(parts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(searchindex, "index_parts", counted)
    return calls


def test_a_new_output_folder_takes_the_kept_parts(
    make_site: MakeSite, tmp_path: Path, indexed: list[list[str]]
) -> None:
    site_dir = parts_site(make_site)
    build(BuildOptions(site_dir=site_dir, output=tmp_path / "one"))
    assert indexed == [["2025", "2024", "2023"]]
    build(BuildOptions(site_dir=site_dir, output=tmp_path / "two"))
    assert indexed == [["2025", "2024", "2023"]]  # no Pagefind at all
    assert bundle(tmp_path / "two") == bundle(tmp_path / "one")


def test_a_new_output_folder_takes_every_languages_kept_parts(
    make_site: MakeSite, tmp_path: Path, indexed: list[list[str]]
) -> None:
    """The kept parts are the site's in every language: keeping one language's must not
    throw the other's away."""
    site_dir = parts_site(make_site)
    with (site_dir / "site.yaml").open("a", encoding="utf-8") as site_yaml:
        site_yaml.write("languages: {en: {}, uk: {title: Брифінг}}\n")
    (site_dir / "content/zerno.md").write_text(
        item("Зерновий коридор", date="2024-03-06T09:00:00+03:00", lang="uk"), encoding="utf-8"
    )
    build(BuildOptions(site_dir=site_dir, output=tmp_path / "one"))
    assert sorted(map(sorted, indexed)) == [["2023", "2024", "2025"], ["2024"]]
    build(BuildOptions(site_dir=site_dir, output=tmp_path / "two"))
    assert len(indexed) == 2  # no Pagefind at all: both languages' parts were kept
    assert bundle(tmp_path / "two") == bundle(tmp_path / "one")


def test_a_deploy_trusts_the_last_deploys_cache_only_with_its_secret(
    make_site: MakeSite,
    tmp_path: Path,
    indexed: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each deploy runs on a new machine (a new home, so no secret of the user's) in a
    new checkout; actions/cache brings the last deploy's .briefing-cache."""
    import shutil

    def deploy(number: int, secret: str, cache: Path | None) -> Path:
        site_dir = tmp_path / f"checkout-{number}"
        shutil.copytree(first, site_dir)
        if cache is not None:
            shutil.copytree(cache, site_dir / ".briefing-cache")
        monkeypatch.setenv("BRIEFING_SECRET_DIR", str(tmp_path / f"home-{number}"))
        monkeypatch.setenv("BRIEFING_CACHE_SECRET", secret)
        build(BuildOptions(site_dir=site_dir, output=site_dir / "_site"))
        return site_dir

    first = parts_site(make_site)
    secret = "0123456789abcdef" * 4
    one = deploy(1, secret, None)
    assert indexed == [["2025", "2024", "2023"]]
    # The next deploy, with the same secret: the cache is proven, nothing is indexed.
    two = deploy(2, secret, one / ".briefing-cache")
    assert indexed == [["2025", "2024", "2023"]]
    assert bundle(two / "_site") == bundle(one / "_site")
    # Another secret (a planted cache, or the secret changed): every part made again.
    three = deploy(3, "f" * 64, one / ".briefing-cache")
    assert indexed[1:] == [["2025", "2024", "2023"]]
    assert bundle(three / "_site") == bundle(one / "_site")
    # A kept part changed on disk is refused too, and made again byte for byte.
    cache = tmp_path / "tampered"
    shutil.copytree(one / ".briefing-cache", cache)
    (kept,) = [p for p in (cache / "search").iterdir() if b"2024/" in p.read_bytes()]
    data = bytearray(kept.read_bytes())
    data[-1] ^= 1
    kept.write_bytes(bytes(data))
    four = deploy(4, secret, cache)
    assert indexed[2:] == [["2024"]]
    assert bundle(four / "_site") == bundle(one / "_site")


def test_a_short_cache_secret_is_refused_with_a_warning(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE_SECRET", "short")
    code, _, err = run(
        "build", "--site", str(grain_site(make_site)), "--output", str(tmp_path / "o")
    )
    assert code == 0
    assert "BRIEFING_CACHE_SECRET is too short" in err and "openssl rand -hex 32" in err


def test_newest_first_pages_on_from_one_part_into_the_next(
    make_site: MakeSite, tmp_path: Path, watched_chromium: tuple[object, list[str]]
) -> None:
    """The first page comes from the newest part alone; "Show more" goes on into the
    older part, still newest first."""
    from selenium.webdriver.common.by import By

    driver, _ = watched_chromium
    files = {
        f"content/new-{day}.md": item(
            f"Harbour report {day}", date=f"2025-03-{day:02}T09:00:00+03:00", body="Harbour news."
        )
        for day in range(1, 13)
    }
    files |= {
        f"content/old-{day}.md": item(
            f"Harbour review {day}", date=f"2024-05-{day:02}T09:00:00+03:00", body="Harbour news."
        )
        for day in range(1, 4)
    }
    top = tmp_path / "pages"
    build(
        BuildOptions(
            site_dir=make_site({"site.yaml": SEARCH_SITE_YAML, **files}), output=top / "briefing"
        )
    )
    with serve_pages(top, "/briefing/") as url:
        driver.get(url + "search/?q=harbour&sort=newest")  # type: ignore[attr-defined]
        _wait(driver, "document.querySelectorAll('#search-results li').length === 10")
        status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
        assert status.startswith("15 results")
        driver.find_element(By.ID, "search-more").click()  # type: ignore[attr-defined]
        _wait(driver, "document.querySelectorAll('#search-results li').length === 15")
        expected = [url + f"2025/03/{day:02}/new-{day}/" for day in range(12, 0, -1)]
        expected += [url + f"2024/05/{day:02}/old-{day}/" for day in range(3, 0, -1)]
        assert _results(driver) == expected
        assert driver.find_element(By.ID, "search-more").get_attribute("hidden")  # type: ignore[attr-defined]
