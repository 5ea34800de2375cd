"""Files that help others find the site: sitemap.xml, robots.txt, and GitHub Pages' own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape

from generator.project.config import SiteConfig
from generator.text.urls import OutputPath, link

#: Pages kept out of the sitemap: the 404 page is served for missing paths only, and
#: the search page shows nothing of its own.
UNLISTED = frozenset({"404.html", "search/index.html"})
#: Folders of pages not listed either: each edition's email (``noindex``), a copy of
#: the edition's own page, which is the one to find.
UNLISTED_FOLDERS = ("email/",)


def page_url(config: SiteConfig, file: OutputPath) -> str:
    """The absolute URL that serves an output file: folders for index.html."""
    path = file.removesuffix("index.html") if file.rsplit("/", 1)[-1] == "index.html" else file
    return config.url + link("", path)


#: The sitemap protocol's limit of URLs in one file; above it, the sitemap is an index.
SITEMAP_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class SitemapFile:
    """One file of the sitemap: ``sitemap.xml``, or with more URLs than one file may hold,
    the index ``sitemap.xml`` and its parts ``sitemap-1.xml``, ``sitemap-2.xml``, ..."""

    file: OutputPath
    #: The URLs it lists: pages for a part, the parts' URLs for an index.
    urls: tuple[str, ...]
    index: bool

    def render(self) -> bytes:
        if self.index:
            head, tag = "sitemapindex", "sitemap"
        else:
            head, tag = "urlset", "url"
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<{head} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']  # fmt: skip
        lines += [f"  <{tag}><loc>{escape(url)}</loc></{tag}>" for url in self.urls]
        lines.append(f"</{head}>")
        return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_files(
    config: SiteConfig, files: Iterable[OutputPath], limit: int = SITEMAP_LIMIT
) -> list[SitemapFile]:
    """The sitemap (sitemaps.org 0.9) of every HTML page, split into parts above ``limit``."""
    urls = sorted(
        page_url(config, file)
        for file in files
        if file.endswith(".html") and file not in UNLISTED and not file.startswith(UNLISTED_FOLDERS)
    )
    if len(urls) <= limit:
        return [SitemapFile("sitemap.xml", tuple(urls), index=False)]
    parts = [
        SitemapFile(f"sitemap-{n}.xml", tuple(urls[i : i + limit]), index=False)
        for n, i in enumerate(range(0, len(urls), limit), start=1)
    ]
    index = SitemapFile(
        "sitemap.xml",
        tuple(config.url + part.file for part in parts),
        index=True,
    )
    return [index, *parts]


def render_robots(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.url}sitemap.xml\n".encode()


def github_pages_files(config: SiteConfig) -> dict[OutputPath, bytes]:
    """.nojekyll, so that GitHub Pages serves the files as they are (Jekyll would drop
    folders starting with '_'), and CNAME for a custom domain."""
    files = {".nojekyll": b""}
    if config.cname:
        files["CNAME"] = (config.cname + "\n").encode()
    return files
