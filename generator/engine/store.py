"""The build cache on disk: SQLite files in ``.briefing-cache/``.

SQLite because a build must survive being killed at any moment: every change is
one transaction, and a half-written cache cannot exist. Two kinds of file:

- ``items.sqlite``: what each content file looked like (size, times, digest) and
  its parsed and rendered record, so unchanged files are neither read nor parsed;
- ``output-<digest>.sqlite``, one per output folder: the signature and digest of
  every file published there and in the staging folder, and how far the last
  build got, so that a build after a crash knows what each folder holds.

Anything wrong with a cache file (damaged, made by other code, a link) makes the
build discard it with a warning and start afresh; it never stops a build. Every
row carries a MAC under this user's secret (:mod:`generator.machinekey`): a cache
planted in the repository, or copied from another machine, fails verification and
is discarded the same way, so its HTML never reaches a page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.engine import cache
from generator.engine.cache import Parsed
from generator.machinekey import Seal
from generator.reading.sources import FileSeen
from generator.text.urls import OutputPath

ITEMS_FILE = "items.sqlite"


class CacheDamaged(Exception):
    """A cache file cannot be used; the message says why."""


def _connect(path: Path | str) -> sqlite3.Connection:
    """Open a cache database; refuse one reached through a symbolic link."""
    if isinstance(path, Path):
        for part in (path.parent, path):
            if part.is_symlink():
                raise CacheDamaged(f"{part} is a symbolic link; the cache never follows one")
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.execute(
        "PRAGMA journal_mode=WAL" if isinstance(path, Path) else "PRAGMA journal_mode=MEMORY"
    )
    db.execute("PRAGMA synchronous=NORMAL")
    return db


class Forged(CacheDamaged):
    """A cache file holds rows not sealed by this user on this machine."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"the build cache {path} was not written by briefing for this user on this "
            "machine, or was changed since"
        )


def _prepare(db: sqlite3.Connection, schema: str, key: str, seal: Seal, path: Path) -> None:
    """Create the tables for ``key``; a file made for another key is emptied, and one
    whose key is not sealed here is emptied and reported (Forged)."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    row = None
    if "meta" in tables:
        try:
            row = db.execute("SELECT value, mac FROM meta WHERE name = 'key'").fetchone()
        except sqlite3.Error:
            row = None  # an older layout: made again below
    if row is not None and row[0] == key and seal.valid(row[1], "meta", "key", key):
        db.executescript(schema)
        return
    with _transaction(db):
        for table in tables:
            db.execute(f'DROP TABLE "{table}"')
    db.executescript(schema)
    with _transaction(db):
        db.execute("INSERT INTO meta VALUES ('key', ?, ?)", (key, seal.mac("meta", "key", key)))
    if row is not None and row[0] == key:
        raise Forged(path)  # made for this very code, yet not sealed here: planted


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def open_cache_file(
    folder: Path, name: str, schema: str, key: str, seal: Seal
) -> sqlite3.Connection:
    """A cache database in ``folder``, made for ``key``; CacheDamaged if it cannot be used."""
    try:
        if folder.is_symlink():
            raise CacheDamaged(f"{folder} is a symbolic link; the cache never follows one")
        folder.mkdir(parents=True, exist_ok=True)
        db = _connect(folder / name)
        try:
            _prepare(db, schema, key, seal, folder / name)
        except BaseException:
            db.close()
            raise
        return db
    except (sqlite3.Error, OSError) as exc:
        raise CacheDamaged(f"the build cache {folder / name} cannot be used ({exc})") from None


ITEMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL, mac BLOB);
CREATE TABLE IF NOT EXISTS seen (
    rel TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctime INTEGER, inode INTEGER, key TEXT
);
CREATE TABLE IF NOT EXISTS parsed (
    key TEXT PRIMARY KEY, record TEXT NOT NULL, html TEXT, mac BLOB
);
"""


class _Sealed:
    """A cache file whose every row is sealed: read back only what this user wrote.

    Rows are sealed one by one (a MAC column) where they come and go one by one,
    and tables of small rows rewritten whole are sealed as a whole (the MAC of all
    their rows, in key order, kept in ``meta`` as ``<table> seal``).
    """

    def __init__(self, db: sqlite3.Connection, seal: Seal, path: str) -> None:
        self.db = db
        self.seal = seal
        self.path = path

    def close(self) -> None:
        self.db.close()

    def _rows(self, kind: str, query: str) -> list[tuple[Any, ...]]:
        """The rows of ``query`` (MAC last), without their MACs; Forged if one fails.

        A forged file is emptied at once: its rows must not linger for the next build.
        """
        rows = self.db.execute(query).fetchall()
        if not _plain(row[:-1] for row in rows) or not all(
            self.seal.valid(row[-1], kind, *row[:-1]) for row in rows
        ):
            self._empty()
            raise Forged(self.path)
        return [row[:-1] for row in rows]

    def _table(
        self, table: str, columns: str, meta: Mapping[str, str], kind: str | None = None
    ) -> list[tuple[Any, ...]]:
        """The rows of a table sealed as a whole, in key order; Forged if the seal fails.
        ``meta`` is the file's meta rows, verified once by the caller."""
        rows = self.db.execute(f'SELECT {columns} FROM "{table}" ORDER BY 1').fetchall()
        stored = meta.get(f"{table} seal")
        if (stored is None and not rows) or (
            stored is not None
            and _plain(rows)
            and hmac.compare_digest(stored, self.seal.table(kind or table, rows))
        ):
            return rows
        self._empty()
        raise Forged(self.path)

    def _put_table(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Make a table hold ``rows`` (in a transaction the caller holds), sealed whole."""
        rows.sort(key=lambda row: row[0])
        self.db.execute(f'DELETE FROM "{table}"')
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            self.db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        self._put_meta(f"{table} seal", self.seal.table(table, rows))

    def _empty(self) -> None:
        tables = [
            r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        with _transaction(self.db):
            for table in tables:
                if table != "meta":
                    self.db.execute(f'DELETE FROM "{table}"')
            self.db.execute("DELETE FROM meta WHERE name != 'key'")

    def _meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._rows("meta", "SELECT name, value, mac FROM meta")}

    def _put_meta(self, name: str, value: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
            (name, value, self.seal.mac("meta", name, value)),
        )


class ItemCache(_Sealed):
    """``items.sqlite``: content files as last seen, and their parsed records."""

    @classmethod
    def open(cls, folder: Path, key: str, seal: Seal) -> ItemCache:
        db = open_cache_file(folder, ITEMS_FILE, ITEMS_SCHEMA, key, seal)
        return cls(db, seal, str(folder / ITEMS_FILE))

    def context(self) -> str:
        return self._meta().get("context", "")

    def seen(self) -> dict[str, FileSeen]:
        try:
            rows = self._table("seen", "rel, size, mtime, ctime, inode, key", self._meta())
            return {
                str(r[0]): FileSeen(int(r[1]), int(r[2]), int(r[3]), int(r[4]), str(r[5]))
                for r in rows
            }
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise CacheDamaged(f"the build cache is damaged ({exc!r})") from None

    def keys(self) -> set[str]:
        return {str(row[0]) for row in self.db.execute("SELECT key FROM parsed")}

    def parsed(self, path_of: Callable[[str], str]) -> dict[str, Parsed]:
        try:
            rows = self._rows("parsed", "SELECT key, record, html, mac FROM parsed")
            return {str(key): cache.decode(record, html, path_of) for key, record, html in rows}
        except (sqlite3.Error, ValueError, KeyError, TypeError, AttributeError,
                RecursionError) as exc:  # fmt: skip
            raise CacheDamaged(
                f"the build cache is damaged ({type(exc).__name__}: {exc})"
            ) from None

    def save_seen(self, seen: Mapping[str, FileSeen]) -> None:
        with _transaction(self.db):
            self._write_seen(seen)

    def _write_seen(self, seen: Mapping[str, FileSeen]) -> None:
        self._put_table(
            "seen",
            [(rel, s.size, s.mtime_ns, s.ctime_ns, s.inode, s.key) for rel, s in seen.items()],
        )

    def save(
        self,
        context: str,
        seen: Mapping[str, FileSeen],
        parsed: Mapping[str, Parsed],
        known: Iterable[str],
    ) -> None:
        """Make the cache hold ``seen`` and ``parsed``; ``known`` are the keys it holds now."""
        known = set(known)
        mac = self.seal.mac
        with _transaction(self.db):
            self._put_meta("context", context)
            self._write_seen(seen)
            self.db.executemany(
                "DELETE FROM parsed WHERE key = ?", [(k,) for k in known - parsed.keys()]
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO parsed VALUES (?, ?, ?, ?)",
                [
                    (k, record, html, mac("parsed", k, record, html))
                    for k, (record, html) in (
                        (k, cache.encode(p)) for k, p in parsed.items() if k not in known
                    )
                ],
            )


#: ``written`` holds what a folder holds, one row per folder ("live", "staged",
#: "pending"): every file with its signature and digest, as one sealed JSON text.
#: Settling renames rows, and their seals move with them: at 100,000 items (246,000
#: files) a table row per file took seconds a build to write, copy and read back.
OUTPUT_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL, mac BLOB);
CREATE TABLE IF NOT EXISTS written (folder TEXT PRIMARY KEY, files TEXT NOT NULL, mac BLOB);
"""

#: A published file's signature (what it was made from) and digest (its bytes).
Written = dict[OutputPath, tuple[str, str]]


@dataclass
class OutputState:
    """What the output and staging folders hold, as far as the last builds know."""

    #: Files of the output folder; None when unknown (never built, or changed by hand).
    live: Written | None = None
    #: Files of the staging folder; None when unknown (it is then emptied).
    staged: dict[OutputPath, str] | None = None
    #: site.yaml, the theme, briefing and the build's options, as of the last build.
    settings: str = ""
    #: The last build's summary, for a build that finds nothing changed.
    summary: dict[str, Any] = field(default_factory=dict)
    #: The output's folders and their modification times, and the files in them that
    #: briefing did not write, as the last build left them (JSON; "" when unknown).
    #: Read only by a build that publishes: one that finds nothing changed never parses it.
    folder_record: str = ""

    def folders(self) -> tuple[dict[str, int], frozenset[OutputPath]] | None:
        """The folder times and files of others that :attr:`folder_record` holds."""
        if not self.folder_record:
            return None
        try:
            record = json.loads(self.folder_record)
            times = {str(p): int(t) for p, t in record["times"].items()}
            return times, frozenset(str(f) for f in record["foreign"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # sealed, so only a bug of ours: survey the whole folder


def output_file_name(output: Path) -> str:
    digest = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return f"output-{digest}.sqlite"


class OutputLog(_Sealed):
    """The record of one output folder, written in step with the folders it describes.

    A build marks the staging folder dirty before it writes there, records the new
    site as pending just before the swap, and settles after it. A build that finds
    a pending record after a crash tells from the output folder's identity whether
    the swap happened. Each table is sealed whole; ``live`` and ``pending`` alike,
    so that settling moves the pending rows and their seal without sealing again.
    """

    @classmethod
    def open(cls, folder: Path, output: Path, key: str, seal: Seal) -> OutputLog:
        name = output_file_name(output)
        return cls(
            open_cache_file(folder, name, OUTPUT_SCHEMA, key, seal), seal, str(folder / name)
        )

    def load(self, live_id: str | None, stage_id: str | None) -> OutputState:
        """What each folder holds, given the identities of the folders now on disk."""
        try:
            meta = self._meta()
            if meta.get("phase") == "pending":
                swapped = live_id is not None and live_id == meta.get("expect")
                self._settle(swapped)
                meta = self._meta()
            state = OutputState(
                settings=meta.get("settings", ""), summary=json.loads(meta.get("summary", "{}"))
            )
            if live_id is not None and live_id == meta.get("live"):
                state.live = {_text(f): (_text(s), _text(d)) for f, s, d in self._written("live")}
                if meta.get("folders for") == live_id:
                    state.folder_record = meta.get("folders", "")
            if (
                meta.get("phase") == "clean"
                and stage_id is not None
                and stage_id == meta.get("stage")
            ):
                state.staged = {_text(f): _text(d) for f, _, d in self._written("staged")}
            return state
        except (
            sqlite3.Error,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            RecursionError,
        ) as exc:
            raise CacheDamaged(f"the record of the output folder is damaged ({exc!r})") from None

    def _written(self, folder: str) -> list[Any]:
        """What the record of ``folder`` ("live", "staged") lists: [file, signature,
        digest] lists; Forged if its seal fails. Records are sealed alike, whatever
        folder they describe, so that they move unsealed. A folder the meta rows name
        has a record: one gone is damage (the folder would look empty)."""
        row = self.db.execute(
            "SELECT files, mac FROM written WHERE folder = ?", (folder,)
        ).fetchone()
        if row is None:
            raise ValueError(f"no record of the {folder} folder")
        if not isinstance(row[0], str) or not self.seal.valid(row[1], "written", row[0]):
            self._empty()
            raise Forged(self.path)
        files = json.loads(row[0])
        if not isinstance(files, list):
            raise ValueError("a record of written files that is not a list")
        return files

    def _put_written(self, folder: str, files: list[list[str]]) -> None:
        text = json.dumps(files, ensure_ascii=False, separators=(",", ":"))
        self.db.execute(
            "INSERT OR REPLACE INTO written VALUES (?, ?, ?)",
            (folder, text, self.seal.mac("written", text)),
        )

    def mark_dirty(self) -> None:
        """The staging folder is about to change: its record no longer holds."""
        with _transaction(self.db):
            self._put_meta("phase", "dirty")

    def record_pending(
        self,
        written: Written,
        expect: str,
        settings: str,
        summary: dict[str, Any],
        live_known: bool,
    ) -> None:
        """The staging folder holds ``written`` and is about to become the output folder.

        ``live_known``: whether the record of the output folder described it (when not,
        the folder that becomes the staging folder holds who knows what).
        """
        with _transaction(self.db):
            self._put_written("pending", sorted([f, sig, d] for f, (sig, d) in written.items()))
            for name, value in (
                ("phase", "pending"),
                ("expect", expect),
                ("pending_settings", settings),
                ("pending_summary", json.dumps(summary)),
                ("pending_known", "yes" if live_known else "no"),
            ):
                self._put_meta(name, value)

    def settle(self, live_id: str | None, stage_id: str | None) -> None:
        """The swap happened: the pending site is published, the old one is staged."""
        self._settle(True, live_id, stage_id)

    def record_folders(
        self, live_id: str | None, folders: Mapping[str, int], foreign: Iterable[OutputPath]
    ) -> None:
        """What the output folder ``live_id`` holds besides the files of ``live``, for the
        next build's survey: the times of its folders, and the files of others in them.

        One sealed text, not a table: the 15,000 folders of a site of 10,000 items are
        written in milliseconds, where as many rows took a quarter second.
        """
        record = {"times": dict(sorted(folders.items())), "foreign": sorted(foreign)}
        with _transaction(self.db):
            self._put_meta("folders", json.dumps(record, ensure_ascii=False))
            self._put_meta("folders for", live_id or "")

    def _settle(
        self, swapped: bool, live_id: str | None = None, stage_id: str | None = None
    ) -> None:
        meta = self._meta()
        with _transaction(self.db):
            if swapped:
                known = meta.get("pending_known") == "yes"
                # The old output, now the staging folder, holds what it recorded; the
                # records move with their seals, renamed.
                self.db.execute("DELETE FROM written WHERE folder = 'staged'")
                if known:
                    cursor = self.db.execute(
                        "UPDATE written SET folder = 'staged' WHERE folder = 'live'"
                    )
                    if not cursor.rowcount:  # it held nothing of ours: a first build's
                        self._put_written("staged", [])
                self.db.execute("DELETE FROM written WHERE folder = 'live'")
                self.db.execute("UPDATE written SET folder = 'live' WHERE folder = 'pending'")
                updates = {
                    "live": live_id or meta.get("expect", ""),
                    "stage": (stage_id or meta.get("live", "")) if known else "",
                    "settings": meta.get("pending_settings", ""),
                    "summary": meta.get("pending_summary", "{}"),
                    "phase": "clean",
                }
            else:
                updates = {"phase": "dirty"}  # the staging folder holds who knows what
            self.db.execute("DELETE FROM written WHERE folder = 'pending'")
            for name, value in updates.items():
                self._put_meta(name, value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _plain(rows: Iterable[Sequence[Any]]) -> bool:
    """Whether every cell is text, a number or NULL, as briefing writes them: a cell of
    another type (a blob written by hand) is damage, never a crash."""
    return all(value is None or type(value) in (str, int) for row in rows for value in row)


class MemoryLog:
    """The same record kept in memory, for ``serve``: its output folder is its own and
    lives no longer than the process, so nothing needs to survive a crash."""

    def __init__(self) -> None:
        self.state = OutputState()
        self.pending: tuple[Written, dict[str, Any], str, bool] | None = None
        self.ids: tuple[str | None, str | None] = (None, None)

    def close(self) -> None:
        pass

    def load(self, live_id: str | None, stage_id: str | None) -> OutputState:
        state = self.state
        return OutputState(
            live=state.live if live_id == self.ids[0] else None,
            staged=state.staged if stage_id == self.ids[1] else None,
            settings=state.settings,
            summary=state.summary,
        )

    def mark_dirty(self) -> None:
        self.state.staged = None

    def record_folders(
        self, live_id: str | None, folders: Mapping[str, int], foreign: Iterable[OutputPath]
    ) -> None:
        pass  # serve's folder is its own: never surveyed

    def forget(self, file: OutputPath, digest: str) -> None:
        """``file`` was replaced in the output folder outside a build (``serve``'s first
        look at an edited page): it holds ``digest`` but must be rendered again."""
        if self.state.live is not None:
            self.state.live[file] = ("", digest)

    def record_staged(self, stage_id: str | None, staged: dict[OutputPath, str]) -> None:
        """The staging folder was filled to hold ``staged``."""
        self.state.staged = staged
        self.ids = (self.ids[0], stage_id)

    def record_pending(
        self,
        written: Written,
        expect: str,
        settings: str,
        summary: dict[str, Any],
        live_known: bool,
    ) -> None:
        self.pending = (written, summary, settings, live_known)

    def settle(self, live_id: str | None, stage_id: str | None) -> None:
        assert self.pending is not None, "settle() without record_pending()"
        written, summary, settings, known = self.pending
        old = self.state.live
        staged = {f: d for f, (_, d) in old.items()} if known and old is not None else None
        self.state = OutputState(written, staged, settings, summary)
        self.ids, self.pending = (live_id, stage_id), None


def remove_cache_file(path: Path) -> None:
    """Delete a cache file that cannot be used, with its journals; never through a link."""
    if path.parent.is_symlink():
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.is_symlink() or part.is_file():
            os.unlink(part)
        elif part.is_dir():
            shutil.rmtree(part)
