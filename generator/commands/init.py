"""``briefing init``: a new briefing site, ready to publish on GitHub Pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.commands.new import item_text
from generator.commands.provenance import Generator, git_output
from generator.errors import BuildFailed, ConfigError
from generator.text.urls import slugify

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

#: The Pages workflow; @INSTALL@ becomes what installs briefing (never a name on an
#: index, see generator.commands.provenance) and @CHECKOUT@ the checkout's options.
WORKFLOW = """\
# Build the briefing and publish it with GitHub Pages (Settings > Pages > Source:
# GitHub Actions). Runs on every push to main, by hand, and hourly so that items
# scheduled for later appear once they fall due. An hourly run that finds nothing
# due since the last deploy of the same commit stops after one step.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:

# None by default: each job asks for what it needs. The build, which runs the
# site's own content and templates, can only read the repository.
permissions: {}

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    env:
      # Optional: a repository secret (Settings > Secrets and variables > Actions >
      # New repository secret, BRIEFING_CACHE_SECRET, a value from
      # `openssl rand -hex 32`). With it, each deploy keeps its build cache for the
      # next, which proves the cache with the secret: a deploy after one edit parses,
      # renders and indexes for search only what changed. Without it, every deploy
      # builds from nothing.
      BRIEFING_CACHE_SECRET: ${{ secrets.BRIEFING_CACHE_SECRET }}
    outputs:
      build: ${{ steps.due.outputs.build }}
      deployed: ${{ steps.note.outputs.deployed }}
      websub_hub: ${{ steps.websub.outputs.hub }}
      websub_feeds: ${{ steps.websub.outputs.feeds }}
    steps:
      - name: What the last deploy held
        if: github.event_name == 'schedule'
        uses: actions/cache/restore@v6
        with:
          path: .briefing-deployed
          key: briefing-deployed-${{ github.run_id }}
          restore-keys: briefing-deployed-
      - name: Anything to publish?
        id: due
        run: |
          # A push or a run by hand always builds. An hourly run builds when the
          # last deploy was of another commit, when an item it left out has fallen
          # due since, or when no deploy is on record.
          build=true
          if [ "$GITHUB_EVENT_NAME" = schedule ] && [ -f .briefing-deployed ]; then
            read -r commit due < .briefing-deployed
            [ "$due" != none ] || due=99999999999
            if [ "$commit" = "$GITHUB_SHA" ] && [ "$(date -u +%s)" -lt "$due" ]; then
              build=false
              echo "Nothing to publish: $commit is deployed, next item due at $due (Unix time)"
            fi
          fi
          echo "build=$build" >> "$GITHUB_OUTPUT"
      - uses: actions/checkout@v6
        if: steps.due.outputs.build == 'true'
        with:
          persist-credentials: false@CHECKOUT@
      - uses: actions/setup-python@v6
        if: steps.due.outputs.build == 'true'
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: .github/workflows/pages.yml
      - name: Install briefing
        if: steps.due.outputs.build == 'true'
        run: python -m pip install @INSTALL@
      - name: Check content and links
        if: steps.due.outputs.build == 'true'
        run: briefing check --format github
      - name: The last deploy's build cache
        if: steps.due.outputs.build == 'true' && env.BRIEFING_CACHE_SECRET != ''
        uses: actions/cache/restore@v6
        with:
          path: .briefing-cache
          key: briefing-cache-${{ github.run_id }}
          restore-keys: briefing-cache-
      - name: Build
        if: steps.due.outputs.build == 'true'
        # Without the secret, --clean: no cache is used, whatever the checkout holds.
        # With it, a cache that the secret does not prove is discarded, entry by entry.
        run: |
          if [ -n "$BRIEFING_CACHE_SECRET" ]; then
            briefing build --report "$RUNNER_TEMP/build.json"
          else
            briefing build --clean --report "$RUNNER_TEMP/build.json"
          fi
      - name: Keep the build cache for the next deploy
        if: steps.due.outputs.build == 'true' && env.BRIEFING_CACHE_SECRET != ''
        uses: actions/cache/save@v6
        with:
          path: .briefing-cache
          key: briefing-cache-${{ github.run_id }}-${{ github.run_attempt }}
      - name: Feeds that changed, for the WebSub hub
        id: websub
        if: steps.due.outputs.build == 'true'
        # With `websub:` in site.yaml: each feed whose bytes differ from the published
        # one (or that is new) is news for the hub, told after the deploy below.
        run: |
          hub=$(briefing feeds --hub)
          echo "hub=$hub" >> "$GITHUB_OUTPUT"
          [ -n "$hub" ] || exit 0
          : > "$RUNNER_TEMP/changed-feeds"
          briefing feeds | while read -r url file; do
            if ! curl -fsSL --max-time 20 -o "$RUNNER_TEMP/published-feed" "$url" \\
                || ! cmp -s "$RUNNER_TEMP/published-feed" "_site/$file"; then
              echo "$url" >> "$RUNNER_TEMP/changed-feeds"
            fi
          done
          echo "$(wc -l < "$RUNNER_TEMP/changed-feeds") feeds changed"
          { echo "feeds<<END_OF_FEEDS"; cat "$RUNNER_TEMP/changed-feeds"; echo END_OF_FEEDS; } \\
            >> "$GITHUB_OUTPUT"
      - name: Note what this deploy holds
        id: note
        if: steps.due.outputs.build == 'true'
        run: |
          due=$(jq -r '.next_due // "none"' "$RUNNER_TEMP/build.json")
          [ "$due" = none ] || due=$(date -u -d "$due" +%s)
          echo "deployed=$GITHUB_SHA $due" >> "$GITHUB_OUTPUT"
          # The output manifest is the build's own record, not part of the site.
          rm _site/.briefing-output.json
      - uses: actions/upload-pages-artifact@v5
        if: steps.due.outputs.build == 'true'
        with:
          path: _site
          # For .well-known/ (static/.well-known/ in the site); .git and .github never.
          include-hidden-files: true

  deploy:
    needs: build
    if: needs.build.outputs.build == 'true'
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
      - name: Remember what was deployed
        env:
          DEPLOYED: ${{ needs.build.outputs.deployed }}
        run: echo "$DEPLOYED" > .briefing-deployed
      - uses: actions/cache/save@v6
        with:
          path: .briefing-deployed
          key: briefing-deployed-${{ github.run_id }}-${{ github.run_attempt }}
      - name: Tell the WebSub hub which feeds changed
        if: needs.build.outputs.websub_hub != ''
        # A hub that is down must not fail a deploy that worked: a warning, no more.
        continue-on-error: true
        env:
          HUB: ${{ needs.build.outputs.websub_hub }}
          FEEDS: ${{ needs.build.outputs.websub_feeds }}
        run: |
          printf '%s\\n' "$FEEDS" | while read -r url; do
            [ -n "$url" ] || continue
            curl -fsS --max-time 20 -o /dev/null -d hub.mode=publish \\
                --data-urlencode "hub.url=$url" "$HUB" \\
              || echo "::warning::the WebSub hub $HUB did not take $url"
          done
"""


def workflow(generator: Generator) -> str:
    """The Pages workflow for a site whose briefing is installed as ``generator`` says."""
    # A generator kept in the site's repository may be a Git submodule.
    checkout = (
        "\n          submodules: true" if generator.in_site and generator.requirement != "." else ""
    )
    return WORKFLOW.replace("@INSTALL@", generator.requirement).replace("@CHECKOUT@", checkout)


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


def init_site(target: Path, now: datetime, generator: Generator, *, title: str | None = None,
              url: str | None = None, timezone: str = "UTC") -> list[Path]:  # fmt: skip
    """Create a new site in ``target`` (empty or missing) whose workflow installs
    ``generator``; return the files written."""
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
        ".github/workflows/pages.yml": workflow(generator),
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
    remote = git_output(target, "config", "--get", "remote.origin.url") if target.is_dir() else None
    if not remote:
        return None
    found = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?$", remote)
    if not found:
        return None
    owner, repo = found.group(1).lower(), found.group(2)
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"
