"""``briefing init``: a new briefing site, ready to publish on GitHub Pages."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator import __version__
from generator.errors import BuildFailed, ConfigError
from generator.scaffold import item_text
from generator.urls import slugify

SITE_YAML = """\
# site.yaml: the settings of this briefing. Every key is described in the
# briefing README; an unknown key is an error that names the nearest known one.

# The name readers see in the header, page titles and feeds.
title: {title}
# Where the site is published. Its path ("/{name}/" on a GitHub Pages project
# site) prefixes every link, so the site works under it.
url: {url}
description: A daily briefing of the news that matters, in short summaries.
language: en
# Named as the author in feeds.
author: {title}
# The editorial time zone: dates without an offset are read in it, and an
# edition is a calendar day here.
timezone: {timezone}

# One edition per day; `weekly` with `week_ends_on: friday` makes weekly issues.
editions: daily
# The sections of an edition, in order; items name theirs with `section:`.
sections: [Top stories, World, Economy, Technology]
# Display names of publishers by domain (subdomains match too).
publishers:
  apnews.com: AP News
  reuters.com: Reuters
  docs.github.com: GitHub Docs

# Item pages, lists and feeds.
permalink: /{{year}}/{{month}}/{{day}}/{{slug}}/
paginate: 10
feed_items: 20
words_per_minute: 220

# Uncomment to publish on your own domain (GitHub Pages reads the CNAME file).
# cname: news.example.org

# The newest editions as emails (_site/email/<date>/; `briefing email` names them).
# Uncomment and fill in for your newsletter service: mailchimp, buttondown or
# listmonk (or the placeholder your service replaces with its unsubscribe link).
# email:
#   from: The Desk <desk@example.org>
#   unsubscribe: buttondown
"""

THEME_README = """\
# Theme overrides

This site uses briefing's built-in default theme. To change one page, copy
that template from briefing's `themes/default/templates/` into this folder
under the same name (for example `item.html` or `base.html`) and edit it;
every template you do not copy still comes from the default theme. A
stylesheet of your own goes in `themes/default/static/style.css`.

Templates are Jinja2 with autoescaping and strict variables: a misspelt
variable fails the build with this file's name and line.
"""

GITIGNORE = """\
/_site/
# briefing builds beside _site and swaps it in; this is the last build's other half.
/._site.stage/
/._site.lock
/.briefing-cache/
"""

WORKFLOW = """\
# Build the briefing and publish it with GitHub Pages (Settings > Pages >
# Source: GitHub Actions). Runs on every push to main, and every hour so that
# items scheduled for later appear once they fall due.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install briefing
        run: python -m pip install {requirement}
      - name: Check content and links
        run: briefing check --format github
      - name: Build
        # --clean: a build cache committed to the repository is never used here.
        run: briefing build --clean
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

FIRST_SOURCE = (
    "https://docs.github.com/en/pages/getting-started-with-github-pages/about-github-pages"
)
FIRST_BODY = """\
GitHub Pages publishes a static site straight from a repository: a workflow
builds it on every push and GitHub serves the result, free for public
repositories, at `https://<owner>.github.io/<repository>/` or on a domain of
your own.

This briefing is built that way. Each summary is one Markdown file in
`content/`; `briefing serve` previews the site while you write, `briefing check`
points at mistakes, and every push to `main` publishes the result.
"""


def init_site(target: Path, now: datetime, *, title: str | None = None,
              url: str | None = None, timezone: str = "UTC") -> list[Path]:  # fmt: skip
    """Create a new site in ``target`` (empty or missing); return the files written."""
    if target.exists() and any(p.name != ".git" for p in target.iterdir()):
        raise BuildFailed(
            [
                ConfigError(
                    f"{target} is not empty",
                    hint="run `briefing init` on a new or empty folder; nothing was written",
                )
            ]
        )
    name = slugify(target.resolve().name) or "briefing"
    title = title or target.resolve().name.replace("-", " ").replace("_", " ").title()
    url = url or _github_pages_url(target) or f"https://example.github.io/{name}/"
    local = now.astimezone(ZoneInfo(timezone)).replace(microsecond=0)
    files = {
        "site.yaml": SITE_YAML.format(
            title=json.dumps(title), url=url, name=name, timezone=timezone
        ),
        f"content/{local.date().isoformat()}-welcome.md": item_text(
            "How this briefing is published", local, tags=["meta"], source=FIRST_SOURCE,
            section="Technology", draft=False, body=FIRST_BODY,
        ),
        "themes/default/templates/README.md": THEME_README,
        ".github/workflows/pages.yml": WORKFLOW.format(requirement=_requirement()),
        ".gitignore": GITIGNORE,
    }  # fmt: skip
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
        written.append(path)
    return written


def _github_pages_url(target: Path) -> str | None:
    """https://owner.github.io/repo/ when the folder is a clone of a GitHub repository."""
    remote = _git(target, "config", "--get", "remote.origin.url") if target.is_dir() else None
    if not remote:
        return None
    found = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?$", remote)
    if not found:
        return None
    owner, repo = found.group(1).lower(), found.group(2)
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def _requirement() -> str:
    """How the workflow installs this very briefing.

    From the Git URL and commit it was installed from; for a checkout installed
    with ``pip install -e``, from that checkout's GitHub remote and commit; else
    the released version from PyPI.
    """
    try:
        direct = importlib.metadata.distribution("briefing").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        direct = None
    info = json.loads(direct) if direct else {}
    vcs = info.get("vcs_info")
    if vcs and vcs.get("vcs") == "git":
        return f'"briefing @ git+{info["url"]}@{vcs.get("commit_id", "")}"'
    if str(info.get("url", "")).startswith("file://"):
        checkout = Path(info["url"].removeprefix("file://"))
        remote = _git(checkout, "config", "--get", "remote.origin.url")
        commit = _git(checkout, "rev-parse", "HEAD")
        if remote and commit and "github.com" in remote:
            https = re.sub(r"^git@github\.com:", "https://github.com/", remote)
            return f'"briefing @ git+{https}@{commit}"'
    return f'"briefing=={__version__}"'


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
