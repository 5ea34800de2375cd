"""Pagefind's search bundle, made the same bytes for the same pages.

Pagefind 1.5.2 (the release on PyPI) writes each filter's values in the order of a
Rust hash map, which a new process seeds afresh: the same pages give filter files
with other bytes and other names, and with them another metadata file and entry
(Pagefind/pagefind#638; fixed on its main branch in #1124, after 1.5.2). Here each
filter file's values are put in byte order, as the fix does, and the files whose
names derive from their bytes are renamed after their new bytes.

The files are gzip-compressed CBOR after a ``pagefind_dcd`` signature. Only the
parts CBOR needs for Pagefind's filter and metadata files are read (unsigned
integers, text, arrays), and a file is rewritten only when reading and writing it
back gives its exact bytes: a later Pagefind that writes something else is
published as it came, never misread.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"

Value = int | str | list["Value"]


class Unreadable(Exception):
    """Bytes this module does not read the way Pagefind wrote them."""


def repeatable(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bundle (paths relative to its folder) with filters in a fixed order."""
    try:
        return _repeatable(files)
    except Unreadable:
        return dict(files)


def _repeatable(files: Mapping[str, bytes]) -> dict[str, bytes]:
    out = dict(files)
    renamed: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("filter/") and p.endswith(".pf_filter")):
        old = path.removeprefix("filter/").removesuffix(".pf_filter")
        data = _ordered_filter(files[path])
        new = _name(old, data, 7)
        del out[path]
        out[f"filter/{new}.pf_filter"] = data
        renamed[old] = new
    if not renamed or ENTRY not in files:
        return out
    entry = json.loads(files[ENTRY])
    if _dumped(entry) != files[ENTRY]:
        raise Unreadable(ENTRY)
    for language in entry.get("languages", {}).values():
        old = language["hash"]
        path = f"pagefind.{old}.pf_meta"
        if path not in files:
            raise Unreadable(path)
        data = _pack(_filters_in_order(_renamed(_unpack(files[path]), renamed), renamed))
        new = _name(old, data, 10)
        del out[path]
        out[f"pagefind.{new}.pf_meta"] = data
        language["hash"] = new
    out[ENTRY] = _dumped(entry)
    return out


def _dumped(entry: object) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _name(old: str, data: bytes, digits: int) -> str:
    """``en_1a2b3c4``: the language Pagefind put first, then a digest of the bytes."""
    language, _, _ = old.rpartition("_")
    if not language:
        raise Unreadable(old)
    return f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"


def _ordered_filter(data: bytes) -> bytes:
    """A filter file (``[name, [[value, pages], ...]]``) with its values in byte order."""
    decoded = _unpack(data)
    if not (isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[1], list)):
        raise Unreadable("filter")
    values = decoded[1]
    if not all(isinstance(v, list) and v and isinstance(v[0], str) for v in values):
        raise Unreadable("filter")
    values.sort(key=_first_bytes)
    return _pack(decoded)


def _first_bytes(value: Value) -> bytes:
    """Rust orders strings by their UTF-8 bytes; so does this."""
    return str(value[0] if isinstance(value, list) else value).encode("utf-8")


def _renamed(value: Value, names: Mapping[str, str]) -> Value:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value


def _filters_in_order(meta: Value, names: Mapping[str, str]) -> Value:
    """The metadata's list of ``[filter, file]`` pairs by filter name (1.5.2 keeps them in
    hash-map order too)."""
    if not isinstance(meta, list):
        raise Unreadable("metadata")
    files = set(names.values())
    for part in meta:
        if isinstance(part, list) and part and all(_is_filter(p, files) for p in part):
            part.sort(key=_first_bytes)
    return meta


def _is_filter(pair: Value, files: set[str]) -> bool:
    return (
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and isinstance(pair[1], str)
        and pair[1] in files
    )


def _unpack(data: bytes) -> Value:
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise Unreadable("gzip") from exc
    if not raw.startswith(SIGNATURE):
        raise Unreadable("signature")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or _encode(value) != raw[len(SIGNATURE) :]:
        raise Unreadable("cbor")
    return value


def _pack(value: Value) -> bytes:
    # mtime 0: gzip would otherwise stamp the time of the build into every file.
    return gzip.compress(SIGNATURE + _encode(value), compresslevel=6, mtime=0)


def _decode(raw: bytes, at: int) -> tuple[Value, int]:
    if at >= len(raw):
        raise Unreadable("cbor")
    major, info = raw[at] >> 5, raw[at] & 0x1F
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length = int.from_bytes(raw[at : at + size], "big")
        at += size
    else:
        raise Unreadable("cbor")  # indefinite lengths, floats and simple values
    if major == 0:
        return length, at
    if major == 3:
        try:
            return raw[at : at + length].decode("utf-8"), at + length
        except UnicodeDecodeError as exc:
            raise Unreadable("cbor") from exc
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _decode(raw, at)
            items.append(item)
        return items, at
    raise Unreadable("cbor")


def _encode(value: Value) -> bytes:
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(value)) + b"".join(_encode(v) for v in value)


def _head(major: int, length: int) -> bytes:
    """The shortest head for ``length``, as CBOR's preferred encoding (and minicbor) has it."""
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise Unreadable("cbor")
