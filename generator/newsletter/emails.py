"""Each edition as an email: its HTML, its plain text, and the message holding both.

The email is made from the same site model as the edition's page, through the
theme's own ``email.html`` and ``email.txt``, with every link absolute (a mail is
read far from the site). The HTML's styles are then inlined, and every picture
fits the email's width, because Outlook sizes pictures by their attributes alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from markupsafe import Markup, escape

from generator.model.records import Edition, Item, Site
from generator.newsletter.inlinestyle import inline_styles
from generator.newsletter.message import Envelope, message_id, mime_message, subject_of
from generator.newsletter.plaintext import References, html_text
from generator.render.views import AbsoluteViews, View, rebase_links
from generator.render.words import Words
from generator.text.lines import wrap

#: The folder of the emails in the output, one folder per edition date.
EMAIL_FOLDER = "email/"
#: The email's HTML, its plain text, and the message of both.
EMAIL_PAGE, EMAIL_TEXT, EMAIL_MESSAGE = "index.html", "email.txt", "edition.eml"
#: The widest the email's column is (px): what mail clients show without scrolling.
EMAIL_WIDTH = 600
#: The widest a picture is inside it, the column's padding taken off.
PICTURE_WIDTH = 560
#: Gmail cuts a message's HTML after this many bytes, behind "[Message clipped]".
GMAIL_CLIP = 102 * 1024

#: ``render(template, context)``: a theme template's bytes, or None after an error.
Render = Callable[[str, Callable[[], dict[str, Any]]], bytes | None]

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SIZE = re.compile(r'\s(width|height)="(\d+)"')
_SRC = re.compile(r'\ssrc="([^"]*)"')


#: The unsubscribe link of the email preview the site publishes.
PREVIEW_UNSUBSCRIBE = b'href="#unsubscribe"'


def unsubscribe_href(placeholder: str) -> bytes:
    """The attribute a theme writes for the service's placeholder (autoescaped)."""
    return f'href="{escape(placeholder)}"'.encode()


def email_folder(edition: Edition, root: str = "") -> str:
    """Site path of an edition's email: 'email/2025-07-22/' ('uk/email/2025-07-22/' in
    another language than the site's default, whose pages are under ``root``)."""
    return f"{root}{EMAIL_FOLDER}{edition.date.isoformat()}/"


def fit_pictures(page: str, width: int = PICTURE_WIDTH) -> str:
    """Every <img> sized in its attributes at most ``width`` wide, its height in step."""

    def fit(match: re.Match[str]) -> str:
        tag = match.group(0)
        sizes = {name: int(value) for name, value in _SIZE.findall(tag)}
        if sizes.get("width", 0) <= width:
            return tag
        height = sizes.get("height")
        scaled = {"width": width, "height": round(height * width / sizes["width"]) if height else 0}
        return _SIZE.sub(lambda m: f' {m.group(1)}="{scaled[m.group(1)]}"', tag)

    return _IMG.sub(fit, page)


#: Where an email's column starts, and where its footer (the unsubscribe link) starts.
_COLUMN = re.compile(r'<div class="column"[^>]*>')
_FOOTER = re.compile(r'<footer class="footer"')
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def feed_html(page: bytes) -> str:
    """An edition's email as an editions feed entry carries it, for services that send
    a feed's newest entry as a campaign (Buttondown, Mailchimp): the column with its
    inlined styles, absolute links and picture sizes, without the footer (the service
    adds its own, with the subscriber's unsubscribe link). A theme whose email has no
    such column gives its whole body."""
    html = page.decode("utf-8")
    column, footer = _COLUMN.search(html), _FOOTER.search(html)
    if column and footer and column.start() < footer.start():
        html = html[column.start() : footer.start()].rstrip() + "\n</div>"
    else:
        body = _BODY.search(html)
        html = (body.group(1) if body else html).strip()
    return _STYLE.sub(_safe_style, html)


_STYLE = re.compile(r' style="([^"]*)"')
#: The CSS that feed readers keep (feedparser's sanitizer; the W3C feed validator warns
#: of any other as "potentially dangerous"): what a feed entry's inline styles may hold.
FEED_CSS = frozenset(
    "background background-color border border-bottom border-bottom-color "
    "border-bottom-style border-bottom-width border-collapse border-color border-left "
    "border-left-color border-left-style border-left-width border-right border-right-color "
    "border-right-style border-right-width border-spacing border-style border-top "
    "border-top-color border-top-style border-top-width border-width clear color cursor "
    "direction display float font font-family font-size font-style font-variant "
    "font-weight height letter-spacing line-height list-style-type margin margin-bottom "
    "margin-left margin-right margin-top overflow padding padding-bottom padding-left "
    "padding-right padding-top text-align text-decoration text-indent unicode-bidi "
    "vertical-align white-space width".split()
)
#: The words the boxes' properties (background, border, margin, padding) may use.
_BOX_WORDS = frozenset(
    "auto block both bottom center collapse dashed dotted none normal solid top "
    "transparent left right".split()
)
_BOX_VALUE = re.compile(r"^(#[0-9a-f]+|\d?\.?\d?\d(cm|em|ex|in|mm|pc|pt|px|%)?)$")
_DECLARATION = re.compile(r"\s*([-\w]+)\s*:\s*([^;]*)")


def _safe_style(match: re.Match[str]) -> str:
    """An inline style with only what feed readers keep: its layout and colours survive
    in readers and in services that send the entry; the rest (max-width, a webkit
    hack) would be dropped by them anyway, or flagged by the validator."""
    kept = []
    for prop, value in _DECLARATION.findall(unescape(match.group(1))):
        prop, value = prop.lower(), value.strip()
        if prop not in FEED_CSS:
            continue
        if prop.split("-")[0] in ("background", "border", "margin", "padding") and not all(
            word in _BOX_WORDS or _BOX_VALUE.match(word) for word in value.lower().split()
        ):
            continue
        kept.append(f"{prop}: {value}")
    return f' style="{escape("; ".join(kept))}"' if kept else ""


def unsized_pictures(page: str) -> list[str]:
    """The address of each <img> without a width: a picture of unknown size (a URL),
    which Outlook for Windows shows as wide as it is, however wide the email."""
    found = []
    for tag in _IMG.findall(page):
        if not any(name == "width" for name, _ in _SIZE.findall(tag)):
            source = _SRC.search(tag)
            found.append(unescape(source.group(1)) if source else "")
    return found


class Newsletter:
    """The emails of one site's editions."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.views = AbsoluteViews(site)
        #: Each edition's HTML and text once made: the message holds both again, and an
        #: edition with a 2 MB table took seconds to turn into text each time.
        self._made: dict[tuple[str, int], bytes | None] = {}

    def page(self, edition: Edition, render: Render) -> bytes | None:
        """email/<date>/index.html, as the site publishes it: :meth:`service_page` with
        a harmless link where the service's unsubscribe placeholder goes (``{{
        unsubscribe_url }}`` is no URL: the page would fail an HTML check, and the link
        would lead nowhere). ``briefing email`` puts the placeholder back in its copy."""
        page = self.service_page(edition, render)
        settings = self.site.config.email
        if page is None or settings is None or settings.unsubscribe is None:
            return page
        if settings.unsubscribe.startswith(("https://", "http://", "mailto:")):
            return page  # a link of its own, which works on the site too
        return page.replace(unsubscribe_href(settings.unsubscribe), PREVIEW_UNSUBSCRIBE)

    def service_page(self, edition: Edition, render: Render) -> bytes | None:
        """email.html rendered, its styles inlined: the HTML a newsletter service sends."""
        return self._once("page", edition, render, self._service_page)

    def _once(
        self,
        kind: str,
        edition: Edition,
        render: Render,
        make: Callable[[Edition, Render], bytes | None],
    ) -> bytes | None:
        key = (kind, edition.number)
        if key not in self._made:
            self._made[key] = make(edition, render)
        return self._made[key]

    def _service_page(self, edition: Edition, render: Render) -> bytes | None:
        data = render("email.html", lambda: self._page_context(edition))
        if data is None:
            return None
        page = inline_styles(fit_pictures(data.decode("utf-8")), "email.html")
        return (page.rstrip("\n") + "\n").encode("utf-8")

    def text(self, edition: Edition, render: Render) -> bytes | None:
        """email/<date>/email.txt: email.txt rendered, with CRLF-safe, unpadded lines."""
        return self._once("text", edition, render, self._text)

    def _text(self, edition: Edition, render: Render) -> bytes | None:
        data = render("email.txt", lambda: self._text_context(edition))
        if data is None:
            return None
        # "-- " keeps its space: it is how mail clients know the signature below it.
        lines = [
            line if line == "-- " else line.rstrip()
            for line in data.decode("utf-8").strip("\n").split("\n")
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")

    def message(self, edition: Edition, render: Render) -> bytes | None:
        """email/<date>/edition.eml: both parts as one multipart/alternative message."""
        page, text = self.service_page(edition, render), self.text(edition, render)
        if page is None or text is None:
            return None
        html = page.decode("utf-8")
        settings = self.site.config.email
        permalink = self.views.absolute(edition.url)
        envelope = Envelope(
            subject=subject_of(html),
            date=edition.published,
            message_id=message_id(permalink),
            language=self.site.language.code,
            sender=settings.sender if settings else None,
            list_unsubscribe=settings.list_unsubscribe if settings else None,
        )
        return mime_message(envelope, text.decode("utf-8"), html)

    def _email(self, edition: Edition) -> View:
        settings = self.site.config.email
        titles = "; ".join(item.title for item in edition.items)
        return View(
            browser=self.views.absolute(edition.url),
            unsubscribe=settings.unsubscribe if settings else None,
            # What an inbox shows after the subject: the headlines, not "View in browser".
            preview=titles if len(titles) <= 150 else titles[:149].rsplit(" ", 1)[0] + "…",
            width=EMAIL_WIDTH,
            picture_width=PICTURE_WIDTH,
        )

    def _page_context(self, edition: Edition) -> dict[str, Any]:
        views = self.views
        intro = rebase_links(
            edition.intro_html, edition.url, self.site.config, views.absolute, fragments=True
        )
        shown = views.edition(edition)
        sections = [
            View({**section, "items": [_within_budget(i, views.words) for i in section["items"]]})
            for section in shown["sections"]
        ]
        return {
            "site": views.site_view(),
            "t": views.words,
            "edition": View({**shown, "intro": Markup(intro), "sections": sections}),
            "email": self._email(edition),
        }

    def _text_context(self, edition: Edition) -> dict[str, Any]:
        """Views of plain text only: the template is not escaped, nothing in it is HTML."""
        references = References()
        views = self.views
        config = self.site.config
        intro = rebase_links(edition.intro_html, edition.url, config, views.absolute)
        heading = views.edition_link(edition)
        intro_text = html_text(intro, references)
        sections = [
            View(
                name=views.words("lead_story") if section.lead else section.name or "",
                items=[self._text_item(i, references) for i in section.items],
            )
            for section in edition.sections
        ]
        notices = [
            View(**views.notice(notice), title=notice.item.title,
                 ref=references.mark(views.absolute(notice.item.url)))
            for notice in edition.notices
        ]  # fmt: skip
        return {
            "site": views.site_view(),
            "t": views.words,
            "edition": View(**heading, intro=intro_text, sections=sections, notices=notices),
            "email": self._email(edition),
            "references": [View(number=n, url=url) for n, url in references.listing()],
        }

    def _text_item(self, item: Item, references: References) -> View:
        card = self.views.card(item)
        mark = references.mark(card["permalink"])
        authors = [f"{a['name']} {references.mark(a['url'])}" for a in card["authors"]]
        credit = ", ".join(f"{s['name']} {references.mark(s['url'])}" for s in card["sources"])
        if len(item.html) > EMAIL_ITEM_BUDGET:
            body = str(_within_budget(View({**card, "html": item.html}), self.views.words)["html"])
        else:
            body = rebase_links(item.html, item.url, self.site.config, self.views.absolute)
        return View(
            **card,
            ref=mark,
            byline=", ".join(authors[:-1]) + f" {self.views.words('and')} " + authors[-1]
            if len(authors) > 1
            else "".join(authors),
            credit=credit,
            summary_text=wrap(item.summary),
            text=html_text(body, references),
        )


#: The most HTML of one item an email carries whole: past it, the item's summary and a
#: link to its page. Gmail clips a message past 102 KB anyway, and turning a 2 MB
#: table into text took seconds of every build.
EMAIL_ITEM_BUDGET = 100_000


def _within_budget(item: View, words: Words) -> View:
    """An item of the email, its body replaced by its summary and a link when longer
    than EMAIL_ITEM_BUDGET."""
    if len(item["html"]) <= EMAIL_ITEM_BUDGET:
        return item
    link = escape(item["permalink"])
    whole = escape(words("too_long_for_email"))
    html = f'<p>{escape(item["summary"])}</p>\n<p><a href="{link}">{whole}</a></p>\n'
    return View({**item, "html": Markup(html)})


def clipped(size: int) -> str | None:
    """Why an email's HTML of ``size`` bytes would not be read whole in Gmail, if it would not."""
    if size <= GMAIL_CLIP:
        return None
    return (
        f"its HTML is {size // 1024} KB; Gmail shows the first 102 KB and hides the rest "
        "behind 'View entire message'"
    )
