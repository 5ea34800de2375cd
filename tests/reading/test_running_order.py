"""An edition as the editor orders it: `weight:` (lower first), the edition file's
`order:`, one `lead: true` story shown first and larger on the page and in the email;
and the corrections and withdrawals made since the edition before, at its foot."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run

NOW = "2025-07-30T12:00:00+03:00"
SECTIONS = SITE_YAML + "sections: [World, Economy]\n"


def at(hour: int, day: int = 22) -> str:
    return f"2025-07-{day:02d}T{hour:02d}:00:00+03:00"


def titles(html: str) -> list[str]:
    """The headlines of an edition page, in the order shown."""
    found = []
    for part in html.split('<article class="story')[1:]:
        found.append(part.split("<h3><a href=", 1)[1].split(">", 1)[1].split("</a>", 1)[0])
    return found


def build(root: Path) -> str:
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 0, err
    return err


def test_weight_puts_items_first_lower_first_then_the_rest_newest_first(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "site.yaml": SECTIONS,
            "content/a.md": item("Newest", at(12), section="World"),
            "content/b.md": item("Weighted two", at(8), section="World", weight="2"),
            "content/c.md": item("Weighted one", at(7), section="World", weight="1"),
            "content/d.md": item("Older", at(9), section="World"),
        }
    )
    build(root)
    page = (root / "_site/editions/2025-07-22/index.html").read_text()
    assert titles(page) == ["Weighted one", "Weighted two", "Newest", "Older"]


def test_the_edition_files_order_comes_first_and_a_wrong_slug_is_an_error(
    make_site: MakeSite,
) -> None:
    files = {
        "content/alpha.md": item("Alpha", at(12)),
        "content/bravo.md": item("Bravo", at(8), weight="1"),
        "content/charlie.md": item("Charlie", at(7)),
        "content/editions/2025-07-22.md": "---\norder: [charlie, alpha]\n---\n",
    }
    root = make_site(files)
    build(root)
    page = (root / "_site/editions/2025-07-22/index.html").read_text()
    assert titles(page) == ["Charlie", "Alpha", "Bravo"]
    (root / "content/editions/2025-07-22.md").write_text("---\norder: [charly, zulu]\n---\n")
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 1
    edition = str(Path("content/editions/2025-07-22.md"))
    assert (
        f"{edition}:2:8: 'order' names 'charly', which is no item of this edition; did you "
        "mean 'charlie'?" in err
    ), err
    assert (
        "'order' names 'zulu', which is no item of this edition; write the slugs of this "
        "edition's items: alpha, bravo, charlie" in err
    ), err


def test_the_lead_story_comes_first_and_larger_on_the_page_and_in_the_email(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "site.yaml": SECTIONS,
            "content/a.md": item("Newest", at(12), section="World"),
            "content/b.md": item("The big one", at(8), section="Economy", lead="true"),
        }
    )
    build(root)
    page = (root / "_site/editions/2025-07-22/index.html").read_text()
    assert titles(page) == ["The big one", "Newest"]
    assert '<section class="section lead" id="section-lead-story"' in page
    assert '<article class="story lead-story" id="b">' in page
    email = (root / "_site/email/2025-07-22/index.html").read_text()
    assert email.index("The big one") < email.index("Newest")
    assert 'class="story lead-story"' in email
    text = (root / "_site/email/2025-07-22/email.txt").read_text()
    assert text.index("LEAD STORY\n==========\n\nThe big one") < text.index("Newest")


def test_two_leads_in_one_edition_are_an_error_naming_both(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.md": item("One", at(12), lead="true"),
            "content/b.md": item("Two", at(8), lead="true"),
        }
    )
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 1
    assert "an edition has one lead story, and 'One'" in err
    assert "leads 2025-07-22 already; delete `lead: true` from one of the two" in err
    # At the second one's `lead: true` (front matter: title, date, tags, source, lead).
    assert f"{root / 'content/b.md'}:6:7: an edition has one lead story" in err


def test_corrections_since_the_last_edition_are_at_the_foot_of_the_next(
    make_site: MakeSite,
) -> None:
    correction = '[{date: "2025-07-22T10:00:00+03:00", text: "The port is in Odesa."}]'
    root = make_site(
        {
            "content/old.md": item("Grain ships sail", at(9, 20), corrections=correction),
            "content/gone.md": item(
                "A wrong report",
                at(9, 21),
                withdrawn='{date: "2025-07-22T11:00:00+03:00", reason: "It was false."}',
            ),
            "content/a.md": item("Day one", at(10, 21)),
            "content/b.md": item("Day two", at(12, 22)),
            "content/c.md": item("Day three", at(12, 23)),
        }
    )
    build(root)
    out = root / "_site"
    page = (out / "editions/2025-07-22/index.html").read_text()
    foot = page.split('<section class="notices"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/briefing/2025/07/20/old/">Grain ships sail</a>. The port is in Odesa.' in foot
    assert '<strong>Withdrawn</strong>: <a href="/briefing/2025/07/21/gone/">' in foot
    # Each notice once: not in the editions before or after.
    for day in ("21", "23"):
        assert 'class="notices"' not in (out / f"editions/2025-07-{day}/index.html").read_text()
    text = (out / "email/2025-07-22/email.txt").read_text()
    assert "CORRECTIONS SINCE THE LAST EDITION" in text
    assert "22 July 2025: Grain ships sail [" in text
    email = (out / "email/2025-07-22/index.html").read_text()
    assert "Corrections since the last edition" in email and "The port is in Odesa." in email


@pytest.mark.parametrize("value", ["0", "-1", "first"])
def test_a_weight_that_is_no_whole_number_of_one_or_more_is_an_error(
    make_site: MakeSite, value: str
) -> None:
    root = make_site({"content/a.md": item("A", at(9), weight=value)})
    code, _, err = run("build", "--site", str(root), "--now", NOW)
    assert code == 1
    assert "content/a.md:6:9: 'weight' must be a whole number of 1 or more" in err, err
