"""WebSub (`websub:` in site.yaml): every feed names the hub, in each format's own way,
and `briefing feeds` lists what a built site publishes for the deploy to tell it."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, run

HUB = "https://pubsubhubbub.appspot.com/"
NOW = "2025-07-23T12:00:00+03:00"


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    root = make_site(
        {
            "site.yaml": SITE_YAML + f"websub: {HUB}\n",
            "content/a.md": item("Talks resume", story="Talks"),
            "content/b.md": item("Rates held", "2025-07-21T08:00:00+03:00", tags="[economy]"),
        }
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err
    return root


def test_every_feed_names_the_hub(site: Path) -> None:
    out = site / "_site"
    for path in [*out.rglob("feed.xml"), *out.rglob("atom.xml")]:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, path
        hubs = [link.href for link in feed.feed.links if link.rel == "hub"]
        assert hubs == [HUB], path
        # The self link stays: WebSub subscribers need both.
        assert any(link.rel == "self" for link in feed.feed.links), path
    for path in out.rglob("feed.json"):
        assert json.loads(path.read_text())["hubs"] == [{"type": "WebSub", "url": HUB}], path


def test_without_a_hub_no_feed_names_one(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item("Talks resume")})
    assert run("build", "--site", str(root), "--now", NOW)[0] == 0
    assert b'rel="hub"' not in (root / "_site/feed.xml").read_bytes()
    assert "hubs" not in json.loads((root / "_site/feed.json").read_text())
    assert run("feeds", "--site", str(root), "--hub")[1] == ""


def test_briefing_feeds_lists_every_published_feed_with_its_file(site: Path) -> None:
    code, out, _ = run("feeds", "--site", str(site))
    assert code == 0
    lines = dict(line.split(" ") for line in out.splitlines())
    base = "https://briefing-dev.github.io/briefing/"
    published = sorted(
        p.relative_to(site / "_site").as_posix()
        for name in ("feed.xml", "atom.xml", "feed.json")
        for p in (site / "_site").rglob(name)
    )
    assert sorted(lines.values()) == published
    assert lines[base + "stories/talks/feed.json"] == "stories/talks/feed.json"
    assert run("feeds", "--site", str(site), "--hub")[1] == HUB + "\n"


def test_briefing_feeds_before_a_build_says_to_build(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item("Talks resume")})
    code, _, err = run("feeds", "--site", str(root))
    assert code == 1
    assert "holds no site that briefing built; run `briefing build` first" in err


def test_a_hub_that_is_not_https_is_an_error_at_its_line(make_site: MakeSite) -> None:
    root = make_site(
        {"site.yaml": SITE_YAML + "websub: http://hub.example.org/\n", "content/a.md": item("A")}
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 1
    assert "site.yaml:8:9: 'websub' must be an https URL" in err, err
