"""The ``briefing`` command line: parse arguments, run a command, report, exit."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from generator.arguments import parser
from generator.errors import BuildFailed, SiteError, plural
from generator.text.urls import placeholder_host

# The stages are imported by the commands that use them: a command line starts in
# a few milliseconds, and `serve` can take over Ctrl-C before anything slow runs.
if TYPE_CHECKING:
    from generator.engine.build import BuildReport
    from generator.engine.options import BuildOptions, Scheduled
    from generator.project.config import SiteConfig

EXIT_OK = 0
EXIT_FAILED = 1


#: The exit status of a command stopped by Ctrl-C, as shells report it (128 + SIGINT).
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:  # fmt: skip
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        return _main(argv, out, err)
    except KeyboardInterrupt:
        # A build stopped half-way changed nothing published: nothing to clean up.
        print("interrupted", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `briefing build | head -1`: the reader left; the build itself is done. Point
        # stdout at nothing so that Python's flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # noqa: BLE001 - the last resort: one line, never a traceback
        print(_internal_error(), file=err)
        return EXIT_INTERNAL


#: The exit status of a bug in briefing (sysexits' EX_SOFTWARE).
EXIT_INTERNAL = 70
#: Where a bug is reported.
ISSUES = "https://github.com/briefing-dev/briefing/issues"


def _internal_error() -> str:
    """The line that stands for a bug in briefing: what happened and where the whole
    traceback is, for the report (a traceback means nothing to an editor)."""
    exc = sys.exc_info()[1]
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0][:200] if exc else "unknown"
    try:
        handle, log = tempfile.mkstemp(prefix="briefing-error-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(f"briefing {' '.join(sys.argv[1:])}\n\n{traceback.format_exc()}")
        where = f"the details are in {log}"
    except OSError:
        where = "the details could not be written down: run it again with -X dev"
    return (
        f"internal error: {summary}. This is a bug in briefing, not a problem with your "
        f"site; {where}. Please report it, with that file, at {ISSUES}"
    )


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on bad usage
        return int(exc.code or 0)
    site = getattr(args, "site", None)
    if isinstance(site, Path) and (problem := site_problem(site)) is not None:
        # Said before anything is written: a mistyped --site makes no folders.
        if getattr(args, "format", None) == "github":
            from generator.commands.check import github_annotation

            print(github_annotation(problem), file=err)
        else:
            report_errors([problem], err)
        return EXIT_FAILED
    if args.command == "serve":
        # Started in the background by a script, a process inherits SIGINT ignored;
        # the preview must stop on Ctrl-C whatever it is doing, even starting up.
        signal.signal(signal.SIGINT, _interrupt_starting)
    commands: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
        "build": _build,
        "check": _check,
        "email": _email,
        "feeds": _feeds,
        "new": _new,
        "init": _init,
        "import": _import,
        "serve": _serve,
    }
    return commands[args.command](args, out, err)


def site_problem(site: Path) -> SiteError | None:
    """What is wrong with ``--site``, if anything: it must be a folder holding site.yaml."""
    try:
        if not site.exists():
            return SiteError(
                "no such folder",
                path=str(site),
                hint="pass --site the folder that holds site.yaml (or start a site there "
                f"with `briefing init {site}`)",
            )
        if not site.is_dir():
            return SiteError(
                "is a file, not a folder", path=str(site), hint="pass --site the folder it is in"
            )
        if not (site / "site.yaml").is_file():
            return SiteError(
                f"no site.yaml in {site}",
                hint="run the command inside a site folder, or pass --site DIR",
            )
    except OSError as exc:
        return SiteError(
            f"cannot be read ({exc.strerror})", path=str(site), hint="check its permissions"
        )
    return None


#: How long after Ctrl-C a preview still starting up ends at the latest.
STARTING_SECONDS = 2.0


def _interrupt_starting(signum: int, frame: object) -> None:
    """Ctrl-C while ``serve`` starts (its modules load for a second or more): raise
    KeyboardInterrupt, and end the process STARTING_SECONDS later should Python drop it
    (raised inside a finalizer, "Exception ignored in ..."): a preview that went on
    starting would then serve until killed. Once serving, serve's own handler takes over."""
    timer = threading.Timer(STARTING_SECONDS, os._exit, args=(EXIT_INTERRUPTED,))
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def _options(args: argparse.Namespace, err: TextIO, output: Path | None = None) -> BuildOptions:
    from generator.engine.options import BuildOptions
    from generator.engine.workers import default_jobs

    return BuildOptions(
        use_cache=not getattr(args, "clean", False),
        force=getattr(args, "force", False),
        site_dir=args.site,
        output=output,
        drafts=args.drafts,
        future=args.future,
        now=args.now,
        jobs=max(1, args.jobs or default_jobs()),
        progress=_progress(err) if not args.quiet else None,
        notify=lambda message: print(message, file=err, flush=True),
    )


def _progress(err: TextIO) -> Callable[[str], None] | None:
    """Stage names on one rewritten line, on a terminal only: CI logs stay clean."""
    if not err.isatty() or os.environ.get("CI"):
        return None

    def show(stage: str) -> None:
        err.write(f"\r\033[Kbuilding: {stage}…")
        err.flush()

    return show


def _clear_progress(err: TextIO) -> None:
    if err.isatty() and not os.environ.get("CI"):
        err.write("\r\033[K")
        err.flush()


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.engine.build import build
    from generator.project.config import load_config

    options = _options(args, err, args.output)
    try:
        report = build(options)
    except BuildFailed as failed:
        _clear_progress(err)
        report_errors(failed.errors, err)
        print(f"build failed; the published site in {options.output_dir} was not changed",
              file=err)  # fmt: skip
        return EXIT_FAILED
    _clear_progress(err)
    for warning in report.warnings:
        print(f"warning: {warning}", file=err)
    if not args.quiet:
        print(summary(report, options), file=out)
        if report.scheduled:
            print(next_due(report.scheduled, load_config(args.site)), file=out)
    if args.report is not None:
        try:
            args.report.write_text(json.dumps(report_json(report), indent=2) + "\n", "utf-8")
        except OSError as exc:
            print(f"error: {args.report}: cannot write the report: {exc.strerror}; the site "
                  "was built", file=err)  # fmt: skip
            return EXIT_FAILED
    if args.verbose:
        print(f"  {report.cached} of {report.items} items from the build cache, "
              f"{plural(report.rendered, 'page')} rendered", file=out)  # fmt: skip
        for stage, seconds in report.stages.items():
            print(f"  {stage:<10} {seconds * 1000:8.1f} ms", file=out)
    return EXIT_OK


def _email(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.engine.build import build
    from generator.newsletter import outbox as mailout
    from generator.project.config import load_config

    if args.all and args.edition:
        print("error: name an edition or give --all, not both", file=err)
        return EXIT_FAILED
    asked = ("all",) if args.all else (args.edition,) if args.edition else ()
    options = replace(_options(args, err), emails=asked)
    try:
        config = load_config(args.site)
        if config.email is None:
            print(f"error: {config.path} turns the emails off (email: false); remove that "
                  "line to make them", file=err)  # fmt: skip
            return EXIT_FAILED
        root = mailout.language_root(config, args.lang)
        report = build(options)
        _clear_progress(err)
        dates = report.language_dates.get(args.lang, ()) if root else report.edition_dates
        editions = mailout.chosen(options.output_dir / root, dates, args.edition, args.all)
        unsubscribe = config.email.unsubscribe
        copied = (
            mailout.copy_out(editions, args.output, options.output_dir, unsubscribe)
            if args.output
            else []
        )
    except BuildFailed as failed:
        _clear_progress(err)
        report_errors(failed.errors, err)
        return EXIT_FAILED
    for warning in (*report.warnings, *mailout.setup_warnings(config)):
        print(f"warning: {warning}", file=err)
    if not args.quiet:
        print(summary(report, options), file=out)
        for edition in editions:
            print("\n".join(mailout.describe(edition, config)), file=out)
        for folder in copied:
            print(f"copied to {folder}{os.sep}", file=out)
    return EXIT_OK


def summary(report: BuildReport, options: BuildOptions) -> str:
    """The one line a build prints."""
    left_out = report.left_out()
    held = f"; left out: {left_out}" if left_out else ""
    return (
        f"built {plural(report.items, 'item')} in {plural(report.editions, 'edition')}, "
        f"{plural(report.tags, 'tag')}: {plural(report.files, 'file')} ({report.written} "
        f"written, {report.unchanged} unchanged, {report.removed} removed) into "
        f"{options.output_dir} in {report.seconds:.2f} s{held}"
    )


def report_json(report: BuildReport) -> dict[str, object]:
    """What ``build --report`` writes: the summary line's counts, and when the next
    scheduled item falls due (a deploy workflow skips its hourly runs until then)."""
    first = report.scheduled[0] if report.scheduled else None
    return {
        "items": report.items,
        "editions": report.editions,
        "tags": report.tags,
        "files": report.files,
        "written": report.written,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "drafts_left_out": report.drafts_left_out,
        "scheduled": len(report.scheduled),
        "next_due": first.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if first else None,
        "next_due_file": str(first.path) if first else None,
    }


def next_due(scheduled: Sequence[Scheduled], config: SiteConfig) -> str:
    """When to rebuild so that the next scheduled item appears."""
    first = scheduled[0]
    local = first.date.astimezone(config.timezone)
    return (
        f"next scheduled item due {local.isoformat(timespec='minutes')} "
        f"({first.date.astimezone(UTC).isoformat(timespec='minutes')}): {first.path}"
    )


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.commands.check import CheckReport, check_site, github_annotation
    from generator.engine.assemble import AssemblyFailed, assemble
    from generator.engine.publish import rehearse

    github = args.format == "github"
    options = _options(args, err)
    found: list[SiteError] = []
    unread: frozenset[str] = frozenset()
    try:
        assembled = assemble(options)
    except AssemblyFailed as failed:  # reported with what else is wrong, below
        assembled, unread, found = failed.assembled, failed.unread, [*failed.errors]
    except BuildFailed as failed:  # site.yaml or the theme: nothing to look at further
        _clear_progress(err)
        if github:
            for error in failed.errors:
                print(github_annotation(error), file=out)
        report_errors(failed.errors, err)
        return EXIT_FAILED
    try:
        rehearse(assembled, options.jobs)
    except BuildFailed as failed:
        found += failed.errors
    _clear_progress(err)
    checked = check_site(assembled, publishing=github, unread=unread)
    report = CheckReport(
        errors=tuple(
            sorted({str(e): e for e in (*found, *checked.errors)}.values(), key=SiteError.sort_key)
        ),
        warnings=checked.warnings,
    )
    problems = [*report.errors, *report.warnings]
    for problem in sorted(problems, key=SiteError.sort_key):
        if github:
            print(github_annotation(problem), file=out)
        else:
            kind = "warning: " if problem.kind == "warning" else ""
            text = str(problem)
            if kind and problem.path:
                text = text.replace(f"{problem.location}: ", f"{problem.location}: {kind}", 1)
            print(text if not kind or problem.path else kind + text, file=err)
    failing = bool(report.errors) or (args.strict and bool(report.warnings))
    if not args.quiet or failing:
        verdict = "failed" if failing else "passed"
        strict = " (--strict: warnings fail)" if args.strict and report.warnings else ""
        # Items with errors are not counted among those checked: no count then.
        items = f" in {plural(len(assembled.documents), 'item')}" if not unread else ""
        print(
            f"check {verdict}: {plural(len(report.errors), 'error')}, "
            f"{plural(len(report.warnings), 'warning')}{items}{strict}",
            file=err if failing else out,
        )
    return EXIT_FAILED if failing else EXIT_OK


def _import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.commands.importing import ImportFailed, ImportOptions, import_site, summary

    options = ImportOptions(
        source=args.source,
        dest=args.dest,
        generator=args.generator,
        url=args.url,
        permalink=args.permalink,
        timezone=args.timezone,
    )
    try:
        reports = import_site(options)
    except ImportFailed as failed:
        report_errors([failed], err)
        return EXIT_FAILED
    except OSError as exc:
        print(f"error: cannot import: {exc}", file=err)
        return EXIT_FAILED
    lines = list(summary(reports, args.dest))
    flagged = any(report.problems for report in reports)
    for line in lines[:-1]:
        needs_hand = ": needs a hand" in line
        if needs_hand or args.verbose or not args.quiet and len(reports) <= 50:
            print(line, file=err if needs_hand else out)
    if not args.quiet or flagged:
        print(lines[-1], file=err if flagged else out)
    return EXIT_FAILED if flagged else EXIT_OK


def _feeds(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.commands.feedlist import feed_lines, published_feeds
    from generator.engine.stage import OUTPUT_DIR
    from generator.project.config import load_config

    try:
        config = load_config(args.site)
        if args.hub:
            if config.websub:
                print(config.websub, file=out)
            return EXIT_OK
        files = published_feeds(args.output or args.site / OUTPUT_DIR)
    except BuildFailed as failed:
        report_errors(failed.errors, err)
        return EXIT_FAILED
    for line in feed_lines(config, files):
        print(line, file=out)
    return EXIT_OK


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.commands.new import new_item
    from generator.project.config import load_config

    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    # --author olena --author taras and --author olena,taras name the same two.
    authors = [a.strip() for given in args.author or () for a in given.split(",") if a.strip()]
    story = args.story.strip() if args.story is not None else None
    try:
        config = load_config(args.site)
        path = new_item(args.site, config, args.title, datetime.now(UTC), tags=tags,
                        source=args.source, section=args.section, authors=authors,
                        image=args.image, story=story, publish=args.publish)  # fmt: skip
    except BuildFailed as failed:
        report_errors(failed.errors, err)
        return EXIT_FAILED
    print(path, file=out)
    if args.verbose:
        publishing = "the next build publishes it" if args.publish else None
        print(publishing or "remove `draft: true` from it to publish", file=err)
    return EXIT_OK


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from generator.commands import provenance
    from generator.commands.init import init_site
    from generator.project import config as config_schema
    from generator.text.schema import Invalid

    try:
        # Validate what the user typed the same way site.yaml will be read.
        timezone = str(config_schema.FIELDS_BY_NAME["timezone"].coerce(args.timezone))
        if args.url is not None:
            config_schema.FIELDS_BY_NAME["url"].coerce(args.url)
    except Invalid as exc:
        print(f"{exc.message}" + (f"; {exc.hint}" if exc.hint else ""), file=err)
        return EXIT_FAILED
    try:
        generator = (
            provenance.given(args.generator) if args.generator is not None
            else provenance.installed()
        )  # fmt: skip
        written = init_site(args.folder, datetime.now(UTC), generator, title=args.title,
                            url=args.url, timezone=timezone)  # fmt: skip
    except BuildFailed as failed:
        report_errors(failed.errors, err)
        print("nothing was written", file=err)
        return EXIT_FAILED
    for warning in generator.warnings:
        print(f"warning: {warning}", file=err)
    config = config_schema.load_config(args.folder)
    if placeholder_host(config.url):
        where = config.value_at["url"]
        print(f"warning: {config.path}:{where.line}:{where.col}: url is a placeholder "
              f"({config.url}): set it to where the site will be published (the workflow's "
              "check fails until then)", file=err)  # fmt: skip
    if args.verbose:
        for path in written:
            print(path, file=out)
    if not args.quiet:
        print(f"created a briefing in {args.folder}: cd {args.folder} && briefing serve", file=out)
    return EXIT_OK


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from generator.engine.options import BuildOptions
        from generator.engine.workers import default_jobs
        from generator.serve.command import ServeOptions, serve
    except KeyboardInterrupt:
        print("stopped", file=out)
        return EXIT_OK
    options = ServeOptions(
        build=BuildOptions(
            site_dir=args.site,
            drafts=args.drafts,
            future=args.future,
            now=args.now,
            jobs=max(1, args.jobs or default_jobs()),
        ),  # fmt: skip
        port=args.port,
        verbose=args.verbose,
        quiet=args.quiet,
    )
    return serve(options, out, err)


def report_errors(errors: Sequence[SiteError], err: TextIO) -> None:
    for error in errors:
        print(f"{error}", file=err)
    print(plural(len(errors), "error"), file=err)
