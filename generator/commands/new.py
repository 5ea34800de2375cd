"""``briefing new``: start an item file with its front matter filled in."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator.engine.options import CONTENT_DIR, EDITIONS_DIR
from generator.errors import BuildFailed, ContentError
from generator.project.config import SiteConfig
from generator.reading import content
from generator.reading.naming import item_slug, stem_slug
from generator.reading.sources import discover
from generator.text import schema
from generator.text.schema import Invalid
from generator.text.urls import slugify


def item_text(
    title: str,
    moment: datetime,
    *,
    tags: Sequence[str] = (),
    source: str | None = None,
    section: str | None = None,
    draft: bool = True,
    body: str = "Summarise the article here. The first paragraph is the summary unless you set "
    "one.\n",
) -> str:
    """The text of a new item file: front matter, then a body for the editor to replace."""
    # JSON strings are valid YAML double-quoted strings, escapes included.
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {moment.isoformat(timespec='seconds')}",
        "tags: [" + ", ".join(json.dumps(t, ensure_ascii=False) for t in tags) + "]",
        f"source: {json.dumps(source)}"
        if source
        else "source:  # required: the URL of the summarised article",
    ]
    if section:
        lines.append(f"section: {json.dumps(section, ensure_ascii=False)}")
    lines.append("# Optional: source_name, summary, slug, edition, id.")
    if draft:
        lines += ["# Remove the next line to publish.", "draft: true"]
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def new_item(
    site_dir: Path,
    config: SiteConfig,
    title: str,
    now: datetime,
    *,
    tags: Sequence[str] = (),
    source: str | None = None,
    section: str | None = None,
) -> Path:
    """Write ``content/<date>-<slug>.md`` and return its path; never overwrite anything."""
    problems = []
    slug = slugify(title)
    if not slug:
        problems.append(ContentError(f"the title {title!r} has no letters or digits for a slug"))
    for tag in tags:
        if not slugify(tag):
            problems.append(ContentError(f"the tag {tag!r} has no letters or digits"))
    if source is not None:
        try:
            schema.web_url(source)
        except Invalid as exc:
            problems.append(ContentError(f"--source {exc.message}", hint=exc.hint))
    if section is not None:
        names = {name.casefold(): name for name in config.sections}
        if section.casefold() not in names:
            problems.append(
                ContentError(
                    f"unknown section {section!r}",
                    hint=schema.suggest(section, config.sections)
                    or (
                        "sections in site.yaml: " + ", ".join(config.sections)
                        if config.sections
                        else "site.yaml lists no sections"
                    ),
                )
            )
        else:
            section = names[section.casefold()]
    if problems:
        raise BuildFailed(problems)

    content_dir = site_dir / CONTENT_DIR
    existing = _slug_owner(content_dir, slug, config)
    local = now.astimezone(config.timezone).replace(microsecond=0)
    target = content_dir / f"{local.date().isoformat()}-{slug}.md"
    if existing is not None or target.exists():
        owner = existing or str(target)
        raise BuildFailed(
            [
                ContentError(
                    f"an item with the slug '{slug}' already exists: {owner}",
                    hint="choose another title, or edit that file",
                )
            ]
        )
    content_dir.mkdir(parents=True, exist_ok=True)
    text = item_text(title, local, tags=tags, source=source, section=section)
    with target.open("x", encoding="utf-8") as out:  # "x": fail rather than overwrite
        out.write(text)
    return target


def _slug_owner(content_dir: Path, slug: str, config: SiteConfig) -> str | None:
    """The file of an existing item with this slug, if any."""
    for source in discover(content_dir, {}).changed:
        if source.rel.parts[0] == EDITIONS_DIR:
            continue
        try:
            existing = item_slug(content.parse(source, config.timezone))
        except BuildFailed:
            existing = stem_slug(source.rel.stem)
        if existing == slug:
            return str(source.path)
    return None
