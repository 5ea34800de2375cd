"""Files that help others find the site: sitemap.xml, robots.txt, and GitHub Pages' own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from markupsafe import escape

from generator.config import SiteConfig
from generator.urls import link

#: Pages that must not be listed: the 404 page is served for missing paths only.
UNLISTED = frozenset({PurePosixPath("404.html")})


def page_url(config: SiteConfig, file: PurePosixPath) -> str:
    """The absolute URL that serves an output file: folders for index.html."""
    path = str(file)
    if file.name == "index.html":
        path = path.removesuffix("index.html")
    return config.url + link("", path)


def render_sitemap(config: SiteConfig, files: Iterable[PurePosixPath]) -> bytes:
    """A sitemap (sitemaps.org 0.9) of every HTML page."""
    urls = sorted(
        page_url(config, file) for file in files if file.suffix == ".html" and file not in UNLISTED
    )
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']  # fmt: skip
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_robots(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.url}sitemap.xml\n".encode()


def github_pages_files(config: SiteConfig) -> dict[PurePosixPath, bytes]:
    """.nojekyll, so that GitHub Pages serves the files as they are (Jekyll would drop
    folders starting with '_'), and CNAME for a custom domain."""
    files = {PurePosixPath(".nojekyll"): b""}
    if config.cname:
        files[PurePosixPath("CNAME")] = (config.cname + "\n").encode()
    return files
