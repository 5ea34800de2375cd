"""Decode a file's bytes as the text an editor shows: the one decoder of site.yaml and content."""

from __future__ import annotations

from generator.errors import ContentError, SiteError


def decode(data: bytes, path: str, error: type[SiteError] = ContentError) -> str:
    """UTF-8 text with '\\n' line ends and no byte-order mark; a bad byte is reported
    as ``error`` at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count lines and columns in characters, as an editor shows them.
        before = data[: exc.start].decode("utf-8").removeprefix("\ufeff")
        lines = before.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        raise error(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)",
            path=path,
            line=line,
            col=col,
            hint="re-save the file as UTF-8 in your editor",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
