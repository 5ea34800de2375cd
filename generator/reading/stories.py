"""Running stories: the story each item follows, and what each story's file says of it.

An item names its story (``story: Grain deal``). Names that differ only in case,
accents or spacing are one story, slugged like tags; two names that would share one
page are an error naming both. A story's file, ``content/stories/<slug>.md``, gives
it a title, a paragraph and a picture. A file for a story that no published item
names yet is kept back, not an error, like an edition's note: editors write the
story's paragraph before its first item is out.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import SiteError
from generator.model.records import (
    Document,
    Item,
    Link,
    Rendered,
    Story,
    StoryGroup,
    StoryNote,
)
from generator.project.config import SiteConfig
from generator.reading.attach import (
    ContentFiles,
    attachment_problems,
    attachments,
    lead_picture,
)
from generator.reading.naming import first_by_slug, story_path


def running_stories(
    ordered: Sequence[tuple[Document, Rendered]],
    notes: Sequence[tuple[StoryNote, Rendered]],
    files: ContentFiles,
    config: SiteConfig,
    errors: list[SiteError],
) -> dict[str, Story]:
    """Each story the items name, by slug, named as the oldest item writes it."""
    by_slug = {note.slug: (note, rendered) for note, rendered in notes}
    return first_by_slug(
        [(doc.meta.story, doc, "story") for doc, _ in ordered if doc.meta.story],
        lambda name, slug: _story(name, slug, by_slug.get(slug), files, config, errors),
        "story",
        errors,
    )


def _story(
    name: str,
    slug: str,
    note: tuple[StoryNote, Rendered] | None,
    files: ContentFiles,
    config: SiteConfig,
    errors: list[SiteError],
) -> Story:
    url = config.root + story_path(slug)
    if note is None:
        return Story(name, slug, url, title=name)
    doc, rendered = note
    rel = files.rels.get(doc.path, "")
    links = rendered.links
    where = doc.value_at.get("image")
    if doc.image is not None and where is not None:
        links = (Link(doc.image.src, where.line, where.col, doc.image.alt or ""), *links)
    found = attachments(links, rel, doc.path, url, files.assets, config)
    errors.extend(attachment_problems(links, rel, doc.path, files.assets, config))
    return Story(
        name,
        slug,
        url,
        title=doc.title or name,
        summary_html=rendered.html,
        summary=rendered.first_paragraph,
        image=lead_picture(url, found, doc.image, config, doc, errors),
        path=doc.path,
        links=links,
        attachments=found,
    )


def story_groups(items: Sequence[Item]) -> tuple[StoryGroup, ...]:
    """Each story with its items (``items`` newest first), the latest active first."""
    grouped: dict[str, list[Item]] = {}
    for item in items:
        if item.story is not None:
            grouped.setdefault(item.story.slug, []).append(item)
    groups = [StoryGroup(members[0].story, tuple(members)) for members in grouped.values()
              if members[0].story is not None]  # fmt: skip
    groups.sort(key=lambda group: (-group.items[0].date.timestamp(), group.story.slug))
    return tuple(groups)
