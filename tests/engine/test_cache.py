"""The build cache: reused only when it cannot change the output, discarded when damaged."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_YAML, MakeSite, item, png
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.engine import cache, store
from generator.engine.build import BuildReport, build
from generator.engine.options import BuildOptions
from generator.engine.state import Session
from generator.errors import BuildFailed
from generator.machinekey import Seal, load_secret

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
CACHE_FILE = Path(cache.CACHE_DIR, store.ITEMS_FILE)
DAMAGED = "it was discarded"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def run_build(
    root: Path, out: str = "_site", *, use_cache: bool = True, session: Session | None = None
) -> BuildReport:
    options = BuildOptions(site_dir=root, output=root / out, now=NOW, use_cache=use_cache)
    return build(options, session)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


#: The counts here are of briefing's pages: the search index, Pagefind's files (as many
#: as Pagefind makes), is off; tests/search/test_search.py follows it through builds.
NO_SEARCH = SITE_YAML


def four_items() -> dict[str, str]:
    return {
        "site.yaml": NO_SEARCH,
        "content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", tags="[ukraine]"),
        "content/b.md": item("Rates held", "2025-07-21T10:00:00+03:00", tags="[economy]"),
        "content/c.md": item("Heat wave", "2025-07-22T09:15:00+03:00", tags="[climate]"),
        "content/d.md": item("Talks resume", "2025-07-23T11:30:00+03:00"),
    }


# 1. Hits, misses and what a reader sees ---------------------------------------------------------


def test_second_build_takes_every_item_from_the_cache(make_site: MakeSite) -> None:
    root = make_site(four_items())
    first = run_build(root)
    assert first.cached == 0 and first.warnings == ()
    built = tree(root / "_site")

    second = run_build(root)
    assert second.items == 4
    assert second.cached == 4
    assert second.warnings == ()
    assert tree(root / "_site") == built


def test_a_build_with_nothing_changed_renders_and_writes_nothing(make_site: MakeSite) -> None:
    root = make_site(four_items())
    first = run_build(root)
    assert first.rendered == first.files == first.written > 20
    mtimes = {p: p.stat().st_mtime_ns for p in (root / "_site").rglob("*") if p.is_file()}

    again = run_build(root)
    assert (again.rendered, again.parsed, again.written, again.removed) == (0, 0, 0, 0)
    assert again.unchanged == again.files == first.files
    assert {p: p.stat().st_mtime_ns for p in (root / "_site").rglob("*") if p.is_file()} == mtimes


def test_an_edited_item_alone_misses_and_its_new_text_is_published(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    run_build(root)
    new_body = "Negotiators met again in Istanbul for a freshly rewritten paragraph."
    (root / "content/d.md").write_text(
        item("Talks resume", "2025-07-23T11:30:00+03:00", body=new_body), encoding="utf-8"
    )

    report = run_build(root)
    assert report.cached == 3
    assert report.warnings == ()
    site = root / "_site"
    for page in ("2025/07/23/d/index.html", "editions/2025-07-23/index.html", "feed.xml"):
        assert new_body in (site / page).read_text(encoding="utf-8"), page
    assert "The first paragraph." not in (site / "2025/07/23/d/index.html").read_text(
        encoding="utf-8"
    )
    run_build(root, "clean", use_cache=False)
    assert tree(site) == tree(root / "clean")


def test_an_edited_body_reaches_only_the_pages_that_show_it(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    (root / "content/b.md").write_text(
        item(
            "Rates held",
            "2025-07-21T10:00:00+03:00",
            tags="[economy]",
            body="The first paragraph.\n\nThe other paragraph.",  # as many words
        ),
        encoding="utf-8",
    )
    report = run_build(root)
    # The item's page, its edition, and the feeds with bodies (RSS, Atom, JSON of items and of
    # editions, the tag's and the source's RSS), and its edition's email (HTML, text and
    # message); the summary is unchanged, so no listing is, and no other edition's email.
    assert report.rendered == 2 + 6 + 2 + 3
    assert report.written == report.rendered


@pytest.mark.parametrize("change", ["site.yaml", "template", "static file"])
def test_pages_are_rendered_again_after_site_yaml_or_the_theme_changes(
    make_site: MakeSite, change: str
) -> None:
    root = make_site(four_items())
    run_build(root)
    if change == "site.yaml":
        (root / "site.yaml").write_text(SITE_YAML.replace("paginate: 2", "paginate: 3"))
    elif change == "template":
        (root / "themes/default/templates").mkdir(parents=True)
        (root / "themes/default/templates/404.html").write_text("<p>Gone.</p>\n")
    else:
        (root / "themes/default/static").mkdir(parents=True)
        (root / "themes/default/static/extra.css").write_text("p { margin: 0 }\n")

    report = run_build(root)
    assert report.cached == 4  # parsed items do not depend on these
    assert report.warnings == ()
    # Only what uses the change: every page for site.yaml, one page for a template only
    # the 404 page uses, one file for a new static file (and the output's manifest,
    # which lists it).
    assets = len(list((root / "_site/assets").iterdir()))
    expected = {"site.yaml": report.files - assets, "template": 1, "static file": 2}[change]
    assert report.rendered == expected, change
    run_build(root, "clean", use_cache=False)
    assert tree(root / "_site") == tree(root / "clean")


def test_nothing_is_reused_after_briefing_changes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(four_items())
    first = run_build(root)
    monkeypatch.setattr(cache, "__version__", "999.0")
    report = run_build(root)
    assert report.cached == 0 and report.rendered == first.files
    assert report.warnings == ()  # another key is not damage
    assert run_build(root).cached == 4


def test_a_new_time_zone_parses_every_item_again(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    (root / "site.yaml").write_text(SITE_YAML.replace("Europe/Kyiv", "Europe/Berlin"))
    assert run_build(root).cached == 0
    run_build(root, "clean", use_cache=False)
    assert tree(root / "_site") == tree(root / "clean")


# 2. Any sequence of edits: a cached build equals a clean build -----------------------------------

SITE_WITH_SECTIONS = SITE_YAML + "sections: [World, Economy]\n"
TAGS = ["energy", "europe", "markets", "київ", "climate"]
WORDS = ["grain", "talks", "rates", "heat", "vote", "strike", "deal", "*calm*", "**late**"]

days = st.integers(1, 31)
hours = st.integers(0, 23)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3, unique=True)
bodies = st.builds(
    lambda words, extra: " ".join(words) + extra,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    st.sampled_from(
        [
            "",
            "\n\nA second paragraph.",
            "\n\n## A heading\n\nText[^1].\n\n[^1]: A footnote.",
            " See [the archive](../../../../archive/).",
        ]
    ),
)
index = st.integers(0, 50)
#: Two spellings of one story, another, and none.
STORY_NAMES = st.sampled_from(["Grain deal", "grain deal", "Trial", None])
operations = st.one_of(
    st.tuples(st.just("title"), index),
    st.tuples(st.just("body"), index, bodies),
    st.tuples(st.just("date"), index, days, hours),
    st.tuples(st.just("tags"), index, tag_lists),
    st.tuples(st.just("add"), days, hours, tag_lists, bodies),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("rename"), index),
    st.just(("paginate",)),
    st.just(("description",)),
    st.just(("theme",)),
    st.just(("timezone",)),
    st.tuples(st.just("edition"), days, bodies),
    st.tuples(st.just("story"), index, STORY_NAMES),
    st.tuples(st.just("story file"), st.sampled_from(["grain-deal", "trial"]), bodies),
    st.tuples(st.just("withdraw"), index, st.booleans()),
    st.tuples(st.just("weight"), index, st.sampled_from([None, 1, 2])),
)
#: Operations after which nothing parsed may be taken from the cache.
KEY_CHANGES = {"timezone"}


@dataclass
class Entry:
    uid: int
    title: str
    date: str
    tags: list[str]
    body: str
    section: str | None = None
    story: str | None = None
    withdrawn: bool = False
    weight: int | None = None

    def text(self) -> str:
        extra = {"section": self.section} if self.section else {}
        extra |= {"story": self.story} if self.story else {}
        extra |= {"withdrawn": '{date: 2025-08-01, reason: "Wrong."}'} if self.withdrawn else {}
        extra |= {"weight": str(self.weight)} if self.weight else {}
        return item(
            self.title,
            self.date,
            tags="[" + ", ".join(self.tags) + "]",
            # A fixed source per item: a new title changes only the title.
            source=f"https://www.reuters.com/world/story-{self.uid}",
            body=self.body,
            **extra,
        )


@dataclass
class Model:
    """The site on disk and what the tests expect of it."""

    root: Path
    files: dict[str, Entry] = field(default_factory=dict)  # by path relative to root
    counter: int = 0
    paginate: int = 2
    timezone: str = "Europe/Kyiv"

    def fresh(self) -> int:
        self.counter += 1
        return self.counter

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def put(self, rel: str, entry: Entry) -> None:
        self.files[rel] = entry
        self.write(rel, entry.text())

    def texts(self) -> dict[str, str]:
        return {rel: entry.text() for rel, entry in self.files.items()}

    def pick(self, n: int) -> str:
        return sorted(self.files)[n % len(self.files)]

    def site_yaml(self, description: str = "A test briefing.") -> None:
        text = SITE_WITH_SECTIONS.replace("paginate: 2", f"paginate: {self.paginate}")
        text = text.replace("Europe/Kyiv", self.timezone)
        self.write("site.yaml", text.replace("A test briefing.", description))

    def apply(self, op: tuple[Any, ...]) -> None:
        kind = op[0]
        if kind == "title":
            self.files[self.pick(op[1])].title = f"Story {self.fresh()}"
        elif kind == "body":
            self.files[self.pick(op[1])].body = op[2]
        elif kind == "date":
            self.files[self.pick(op[1])].date = f"2025-07-{op[2]:02d}T{op[3]:02d}:10:00+03:00"
        elif kind == "tags":
            self.files[self.pick(op[1])].tags = op[2]
        elif kind == "add":
            uid = self.fresh()
            date = f"2025-07-{op[1]:02d}T{op[2]:02d}:20:00+03:00"
            self.files[f"content/new-{uid}.md"] = Entry(uid, f"Story {uid}", date, op[3], op[4])
        elif kind == "delete":
            if len(self.files) > 1:
                rel = self.pick(op[1])
                del self.files[rel]
                (self.root / rel).unlink()
        elif kind == "rename":
            rel = self.pick(op[1])
            new = f"content/renamed-{self.fresh()}.md"
            (self.root / rel).rename(self.root / new)
            self.files[new] = self.files.pop(rel)
        elif kind == "paginate":
            self.paginate = 5 - self.paginate  # 2 <-> 3
            self.site_yaml()
        elif kind == "timezone":
            self.timezone = "Europe/Berlin" if self.timezone == "Europe/Kyiv" else "Europe/Kyiv"
            self.site_yaml()
        elif kind == "description":
            self.site_yaml(f"A test briefing, take {self.fresh()}.")
        elif kind == "theme":
            self.write("themes/default/templates/404.html", f"<p>Lost, {self.fresh()}.</p>\n")
        elif kind == "story":
            self.files[self.pick(op[1])].story = op[2]
        elif kind == "weight":
            self.files[self.pick(op[1])].weight = op[2]
        elif kind == "withdraw":
            self.files[self.pick(op[1])].withdrawn = op[2]
        elif kind == "story file":
            self.write(f"content/stories/{op[1]}.md", f"---\ntitle: The {op[1]}\n---\n{op[2]}\n")
        elif kind == "edition":
            self.write(
                f"content/editions/2025-07-{op[1]:02d}.md", f"---\ntitle: Day\n---\n{op[2]}\n"
            )
        for rel, entry in self.files.items():
            if not (self.root / rel).exists() or (self.root / rel).read_text() != entry.text():
                self.write(rel, entry.text())


def start(root: Path) -> Model:
    model = Model(root)
    model.site_yaml()
    sections = [None, "World", None, "Economy", None, "World"]
    stories = [None, "Grain deal", None, "Grain deal", "Trial", "Grain deal"]
    for n, section in enumerate(sections):
        uid = model.fresh()
        model.put(
            f"content/2025-07-{10 + n:02d}-story-{uid}.md",
            Entry(
                uid,
                f"Story {uid}",
                f"2025-07-{10 + n * 3:02d}T{(7 + n * 5) % 24:02d}:00:00+03:00",
                TAGS[n % 5 : n % 5 + 2],
                f"Body of story {uid}.\n\nMore on {WORDS[n]}.",
                section,
                stories[n],
            ),
        )
    return model


def clean_copy(model: Model, mirror: Path) -> dict[str, bytes]:
    """The output of a clean build of the same files in another folder."""
    shutil.rmtree(mirror, ignore_errors=True)
    mirror.mkdir()
    shutil.copy(model.root / "site.yaml", mirror / "site.yaml")
    for folder in ("content", "themes"):
        if (model.root / folder).is_dir():
            shutil.copytree(model.root / folder, mirror / folder)
    report = run_build(mirror, "out", use_cache=False)
    assert report.cached == 0
    return tree(mirror / "out")


#: The same 25 sequences of edits on every run and every machine (CI included): a
#: failure is one anybody can run again. BRIEFING_EXPLORE=N draws N new ones instead.
EXPLORE = int(os.environ.get("BRIEFING_EXPLORE", "0"))


@pytest.mark.slow
@settings(
    max_examples=EXPLORE or 25,
    derandomize=not EXPLORE,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(operations, min_size=1, max_size=6))
def test_incremental_builds_equal_a_clean_build_after_any_edits(ops: list[tuple[Any, ...]]) -> None:
    """After each edit, a build from the cache on disk and one from a session kept in memory
    (as ``serve`` keeps it) both give exactly what a clean build of the same files gives."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp, "site")
        model = start(root)
        first = run_build(root, "out-cached")
        assert first.cached == 0
        session = Session.in_memory()
        run_build(root, "out-session", session=session)
        for op in ops:
            before = model.texts()
            model.apply(op)
            report = run_build(root, "out-cached")
            assert report.warnings == ()
            assert report.items == sum(not e.withdrawn for e in model.files.values())
            if op[0] in KEY_CHANGES:
                assert report.cached == 0, op
            else:
                unchanged = [rel for rel, text in model.texts().items() if before.get(rel) == text]
                assert report.cached == len(unchanged), op
            clean = clean_copy(model, Path(temp, "mirror"))
            assert tree(root / "out-cached") == clean, op
            run_build(root, "out-session", session=session)
            assert tree(root / "out-session") == clean, op

        clean_report = run_build(root, "out-clean", use_cache=False)
        assert clean_report.cached == 0
        assert tree(root / "out-cached") == tree(root / "out-clean")


SHARED = "https://www.reuters.com/world/shared-report"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # The newer item's derived feed id is "<url>#<slug>" while the older one cites
        # the same article first; with it gone, the newer takes the bare URL.
        (
            {
                "content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", source=SHARED),
                "content/b.md": item("Grain follow-up", "2025-07-21T08:00:00+03:00", source=SHARED),
            },
            {"content/a.md": None},
        ),
        # The oldest item's spelling names the tag on every item that carries it.
        (
            {
                "content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", tags="[Energy]"),
                "content/b.md": item("Rates held", "2025-07-21T08:00:00+03:00", tags="[energy]"),
            },
            {"content/a.md": item("Grain deal", "2025-07-20T08:00:00+03:00", tags="[ENERGY]")},
        ),
        # A file beside the items decides what a link to it is: a picture's size.
        (
            {
                "content/a.md": item(
                    "Grain deal", "2025-07-20T08:00:00+03:00", body="A chart: ![Chart](chart.png)"
                ),
                "content/chart.png": png(40, 30),
            },
            {"content/chart.png": png(80, 60)},
        ),
    ],
)
def test_a_session_kept_in_memory_makes_again_the_items_an_edit_elsewhere_changes(
    make_site: MakeSite, before: dict[str, str | bytes], after: dict[str, str | bytes | None]
) -> None:
    """serve takes the items a build made again when nothing they are made from changed:
    an edit of one file that changes another item must reach that item's pages."""
    root = make_site({"site.yaml": NO_SEARCH})
    files = {**before, "content/c.md": item("Heat wave", "2025-07-22T09:15:00+03:00")}
    for changes in (files, after):
        for rel, data in changes.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            if data is None:
                (root / rel).unlink()
            elif isinstance(data, bytes):
                (root / rel).write_bytes(data)
            else:
                (root / rel).write_text(data, encoding="utf-8")
        if changes is files:
            session = Session.in_memory()
            run_build(root, "out-session", session=session)
    run_build(root, "out-session", session=session)
    run_build(root, "out-clean", use_cache=False)
    assert tree(root / "out-session") == tree(root / "out-clean")


# 3. A damaged cache is discarded with a warning ---------------------------------------------------


def records(root: Path) -> list[tuple[str, dict[str, Any]]]:
    with closing(sqlite3.connect(root / CACHE_FILE)) as db:
        return [(k, json.loads(r)) for k, r in db.execute("SELECT key, record FROM parsed")]


def rewrite_records(root: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    """Apply ``change`` to every cached record (it may return a replacement text), and
    seal it again with this machine's secret: damage that an older briefing or a disk
    fault could leave, which the record's own checks must catch (planted records are
    test_machinekey's)."""
    seal = Seal(load_secret())
    with closing(sqlite3.connect(root / CACHE_FILE)) as db:
        html_of = dict(db.execute("SELECT key, html FROM parsed").fetchall())
        for key, record in records(root):
            result = change(record)
            text = result if isinstance(result, str) else json.dumps(record)
            mac = seal.mac("parsed", key, text, html_of[key])
            db.execute("UPDATE parsed SET record = ?, mac = ? WHERE key = ?", (text, mac, key))
        db.commit()


def retyped(*where: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def damage(record: dict[str, Any]) -> None:
        *parents, last = where
        for name in parents:
            record = record[name]
        record[last] = value

    return damage


RECORD_DAMAGE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "not JSON": lambda record: "{not json",
    "a JSON list": lambda record: "[1, 2, 3]",
    "no fields": lambda record: "{}",
    "nested 100,000 deep": lambda record: "[" * 100_000 + "]" * 100_000,
    "an unreadable date": retyped("meta", "date", value="last Tuesday"),
    "a date without an offset": retyped("meta", "date", value="2025-07-20T08:00:00"),
    "tags as a string": retyped("meta", "tags", value="energy"),
    "words as text": retyped("rendered", "words", value="five"),
    "draft as a string": retyped("meta", "draft", value="no"),
}


@pytest.mark.parametrize("damage", list(RECORD_DAMAGE))
def test_damaged_records_are_discarded_with_a_warning(make_site: MakeSite, damage: str) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    run_build(root)
    rewrite_records(root, RECORD_DAMAGE[damage])
    # Records are read only when something changed: edit one file.
    (root / "content/a.md").write_text(item("Grain deal, again", "2025-07-20T08:00:00+03:00"))

    report = run_build(root)
    assert report.cached == 0
    (warning,) = report.warnings
    assert warning.startswith("the build cache is damaged (") and warning.endswith(DAMAGED)
    run_build(root, "clean", use_cache=False)
    assert tree(root / "_site") == tree(root / "clean")
    again = run_build(root)
    assert again.warnings == ()
    assert tree(root / "_site") == tree(root / "clean")


FILE_DAMAGE = {
    "garbage bytes": lambda good: b"\x00\xff\xfe garbage \x80\x81" * 100,
    "truncated": lambda good: good[: len(good) // 2],
    "empty file": lambda good: b"",
    "a pickle": lambda good: pickle.dumps({"format": 3}),
}


@pytest.mark.parametrize("damage", list(FILE_DAMAGE))
def test_a_damaged_cache_file_is_discarded_with_a_warning_and_rewritten(
    make_site: MakeSite, damage: str
) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    run_build(root)
    cache_file = root / CACHE_FILE
    for suffix in ("-wal", "-shm"):
        Path(f"{cache_file}{suffix}").unlink(missing_ok=True)
    cache_file.write_bytes(FILE_DAMAGE[damage](cache_file.read_bytes()))

    report = run_build(root)
    assert report.cached == 0
    assert all(DAMAGED in warning for warning in report.warnings)
    assert tree(root / "_site") == tree(root / "clean")
    again = run_build(root)
    assert again.warnings == ()
    assert again.cached == 4
    assert tree(root / "_site") == tree(root / "clean")


def test_the_command_line_prints_the_warning_and_succeeds(make_site: MakeSite) -> None:
    root = make_site(four_items())
    now = NOW.isoformat()
    assert cli("build", "-q", "--site", str(root), "--now", now) == (0, "", "")
    rewrite_records(root, lambda record: "{")
    (root / "content/a.md").write_text(item("Grain deal, again", "2025-07-20T08:00:00+03:00"))

    code, out, err = cli("build", "--site", str(root), "--now", now)
    assert code == 0
    assert out.startswith("built 4 items")
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: the build cache is damaged (")

    assert cli("build", "-q", "--site", str(root), "--now", now) == (0, "", "")


def test_a_cache_file_that_cannot_be_opened_is_replaced(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    (root / CACHE_FILE).unlink()
    (root / CACHE_FILE).mkdir()  # opening it fails, even as root

    report = run_build(root)
    assert any(f"the build cache {root / CACHE_FILE}" in w for w in report.warnings)
    assert tree(root / "_site") == tree(root / "clean")


def test_the_cache_never_follows_a_symbolic_link(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(four_items())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / cache.CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    report = run_build(root)
    assert any("symbolic link" in warning for warning in report.warnings)
    assert list(elsewhere.iterdir()) == []  # nothing written through the link
    assert (root / "_site/index.html").is_file()


# 4. --clean ------------------------------------------------------------------------------------


def test_clean_ignores_a_valid_cache(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    assert run_build(root).cached == 4
    built = tree(root / "_site")

    report = run_build(root, use_cache=False)
    assert report.cached == 0
    assert report.warnings == ()
    assert tree(root / "_site") == built


def test_clean_on_the_command_line(make_site: MakeSite) -> None:
    root = make_site(four_items())
    now = NOW.isoformat()
    assert cli("build", "-q", "--site", str(root), "--now", now)[0] == 0
    built = tree(root / "_site")

    code, out, err = cli("build", "-v", "--site", str(root), "--now", now)
    assert (code, err) == (0, "")
    assert "  4 of 4 items from the build cache, 0 pages rendered" in out.splitlines()
    code, out, err = cli("build", "-v", "--clean", "--site", str(root), "--now", now)
    assert (code, err) == (0, "")
    assert "  0 of 4 items from the build cache, 54 pages rendered" in out.splitlines()
    assert tree(root / "_site") == built


def test_clean_ignores_even_a_damaged_cache_and_replaces_it(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    (root / CACHE_FILE).write_bytes(b"\x80\x04not json")
    report = run_build(root, use_cache=False)
    assert report.warnings == ()
    assert report.cached == 0
    assert run_build(root).cached == 4


def test_items_left_out_are_not_counted_as_cached(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": NO_SEARCH,
            "content/a.md": item("Published", "2025-07-10T09:00:00+03:00"),
            "content/b.md": item("Unfinished", "2025-07-11T09:00:00+03:00", draft="true"),
            "content/c.md": item("Tomorrow", "2025-09-11T09:00:00+03:00"),
        }
    )
    preview = build(BuildOptions(site_dir=root, drafts=True, future=True, now=NOW))
    assert preview.items == 3

    code, out, _ = cli("build", "-v", "--site", str(root), "--now", NOW.isoformat())
    assert code == 0
    assert "  1 of 1 items from the build cache, 21 pages rendered" in out.splitlines()
    report = run_build(root)
    assert report.items == 1
    assert report.cached == 1


# 5. A failed build leaves the cache alone --------------------------------------------------------


def test_a_failed_build_does_not_touch_the_cache(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    saved = {p.name: p.read_bytes() for p in (root / cache.CACHE_DIR).iterdir()}
    built = tree(root / "_site")
    good = (root / "content/b.md").read_text(encoding="utf-8")
    (root / "content/b.md").write_text(
        "---\ntitle: [Rates held\ndate: 2025-07-21T10:00:00+03:00\n---\nBody.\n", encoding="utf-8"
    )

    with pytest.raises(BuildFailed):
        run_build(root)
    assert {p.name: p.read_bytes() for p in (root / cache.CACHE_DIR).iterdir()} == saved
    assert tree(root / "_site") == built

    (root / "content/b.md").write_text(good, encoding="utf-8")
    report = run_build(root)
    assert report.cached == 4
    assert tree(root / "_site") == built


# 6. The cache never runs code ------------------------------------------------------------------


def test_cached_records_are_json(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    found = records(root)
    assert len(found) == 4
    assert {record["kind"] for _, record in found} == {"item"}
    assert {record["rel"] for _, record in found} == {"a.md", "b.md", "c.md", "d.md"}


def test_site_spelled_two_ways_shares_one_cache(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(four_items())
    run_build(root)
    monkeypatch.chdir(root)
    (root / "content/a.md").write_text(item("Grain deal, again", "2025-07-20T08:00:00+03:00"))
    report = build(BuildOptions(site_dir=Path("."), now=NOW))
    assert report.cached == 3
    assert "Grain deal, again" in (root / "_site/2025/07/20/a/index.html").read_text()


def cache_cells(root: Path) -> list[tuple[str, str, str]]:
    """(cache file, table, column) of every column of every table of both cache files."""
    found = []
    for path in sorted((root / cache.CACHE_DIR).glob("*.sqlite")):
        with closing(sqlite3.connect(path)) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                for column in db.execute(f'PRAGMA table_info("{table}")'):
                    found.append((path.name, table, str(column[1])))
    return found


#: What a hand (or a tool) may write into a cell: a blob, a number, NULL, other text.
CELL_DAMAGE = {"a blob": b"\x00", "a number": 7, "NULL": None, "other text": "x"}


@pytest.mark.slow
@pytest.mark.parametrize("value", list(CELL_DAMAGE))
def test_every_cell_of_every_cache_table_damaged_is_discarded_never_a_crash(
    make_site: MakeSite, value: str
) -> None:
    """Each column of each table of the item cache and the output record, in turn, given
    a value briefing never writes: the build warns (or finds nothing wrong), publishes
    what a clean build publishes, and the next build is clean again."""
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    run_build(root)
    cells = cache_cells(root)
    assert {table for _, table, _ in cells} >= {"meta", "seen", "parsed", "written"}
    for number, (name, table, column) in enumerate(cells):
        with closing(sqlite3.connect(root / cache.CACHE_DIR / name)) as db:
            try:  # the first row's cell: a whole column of one name breaks UNIQUE
                db.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = '
                    f'(SELECT rowid FROM "{table}" ORDER BY rowid LIMIT 1)',
                    (CELL_DAMAGE[value],),
                )
            except sqlite3.IntegrityError:
                continue  # damage SQLite itself refuses (NOT NULL, UNIQUE)
            db.commit()
        edited = item(f"Grain deal, take {number}", "2025-07-20T08:00:00+03:00")
        (root / "content/a.md").write_text(edited, encoding="utf-8")
        report = run_build(root)
        assert all(DAMAGED in warning for warning in report.warnings), (table, column)
        run_build(root, "clean", use_cache=False)
        assert tree(root / "_site") == tree(root / "clean"), (table, column)
        assert run_build(root).warnings == (), (table, column)
