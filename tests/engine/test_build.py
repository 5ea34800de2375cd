"""End-to-end builds of small fixture sites: pages, tag pages, the feed, failures."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, run

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed


def read(root: Path, rel: str) -> str:
    return (root / "_site" / rel).read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def five_items() -> dict[str, str]:
    return {
        "content/2025-07-20-oldest.md": item(
            "Oldest item", "2025-07-20T08:00:00+03:00", tags="[energy]"
        ),
        "content/2025-07-21-middle.md": item(
            "Middle item", "2025-07-21T08:00:00+03:00", tags="[energy, Europe]"
        ),
        "content/2025-07-22-talks.md": item(
            "Talks in Istanbul",
            "2025-07-22 09:15",  # no offset: read in Europe/Kyiv
            tags="[ukraine, diplomacy]",
            source="https://apnews.com/article/talks",
            source_name="AP News",
            summary='"Delegations meet again."',
            body="Zelenskyy renewed his offer.\n\n## Background\n\nSee [AP](https://apnews.com/).",
        ),
        "content/2025-07-23-late.md": item(
            "Late night item", "2025-07-23T23:30:00+03:00", tags="[europe]"
        ),
        "content/sub/2025-07-24-newest.md": item("Newest item", "2025-07-24T06:00:00+03:00"),
    }


def test_builds_item_pages_at_the_permalink_under_the_base_path(make_site: MakeSite) -> None:
    root = make_site(five_items())
    report = build(BuildOptions(site_dir=root))
    assert report.items == 5
    page = read(root, "2025/07/22/talks/index.html")
    assert "<h1>Talks in Istanbul</h1>" in page
    assert 'href="https://apnews.com/article/talks"' in page and ">AP News<" in page
    assert '<h2 id="background">Background</h2>' in page
    # Every internal link and asset carries the project path of the site URL.
    assert 'href="/briefing/assets/style.css"' in page
    assert 'href="/briefing/tags/diplomacy/"' in page
    internal = re.findall(r'(?:href|src)="(/[^"]*)"', page)
    assert internal and all(link.startswith("/briefing/") for link in internal)


def test_item_list_is_newest_first_and_paginated(make_site: MakeSite) -> None:
    root = make_site(five_items())  # paginate: 2
    build(BuildOptions(site_dir=root))
    first = read(root, "items/index.html")
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', first)
    assert titles == ["Newest item", "Late night item"]
    assert 'href="/briefing/items/page/2/"' in first
    third = read(root, "items/page/3/index.html")
    assert re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', third) == ["Oldest item"]
    assert 'href="/briefing/items/page/2/"' in third and "Page 3 of 3" in third
    assert not (root / "_site/items/page/4").exists()


def test_tag_pages_merge_spellings_and_the_index_counts(make_site: MakeSite) -> None:
    root = make_site(five_items())
    build(BuildOptions(site_dir=root))
    europe = read(root, "tags/europe/index.html")
    # "Europe" and "europe" are one tag, named as first written (oldest item first).
    assert "Tagged “Europe”" in europe and "2 items" in europe
    assert "Late night item" in europe and "Middle item" in europe
    index = read(root, "tags/index.html")
    counts = dict(
        re.findall(r'<a href="/briefing/tags/[^"]+/">([^<]+)</a> <span class="count">(\d+)', index)
    )
    assert counts == {"diplomacy": "2", "energy": "2", "Europe": "2", "ukraine": "2"}


def test_tag_pages_paginate(make_site: MakeSite) -> None:
    root = make_site(
        {
            f"content/e{n}.md": item(f"Energy {n}", f"2025-07-0{n}T08:00:00+03:00", tags="[energy]")
            for n in range(1, 6)
        }
    )  # paginate: 2
    build(BuildOptions(site_dir=root))
    first = read(root, "tags/energy/index.html")
    assert "Page 1 of 3" in first and 'href="/briefing/tags/energy/page/2/"' in first
    last = read(root, "tags/energy/page/3/index.html")
    assert "Page 3 of 3" in last and "Energy 1" in last


def test_feed_parses_as_a_feed_reader_sees_it(make_site: MakeSite) -> None:
    root = make_site(five_items())  # feed_items: 3
    build(BuildOptions(site_dir=root))
    feed = feedparser.parse((root / "_site/feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Test Briefing"
    assert feed.feed.link == "https://briefing-dev.github.io/briefing/"
    assert [e.title for e in feed.entries] == [
        "Newest item",
        "Late night item",
        "Talks in Istanbul",
    ]
    talks = feed.entries[2]
    assert talks.link == "https://briefing-dev.github.io/briefing/2025/07/22/talks/"
    # The id is the source URL: it survives later edits of the title or slug.
    assert talks.id == "https://apnews.com/article/talks"
    assert talks.summary == "Delegations meet again."
    assert "Zelenskyy renewed his offer." in talks.content[0].value
    assert 'href="https://apnews.com/article/talks"' in talks.content[0].value
    # The date written without an offset was read in Europe/Kyiv (+03:00 in July).
    assert talks.published == "Tue, 22 Jul 2025 09:15:00 +0300"
    assert [t.term for t in talks.tags] == ["ukraine", "diplomacy"]
    late = feed.entries[1]
    assert late.published == "Wed, 23 Jul 2025 23:30:00 +0300"


def test_drafts_are_left_out_unless_asked_for(make_site: MakeSite) -> None:
    root = make_site({**five_items(), "content/d.md": item("Secret draft", draft="true")})
    report = build(BuildOptions(site_dir=root))
    assert report.drafts_left_out == 1
    assert "Secret draft" not in read(root, "feed.xml")
    assert not any("Secret draft" in p.read_text() for p in (root / "_site").rglob("*.html"))
    report = build(BuildOptions(site_dir=root, drafts=True))
    assert report.items == 6 and "Secret draft" in read(root, "2025/07/22/d/index.html")


def test_raw_html_and_script_links_never_run(make_site: MakeSite) -> None:
    body = (
        "<script>alert(1)</script>\n\n"
        "[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
        "<img src=x onerror=alert(1)>"
    )
    root = make_site({"content/x.md": item('"<b>Bold</b> title"', body=body)})
    build(BuildOptions(site_dir=root))
    page = read(root, "2025/07/22/x/index.html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt; title" in page


def test_raw_html_can_be_allowed_by_the_site(make_site: MakeSite) -> None:
    from conftest import SITE_YAML

    root = make_site(
        {
            "site.yaml": SITE_YAML + "raw_html: true\n",
            "content/x.md": item(body='<div class="chart">A chart</div>'),
        }
    )
    build(BuildOptions(site_dir=root))
    assert '<div class="chart">A chart</div>' in read(root, "2025/07/22/x/index.html")


def test_building_twice_gives_identical_bytes(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(five_items())
    build(BuildOptions(site_dir=root, output=tmp_path / "one"))
    build(BuildOptions(site_dir=root, output=tmp_path / "two"))
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one == two
    assert len(one) > 10


def test_rebuild_rewrites_only_changed_files_and_removes_stale_ones(make_site: MakeSite) -> None:
    files = five_items()
    root = make_site(files)
    first = build(BuildOptions(site_dir=root))
    assert first.written == first.files and first.unchanged == 0
    again = build(BuildOptions(site_dir=root))
    assert again.written == 0 and again.unchanged == again.files
    (root / "content/2025-07-20-oldest.md").unlink()
    after = build(BuildOptions(site_dir=root))
    assert after.removed >= 1
    assert not (root / "_site/2025/07/20").exists()


def test_a_failed_build_leaves_the_previous_output_untouched(make_site: MakeSite) -> None:
    root = make_site(five_items())
    build(BuildOptions(site_dir=root))
    before = snapshot(root / "_site")
    (root / "content/2025-07-21-middle.md").write_text(item("Changed title"), encoding="utf-8")
    (root / "content/broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(BuildOptions(site_dir=root))
    assert snapshot(root / "_site") == before


def test_a_failed_first_build_creates_no_output_folder(make_site: MakeSite) -> None:
    root = make_site({"content/broken.md": "no front matter\n"})
    with pytest.raises(BuildFailed):
        build(BuildOptions(site_dir=root))
    assert not (root / "_site").exists()


def test_every_error_in_every_file_is_reported_together(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.md": "---\ntitel: A\ndate: 2025-02-30\nsource: https://x.org/a\n---\n",
            "content/b.md": "Just text, no front matter.\n",
            "content/c.md": b"---\ntitle: caf\xe9\n---\n",
            "content/d.md": "---\ntitle: D\ndate: 2025-07-22\nsource: https://x.org/d\n",
            "content/e.md": "---\ntitle: E\ndate: 2025-07-22\nsource: https://x.org/e\n"
            "tags: [a, b\n---\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    messages = [str(e).replace(str(root) + "/", "") for e in failed.value.errors]
    assert messages == [
        "content/a.md:1:1: missing required key 'title' in front matter; "
        "add `title: ...` (the headline of your summary)",
        "content/a.md:2:1: unknown key 'titel' in front matter; did you mean 'title'?",
        "content/a.md:3:7: 'date' is not a real date: '2025-02-30' (day is out of range for month)",
        "content/b.md:1:1: no front matter: the file must start with a line of three dashes '---'; "
        "add '---', the title: date: source: lines, and another '---' at the top",
        "content/c.md:2:11: is not UTF-8 text (byte 0xe9 cannot be decoded); "
        "re-save the file as UTF-8 in your editor",
        "content/d.md:1:1: front matter is not closed: no second '---' line; "
        "add a line '---' after the last front-matter key",
        "content/e.md:5:7: invalid YAML in front matter: did not find expected ',' or ']'; "
        "check the indentation, and quote values that contain ': ', '#' or start with '['",
    ]


def test_two_items_with_the_same_url_name_both_files(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/one.md": item("Same", slug="talks"),
            "content/two.md": item("Same again", slug="talks"),
        }
    )
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    text = str(failed.value)
    assert "two items would be written to /2025/07/22/talks/" in text
    assert f"{root}/content/one.md:6:7:" in text and f"{root}/content/two.md:6:7:" in text
    assert f"this one and {root}/content/two.md" in text


def test_tags_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    # Eight folders deep: a tag climbing out with up to eight '..' would still land
    # inside tmp_path, where this test looks; nothing may appear outside the site.
    deep = tmp_path.joinpath(*"abcdefgh")
    root = deep / "site"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    tags = '["../../../../etc/passwd", "/abs", "a/../../b", "../../../../../../../../x"]'
    (root / "content/a.md").write_text(item(tags=tags), encoding="utf-8")
    build(BuildOptions(site_dir=root))
    outside = [p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to(root)]
    assert outside == [tmp_path.joinpath(*"abcdefgh"[:n]) for n in range(1, 9)]
    for slug in ("etc-passwd", "abs", "a-b", "x"):
        assert (root / f"_site/tags/{slug}/index.html").is_file()


def test_a_slug_that_climbs_out_is_an_error(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item(slug="../../escape")})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    assert str(failed.value) == (
        f"{root}/content/a.md:6:7: 'slug' must be lower-case letters, digits and '-': "
        "'../../escape'; use slug: escape"
    )


@pytest.mark.parametrize(
    "output", [".", "content", "content/sub", "themes", "static", ".git", ".briefing-cache"]
)
def test_refuses_to_build_into_the_sites_inputs_even_with_force(
    make_site: MakeSite, output: str
) -> None:
    """A build into static/ (--output static --force) broke every build after it."""
    root = make_site({**five_items(), "static/logo.txt": "logo", ".git/HEAD": "ref"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(BuildFailed, match="refusing to build into"):
        build(BuildOptions(site_dir=root, output=root / output, force=True))
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("jobs", ["0", "-1", "1000", "many"])
def test_jobs_outside_one_to_sixty_four_is_a_usage_error(
    make_site: MakeSite, jobs: str, capfd: pytest.CaptureFixture[str]
) -> None:
    root = make_site(five_items())
    code, _, _ = run("build", "--site", str(root), f"--jobs={jobs}")
    assert code == 2 and "argument --jobs/-j: give a" in capfd.readouterr().err  # argparse's
    assert not (root / "_site").exists()


def test_a_site_template_overrides_one_default_template(make_site: MakeSite) -> None:
    root = make_site(
        {
            **five_items(),
            "themes/default/templates/404.html": "<p>Custom 404 for {{ site.title }}</p>\n",
        }
    )
    build(BuildOptions(site_dir=root))
    assert read(root, "404.html") == "<p>Custom 404 for Test Briefing</p>\n"
    assert "<h1>Talks in Istanbul</h1>" in read(root, "2025/07/22/talks/index.html")


def test_a_template_error_names_the_template_line(make_site: MakeSite) -> None:
    root = make_site(
        {
            **five_items(),
            "themes/default/templates/tags.html": "<p>ok</p>\n<p>{{ site.titel }}</p>\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=root))
    (error,) = failed.value.errors
    assert str(error).startswith(f"{root}/themes/default/templates/tags.html:2: ")
    assert "has no attribute 'titel'" in str(error)
    assert not (root / "_site").exists()


@pytest.mark.parametrize(
    "reach",
    [
        "{{ cycler.__init__.__globals__.os.system('touch RAN') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ site.title.__class__ }}",
        "{% set seen = [] %}{{ seen.append(1) }}",
    ],
)
def test_a_template_that_reaches_past_its_views_runs_nothing_and_fails_at_its_line(
    make_site: MakeSite, reach: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme comes with a pull request; the build runs where the deploy's tokens are."""
    root = make_site(
        {**five_items(), "themes/default/templates/tags.html": f"<p>ok</p>\n{reach}\n"}
    )
    monkeypatch.chdir(root)
    for command in ("check", "build"):
        code, _, err = run(command)
        assert code == 1
        assert "themes/default/templates/tags.html:2: SecurityError: " in err, err
        assert "templates run in a sandbox" in err
    assert not (root / "RAN").exists() and not (root / "_site").exists()


def test_a_site_without_items_still_builds(make_site: MakeSite) -> None:
    root = make_site({})
    report = build(BuildOptions(site_dir=root))
    assert report.items == 0
    assert "Nothing published yet." in read(root, "index.html")
    feed = feedparser.parse((root / "_site/feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries == []
