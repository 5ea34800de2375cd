"""Files that help others find the site: sitemap.xml, robots.txt, and GitHub Pages' own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import escape

from generator.model.records import Alternate
from generator.project.config import SiteConfig
from generator.text.urls import OutputPath, link, output_file

#: Pages kept out of the sitemap: the 404 page is served for missing paths only, and
#: the search page shows nothing of its own.
UNLISTED = frozenset({"404.html", "search/index.html"})
#: Folders of pages not listed either: each edition's email (``noindex``), a copy of
#: the edition's own page, which is the one to find.
UNLISTED_FOLDERS = ("email/",)


def unlisted(file: OutputPath, roots: Iterable[str] = ("",)) -> bool:
    """Whether ``file`` is kept out of the sitemap, in any language's folder (``roots``)."""
    for root in roots:
        if file.startswith(root):
            rest = file[len(root) :]
            if rest in UNLISTED or rest.startswith(UNLISTED_FOLDERS):
                return True
    return False


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
    #: Each page's versions in every language (its own among them) by its URL: language
    #: tag and URL. Only pages with a translation are here.
    alternates: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def render(self) -> bytes:
        if self.index:
            head, tag = "sitemapindex", "sitemap"
        else:
            head, tag = "urlset", "url"
        shown = {url: self.alternates[url] for url in self.urls if url in self.alternates}
        xhtml = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if shown else ""
        xmlns = f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{xhtml}'
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{head} {xmlns}>"]
        for url in self.urls:
            if url not in shown:
                lines.append(f"  <{tag}><loc>{escape(url)}</loc></{tag}>")
                continue
            lines.append(f"  <{tag}><loc>{escape(url)}</loc>")
            lines += [
                f'    <xhtml:link rel="alternate" hreflang="{escape(code)}" href="{escape(href)}"/>'
                for code, href in shown[url]
            ]
            lines.append(f"  </{tag}>")
        lines.append(f"</{head}>")
        return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_files(
    config: SiteConfig,
    files: Iterable[OutputPath],
    roots: Sequence[str] = ("",),
    alternates: Mapping[str, Sequence[Alternate]] | None = None,
    limit: int = SITEMAP_LIMIT,
) -> list[SitemapFile]:
    """The sitemap (sitemaps.org 0.9) of every HTML page, split into parts above ``limit``.

    ``roots`` are the folders of the site's languages; ``alternates`` each page's
    versions in every language, by site path, which the sitemap lists with the page
    (Google's ``xhtml:link rel="alternate" hreflang``)."""
    versions = {
        page_url(config, output_file(path)): tuple(
            (alt.code, page_url(config, output_file(alt.url))) for alt in found
        )
        for path, found in (alternates or {}).items()
    }
    urls = sorted(
        page_url(config, file)
        for file in files
        if file.endswith(".html") and not unlisted(file, roots)
    )
    if len(urls) <= limit:
        return [SitemapFile("sitemap.xml", tuple(urls), index=False, alternates=versions)]
    parts = [
        SitemapFile(f"sitemap-{n}.xml", tuple(urls[i : i + limit]), False, versions)
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
