"""sources: finding content files on disk and decoding them."""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

import pytest

from generator.errors import ContentError, SiteError
from generator.reading.sources import Source, decode, discover

HINT = "re-save the file as UTF-8 in your editor"


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_all(content: Path) -> tuple[list[Source], list[SiteError]]:
    """Discover with nothing seen before: every file is read."""
    found = discover(content, {})
    return found.changed, found.errors


def test_discover_finds_markdown_files_sorted_and_nested(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(
        content,
        {
            "b.md": b"b",
            "a.md": b"a",
            "sub/deeper/z.md": b"z",
            "sub/y.md": b"y",
            "notes.txt": b"not markdown",
            "README": b"not markdown",
            "draft.md~": b"editor backup",
            ".swap.md": b"hidden file",
            ".git/x.md": b"hidden folder",
            "sub/.cache/w.md": b"hidden folder deeper down",
        },
    )
    (content / "folder.md").mkdir()
    sources, errors = read_all(content)
    assert sources == [
        Source(str(content / "a.md"), PurePosixPath("a.md"), "a"),
        Source(str(content / "b.md"), PurePosixPath("b.md"), "b"),
        Source(str(content / "sub/deeper/z.md"), PurePosixPath("sub/deeper/z.md"), "z"),
        Source(str(content / "sub/y.md"), PurePosixPath("sub/y.md"), "y"),
    ]
    assert errors == []


def test_a_hidden_folder_above_the_content_folder_does_not_hide_it(tmp_path: Path) -> None:
    content = tmp_path / ".site" / "content"
    write(content, {"a.md": b"a"})
    assert [s.rel for s in read_all(content)[0]] == [PurePosixPath("a.md")]


def test_discover_without_a_content_folder_finds_nothing(tmp_path: Path) -> None:
    assert read_all(tmp_path / "content") == ([], [])


def test_discover_normalises_line_ends_and_drops_the_bom(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(
        content,
        {
            "crlf.md": b"---\r\ntitle: x\r\n---\r\nBody\r\n",
            "bom.md": b"\xef\xbb\xbf---\ntitle: x\n---\n",
        },
    )
    texts = {s.rel.name: s.text for s in read_all(content)[0]}
    assert texts == {"bom.md": "---\ntitle: x\n---\n", "crlf.md": "---\ntitle: x\n---\nBody\n"}


def test_a_bad_file_is_reported_and_the_good_ones_are_still_read(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(
        content,
        {
            "a.md": b"---\ntitle: A\n---\n",
            "bad.md": b"---\ntitle: Caf\xe9\n---\n",
            "c.md": b"---\ntitle: C\n---\n",
        },
    )
    sources, errors = read_all(content)
    assert [s.rel.name for s in sources] == ["a.md", "c.md"]
    assert [str(e) for e in errors] == [
        f"{content / 'bad.md'}:2:11: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}"
    ]
    assert isinstance(errors[0], ContentError)


def test_files_seen_before_with_the_same_stat_are_not_read_again(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(content, {"a.md": b"a", "b.md": b"b"})
    old = time.time_ns() - 10 * 1_000_000_000  # older than the racy window
    for name in ("a.md", "b.md"):
        os.utime(content / name, ns=(old, old))
    first = discover(content, {})
    assert [s.rel.name for s in first.changed] == ["a.md", "b.md"]
    again = discover(content, first.seen)
    assert again.changed == [] and again.seen == first.seen

    (content / "b.md").write_bytes(b"b, edited")
    (content / "c.md").write_bytes(b"c")
    (content / "a.md").unlink()
    later = discover(content, again.seen)
    assert [s.rel.name for s in later.changed] == ["b.md", "c.md"]
    assert sorted(later.seen) == ["b.md", "c.md"]
    assert later.seen["b.md"].key != first.seen["b.md"].key


def test_a_file_written_just_now_is_read_again_next_time(tmp_path: Path) -> None:
    """Its stat may not change when it is written again within the same clock tick."""
    content = tmp_path / "content"
    write(content, {"a.md": b"a"})
    first = discover(content, {})
    assert [s.rel.name for s in discover(content, first.seen).changed] == ["a.md"]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"plain", "plain"),
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\rc", "a\nb\nc"),
        (b"a\r\n\r\nb", "a\n\nb"),
        (b"\xef\xbb\xbfa", "a"),
        # Only a leading byte-order mark is dropped.
        (b"a\xef\xbb\xbfb", "a\ufeffb"),
        ("Київ сьогодні — café".encode(), "Київ сьогодні — café"),
        (b"", ""),
    ],
)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data, "a.md") == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff", f"a.md:1:1: is not UTF-8 text (byte 0xff cannot be decoded); {HINT}"),
        (
            b"---\ntitle: Caf\xe9\n",
            f"a.md:2:11: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}",
        ),
        (b"ab\ncd\nef\x80", f"a.md:3:3: is not UTF-8 text (byte 0x80 cannot be decoded); {HINT}"),
        (b"a\r\nb\xe9", f"a.md:2:2: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}"),
        # A multi-byte character cut short at the end of the file.
        (b"ab\ncd\xc3", f"a.md:2:3: is not UTF-8 text (byte 0xc3 cannot be decoded); {HINT}"),
        # Latin-1 text: the first bad byte is reported.
        (b"na\xefve caf\xe9", f"a.md:1:3: is not UTF-8 text (byte 0xef cannot be decoded); {HINT}"),
    ],
)
def test_decode_errors(data: bytes, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        decode(data, "a.md")
    assert str(excinfo.value) == message


# Columns are counted in characters, as an editor shows them; a byte-order mark is no column.
@pytest.mark.parametrize(
    ("data", "message"),
    [
        # "é" is one character: the bad byte is the 2nd character of line 1.
        (b"\xc3\xa9\xe9", f"a.md:1:2: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}"),
        (
            "title: Київ".encode() + b"\xff",
            f"a.md:1:12: is not UTF-8 text (byte 0xff cannot be decoded); {HINT}",
        ),
        (
            b"\xef\xbb\xbfab\xff",
            f"a.md:1:3: is not UTF-8 text (byte 0xff cannot be decoded); {HINT}",
        ),
        (
            "Київ\n— café ".encode() + b"\xe9",
            f"a.md:2:8: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}",
        ),
        # A valid character after the bad byte does not change where it is reported.
        (
            b"\xc3\xa9\xff" + "Київ".encode(),
            f"a.md:1:2: is not UTF-8 text (byte 0xff cannot be decoded); {HINT}",
        ),
    ],
)
def test_decode_error_column_counts_characters(data: bytes, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        decode(data, "a.md")
    assert str(excinfo.value) == message


# Every line end that decode normalises counts: '\n', '\r\n' and a lone '\r' (old Mac files).
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"---\rtitle: Caf\xe9\r---\r",
            f"a.md:2:11: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}",
        ),
        (b"a\rb\r\nc\nd\xe9", f"a.md:4:2: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}"),
        (b"a\r\r\xe9", f"a.md:3:1: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}"),
        (
            b"\xef\xbb\xbfa\r\n\r\n\xe9",
            f"a.md:3:1: is not UTF-8 text (byte 0xe9 cannot be decoded); {HINT}",
        ),
    ],
)
def test_decode_error_line_counts_every_kind_of_line_end(data: bytes, message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        decode(data, "a.md")
    assert str(excinfo.value) == message


def test_readme_and_underscore_files_are_not_items(tmp_path: Path) -> None:
    """A README.md explains the folder on GitHub; _index.md is Hugo's section file."""
    content = tmp_path / "content"
    write(
        content,
        {
            "README.md": b"# How to write items",
            "sub/readme.md": b"notes",
            "_index.md": b"---\ntitle: Section\n---\n",
            "sub/_draft-notes.md": b"x",
            "a.md": b"a",
        },
    )
    assert [s.rel.as_posix() for s in read_all(content)[0]] == ["a.md"]
    hinted = discover(content, {}, only={"README.md", "_index.md", "a.md"})
    assert [s.rel.as_posix() for s in hinted.changed] == ["a.md"]


def test_every_markdown_extension_in_any_case_is_an_item(tmp_path: Path) -> None:
    """Jekyll, Hugo and Docusaurus archives name posts .markdown, .mdown, .mkd, .MD..."""
    content = tmp_path / "content"
    names = ["a.md", "b.markdown", "c.mdown", "d.mkd", "e.mkdn", "f.MD", "g.Markdown"]
    write(content, {name: name.encode() for name in names} | {"README.markdown": b"notes"})
    sources, errors = read_all(content)
    assert [s.rel.as_posix() for s in sources] == names
    assert errors == []
    hinted = discover(content, {}, only={"b.markdown", "README.markdown"})
    assert [s.rel.as_posix() for s in hinted.changed] == ["b.markdown"]


@pytest.mark.parametrize("only", [None, {"post.mdx"}])
def test_an_mdx_file_is_an_error_that_says_what_would_be_lost(
    tmp_path: Path, only: set[str] | None
) -> None:
    content = tmp_path / "content"
    write(content, {"post.mdx": b"import Tabs from '@theme/Tabs';\n\n<Tabs>x</Tabs>\n"})
    found = discover(content, {}, only=only)
    assert found.changed == []
    (error,) = found.errors
    assert str(error).startswith(f"{content / 'post.mdx'}: this is an MDX file")
    assert "JSX imports and components" in str(error) and "rename the file to .md" in str(error)
