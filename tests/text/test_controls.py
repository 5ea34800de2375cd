"""Invisible characters pasted into content: removed from pages and feeds, and each
reported at its file, line and column, in every build, not only the one that parsed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeSite, item, run

from generator.text.controls import Stray, without_strays

NOW = "2025-07-23T12:00:00+03:00"


# On strings --------------------------------------------------------------


def test_text_without_strays_is_returned_as_is() -> None:
    text = "Tabs\tstay, line breaks stay,\nand so do é, ß, — and emoji 🗞."
    assert without_strays(text) == (text, ())


def test_each_line_reports_its_first_stray_and_all_of_them() -> None:
    text, strays = without_strays("clean\nab\x1bc\x00d\nok\n\x7f")
    assert text == "clean\nabcd\nok\n"
    assert strays == (Stray(2, 3, "\x1b\x00"), Stray(4, 1, "\x7f"))
    assert strays[0].describe() == "removed U+001B (escape), U+0000 (NUL)"


def test_word_separators_become_spaces_so_words_stay_apart() -> None:
    """Word's Shift+Enter pastes as a vertical tab; removing it would join two words."""
    text, strays = without_strays("one\x0btwo\x0cthree\x85four\u2028five\u2029six")
    assert text == "one two three four five six"
    assert strays[0].describe() == (
        "replaced U+000B (vertical tab, Word's line break), U+000C (form feed, a page break), "
        "U+0085 (next line), U+2028 (line separator), U+2029 (paragraph separator) with a space"
    )


def test_removed_and_spaced_on_one_line_are_both_named() -> None:
    _, strays = without_strays("a\x08b\x0bc")
    assert strays[0].describe() == (
        "removed U+0008 (backspace) and replaced U+000B (vertical tab, Word's line break) "
        "with a space"
    )


@pytest.mark.parametrize("char", ["\ufdd0", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"])
def test_noncharacters_are_removed(char: str) -> None:
    assert without_strays(f"a{char}b") == ("ab", (Stray(1, 2, char),))


@pytest.mark.parametrize("char", ["\u00a0", "\u200b", "\ufeff", "\u00ad", "\U0001f5de"])
def test_visible_or_meaningful_characters_stay(char: str) -> None:
    """NBSP, zero-width space, word joiner, soft hyphen: HTML allows them and they mean
    something to typesetting; only controls and noncharacters go."""
    assert without_strays(f"a{char}b") == (f"a{char}b", ())


# In a build ----------------------------------------------------------------

PASTED = item(title="Talks\x1b resume", body="The first\x00 paragraph.\n\nWord\x0bbreak.")


@pytest.fixture
def pasted_site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site({"content/2025-07-22-talks.md": PASTED})
    monkeypatch.chdir(root)
    return root


FILE = "content/2025-07-22-talks.md"
HINT = (
    "readers never see these characters, and HTML and feeds forbid them (they come with text "
    "pasted from word processors and PDFs); delete them to silence this warning"
)
STRAYS = [
    ("2:13", "removed U+001B (escape)"),
    ("7:10", "removed U+0000 (NUL)"),
    ("9:5", "replaced U+000B (vertical tab, Word's line break) with a space"),
]
#: As `build` prints them; `check` puts the place first, as compilers do.
WARNINGS = [f"warning: {FILE}:{at}: {what}; {HINT}" for at, what in STRAYS]
CHECKED = [f"{FILE}:{at}: warning: {what}; {HINT}" for at, what in STRAYS]


def test_build_publishes_the_text_without_them_and_warns_at_each_line(pasted_site: Path) -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == WARNINGS
    page = (pasted_site / "_site/2025/07/22/talks/index.html").read_text(encoding="utf-8")
    assert "Talks resume" in page
    assert "The first paragraph." in page
    assert "Word break." in page
    # Pagefind's bundle is compressed and binary; its words come from the same text.
    everything = b"".join(
        f.read_bytes()
        for f in (pasted_site / "_site").rglob("*")
        if f.is_file() and "pagefind" not in f.relative_to(pasted_site / "_site").parts
    )
    for char in (b"\x1b", b"\x00", b"\x0b"):
        assert char not in everything


def test_a_build_that_finds_nothing_changed_still_warns(pasted_site: Path) -> None:
    run("build", "--now", NOW)
    code, out, err = run("build", "--now", NOW)
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith("warning:")] == WARNINGS


def test_a_build_from_the_cache_still_warns(pasted_site: Path) -> None:
    """Another file changed: this one comes from the cache, and its warnings with it."""
    run("build", "--now", NOW)
    (pasted_site / "content/2025-07-21-other.md").write_text(
        item("Other", "2025-07-21T08:00:00+03:00"), encoding="utf-8"
    )
    code, _, err = run("build", "--now", NOW)
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith("warning:")] == WARNINGS


def test_check_reports_them_as_warnings_and_strict_fails(pasted_site: Path) -> None:
    code, _, err = run("check", "--now", NOW)
    assert code == 0
    assert err.splitlines() == CHECKED
    assert run("check", "--now", NOW, "--strict")[0] == 1


def test_an_edition_note_is_cleaned_too(pasted_site: Path) -> None:
    (pasted_site / "content/editions").mkdir()
    (pasted_site / "content/editions/2025-07-22.md").write_text("Morning\x1b note.\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 0
    assert "warning: content/editions/2025-07-22.md:1:8: removed U+001B (escape)" in err
    page = (pasted_site / "_site/editions/2025-07-22/index.html").read_text(encoding="utf-8")
    assert "Morning note." in page
