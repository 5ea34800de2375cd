"""Read site.yaml, the theme and the content folder, and parse the content files that
changed, in worker processes, keeping the rest from the session."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.engine import cache, workers
from generator.engine.cache import Parsed
from generator.engine.options import (
    CONTENT_DIR,
    EDITIONS_DIR,
    PAGES_DIR,
    STORIES_DIR,
    BuildOptions,
)
from generator.engine.state import Inputs, Session
from generator.errors import (
    BuildFailed,
    ConfigError,
    SiteError,
    SiteWarning,
)
from generator.model.records import Document, EditionNote, PageDocument, StoryNote
from generator.project.config import CONFIG_FILE, SiteConfig, config_from, read_config
from generator.project.theme import find_theme, read_theme
from generator.reading import content
from generator.reading.assets import Asset
from generator.reading.sources import (
    FileSeen,
    Source,
    discover,
    is_markdown,
    read_source,
)
from generator.text import controls


def read_inputs(
    options: BuildOptions, seen: Mapping[str, FileSeen], changed: Collection[str] | None = None
) -> Inputs:
    """Read site.yaml and the theme whole, and the content files that changed."""
    site_dir = options.site_dir
    config_path = site_dir / CONFIG_FILE
    config_bytes = read_config(site_dir)
    config = config_from(config_bytes, config_path)
    try:
        theme = read_theme(find_theme(site_dir, config.theme))
    except (ConfigError, BuildFailed) as exc:
        # Report the content's unreadable files and links with the theme's, in one go.
        content = discover(site_dir / CONTENT_DIR, {}, None, site_dir)
        theirs = [exc] if isinstance(exc, ConfigError) else list(exc.errors)
        raise BuildFailed([*theirs, *content.errors]) from None
    content = discover(site_dir / CONTENT_DIR, seen, changed if seen else None, site_dir)
    return Inputs(config_path, config_bytes, config, theme, theme.digest(), content)


@dataclass
class Failures:
    errors: list[SiteError] = field(default_factory=list)
    #: Drafts whose front matter is unfinished: left out, and only wrong with --drafts.
    drafts: int = 0


def parse_content(
    options: BuildOptions, session: Session, inputs: Inputs, config: SiteConfig
) -> tuple[list[Parsed], set[str], Failures]:
    """Every content file parsed and rendered: from the session when unchanged, else afresh."""
    content_dir = options.site_dir / CONTENT_DIR
    # Parsed bodies are kept only while what shaped their HTML stays: a block's label
    # is in it, so a label changed in site.yaml renders every body again.
    labels = [(code, tuple(s.blocks.items())) for code, s in config.languages.items() if s.blocks]
    context = f"{config.timezone.key}\0{config.raw_html}\0{tuple(config.blocks.items())!r}"
    context += f"\0{labels!r}" if labels else ""
    seen = inputs.discovery.seen
    # The path messages show for a file: str(content_dir / rel), made by concatenation
    # (a pathlib join for each of 100,000 records took 0.4 s).
    prefix = f"{content_dir}/"
    if options.use_cache:
        session.load_parsed(lambda rel: prefix + rel)
    if session.context != context or not options.use_cache:
        session.parsed, session.context = {}, context
    fresh = {source.rel.as_posix(): source for source in inputs.discovery.changed}
    missing = [rel for rel, s in seen.items() if s.key not in session.parsed and is_markdown(rel)]
    sources = [fresh.get(rel) or read_content(content_dir, rel) for rel in missing]
    vanished = [rel for rel, source in zip(missing, sources, strict=True) if source is None]

    def send(outcome: Parsed | BuildFailed) -> tuple[str, str] | BuildFailed:
        return cache.encode(outcome) if isinstance(outcome, Parsed) else outcome

    def receive(sent: tuple[str, str] | BuildFailed) -> Parsed | BuildFailed:
        if isinstance(sent, BuildFailed):
            return sent
        return cache.decode(*sent, lambda rel: prefix + rel)

    outcomes = workers.spread(
        [s for s in sources if s is not None],
        lambda source: parse_one(source, config),
        options.jobs,
        send,
        receive,
    )
    # The texts are parsed: let them go (300 MB at 100,000 items).
    inputs.discovery.changed.clear()
    del sources, fresh
    failures = Failures()
    for outcome in outcomes:
        if isinstance(outcome, content.IncompleteDraft):
            failures.drafts += 1
            if options.drafts:
                failures.errors.extend(outcome.errors)
        elif isinstance(outcome, BuildFailed):
            failures.errors.extend(outcome.errors)
        else:
            session.parsed[seen[outcome.rel].key] = outcome
    for rel in vanished:
        failures.errors.append(
            SiteError("vanished while the build read it", path=content_dir / rel)
        )
    reparsed = set(missing)
    cached = {session.parsed[s.key].document.path for rel, s in seen.items()
              if rel not in reparsed and s.key in session.parsed}  # fmt: skip
    parsed = [session.parsed[s.key] for s in seen.values() if s.key in session.parsed]
    return parsed, cached, failures


def read_content(content_dir: Path, rel: str) -> Source | None:
    return read_source(content_dir, rel, content_dir.parent)


def assets_of(seen: Mapping[str, FileSeen]) -> dict[str, Asset]:
    """The content files that are not Markdown, from their keys and their stat's lengths:
    no file is read again."""
    found = {}
    for rel, file in seen.items():
        asset = Asset.from_key(file.key)
        if asset is not None:
            found[rel] = replace(asset, size=file.size)
    return found


def parse_one(source: Source, config: SiteConfig) -> Parsed | BuildFailed:
    """One file parsed and its Markdown rendered; a failure is returned, not raised, so
    that workers hand back every file's outcome in order."""
    # Markdown's renderer is loaded by a build that reads a file, not by every build.
    from generator.reading import markup

    text, strays = controls.without_strays(source.text)
    warnings = tuple(_stray_warning(stray, source.path) for stray in strays)
    source = replace(source, text=text) if strays else source
    try:
        document: EditionNote | PageDocument | StoryNote | Document
        if source.rel.parts[0] == EDITIONS_DIR:
            document = content.parse_edition(source)
        elif source.rel.parts[0] == STORIES_DIR and len(source.rel.parts) > 1:
            document = content.parse_story(source)
        elif source.rel.parts[0] == PAGES_DIR and len(source.rel.parts) > 1:
            document = content.parse_page(source)
        else:
            document = content.parse(source, config.timezone)
            warnings += content.notes(document)
        lang = document.meta.lang if isinstance(document, Document) else document.lang
        rendered, noted = markup.render_noting(
            document.body,
            body_line=document.body_line,
            raw_html=config.raw_html,
            path=source.path,
            blocks=tuple(config.blocks_in(lang).items()),
        )
        warnings += tuple(_untranslated_labels(document, lang, config))
        return Parsed(source.rel.as_posix(), document, rendered, warnings + noted)
    except BuildFailed as failed:
        return failed


#: The line that opens a briefing block, and its type.
_BLOCK_OPENER = re.compile(r"^ {0,3}:::+[ \t]*([a-z0-9][a-z0-9-]*)", re.M)


def _untranslated_labels(
    document: EditionNote | PageDocument | StoryNote | Document,
    lang: str | None,
    config: SiteConfig,
) -> Iterator[SiteWarning]:
    """A block in another language than the default whose type has no label in it: its
    page would show site.yaml's label, in the default language."""
    settings = config.languages.get(lang) if lang else None
    if settings is None or lang == config.language:
        return
    told: set[str] = set()
    for match in _BLOCK_OPENER.finditer(document.body):
        kind = match.group(1)
        if kind in config.blocks and kind not in settings.blocks and kind not in told:
            told.add(kind)
            yield SiteWarning(
                f"the block '{kind}' has no label in {lang}: its page shows "
                f"'{config.blocks[kind]}'",
                path=document.path,
                line=document.body_line + document.body.count("\n", 0, match.start()),
                hint=f"give it one in site.yaml: `languages: {{{lang}: {{blocks: "
                f"{{{kind}: ...}}}}}}`",
            )


def _stray_warning(stray: controls.Stray, path: str) -> SiteWarning:
    return SiteWarning(
        stray.describe(),
        path=path,
        line=stray.line,
        col=stray.col,
        hint="readers never see these characters, and HTML and feeds forbid them (they come "
        "with text pasted from word processors and PDFs); delete them to silence this warning",
    )
