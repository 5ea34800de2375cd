"""store: the SQLite cache files, what they give back, and how the output's record recovers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from generator.engine.cache import Parsed
from generator.engine.store import (
    ITEMS_FILE,
    CacheDamaged,
    ItemCache,
    OutputLog,
    OutputState,
    output_file_name,
    remove_cache_file,
)
from generator.machinekey import Seal
from generator.model.records import Citation, Document, EditionNote, ItemMeta, Link, Rendered
from generator.reading.sources import FileSeen
from generator.text.yamltext import Position

KEY = "code-key-1"
#: This machine's secret, as far as these tests know.
SEAL = Seal(bytes(range(32)))


def path_of(rel: str) -> str:
    return f"/site/content/{rel}"


def parsed_item(rel: str = "a.md", title: str = "Talks resume") -> Parsed:
    """A parsed item as the cache gives it back: no body, its path made by ``path_of``."""
    meta = ItemMeta(
        title=title,
        date=dt.datetime(2025, 7, 22, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        tags=("ukraine", "diplomacy"),
        sources=(Citation("https://www.reuters.com/a", "Reuters"), Citation("https://ap.org/b")),
        summary=None,
        slug="talks",
        draft=False,
        section="World",
        edition=dt.date(2025, 7, 23),
        id="urn:x",
    )
    document = Document(
        path=path_of(rel),
        stem=rel.removesuffix(".md"),
        meta=meta,
        body="",
        body_line=7,
        value_at={"title": Position(2, 8), "slug": Position(6, 7)},
    )
    rendered = Rendered(
        html="<p>Delegations meet — again.</p>\n",
        first_paragraph="Delegations meet — again.",
        links=(Link("https://example.org/", 9, 3), Link("img.png", 10, None)),
        words=3,
    )
    return Parsed(rel, document, rendered)


def parsed_note(rel: str = "editions/2025-07-22.md") -> Parsed:
    note = EditionNote(path_of(rel), dt.date(2025, 7, 22), "Tuesday", "", 4)
    return Parsed(rel, note, Rendered("<p>Intro.</p>\n", "Intro.", (), 1))


SEEN = {
    "a.md": FileSeen(120, 1_753_000_000_123_456_789, 1_753_000_000_223_456_789, 4242, "ka"),
    "editions/2025-07-22.md": FileSeen(40, 1, 2, 3, "kn"),
}
PARSED = {"ka": parsed_item(), "kn": parsed_note()}


# 1. items.sqlite ---------------------------------------------------------------------------------


def test_a_new_item_cache_is_empty(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path / "cache", KEY, SEAL)
    assert (items.seen(), items.keys(), items.context(), items.parsed(path_of)) == (
        {},
        set(),
        "",
        {},
    )
    items.close()
    assert (tmp_path / "cache" / ITEMS_FILE).is_file()


def test_the_item_cache_gives_back_what_it_was_given(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("Europe/Kyiv\0False", SEEN, PARSED, items.keys())
    items.close()

    again = ItemCache.open(tmp_path, KEY, SEAL)
    assert again.seen() == SEEN
    assert again.context() == "Europe/Kyiv\0False"
    assert again.keys() == {"ka", "kn"}
    assert again.parsed(path_of) == PARSED
    again.close()


def test_saving_drops_the_records_no_longer_seen_and_adds_new_ones(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("c1", SEEN, PARSED, items.keys())
    new = parsed_item("b.md", "Rates held")
    seen = {"a.md": SEEN["a.md"], "b.md": FileSeen(1, 2, 3, 4, "kb")}
    items.save("c2", seen, {"ka": PARSED["ka"], "kb": new}, items.keys())
    assert items.keys() == {"ka", "kb"}
    assert items.parsed(path_of) == {"ka": PARSED["ka"], "kb": new}
    assert (items.seen(), items.context()) == (seen, "c2")
    items.close()


def test_save_seen_replaces_only_the_files_as_seen(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("c1", SEEN, PARSED, set())
    items.save_seen({"a.md": SEEN["a.md"]})
    assert items.seen() == {"a.md": SEEN["a.md"]}
    assert (items.keys(), items.context()) == ({"ka", "kn"}, "c1")
    items.close()


def test_an_item_cache_made_for_another_key_is_emptied(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("c1", SEEN, PARSED, set())
    items.close()

    other = ItemCache.open(tmp_path, "code-key-2", SEAL)
    assert (other.seen(), other.keys(), other.context()) == ({}, set(), "")
    other.close()
    # The file now belongs to the other key: the first one finds it empty too.
    first = ItemCache.open(tmp_path, KEY, SEAL)
    assert (first.seen(), first.keys()) == ({}, set())
    first.close()


@pytest.mark.parametrize(
    ("record", "html", "message"),
    [
        ("{not json", "", "the build cache is damaged (JSONDecodeError: "),
        ('{"rel": 3}', "", "the build cache is damaged (TypeError: expected text, found int)"),
        ('{"rel": "a.md", "kind": "poem"}', "", "the build cache is damaged (ValueError: unknown "),
        ("[]", "", "the build cache is damaged (TypeError: "),
    ],
)
def test_a_damaged_record_is_reported_as_cache_damage(
    tmp_path: Path, record: str, html: str, message: str
) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    # Sealed here, yet damaged: a bug of an older briefing, or a disk fault.
    mac = SEAL.mac("parsed", "k", record, html)
    items.db.execute("INSERT INTO parsed VALUES ('k', ?, ?, ?)", (record, html, mac))
    with pytest.raises(CacheDamaged) as damaged:
        items.parsed(path_of)
    assert str(damaged.value).startswith(message)
    items.close()


def test_a_damaged_seen_row_is_reported_as_cache_damage(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    # Sealed here, yet damaged: a size that is no number.
    row = ("a.md", "big", 1, 2, 3, "k")
    items.db.execute("INSERT INTO seen VALUES (?, ?, ?, ?, ?, ?)", row)
    seal = SEAL.table("seen", [row])
    items.db.execute(
        "INSERT INTO meta VALUES ('seen seal', ?, ?)", (seal, SEAL.mac("meta", "seen seal", seal))
    )
    with pytest.raises(CacheDamaged, match="^the build cache is damaged"):
        items.seen()
    items.close()


def test_a_file_that_is_not_sqlite_cannot_be_used(tmp_path: Path) -> None:
    (tmp_path / ITEMS_FILE).write_bytes(b"not a database, just some bytes" * 100)
    with pytest.raises(CacheDamaged) as damaged:
        ItemCache.open(tmp_path, KEY, SEAL)
    assert str(damaged.value) == (
        f"the build cache {tmp_path / ITEMS_FILE} cannot be used (file is not a database)"
    )


# 2. Links are never followed ---------------------------------------------------------------------


def test_a_symlinked_cache_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir()
    (tmp_path / "cache").symlink_to(real, target_is_directory=True)
    with pytest.raises(CacheDamaged) as damaged:
        ItemCache.open(tmp_path / "cache", KEY, SEAL)
    assert (
        str(damaged.value)
        == f"{tmp_path / 'cache'} is a symbolic link; the cache never follows one"
    )
    with pytest.raises(CacheDamaged):
        OutputLog.open(tmp_path / "cache", tmp_path / "_site", KEY, SEAL)
    assert list(real.iterdir()) == []


def test_a_symlinked_cache_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "precious.db"
    target.write_bytes(b"precious")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / ITEMS_FILE).symlink_to(target)
    with pytest.raises(CacheDamaged) as damaged:
        ItemCache.open(tmp_path / "cache", KEY, SEAL)
    assert str(damaged.value) == (
        f"{tmp_path / 'cache' / ITEMS_FILE} is a symbolic link; the cache never follows one"
    )
    assert target.read_bytes() == b"precious"


# 3. remove_cache_file ----------------------------------------------------------------------------


def test_remove_cache_file_removes_the_database_and_its_journals(tmp_path: Path) -> None:
    for name in ("items.sqlite", "items.sqlite-wal", "items.sqlite-shm", "items.sqlite-journal",
                 "items.sqlite.bak", "other.sqlite", "other.sqlite-wal"):  # fmt: skip
        (tmp_path / name).write_bytes(b"x")
    remove_cache_file(tmp_path / "items.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "items.sqlite.bak",
        "other.sqlite",
        "other.sqlite-wal",
    ]


def test_remove_cache_file_removes_what_a_real_database_left(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("c", SEEN, PARSED, set())
    assert (tmp_path / "items.sqlite-wal").exists()  # WAL: the journal is there while open
    items.close()
    remove_cache_file(tmp_path / ITEMS_FILE)
    assert list(tmp_path.iterdir()) == []


def test_remove_cache_file_of_a_missing_file_does_nothing(tmp_path: Path) -> None:
    remove_cache_file(tmp_path / "items.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_remove_cache_file_removes_links_and_never_what_they_point_to(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_bytes(b"keep")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "items.sqlite").symlink_to(outside / "victim")
    (cache / "items.sqlite-wal").symlink_to(outside, target_is_directory=True)
    (cache / "items.sqlite-shm").mkdir()
    (cache / "items.sqlite-shm" / "x").write_bytes(b"x")
    remove_cache_file(cache / "items.sqlite")
    assert list(cache.iterdir()) == []
    assert [p.name for p in outside.iterdir()] == ["victim"]
    assert (outside / "victim").read_bytes() == b"keep"


def test_remove_cache_file_in_a_symlinked_folder_removes_nothing(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "items.sqlite").write_bytes(b"x")
    (tmp_path / "cache").symlink_to(real, target_is_directory=True)
    remove_cache_file(tmp_path / "cache" / "items.sqlite")
    assert (real / "items.sqlite").read_bytes() == b"x"


# 4. The output's record --------------------------------------------------------------------------

FIRST = {"index.html": ("sig-1", "dig-1"), "a/index.html": ("sig-a", "dig-a")}
SECOND = {"index.html": ("sig-2", "dig-2"), "b/index.html": ("sig-b", "dig-b")}


def reopen(log: OutputLog, cache: Path, output: Path) -> OutputLog:
    """The record as the next build (another process) opens it."""
    log.close()
    return OutputLog.open(cache, output, KEY, SEAL)


def published_once(tmp_path: Path) -> tuple[OutputLog, Path, Path]:
    """A log after one whole build: FIRST published in folder A, staging folder B."""
    cache, output = tmp_path / "cache", tmp_path / "_site"
    log = OutputLog.open(cache, output, KEY, SEAL)
    log.mark_dirty()
    log.record_pending(FIRST, "A", "settings-1", {"items": 1}, True)
    log.settle("A", "B")
    return reopen(log, cache, output), cache, output


def test_output_file_name_depends_on_the_resolved_output_folder(tmp_path: Path) -> None:
    name = output_file_name(tmp_path / "_site")
    assert name.startswith("output-") and name.endswith(".sqlite") and len(name) == 30
    assert output_file_name(tmp_path / "x" / ".." / "_site") == name
    assert output_file_name(tmp_path / "public") != name


def test_a_new_record_knows_nothing(tmp_path: Path) -> None:
    log = OutputLog.open(tmp_path, tmp_path / "_site", KEY, SEAL)
    assert log.load("A", "B") == OutputState(live=None, staged=None, settings="", summary={})
    assert (tmp_path / output_file_name(tmp_path / "_site")).is_file()
    log.close()


def test_after_a_whole_build_the_record_knows_both_folders(tmp_path: Path) -> None:
    log, _, _ = published_once(tmp_path)
    assert log.load("A", "B") == OutputState(
        live=FIRST, staged={}, settings="settings-1", summary={"items": 1}
    )
    log.close()


def test_after_the_next_whole_build_the_old_site_is_the_staging_folder(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.mark_dirty()
    log.record_pending(SECOND, "B", "settings-2", {"items": 2}, True)
    log.settle("B", "A")
    log = reopen(log, cache, output)
    assert log.load("B", "A") == OutputState(
        live=SECOND,
        staged={"index.html": "dig-1", "a/index.html": "dig-a"},
        settings="settings-2",
        summary={"items": 2},
    )
    log.close()


def test_a_pending_site_is_adopted_when_the_swap_happened(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.mark_dirty()
    log.record_pending(SECOND, "B", "settings-2", {"items": 2}, True)
    # Killed after the swap, before settling: the output folder is now B.
    log = reopen(log, cache, output)
    expected = OutputState(
        live=SECOND,
        staged={"index.html": "dig-1", "a/index.html": "dig-a"},
        settings="settings-2",
        summary={"items": 2},
    )
    assert log.load("B", "A") == expected
    # Settled once: loading again gives the same.
    log = reopen(log, cache, output)
    assert log.load("B", "A") == expected
    log.close()


def test_a_pending_site_is_dropped_when_the_swap_did_not_happen(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.mark_dirty()
    log.record_pending(SECOND, "B", "settings-2", {"items": 2}, True)
    # Killed before the swap: the output folder is still A, the staging folder half-written.
    log = reopen(log, cache, output)
    assert log.load("A", "B") == OutputState(
        live=FIRST, staged=None, settings="settings-1", summary={"items": 1}
    )
    # The pending site is gone for good: B never becomes the output on its say-so.
    log = reopen(log, cache, output)
    assert log.load("B", "A") == OutputState(
        live=None, staged=None, settings="settings-1", summary={"items": 1}
    )
    log.close()


def test_a_pending_site_with_no_output_folder_is_dropped(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.record_pending(SECOND, "B", "settings-2", {"items": 2}, True)
    log = reopen(log, cache, output)
    assert log.load(None, None) == OutputState(
        live=None, staged=None, settings="settings-1", summary={"items": 1}
    )
    log.close()


def test_a_dirty_staging_folder_is_unknown(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.mark_dirty()
    log = reopen(log, cache, output)
    assert log.load("A", "B") == OutputState(
        live=FIRST, staged=None, settings="settings-1", summary={"items": 1}
    )
    log.close()


@pytest.mark.parametrize(
    ("live_id", "stage_id", "live", "staged"),
    [
        ("A", "B", FIRST, {}),
        # The output folder was replaced (say, by hand): what it holds is unknown.
        ("C", "B", None, {}),
        (None, "B", None, {}),
        # So was the staging folder.
        ("A", "C", FIRST, None),
        ("A", None, FIRST, None),
        # The two folders exchanged by someone else.
        ("B", "A", None, None),
    ],
)
def test_each_folder_is_known_only_while_it_is_the_folder_recorded(
    tmp_path: Path,
    live_id: str | None,
    stage_id: str | None,
    live: dict[str, tuple[str, str]] | None,
    staged: dict[str, str] | None,
) -> None:
    log, _, _ = published_once(tmp_path)
    state = log.load(live_id, stage_id)
    assert (state.live, state.staged) == (live, staged)
    log.close()


def test_an_output_record_made_for_another_key_is_emptied(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.close()
    other = OutputLog.open(cache, output, "code-key-2", SEAL)
    assert other.load("A", "B") == OutputState()
    other.close()


def test_a_damaged_output_record_is_reported_as_cache_damage(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.close()
    with closing(sqlite3.connect(cache / output_file_name(output))) as db, db:
        mac = SEAL.mac("meta", "summary", "{broken")  # sealed, yet damaged
        db.execute("UPDATE meta SET value = '{broken', mac = ? WHERE name = 'summary'", (mac,))
    log = OutputLog.open(cache, output, KEY, SEAL)
    with pytest.raises(CacheDamaged, match="^the record of the output folder is damaged"):
        log.load("A", "B")
    log.close()


# 5. Only what this user wrote on this machine is trusted ------------------------------------------


def forged(path: Path, query: str, *values: object) -> None:
    """Change a cache file as a hostile pull request would: it cannot compute the seal."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(query, values)


@pytest.mark.parametrize(
    "query",
    [
        "UPDATE parsed SET html = '<script>alert(1)</script>'",
        "UPDATE seen SET size = size + 1",
        "UPDATE meta SET value = 'other' WHERE name = 'context'",
        "INSERT INTO parsed SELECT 'k2', record, html, mac FROM parsed WHERE key = 'ka'",
    ],
)
def test_a_changed_row_of_the_item_cache_is_never_given_back(tmp_path: Path, query: str) -> None:
    items = ItemCache.open(tmp_path, KEY, SEAL)
    items.save("c", SEEN, PARSED, set())
    items.close()
    forged(tmp_path / ITEMS_FILE, query)
    items = ItemCache.open(tmp_path, KEY, SEAL)
    message = (
        f"the build cache {tmp_path / ITEMS_FILE} was not written by briefing for this user "
        "on this machine, or was changed since"
    )
    with pytest.raises(CacheDamaged) as damaged:
        items.context(), items.seen(), items.parsed(path_of)
    assert str(damaged.value) == message
    # Emptied at once: the next build finds nothing of it, and nothing to warn about.
    assert (items.context(), items.seen(), items.parsed(path_of)) == ("", {}, {})
    items.close()


def test_a_cache_sealed_on_another_machine_is_emptied_when_opened(tmp_path: Path) -> None:
    items = ItemCache.open(tmp_path, KEY, Seal(bytes(32)))
    items.save("c", SEEN, PARSED, set())
    items.close()
    with pytest.raises(CacheDamaged, match="was not written by briefing for this user"):
        ItemCache.open(tmp_path, KEY, SEAL)
    items = ItemCache.open(tmp_path, KEY, SEAL)
    assert (items.seen(), items.parsed(path_of)) == ({}, {})
    items.close()


def test_a_forged_output_record_is_never_trusted(tmp_path: Path) -> None:
    log, cache, output = published_once(tmp_path)
    log.close()
    forged(
        cache / output_file_name(output),
        "UPDATE written SET files = replace(files, 'sig-', 'planted-') WHERE folder = 'live'",
    )
    log = OutputLog.open(cache, output, KEY, SEAL)
    with pytest.raises(CacheDamaged, match="was not written by briefing for this user"):
        log.load("A", "B")
    assert log.load("A", "B").live is None
    log.close()


def test_a_folder_whose_record_is_gone_is_damage_not_an_empty_folder(tmp_path: Path) -> None:
    """The meta rows name the output folder; were its record deleted and taken for an
    empty list, the build would take every published file for someone else's."""
    log, cache, output = published_once(tmp_path)
    log.close()
    forged(cache / output_file_name(output), "DELETE FROM written WHERE folder = 'live'")
    log = OutputLog.open(cache, output, KEY, SEAL)
    with pytest.raises(CacheDamaged, match="no record of the live folder"):
        log.load("A", "B")
    log.close()
