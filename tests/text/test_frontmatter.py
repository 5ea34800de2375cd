"""frontmatter.split: the YAML between the '---' fences and the Markdown after them."""

from __future__ import annotations

import pytest

from generator.errors import ContentError
from generator.text.frontmatter import Split, split

NO_OPENING = (
    "a.md:1:1: no front matter: the file must start with a line of three dashes '---'; "
    "add '---', the title: date: source: lines, and another '---' at the top"
)
NOT_CLOSED = (
    "a.md:1:1: front matter is not closed: no second '---' line; "
    "add a line '---' after the last front-matter key"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: x\ndate: 2025-07-22\n---\nFirst paragraph.\n",
            Split("title: x\ndate: 2025-07-22\n", 2, "First paragraph.\n", 5),
        ),
        # YAML's end-of-document marker closes the front matter too.
        ("---\ntitle: x\n...\nBody\n", Split("title: x\n", 2, "Body\n", 4)),
        ("---\ntitle: x\n---\n", Split("title: x\n", 2, "", 4)),
        ("---\ntitle: x\n---", Split("title: x\n", 2, "", 4)),
        ("---\n---\nBody", Split("\n", 2, "Body", 3)),
        # Trailing spaces after a fence are forgiven.
        ("---  \ntitle: x\n---\t\nBody", Split("title: x\n", 2, "Body", 4)),
        # Only the first closing fence counts: a rule in the body stays in the body.
        (
            "---\ntitle: x\n---\nAbove\n\n---\n\nBelow\n",
            Split("title: x\n", 2, "Above\n\n---\n\nBelow\n", 4),
        ),
        # An indented '---' inside a block scalar is not a fence.
        (
            "---\nsummary: |\n  a\n  ---\n  b\n---\nBody",
            Split("summary: |\n  a\n  ---\n  b\n", 2, "Body", 7),
        ),
    ],
)
def test_split(text: str, expected: Split) -> None:
    assert split(text, "a.md") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n---\nBody\n", NO_OPENING),
        ("", NO_OPENING),
        ("\n---\ntitle: x\n---\nBody\n", NO_OPENING),
        ("----\ntitle: x\n---\nBody\n", NO_OPENING),
        ("# Just Markdown\n\nNo front matter here.\n", NO_OPENING),
        ("---\ntitle: x\n", NOT_CLOSED),
        ("---\ntitle: x\ndate: 2025-07-22\n\nBody without a fence\n", NOT_CLOSED),
        ("---", NOT_CLOSED),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        split(text, "a.md")
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("first", "format_name"),
    [("+++", "TOML (Hugo and Zola's '+++')"), ("{", "JSON (Hugo's '{')"),
     (";;;", "JSON (Eleventy's ';;;')")],
)  # fmt: skip
def test_front_matter_of_another_format_is_named(first: str, format_name: str) -> None:
    with pytest.raises(ContentError) as error:
        split(f"{first}\ntitle = 'x'\n{first}\nBody\n", "content/a.md")
    assert str(error.value) == (
        f"content/a.md:1:1: front matter in {format_name}: briefing reads YAML front matter "
        "only; write it between '---' lines as `key: value`, e.g. title: \"Talks resume\""
    )
