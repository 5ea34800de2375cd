"""The ``briefing`` command line: parse arguments, run a command, report, exit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.build import OUTPUT_DIR, BuildOptions, build
from generator.errors import BuildFailed

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Build a static news-briefing site from Markdown summaries.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build_cmd = commands.add_parser(
        "build",
        help="build the site into _site/",
        description="Read site.yaml and content/, and write the static site.",
        epilog="example:\n  briefing build --site my-briefing --output public",
        formatter_class=_Formatter,
    )
    build_cmd.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder holding site.yaml (default: the current folder)",
    )
    build_cmd.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where to write the site (default: SITE/{OUTPUT_DIR})",
    )
    build_cmd.add_argument("--drafts", action="store_true", help="include items marked draft: true")
    _verbosity(build_cmd)
    return parser


def _verbosity(command: argparse.ArgumentParser) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="also print time per stage")


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on bad usage
        return int(exc.code or 0)
    if args.command == "build":
        return _build(args, out, err)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    options = BuildOptions(site_dir=args.site, output=args.output, drafts=args.drafts)
    try:
        report = build(options)
    except BuildFailed as failed:
        report_errors(failed, err)
        print(f"build failed; {options.output_dir} was left as it was", file=err)
        return EXIT_FAILED
    if not args.quiet:
        drafts = report.drafts_left_out
        left_out = f", {plural(drafts, 'draft')} left out" if drafts else ""
        print(
            f"built {plural(report.items, 'item')}, {plural(report.tags, 'tag')}: "
            f"{plural(report.files, 'file')} ({report.written} written, {report.unchanged} "
            f"unchanged, {report.removed} removed){left_out} into {options.output_dir} "
            f"in {report.seconds:.2f} s",
            file=out,
        )
    if args.verbose:
        for stage, seconds in report.stages.items():
            print(f"  {stage:<10} {seconds * 1000:8.1f} ms", file=out)
    return EXIT_OK


def report_errors(failed: BuildFailed, err: TextIO) -> None:
    for error in failed.errors:
        print(f"{error}", file=err)
    print(plural(len(failed.errors), "error"), file=err)


def plural(count: int, word: str) -> str:
    """'1 item', '2 items'."""
    return f"{count} {word}{'' if count == 1 else 's'}"
