"""``briefing new``: start an item file with its front matter filled in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from generator.engine.options import CONTENT_DIR, EDITIONS_DIR
from generator.errors import BuildFailed, ContentError, SiteError
from generator.project.config import SiteConfig
from generator.reading import content
from generator.reading.assets import picture_size
from generator.reading.attach import MAX_PIXELS, PICTURE_SUFFIXES
from generator.reading.naming import item_slug, stem_slug
from generator.reading.sources import discover
from generator.text import schema
from generator.text.schema import Invalid
from generator.text.urls import portability_problem, slugify

#: The file of an item that has a folder of its own, its picture beside it.
BUNDLE_INDEX = "index.md"


def _quoted(text: str) -> str:
    # JSON strings are valid YAML double-quoted strings, escapes included.
    return json.dumps(text, ensure_ascii=False)


def item_text(
    title: str,
    moment: datetime,
    *,
    tags: Sequence[str] = (),
    source: str | None = None,
    section: str | None = None,
    authors: Sequence[str] = (),
    image: str | None = None,
    story: str | None = None,
    draft: bool = True,
    body: str = "Summarise the article here. The first paragraph is the summary unless you set "
    "one.\n",
) -> str:
    """The text of a new item file: front matter, then a body for the editor to replace.

    ``image`` is the picture's link as written, beside the item ("map.png")."""
    lines = [
        "---",
        f"title: {_quoted(title)}",
        f"date: {moment.isoformat(timespec='seconds')}",
        "tags: [" + ", ".join(_quoted(t) for t in tags) + "]",
        f"source: {_quoted(source)}"
        if source
        else "source:  # required: the URL of the summarised article",
    ]
    if section:
        lines.append(f"section: {_quoted(section)}")
    if len(authors) == 1:
        lines.append(f"author: {_quoted(authors[0])}")
    elif authors:
        lines.append("author: [" + ", ".join(_quoted(a) for a in authors) + "]")
    if image:
        # An empty `alt: ""` is an error in front matter, and an empty `alt:` builds
        # (`briefing check` warns): the draft builds until the editor describes it.
        lines += [
            "image:",
            f"  src: {_quoted(image)}",
            "  alt:  # required: describe the picture for readers who cannot see it",
            "  credit:  # who made it, e.g. Reuters",
        ]
    if story:
        lines.append(f"story: {_quoted(story)}")
    lines += _examples(moment, given={"author": authors, "image": image, "story": story})
    if draft:
        lines += ["# Remove the next line to publish.", "draft: true"]
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def _examples(moment: datetime, given: Mapping[str, object]) -> list[str]:
    """Commented examples of the keys an editor may add, each valid once uncommented;
    dated at the item's own moment so that none is before its date."""
    when, day = moment.isoformat(timespec="seconds"), moment.date().isoformat()
    examples = {
        "author": '# author: "olena"  # or a list: ["olena", "taras"]',
        "image": '# image: {src: map.png, alt: "A map of the route", credit: Reuters}',
        "story": '# story: "Grain deal"  # the items of one running story share it',
    }
    return [
        "# More keys: delete the '# ' before one to use it.",
        *(line for key, line in examples.items() if not given[key]),
        f"# updated: {when}",
        "# corrections:",
        f'#   - {{date: {when}, text: "An earlier version gave the wrong rate."}}',
        f'# withdrawn: {{date: {when}, reason: "It relied on a forged document."}}',
        '# source_name: "Reuters"  # the publisher, when not the source\'s domain',
        '# summary: "One sentence for listings and feeds."',
        '# slug: "ecb-holds-rates"  # the end of the item\'s URL',
        f"# edition: {day}  # the edition it belongs in, whatever its date",
        '# id: "reuters-2025-0722-ecb"  # a permanent id for feed readers',
    ]


@dataclass(frozen=True, slots=True)
class Picture:
    """The lead picture ``--image`` gives: its file's name, link and bytes."""

    name: str
    #: The name as ``image:`` links it (spaces %-encoded).
    src: str
    data: bytes
    path: Path


def new_item(
    site_dir: Path,
    config: SiteConfig,
    title: str,
    now: datetime,
    *,
    tags: Sequence[str] = (),
    source: str | None = None,
    section: str | None = None,
    authors: Sequence[str] = (),
    image: Path | None = None,
    story: str | None = None,
    publish: bool = False,
) -> Path:
    """Write ``content/<date>-<slug>.md`` (with ``image``, ``content/<date>-<slug>/index.md``
    and the picture beside it) and return its path; never overwrite anything."""
    problems: list[SiteError] = []
    slug = slugify(title)
    if not slug:
        problems.append(ContentError(f"the title {title!r} has no letters or digits for a slug"))
    for tag in tags:
        if not slugify(tag):
            problems.append(ContentError(f"the tag {tag!r} has no letters or digits"))
    if source is not None or publish:
        _source(source, problems)
    if section is not None:
        section = _section(section, config, problems)
    authors = [_author(name, config, problems) for name in authors]
    if story is not None and not slugify(story):
        problems.append(
            ContentError(f"the story {story!r} has no letters or digits",
                         hint='name it in words, e.g. --story "Grain deal"')
        )  # fmt: skip
    picture = _picture(image, problems) if image is not None else None
    if problems:
        raise BuildFailed(problems)

    local = now.astimezone(config.timezone).replace(microsecond=0)
    target = _target(site_dir / CONTENT_DIR, f"{local.date().isoformat()}-{slug}", slug, config,
                     picture)  # fmt: skip
    text = item_text(
        title, local, tags=tags, source=source, section=section,
        authors=list(dict.fromkeys(authors)), image=picture.src if picture else None,
        story=story, draft=not publish,
    )  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    if picture is not None and not _same_file(picture.path, target.parent / picture.name):
        with (target.parent / picture.name).open("xb") as copy:
            copy.write(picture.data)
    # The item last, and "x": a preview that sees it finds its picture there, and an
    # item written meanwhile is never overwritten.
    with target.open("x", encoding="utf-8") as out:
        out.write(text)
    return target


def _source(source: str | None, problems: list[SiteError]) -> None:
    """``--source``, which ``--publish`` needs: a published item without its source would
    fail every build until fixed."""
    if source is None:
        problems.append(
            ContentError(
                "--publish needs --source: a published item must cite the article it summarises",
                hint="add --source URL, or leave out --publish to write a draft",
            )
        )
        return
    try:
        schema.web_url(source)
    except Invalid as exc:
        problems.append(ContentError(f"--source {exc.message}", hint=exc.hint))


def _section(section: str, config: SiteConfig, problems: list[SiteError]) -> str:
    """The section as site.yaml spells it."""
    names = {name.casefold(): name for name in config.sections}
    if section.casefold() in names:
        return names[section.casefold()]
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
    return section


def _author(name: str, config: SiteConfig, problems: list[SiteError]) -> str:
    """The author's key in site.yaml's ``authors`` (found by key or by display name, as
    the build finds them), or the name as given when the site keeps no profiles."""
    if not slugify(name):
        problems.append(
            ContentError(f"the author {name!r} has no letters or digits",
                         hint="give their name or key, e.g. --author olena")
        )  # fmt: skip
        return name
    if not config.authors:
        return name
    for key, profile in config.authors.items():
        if name.casefold() in (key.casefold(), profile.name.casefold()):
            return key
    choices = [*config.authors, *(p.name for p in config.authors.values())]
    problems.append(
        ContentError(
            f"unknown author {name!r}: site.yaml's authors do not name them",
            hint=schema.suggest(name, choices)
            or "write one of: " + ", ".join(config.authors) + ", or add them to site.yaml",
        )
    )
    return name


def _picture(path: Path, problems: list[SiteError]) -> Picture | None:
    """The picture at ``path``, when it is one the build will publish."""
    problem = _name_problem(path.name)
    if problem is None and not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        problem = (what, "give the picture's path from the current folder")
    if problem is None:
        data = path.read_bytes()
        problem = _content_problem(data, path.suffix.lower())
        if problem is None:
            return Picture(path.name, _link(path.name), data, path)
    problems.append(ContentError(f"--image {str(path)!r} {problem[0]}", hint=problem[1]))
    return None


def _name_problem(name: str) -> tuple[str, str] | None:
    """What in a picture's file name keeps the build from publishing it as named."""
    if Path(name).suffix.lower() not in PICTURE_SUFFIXES:
        return ("is not a picture file", "give one of: " + ", ".join(sorted(PICTURE_SUFFIXES)))
    rename = "copy it under a name of letters, digits, '-' and '_'"
    if name.startswith("."):
        return ("is a hidden file (its name starts with '.'), which builds leave out", rename)
    if (portability := portability_problem(name)) is not None:
        return (f"cannot be published: {portability}", rename)
    if "#" in name or "%" in name:
        # The page decodes a lead picture's link, and "#1" would end it there.
        return ("has '#' or '%' in its name, which breaks the picture's link on the page", rename)
    return None


def _content_problem(data: bytes, suffix: str) -> tuple[str, str] | None:
    """What keeps the build from publishing these bytes as a picture: the build's own
    checks (see generator.reading.attach), made now rather than at the next build."""
    size = picture_size(data)
    if size is None:
        return (
            f"cannot be read as a {suffix} picture (it is damaged, or is something else)",
            "export it again from the program that made it",
        )
    if size[0] * size[1] > MAX_PIXELS:
        return (
            f"is {size[0]} x {size[1]} pixels, more than the "
            f"{MAX_PIXELS // 1_000_000} million a page picture may have",
            "make a smaller copy of it (3,000 pixels wide is plenty for a page)",
        )
    return None


def _link(name: str) -> str:
    """A file name as a relative link: ``image:`` takes no spaces, so they are %-encoded
    (the build decodes the link to find the file)."""
    return "".join(quote(ch) if ch.isspace() else ch for ch in name)


def _target(
    content_dir: Path, name: str, slug: str, config: SiteConfig, picture: Picture | None
) -> Path:
    """Where the new item goes: ``<name>.md``, or ``<name>/index.md`` with a picture;
    an error when anything is there already, or another item has the slug."""
    folder = content_dir / name
    target = folder / BUNDLE_INDEX if picture else content_dir / f"{name}.md"
    owner = _slug_owner(content_dir, slug, config)
    if owner is None and target.exists():
        owner = str(target)
    if owner is not None:
        raise BuildFailed(
            [
                ContentError(
                    f"an item with the slug '{slug}' already exists: {owner}",
                    hint="choose another title, or edit that file",
                )
            ]
        )
    beside = folder / picture.name if picture else None
    if picture and beside and beside.exists() and not picture.path.samefile(beside):
        raise BuildFailed(
            [
                ContentError(
                    f"{beside} already exists, and is not the picture given",
                    hint="give that file as --image, or move it out of the folder",
                )
            ]
        )
    return target


def _same_file(picture: Path, copy: Path) -> bool:
    """The picture is already where its copy would go: the editor put it in the folder."""
    return copy.exists() and picture.samefile(copy)


def _slug_owner(content_dir: Path, slug: str, config: SiteConfig) -> str | None:
    """The file of an existing item with this slug, if any."""
    for source in discover(content_dir, {}).changed:
        if source.rel.parts[0] == EDITIONS_DIR:
            continue
        try:
            existing = item_slug(content.parse(source, config.timezone))
        except BuildFailed:
            # A bundle's index.md takes its folder's name, as the build does.
            existing = stem_slug(content.item_stem(source.rel))
        if existing == slug:
            return str(source.path)
    return None
