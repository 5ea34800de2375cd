"""Split a content file into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import ContentError

FENCE = "---"


@dataclass(frozen=True, slots=True)
class Split:
    """The two halves of a content file, with where each starts."""

    #: The YAML between the fences.
    front: str
    #: 1-based line of the first YAML line (the line after the opening fence).
    front_line: int
    #: The Markdown after the closing fence.
    body: str
    #: 1-based line of the first body line.
    body_line: int


def _other_format(first: str) -> str | None:
    """The front-matter format other generators write, told by the first line."""
    if first == "+++":
        return "TOML (Hugo and Zola's '+++')"
    if first == "{" or first.startswith('{"'):
        return "JSON (Hugo's '{')"
    if first.startswith(";;;"):
        return "JSON (Eleventy's ';;;')"
    return None


def split(text: str, path: str) -> Split:
    """Split at the ``---`` fences; raise ContentError when they are missing."""
    lines = text.split("\n")
    other = _other_format(lines[0].rstrip())
    if other:
        raise ContentError(
            f"front matter in {other}: briefing reads YAML front matter only",
            path=path,
            line=1,
            col=1,
            hint="write it between '---' lines as `key: value`, e.g. title: \"Talks resume\"",
        )
    if not lines or lines[0].rstrip() != FENCE:
        raise ContentError(
            "no front matter: the file must start with a line of three dashes '---'",
            path=path,
            line=1,
            col=1,
            hint="add '---', the title: date: source: lines, and another '---' at the top",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return Split(
                front="\n".join(lines[1:index]) + "\n",
                front_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise ContentError(
        "front matter is not closed: no second '---' line",
        path=path,
        line=1,
        col=1,
        hint="add a line '---' after the last front-matter key",
    )
