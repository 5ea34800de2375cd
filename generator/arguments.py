"""The command line's commands and options, as a table, and the parser made from it."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from generator import __version__
from generator.engine.stage import OUTPUT_DIR


@dataclass(frozen=True, slots=True)
class Option:
    """One argument of a command, as `add_argument` takes it."""

    flags: tuple[str, ...]
    help: str
    #: The rest of `add_argument`'s keywords: type, default, metavar, action, choices.
    given: Mapping[str, Any] = field(default_factory=dict)
    #: Options of the same group exclude each other (-q and -v).
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    description: str
    epilog: str
    options: tuple[Option, ...]


def moment(text: str) -> datetime:
    """An ISO 8601 moment with its offset, for --now."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give an offset, e.g. {text}+03:00")
    return when


def max_jobs() -> int:
    """The most processes a build starts: four per core (more only wait on each other
    and take memory)."""
    return (os.cpu_count() or 1) * 4


def jobs(text: str) -> int:
    """``--jobs``: a whole number of processes, from 1 to max_jobs()."""
    try:
        count = int(text)
    except ValueError:
        message = f"give a whole number of processes, not {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not 1 <= count <= max_jobs():
        raise argparse.ArgumentTypeError(
            f"give a number of processes from 1 to {max_jobs()}, four per core (the "
            "default: one per core)"
        )
    return count


SITE = Option(
    ("--site",), "the site folder holding site.yaml (default: the current folder)",
    {"type": Path, "default": Path("."), "metavar": "DIR"},
)  # fmt: skip
#: The generators `briefing import` reads (generator.commands.legacy.GENERATORS).
IMPORTED = ("jekyll", "hugo", "pelican", "docusaurus")
#: Which items a build takes, and with how many processes.
SCHEDULING = (
    Option(("--jobs", "-j"),
           "processes for Markdown, templates and the search index (default: one per CPU core)",
           {"type": jobs, "default": None, "metavar": "N"}),
    Option(("--drafts",), "include items marked draft: true", {"action": "store_true"}),
    Option(("--future",), "include items dated after now (scheduled items)",
           {"action": "store_true"}),
    Option(("--now",), "decide which items are due as if it were this ISO 8601 moment, "
           "e.g. 2025-07-22T09:00:00+03:00 (default: the current time)",
           {"type": moment, "default": None, "metavar": "DATETIME"}),
)  # fmt: skip


def loudness(verbose: str = "print more detail") -> tuple[Option, ...]:
    return (
        Option(("-q", "--quiet"), "print errors only", {"action": "store_true"}, "loudness"),
        Option(("-v", "--verbose"), verbose, {"action": "store_true"}, "loudness"),
    )


BUILD_SITE = (SITE, *SCHEDULING, *loudness())

COMMANDS = (
    Command(
        "build",
        "build the site into _site/",
        "Read site.yaml and content/, and write the static site. Nothing is written when any "
        "file has an error; the previous site stays as it was.",
        "examples:\n  briefing build\n  briefing build --site my-briefing --output public"
        "\n  briefing build --drafts --future     # preview everything",
        (
            *BUILD_SITE,
            Option(("--output", "-o"), f"where to write the site (default: SITE/{OUTPUT_DIR})",
                   {"type": Path, "default": None, "metavar": "DIR"}),
            Option(("--clean",), "ignore the build cache (.briefing-cache/) and parse and "
                   "render everything", {"action": "store_true"}),
            Option(("--force",), "build into a folder briefing did not make: its files are "
                   "kept, except where the site puts its own", {"action": "store_true"}),
            Option(("--report",), "also write what the build did as JSON, for scripts: "
                   "counts, and next_due, the UTC moment the next scheduled item falls due "
                   "(null when none is)", {"type": Path, "default": None, "metavar": "FILE"}),
        ),
    ),
    Command(
        "check",
        "check site.yaml, content and links without writing anything",
        "Report every error a build would, plus broken links to pages of this site (errors) "
        "and curated-link hygiene (warnings): tracking parameters, the same article "
        "summarised twice, plain-http sources. Exit status 0 when clean.",
        "examples:\n  briefing check\n  briefing check --strict --format github",
        (
            *BUILD_SITE,
            Option(("--strict",), "fail on warnings too", {"action": "store_true"}),
            Option(("--format",), "'github' prints GitHub Actions annotations for pull "
                   "requests (default: text)", {"choices": ("text", "github"), "default": "text"}),
        ),
    ),
    Command(
        "feeds",
        "list the feeds a built site publishes, for scripts",
        "Print one line per feed of the site built in the output folder: its absolute URL "
        "and its path there (from the build's own list of what it wrote). The Pages "
        "workflow compares them with the published ones and tells site.yaml's WebSub hub "
        "which changed. With --hub, print that hub's URL instead (nothing when there is "
        "none).",
        "examples:\n  briefing feeds\n  briefing feeds --hub",
        (
            SITE,
            Option(("--output", "-o"), f"the folder the site was built into (default: "
                   f"SITE/{OUTPUT_DIR})", {"type": Path, "default": None, "metavar": "DIR"}),
            Option(("--hub",), "print site.yaml's websub hub, or nothing",
                   {"action": "store_true"}),
        ),
    ),
    Command(
        "new",
        "start a new item file in content/",
        "Write content/<date>-<slug>.md with its front matter filled in (the current time in "
        "the site's timezone, draft: true) and print its path; with --image, a folder "
        "content/<date>-<slug>/ holding index.md and a copy of the picture. An existing item "
        "with the same slug is an error; nothing is overwritten.",
        'examples:\n  briefing new "ECB holds rates" --tags economy,europe \\\n'
        "      --source https://www.reuters.com/... --section Economy\n"
        '  briefing new "Grain corridor reopens" --author olena --story "Grain deal" \\\n'
        "      --image ~/Pictures/port.jpg --source https://apnews.com/... --publish",
        (
            Option(("title",), "the item's title"),
            Option(("--tags",), "comma-separated tags", {"default": "", "metavar": "A,B"}),
            Option(("--source",), "the summarised article", {"default": None, "metavar": "URL"}),
            Option(("--section",), "one of site.yaml's sections",
                   {"default": None, "metavar": "NAME"}),
            Option(("--author",), "who wrote it: a key of site.yaml's authors when it has "
                   "them; repeat it or separate names with commas for several",
                   {"action": "append", "default": None, "metavar": "NAME"}),
            Option(("--image",), "a lead picture (.png, .jpg, .webp ...): copied beside the "
                   "item, which gets a folder of its own",
                   {"type": Path, "default": None, "metavar": "FILE"}),
            Option(("--story",), "the running story it belongs to; its items share the name",
                   {"default": None, "metavar": "NAME"}),
            Option(("--publish",), "write it without draft: true, so the next build "
                   "publishes it (needs --source)", {"action": "store_true"}),
            SITE,
            *loudness(),
        ),
    ),
    Command(
        "init",
        "create a new briefing site, ready for GitHub Pages",
        "Create site.yaml (with comments), a first item, the theme folder and a GitHub "
        "Actions workflow that checks, builds and publishes the site to GitHub Pages. The "
        "folder must be new or empty.",
        'example:\n  briefing init my-briefing --title "Morning Briefing" '
        "--timezone Europe/Kyiv\n  cd my-briefing && briefing serve",
        (
            Option(("folder",), "the folder to create the site in", {"type": Path}),
            Option(("--title",), "the site's name (default: from the folder)",
                   {"default": None}),
            Option(("--url",), "where it will be published (default: from the folder's "
                   "GitHub remote)", {"default": None}),
            Option(("--timezone",), "the editorial time zone (default: UTC)",
                   {"default": "UTC"}),
            Option(("--generator",), "what the Pages workflow installs: "
                   "git+https://HOST/OWNER/REPO@COMMIT (a full commit), or a folder of the "
                   "site holding briefing (default: the Git URL and commit this briefing was "
                   "installed from; an error when that cannot be told)",
                   {"default": None, "metavar": "SPEC"}),
            *loudness("list the files written"),
        ),
    ),
    Command(
        "import",
        "convert another generator's posts into a new briefing site",
        "Read a folder of Jekyll, Hugo, Pelican or Docusaurus posts (the source is never "
        "changed) and write a new site: site.yaml and content/, one item per post. Keys are "
        "renamed to briefing's, what only shaped the old pages is dropped, the rest kept "
        "under extra, and each post's source is its old address. Pictures a post links to "
        "are copied beside it. Each file gets a line saying what changed; the exit status "
        "is 1 when any needs a hand.",
        "examples:\n  briefing import _posts my-briefing\n"
        "  briefing import content twir --url https://this-week-in-rust.org\n"
        '  briefing import blog news --permalink "/en/blog/:category/:slug"',
        (
            Option(("source",), "the folder of posts", {"type": Path}),
            Option(("dest",), "the new site's folder (new or empty)", {"type": Path}),
            Option(("--from",), "the old generator (default: told by its configuration "
                   "beside the posts, else by the posts)",
                   {"choices": IMPORTED, "default": None, "dest": "generator"}),
            Option(("--url",), "where the old site was published (default: from its "
                   "configuration)", {"default": None}),
            Option(("--permalink",), "the old address of a post, from :year :month :day "
                   ":slug :category :section (default: the generator's)",
                   {"default": None, "metavar": "PATTERN"}),
            Option(("--timezone",), "the time zone of dates written without an offset "
                   "(default: the old site's, else UTC)", {"default": None}),
            *loudness(),
        ),
    ),
    Command(
        "email",
        "build, and show or copy an edition as an email for a newsletter service",
        "Build the site with the emails asked for (every build writes the newest editions as "
        f"emails into {OUTPUT_DIR}/email/<date>/: index.html with its styles inlined, "
        "email.txt, and edition.eml holding both; site.yaml's email.latest says how many), "
        "then name each email asked for, and copy it with --output.",
        "examples:\n  briefing email                 # the latest edition\n"
        "  briefing email 2025-07-22      # by date, or by number: briefing email 12\n"
        "  briefing email --all --output outbox",
        (
            Option(("edition",), "a date (2025-07-22) or number (12); default: the latest",
                   {"nargs": "?", "default": None, "metavar": "EDITION"}),
            Option(("--all",), "every edition", {"action": "store_true"}),
            Option(("--lang",), "the editions in another language than the site's default, "
                   "by its tag in site.yaml's languages (uk)", {"default": None, "metavar": "TAG"}),
            Option(("--output", "-o"), "copy each email's files into DIR/<date>/ as well",
                   {"type": Path, "default": None, "metavar": "DIR"}),
            *BUILD_SITE,
        ),
    ),
    Command(
        "serve",
        "preview the site, rebuilding and reloading as you edit",
        "Build into a temporary folder and serve it on 127.0.0.1 under the same path as the "
        "published site. Changes to content/, themes/ and site.yaml rebuild it and reload "
        "open pages; a failed rebuild keeps the last good site and shows the errors over "
        "the page. Ctrl-C stops it.",
        "examples:\n  briefing serve\n  briefing serve --port 8080 --drafts --future",
        (
            *BUILD_SITE,
            Option(("--port", "-p"), "port (default: 8000; 0 picks one)",
                   {"type": int, "default": 8000}),
        ),
    ),
)  # fmt: skip


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def parser() -> argparse.ArgumentParser:
    """The parser of every command in COMMANDS."""
    made = argparse.ArgumentParser(
        prog="briefing",
        description="Build and preview a static news-briefing site from Markdown summaries.",
        epilog="Run 'briefing COMMAND --help' for a command's options.",
        formatter_class=_Formatter,
    )
    made.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = made.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            epilog=command.epilog,
            formatter_class=_Formatter,
        )
        groups: dict[str, Any] = {}
        for option in command.options:
            target = sub
            if option.group is not None:
                if option.group not in groups:
                    groups[option.group] = sub.add_mutually_exclusive_group()
                target = groups[option.group]
            target.add_argument(*option.flags, help=option.help, **option.given)
    return made
