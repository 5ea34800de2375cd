"""render: the theme's fixed words and dates in a page's language (i18n/*.yaml, Babel)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import SITE_YAML, MakeSite, item

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed, TemplateError
from generator.model.records import Language
from generator.project.theme import ThemeFile, ThemeFiles, builtin_theme_dir, find_theme, read_theme
from generator.project.wordtables import WordTable, parse_table
from generator.render.templates import Renderer, make_environment
from generator.render.words import WordError, Words, words_for

THEME_I18N = builtin_theme_dir() / "i18n"


def default_theme(site: Path) -> ThemeFiles:
    return read_theme(find_theme(site, "default"))


def words_in(code: str, site: Path) -> Words:
    words, _ = words_for(default_theme(site), code, "en")
    return Words(Language(code=code, words=words))


def table(code: str, text: str, folder: Path) -> WordTable:
    path = folder / f"{code}.yaml"
    words, errors = parse_table(text.encode(), path)
    assert errors == []
    return WordTable(code, path, text.encode(), words)


# 1. Counts, dates and spans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 матеріал"),
        (2, "2 матеріали"),
        (5, "5 матеріалів"),
        (11, "11 матеріалів"),
        (21, "21 матеріал"),
        (0, "0 матеріалів"),
    ],
)
def test_ukrainian_counts_take_cldr_plural_forms(tmp_path: Path, n: int, expected: str) -> None:
    assert words_in("uk", tmp_path)("items", n=n) == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 item"), (0, "0 items"), (21, "21 items")])
def test_english_counts(tmp_path: Path, n: int, expected: str) -> None:
    assert words_in("en", tmp_path).t("items", n=n) == expected


def test_ukrainian_dates_put_the_month_in_the_genitive(tmp_path: Path) -> None:
    uk = words_in("uk", tmp_path)
    assert uk.date(date(2025, 7, 22)) == "22 липня 2025"
    assert uk.weekday_date(date(2025, 7, 22)) == "Вівторок, 22 липня 2025"
    # Standing alone, as the archive heads a month: the nominative, capitalised.
    assert uk.month(7) == "Липень"


def test_english_dates_are_as_they_were(tmp_path: Path) -> None:
    en = words_in("en", tmp_path)
    assert en.date(date(2025, 7, 22)) == "22 July 2025"
    assert en.weekday_date(date(2025, 7, 22)) == "Tuesday, 22 July 2025"
    assert [en.month(m) for m in (1, 5, 12)] == ["January", "May", "December"]


@pytest.mark.parametrize(
    ("code", "first", "last", "expected"),
    [
        ("en", date(2025, 7, 21), date(2025, 7, 27), "21–27 July 2025"),
        ("en", date(2025, 7, 28), date(2025, 8, 3), "28 July – 3 August 2025"),
        ("en", date(2024, 12, 30), date(2025, 1, 5), "30 December 2024 – 5 January 2025"),
        ("en", date(2025, 7, 22), date(2025, 7, 22), "22 July 2025"),
        ("uk", date(2025, 7, 21), date(2025, 7, 27), "21–27 липня 2025"),
        ("uk", date(2025, 7, 28), date(2025, 8, 3), "28 липня – 3 серпня 2025"),
        ("uk", date(2024, 12, 30), date(2025, 1, 5), "30 грудня 2024 – 5 січня 2025"),
    ],
)
def test_spans_of_days(tmp_path: Path, code: str, first: date, last: date, expected: str) -> None:
    assert words_in(code, tmp_path).span(first, last) == expected


def test_markup_values_are_kept_and_the_words_escaped(tmp_path: Path) -> None:
    from markupsafe import Markup

    en = words_in("en", tmp_path)
    link = Markup('<a href="/x/">Reuters</a>')
    assert en("read_original", sources=link) == Markup(
        'Read the original at <a href="/x/">Reuters</a>'
    )
    assert en("read_original", sources="<b>") == "Read the original at <b>"  # Jinja escapes it


# 2. Tables: layers, gaps, mistakes -----------------------------------------------------------


def test_the_default_theme_says_every_key_in_ukrainian() -> None:
    en = yaml.safe_load((THEME_I18N / "en.yaml").read_text("utf-8"))
    uk = yaml.safe_load((THEME_I18N / "uk.yaml").read_text("utf-8"))
    assert set(uk) == set(en)


def test_a_key_missing_in_a_language_falls_back_to_english_with_a_warning(tmp_path: Path) -> None:
    en = table("en", 'today: "Today"\narchive: "Archive"\ntags: "Tags"\n', tmp_path / "base")
    uk = table("uk", 'today: "Сьогодні"\n', tmp_path / "site")
    theme = ThemeFiles({}, {}, words=(en, uk))
    words, warnings = words_for(theme, "uk", "uk")
    assert dict(words) == {"today": "Сьогодні", "archive": "Archive", "tags": "Tags"}
    assert [str(w) for w in warnings] == [
        f"{uk.path}: the theme's words in 'uk' lack 2 keys (archive, tags): pages in 'uk' show "
        f"them in 'en'; add them to {uk.path}"
    ]


def test_a_language_without_a_table_says_where_to_add_one(tmp_path: Path) -> None:
    theme = default_theme(tmp_path)
    words, warnings = words_for(theme, "de", "en")
    assert words["today"] == "Today"
    (warning,) = warnings
    assert (
        warning.message
        == "the theme has no table of words in 'de': pages in 'de' show them in 'en'"
    )
    assert warning.path == str(tmp_path / "themes" / "default" / "i18n" / "de.yaml")
    assert warning.hint is not None and "copy " in warning.hint and "en.yaml" in warning.hint


def test_a_sites_theme_overrides_one_key_and_keeps_the_rest(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML,
                      "themes/default/i18n/en.yaml": 'today: "Latest"\n'})  # fmt: skip
    theme = default_theme(root)
    words, warnings = words_for(theme, "en", "en")
    assert (words["today"], words["archive"], warnings) == ("Latest", "Archive", [])
    before = default_theme(root / "elsewhere").digest()
    assert theme.digest() != before  # editing a table re-renders the pages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('today: "Today\nnext: 1\n', r"en\.yaml:1:8: .*"),
        ("- a list\n", r"en\.yaml:1:1: a word table must be a mapping .*"),
        ('items:\n  one: "{n} item"\n', r"en\.yaml:2:3: 'items' counts by plural category but "
                                       r"has no 'other'; add `other:`.*"),
        ('title: "{n.__class__}"\n', r"en\.yaml:1:8: 'title' has '\{n\.__class__\}', which is "
                                     r"no placeholder; .*"),
        ("Today: Today\n", r"en\.yaml:1:1: 'Today' is no word key: .*"),
        ("today: [a, b]\n", r"en\.yaml:1:8: 'today' must be text, .*not list; .*"),
    ],
)  # fmt: skip
def test_a_broken_table_is_a_located_error(make_site: MakeSite, text: str, expected: str) -> None:
    root = make_site({"site.yaml": SITE_YAML, "themes/default/i18n/en.yaml": text})
    with pytest.raises(BuildFailed) as caught:
        default_theme(root)
    (error,) = caught.value.errors
    assert re.fullmatch(r".*/themes/default/i18n/" + expected, str(error), re.S), str(error)


def test_an_unknown_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        WordError, match=r"t\('nope'\): the theme has no word 'nope' in 'en'"
    ) as bad:
        words_in("en", tmp_path)("nope")
    assert bad.value.hint == "add `nope:` to the theme's i18n/en.yaml, or correct the key"
    with pytest.raises(WordError, match=r"t\('items'\) is a count") as caught:
        words_in("en", tmp_path)("items")
    assert caught.value.hint == "pass it as t('items', n=...)"
    with pytest.raises(WordError, match=r"t\('page_of'\) needs a value for \{total\}"):
        words_in("en", tmp_path)("page_of", number=2)


def test_an_unknown_key_in_a_template_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "templates" / "page.html"
    path.parent.mkdir(parents=True)
    path.write_text('<p>{{ t("today") }}</p>\n<p>{{ t("tomorow") }}</p>\n', "utf-8")
    theme = ThemeFiles({"page.html": ThemeFile(path, path.read_bytes())}, {})
    renderer = Renderer(make_environment(theme), theme)
    t = words_in("en", tmp_path)
    assert renderer.render("page.html", "a page", lambda: {"t": t}) is None
    (error,) = renderer.errors
    assert isinstance(error, TemplateError)
    assert (error.path, error.line) == (str(path), 2)
    assert error.message.startswith("t('tomorow'): the theme has no word 'tomorow'")
    assert error.hint is not None and "i18n/en.yaml" in error.hint


def test_the_search_scripts_english_is_the_tables() -> None:
    """search.js keeps the English words for a site's own search.html that does not pass
    them: they must be en.yaml's."""
    script = (builtin_theme_dir() / "static" / "search.js").read_text("utf-8")
    found = re.search(r"^const ENGLISH = (\{.*?^\});$", script, re.S | re.M)
    assert found is not None
    english = json.loads(found.group(1))
    en = yaml.safe_load((THEME_I18N / "en.yaml").read_text("utf-8"))
    assert english == {key: en[key] for key in english}


# 3. A whole site in Ukrainian ------------------------------------------------------------------


def test_a_site_in_ukrainian_shows_ukrainian_words_and_dates(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "language: uk\n",
            "content/2025-07-22-talks.md": item("Talks", "2025-07-22T09:15:00+03:00"),
            "content/2025-07-22-more.md": item("More talks", "2025-07-22T10:15:00+03:00"),
        }
    )
    report = build(BuildOptions(site_dir=root))
    assert report.warnings == ()
    front = (root / "_site" / "index.html").read_text("utf-8")
    assert '<html lang="uk">' in front
    assert "<h2>У цьому випуску</h2>" in front
    assert "<summary>2 матеріали</summary>" in front
    assert "Вівторок, 22 липня 2025" in front
    assert ">Сьогодні</a>" in front and ">Архів</a>" in front
    page = (root / "_site" / "2025" / "07" / "22" / "talks" / "index.html").read_text("utf-8")
    assert '<time datetime="2025-07-22T09:15:00+03:00">22 липня 2025, 09:15</time>' in page
    assert "1 хв читання" in page
    assert "Читати оригінал: <a" in page
    assert not re.search(r"\b(Today|Archive|min read|July|Read the original)\b", front + page)
    archive = (root / "_site" / "archive" / "index.html").read_text("utf-8")
    assert "<h3>Липень 2025</h3>" in archive
    assert "1 випуск." in archive


def test_a_language_cldr_does_not_know_warns_and_uses_english_rules(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML + "language: x-klingon\n", "content/a.md": item("A")})
    report = build(BuildOptions(site_dir=root))
    assert any("no dates or plural rules are known for language 'x-klingon'" in w
               for w in report.warnings)  # fmt: skip
    assert any("no table of words in 'x-klingon'" in w for w in report.warnings)
    front = (root / "_site" / "index.html").read_text("utf-8")
    assert "Tuesday, 22 July 2025" in front


def test_a_regional_variant_takes_its_languages_words_without_a_warning(
    make_site: MakeSite,
) -> None:
    """en-GB is English with its own differences: the English table is its table."""
    root = make_site({"site.yaml": SITE_YAML + "language: en-GB\n", "content/a.md": item("A")})
    report = build(BuildOptions(site_dir=root))
    assert not [w for w in report.warnings if "table of words" in w or "lack" in w]
    assert "22 July 2025" in (root / "_site" / "index.html").read_text("utf-8")
