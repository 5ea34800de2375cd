"""Pagefind's bundle made repeatable: filter values in order, names after the bytes."""

from __future__ import annotations

import gzip
import json

from generator.search.bundle import SIGNATURE, _encode, _unpack, repeatable


def packed(value: object) -> bytes:
    return gzip.compress(SIGNATURE + _encode(value), mtime=0)  # type: ignore[arg-type]


def bundle(values: list[object], filters: list[object]) -> dict[str, bytes]:
    """A bundle as Pagefind 1.5.2 lays it out: an entry, metadata naming a filter file."""
    meta = ["1.5.2", [["en_frag001", 12]], [], filters, []]
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_0123456789", "wasm": "en"}}}
    return {
        "pagefind-entry.json": json.dumps(entry, separators=(",", ":")).encode(),
        "pagefind.en_0123456789.pf_meta": packed(meta),
        "filter/en_aaaaaaa.pf_filter": packed(["tag", values]),
        "filter/en_bbbbbbb.pf_filter": packed(["year", [["2025", [0]]]]),
        "fragment/en_frag001.pf_fragment": b"kept as it is",
    }


def test_the_same_values_in_any_order_give_the_same_bytes_and_names() -> None:
    one = [["trade", [0, 2]], ["energy", [1]], ["Ökonomie", [3]]]
    other = [one[2], one[0], one[1]]
    filters = [["tag", "en_aaaaaaa"], ["year", "en_bbbbbbb"]]
    first = repeatable(bundle(one, filters))
    second = repeatable(bundle(other, list(reversed(filters))))
    assert first == second
    (tag,) = [
        name
        for name in first
        if name.startswith("filter/") and b"trade" in gzip.decompress(first[name])
    ]
    # Values in byte order, as Rust orders strings; pages stay with their value.
    assert _unpack(first[tag]) == ["tag", [["energy", [1]], ["trade", [0, 2]], ["Ökonomie", [3]]]]
    assert first["fragment/en_frag001.pf_fragment"] == b"kept as it is"


def test_the_metadata_and_entry_follow_the_new_names() -> None:
    files = repeatable(
        bundle([["b", [0]], ["a", [1]]], [["year", "en_bbbbbbb"], ["tag", "en_aaaaaaa"]])
    )
    entry = json.loads(files["pagefind-entry.json"])
    language = entry["languages"]["en"]["hash"]
    assert language.startswith("en_") and len(language) == len("en_0123456789")
    meta = _unpack(files[f"pagefind.{language}.pf_meta"])
    assert isinstance(meta, list)
    named = {name for name, _ in meta[3]}  # type: ignore[misc]
    assert named == {"tag", "year"} and [name for name, _ in meta[3]] == ["tag", "year"]  # type: ignore[misc]
    for _, file in meta[3]:  # type: ignore[misc]
        assert f"filter/{file}.pf_filter" in files
    assert "pagefind.en_0123456789.pf_meta" not in files


def test_a_bundle_it_cannot_read_is_published_as_it_came() -> None:
    files = bundle([["b", [0]], ["a", [1]]], [["tag", "en_aaaaaaa"]])
    # A later Pagefind that writes, say, a map where 1.5.2 writes a list.
    files["filter/en_aaaaaaa.pf_filter"] = gzip.compress(SIGNATURE + b"\xa1\x61a\x61b")
    assert repeatable(files) == files
    files["filter/en_aaaaaaa.pf_filter"] = b"not gzip at all"
    assert repeatable(files) == files
