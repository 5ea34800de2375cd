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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.machinekey import Seal, SealedFiles
from generator.text.urls import OutputPath

#: The cache's folder for search parts, inside the build cache's.
SEARCH_DIR = "search"


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

    @property
    def _files(self) -> SealedFiles:
        return SealedFiles(self.folder, self.seal, "search part")

    def name(self, part_key: str) -> str:
        """A kept part's file name: its key and the code that made it."""
        return hashlib.blake2b(f"{part_key}\0{self.code}".encode(), digest_size=20).hexdigest()

    def get(self, part_key: str) -> dict[OutputPath, bytes] | None:
        """The files of the part made from ``part_key``, if kept and sealed by this secret."""
        body = self._files.read(self.name(part_key))
        return None if body is None else _unpacked(body)

    def put(self, part_key: str, files: Mapping[OutputPath, bytes]) -> None:
        """Keep a part; a cache that cannot be written only slows a later build."""
        self._files.write(self.name(part_key), _packed(files))

    def prune(self, keep: Collection[str]) -> None:
        """Delete the kept parts but those made from the ``keep`` keys; nothing else."""
        self._files.prune({self.name(key) for key in keep})


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
