"""Each edition as an email (email/<date>/): the message a mail client or a newsletter
service gets, its HTML in headless Chromium, and ``briefing email``.

The site is built with its URL at a local server, so that every absolute link of the
email can be fetched and every picture it shows comes from the site itself.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from conftest import ARTIFACTS, AXE, RUN_AXE, MakeSite, item, png, run, serve_pages

BASE = "/briefing/"
UNSUBSCRIBE = "https://newsletter.example.org/leave"


def site_files(url: str, email_settings: str) -> dict[str, str | bytes]:
    return {
        "site.yaml": f"title: Test Briefing\nurl: {url}\ndescription: A test briefing.\n"
        "timezone: Europe/Kyiv\nsections: [World, Economy]\nsearch: false\n"
        "authors: {sam: Sam Whitfield}\n" + email_settings,
        "content/editions/2025-07-22.md": "---\ntitle: Talks, and rates\n---\n"
        "Two stories, one [from the archive](../../archive/).\n",
        "content/2025-07-21-older.md": item("An older story", "2025-07-21T08:00:00+03:00"),
        "content/2025-07-22-talks.md": item(
            "Talks in Istanbul",
            "2025-07-22T09:15:00+03:00",
            section="World",
            author="sam",
            body="Delegations met [again](../../21/older/) today.[^1]\n\n"
            "- first point\n- second point\n\n"
            "> A quoted line.\n\n[^1]: A footnote with [a link](https://apnews.com/note).",
        ),
        "content/2025-07-22-ecb/index.md": item(
            "ECB holds <rates> at 2%",
            "2025-07-22T15:50:00+03:00",
            section="Economy",
            tags="[economy]",
            source="https://www.reuters.com/ecb",
            image="{src: chart.png, alt: A bar chart of the deposit rate, credit: The desk}",
            body="Kyiv — Київ: the bank held rates.\n\n![The same chart](chart.png)",
            corrections='[{date: "2025-07-23T10:00:00+03:00", text: "An earlier version '
            'misnamed the rate."}]',
        ),
        "content/2025-07-22-ecb/chart.png": png(1200, 630),
    }


@dataclass
class Built:
    root: Path  # the site folder
    output: Path  # the built site, served at ``url``
    url: str

    def folder(self, day: str = "2025-07-22") -> Path:
        return self.output / "email" / day

    def message(self, day: str = "2025-07-22") -> EmailMessage:
        data = (self.folder(day) / "edition.eml").read_bytes()
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    top = tmp_path_factory.mktemp("served")
    root = tmp_path_factory.mktemp("site")
    with serve_pages(top, BASE) as url:
        settings = (
            "email:\n  from: Test Desk <desk@example.org>\n"
            f"  unsubscribe: {UNSUBSCRIBE}\n"
            '  list_unsubscribe: "<mailto:leave@example.org>, <https://example.org/leave>"\n'
        )
        for rel, data in site_files(url, settings).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        output = top / BASE.strip("/")
        code, out, err = run("build", "--site", str(root), "--output", str(output))
        assert code == 0, err
        yield Built(root, output, url)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


def parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def status_of(url: str) -> int:
    try:
        with urlopen(url, timeout=30) as response:
            return int(response.status)
    except HTTPError as exc:
        return exc.code


# The message ----------------------------------------------------------------


def test_every_edition_has_its_email(built: Built) -> None:
    days = sorted(p.name for p in (built.output / "editions").iterdir() if p.is_dir())
    assert days == ["2025-07-21", "2025-07-22"]
    for day in days:
        names = sorted(p.name for p in built.folder(day).iterdir())
        assert names == ["edition.eml", "email.txt", "index.html"]


def test_the_message_has_both_parts_in_utf8_with_its_headers(built: Built) -> None:
    message = built.message()
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    # On the wire every line ends in CRLF; the parts are the files, line for line.
    text, html = (p.get_content().replace("\r\n", "\n") for p in parts)  # type: ignore[attr-defined]
    assert text == (built.folder() / "email.txt").read_text(encoding="utf-8")
    assert html == (built.folder() / "index.html").read_text(encoding="utf-8")
    assert "Kyiv — Київ" in text and "Kyiv — Київ" in html
    assert message["Subject"] == "Test Briefing No. 2: Talks, and rates"
    assert message["From"] == "Test Desk <desk@example.org>"
    assert message["List-Unsubscribe"] == "<mailto:leave@example.org>, <https://example.org/leave>"
    assert message["Content-Language"] == "en"
    # Dated by its newest item, as the editions feed dates it.
    assert message["Date"].datetime.isoformat() == "2025-07-22T15:50:00+03:00"
    assert re.fullmatch(r"<edition\.[0-9a-f]{16}@127\.0\.0\.1>", message["Message-ID"])
    assert message["Message-ID"] != built.message("2025-07-21")["Message-ID"]


def test_every_line_of_the_message_is_short_and_ends_in_crlf(built: Built) -> None:
    data = (built.folder() / "edition.eml").read_bytes()
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # no bare LF
    assert max(len(line) for line in lines) <= 78


# The HTML part ------------------------------------------------------------------


def test_every_link_is_absolute_and_reaches_a_page_of_the_site(built: Built) -> None:
    html = (built.folder() / "index.html").read_text(encoding="utf-8")
    links = parsed(html).links
    assert len(links) > 10
    broken = []
    for tag, url in links:
        if url == UNSUBSCRIBE:
            continue  # the newsletter service's own page
        assert url.startswith(("https://", "http://")), (tag, url)
        if url.startswith(built.url):
            if status_of(url.split("#")[0]) != 200:
                broken.append(url)
        else:
            assert tag == "a", f"only the site's own pictures are loaded: {url}"
    assert broken == []
    urls = {url for _, url in links}
    assert built.url + "editions/2025-07-22/" in urls  # "view in browser"
    assert built.url + "2025/07/21/older/" in urls  # a relative link, made absolute
    assert built.url + "archive/" in urls  # from the edition's introduction
    # A footnote link points at the item's page: a mail client has no page around it.
    assert built.url + "2025/07/22/talks/#fn1" in urls


def test_the_footer_names_the_site_and_links_to_unsubscribe(built: Built) -> None:
    html = (built.folder() / "index.html").read_text(encoding="utf-8")
    footer = html[html.index("<footer") :]
    assert "Test Briefing: A test briefing." in footer
    assert f'href="{UNSUBSCRIBE}"' in footer


def test_pictures_have_absolute_urls_and_sizes_that_fit_the_column(built: Built) -> None:
    html = (built.folder() / "index.html").read_text(encoding="utf-8")
    images = [attrs for tag, attrs in parsed(html).tags if tag == "img"]
    assert len(images) == 2  # the lead picture and the one in the body
    for attrs in images:
        assert str(attrs["src"]).startswith(built.url + "2025/07/22/")
        assert (attrs["width"], attrs["height"]) == ("560", "294")  # 1200×630, scaled
        assert attrs["alt"]


def test_no_style_block_but_media_queries_and_no_script(built: Built) -> None:
    for day in ("2025-07-21", "2025-07-22"):
        html = (built.folder(day) / "index.html").read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert "<link" not in html.lower()
        blocks = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I)
        rules = top_level_rules("".join(blocks))
        assert rules, "dark mode and narrow screens keep their media queries"
        assert all(rule.startswith("@media") for rule in rules), rules
        assert any("prefers-color-scheme: dark" in rule for rule in rules)
        # The rest is written into the elements.
        assert re.search(r'<h1 style="[^"]*font-size', html)
        assert re.search(r'<div class="column" style="[^"]*max-width: 600px', html)


def top_level_rules(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules, depth, start = [], 0, 0
    for index, char in enumerate(css):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            rules.append(css[start : index + 1].strip())
            start = index + 1
    return rules


def test_what_the_editor_wrote_is_text_not_markup(built: Built) -> None:
    html = (built.folder() / "index.html").read_text(encoding="utf-8")
    assert "ECB holds &lt;rates&gt; at 2%" in html
    text = (built.folder() / "email.txt").read_text(encoding="utf-8")
    assert "ECB holds <rates> at 2%" in text


# The text part ------------------------------------------------------------------


def test_the_text_has_every_headline_and_every_link_of_the_edition(built: Built) -> None:
    text = (built.folder() / "email.txt").read_text(encoding="utf-8")
    edition = (built.output / "editions/2025-07-22/index.html").read_text(encoding="utf-8")
    for title in ("Talks in Istanbul", "ECB holds <rates> at 2%"):
        assert title in text
    references = dict(re.findall(r"^\[(\d+)\] (\S+)$", text, re.M))
    listed = set(references.values())
    story_links = set()
    for article in re.findall(r'<article class="story".*?</article>', edition, re.S):
        for _, url in parsed(article).links:
            if url.startswith("#"):
                continue  # within the page
            story_links.add(url if "://" in url else built.url.split(BASE)[0] + url)
    story_links = {u for u in story_links if not u.endswith(".png")}
    assert story_links <= listed, story_links - listed
    # Each reference is used in the text, where its link was.
    for number in references:
        assert text.count(f"[{number}]") >= 2
    assert "Talks in Istanbul [" in text
    assert "View this edition in your browser:\n" + built.url + "editions/2025-07-22/" in text


def test_the_text_reads_well_on_its_own(built: Built) -> None:
    text = (built.folder() / "email.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72
    assert "- first point\n- second point" in text
    assert "> A quoted line." in text
    assert "today.^1" in text  # a footnote's mark is not taken for a reference
    assert "By Sam Whitfield" in text
    assert "Correction, 23 July 2025: An earlier version misnamed the rate." in text
    assert f"Unsubscribe: {UNSUBSCRIBE}" in text
    assert "WORLD\n=====" in text and "ECONOMY\n=======" in text
    assert "<" not in text.replace("<rates>", "")  # no markup but what the editor typed
    assert "\n-- \n" in text  # the signature line mail clients recognise


# Headless Chromium -------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:

    if not AXE.is_file():
        pytest.skip(f"needs axe-core: npm install --prefix .ci axe-core (looked for {AXE})")
    return chromium


@pytest.mark.slow
@pytest.mark.parametrize("width", [600, 360])
def test_the_email_in_chromium_fits_loads_only_the_sites_pictures_and_passes_axe(
    built: Built, browser: object, width: int
) -> None:
    driver: object = browser
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    problems = []
    for scheme in ("light", "dark"):
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        driver.get(built.url + "email/2025-07-22/")  # type: ignore[attr-defined]
        loaded = driver.execute_script(  # type: ignore[attr-defined]
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert loaded, "the pictures load"
        problems += [
            f"{scheme}: fetched {url}"
            for url in loaded
            if not (url.startswith(built.url) and url.endswith(".png"))
            and not url.endswith("/favicon.ico")
        ]  # fmt: skip  (Chromium's own, not the email's)
        complete = driver.execute_script(  # type: ignore[attr-defined]
            "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert complete, "every picture arrived"
        used = driver.execute_script(  # type: ignore[attr-defined]
            "return document.documentElement.scrollWidth"
        )
        if used > width:
            problems.append(f"{scheme}: {used}px wide at {width}px")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"email-{width}-{scheme}.png"
        driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
        driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        violations = driver.execute_async_script(RUN_AXE)  # type: ignore[attr-defined]
        problems += [f"{scheme} at {width}px: {v}" for v in violations]
    assert problems == []


# The command -------------------------------------------------------------------


def test_briefing_email_names_the_latest_and_copies_what_is_asked(
    built: Built, tmp_path: Path
) -> None:
    site = str(built.root)
    output = ["--site", site]
    code, out, err = run("email", *output)
    assert code == 0, err
    assert "No. 2 (2025-07-22): Test Briefing No. 2: Talks, and rates" in out
    code, out, err = run("email", "1", *output, "--output", str(tmp_path / "one"))
    assert code == 0, err
    assert "No. 1 (2025-07-21)" in out and "No. 2" not in out
    copied = tmp_path / "one/2025-07-21"
    assert sorted(p.name for p in copied.iterdir()) == ["edition.eml", "email.txt", "index.html"]
    assert (copied / "edition.eml").read_bytes() == (
        built.root / "_site/email/2025-07-21/edition.eml"
    ).read_bytes()
    code, out, err = run("email", "--all", *output, "--output", str(tmp_path / "all"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["2025-07-21", "2025-07-22"]


def test_briefing_email_says_which_editions_there_are(built: Built) -> None:
    code, out, err = run("email", "2025-07-30", "--site", str(built.root))
    assert code == 1
    assert "no edition '2025-07-30'" in err
    assert "2 editions, from No. 1 (2025-07-21) to No. 2 (2025-07-22)" in err
    assert "Traceback" not in err


def test_briefing_email_warns_of_what_a_newsletter_needs(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    code, out, err = run("email", "--site", str(root))
    assert code == 0
    assert "site.yaml: the emails have no unsubscribe link" in err
    assert "site.yaml: edition.eml has no From" in err
    message = email.message_from_bytes(
        (root / "_site/email/2025-07-22/edition.eml").read_bytes(), policy=email.policy.default
    )
    assert message["From"] is None and message["List-Unsubscribe"] is None
    assert "Unsubscribe" not in (root / "_site/email/2025-07-22/email.txt").read_text("utf-8")


def test_unsubscribe_placeholders_of_newsletter_services(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """The service's placeholder is in what the service gets (the message, the text and
    briefing email's copy of the page); the page the site publishes links #unsubscribe,
    for a placeholder is no URL (the Nu checker says so) and leads nowhere."""
    for service, placeholder in (
        ("mailchimp", "*|UNSUB|*"),
        ("buttondown", "{{ unsubscribe_url }}"),
        ("listmonk", "{{ UnsubscribeURL }}"),
    ):
        root = make_site(
            {
                "site.yaml": "title: T\nurl: https://example.org/\n"
                f"email: {{unsubscribe: {service}}}\n",
                "content/a.md": item(),
            }
        )
        copy = tmp_path / service
        assert run("email", "-q", "--site", str(root), "--output", str(copy))[0] == 0
        published = (root / "_site/email/2025-07-22/index.html").read_text(encoding="utf-8")
        assert re.search('href="#unsubscribe"[^>]*>Unsubscribe</a>', published)
        assert placeholder not in published
        handed = (copy / "2025-07-22/index.html").read_text(encoding="utf-8")
        assert handed == published.replace('"#unsubscribe"', f'"{placeholder}"')
        text = (root / "_site/email/2025-07-22/email.txt").read_text(encoding="utf-8")
        assert f"Unsubscribe: {placeholder}" in text
        message = email.message_from_bytes(
            (root / "_site/email/2025-07-22/edition.eml").read_bytes(), policy=email.policy.default
        )
        html_part = message.get_body(("html",))
        assert html_part is not None and placeholder in html_part.get_content()


def test_email_false_makes_no_emails(make_site: MakeSite) -> None:
    root = make_site(
        {"site.yaml": "title: T\nurl: https://example.org/\nemail: false\n", "content/a.md": item()}
    )
    assert run("build", "-q", "--site", str(root))[0] == 0
    assert not (root / "_site/email").exists()
    code, _, err = run("email", "--site", str(root))
    assert code == 1 and "email: false" in err


def test_a_site_restyles_the_email_by_overriding_its_templates(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.md": item("Talks"),
            "themes/default/templates/email.html": "<!DOCTYPE html><html lang=en><head>"
            "<title>Daily {{ edition.number }}</title><style>p { color: red }</style></head>"
            "<body><p>{{ edition.title }}</p></body></html>\n",
            "themes/default/templates/email.txt": "Daily {{ edition.number }} & more\n",
        }
    )
    assert run("build", "-q", "--site", str(root))[0] == 0
    folder = root / "_site/email/2025-07-22"
    message = email.message_from_bytes(
        (folder / "edition.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == "Daily 1"
    assert '<p style="color: red;">' in (folder / "index.html").read_text(encoding="utf-8")
    # Plain text is not escaped: "&" stays "&".
    assert (folder / "email.txt").read_text(encoding="utf-8") == "Daily 1 & more\n"


def test_an_email_template_without_a_subject_is_a_clear_error(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/a.md": item("Talks"),
            "themes/default/templates/email.html": "<p>{{ edition.title }}</p>\n",
        }
    )
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert "the email has no subject: email.html gives it no <title>" in err
    assert "Traceback" not in err and not (root / "_site").exists()


def test_builds_email_the_newest_editions_and_briefing_email_any_other(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "site.yaml": "title: T\nurl: https://example.org/\nemail: {latest: 1}\n",
            **{
                f"content/{day}.md": item(f"Story {day}", f"2025-07-{day}T09:00:00+03:00")
                for day in ("20", "21", "22")
            },
        }
    )
    emails = root / "_site/email"
    assert run("build", "-q", "--site", str(root))[0] == 0
    assert sorted(p.name for p in emails.iterdir()) == ["2025-07-22"]
    code, out, err = run("email", "2025-07-20", "--site", str(root))
    assert code == 0, err
    assert "No. 1 (2025-07-20): T No. 1: Sunday, 20 July 2025" in out
    assert sorted(p.name for p in emails.iterdir()) == ["2025-07-20", "2025-07-22"]
    assert run("email", "--all", "-q", "--site", str(root))[0] == 0
    assert len(list(emails.iterdir())) == 3
    # The next build keeps the newest only: it deletes the emails it wrote, no others.
    assert run("build", "-q", "--site", str(root))[0] == 0
    assert sorted(p.name for p in emails.iterdir()) == ["2025-07-22"]


def test_briefing_email_warns_when_gmail_would_clip_the_email(make_site: MakeSite) -> None:
    # Two long reports, each within what an email carries of one item (EMAIL_ITEM_BUDGET).
    long_body = "\n\n".join("A paragraph of the long report, " * 40 for _ in range(55))
    root = make_site(
        {
            "content/a.md": item("A long report", body=long_body),
            "content/b.md": item("Another long report", body=long_body),
        }
    )
    code, out, err = run("email", "--site", str(root))
    assert code == 0, err
    size = (root / "_site/email/2025-07-22/index.html").stat().st_size
    assert size > 102 * 1024
    assert f"warning: its HTML is {size // 1024} KB; Gmail shows the first 102 KB" in out


def test_pictures_of_unknown_size_fill_the_column_or_are_named(make_site: MakeSite) -> None:
    lead = "https://images.example.org/lead.jpg"
    inline = "https://images.example.org/in-the-body.png?w=1600&q=80"
    root = make_site(
        {
            "content/a.md": item(
                "Pictures from elsewhere",
                image=f"{{src: '{lead}', alt: The lead picture}}",
                body=f"The text.\n\n![A picture from a wire service]({inline})",
            )
        }
    )
    code, out, err = run("email", "--site", str(root))
    assert code == 0, err
    html = (root / "_site/email/2025-07-22/index.html").read_text(encoding="utf-8")
    images = {attrs["src"]: attrs for tag, attrs in parsed(html).tags if tag == "img"}
    # Outlook sizes pictures by width="" alone: a lead picture fills the column anyway.
    assert images[lead]["width"] == "560"
    assert "width" not in images[inline]
    # A picture in the text is as wide as it is; the editor is told which one.
    assert f"warning: 1 picture has no known size ({inline}): Outlook for Windows" in out
    assert "lead.jpg" not in out


def test_an_item_too_long_for_an_email_gets_its_summary_and_a_link(
    make_site: MakeSite,
) -> None:
    """Gmail clips a message past 102 KB, and a 2 MB table took seconds of each build to
    turn into text: past EMAIL_ITEM_BUDGET the email carries the summary and a link."""
    from generator.newsletter.emails import EMAIL_ITEM_BUDGET

    rows = "\n".join(f"| row {n} | value-{n}-x |" for n in range(EMAIL_ITEM_BUDGET // 20))
    body = f"| a | b |\n|---|---|\n{rows}\n"
    root = make_site(
        {"content/a.md": item(summary='"A very long table."', body=body), "content/b.md": item("B")}
    )
    assert run("build", "-q", "--site", str(root))[0] == 0
    page = (root / "_site/email/2025-07-22/index.html").read_text(encoding="utf-8")
    text = (root / "_site/email/2025-07-22/email.txt").read_text(encoding="utf-8")
    assert "value-1234-x" not in page and "value-1234-x" not in text
    assert "A very long table." in page and "A very long table." in text
    link = "https://briefing-dev.github.io/briefing/2025/07/22/a/"
    assert f'<a href="{link}"' in page and "read it whole on the web" in page
    assert "read it whole on the web [" in text
    assert "value-1234-x" in (root / "_site/2025/07/22/a/index.html").read_text(encoding="utf-8")
    assert "The first paragraph." in page  # the other item, whole
