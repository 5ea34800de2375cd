"""``briefing check``: build errors, broken internal links and link hygiene, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run

from generator.commands.check import github_annotation
from generator.errors import ContentError, SiteError, SiteWarning

NOW = "2025-07-23T12:00:00+03:00"


def check(*argv: str) -> tuple[int, str, str]:
    """``briefing check`` in the current folder, at a fixed moment."""
    return run("check", "--now", NOW, *argv)


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> MakeSite:
    """make_site, run from inside the site so that messages name content/a.md."""

    def make(files: dict[str, str]) -> Path:
        root = make_site(files)
        monkeypatch.chdir(root)
        return root

    return make


def other() -> str:
    return item(
        "Other item",
        "2025-07-21T08:00:00+03:00",
        tags="[energy]",
        source="https://apnews.com/article/other",
    )


def linking(url: str) -> dict[str, str]:
    """content/a.md links to ``url`` at line 8, column 12."""
    return {
        "content/2025-07-21-other.md": other(),
        "content/a.md": item(body=f"Intro.\nSee [more]({url}) here."),
    }


# A clean site ------------------------------------------------------------


def test_a_clean_site_passes_and_writes_nothing(site: MakeSite) -> None:
    root = site(
        {
            "content/2025-07-21-other.md": other(),
            "content/a.md": item(
                body="See [the other item](../../21/other/) and [AP](https://apnews.com/)."
            ),
        }
    )
    assert check() == (0, "check passed: 0 errors, 0 warnings in 2 items\n", "")
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]


def test_quiet_prints_nothing_on_a_clean_site(site: MakeSite) -> None:
    root = site({"content/a.md": item()})
    assert check("-q") == (0, "", "")
    assert not (root / "_site").exists()


# Build errors --------------------------------------------------------------


BROKEN = {
    "content/a.md": "---\ntitle: A\ndate: nope\nsource: https://x.org/a\n---\n",
    "content/b.md": "Just text, no front matter.\n",
    "content/c.md": item(section="World"),
}


def test_build_errors_are_reported_as_build_reports_them(site: MakeSite) -> None:
    root = site(BROKEN)
    code, out, err = check()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "content/a.md:3:7: 'date' is not a date: 'nope'; "
        "write YYYY-MM-DD, optionally with a time: 2025-07-22T09:15:00+03:00",
        "content/b.md:1:1: no front matter: the file must start with a line of three dashes "
        "'---'; add '---', the title: date: source: lines, and another '---' at the top",
        "content/c.md:6:10: section 'World' is given, but site.yaml lists no sections; "
        "list the sections in site.yaml, e.g. sections: [Top stories, World]",
        "check failed: 3 errors, 0 warnings",
    ]
    _, _, build_err = run("build", "--now", NOW)
    assert build_err.splitlines()[:-2] == err.splitlines()[:-1]
    assert build_err.splitlines()[-2] == "3 errors"
    assert not (root / "_site").exists()


def test_build_errors_as_github_annotations(site: MakeSite) -> None:
    site(BROKEN)
    code, out, err = check("--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=content/a.md,line=3,col=7,title=briefing::'date' is not a date: 'nope'; "
        "write YYYY-MM-DD, optionally with a time: 2025-07-22T09:15:00+03:00",
        "::error file=content/b.md,line=1,col=1,title=briefing::no front matter: the file must "
        "start with a line of three dashes '---'; add '---', the title: date: source: lines, "
        "and another '---' at the top",
        "::error file=content/c.md,line=6,col=10,title=briefing::section 'World' is given, but "
        "site.yaml lists no sections; list the sections in site.yaml, e.g. sections: "
        "[Top stories, World]",
    ]
    assert err.splitlines()[-1] == "check failed: 3 errors, 0 warnings"


@pytest.mark.parametrize(
    ("site_yaml", "annotation"),
    [
        (
            SITE_YAML.replace("Europe/Kyiv", "Europe/Kiev2"),
            "::error file=site.yaml,line=4,col=11,title=briefing::'timezone' is not a known "
            "IANA time zone: 'Europe/Kiev2'; did you mean 'Europe/Kiev'?",
        ),
        (
            SITE_YAML.replace("paginate: 2", "paginate: two"),
            "::error file=site.yaml,line=5,col=11,title=briefing::'paginate' must be a whole "
            "number of 1 or more, not 'two'",
        ),
    ],
)
def test_config_errors_as_github_annotations(
    site: MakeSite, site_yaml: str, annotation: str
) -> None:
    site({"site.yaml": site_yaml, "content/a.md": item()})
    code, out, _ = check("--format", "github")
    assert (code, out) == (1, annotation + "\n")


# Internal links --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "../../21/other/",  # relative to content/a.md's page /2025/07/22/a/
        "../../21/other",
        "/2025/07/21/other/",
        "/tags/energy/",  # from the site root, without the base path
        "/briefing/tags/energy/",
        "/briefing/tags/energy/#top",
        "https://briefing-dev.github.io/briefing/archive/",
        "/briefing/archive",  # served by archive/index.html
        "/briefing/editions/2025-07-21/",
        "/briefing/sources/apnews-com/",
        "/briefing/tags/",
        "/briefing/",
        "/briefing/feed.xml",
        # Not checked: other sites, fragments on the same page, mail.
        "https://www.reuters.com/no/such/page/",
        "#notes",
        "mailto:desk@example.org",
    ],
)
def test_links_that_resolve_or_leave_the_site_pass(site: MakeSite, url: str) -> None:
    site(linking(url))
    assert check() == (0, "check passed: 0 errors, 0 warnings in 2 items\n", "")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/briefing/tags/energyy/",
            "broken link: /briefing/tags/energyy/ is not a page of this site; "
            "did you mean /briefing/tags/energy/?",
        ),
        (
            "/tags/energyy/",
            "broken link: /briefing/tags/energyy/ is not a page of this site; "
            "did you mean /briefing/tags/energy/?",
        ),
        (
            "../../21/othre/",
            "broken link: /briefing/2025/07/21/othre/ is not a page of this site; "
            "did you mean /briefing/2025/07/21/other/?",
        ),
        (
            "https://briefing-dev.github.io/briefing/archiv/",
            "broken link: /briefing/archiv/ is not a page of this site; "
            "did you mean /briefing/archive/?",
        ),
        (
            "/briefing/sources/apnews/#latest",
            "broken link: /briefing/sources/apnews/ is not a page of this site; "
            "did you mean /briefing/sources/apnews-com/?",
        ),
        (
            "/briefing/qqqqqqqqqqqqqqqqqqqqqqqqqqqq",
            "broken link: /briefing/qqqqqqqqqqqqqqqqqqqqqqqqqqqq is not a page of this site; "
            "link to an item, tag, edition or source page that exists",
        ),
    ],
)
def test_a_broken_internal_link_is_an_error_where_its_url_is_written(
    site: MakeSite, url: str, message: str
) -> None:
    root = site(linking(url))
    code, out, err = check()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"content/a.md:8:12: {message}",
        "check failed: 1 error, 0 warnings in 2 items",
    ]
    assert not (root / "_site").exists()


def test_a_link_to_a_draft_or_a_scheduled_item_is_broken(site: MakeSite) -> None:
    site(
        {
            "content/2025-07-21-other.md": item("Other", "2025-07-21T08:00:00+03:00", draft="true"),
            "content/2025-07-30-later.md": item("Later", "2025-07-30T08:00:00+03:00"),
            "content/a.md": item(body="[x](/briefing/2025/07/21/other/)\n[y](../../30/later/)"),
        }
    )
    code, _, err = check()
    assert code == 1
    assert err.splitlines()[:2] == [
        "content/a.md:7:5: broken link: /briefing/2025/07/21/other/ is not a page of this "
        "site; did you mean /briefing/2025/07/22/a/?",
        "content/a.md:8:5: broken link: /briefing/2025/07/30/later/ is not a page of this "
        "site; did you mean /briefing/2025/07/22/a/?",
    ]
    # Both are pages once drafts and scheduled items are included.
    assert check("--drafts", "--future")[0] == 0


@pytest.mark.parametrize("url", ["/briefing/tags/київ/", "/tags/%D0%BA%D0%B8%D1%97%D0%B2/"])
def test_a_link_to_a_non_ascii_tag_page_that_exists_passes(site: MakeSite, url: str) -> None:
    root = site({"content/a.md": item(tags="[Київ]", body=f"Intro.\nSee [more]({url}).")})
    assert run("build", "-q", "--now", NOW) == (0, "", "")
    assert (root / "_site/tags/київ/index.html").is_file()
    assert check() == (0, "check passed: 0 errors, 0 warnings in 1 item\n", "")


# Warnings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "warning"),
    [
        (
            {"content/a.md": item(source="https://www.reuters.com/world/a?utm_source=tw&id=7")},
            "content/a.md:5:9: warning: source https://www.reuters.com/world/a?utm_source=tw&id=7"
            " has tracking parameters: utm_source; use https://www.reuters.com/world/a?id=7",
        ),
        (
            {"content/a.md": item(source="https://apnews.com/x?gclid=1&fbclid=2")},
            "content/a.md:5:9: warning: source https://apnews.com/x?gclid=1&fbclid=2 has "
            "tracking parameters: fbclid, gclid; use https://apnews.com/x",
        ),
        (
            {
                "content/a.md": item(
                    source="[https://apnews.com/x, https://bbc.com/y?utm_medium=social]"
                )
            },
            "content/a.md:5:9: warning: source https://bbc.com/y?utm_medium=social has "
            "tracking parameters: utm_medium; use https://bbc.com/y",
        ),
        (
            {"content/a.md": item(body="Intro.\nSee [AP](https://apnews.com/x?utm_campaign=z#p).")},
            "content/a.md:8:10: warning: link https://apnews.com/x?utm_campaign=z#p has "
            "tracking parameters: utm_campaign; use https://apnews.com/x#p",
        ),
        (
            {"content/a.md": item(source="http://apnews.com/x")},
            "content/a.md:5:9: warning: source http://apnews.com/x is plain http; "
            "use https:// if the publisher supports it",
        ),
    ],
)
def test_link_hygiene_warnings_fail_only_with_strict(
    site: MakeSite, files: dict[str, str], warning: str
) -> None:
    site(files)
    assert check() == (0, "check passed: 0 errors, 1 warning in 1 item\n", warning + "\n")
    assert check("--strict") == (
        1,
        "",
        warning + "\ncheck failed: 0 errors, 1 warning in 1 item (--strict: warnings fail)\n",
    )


@pytest.mark.parametrize(
    ("source", "clean"),
    [
        ("https://apnews.com/x?print&utm_source=tw", "https://apnews.com/x?print"),
        ("https://apnews.com/x?ids=1,2&utm_source=tw", "https://apnews.com/x?ids=1,2"),
        (
            "https://www.theguardian.com/live?page=with:block-1&utm_source=tw",
            "https://www.theguardian.com/live?page=with:block-1",
        ),
    ],
)
def test_the_tracking_hint_keeps_the_other_parameters_as_written(
    site: MakeSite, source: str, clean: str
) -> None:
    site({"content/a.md": item(source=source)})
    assert check()[2] == (
        f"content/a.md:5:9: warning: source {source} has tracking parameters: utm_source; "
        f"use {clean}\n"
    )


def test_quiet_prints_warnings_but_no_verdict_unless_they_fail(site: MakeSite) -> None:
    site({"content/a.md": item(source="http://apnews.com/x")})
    warning = (
        "content/a.md:5:9: warning: source http://apnews.com/x is plain http; "
        "use https:// if the publisher supports it\n"
    )
    assert check("-q") == (0, "", warning)
    assert check("-q", "--strict") == (
        1,
        "",
        warning + "check failed: 0 errors, 1 warning in 1 item (--strict: warnings fail)\n",
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://www.reuters.com/world/talks", "https://reuters.com/world/talks"),
        ("https://reuters.com/world/talks", "http://reuters.com/world/talks"),
        ("https://reuters.com/world/talks/", "https://reuters.com/world/talks"),
        ("https://reuters.com/world/talks?utm_source=x", "https://reuters.com/world/talks"),
        ("https://reuters.com/world/talks#top", "https://reuters.com/world/talks"),
        ("http://www.reuters.com/world/talks/?fbclid=1", "https://reuters.com/world/talks"),
    ],
)
def test_the_same_article_summarised_twice_warns_on_both_files(
    site: MakeSite, first: str, second: str
) -> None:
    site(
        {
            "content/a.md": item("One", source=first),
            "content/b.md": item("Two", "2025-07-21T08:00:00+03:00", source=second),
        }
    )
    code, _, err = check()
    assert code == 0
    same = [line for line in err.splitlines() if "same article" in line]
    assert same == [
        "content/a.md:5:9: warning: summarises the same article as content/b.md; "
        "merge the two items, or cite a different article",
        "content/b.md:5:9: warning: summarises the same article as content/a.md; "
        "merge the two items, or cite a different article",
    ]
    assert check("--strict")[0] == 1


def test_three_items_on_one_article_each_name_the_other_two(site: MakeSite) -> None:
    site(
        {
            "content/a.md": item("One", source="https://apnews.com/x"),
            "content/b.md": item("Two", source="https://www.apnews.com/x/"),
            "content/c.md": item("Three", source="https://apnews.com/x?utm_source=rss"),
        }
    )
    _, _, err = check()
    assert [line for line in err.splitlines() if "same article" in line] == [
        "content/a.md:5:9: warning: summarises the same article as content/b.md, content/c.md; "
        "merge the two items, or cite a different article",
        "content/b.md:5:9: warning: summarises the same article as content/a.md, content/c.md; "
        "merge the two items, or cite a different article",
        "content/c.md:5:9: warning: summarises the same article as content/a.md, content/b.md; "
        "merge the two items, or cite a different article",
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://reuters.com/world/talks", "https://reuters.com/world/talks-2"),
        ("https://reuters.com/article?id=1", "https://reuters.com/article?id=2"),
        ("https://reuters.com/world/talks", "https://apnews.com/world/talks"),
        ("https://uk.reuters.com/world/talks", "https://reuters.com/world/talks"),
    ],
)
def test_different_articles_are_not_the_same(site: MakeSite, first: str, second: str) -> None:
    site({"content/a.md": item("One", source=first), "content/b.md": item("Two", source=second)})
    assert check() == (0, "check passed: 0 errors, 0 warnings in 2 items\n", "")


# GitHub annotations ----------------------------------------------------------


def test_warnings_and_errors_as_github_annotations(site: MakeSite) -> None:
    site(
        {
            "content/2025-07-21-other.md": other(),
            "content/a.md": item(
                source="http://apnews.com/y", body="Intro.\nSee [more](/qqqqqqqqqqqqqqqqqqqq/)."
            ),
        }
    )
    code, out, _ = check("--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::warning file=content/a.md,line=5,col=9,title=briefing::source http://apnews.com/y "
        "is plain http; use https:// if the publisher supports it",
        "::error file=content/a.md,line=8,col=12,title=briefing::broken link: "
        "/briefing/qqqqqqqqqqqqqqqqqqqq/ is not a page of this site; "
        "link to an item, tag, edition or source page that exists",
    ]


def test_a_warning_alone_as_a_github_annotation_passes(site: MakeSite) -> None:
    site({"content/a.md": item(source="http://apnews.com/y")})
    assert check("--format", "github") == (
        0,
        "::warning file=content/a.md,line=5,col=9,title=briefing::source http://apnews.com/y "
        "is plain http; use https:// if the publisher supports it\n"
        "check passed: 0 errors, 1 warning in 1 item\n",
        "",
    )


@pytest.mark.parametrize(
    ("problem", "annotation"),
    [
        (
            ContentError("broken", path="content/a.md", line=8, col=12, hint="fix it"),
            "::error file=content/a.md,line=8,col=12,title=briefing::broken; fix it",
        ),
        (
            SiteWarning("plain http", path="content/a.md", line=5, col=9),
            "::warning file=content/a.md,line=5,col=9,title=briefing::plain http",
        ),
        (
            SiteError("template failed", path="themes/x/item.html", line=2),
            "::error file=themes/x/item.html,line=2,title=briefing::template failed",
        ),
        (
            SiteError("the whole file", path="content/a.md"),
            "::error file=content/a.md,title=briefing::the whole file",
        ),
        (
            SiteError("no site.yaml in ."),
            "::error title=briefing::no site.yaml in .",
        ),
        (
            SiteWarning("odd", path="content/2025:07,22 100%.md", line=1, col=1),
            "::warning file=content/2025%3A07%2C22 100%25.md,line=1,col=1,title=briefing::odd",
        ),
        (
            SiteError("50% off:\nsecond line\r", path="a.md", line=1, hint="a, b: 10%"),
            "::error file=a.md,line=1,title=briefing::50%25 off:%0Asecond line%0D; a, b: 10%25",
        ),
        (
            SiteError("100%0A literally", path="a.md"),
            "::error file=a.md,title=briefing::100%250A literally",
        ),
    ],
)
def test_github_annotation_escapes_properties_and_data(problem: SiteError, annotation: str) -> None:
    assert github_annotation(problem) == annotation


# A placeholder url -------------------------------------------------------------

PLACEHOLDER = SITE_YAML.replace(
    "url: https://briefing-dev.github.io/briefing/", "url: https://example.github.io/mysite/"
)
PLACEHOLDER_WORDS = (
    "url is a placeholder (https://example.github.io/mysite/): feeds, canonical links, link "
    "previews and emails would send readers to example.github.io; set it to where the site "
    "is published, e.g. https://OWNER.github.io/REPOSITORY/ or your own domain"
)


def test_a_placeholder_url_is_a_warning_at_its_line(site: MakeSite) -> None:
    site({"site.yaml": PLACEHOLDER, "content/a.md": item()})
    assert check() == (
        0,
        "check passed: 0 errors, 1 warning in 1 item\n",
        f"site.yaml:2:6: warning: {PLACEHOLDER_WORDS}\n",
    )


def test_a_placeholder_url_fails_the_deploy_workflows_check(site: MakeSite) -> None:
    """`--format github` is how the Pages workflow checks: a site with the placeholder
    is not published until its url is set."""
    site({"site.yaml": PLACEHOLDER, "content/a.md": item()})
    code, out, err = check("--format", "github")
    assert code == 1
    assert out == f"::error file=site.yaml,line=2,col=6,title=briefing::{PLACEHOLDER_WORDS}\n"
    assert err.endswith("check failed: 1 error, 0 warnings in 1 item\n")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "https://news.example.com/briefing/",
        "https://owner.github.io/briefing/",
        "http://localhost:8000/",
        "http://127.0.0.1:8000/",
        "https://briefing.test/",
    ],
)
def test_placeholder_hosts_are_noticed(site: MakeSite, url: str) -> None:
    site({"site.yaml": SITE_YAML.replace("https://briefing-dev.github.io/briefing/", url),
          "content/a.md": item()})  # fmt: skip
    code, out, err = check()
    assert code == 0 and "1 warning" in out
    assert err.startswith(f"site.yaml:2:6: warning: url is a placeholder ({url}): ")


def test_a_real_address_is_not_a_placeholder(site: MakeSite) -> None:
    for url in (
        "https://exampleorg.com/",
        "https://news.examples.org/",
        "https://desk.github.io/x/",
    ):
        site({"site.yaml": SITE_YAML.replace("https://briefing-dev.github.io/briefing/", url),
              "content/a.md": item()})  # fmt: skip
        assert check() == (0, "check passed: 0 errors, 0 warnings in 1 item\n", ""), url


# A content folder with no items ----------------------------------------------


def test_a_content_folder_of_files_none_of_them_items_is_an_error(site: MakeSite) -> None:
    """An archive of .txt posts would otherwise "pass" with 0 items, and publish nothing."""
    site({"content/2025-07-21-talks.txt": item(), "content/map.png": "png"})
    code, out, err = check()
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "content: holds 2 files and not one item: items are Markdown "
        "files (.markdown, .md, .mdown, .mkd, .mkdn, in any case); rename the items to .md "
        "(README.md and names starting with '_' are not items)",
        "check failed: 1 error, 0 warnings in 0 items",
    ]


def test_items_named_markdown_are_checked_and_built(site: MakeSite) -> None:
    site({"content/2025-07-21-other.markdown": other(), "content/a.MD": item()})
    assert check() == (0, "check passed: 0 errors, 0 warnings in 2 items\n", "")
    assert run("build", "--now", NOW)[0] == 0
    assert (Path("_site") / "2025/07/21/other/index.html").exists()


# Every problem at once -------------------------------------------------------------


def test_one_error_of_each_kind_is_reported_in_one_check(site: MakeSite) -> None:
    """A misspelt tag, an unknown section or an unreadable item used to hide the link
    and file errors until it was fixed; now one check names every problem."""
    site(
        {
            "content/2025-07-21-other.md": other(),
            # Schema: a date that is no date. Its page is unknown, so links to it pass.
            "content/2025-07-20-undated.md": item("U", date="nope", source="https://x.org/u"),
            # Sections: none are listed in site.yaml.
            "content/b.md": item("B", section="World", source="https://x.org/b"),
            # Two tags with one page.
            "content/c.md": item("C", tags="[C#]", source="https://x.org/c"),
            "content/d.md": item(
                "D",
                tags="[C]",
                # Hygiene: a tracking parameter.
                source="https://x.org/d?utm_source=tw",
                # Links: a page that does not exist, one the unread item would make, a file.
                body="See [gone](/2025/07/21/gone/), [undated](/2025/07/20/undated/) "
                "and [the map](map.png).",
            ),
        }
    )
    code, out, err = check()
    assert (code, out) == (1, "")
    found = [line.split(": ", 1)[1][:40] for line in err.splitlines()[:-1]]
    assert found == [
        "'date' is not a date: 'nope'; write YYYY",
        "section 'World' is given, but site.yaml ",
        "tag 'C' and tag 'C#' (in content/c.md) h",
        "warning: source https://x.org/d?utm_sour",
        "broken link: /briefing/2025/07/21/gone/ ",
        "links to map.png, but there is no such f",
    ]
    assert err.splitlines()[-1] == "check failed: 5 errors, 1 warning"


# Messages that say what to write ------------------------------------------------


@pytest.mark.parametrize(
    ("title", "meaning", "write"),
    [
        ('"Not guilty" says the jury', "the start of a quoted text, which ends at the next '\"'",
         "title: '\"Not guilty\" says the jury'"),
        ("*Exclusive* talks resume", "an alias (a reference to an anchor)",
         'title: "*Exclusive* talks resume"'),
        ("@POTUS signs the order", "a reserved character", 'title: "@POTUS signs the order"'),
        ("| Markets close higher", "the start of a block of lines",
         'title: "| Markets close higher"'),
        ("> Quote of the day: no", "the start of a folded block of lines",
         'title: "> Quote of the day: no"'),
    ],
)  # fmt: skip
def test_a_title_yaml_reads_otherwise_gets_the_quoted_line_to_write(
    site: MakeSite, title: str, meaning: str, write: str
) -> None:
    site({"content/a.md": item(title)})
    code, _, err = check()
    assert code == 1
    assert err.splitlines()[0] == (
        f"content/a.md:2:8: YAML reads the {title[0]!r} that starts 'title' as {meaning}, not "
        f"as text; quote the whole value: {write}"
    )


def test_a_unix_timestamp_for_a_date_is_named_with_the_date_to_write(site: MakeSite) -> None:
    site({"content/a.md": item(date="1753175700")})
    assert check()[2].splitlines()[0] == (
        "content/a.md:3:7: 'date' is a number of seconds (a Unix timestamp), not a date: "
        "'1753175700'; write the date and time: 2025-07-22T09:15:00Z"
    )


def test_a_comment_that_cuts_the_tags_short_is_an_error(site: MakeSite) -> None:
    site({"content/a.md": item(tags="economy, trade #1")})
    assert check()[2].splitlines()[0] == (
        "content/a.md:4:7: 'tags' would be published as 'economy, trade': YAML reads ' #' as "
        'the start of a comment; quote the whole value: tags: "economy, trade #1", or put the '
        "comment on a line of its own"
    )


def test_links_no_browser_opens_and_references_never_defined_are_named(site: MakeSite) -> None:
    site(
        {
            "content/a.md": item(
                body="See [the filing](hhttps://sec.gov/f) and [the app](zotero://x).\n\n"
                "The [ruling][court] and [the appeal][] came later; [sic] is prose.\n"
            )
        }
    )
    code, _, err = check()
    assert code == 1
    assert err.splitlines() == [
        "content/a.md:7:18: links to hhttps://sec.gov/f, but no browser opens a 'hhttps:' "
        "link; did you mean https://sec.gov/f?",
        "content/a.md:7:52: warning: links to zotero://x, but no browser opens a 'zotero:' "
        "link; link to a web address (https://...)",
        "content/a.md:9: warning: [ruling][court] is shown as written, brackets and all: no "
        "line defines the link [court]; add a line '[court]: https://...' below the "
        "paragraph, or write the link as [ruling](https://...)",
        "check failed: 1 error, 2 warnings in 1 item",
    ]


def test_more_tags_than_an_item_may_have_is_an_error_at_the_line(site: MakeSite) -> None:
    tags = ", ".join(f"t{i}" for i in range(101))
    site({"content/a.md": item(tags=f"[{tags}]")})
    assert check()[2].splitlines()[0] == (
        "content/a.md:4:7: 'tags' has 101 tags: an item may have at most 100; keep the tags "
        "a reader would follow; the others belong in the text"
    )


def test_a_hundred_tags_on_an_item_build(site: MakeSite) -> None:
    """Each tag's page and feed lists the item's tags: feedgen is given them at once."""
    tags = ", ".join(f"t{i}" for i in range(100))
    root = site({"content/a.md": item(tags=f"[{tags}]")})
    assert run("build", "--now", NOW)[0] == 0
    feed = (root / "_site/tags/t99/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<category>") == 100


# Names that become folders -----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "what", "line", "size"),
    [
        ({"tags": "[" + "x" * 300 + "]"}, "tag", "4:7", 300),
        ({"tags": "[" + "ж" * 130 + "]"}, "tag", "4:7", 260),
        ({"source_name": "P" * 250}, "source", "5:9", 250),  # at the source it names
        ({"slug": "s" * 240}, "slug", "6:7", 240),
        ({"author": "A" * 220}, "author", "6:9", 220),
    ],
)
def test_a_name_too_long_for_a_folder_is_an_error_at_its_line(
    site: MakeSite, extra: dict[str, str], what: str, line: str, size: int
) -> None:
    """It passed check, then failed the deploy with "File name too long" and no line."""
    tags = extra.pop("tags", "[ukraine]")
    site({"content/a.md": item(tags=tags, **extra)})
    code, _, err = check()
    assert code == 1
    assert err.startswith(f"content/a.md:{line}: {what} '"), err
    assert f"makes a folder name of {size} bytes; file systems take at most 200 here" in err


def test_a_name_windows_keeps_for_a_device_is_a_warning(site: MakeSite) -> None:
    site({"content/a.md": item(tags="[con, Aux]")})
    code, out, err = check()
    assert code == 0
    assert out.splitlines()[-1] == "check passed: 0 errors, 2 warnings in 1 item"
    assert err.splitlines()[0] == (
        "content/a.md:4:7: warning: tag 'Aux' names a folder 'aux', which Windows keeps for "
        "a device: a copy of the site checked out on Windows loses it; spell it another way"
    )


def test_a_title_that_reverses_what_follows_it_is_a_warning(site: MakeSite) -> None:
    site({"content/a.md": item('"Markets \u202eclose higher"', summary='"\u2067ok\u2069"')})
    code, out, err = check()
    assert (code, out.splitlines()[-1]) == (0, "check passed: 0 errors, 1 warning in 1 item")
    assert err.splitlines() == [
        "content/a.md:2:8: warning: 'title' holds an invisible control that reverses the order "
        "of the text after it, on the page and beside the site's name; delete it: "
        "right-to-left words are shown in their order by themselves"
    ]


def test_an_entrys_tags_reach_feedgen_in_one_call(
    site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feedgen rebuilds an entry's list of categories on each call: a call per tag made
    an item's cost grow with the square of its tags (1,200 tags took 38 s)."""
    from feedgen.entry import FeedEntry

    calls = []
    real = FeedEntry.category

    def counted(self: FeedEntry, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(FeedEntry, "category", counted)
    tags = ", ".join(f"t{i}" for i in range(100))
    site({"content/a.md": item(tags=f"[{tags}]")})
    assert run("build", "--now", NOW, "--jobs", "1")[0] == 0
    # One call per feed entry: the item is in the main feeds and in 100 tag feeds, each
    # made as RSS and Atom where the site has both, never 100 calls per entry.
    feeds = len(list(Path("_site").rglob("feed.xml"))) + len(list(Path("_site").rglob("atom.xml")))
    assert 0 < len(calls) <= feeds
