"""Plain, read-only views of the model for templates.

Templates never see the model: every link here already carries the site's base
path, every date is already in the editorial time zone and spelled out, and HTML
that is safe to insert is marked so; everything else is escaped by Jinja.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, KeysView, Mapping, Sequence
from datetime import date, datetime
from html import unescape
from itertools import groupby
from typing import Any

from markupsafe import Markup, escape

from generator.model.records import (
    Attachment,
    Author,
    Edition,
    Item,
    Notice,
    Picture,
    Publisher,
    Site,
    SitePage,
    Story,
    StoryGroup,
    Tag,
)
from generator.pictures.resize import can_resize, copy_name
from generator.project.config import SiteConfig
from generator.render.words import Words
from generator.text.urls import file_path, internal_target, link, slugify


class View:
    """A read-only record for templates: ``view.title`` (or ``view["title"]``) is a field.

    Fields are plain attributes, the first thing Jinja tries: on a dict, every
    ``{{ item.title }}`` first fails as an attribute, which costs more than
    rendering the text. ``**view`` spreads the fields like a mapping's.
    """

    def __init__(self, fields: Mapping[str, Any] | None = None, /, **more: Any) -> None:
        if fields:
            self.__dict__.update(fields)
        self.__dict__.update(more)

    def __getitem__(self, name: str) -> Any:
        return self.__dict__[name]

    def keys(self) -> KeysView[str]:
        return self.__dict__.keys()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, View) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"View({self.__dict__!r})"


#: The search page's site path, and the folder of Pagefind's bundle (Pagefind's own name).
SEARCH_PAGE = "search/"
SEARCH_BUNDLE = "pagefind"


def minutes_to_read(words: int, per_minute: int) -> int:
    """Whole minutes, at least one."""
    return max(1, round(words / per_minute))


def playing_time(seconds: int) -> tuple[str, str]:
    """'12:34' or '1:02:03' as players show it, and 'PT1H2M3S' for <time datetime>."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    shown = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return shown, f"PT{hours}H{minutes}M{seconds}S"


def megabytes(length: int) -> str:
    """'4.6 MB', '820 kB': what a download of ``length`` bytes costs."""
    if length < 999_500:
        return f"{max(1, round(length / 1000))} kB"
    return f"{length / 1_000_000:.1f} MB"


_ID = re.compile(r'(\sid="|\shref="#)')
_HEADING = re.compile(r"(</?h)([1-6])(?=[\s>])")


def embed_html(html: str, prefix: str, shift: int) -> str:
    """An item's HTML made to sit inside a page with others.

    Every id and in-page link gets ``prefix`` so that ids stay unique, and headings
    move ``shift`` levels down (an h2 in the item is an h4 under the edition's
    section and story headings). markdown-it escapes '<' and quotes in text, so
    these patterns only ever match real tags and attributes.
    """
    html = _ID.sub(lambda m: m.group(1) + prefix, html)
    return _HEADING.sub(lambda m: m.group(1) + str(min(6, int(m.group(2)) + shift)), html)


_LINK_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)"')
#: An image as markdown-it writes it: src first, then alt and maybe title.
_IMAGE = re.compile(r'<img src="([^"]*)"([^>]*)>')


def srcset(
    file: str, width: int | None, config: SiteConfig, to: Callable[[str], str]
) -> str | None:
    """``srcset`` of a picture (at site path ``file``) wider than ``picture_width``: its
    smaller copy and itself."""
    copy = smaller_copy(file, width, None, config)
    return f"{to(copy[0])} {copy[1]}w, {to(file)} {width}w" if copy else None


def smaller_copy(
    file: str, width: int | None, height: int | None, config: SiteConfig
) -> tuple[str, int, int | None] | None:
    """The smaller copy the build makes of the picture ``file`` (plan/attached.py), if
    it makes one: its site path, width and height."""
    limit = config.picture_width
    if not (width and width > limit and can_resize(file)):
        return None
    return copy_name(file, limit), limit, round(height * limit / width) if height else None


def sizes(config: SiteConfig) -> str:
    return f"(max-width: {config.picture_width}px) 100vw, {config.picture_width}px"


def sized_images(
    html: str,
    attachments: Sequence[Attachment],
    page: str,
    config: SiteConfig,
    to: Callable[[str], str],
    static: Mapping[str, tuple[int, int]] | None = None,
    copies: bool = False,
) -> str:
    """Each picture of the page's own (an item's, at ``page``) or of the site's
    ``static`` folder with its width and height, so that the page does not jump as
    pictures arrive, and a large one of the page's with a smaller copy in ``srcset``
    (links through ``to``); every picture after the first loads lazily. With
    ``copies`` (an email: mail clients ignore srcset), a large picture is its smaller
    copy outright."""
    if "<img " not in html:
        return html
    known = {a.file: a for a in attachments if a.width and a.height}
    static = static or {}
    count = 0

    def size(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        src, rest = match.groups()
        extra = ' loading="lazy"' if count > 1 and "loading=" not in rest else ""
        target = internal_target(unescape(src), page, config.base_path, config.url)
        found = known.get(target[0]) if target else None
        sized = " width=" in rest or " height=" in rest
        copy = smaller_copy(found.file, found.width, found.height, config) if found else None
        if copies and copy and not sized:
            src = str(escape(to(file_path(copy[0]))))
            extra = f' width="{copy[1]}" height="{copy[2]}"' + extra
        elif found and not sized:
            extra = f' width="{found.width}" height="{found.height}"' + extra
            choices = srcset(found.file, found.width, config, to)
            if choices:
                extra += f' srcset="{escape(choices)}" sizes="{sizes(config)}"'
        elif target and target[0] in static and not sized:
            width, height = static[target[0]]
            extra = f' width="{width}" height="{height}"' + extra

        return f'<img src="{src}"{extra}{rest}>'

    return _IMAGE.sub(size, html)


def rebase_links(
    html: str, page: str, config: SiteConfig, to: Callable[[str], str], fragments: bool = False
) -> str:
    """Point the internal links of HTML written for the page ``page`` through ``to``.

    Relative links ("../other/") only work on the page they were written for; the
    same item also appears on its edition's page and in feeds, so each internal link
    becomes ``to(site_path)``: a base-path link for pages, an absolute URL for feeds.
    With ``fragments``, in-page links ("#fn1", a footnote) point at the page too: in
    a feed reader there is no page around them, and "#fn1" would open the feed.
    """
    if ' href="' not in html and ' src="' not in html:
        return html

    def fix(match: re.Match[str]) -> str:
        written = match.group(2)
        if fragments and written.startswith("#"):
            return f'{match.group(1)}{escape(to(page) + unescape(written))}"'
        if written.startswith(("#", "mailto:")) or (
            written.startswith(("https://", "http://")) and not written.startswith(config.url)
        ):
            return match.group(0)  # most links: elsewhere, or on this page
        target = internal_target(unescape(written), page, config.base_path, config.url)
        if target is None:
            return match.group(0)
        path, rest = target
        return f'{match.group(1)}{escape(to(path) + rest)}"'

    return _LINK_ATTR.sub(fix, html)


#: How many earlier items of its story an item's page lists.
STORY_EARLIER = 3


#: The feed formats every page announces, by (label, file name, media type).
FEED_LINKS = (
    ("RSS", "feed.xml", "application/rss+xml"),
    ("Atom", "atom.xml", "application/atom+xml"),
    ("JSON Feed", "feed.json", "application/feed+json"),
)


def json_script(data: object) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped so that no text can end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class Views:
    """Makes template views for one site; links carry the base path."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config: SiteConfig = site.config
        self.base = self.config.base_path
        self.editions = {edition.date: edition for edition in site.editions}
        #: The theme's fixed words and dates in the site's language (templates' ``t``).
        self.words = Words(site.language)
        self._cards: dict[str, View] = {}
        self._bodies: dict[str, str] = {}
        self._edition_links: dict[date, View] = {}
        #: Each item of a story: its story's items (newest first) and its place there.
        self.in_story: dict[str, tuple[tuple[Item, ...], int]] = {
            item.url: (group.items, index)
            for group in site.stories
            for index, item in enumerate(group.items)
        }

    def href(self, site_path: str) -> str:
        return link(self.base, site_path)

    def absolute(self, site_path: str) -> str:
        return self.config.url + link("", site_path)

    def minutes(self, words: int) -> int:
        return minutes_to_read(words, self.config.words_per_minute)

    def site_view(self) -> View:
        config = self.config
        # The language's own pages are under its folder; the theme's files, the search
        # index and the list of every feed are the whole site's, at its root.
        root = config.root
        return View(
            title=config.title,
            description=config.description,
            language=self.site.language.code,
            url=config.url,
            home=self.href(root),
            feed=self.href(root + "feed.xml"),
            editions_feed=self.href(root + "editions/feed.xml"),
            archive=self.href(root + "archive/"),
            corrections=self.href(root + "corrections/"),
            # Every feed: a page for people, and OPML for feed readers (render/opml.py).
            feeds_page=self.href(root + "feeds/"),
            opml=self.href("feeds.opml"),
            items_index=self.href(root + "items/"),
            tags_index=self.href(root + "tags/"),
            sources_index=self.href(root + "sources/"),
            authors_index=self.href(root + "authors/") if self.site.authors else None,
            stories_index=self.href(root + "stories/") if self.site.stories else None,
            search=self.href(root + SEARCH_PAGE) if config.search else None,
            # Each language's own index; its documents' addresses are from the site's root.
            search_bundle=self.href(root + SEARCH_BUNDLE + "/") if config.search else None,
            base=self.href(""),
            search_script=self.href("assets/search.js"),
            image=self.picture(self.site.preview),
            stylesheet=self.href("assets/style.css"),
            favicon=self.href("assets/favicon.svg"),
            extra=config.extra,
            menu=[
                View(title=entry.title, url=entry.url if entry.external else self.href(entry.url))
                for entry in self.site.menu
            ],
            feeds=[
                View(
                    title=self.words(
                        "feed_link", site=config.title, name=self.words(what), format=kind
                    ),
                    url=self.href(root + folder + name),
                    type=media,
                )
                for what, folder in (("feed_editions", "editions/"), ("feed_items", ""))
                for kind, name, media in FEED_LINKS
            ],  # fmt: skip
        )

    def tag(self, tag: Tag, count: int | None = None) -> View:
        return View(
            name=tag.name,
            slug=tag.slug,
            url=self.href(tag.url),
            count=count,
            feed=self.href(tag.url + "feed.xml"),
        )

    def publisher(self, publisher: Publisher, count: int | None = None) -> View:
        return View(
            name=publisher.name,
            url=self.href(publisher.url),
            count=count,
            feed=self.href(publisher.url + "feed.xml"),
        )

    def author(self, author: Author, count: int | None = None) -> View:
        return View(
            name=author.name,
            slug=author.slug,
            url=self.href(author.url),
            bio=author.bio,
            link=author.link,
            count=count,
            feed=self.href(author.url + "feed.xml"),
        )

    def story(self, story: Story, count: int | None = None) -> View:
        """A running story as its page and the index show it; its paragraph's links
        and pictures are pointed through the base path like an item's."""
        return View(
            name=story.name,
            title=story.title,
            slug=story.slug,
            url=self.href(story.url),
            permalink=self.absolute(story.url),
            summary=story.summary,
            summary_html=self.html_at(story.summary_html, story.attachments, story.url),
            image=self.picture(story.image),
            count=count,
            feed=self.href(story.url + "feed.xml"),
            feeds=[
                View(
                    title=self.words(
                        "feed_link", site=self.config.title, name=story.title, format=kind
                    ),
                    url=self.href(story.url + name),
                    type=media,
                    label=kind,
                )
                for kind, name, media in FEED_LINKS
            ],  # fmt: skip
        )

    def story_entry(self, group: StoryGroup) -> View:
        """A story in the index of stories: its latest item's date beside it."""
        latest = group.items[0].date.astimezone(self.config.timezone)
        return View(
            **self.story(group.story, len(group.items)),
            latest_iso=latest.isoformat(),
            latest_text=self.words.date(latest.date()),
        )

    def story_box(self, item: Item) -> View | None:
        """What an item's page shows of its story: the story, the items before it
        (newest first), and once there are newer ones, the latest."""
        if item.story is None:
            return None
        earlier, latest = story_neighbours(item, self.in_story)
        members, index = self.in_story[item.url]
        return View(
            title=item.story.title,
            url=self.href(item.story.url),
            count=len(members),
            earlier=[self.card(each) for each in earlier],
            more_earlier=len(members) - index - 1 - len(earlier),
            latest=self.card(latest) if latest is not None else None,
        )

    def picture(self, picture: Picture | None) -> View | None:
        """A picture for <img> (``src``) and for link previews and feeds (``absolute``)."""
        if picture is None:
            return None
        if not picture.external:  # a file of the site, named as it is on disk
            src = file_path(picture.src)
            return View(
                src=self.href(src),
                absolute=self.absolute(src),
                alt=picture.alt or "",
                credit=picture.credit,
                width=picture.width,
                height=picture.height,
                srcset=srcset(picture.src, picture.width, self.config,
                              lambda path: self.href(file_path(path))),
                sizes=sizes(self.config),
            )  # fmt: skip
        return View(
            src=picture.src,
            absolute=picture.src,
            alt=picture.alt or "",
            credit=picture.credit,
            width=picture.width,
            height=picture.height,
            srcset=None,
            sizes=sizes(self.config),
        )

    def card(self, item: Item) -> View:
        """What every list shows of an item; made once per item and shared, read-only."""
        view = self._cards.get(item.url)
        if view is not None:
            return view
        local: datetime = item.date.astimezone(self.config.timezone)
        sources = [
            View(
                url=ref.url,
                name=ref.publisher.name,
                publisher_url=self.href(ref.publisher.url),
            )
            for ref in item.references
        ]
        view = View(
            title=item.title,
            slug=item.slug,
            url=self.href(item.url),
            permalink=self.absolute(item.url),
            date_iso=local.isoformat(),
            date_text=self.words.date(local.date()),
            time_text=f"{local.hour:02d}:{local.minute:02d}",
            tags=[self.tag(tag) for tag in item.tags],
            sources=sources,
            source=sources[0],
            summary=item.summary,
            summary_is_lead=item.summary_is_lead,
            words=item.words,
            minutes=self.minutes(item.words),
            section=item.section,
            # A withdrawn item's edition is gone when it held nothing else.
            edition=self.edition_link(self.editions[item.edition])
            if item.edition in self.editions
            else None,
            extra=item.extra,
            authors=[self.author(author) for author in item.authors],
            image=self.picture(item.image),
            audio=self._audio(item),
            story=View(title=item.story.title, url=self.href(item.story.url))
            if item.story
            else None,
            **self._updated(item),
            withdrawn=self._withdrawn(item),
            corrections=[
                View(
                    date_iso=c.date.astimezone(self.config.timezone).isoformat(),
                    date_text=self.words.date(c.date.astimezone(self.config.timezone).date()),
                    text=c.text,
                )
                for c in item.corrections
            ],
        )
        self._cards[item.url] = view
        return view

    def body(self, item: Item) -> str:
        """The item's HTML with its internal links pointing under the base path.

        Made once per item: both the item's page and its edition's page show it.
        """
        # markdown-it escaped everything the editor wrote (unless raw_html is on).
        html = self._bodies.get(item.url)
        if html is None:
            sized = sized_images(
                item.html,
                item.attachments,
                item.url,
                self.config,
                self.href,
                self.site.static_pictures,
            )
            html = self._bodies[item.url] = rebase_links(sized, item.url, self.config, self.href)
        return html

    def item(self, item: Item) -> View:
        """An item in full, for its own page."""
        local: datetime = item.date.astimezone(self.config.timezone)
        return View(
            **self.card(item),
            html=Markup(self.body(item)),
            json_ld=json_script(self.news_article(item, local)),
            story_box=self.story_box(item),
            related=[self.card(other) for other in self.site.related.get(item.url, ())],
        )

    def html_at(self, html: str, attachments: Sequence[Attachment], page: str) -> Markup:
        """HTML written for the page ``page`` (a story's paragraph, a standalone page's
        body), its pictures sized and its links pointed through the base path."""
        sized = sized_images(
            html, attachments, page, self.config, self.href, self.site.static_pictures
        )
        return Markup(rebase_links(sized, page, self.config, self.href))

    def standalone(self, page: SitePage) -> View:
        """A standalone page (About, Subscribe), for page.html."""
        return View(
            title=page.title,
            summary=page.summary,
            name=page.name,
            url=self.href(page.url),
            permalink=self.absolute(page.url),
            html=self.html_at(page.html, page.attachments, page.url),
            words=page.words,
            minutes=self.minutes(page.words),
            extra=page.extra,
        )

    def notice(self, notice: Notice) -> View:
        """A correction or withdrawal with its item, for the corrections page and an
        edition's foot."""
        local = notice.date.astimezone(self.config.timezone)
        return View(
            date_iso=local.isoformat(),
            date_text=self.words.date(local.date()),
            text=notice.text,
            withdrawal=notice.withdrawal,
            item=self.card(notice.item),
        )

    def corrections(self) -> list[View]:
        """Every correction and withdrawal on the site, newest first, each with its item."""
        found = [Notice(c.date, c.text, item) for item in self.site.items for c in item.corrections]
        found += [Notice(i.withdrawn.date, i.withdrawn.reason, i, withdrawal=True)
                  for i in self.site.withdrawn if i.withdrawn]  # fmt: skip
        found.sort(key=lambda notice: (-notice.date.timestamp(), notice.item.url))
        return [self.notice(notice) for notice in found]

    def _withdrawn(self, item: Item) -> View | None:
        if item.withdrawn is None:
            return None
        local = item.withdrawn.date.astimezone(self.config.timezone)
        return View(
            date_iso=local.isoformat(),
            date_text=self.words.date(local.date()),
            reason=item.withdrawn.reason,
        )

    def _audio(self, item: Item) -> View | None:
        """The item's audio for its player, and for the "Listen" link of emails."""
        audio = item.audio
        if audio is None:
            return None
        where = audio.src if audio.external else file_path(audio.src)
        shown, iso = playing_time(audio.duration) if audio.duration else (None, None)
        return View(
            url=audio.src if audio.external else self.href(where),
            absolute=audio.src if audio.external else self.absolute(where),
            type=audio.type,
            length=audio.length,
            size_text=megabytes(audio.length),
            duration_text=shown,
            duration_iso=iso,
        )

    def _updated(self, item: Item) -> dict[str, str | None]:
        """When the item changed after publication, for "Updated ..." and <time>."""
        if item.updated is None:
            return {"updated_iso": None, "updated_text": None}
        local = item.updated.astimezone(self.config.timezone)
        return {
            "updated_iso": local.isoformat(),
            "updated_text": f"{self.words.date(local.date())}, {local.hour:02d}:{local.minute:02d}",
        }

    def news_article(self, item: Item, local: datetime) -> dict[str, Any]:
        """schema.org NewsArticle for search engines."""
        config = self.config
        publisher = {"@type": "Organization", "name": config.title, "url": config.url}
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": item.title,
            "description": item.summary,
            "datePublished": local.isoformat(),
            **(
                {"dateModified": item.updated.astimezone(self.config.timezone).isoformat()}
                if item.updated
                else {}
            ),
            "url": self.absolute(item.url),
            "mainEntityOfPage": self.absolute(item.url),
            "inLanguage": self.site.language.code,
            "author": [
                {
                    "@type": "Person",
                    "name": author.name,
                    "url": author.link or self.absolute(author.url),
                }
                for author in item.authors
            ]
            or {"@type": "Organization", "name": config.feed_author},
            "publisher": publisher,
            **({"image": [self._absolute_picture(item.image)]} if item.image else {}),
            "isBasedOn": [ref.url for ref in item.references],
            "keywords": [tag.name for tag in item.tags],
            **({"articleSection": item.section} if item.section else {}),
        }

    def _absolute_picture(self, picture: Picture) -> str:
        return picture.src if picture.external else self.absolute(picture.src)

    def edition_link(self, edition: Edition) -> View:
        """What a list of editions shows of one; made once per edition, read-only."""
        if edition.date in self._edition_links:
            return self._edition_links[edition.date]
        when = self.edition_when(edition)
        self._edition_links[edition.date] = view = View(
            number=edition.number,
            url=self.href(edition.url),
            permalink=self.absolute(edition.url),
            date_iso=edition.date.isoformat(),
            when=when,
            title=edition.title or when,
            item_count=len(edition.items),
            minutes=self.minutes(edition.words),
        )
        return view

    def edition_when(self, edition: Edition) -> str:
        if edition.first_day == edition.date:
            return self.words.weekday_date(edition.date)
        return self.words.span(edition.first_day, edition.date)

    def edition(self, edition: Edition) -> View:
        """An edition in full: introduction, contents and every item."""
        sections = []
        for section in edition.sections:
            name = section.name or (self.words("section_more") if len(edition.sections) > 1 else "")
            name = self.words("lead_story") if section.lead else name
            items = []
            for item in section.items:
                html = embed_html(self.body(item), f"{item.slug}--", shift=2)
                items.append(View(**self.card(item), anchor=item.slug, html=Markup(html)))
            anchor = "section-" + (slugify(name) or "items")
            sections.append(View(name=name, anchor=anchor, items=items, lead=section.lead))
        index = edition.number - 1
        previous = self.site.editions[index - 1] if index > 0 else None
        following = self.site.editions[index + 1] if index + 1 < len(self.site.editions) else None
        return View(
            **self.edition_link(edition),
            intro=Markup(edition.intro_html),
            sections=sections,
            # What stands for the edition in link previews: its first item's picture.
            image=next((i["image"] for s in sections for i in s["items"] if i["image"]), None),
            previous=self.edition_link(previous) if previous else None,
            next=self.edition_link(following) if following else None,
            notices=[self.notice(notice) for notice in edition.notices],
        )

    def archive(self) -> list[View]:
        """Editions by year and month, newest first."""
        newest_first = list(reversed(self.site.editions))
        years = []
        for year, in_year in groupby(newest_first, key=lambda e: e.date.year):
            months = [
                View(
                    name=self.words.month(month), editions=[self.edition_link(e) for e in in_month]
                )
                for month, in_month in groupby(in_year, key=lambda e: e.date.month)
            ]
            years.append(View(year=year, months=months))
        return years

    def items(self, items: Sequence[Item]) -> list[View]:
        return [self.card(item) for item in items]


def story_neighbours(
    item: Item, in_story: Mapping[str, tuple[tuple[Item, ...], int]]
) -> tuple[tuple[Item, ...], Item | None]:
    """The earlier items of ``item``'s story that its page lists, and the story's latest
    item when it is not ``item``: what the page shows, and so what it depends on."""
    if item.url not in in_story:
        return (), None
    members, index = in_story[item.url]
    earlier = members[index + 1 : index + 1 + STORY_EARLIER]
    return earlier, members[0] if index > 0 else None


class AbsoluteViews(Views):
    """Views whose every link is an absolute URL: for an email, read far from the site.

    In-page links (a footnote's "#fn1") point at the item's page too: a mail client
    has no page around them, and many drop the ids they would land on.
    """

    def href(self, site_path: str) -> str:
        return self.absolute(site_path)

    def body(self, item: Item) -> str:
        html = self._bodies.get(item.url)
        if html is None:
            to = self.absolute
            sized = sized_images(
                item.html, item.attachments, item.url, self.config, to,
                self.site.static_pictures, copies=True,
            )  # fmt: skip
            html = self._bodies[item.url] = rebase_links(
                sized, item.url, self.config, to, fragments=True
            )
        return html

    def picture(self, picture: Picture | None) -> View | None:
        """A picture as an email shows it: a large one by its smaller copy, never the
        original a reader's phone would download whole (a 2,400-pixel photo is MBs)."""
        view = super().picture(picture)
        if view is None or picture is None or picture.external:
            return view
        copy = smaller_copy(picture.src, picture.width, picture.height, self.config)
        if copy is None:
            return view
        url = self.absolute(file_path(copy[0]))
        return View({**view, "src": url, "absolute": url, "width": copy[1], "height": copy[2],
                     "srcset": None})  # fmt: skip
