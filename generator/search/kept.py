"""Parts of the search index kept between builds, outside any output folder.

A build keeps the parts its output folder already holds, but a new output folder
has none: ``serve`` builds into a fresh one each time it starts, ``--output`` may
name a new one, and a deploy runs on a fresh machine. Indexing 10,000 items takes
Pagefind about 15 s of work. So each part made is also kept in
``.briefing-cache/search/``, one file per part, named by what it is made from (the
part's key, which covers its documents, the language and Pagefind's version, and
briefing's code key) and sealed under this user's secret (or the deploy's, from
``BRIEFING_CACHE_SECRET``): a part is used only when it provably was made by this
code from these documents, by someone who holds the secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.machinekey import Seal
from generator.text.urls import OutputPath

#: The cache's folder for search parts, inside the build cache's.
SEARCH_DIR = "search"
#: What a part's file is called: nothing else we write looks like one.
_NAME = re.compile(r"[0-9a-f]{40}")
_MAC_BYTES = 16


@dataclass(frozen=True, slots=True)
class KeptParts:
    """The sealed parts in ``folder``."""

    folder: Path
    seal: Seal
    #: briefing's code and the libraries' versions (cache.code_key).
    code: str

    @classmethod
    def in_cache(cls, cache_dir: Path, seal: Seal, code: str) -> KeptParts:
        return cls(cache_dir / SEARCH_DIR, seal, code)

    def name(self, part_key: str) -> str:
        """A kept part's file name: its key and the code that made it."""
        return hashlib.blake2b(f"{part_key}\0{self.code}".encode(), digest_size=20).hexdigest()

    def get(self, part_key: str) -> dict[OutputPath, bytes] | None:
        """The files of the part made from ``part_key``, if kept and sealed by this secret."""
        name = self.name(part_key)
        if self.folder.is_symlink():
            return None
        try:
            # O_NOFOLLOW: a link put in the cache's place is not read through.
            handle = os.open(self.folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(handle, "rb") as file:
                data = file.read()
        except OSError:
            return None
        mac, body = data[:_MAC_BYTES], data[_MAC_BYTES:]
        if not self.seal.valid(mac, "search part", name, hashlib.sha256(body).hexdigest()):
            return None
        return _unpacked(body)

    def put(self, part_key: str, files: Mapping[OutputPath, bytes]) -> None:
        """Keep a part; a cache that cannot be written only slows a later build."""
        name = self.name(part_key)
        if self.folder.is_symlink():
            return
        body = _packed(files)
        mac = self.seal.mac("search part", name, hashlib.sha256(body).hexdigest())
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".briefing-")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(mac + body)
            os.replace(temp, self.folder / name)
        except OSError:
            Path(temp).unlink(missing_ok=True)

    def prune(self, keep: Collection[str]) -> None:
        """Delete the kept parts but those made from the ``keep`` keys; nothing else."""
        if self.folder.is_symlink():
            return
        wanted = {self.name(key) for key in keep}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if _NAME.fullmatch(name) and name not in wanted:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass  # in use elsewhere, or gone: a later build tries again


def _packed(files: Mapping[OutputPath, bytes]) -> bytes:
    """A line of JSON naming each file and its length, then the files' bytes."""
    listed = [[path, len(data)] for path, data in sorted(files.items())]
    head = json.dumps(listed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return head + b"\n" + b"".join(data for _, data in sorted(files.items()))


def _unpacked(body: bytes) -> dict[OutputPath, bytes] | None:
    head, _, rest = body.partition(b"\n")
    try:
        listed = json.loads(head)
    except ValueError:
        return None
    files: dict[OutputPath, bytes] = {}
    at = 0
    for path, length in listed:
        files[path] = rest[at : at + length]
        at += length
    return files if at == len(rest) else None
