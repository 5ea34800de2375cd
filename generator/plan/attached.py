"""The files items link to, as output files: copied where the links lead, and large
pictures resized for srcset (the copies kept between builds)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.errors import OutputError
from generator.model.records import Attachment, Item, Site, SitePage, Story
from generator.pictures.cache import PictureCache
from generator.pictures.resize import copy_name, resized
from generator.plan.graph import Inputs
from generator.plan.page import Page
from generator.project.sitefiles import read_file
from generator.render.views import smaller_copy


def attachment_pages(site: Site, pictures: PictureCache | None) -> list[Page]:
    """The files items link to, copied where the links lead: once, though several items
    link one file; two files led to one place clash like any two pages."""
    unique: dict[tuple[str, str], Page] = {}
    for attachment, origin in _linked(site):
        unique.setdefault((attachment.file, attachment.path), _attachment_page(attachment, origin))
    made = _Resizer(site.config.picture_width, pictures)
    for attachment, origin in smaller_copies(site):
        file = copy_name(attachment.file, made.width)
        unique.setdefault((file, attachment.path), made.page(attachment, origin))
    return list(unique.values())


def _linked(site: Site) -> Iterator[tuple[Attachment, str]]:
    """Each file an item or page links to, with the path of the first one linking it."""
    linkers: list[Item | SitePage | Story] = [
        *site.items,
        *site.pages,
        *(group.story for group in site.stories),
    ]
    for linking in linkers:
        for attachment in linking.attachments:
            yield attachment, linking.path or ""


def smaller_copies(site: Site) -> list[tuple[Attachment, str]]:
    """The pictures wider than site.yaml's ``picture_width`` that get a smaller copy,
    with the path of the first file linking each."""
    found: dict[tuple[str, str], tuple[Attachment, str]] = {}
    for attachment, origin in _linked(site):
        if smaller_copy(attachment.file, attachment.width, None, site.config):
            found.setdefault((attachment.file, attachment.path), (attachment, origin))
    return list(found.values())


def picture_keys(site: Site, pictures: PictureCache) -> set[str]:
    """The names in ``pictures`` of the copies the site needs: those a build keeps."""
    width = site.config.picture_width
    return {pictures.key(a.digest, a.file, width) for a, _ in smaller_copies(site)}


@dataclass(frozen=True, slots=True)
class _Resizer:
    """Makes the smaller copies ``width`` pixels wide, or takes them from ``pictures``."""

    width: int
    pictures: PictureCache | None

    def page(self, attachment: Attachment, origin: str) -> Page:
        """A large picture's copy: made again only when the picture or the width
        changes (its signature is theirs), so each is resized once."""
        return Page(
            copy_name(attachment.file, self.width),
            origin,
            None,
            Inputs((), (attachment.digest, attachment.path, str(self.width))),
            lambda: self.copy(attachment),
            parting=f"briefing writes the smaller copy of {attachment.path} there; rename "
            "that file",
        )

    def copy(self, attachment: Attachment) -> bytes:
        if self.pictures is None:
            return _resized(attachment, self.width)
        key = self.pictures.key(attachment.digest, attachment.file, self.width)
        kept = self.pictures.get(key)
        if kept is not None:
            return kept
        made = _resized(attachment, self.width)
        self.pictures.put(key, made)
        return made


def _attachment_page(attachment: Attachment, origin: str) -> Page:
    return Page(
        attachment.file,
        origin,
        None,
        Inputs((), (attachment.digest, attachment.path)),
        lambda: _copied(attachment.path),
        parting=f"its link leads there from its page but names {attachment.path}, another "
        "file; rename one of the two files",
    )


def _resized(attachment: Attachment, width: int) -> bytes:
    data = _copied(attachment.path)
    try:
        return resized(data, attachment.file, width)
    except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds
        raise OutputError(
            f"cannot make a smaller copy of this picture: {exc}",
            path=attachment.path,
            hint="open and save it again in an image editor; it may be damaged",
        ) from None


def _copied(path: str) -> bytes:
    try:
        return read_file(path, path)
    except FileNotFoundError:
        raise OutputError("vanished while the build read it", path=path) from None
