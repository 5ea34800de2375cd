"""Briefing blocks through whole builds: pages, feeds, the email's text, the cache."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item

from generator.engine.build import build
from generator.engine.options import BuildOptions
from generator.errors import BuildFailed

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=UTC)
BODY = (
    "Talks resumed in Istanbul.\n\n"
    "::: why\nThe corridor carried 33 million tonnes of grain last year.\n:::\n\n"
    "More on the talks."
)
WHY = (
    '<aside class="block block-why" role="note"><p class="block-label">Why it matters</p>\n'
    "<p>The corridor carried 33 million tonnes of grain last year.</p>\n</aside>"
)


def run_build(root: Path, out: str = "_site", *, use_cache: bool = True) -> int:
    """Build; how many items came from the cache."""
    options = BuildOptions(site_dir=root, output=root / out, now=NOW, use_cache=use_cache)
    return build(options).cached


def read(root: Path, rel: str, out: str = "_site") -> str:
    return (root / out / rel).read_text(encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_block_reaches_the_item_page_the_edition_and_the_feeds(make_site: MakeSite) -> None:
    root = make_site({"content/2025-07-22-grain.md": item("Grain deal", body=BODY)})
    run_build(root)
    assert WHY in read(root, "2025/07/22/grain/index.html")
    assert WHY in read(root, "editions/2025-07-22/index.html")
    # Feeds carry the item's HTML as it is: the label is a paragraph of it.
    entry = feedparser.parse(read(root, "feed.xml")).entries[0]
    assert '<p class="block-label">Why it matters</p>' in entry.content[0].value


def test_the_email_text_gives_the_label_above_the_block(make_site: MakeSite) -> None:
    root = make_site({"content/2025-07-22-grain.md": item("Grain deal", body=BODY)})
    run_build(root)
    text = read(root, "email/2025-07-22/email.txt")
    assert (
        "Talks resumed in Istanbul.\n\nWhy it matters:\n"
        "The corridor carried 33 million tonnes of grain last year.\n\nMore on the talks."
    ) in text


def test_a_mistyped_block_fails_the_build_at_its_line_in_the_file(make_site: MakeSite) -> None:
    body = "Talks resumed.\n\n::: wyh\nThe stakes.\n:::"
    root = make_site({"content/2025-07-22-grain.md": item("Grain deal", body=body)})
    with pytest.raises(BuildFailed) as failed:
        run_build(root)
    text = (root / "content/2025-07-22-grain.md").read_text(encoding="utf-8")
    line = text.split("\n").index("::: wyh") + 1
    assert [str(e) for e in failed.value.errors] == [
        f"{root / 'content/2025-07-22-grain.md'}:{line}:1: unknown block type 'wyh'; "
        "did you mean 'why'?"
    ]
    assert not (root / "_site").exists()


def test_a_label_changed_in_site_yaml_renders_every_body_again(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/2025-07-22-grain.md": item("Grain deal", body=BODY),
            "content/2025-07-21-rates.md": item("Rates held", "2025-07-21T10:00:00+03:00"),
        }
    )
    run_build(root)
    assert run_build(root) == 2
    (root / "site.yaml").write_text(SITE_YAML + 'blocks:\n  why: "Why this matters"\n')
    assert run_build(root) == 0
    page = read(root, "2025/07/22/grain/index.html")
    assert '<p class="block-label">Why this matters</p>' in page and "Why it matters" not in page
    run_build(root, "clean", use_cache=False)
    assert tree(root / "_site") == tree(root / "clean")


def test_a_block_type_site_yaml_drops_fails_the_next_build(make_site: MakeSite) -> None:
    root = make_site({"content/2025-07-22-grain.md": item("Grain deal", body=BODY)})
    run_build(root)
    (root / "site.yaml").write_text(SITE_YAML + "blocks: {}\n")
    with pytest.raises(BuildFailed) as failed:
        run_build(root)
    assert [e.message for e in failed.value.errors] == ["unknown block type 'why'"]
