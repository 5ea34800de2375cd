"""A site in two languages: the default at the root, the other under its folder."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, run

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed

SITE = (
    SITE_YAML
    + """\
languages:
  en: {}
  uk: {title: Тестовий брифінг, description: Брифінг для тестів.}
"""
)

SOURCE = "https://www.reuters.com/world/talks"


def files() -> dict[str, str]:
    return {
        "site.yaml": SITE,
        "content/talks.md": item(
            "Talks resume", source=SOURCE, translation="talks", tags="[diplomacy]"
        ),
        "content/talks-uk.md": item(
            "Переговори відновилися",
            source=SOURCE,
            lang="uk",
            translation="talks",
            tags="[дипломатія]",
        ),
        "content/markets.md": item("Markets calm", "2025-07-23T10:00:00+03:00"),
        "content/grain-uk.md": item(
            "Зернова угода", "2025-07-21T10:00:00+03:00", tags="[зерно]", lang="uk"
        ),
    }


def read(root: Path, rel: str) -> str:
    return (root / "_site" / rel).read_text(encoding="utf-8")


@pytest.fixture
def bilingual(make_site: MakeSite) -> Path:
    root = make_site(files())
    build(BuildOptions(site_dir=root))
    return root


def test_each_language_has_its_own_pages_the_default_at_the_root(bilingual: Path) -> None:
    site = bilingual / "_site"
    assert "Markets calm" in read(bilingual, "index.html")
    assert "Переговори" not in read(bilingual, "index.html")
    for page in ("index.html", "archive/index.html", "items/index.html", "tags/index.html",
                 "sources/index.html", "editions/2025-07-21/index.html"):  # fmt: skip
        assert (site / "uk" / page).is_file(), page
    assert "Переговори відновилися" in read(bilingual, "uk/index.html") or "Переговори" in read(
        bilingual, "uk/editions/2025-07-22/index.html"
    )
    assert (site / "uk/tags/дипломатія/index.html").is_file()
    assert not (site / "uk/tags/diplomacy").exists()
    # The English edition of 21 July does not exist: only the Ukrainian item is that day.
    assert not (site / "editions/2025-07-21").exists()
    # One 404 page for the host to serve, the site's own.
    assert not (site / "uk/404.html").exists()


def test_each_language_has_its_own_feeds_with_its_title_and_language(bilingual: Path) -> None:
    feed = feedparser.parse(read(bilingual, "uk/feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Тестовий брифінг"
    assert feed.feed.language == "uk"
    assert feed.feed.link == "https://briefing-dev.github.io/briefing/uk/"
    titles = {entry.title for entry in feed.entries}
    assert titles == {"Переговори відновилися", "Зернова угода"}
    assert all("/briefing/uk/" in entry.link for entry in feed.entries)
    english = feedparser.parse(read(bilingual, "feed.xml"))
    assert {entry.title for entry in english.entries} == {"Talks resume", "Markets calm"}
    # A translation cites the article its original does, yet it is another entry.
    ids = {entry.title: entry.id for entry in (*english.entries, *feed.entries)}
    assert ids["Talks resume"] == SOURCE
    assert ids["Переговори відновилися"] != ids["Talks resume"]
    editions = feedparser.parse(read(bilingual, "uk/editions/feed.xml"))
    assert editions.feed.title == "Тестовий брифінг: editions" or editions.feed.title.startswith(
        "Тестовий брифінг"
    )
    assert len(editions.entries) == 2


def test_translations_are_alternates_in_the_sitemap_both_ways(bilingual: Path) -> None:
    sitemap = read(bilingual, "sitemap.xml")
    base = "https://briefing-dev.github.io/briefing/"
    english, ukrainian = base + "2025/07/22/talks/", base + "uk/2025/07/22/talks-uk/"
    for page in (english, ukrainian):
        entry = re.search(rf"<url><loc>{re.escape(page)}</loc>(.*?)</url>", sitemap, re.S)
        assert entry is not None, page
        alternates = re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry.group(1))
        assert alternates == [("en", english), ("uk", ukrainian)]
    # Each language's front page is the other's alternate; untranslated items have none.
    assert f'hreflang="uk" href="{base}uk/"' in sitemap
    assert re.search(rf"<url><loc>{re.escape(base)}2025/07/23/markets/</loc></url>", sitemap)
    assert f"{base}uk/search/" not in sitemap


def test_the_list_of_every_feed_holds_each_languages_feeds(bilingual: Path) -> None:
    opml = read(bilingual, "feeds.opml")
    assert 'text="Site"' in opml
    assert 'text="Site (Українська)"' in opml
    assert "https://briefing-dev.github.io/briefing/uk/feed.xml" in opml
    tag = quote("дипломатія")
    assert f"https://briefing-dev.github.io/briefing/uk/tags/{tag}/feed.xml" in opml


def test_an_edit_in_one_language_leaves_the_others_pages_alone(bilingual: Path) -> None:
    path = bilingual / "content/grain-uk.md"
    path.write_text(path.read_text(encoding="utf-8").replace("first paragraph", "first words"))
    report = build(BuildOptions(site_dir=bilingual))
    changed = {str(file) for file in report.changed}
    assert "uk/2025/07/21/grain-uk/index.html" in changed
    assert changed <= {f for f in changed if f.startswith("uk/")} | {".briefing-output.json"}


def test_the_report_counts_every_language(bilingual: Path) -> None:
    report = build(BuildOptions(site_dir=bilingual, use_cache=False))
    assert report.items == 4


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("ua", "did you mean 'uk'?"),
        ("Ukrainian", "did you mean 'uk'?"),
        ("UK", "did you mean 'uk'?"),
    ],
)
def test_a_language_the_site_does_not_list_is_a_located_error(
    make_site: MakeSite, written: str, hint: str
) -> None:
    root = make_site({**files(), "content/grain-uk.md": item("Зерно", lang=written)})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    [error] = failed.value.errors
    text = str(error)
    assert re.match(
        r".*content/grain-uk\.md:6:7: lang: .* is not one of the site's languages", text
    )
    assert hint in text


def test_lang_on_a_site_in_one_language_says_how_to_list_languages(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item("Зерно", lang="uk")})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    assert "site.yaml lists no `languages:`" in str(failed.value)
    assert "languages:" in str(failed.value.errors[0].hint)


def test_two_translations_in_one_language_are_an_error(make_site: MakeSite) -> None:
    more = item("Ще переговори", "2025-07-23T09:00:00+03:00", lang="uk", translation="talks")
    root = make_site({**files(), "content/more-uk.md": more})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    [error] = failed.value.errors
    assert "more-uk.md" in str(error.path)
    assert "translation: talks is also given by" in error.message


def test_a_site_without_languages_builds_as_before(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item("Talks resume")})
    build(BuildOptions(site_dir=root))
    assert not (root / "_site/uk").exists()
    assert "xhtml" not in read(root, "sitemap.xml")


def test_edition_and_story_files_name_their_language(make_site: MakeSite) -> None:
    """editions/<date>.uk.md introduces the Ukrainian edition of that day, and
    stories/<slug>.uk.md titles the story's Ukrainian page; the plain files stay the
    default language's."""
    root = make_site(
        {
            **files(),
            "content/talks.md": item("Talks resume", source=SOURCE, story="Talks"),
            "content/talks-uk.md": item("Переговори", source=SOURCE, lang="uk", story="Talks"),
            "content/editions/2025-07-22.md": "---\ntitle: Talks day\n---\nOur introduction.\n",
            "content/editions/2025-07-22.uk.md": "---\ntitle: День переговорів\n---\nВступ.\n",
            "content/stories/talks.md": "---\ntitle: The talks\n---\nWhere they stand.\n",
            "content/stories/talks.uk.md": "---\ntitle: Переговори\n---\nДе вони зараз.\n",
        }
    )
    build(BuildOptions(site_dir=root))
    english = read(root, "editions/2025-07-22/index.html")
    ukrainian = read(root, "uk/editions/2025-07-22/index.html")
    assert "Talks day" in english and "День переговорів" not in english
    assert "День переговорів" in ukrainian and "Вступ." in ukrainian
    assert "Talks day" not in ukrainian
    assert "Where they stand." in read(root, "stories/talks/index.html")
    story = read(root, "uk/stories/talks/index.html")
    assert "Де вони зараз." in story and "Where they stand." not in story


def test_a_file_named_for_a_language_the_site_does_not_list_is_an_error(
    make_site: MakeSite,
) -> None:
    root = make_site({**files(), "content/editions/2025-07-22.ua.md": "Вступ.\n"})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    [error] = failed.value.errors
    assert str(error.path).endswith("editions/2025-07-22.ua.md")
    assert "'ua', which is not one of the site's languages (en, uk)" in error.message
    assert error.hint == "name it 2025-07-22.uk.md"


def test_a_page_in_another_language_is_that_languages_and_its_menus(
    make_site: MakeSite,
) -> None:
    """pages/about.uk.md is /uk/about/, in the Ukrainian menu under its own title and an
    alternate of /about/; a page with no translation keeps its place in every menu."""
    root = make_site(
        {
            **files(),
            "site.yaml": SITE + "menu:\n  - {page: about, title: About us}\n  - {page: contact}\n",
            "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
            "content/pages/about.uk.md": "---\ntitle: Про нас\n---\nХто ми.\n",
            "content/pages/contact.md": "---\ntitle: Contact\n---\nWrite to us.\n",
        }
    )
    build(BuildOptions(site_dir=root))
    base = "/briefing/"
    ukrainian = read(root, "uk/about/index.html")
    assert "Хто ми." in ukrainian and '<html lang="uk">' in ukrainian
    front = read(root, "uk/index.html")
    assert f'<a href="{base}uk/about/">Про нас</a>' in front
    assert f'<a href="{base}contact/">Contact</a>' in front
    assert f'<a href="{base}about/">About us</a>' in read(root, "index.html")
    english = read(root, "about/index.html")
    assert f'hreflang="uk" href="https://briefing-dev.github.io{base}uk/about/"' in english
    assert f'<a href="{base}uk/about/" hreflang="uk" lang="uk">' in english
    assert not (root / "_site/uk/contact").exists()
    sitemap = read(root, "sitemap.xml")
    assert f"<loc>https://briefing-dev.github.io{base}uk/about/</loc>" in sitemap


def test_a_block_is_labelled_in_its_items_language(make_site: MakeSite) -> None:
    """site.yaml gives the block labels of each language; a type without one shows the
    default's label, and the build says so at the block's line."""
    body = "Делегації зустрілися.\n\n::: why\nЦе перша зустріч.\n:::\n\n::: watch\nДата.\n:::"
    root = make_site(
        {
            **files(),
            "site.yaml": SITE.replace(
                "uk: {title: Тестовий брифінг,",
                "uk: {blocks: {why: Чому це важливо}, title: Тестовий брифінг,",
            ),
            "content/talks-uk.md": item("Переговори", source=SOURCE, lang="uk", body=body),
            "content/talks.md": item("Talks", source=SOURCE, body="Met.\n\n::: why\nFirst.\n:::"),
        }
    )
    report = build(BuildOptions(site_dir=root))
    ukrainian = read(root, "uk/2025/07/22/talks-uk/index.html")
    assert "Чому це важливо" in ukrainian and "Why it matters" not in ukrainian
    assert "What to watch" in ukrainian
    assert "Why it matters" in read(root, "2025/07/22/talks/index.html")
    [warning] = [w for w in report.warnings if "no label in uk" in w]
    assert re.search(r"talks-uk\.md:14: the block 'watch' has no label in uk", warning), warning


def test_briefing_email_names_and_copies_another_languages_emails(
    bilingual: Path, tmp_path: Path
) -> None:
    code, out, err = run("email", "--lang", "uk", "--all", "--site", str(bilingual),
                         "--output", str(tmp_path / "outbox"))  # fmt: skip
    assert code == 0, err
    assert "uk/email/2025-07-21/" in out and "uk/email/2025-07-22/" in out
    copied = (tmp_path / "outbox/2025-07-22/index.html").read_text(encoding="utf-8")
    assert '<html lang="uk">' in copied and "Переговори відновилися" in copied
    assert not (tmp_path / "outbox/2025-07-23").exists()  # English alone that day
    code, _, err = run("email", "--lang", "ua", "--site", str(bilingual))
    assert code == 1
    assert "--lang ua: the site is not written in it (its languages: en, uk)" in err
    assert "did you mean 'uk'?" in err


def test_a_new_translation_or_an_edited_word_table_reaches_the_pages_it_shows_on(
    bilingual: Path,
) -> None:
    """An incremental build re-renders /about/ when its translation appears, and the
    Ukrainian pages when the theme's Ukrainian words change."""
    (bilingual / "content/pages").mkdir()
    (bilingual / "content/pages/about.md").write_text("---\ntitle: About\n---\nUs.\n")
    build(BuildOptions(site_dir=bilingual))
    assert 'rel="alternate" hreflang="uk"' not in read(bilingual, "about/index.html")
    (bilingual / "content/pages/about.uk.md").write_text("---\ntitle: Про нас\n---\nМи.\n")
    build(BuildOptions(site_dir=bilingual))
    assert 'hreflang="uk" href="https://briefing-dev.github.io/briefing/uk/about/"' in read(
        bilingual, "about/index.html"
    )
    own = bilingual / "themes/default/i18n/uk.yaml"
    own.parent.mkdir(parents=True)
    own.write_text('archive: "Усі випуски"\n', encoding="utf-8")
    build(BuildOptions(site_dir=bilingual))
    assert ">Усі випуски</a>" in read(bilingual, "uk/index.html")
    assert ">Archive</a>" in read(bilingual, "index.html")
