"""The editions feed as newsletter services send it (RSS-to-email): each entry carries
its edition's email, styles inlined, links absolute, pictures sized, without the
email's footer; ids that never change, so a corrected edition is not sent twice."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from conftest import SITE_YAML, MakeSite, item, png, run

from generator.newsletter.emails import FEED_CSS

NOW = "2025-07-23T12:00:00+03:00"
EMAIL = "email:\n  unsubscribe: buttondown\n"


def files(config: str = SITE_YAML + EMAIL) -> dict[str, str | bytes]:
    return {
        "site.yaml": config,
        "content/2025-07-22-talks/index.md": item(
            "Talks resume",
            body="Delegations met in [Istanbul](../../../../tags/ukraine/).\n\n![A map](map.png)",
        ),
        "content/2025-07-22-talks/map.png": png(640, 320),
        "content/b.md": item("Rates held", "2025-07-21T08:00:00+03:00", tags="[economy]"),
    }


def build(root: Path) -> None:
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err


def entries(root: Path, name: str) -> dict[str, feedparser.FeedParserDict]:
    feed = feedparser.parse((root / "_site/editions" / name).read_bytes())
    assert feed.bozo == 0
    return {entry.link: entry for entry in feed.entries}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    root = make_site(files())
    build(root)
    return root


def test_an_entry_carries_its_editions_email_ready_to_send(site: Path) -> None:
    url = "https://briefing-dev.github.io/briefing/editions/2025-07-22/"
    for name in ("feed.xml", "atom.xml"):
        html = entries(site, name)[url].content[0].value
        # The email's column: its styles inlined, its links absolute, its picture sized.
        assert html.startswith('<div class="column" style="')
        assert 'href="https://briefing-dev.github.io/briefing/tags/ukraine/"' in html
        assert 'src="https://briefing-dev.github.io/briefing/2025/07/22/talks/map.png"' in html
        assert "Talks resume" in html
        # Not the email's footer: the service adds its own, with its unsubscribe link.
        assert "{{ unsubscribe_url }}" not in html and 'class="footer"' not in html
    data = json.loads((site / "_site/editions/feed.json").read_text())
    (entry,) = [e for e in data["items"] if e["url"] == url]
    assert entry["content_html"].startswith('<div class="column"')
    # Its picture sized, fitted to the email's column (feedparser drops sizes, so the
    # files are read as a service reads them).
    assert 'width="560" height="280"' in entry["content_html"]
    assert b'width="560" height="280"' in (site / "_site/editions/feed.xml").read_bytes()


def test_the_styles_are_those_feed_readers_keep(site: Path) -> None:
    import re

    html = (
        entries(site, "atom.xml")["https://briefing-dev.github.io/briefing/editions/2025-07-22/"]
        .content[0]
        .value
    )
    properties = {
        prop.strip()
        for style in re.findall(r'style="([^"]*)"', html)
        for prop in re.findall(r"([-\w]+)\s*:", style)
    }
    assert properties and properties <= FEED_CSS
    assert "max-width" not in properties and "-webkit-text-size-adjust" not in properties


def test_a_corrected_edition_keeps_its_entry_id(site: Path) -> None:
    before = {link: entry.id for link, entry in entries(site, "feed.xml").items()}
    text = (site / "content/b.md").read_text()
    (site / "content/b.md").write_text(
        text.replace(
            "tags:", 'corrections: [{date: "2025-07-22T09:00:00+03:00", text: "Fixed."}]\ntags:'
        )
    )
    build(site)
    after = entries(site, "feed.xml")
    assert {link: entry.id for link, entry in after.items()} == before
    # The correction is carried forward in the next edition's email, and so in its entry.
    html = after["https://briefing-dev.github.io/briefing/editions/2025-07-22/"].content[0].value
    assert "Fixed." in html


def test_without_emails_the_entry_is_the_sites_own_html(make_site: MakeSite) -> None:
    root = make_site(files(SITE_YAML + "email: false\n"))
    build(root)
    html = (
        entries(root, "feed.xml")["https://briefing-dev.github.io/briefing/editions/2025-07-22/"]
        .content[0]
        .value
    )
    assert "style=" not in html and '<h3><a href="https://briefing-dev.github.io/' in html


def test_the_email_shows_a_large_picture_by_its_smaller_copy(make_site: MakeSite) -> None:
    # A 2,400-pixel photo is megabytes a reader's phone would fetch whole: the email
    # (and so the editions feed) links the copy the build makes at picture_width.
    root = make_site(
        {
            "site.yaml": SITE_YAML + EMAIL,
            "content/2025-07-22-talks/index.md": item(
                "Talks resume",
                image="{src: photo.png, alt: The talks}",
                body="Text.\n\n![A map](map.png)",
            ),
            "content/2025-07-22-talks/photo.png": png(2400, 1200),
            "content/2025-07-22-talks/map.png": png(2400, 800),
        }
    )
    build(root)
    base = "https://briefing-dev.github.io/briefing/2025/07/22/talks/"
    email = (root / "_site/email/2025-07-22/index.html").read_text()
    for name in ("photo", "map"):
        assert f'src="{base}{name}-1200w.png"' in email, name
        assert f'src="{base}{name}.png"' not in email, name
        assert (root / f"_site/2025/07/22/talks/{name}-1200w.png").is_file()
    # The page itself keeps the original, with the copy in srcset.
    page = (root / "_site/2025/07/22/talks/index.html").read_text()
    assert 'src="/briefing/2025/07/22/talks/photo.png"' in page and "photo-1200w.png 1200w" in page


def test_the_three_newest_entries_carry_their_email_and_older_ones_the_sites_html(
    make_site: MakeSite,
) -> None:
    # A service sends the entries it has not seen, the newest; each email made again on
    # every change of the feed would cost ~40 ms an edition.
    days = (18, 19, 20, 21)
    root = make_site(
        {
            "site.yaml": SITE_YAML.replace("feed_items: 3", "feed_items: 5") + EMAIL,
            **{f"content/{d}.md": item(f"Day {d}", f"2025-07-{d}T08:00:00+03:00") for d in days},
        }
    )
    build(root)
    base = "https://briefing-dev.github.io/briefing/editions/2025-07-"
    found = entries(root, "feed.xml")
    for day in (19, 20, 21):
        assert found[f"{base}{day}/"].content[0].value.startswith('<div class="column"'), day
    oldest = found[f"{base}18/"].content[0].value
    assert "style=" not in oldest and "Day 18" in oldest
