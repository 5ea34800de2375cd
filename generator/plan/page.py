"""One output file of the site: where it goes, what makes it, and what it is made from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.plan.graph import Inputs
from generator.text.urls import (
    OutputPath,
)

#: How to part two pages that one file would hold, most often two items.
PARTING = "change a slug or the permalink pattern so that they differ"


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, what it is made from, and how."""

    file: OutputPath
    #: What the page is, for messages ("the front page", "content/a.md").
    origin: str
    #: The theme template it is rendered with; None for files made in Python.
    template: str | None
    inputs: Inputs
    #: The template context, or (``template`` None) a function giving the file's bytes
    #: (given a ``render`` when the page ``uses`` templates).
    make: Callable[..., Any]
    #: How to part this page from another that would be written to the same file.
    parting: str = PARTING
    #: For a file made in Python from rendered templates (an email): their names;
    #: ``make`` is then given a ``render(template, context)``.
    uses: tuple[str, ...] = ()
