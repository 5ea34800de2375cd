"""Read content files from disk: the only place content is touched as files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import ContentError, SiteError


@dataclass(frozen=True, slots=True)
class Source:
    """One content file's text, with the names we report it by."""

    #: The path shown in messages ("content/2025-07-22-talks.md").
    path: str
    #: Path relative to the content folder, '/'-separated.
    rel: PurePosixPath
    #: The decoded text, with '\n' line ends and no byte-order mark.
    text: str


def discover(content_dir: Path) -> tuple[list[Source], list[SiteError]]:
    """Read every ``*.md`` under ``content_dir`` in a stable order.

    Hidden files and folders (editor swap files, ``.git``) are skipped.
    """
    sources: list[Source] = []
    errors: list[SiteError] = []
    if not content_dir.is_dir():
        return sources, errors
    files = sorted(
        p
        for p in content_dir.rglob("*.md")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(content_dir).parts)
    )
    for file in files:
        rel = PurePosixPath(file.relative_to(content_dir).as_posix())
        try:
            sources.append(Source(str(file), rel, decode(file.read_bytes(), str(file))))
        except ContentError as exc:
            errors.append(exc)
    return sources, errors


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with '\\n' line ends; a bad byte is reported at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count lines and columns in characters, as an editor shows them.
        before = data[: exc.start].decode("utf-8").removeprefix("\ufeff")
        lines = before.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        raise ContentError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
            path=path,
            line=line,
            col=col,
            hint="re-save the file as UTF-8 in your editor",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
