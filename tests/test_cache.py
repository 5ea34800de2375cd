"""The build cache: reused only when it cannot change the output, discarded when damaged."""

from __future__ import annotations

import io
import json
import pickle
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_YAML, MakeSite, item
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cache
from generator.build import BuildOptions, BuildReport, build
from generator.cli import main
from generator.errors import BuildFailed

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
CACHE_FILE = Path(cache.CACHE_DIR, cache.CACHE_FILE)
DAMAGED = "is damaged and was discarded"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def run_build(root: Path, out: str = "_site", *, use_cache: bool = True) -> BuildReport:
    return build(BuildOptions(site_dir=root, output=root / out, now=NOW, use_cache=use_cache))


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def four_items() -> dict[str, str]:
    return {
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


@pytest.mark.parametrize(
    "change",
    ["site.yaml", "template", "static file", "version"],
)
def test_nothing_is_reused_after_the_site_key_changes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    root = make_site(four_items())
    run_build(root)
    if change == "site.yaml":
        (root / "site.yaml").write_text(SITE_YAML.replace("paginate: 2", "paginate: 3"))
    elif change == "template":
        (root / "themes/default/templates").mkdir(parents=True)
        (root / "themes/default/templates/404.html").write_text("<p>Gone.</p>\n")
    elif change == "static file":
        (root / "themes/default/static").mkdir(parents=True)
        (root / "themes/default/static/extra.css").write_text("p { margin: 0 }\n")
    else:
        monkeypatch.setattr(cache, "__version__", "999.0")

    report = run_build(root)
    assert report.cached == 0
    assert report.warnings == ()  # another key is not damage
    assert run_build(root).cached == 4
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
    st.tuples(st.just("edition"), days, bodies),
)
#: Operations that change the site key: nothing may be taken from the cache after them.
KEY_CHANGES = {"paginate", "description", "theme"}


@dataclass
class Entry:
    uid: int
    title: str
    date: str
    tags: list[str]
    body: str
    section: str | None = None

    def text(self) -> str:
        extra = {"section": self.section} if self.section else {}
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
        elif kind == "description":
            self.site_yaml(f"A test briefing, take {self.fresh()}.")
        elif kind == "theme":
            self.write("themes/default/templates/404.html", f"<p>Lost, {self.fresh()}.</p>\n")
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


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operations, min_size=1, max_size=6))
def test_cached_builds_equal_a_clean_build_after_any_edits(ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp, "site")
        model = start(root)
        first = run_build(root, "out-cached")
        assert first.cached == 0
        for op in ops:
            before = model.texts()
            model.apply(op)
            report = run_build(root, "out-cached")
            assert report.warnings == ()
            assert report.items == len(model.files)
            if op[0] in KEY_CHANGES:
                assert report.cached == 0, op
            else:
                unchanged = [rel for rel, text in model.texts().items() if before.get(rel) == text]
                assert report.cached == len(unchanged), op
            assert tree(root / "out-cached") == clean_copy(model, Path(temp, "mirror")), op

        clean = run_build(root, "out-clean", use_cache=False)
        assert clean.cached == 0
        assert tree(root / "out-cached") == tree(root / "out-clean")


# 3. A damaged cache is discarded with a warning ---------------------------------------------------


def wrong_structure(good: bytes) -> bytes:
    key = json.loads(good)["key"]
    return json.dumps({"format": 1, "key": key, "entries": {"x": {}}}).encode()


def bad_field(good: bytes) -> bytes:
    data = json.loads(good)
    entry = next(iter(data["entries"].values()))
    entry["document"]["meta"]["date"] = "last Tuesday"
    return json.dumps(data).encode()


def retyped(*where: str, value: Any) -> Callable[[bytes], bytes]:
    """Set one field of every entry to a value of the wrong type."""

    def damage(good: bytes) -> bytes:
        data = json.loads(good)
        for entry in data["entries"].values():
            *parents, last = where
            for name in parents:
                entry = entry[name]
            entry[last] = value
        return json.dumps(data).encode()

    return damage


def no_entries(good: bytes) -> bytes:
    data = json.loads(good)
    del data["entries"]
    return json.dumps(data).encode()


DAMAGE = {
    "garbage bytes": lambda good: b"\x00\xff\xfe garbage \x80\x81",
    "truncated JSON": lambda good: good[: len(good) // 2],
    "empty file": lambda good: b"",
    "a JSON list": lambda good: b"[1, 2, 3]",
    "entries without fields": wrong_structure,
    "no entries": no_entries,
    "an unreadable date": bad_field,
    "tags as a string": retyped("document", "meta", "tags", value="energy"),
    "html as a number": retyped("rendered", "html", value=5),
    "draft as a string": retyped("document", "meta", "draft", value="no"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_discarded_with_a_warning_and_rewritten(
    make_site: MakeSite, damage: str
) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    run_build(root)
    cache_file = root / CACHE_FILE
    cache_file.write_bytes(DAMAGE[damage](cache_file.read_bytes()))

    report = run_build(root)
    assert report.cached == 0
    (warning,) = report.warnings
    assert warning.startswith(f"the build cache {cache_file} ")
    assert DAMAGED in warning
    assert tree(root / "_site") == tree(root / "clean")

    json.loads(cache_file.read_bytes())  # rewritten whole
    again = run_build(root)
    assert again.warnings == ()
    assert again.cached == 4
    assert tree(root / "_site") == tree(root / "clean")


def test_the_command_line_prints_the_warning_and_succeeds(make_site: MakeSite) -> None:
    root = make_site(four_items())
    now = NOW.isoformat()
    assert cli("build", "-q", "--site", str(root), "--now", now) == (0, "", "")
    (root / CACHE_FILE).write_bytes(b'{"format": 1, "key": "')

    code, out, err = cli("build", "--site", str(root), "--now", now)
    assert code == 0
    assert out.startswith("built 4 items")
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"warning: the build cache {root / CACHE_FILE} {DAMAGED} (")

    assert cli("build", "-q", "--site", str(root), "--now", now) == (0, "", "")


def test_an_unreadable_cache_is_discarded_with_a_warning(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    (root / CACHE_FILE).unlink()
    (root / CACHE_FILE).mkdir()  # reading it fails with an OSError, even as root

    report = run_build(root)
    (warning,) = report.warnings
    assert f"the build cache {root / CACHE_FILE}" in warning
    assert tree(root / "_site") == tree(root / "clean")
    json.loads((root / CACHE_FILE).read_bytes())  # rewritten as a file
    again = run_build(root)
    assert again.warnings == ()
    assert again.cached == 4


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
    assert "  4 of 4 items from the build cache" in out.splitlines()
    code, out, err = cli("build", "-v", "--clean", "--site", str(root), "--now", now)
    assert (code, err) == (0, "")
    assert "  0 of 4 items from the build cache" in out.splitlines()
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
            "content/a.md": item("Published", "2025-07-10T09:00:00+03:00"),
            "content/b.md": item("Unfinished", "2025-07-11T09:00:00+03:00", draft="true"),
            "content/c.md": item("Tomorrow", "2025-09-11T09:00:00+03:00"),
        }
    )
    preview = build(BuildOptions(site_dir=root, drafts=True, future=True, now=NOW))
    assert preview.items == 3

    code, out, _ = cli("build", "-v", "--site", str(root), "--now", NOW.isoformat())
    assert code == 0
    assert "  1 of 1 items from the build cache" in out.splitlines()
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


class Payload:
    """Unpickling this writes a file: the proof that a cache was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "unpickled"))


def test_the_cache_file_is_json(make_site: MakeSite) -> None:
    root = make_site(four_items())
    run_build(root)
    data = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
    assert data["format"] == cache.FORMAT
    assert len(data["entries"]) == 4


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_pickled_cache_is_discarded_not_loaded(
    make_site: MakeSite, tmp_path: Path, protocol: int
) -> None:
    root = make_site(four_items())
    run_build(root, "clean", use_cache=False)
    marker = tmp_path / "marker"
    (root / CACHE_FILE).write_bytes(pickle.dumps(Payload(marker), protocol=protocol))

    report = run_build(root)
    assert not marker.exists()
    (warning,) = report.warnings
    assert warning.startswith("the build cache ") and DAMAGED in warning
    assert report.cached == 0
    assert tree(root / "_site") == tree(root / "clean")
    json.loads((root / CACHE_FILE).read_bytes())
