"""`corrections:`: each correction is shown, dated, at the end of its item, listed newest
first on /corrections/, and moves the item's updated date so that feed readers notice."""

from __future__ import annotations

from calendar import timegm
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, item, run
from test_content import PATH, errors_of, parse_text

NOW = "2025-07-25T12:00:00+03:00"
CORRECTIONS = (
    "\n  - {date: 2025-07-24 10:00, text: 'An earlier version gave the wrong venue.'}"
    "\n  - {date: 2025-07-23 08:00, text: 'The minister is Umerov, not Umarov.'}"
)


def test_corrections_are_read_oldest_first() -> None:
    corrections = parse_text(item(corrections=CORRECTIONS)).meta.corrections
    assert [(c.date.isoformat(), c.text) for c in corrections] == [
        ("2025-07-23T08:00:00+03:00", "The minister is Umerov, not Umarov."),
        ("2025-07-24T10:00:00+03:00", "An earlier version gave the wrong venue."),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[{date: 2025-07-23}]",
            "6:14: 'corrections' entries must each have a date and a text; write `- {date: "
            '2025-07-23, text: "An earlier version said ..."}`',
        ),
        (
            "[{date: 2025-07-21, text: Typo}]",
            "6:14: a correction dated 2025-07-21T00:00:00+03:00 is before 'date' "
            "(2025-07-22T09:15:00+03:00); a correction comes after publication; check its date",
        ),
    ],
)
def test_a_correction_without_a_text_or_before_publication_is_an_error(
    value: str, message: str
) -> None:
    assert errors_of(item(corrections=value)) == [f"{PATH}:{message}"]


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/2025-07-22-talks.md": item("Talks resume", corrections=CORRECTIONS),
            "content/2025-07-23-later.md": item(
                "Later news",
                "2025-07-23T08:00:00+03:00",
                source="https://apnews.com/a/later",
                corrections="[{date: 2025-07-23 20:00, text: A caption named the wrong city.}]",
            ),
        }
    )
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    return root


def page(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_each_correction_is_shown_dated_at_the_end_of_its_item(site: Path) -> None:
    html = page(site, "2025/07/22/talks/index.html")
    section = html[html.index('<section class="corrections"') : html.index("</section>")]
    assert '<h2 id="corrections-heading">Corrections</h2>' in section
    assert (
        '<p><time datetime="2025-07-23T08:00:00+03:00">23 July 2025</time>: '
        "The minister is Umerov, not Umarov.</p>"
    ) in section
    assert section.index("Umerov") < section.index("wrong venue")
    assert html.index('class="body"') < html.index('class="corrections"')
    # The latest correction is the item's update.
    assert 'Updated <time datetime="2025-07-24T10:00:00+03:00">' in html


def test_each_correction_is_shown_with_its_item_in_the_edition(site: Path) -> None:
    html = page(site, "editions/2025-07-22/index.html")
    story = html[html.index('<article class="story" id="talks">') :]
    story = story[: story.index("</article>")]
    assert (
        '<p><strong>Correction</strong>, <time datetime="2025-07-23T08:00:00+03:00">23 July '
        "2025</time>: The minister is Umerov, not Umarov.</p>"
    ) in story
    assert story.index('class="body"') < story.index('class="corrections"')


def test_the_corrections_page_lists_every_correction_newest_first(site: Path) -> None:
    html = page(site, "corrections/index.html")
    assert [html.index(text) for text in ("wrong venue", "wrong city", "Umerov")] == sorted(
        html.index(text) for text in ("wrong venue", "wrong city", "Umerov")
    )
    assert '<a href="/briefing/2025/07/22/talks/">Talks resume</a>' in html
    assert 'href="/briefing/corrections/"' in page(site, "index.html")  # linked from every page


def test_a_site_without_corrections_says_so(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/a.md": item()})
    monkeypatch.chdir(root)
    assert run("build", "--now", NOW)[0] == 0
    assert "<p>No corrections yet.</p>" in page(root, "corrections/index.html")


def test_a_correction_moves_the_items_updated_date_in_feeds(site: Path) -> None:
    atom = feedparser.parse((site / "_site/atom.xml").read_bytes())
    talks = next(e for e in atom.entries if e.title == "Talks resume")
    latest = int(datetime.fromisoformat("2025-07-24T10:00:00+03:00").timestamp())
    assert timegm(talks.updated_parsed) == latest
    assert timegm(atom.feed.updated_parsed) == latest


def test_a_corrected_item_stays_in_its_edition(site: Path) -> None:
    """Corrected on the 24th, the item is still the 22nd's: no edition of the 24th."""
    editions = sorted(p.name for p in (site / "_site/editions").iterdir() if p.is_dir())
    assert editions == ["2025-07-22", "2025-07-23"]
    assert "Talks resume" in page(site, "editions/2025-07-22/index.html")
    later = page(site, "editions/2025-07-23/index.html")
    assert '<h3><a href="/briefing/2025/07/22/talks/">Talks resume</a></h3>' not in later
    # Its first correction, made before the 23rd's edition was out, is at that edition's foot.
    foot = later.split('<section class="notices"', 1)[1]
    assert "Talks resume</a>. The minister is Umerov, not Umarov." in foot
