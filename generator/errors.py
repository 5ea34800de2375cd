"""User-facing errors: each names a place in a file, what is wrong and how to fix it.

Bugs in briefing itself stay ordinary exceptions with tracebacks; everything an
editor can cause is a :class:`SiteError`, and a build gathers all of them before
it fails once with :class:`BuildFailed`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, Self


class Place(Protocol):
    """A position in a file: a 1-based line and column."""

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...


class SiteError(Exception):
    """A problem in the site's input, located as precisely as we can."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        #: 1-based line in ``path``; None when the problem is about the whole file.
        self.line = line
        #: 1-based column; None when only the line is known.
        self.col = col
        self.hint = hint

    @classmethod
    def at(
        cls,
        message: str,
        *,
        path: Path | str | None,
        where: Place | None,
        hint: str | None = None,
    ) -> Self:
        """The error at ``where`` in ``path`` (a key's or a value's position), or about
        the whole file when the position is not known."""
        return cls(
            message,
            path=path,
            line=where.line if where else None,
            col=where.col if where else None,
            hint=hint,
        )

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions pickle their args only; ours are keyword fields. Worker processes
        # send errors back, so keep every field.
        return (_rebuild, (type(self), self.message, self.path, self.line, self.col, self.hint))

    @property
    def location(self) -> str:
        """``path:line:col`` with whatever parts are known."""
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or "", self.line or 0, self.col or 0, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.path else self.message
        if self.hint:
            text += f"; {self.hint}"
        return text


def _rebuild(
    kind: type[SiteError], message: str, path: str | None, line: int | None, col: int | None,
    hint: str | None,
) -> SiteError:  # fmt: skip
    return kind(message, path=path, line=line, col=col, hint=hint)


class SiteWarning(SiteError):
    """Not wrong enough to stop a build, but worth an editor's look (``briefing check``)."""

    kind = "warning"


class ConfigError(SiteError):
    """site.yaml is missing, malformed or holds a value we cannot use."""


class ContentError(SiteError):
    """A content file is malformed or its front matter breaks the schema."""


class TemplateError(SiteError):
    """A theme template failed to compile or to render."""


class ReadError(SiteError):
    """A file of the site cannot be read, or is a link leading out of the site folder."""


class OutputError(SiteError):
    """Two things would write the same file, or a path would leave the output folder."""


class BuildFailed(Exception):
    """Every error found in one build, reported together."""

    def __init__(self, errors: Iterable[SiteError]) -> None:
        self.errors: Sequence[SiteError] = sorted(errors, key=SiteError.sort_key)
        super().__init__(f"{len(self.errors)} error(s)")

    def __reduce__(self) -> tuple[object, ...]:
        # Worker processes hand failures back pickled; keep the errors, not the count.
        return (type(self), (list(self.errors),))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ErrorLog:
    """Collects errors from one stage so that it can report them all at once."""

    def __init__(self) -> None:
        self.errors: list[SiteError] = []

    def extend(self, errors: Iterable[SiteError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildFailed(self.errors)


def plural(count: int, word: str) -> str:
    """'1 error', '2 errors'."""
    return f"{count} {word}{'' if count == 1 else 's'}"
