"""serve's search index, made in a thread beside its builds: only the parts an edit
touched are indexed, parts kept in the build cache are taken, and the cache keeps
only the parts of the newest site."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import SEARCH_SITE_YAML, MakeSite, item

from generator.engine.assemble import assemble
from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.engine.state import Session
from generator.model.records import Site
from generator.plan import graph
from generator.search.background import BackgroundIndex
from generator.search.kept import SEARCH_DIR
from generator.serve.session import preview_first

#: Pagefind runs here, a process of its own.
pytestmark = pytest.mark.slow


def site_of(site_dir: Path, tmp_path: Path) -> Site:
    return assemble(BuildOptions(site_dir=site_dir, output=tmp_path / "unused")).site


def indexed(index: BackgroundIndex, site: Site, number: int) -> None:
    index.update(site, graph.versions(site), number)
    wait_for(index, number)


def wait_for(index: BackgroundIndex, number: int) -> None:
    deadline = time.monotonic() + 60
    while index.indexed != number:
        assert time.monotonic() < deadline, "the index did not catch up in 60 s"
        time.sleep(0.02)


def test_edits_index_their_part_and_the_cache_keeps_only_the_newest_parts(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site_dir = make_site(
        {
            "site.yaml": SEARCH_SITE_YAML,
            "content/old.md": item("Grain corridor", date="2023-08-01T09:00:00+03:00"),
            "content/new.md": item("Freight costs ease", date="2025-06-10T09:00:00+03:00"),
        }
    )
    options = BuildOptions(site_dir=site_dir, output=tmp_path / "unused")
    reports: list[str] = []
    index = BackgroundIndex(tmp_path / "search", reports.append)
    index.kept = Session.for_preview(options).search_parts
    assert index.kept is not None
    index.start()
    try:
        indexed(index, site_of(site_dir, tmp_path), 1)
        kept = tmp_path / "search"
        cache = site_dir / ".briefing-cache" / SEARCH_DIR
        assert len(list(cache.iterdir())) == 2  # 2025 and 2023
        old_part = index.folder_for("pagefind/2023/pagefind-entry.json")
        for number in (2, 3, 4):  # an editor at work on the newest item
            new = site_dir / "content/new.md"
            new.write_text(new.read_text() + f"\nSentence {number}.\n", encoding="utf-8")
            indexed(index, site_of(site_dir, tmp_path), number)
        # The old part was never made again; the cache holds the two parts of now.
        assert index.folder_for("pagefind/2023/pagefind-entry.json") == old_part
        assert len(list(cache.iterdir())) == 2
        served = index.folder_for("pagefind/2025/pagefind-entry.json")
        assert served is not None and (served / "pagefind/2025/pagefind-entry.json").is_file()
        assert kept.is_dir() and reports == []
    finally:
        index.stop()


def test_an_edit_indexed_at_serves_first_look_is_not_indexed_again_by_its_rebuild(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """serve indexes a body edit from its first look, while the rebuild runs: the
    rebuilt site's round must find that part made, or the edit is indexed twice."""
    site_dir = make_site(
        {
            "site.yaml": SEARCH_SITE_YAML,
            "content/old.md": item("Grain corridor", date="2023-08-01T09:00:00+03:00"),
            "content/new.md": item("Freight costs ease", date="2025-06-10T09:00:00+03:00"),
            "content/next.md": item("Ports reopen", date="2025-06-10T11:00:00+03:00"),
        }
    )
    options = BuildOptions(site_dir=site_dir, output=tmp_path / "preview", own_output=True)
    session = Session.for_preview(options)
    index = BackgroundIndex(tmp_path / "search", lambda message: None)
    index.start()
    try:
        build(options, session)
        assert session.last is not None
        indexed(index, session.last.site, 1)
        new = site_dir / "content/new.md"
        new.write_text(new.read_text() + "\nA quayside sentence.\n", encoding="utf-8")
        look = preview_first(options, session, {"new.md"})
        assert look is not None and look.files == ["2025/06/10/new/index.html"]
        index.update(look.site, look.versions, 2)
        wait_for(index, 2)
        made = index.folder_for("pagefind/2025/pagefind-entry.json")
        assert made is not None
        build(options, session, {"new.md"})
        indexed(index, session.last.site, 3)
        assert index.folder_for("pagefind/2025/pagefind-entry.json") == made
        assert index.folder_for("pagefind/2023/pagefind-entry.json") is not None
    finally:
        index.stop()
        session.close()


def test_each_languages_bundle_is_served_and_a_tag_named_like_one_is_not(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(
        {
            "site.yaml": SEARCH_SITE_YAML + "languages: {en: {}, uk: {title: Брифінг}}\n",
            "content/a.md": item("Talks", tags="[pagefind]"),
            "content/b.md": item("Переговори", lang="uk"),
        }
    )
    index = BackgroundIndex(tmp_path / "index", report=print)
    index.start()
    try:
        indexed(index, site_of(root, tmp_path), 1)
        for bundle in ("pagefind", "uk/pagefind"):
            for rel in (f"{bundle}/parts.json", f"{bundle}/pagefind.js"):
                folder = index.folder_for(rel)
                assert folder is not None and (folder / rel).is_file(), rel
        # The tag's page is the site's, not the index's.
        assert not index.serves("tags/pagefind/index.html")
        assert index.folder_for("tags/pagefind/index.html") is None
    finally:
        index.stop()
