"""Drafts and scheduled items: what a build at a given moment publishes and reports."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import MakeSite, item, run

from generator.engine.build import build
from generator.engine.options import BuildOptions, Scheduled

NOW = "2025-07-22T12:00:00+03:00"


def files() -> dict[str, str]:
    return {
        "content/2025-07-22-due.md": item(
            "Due item", "2025-07-22T09:00:00+03:00", tags="[energy]", body="Due body."
        ),
        "content/2025-07-22-draft.md": item(
            "Draft item", "2025-07-22T08:00:00+03:00", tags="[secret]", draft="true"
        ),
        # Written in UTC: due at 08:00 in Kyiv.
        "content/a-soon.md": item(
            "Soon item",
            "2025-07-23T05:00:00+00:00",
            tags="[energy, markets]",
            source="https://apnews.com/article/soon",
        ),
        "content/b-later.md": item("Later item", "2025-07-24T10:00:00+03:00", tags="[space]"),
    }


def site_files(root: Path) -> dict[str, str]:
    """Every text file of the built site by its path under _site."""
    return {
        p.relative_to(root / "_site").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "_site").rglob("*"))
        if p.is_file() and p.suffix in (".html", ".xml", ".json")
    }


def test_items_not_due_and_drafts_are_left_out_everywhere(make_site: MakeSite) -> None:
    root = make_site(files())
    code, out, err = run("build", "--site", str(root), "--now", NOW)
    assert (code, err) == (0, "")
    summary, due = out.splitlines()
    assert summary.startswith("built 1 item in 1 edition, 1 tag: ")
    assert summary.endswith("; left out: 1 draft, 2 scheduled items not due yet")
    assert due == (
        "next scheduled item due 2025-07-23T08:00+03:00 (2025-07-23T05:00+00:00): "
        f"{root}/content/a-soon.md"
    )

    built = site_files(root)
    assert "Due body." in built["2025/07/22/due/index.html"]
    assert "Due item" in built["feed.xml"] and "Due item" in built["tags/energy/index.html"]
    for title in ("Soon item", "Later item", "Draft item"):
        assert [path for path, text in built.items() if title in text] == []
    for folder in (
        "2025/07/23",
        "2025/07/24",
        "2025/07/22/draft",
        "tags/markets",
        "tags/space",
        "tags/secret",
        "sources/apnews-com",
        "editions/2025-07-23",
        "editions/2025-07-24",
    ):
        assert not (root / "_site" / folder).exists(), folder
    assert (root / "_site/editions/2025-07-22/index.html").is_file()
    assert "2025-07-23" not in built["archive/index.html"]
    assert "2025-07-24" not in built["archive/index.html"]
    assert "2025-07-23" not in built["editions/feed.xml"]


@pytest.mark.parametrize(
    ("flags", "summary", "tail", "published", "left_out"),
    [
        (
            ["--future"],
            "built 3 items in 3 editions, 3 tags: ",
            "; left out: 1 draft",
            ["2025/07/23/a-soon", "2025/07/24/b-later", "editions/2025-07-23", "tags/space"],
            ["2025/07/22/draft", "tags/secret"],
        ),
        (
            ["--drafts"],
            "built 2 items in 1 edition, 2 tags: ",
            "; left out: 2 scheduled items not due yet",
            ["2025/07/22/draft", "tags/secret"],
            ["2025/07/23/a-soon", "2025/07/24/b-later", "editions/2025-07-23", "tags/space"],
        ),
        (
            ["--drafts", "--future"],
            "built 4 items in 3 editions, 4 tags: ",
            None,
            ["2025/07/22/draft", "2025/07/23/a-soon", "2025/07/24/b-later", "editions/2025-07-24"],
            [],
        ),
    ],
)
def test_drafts_and_future_flags_include_what_they_name(
    make_site: MakeSite,
    flags: list[str],
    summary: str,
    tail: str | None,
    published: list[str],
    left_out: list[str],
) -> None:
    root = make_site(files())
    code, out, err = run("build", "--site", str(root), "--now", NOW, *flags)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    if "--future" in flags:
        assert len(lines) == 1  # nothing is scheduled, so no next-due line
    else:
        assert lines[1].startswith("next scheduled item due 2025-07-23T08:00+03:00 ")
    assert lines[0].startswith(summary)
    if tail is None:
        assert "left out" not in lines[0] and lines[0].endswith(" s")
    else:
        assert lines[0].endswith(tail)
    for folder in published:
        assert (root / "_site" / folder / "index.html").is_file(), folder
    for folder in left_out:
        assert not (root / "_site" / folder).exists(), folder


@pytest.mark.parametrize(
    ("now", "scheduled"),
    [
        ("2025-07-23T08:00:00+03:00", 0),  # exactly the item's moment: due
        ("2025-07-23T05:00:00+00:00", 0),  # the same moment written in UTC
        ("2025-07-23T07:00:00+02:00", 0),  # and in another offset
        ("2025-07-23T07:59:59+03:00", 1),  # a second before: not yet
        ("2025-07-23T05:59:59+01:00", 1),
    ],
)
def test_an_item_is_due_from_its_exact_moment(
    make_site: MakeSite, now: str, scheduled: int
) -> None:
    root = make_site({"content/a.md": item("Soon", "2025-07-23T08:00:00+03:00")})
    report = build(BuildOptions(site_dir=root, now=datetime.fromisoformat(now)))
    assert (report.items, len(report.scheduled)) == (1 - scheduled, scheduled)
    assert (root / "_site/2025/07/23/a/index.html").is_file() == (scheduled == 0)


def test_the_scheduled_list_is_soonest_first(make_site: MakeSite) -> None:
    root = make_site(
        {
            # File names in reverse order of time; offsets so that local times mislead.
            "content/a.md": item("A", "2025-07-25T09:00:00+03:00"),  # 06:00 UTC
            "content/b.md": item("B", "2025-07-25T07:00:00+00:00"),  # 07:00 UTC
            "content/c.md": item("C", "2025-07-25T06:00:00+00:00"),  # 06:00 UTC, tie with a
            "content/d.md": item("D", "2025-07-25T08:00:00+05:00"),  # 03:00 UTC
            "content/e.md": item("E", "2025-07-24"),  # midnight in Kyiv, 21:00 UTC
            "content/f.md": item("F", "2025-07-23T08:00:00+03:00", draft="true"),
            "content/g.md": item("G", "2025-07-22T08:00:00+03:00"),
        }
    )
    report = build(BuildOptions(site_dir=root, now=datetime.fromisoformat(NOW)))
    assert [(Path(s.path).name, s.date.isoformat()) for s in report.scheduled] == [
        ("e.md", "2025-07-24T00:00:00+03:00"),
        ("d.md", "2025-07-25T08:00:00+05:00"),
        ("a.md", "2025-07-25T09:00:00+03:00"),
        ("c.md", "2025-07-25T06:00:00+00:00"),
        ("b.md", "2025-07-25T07:00:00+00:00"),
    ]
    assert report.drafts_left_out == 1 and report.items == 1
    with_drafts = build(BuildOptions(site_dir=root, now=datetime.fromisoformat(NOW), drafts=True))
    assert with_drafts.scheduled[0] == Scheduled(
        str(root / "content/f.md"), datetime.fromisoformat("2025-07-23T08:00:00+03:00")
    )
    assert [Path(s.path).name for s in with_drafts.scheduled] == [
        "f.md",
        "e.md",
        "d.md",
        "a.md",
        "c.md",
        "b.md",
    ]
    assert (
        build(BuildOptions(site_dir=root, now=datetime.fromisoformat(NOW), future=True)).scheduled
        == ()
    )


def test_next_due_names_the_soonest_in_site_time_and_utc(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/later.md": item("Later", "2025-07-25T09:00:00+03:00"),
            "content/sooner.md": item("Sooner", "2025-07-25T08:00:00+05:00"),
        }
    )
    code, out, _ = run("build", "--site", str(root), "--now", NOW)
    assert code == 0
    assert out.splitlines()[1] == (
        "next scheduled item due 2025-07-25T06:00+03:00 (2025-07-25T03:00+00:00): "
        f"{root}/content/sooner.md"
    )


def test_the_build_report_says_when_the_next_item_falls_due_in_utc(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """What a deploy workflow reads to skip hourly runs until an item falls due."""
    root = make_site(files())
    report = tmp_path / "report.json"
    code, _, err = run("build", "-q", "--site", str(root), "--now", NOW, "--report", str(report))
    assert (code, err) == (0, "")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data == {
        "items": 1,
        "editions": 1,
        "tags": 1,
        "files": data["files"],
        "written": data["files"],
        "unchanged": 0,
        "removed": 0,
        "drafts_left_out": 1,
        "scheduled": 2,
        "next_due": "2025-07-23T05:00:00Z",
        "next_due_file": f"{root}/content/a-soon.md",
    }
    # Once everything is due, nothing is next.
    code, _, _ = run("build", "-q", "--site", str(root), "--future", "--report", str(report))
    assert code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["scheduled"], data["next_due"], data["next_due_file"]) == (0, None, None)


def test_a_report_that_cannot_be_written_fails_after_the_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    root = make_site(files())
    report = tmp_path / "missing-folder/report.json"
    code, _, err = run("build", "-q", "--site", str(root), "--now", NOW, "--report", str(report))
    assert code == 1
    assert err == (
        f"error: {report}: cannot write the report: No such file or directory; the site was built\n"
    )
    assert (root / "_site/index.html").exists()


def test_quiet_build_prints_no_next_due_line(make_site: MakeSite) -> None:
    root = make_site(files())
    assert run("build", "-q", "--site", str(root), "--now", NOW) == (0, "", "")


@pytest.mark.parametrize(
    "edition_file",
    [
        "---\ntitle: Tomorrow's briefing\n---\nAn introduction written ahead.\n",
        "An introduction written ahead, without front matter.\n",
    ],
)
def test_an_edition_file_for_a_future_edition_waits_for_its_items(
    make_site: MakeSite, edition_file: str
) -> None:
    root = make_site(
        {
            "content/a.md": item("Today", "2025-07-22T09:00:00+03:00"),
            "content/b.md": item("Tomorrow", "2025-07-23T09:00:00+03:00"),
            "content/editions/2025-07-23.md": edition_file,
            "content/editions/2025-07-30.md": edition_file,  # no items at all yet
        }
    )
    code, out, err = run("build", "--site", str(root), "--now", NOW)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("built 1 item in 1 edition, ")
    assert not (root / "_site/editions/2025-07-23").exists()
    assert not (root / "_site/editions/2025-07-30").exists()
    assert [path for path, text in site_files(root).items() if "written ahead" in text] == []
    assert run("check", "--site", str(root), "--now", NOW) == (
        0,
        "check passed: 0 errors, 0 warnings in 2 items\n",
        "",
    )
    # Once its item is due, the edition is published with the editor's introduction.
    code, _, _ = run("build", "--site", str(root), "--now", "2025-07-23T09:00:00+03:00")
    assert code == 0
    page = (root / "_site/editions/2025-07-23/index.html").read_text(encoding="utf-8")
    assert "written ahead" in page and "Tomorrow" in page
    assert not (root / "_site/editions/2025-07-30").exists()


def test_check_reports_scheduling_like_build(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.md": item("Today", "2025-07-22T09:00:00+03:00"),
            "content/b.md": item("Tomorrow", "2025-07-23T09:00:00+03:00", body="[x](/nowhere/)"),
        }
    )
    # The scheduled item is not published, so its links are not checked yet.
    assert run("check", "--site", str(root), "--now", NOW)[0] == 0
    code, _, err = run("check", "--site", str(root), "--now", NOW, "--future")
    assert code == 1
    assert err.splitlines()[0].startswith(
        f"{root}/content/b.md:7:5: broken link: /briefing/nowhere/"
    )
