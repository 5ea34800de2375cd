"""A site read, checked, modelled and planned, every problem reported at once."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from generator.engine.options import CONTENT_DIR, BuildOptions, Clock, Scheduled
from generator.engine.parse import assets_of, parse_content, read_inputs
from generator.engine.state import Assembled, Inputs, Session
from generator.errors import (
    BuildFailed,
    ConfigError,
    ContentError,
    ErrorLog,
    SiteError,
    plural,
)
from generator.model.records import Document, EditionNote, PageDocument, Site, StoryNote
from generator.plan.page import Page
from generator.plan.pages import plan
from generator.project.config import SiteConfig
from generator.project.theme import ThemeFiles
from generator.reading.assets import picture_size
from generator.reading.attach import ContentFiles, missing_files
from generator.reading.collect import collect_site
from generator.reading.sources import MARKDOWN_SUFFIXES
from generator.render.views import Views
from generator.render.words import with_words


def assemble(
    options: BuildOptions,
    session: Session | None = None,
    inputs: Inputs | None = None,
    now: datetime | None = None,
    clock: Clock | None = None,
) -> Assembled:
    """Read, check, model and plan the whole site; raise BuildFailed listing every problem."""
    clock = clock or Clock(options.progress)
    session = session or Session.in_memory()
    now = now or options.now or datetime.now(UTC)
    errors = ErrorLog()
    if inputs is None:
        with clock.stage("read"):
            inputs = read_inputs(options, session.seen if options.use_cache else {})
    config = inputs.config
    errors.extend(inputs.discovery.errors)
    with clock.stage("parse"):
        parsed, cached, failures = parse_content(options, session, inputs, config)
        errors.extend(failures.errors)
    if not parsed and not failures.errors and not failures.drafts and inputs.discovery.seen:
        errors.extend([_no_items(options, len(inputs.discovery.seen))])
    documents = [p.document for p in parsed if isinstance(p.document, Document)]
    notes = [(p.document, p.rendered) for p in parsed if isinstance(p.document, EditionNote)]
    stories = [(p.document, p.rendered) for p in parsed if isinstance(p.document, StoryNote)]
    standalone = [
        (p.document, p.rendered)
        for p in parsed
        if isinstance(p.document, PageDocument) and (options.drafts or not p.document.draft)
    ]
    rendered = {p.document.path: p.rendered for p in parsed}
    drafts_left_out = failures.drafts + sum(
        1 for p in parsed if _is_draft(p.document) and not options.drafts
    )
    due, scheduled = _due(documents, options, now)
    with clock.stage("collect"):
        files = ContentFiles(
            rels={p.document.path: p.rel for p in parsed},
            assets=assets_of(inputs.discovery.seen),
        )
        due_pairs = [(d, rendered[d.path]) for d in due]
        preview_size = _preview_size(config, inputs.theme)
        site, collisions = collect_site(
            config,
            due_pairs,
            notes,
            files,
            standalone,
            preview_size,
            _static_pictures(inputs),
            stories,
            session.made,
        )
        errors.extend(collisions)
        site, word_notes = with_words(site, inputs.theme)
    with clock.stage("plan"):
        pages = _planned(site, inputs, options, session, errors)
    assembled = Assembled(
        site=site,
        config_bytes=inputs.config_bytes,
        theme=inputs.theme,
        theme_digest=inputs.theme_digest,
        pages=pages,
        documents=tuple(documents),
        drafts_left_out=drafts_left_out,
        scheduled=tuple(scheduled) if not options.future else (),
        cached=sum(1 for d in due if d.path in cached),
        due_from=None if options.future else max((d.meta.date for d in due), default=None),
        due_until=None if options.future or not scheduled else scheduled[0].date,
        warnings=tuple(
            sorted([*(w for p in parsed for w in p.warnings), *word_notes], key=SiteError.sort_key)
        ),
        story_files=tuple(note for note, _ in stories),
    )
    if errors.errors:
        unread = frozenset(e.path for e in failures.errors if e.path)
        raise AssemblyFailed(errors.errors, assembled, unread=unread)
    return assembled


def _due(
    documents: list[Document], options: BuildOptions, now: datetime
) -> tuple[list[Document], list[Scheduled]]:
    """The items the site shows now, and those scheduled for later, soonest first."""
    due = [doc for doc in documents if options.drafts or not doc.meta.draft]
    scheduled = sorted(
        (Scheduled(doc.path, doc.meta.date) for doc in due if doc.meta.date > now),
        key=lambda s: (s.date, s.path),
    )
    if not options.future:
        due = [doc for doc in due if doc.meta.date <= now]
    return due, scheduled


def _planned(
    site: Site, inputs: Inputs, options: BuildOptions, session: Session, errors: ErrorLog
) -> list[Page]:
    """Every output file of ``site``, the files items link to checked against them.

    An error so far stops the build, but not the look for more: the plan is made anyway,
    so that one misspelt author does not hide fifty broken links until it is fixed. Its
    clashes are then left out: they may be what was reported (two items, one slug).
    """
    earlier = bool(errors.errors)
    pages, clashes = plan(site, Views(site), inputs.theme, options.emails, session.pictures)
    if not earlier:
        errors.extend(clashes)
    planned = {page.file for page in pages}
    for one in site.every_language:
        stories = [group.story for group in one.stories]
        errors.extend(missing_files((*one.items, *one.pages, *stories), planned, one.config))
    errors.extend(_missing_preview(site.config, planned))
    return pages


class AssemblyFailed(BuildFailed):
    """A site with errors, assembled as far as it could be: ``briefing check`` looks
    at it for the problems the errors would otherwise hide."""

    def __init__(
        self, errors: Iterable[SiteError], assembled: Assembled, *, unread: frozenset[str]
    ) -> None:
        super().__init__(errors)
        self.assembled = assembled
        #: The content files that could not be read for their errors: a link to the page
        #: one of them would make is not broken.
        self.unread = unread

    def __reduce__(self) -> tuple[object, ...]:
        return (BuildFailed, (list(self.errors),))


def _no_items(options: BuildOptions, files: int) -> ContentError:
    """content/ holds files, and not one of them is Markdown: a site's items written
    under another name (``.txt``) would be published as nothing at all."""
    names = ", ".join(sorted(MARKDOWN_SUFFIXES))
    return ContentError(
        f"holds {plural(files, 'file')} and not one item: items are Markdown files "
        f"({names}, in any case)",
        path=str(options.site_dir / CONTENT_DIR),
        hint="rename the items to .md (README.md and names starting with '_' are not items)",
    )


#: What a picture in static/ is called: its size is read (its header only).
_PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


def _static_pictures(inputs: Inputs) -> dict[str, tuple[int, int]]:
    """The size of each picture in the site's static/ folder, from the bytes read."""
    found = {}
    for name, file in inputs.theme.site_static.items():
        if name.lower().endswith(_PICTURE_SUFFIXES) and (size := picture_size(file.data)):
            found[name] = size
    return found


def _preview_size(config: SiteConfig, theme: ThemeFiles) -> tuple[int, int] | None:
    """The size of site.yaml's preview picture, when it is a static file of the site or
    the theme (its header only is read, from the bytes read already)."""
    if config.image is None or config.image.startswith("https://"):
        return None
    file = theme.site_static.get(config.image) or theme.static.get(config.image)
    return picture_size(file.data) if file else None


def _missing_preview(config: SiteConfig, planned: Collection[str]) -> list[SiteError]:
    """site.yaml's preview picture, when it names a file the site does not publish."""
    image = config.image
    if image is None or image.startswith("https://") or image in planned:
        return []
    where = config.value_at.get("image")
    return [
        ConfigError.at(
            f"'image' names {image}, but the site publishes no such file (looked for "
            f"static/{image})",
            path=config.path,
            where=where,
            hint="put the picture in the site's static/ folder, or correct the name",
        )
    ]


def _is_draft(document: Document | EditionNote | PageDocument | StoryNote) -> bool:
    if isinstance(document, Document):
        return document.meta.draft
    return isinstance(document, PageDocument) and document.draft
