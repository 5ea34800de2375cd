"""Earlier coverage (`related:`): an item that follows no story suggests earlier items
sharing its rarer tags or its publisher, newest first among equals; never later ones,
so that a new item leaves the pages of older ones as they were."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import SITE_YAML, MakeSite, item, run

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.engine.state import Session

NOW = "2025-07-30T12:00:00+03:00"


def day(n: int, hour: int = 9) -> str:
    return f"2025-07-{n:02d}T{hour:02d}:00:00+03:00"


def suggested(root: Path, path: str) -> list[str]:
    page = (root / "_site" / path / "index.html").read_text()
    if 'aria-label="Earlier coverage"' not in page:
        return []
    box = page.split('aria-label="Earlier coverage"', 1)[1].split("</aside>", 1)[0]
    return [part.split(">", 1)[1].split("</a>", 1)[0] for part in box.split("<a href=")[1:]]


def files() -> dict[str, str]:
    reuters = "https://www.reuters.com/world/"
    return {
        # "grain" is rare, "markets" common.
        "content/a.md": item("Grain talks begin", day(10), tags="[grain, markets]"),
        "content/b.md": item("Stocks rise", day(11), tags="[markets]"),
        "content/c.md": item("Stocks fall", day(12), tags="[markets]"),
        "content/d.md": item("Bonds slip", day(13), tags="[markets]"),
        "content/e.md": item("Other news", day(14), tags="[health]", source="https://apnews.com/x"),
        "content/f.md": item("Grain deal signed", day(20), tags="[grain, markets]"),
        "content/s.md": item("In a story", day(21), tags="[grain, markets]", story="Grain"),
        "content/r.md": item("A Reuters piece", day(22), tags="[health]", source=reuters + "piece"),
    }


def test_an_item_suggests_earlier_items_sharing_its_rarest_tags_first(make_site: MakeSite) -> None:
    root = make_site(files())
    assert run("build", "--site", str(root), "--now", NOW)[0] == 0
    # The rare tag outweighs the common one; then newest first.
    assert suggested(root, "2025/07/20/f") == ["Grain talks begin", "Bonds slip", "Stocks fall"]
    # Only earlier items: the first item suggests nothing.
    assert suggested(root, "2025/07/10/a") == []
    # An item of a story shows its story instead.
    assert suggested(root, "2025/07/21/s") == []
    # The publisher counts too: the Reuters items before it, the rarest tag aside.
    assert suggested(root, "2025/07/22/r")[0] == "Other news"


def test_related_false_or_a_count_in_site_yaml(make_site: MakeSite) -> None:
    root = make_site({**files(), "site.yaml": SITE_YAML + "related: {count: 1}\n"})
    assert run("build", "--site", str(root), "--now", NOW)[0] == 0
    assert suggested(root, "2025/07/20/f") == ["Grain talks begin"]
    (root / "site.yaml").write_text(SITE_YAML + "related: false\n")
    assert run("build", "--site", str(root), "--now", NOW)[0] == 0
    assert suggested(root, "2025/07/20/f") == []


def test_a_bad_related_setting_is_an_error_at_its_line(make_site: MakeSite) -> None:
    root = make_site({**files(), "site.yaml": SITE_YAML + "related: {count: 3, size: 2}\n"})
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 1
    assert "'related' has 'size', which is not a setting of related items" in err, err


def test_a_new_item_leaves_the_pages_of_older_items_as_they_were(make_site: MakeSite) -> None:
    root = make_site(files())
    options = BuildOptions(site_dir=root, now=datetime.fromisoformat(NOW))
    build(options)
    (root / "content/g.md").write_text(item("Grain exports resume", day(25), tags="[grain]"))
    report = build(options)
    older = {"2025/07/20/f/index.html", "2025/07/10/a/index.html", "2025/07/13/d/index.html"}
    assert not older & set(report.changed)
    # Items of a story are suggested like any other.
    assert suggested(root, "2025/07/25/g")[:2] == ["In a story", "Grain deal signed"]


def test_a_session_kept_in_memory_suggests_anew_when_a_tag_or_a_title_changes(
    make_site: MakeSite,
) -> None:
    """serve takes the last build's suggestions again while every item's names, dates
    and stories are as they were: a tag edit must change them, a title edit must show."""
    root = make_site(files())
    options = BuildOptions(site_dir=root, output=root / "_site", now=datetime.fromisoformat(NOW))
    session = Session.in_memory()
    build(options, session)
    assert "Stocks rise" not in suggested(root, "2025/07/20/f")
    (root / "content/b.md").write_text(item("Stocks rise", day(11), tags="[grain]"))
    build(options, session)
    assert suggested(root, "2025/07/20/f")[:2] == ["Grain talks begin", "Stocks rise"]
    (root / "content/b.md").write_text(item("Stocks soar", day(11), tags="[grain]"))
    build(options, session)
    assert suggested(root, "2025/07/20/f")[:2] == ["Grain talks begin", "Stocks soar"]
    (root / "site.yaml").write_text(SITE_YAML + "related: {count: 1}\n")
    build(options, session)
    assert suggested(root, "2025/07/20/f") == ["Grain talks begin"]
