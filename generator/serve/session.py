"""The session ``serve`` keeps: builds of the previewed site, each taking what the last
one learnt, an edited item's page put in place before the rebuild confirms it, and
what the editor reads after each build."""

from __future__ import annotations

import time
import traceback
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from generator.engine import stage
from generator.engine.build import BuildReport, build
from generator.engine.cache import Parsed
from generator.engine.options import CONTENT_DIR, BuildOptions
from generator.engine.parse import parse_one, read_content
from generator.engine.state import Session
from generator.engine.store import MemoryLog
from generator.errors import BuildFailed, SiteError, plural
from generator.model.languages import page_alternates
from generator.model.records import Document, Rendered, Site
from generator.plan import graph
from generator.plan.layout import item_page
from generator.project.config import SiteConfig, load_config
from generator.reading import collect
from generator.render.templates import Renderer
from generator.render.views import Views
from generator.search.background import BackgroundIndex
from generator.serve.reload import BuildState
from generator.text.urls import OutputPath


class Preview:
    """Builds the previewed site, keeping what each build learns for the next."""

    def __init__(
        self,
        options: BuildOptions,
        state: BuildState,
        out: TextIO,
        err: TextIO,
        quiet: bool,
        search: BackgroundIndex,
    ) -> None:
        self.options = options
        self.search = search
        self.state = state
        self.out, self.err = out, err
        self.quiet = quiet
        self.session = Session.for_preview(options)
        # Parts an earlier build or preview made: a start indexes only what changed since.
        search.kept = self.session.search_parts
        search.code = self.session.key
        self.serving = False
        #: After a failed rebuild, the next looks at every file: the files that failed
        #: it are no longer among the changes it hears of.
        self.rescan = False
        #: Warnings already printed, so that each is printed when it first appears.
        self.warned: set[str] = set()

    def fill_stage(self) -> None:
        try:
            fill_stage(self.options, self.session)
        except OSError as exc:
            print(f"cannot prepare the staging folder: {exc}", file=self.err)

    def rebuild(self, jobs: int = 1, changed: set[str] | None = None) -> None:
        started = time.perf_counter()
        site_dir = self.options.site_dir
        if self.rescan:
            changed, self.rescan = None, False
        elif changed:
            self._first_look(changed)
        try:
            report = build(replace(self.options, jobs=jobs), self.session, changed)
            config = load_config(site_dir)
        except BuildFailed as failed:
            self._failed([_shown(e, site_dir) for e in failed.errors])
            return
        except OSError as exc:
            # Files vanishing mid-rebuild (a git checkout), too many open files: the
            # next save rebuilds again; until then the last good site stays.
            self._failed([f"cannot read the site: {exc}"])
            return
        except Exception:  # noqa: BLE001 - a bug must not stop the preview
            self._failed(["internal error in briefing:", *traceback.format_exc().splitlines()])
            return
        self.serving = True
        self.state.publish([], config.base_path, report.changed, _left_out_note(report), config.url)
        if not self.quiet:
            print(_rebuilt(report, time.perf_counter() - started), file=self.out, flush=True)
        self._warn(report.warnings)
        self.index()

    def index(self) -> None:
        """Have the last good build's site indexed for search, once the thread is free."""
        last = self.session.last
        if last is not None:
            versions = last.versions or graph.versions(last.site)
            self.search.update(last.site, versions, self.state.good)

    def _warn(self, warnings: tuple[str, ...]) -> None:
        """Each warning once, when it first appears: not again on every keystroke."""
        new = [w for w in warnings if w not in self.warned]
        self.warned = set(warnings)
        for warning in new:
            print(f"warning: {_relative(warning, self.options.site_dir)}", file=self.err)

    def _first_look(self, changed: set[str]) -> None:
        """Serve the pages of edited items at once, and have their words indexed for
        search, before the rebuild catches up."""
        try:
            look = preview_first(self.options, self.session, changed)
        except (BuildFailed, OSError):
            return  # the rebuild that follows reports it
        if look is not None:
            self.state.publish([], None, frozenset(look.files))
            # The words are searchable while the rebuild runs, not after it: that site
            # is the rebuild's, whose own round then finds every part made.
            self.search.update(look.site, look.versions, self.state.good)

    def _failed(self, lines: list[str]) -> None:
        self.rescan = True
        self.state.publish(lines)
        print("\n".join(lines), file=self.err)
        print(
            f"build failed ({plural(len(lines), 'error')}); still serving the last good build",
            file=self.err,
            flush=True,
        )


def _shown(error: SiteError, site_dir: Path) -> str:
    """An error with its path relative to the site, as an editor reads it in the browser."""
    return _relative(str(error), site_dir)


def _relative(text: str, site_dir: Path) -> str:
    prefix = f"{site_dir}/"
    return text[len(prefix) :] if prefix != "./" and text.startswith(prefix) else text


def _left_out_note(report: BuildReport) -> str:
    """The preview's banner: what the site has that the preview does not show, and how
    to see it (an editor who runs `briefing new`, which writes a draft, sees why the
    item is not there)."""
    left_out = report.left_out(when=True)
    if not left_out:
        return ""
    how = []
    if report.drafts_left_out:
        how.append("serve --drafts shows drafts")
    if report.scheduled:
        how.append("serve --future shows scheduled items")
    return f"Not shown: {left_out}. ({'; '.join(how)}.)"


def _rebuilt(report: BuildReport, seconds: float) -> str:
    changed = plural(report.written + report.removed, "file")
    rendered = plural(report.rendered, "page")
    left_out = report.left_out(when=True)
    return (
        f"built {plural(report.items, 'item')}: {rendered} rendered, {changed} changed, "
        f"in {seconds * 1000:.0f} ms" + (f"; left out: {left_out}" if left_out else "")
    )


@dataclass(frozen=True, slots=True)
class FirstLook:
    """The pages of edited items, put in place before the rebuild, and the site as the
    rebuild will model it, with its versions: enough to index the edit for search."""

    files: list[OutputPath]
    site: Site
    versions: Mapping[str, str]


def preview_first(
    options: BuildOptions, session: Session, changed: Collection[str]
) -> FirstLook | None:
    """For ``serve``: the pages of items whose body alone changed, rendered and put in
    place before the rebuild that follows, which renders them again (Hugo's "fast
    render": the edited page first).

    An edit of the body leaves every other item and the layout as they were, so the
    item's page is exactly what the full rebuild will make of it. Any other change
    (front matter, a new file, an error) is left to the rebuild. None if no page could
    be put in place so.
    """
    last, log = session.last, session.log
    if last is None or not isinstance(log, MemoryLog) or log.state.live is None:
        return None
    # Each language's site, and where each item is: which language, which place.
    languages = list(last.site.every_language)
    where = {
        item.path: (number, index)
        for number, one in enumerate(languages)
        for index, item in enumerate(one.items)
    }
    revised: list[tuple[int, int]] = []
    for rel in sorted(changed):
        found = _body_edit(options, session, last.site.config, rel)
        if found is not None and found[0].path in where:
            number, index = where[found[0].path]
            one = languages[number]
            languages[number], _ = collect.with_new_body(one, one.items[index], *found)
            revised.append((number, index))
    if not revised:
        return None
    site = (
        replace(languages[0], languages=tuple(languages[1:]))
        if len(languages) > 1
        else languages[0]
    )
    views = {number: Views(languages[number]) for number, _ in revised}
    alternates = page_alternates(site)
    renderer = Renderer(session.environment(last.theme, last.theme_digest), last.theme)
    done = []
    with stage.locked(options.output_dir):
        for number, index in revised:
            page = item_page(languages[number], views[number], index, alternates)
            assert page.template is not None
            data = renderer.render(page.template, page.origin, page.make)
            if data is not None:
                log.forget(page.file, stage.publish_one(options.output_dir, page.file, data))
                done.append(page.file)
    if not done:
        return None
    before = last.versions or graph.versions(last.site)
    # The other items are the very same objects: only the edited items and the cards
    # under their editions' headings (which hold the word count) are digested again.
    return FirstLook(done, site, graph.versions(site, (last.site, before)))


def _body_edit(
    options: BuildOptions, session: Session, config: SiteConfig, rel: str
) -> tuple[Document, Rendered] | None:
    """The item at ``rel`` parsed afresh, if only its body differs from the last build's."""
    seen = session.seen.get(rel)
    before = session.parsed.get(seen.key) if seen else None
    source = read_content(options.site_dir / CONTENT_DIR, rel)
    if before is None or source is None or not isinstance(before.document, Document):
        return None
    outcome = parse_one(source, config)
    if not isinstance(outcome, Parsed) or not isinstance(outcome.document, Document):
        return None
    doc, old = outcome.document, before.document
    if (doc.meta, doc.stem, doc.path) != (old.meta, old.stem, old.path):
        return None
    return doc, outcome.rendered


def fill_stage(options: BuildOptions, session: Session) -> None:
    """Fill the staging folder with links to every published file, when it has none.

    A first build moves its staging folder into place, so the next one would link
    every file; ``serve`` does that now, before the editor's first edit.
    """
    log = session.log
    output = options.output_dir
    if not isinstance(log, MemoryLog) or log.state.live is None:
        return
    state = log.load(stage.folder_id(output), stage.folder_id(stage.stage_dir(output)))
    if state.live is None or state.staged is not None:
        return
    manifest = {file: digest for file, (_, digest) in state.live.items()}
    with stage.locked(output):
        staging = stage.Stage(output, manifest, None)
        staging.complete(manifest)
        log.record_staged(stage.folder_id(staging.dir), dict(staging.staged))
