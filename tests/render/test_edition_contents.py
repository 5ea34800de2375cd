"""An edition's contents box numbers its items on from section to section, as the
stories follow each other on the page, and the email's contents list gives each item
the same number."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from conftest import SITE_YAML, MakeSite, item, run

SITE = SITE_YAML + "sections: [World, Economy]\nemail: {}\n"
DAY = "2025-07-22T{}:00+03:00"


class Numbered(HTMLParser):
    """The items of every <ol> under an element of class ``within``, each with the
    number a browser shows beside it (an <ol>'s ``start``, then one more per <li>)."""

    def __init__(self, within: str) -> None:
        super().__init__()
        self.within = within
        self.depth = 0  # elements open inside the one looked in; 0 outside it
        self.number = 0
        self.current: list[str] | None = None
        self.items: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link", "hr")
        elif self.within in (found.get("class") or "").split():
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "ol":
            self.number = int(found.get("start") or 1) - 1
        elif tag == "li":
            self.number += 1
            self.current = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/> and the like: neither opens nor closes anything

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        self.depth -= 1
        if tag == "li" and self.current is not None:
            self.items.append((self.number, "".join(self.current).strip()))
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def numbered(html: str, within: str) -> list[tuple[int, str]]:
    parser = Numbered(within)
    parser.feed(html)
    return parser.items


class Headlines(HTMLParser):
    """The headlines of the stories, in the order the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.in_story = False
        self.current: list[str] | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article" and "story" in classes:
            self.in_story = True
        elif tag == "h3" and self.in_story:
            self.current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3" and self.current is not None:
            self.found.append("".join(self.current).strip())
            self.current = None
            self.in_story = False

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def headlines(html: str) -> list[str]:
    parser = Headlines()
    parser.feed(html)
    return parser.found


def two_section_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "site.yaml": SITE,
            "content/talks.md": item("Talks resume", DAY.format("09:00"), section="World"),
            "content/strikes.md": item("Strikes overnight", DAY.format("09:30"), section="World"),
            "content/vote.md": item("A vote in the Rada", DAY.format("10:00"), section="World"),
            "content/rates.md": item("Rates held", DAY.format("11:00"), section="Economy"),
            "content/gas.md": item("Gas storage full", DAY.format("12:00"), section="Economy"),
        }
    )


def test_contents_number_on_across_sections_on_the_page_and_in_the_email(
    make_site: MakeSite,
) -> None:
    root = two_section_site(make_site)
    code, _, err = run("build", "-q", "--site", str(root))
    assert code == 0, err
    page = (root / "_site/editions/2025-07-22/index.html").read_text(encoding="utf-8")
    stories = headlines(page)
    assert len(stories) == 5
    # The box shows World's three, then Economy's two as 4 and 5: the n-th entry is the
    # n-th story down the page.
    expected = list(enumerate(stories, start=1))
    assert numbered(page, "toc-full") == expected
    # Folded on a phone, the same numbers.
    assert numbered(page, "toc-fold") == expected
    # The front page shows the same edition, numbered the same.
    front = (root / "_site/index.html").read_text(encoding="utf-8")
    assert numbered(front, "toc-full") == expected
    # The email's contents: one numbered list, the same numbers for the same items.
    mail = (root / "_site/email/2025-07-22/index.html").read_text(encoding="utf-8")
    assert numbered(mail, "contents") == expected


def test_one_section_numbers_from_one(make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE,
            "content/rates.md": item("Rates held", DAY.format("11:00"), section="Economy"),
            "content/gas.md": item("Gas storage full", DAY.format("12:00"), section="Economy"),
        }
    )
    assert run("build", "-q", "--site", str(root))[0] == 0
    page = (root / "_site/editions/2025-07-22/index.html").read_text(encoding="utf-8")
    assert [n for n, _ in numbered(page, "toc-full")] == [1, 2]
    assert " start=" not in page.split('class="toc"')[1].split("</nav>")[0]
