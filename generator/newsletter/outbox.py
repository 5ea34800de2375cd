"""``briefing email``: which editions' emails to hand over, and where.

Every build writes the newest editions' emails into the output folder
(email/<date>/); ``briefing email`` builds with the ones asked for too (by date or
number, or all), says what each is (its subject, its size, what a mail client would
make of it), and copies them elsewhere when asked, so that a newsletter service's
upload or a script finds them in one place.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, OutputError, SiteError
from generator.model.languages import nearest_language
from generator.newsletter.emails import (
    EMAIL_FOLDER,
    EMAIL_MESSAGE,
    EMAIL_PAGE,
    EMAIL_TEXT,
    PREVIEW_UNSUBSCRIBE,
    clipped,
    unsized_pictures,
    unsubscribe_href,
)
from generator.project.config import SiteConfig

EMAIL_FILES = (EMAIL_PAGE, EMAIL_TEXT, EMAIL_MESSAGE)


@dataclass(frozen=True, slots=True)
class EmailEdition:
    """One edition's email as the output folder holds it."""

    date: dt.date
    #: 1 for the oldest edition, as the site numbers them.
    number: int
    folder: Path


def language_root(config: SiteConfig, code: str | None) -> str:
    """The folder of the emails in language ``code`` ("" for the default's, and for None);
    raise BuildFailed for a language the site does not list, with the tags it does."""
    if code is None or (not config.languages and code == config.language):
        return ""
    if code in config.languages:
        return config.in_language(code).root
    listed = list(config.languages) or [config.language]
    near = nearest_language(code, listed)
    raise BuildFailed(
        [
            SiteError(
                f"--lang {code}: the site is not written in it (its languages: "
                f"{', '.join(listed)})",
                hint=f"did you mean '{near}'?"
                if near
                else "give one of the tags under `languages:` in site.yaml",
            )
        ]
    )


def chosen(
    output: Path, dates: Sequence[dt.date], wanted: str | None, every: bool
) -> list[EmailEdition]:
    """The editions asked for, of the site's ``dates``: all, one by date or number, or
    else the newest; each with the folder of its email under ``output``."""
    editions = [
        EmailEdition(day, number, output / EMAIL_FOLDER / day.isoformat())
        for number, day in enumerate(dates, start=1)
    ]
    if not editions:
        raise BuildFailed([SiteError("the site has no editions yet: there is no email to make")])
    if every:
        return editions
    if wanted is None or wanted == "latest":
        return [editions[-1]]
    for edition in editions:
        if wanted in (edition.date.isoformat(), str(edition.number)):
            return [edition]
    first, last = editions[0], editions[-1]
    raise BuildFailed(
        [
            SiteError(
                f"no edition {wanted!r}",
                hint=f"name one by date or number: {len(editions)} editions, from No. "
                f"{first.number} ({first.date}) to No. {last.number} ({last.date}); "
                "or leave it out for the latest",
            )
        ]
    )


def describe(edition: EmailEdition, config: SiteConfig) -> list[str]:
    """What the editor should know of one email: where it is, its subject, its warnings."""
    message = email.message_from_bytes(
        (edition.folder / EMAIL_MESSAGE).read_bytes(), policy=email.policy.default
    )
    page = (edition.folder / EMAIL_PAGE).read_bytes()
    size = len(page)
    lines = [
        f"No. {edition.number} ({edition.date}): {message['Subject']}",
        f"  {edition.folder}{os.sep}  {EMAIL_PAGE} {size / 1024:.1f} KB, {EMAIL_TEXT}, "
        f"{EMAIL_MESSAGE}",
    ]
    too_big = clipped(size)
    if too_big:
        lines.append(f"  warning: {too_big}")
    unsized = unsized_pictures(page.decode("utf-8"))
    if unsized:
        lines.append(
            f"  warning: {_pictures(len(unsized))} no known size ({', '.join(unsized[:3])}"
            f"{', …' if len(unsized) > 3 else ''}): Outlook for Windows shows a picture as "
            "wide as it is, however wide the email; put the file beside the item, where "
            "briefing reads its size"
        )
    return lines


def _pictures(count: int) -> str:
    return "1 picture has" if count == 1 else f"{count} pictures have"


def setup_warnings(config: SiteConfig) -> list[str]:
    """What site.yaml leaves out that a newsletter usually needs."""
    settings = config.email
    found = []
    if settings is not None and settings.unsubscribe is None:
        found.append(
            f"{config.path}: the emails have no unsubscribe link; set email.unsubscribe to "
            "mailchimp, buttondown, listmonk or your service's placeholder"
        )
    if settings is not None and settings.sender is None:
        found.append(
            f"{config.path}: edition.eml has no From; set email.from, e.g. "
            "`from: The Desk <desk@example.org>`"
        )
    return found


def copy_out(
    editions: Sequence[EmailEdition], target: Path, output: Path, unsubscribe: str | None = None
) -> list[Path]:
    """Each edition's three files into ``target/<date>/``, each replaced whole or not at all;
    the page with the service's ``unsubscribe`` placeholder back where the site's preview
    has a harmless link."""
    target = target.resolve()
    if target == output.resolve() or output.resolve() in target.parents:
        raise BuildFailed(
            [
                OutputError(
                    f"{target} is inside the site's output folder, which builds replace",
                    hint="copy the emails somewhere else, or leave out --output: they are "
                    f"in {output / EMAIL_FOLDER} already",
                )
            ]
        )
    written = []
    try:
        for edition in editions:
            folder = target / edition.date.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            for name in EMAIL_FILES:
                data = (edition.folder / name).read_bytes()
                if name == EMAIL_PAGE and unsubscribe is not None:
                    data = data.replace(PREVIEW_UNSUBSCRIBE, unsubscribe_href(unsubscribe))
                _replace(folder / name, data)
            written.append(folder)
    except OSError as exc:
        raise BuildFailed(
            [OutputError(f"cannot write the emails: {exc}", hint="check the folder's permissions")]
        ) from None
    return written


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename: a reader never sees half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".briefing-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
