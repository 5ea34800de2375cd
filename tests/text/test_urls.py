"""urls: slugs, permalinks, output files, base paths, links and link safety."""

from __future__ import annotations

import pytest

from generator.text.urls import (
    base_path,
    expand_permalink,
    is_inside,
    is_safe_link,
    link,
    output_file,
    permalink_fields,
    portability_problem,
    portable_key,
    slugify,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Zelenskyy renews offer: Putin's answer", "zelenskyy-renews-offer-putins-answer"),
        ("Putin\u2019s answer", "putins-answer"),
        ("Café São Paulo", "cafe-sao-paulo"),
        ("Crème brûlée à Genève", "creme-brulee-a-geneve"),
        ("Москва отвечает", "москва-отвечает"),
        ("Ελληνικά νέα", "ελληνικα-νεα"),
        ("中文 标题", "中文-标题"),
        ("  Hello   World  ", "hello-world"),
        ("snake_case_name", "snake-case-name"),
        ("a -- b", "a-b"),
        ("--Leading and trailing--", "leading-and-trailing"),
        ("G7 summit 2025", "g7-summit-2025"),
        ("C++ & C#", "c-c"),
        ("!!! ???", ""),
        ("", ""),
        ("Ｆｕｌｌ width", "full-width"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


# Accents are dropped from Latin and Greek letters, but Cyrillic й, ї and ё are letters of
# their own and stay, however they were typed (precomposed or with a combining mark).
@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Київ сьогодні", "київ-сьогодні"),
        ("Зеленський", "зеленський"),
        ("Їжак і йогурт", "їжак-і-йогурт"),
        ("Ёлка", "ёлка"),
        ("\u0438\u0306од", "йод"),
        ("Ки\u0456\u0308в", "київ"),
        ("Ἀθῆναι σήμερα", "αθηναι-σημερα"),
        ("Київ Café Ελληνικά", "київ-cafe-ελληνικα"),
    ],
)
def test_slugify_keeps_cyrillic_letters(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("pattern", "fields"),
    [
        ("/{year}/{month}/{day}/{slug}/", {"year", "month", "day", "slug"}),
        ("/{slug}/", {"slug"}),
        ("/news/", set()),
        ("/{hour}/{slug}/", {"hour", "slug"}),
        # Placeholders as written, so that config can reject the ones no pattern may use.
        ("/{}/{slug}/", {"", "slug"}),
        ("/{0}/{slug}/", {"0", "slug"}),
        ("/{slug!r}/", {"slug!r"}),
        ("/{year:>4}/{slug}/", {"year:>4", "slug"}),
        ("/{slug!s:>10}/", {"slug!s:>10"}),
        ("/{slug.upper}/", {"slug.upper"}),
        ("/{{year}}/{slug}/", {"slug"}),
    ],
)
def test_permalink_fields(pattern: str, fields: set[str]) -> None:
    assert permalink_fields(pattern) == fields


@pytest.mark.parametrize(
    ("pattern", "site_path"),
    [
        ("/{year}/{month}/{day}/{slug}/", "2025/07/22/istanbul-talks/"),
        ("/{slug}/", "istanbul-talks/"),
        ("/news/{year}/{slug}/", "news/2025/istanbul-talks/"),
        ("/{year}-{month}-{day}-{slug}/", "2025-07-22-istanbul-talks/"),
    ],
)
def test_expand_permalink(pattern: str, site_path: str) -> None:
    values = {"year": "2025", "month": "07", "day": "22", "slug": "istanbul-talks"}
    assert expand_permalink(pattern, **values) == site_path


@pytest.mark.parametrize(
    ("site_path", "file"),
    [
        ("", "index.html"),
        ("a/b/", "a/b/index.html"),
        ("tags/energy/", "tags/energy/index.html"),
        ("2025/07/22/talks/", "2025/07/22/talks/index.html"),
        ("feed.xml", "feed.xml"),
        ("assets/style.css", "assets/style.css"),
    ],
)
def test_output_file(site_path: str, file: str) -> None:
    assert output_file(site_path) == file


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("index.html", True),
        ("a/b/index.html", True),
        ("tags/..energy/index.html", True),
        ("..", False),
        ("../x", False),
        ("a/../b", False),
        ("a/b/../../../etc/passwd", False),
        ("/etc/passwd", False),
        ("/index.html", False),
        ("", False),
        ("a//b", False),
        ("./a", False),
        ("a/", False),
    ],
)
def test_is_inside(path: str, inside: bool) -> None:
    assert is_inside(path) is inside


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://example.org", "/"),
        ("https://example.org/", "/"),
        ("https://briefing-dev.github.io/briefing", "/briefing/"),
        ("https://briefing-dev.github.io/briefing/", "/briefing/"),
        ("https://example.org/a/b", "/a/b/"),
    ],
)
def test_base_path(url: str, path: str) -> None:
    assert base_path(url) == path


@pytest.mark.parametrize(
    ("base", "site_path", "href"),
    [
        ("/", "", "/"),
        ("/", "tags/energy/", "/tags/energy/"),
        ("/briefing/", "", "/briefing/"),
        ("/briefing/", "tags/energy/", "/briefing/tags/energy/"),
        ("/briefing/", "feed.xml", "/briefing/feed.xml"),
        ("/", "tags/київ/", "/tags/%D0%BA%D0%B8%D1%97%D0%B2/"),
        ("/", "tags/café/", "/tags/caf%C3%A9/"),
        ("/", "tags/a b/", "/tags/a%20b/"),
        ("/", 'a"b<c>/', "/a%22b%3Cc%3E/"),
        ("/", "page/2/#top", "/page/2/#top"),
        # Already-encoded paths are not encoded twice.
        ("/", "tags/a%20b/", "/tags/a%20b/"),
    ],
)
def test_link(base: str, site_path: str, href: str) -> None:
    assert link(base, site_path) == href


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("\x00javascript:alert(1)", False),
        ("vbscript:msgbox(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("data:image/png;base64,AAAA", False),
        ("DATA:text/html,x", False),
        ("file:///etc/passwd", False),
        ("https://www.reuters.com/world/x", True),
        ("http://example.org", True),
        ("relative/path", True),
        ("/absolute/path", True),
        ("../up", True),
        ("#frag", True),
        ("?q=1", True),
        ("mailto:desk@example.org", True),
        ("", True),
    ],
)
def test_is_safe_link(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


@pytest.mark.parametrize(
    ("text", "slug"),
    [("C:\\Windows\\..\\x", "c-windows-x"), ("..\\..\\etc", "etc"), ("a/b", "a-b")],
)
def test_slugs_and_tag_paths_never_carry_separators_or_drives(text: str, slug: str) -> None:
    """Tags and file names become slugs: backslashes, drive letters and dots are gone."""
    assert slugify(text) == slug
    assert portability_problem(f"tags/{slugify(text)}/index.html") is None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("a\\b.css", "'\\\\' is a folder separator on Windows"),
        ("c:x/index.html", "':' is not allowed in file names on Windows"),
        ("a\x1bb.html", "'\\x1b' is not allowed in file names on Windows"),
        ("tags/straße/index.html", None),
    ],
)
def test_portability_problem_names_the_character(path: str, problem: str | None) -> None:
    assert portability_problem(path) == problem


def test_portable_key_folds_what_macos_and_windows_fold() -> None:
    assert portable_key("Foo/Index.html") == portable_key("foo/index.html")
    assert portable_key("caf\u00e9") == portable_key("cafe\u0301")
    assert portable_key("straße") == portable_key("STRASSE")
    assert portable_key("київ") != portable_key("киів")
