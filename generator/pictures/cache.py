"""Smaller copies of pictures kept between builds, outside any output folder.

A build remakes only the copies whose picture changed, but a new output folder has
none: ``serve`` builds into a fresh one each time it starts, and ``--output`` may
name a new one. Resizing a camera's picture takes about 0.2 s, so a site with a
thousand of them would wait minutes. The copies are kept in ``.briefing-cache/
pictures/``, one file each, named by what it is made from (the picture's digest,
its name, the width, and briefing's code key, which covers Pillow's version) and
sealed under this user's secret: a copy is used only when it provably was made
here, by this code, from these bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from generator.machinekey import Seal, SealedFiles

#: The cache's folder for pictures, inside the build cache's.
PICTURES_DIR = "pictures"


@dataclass(frozen=True, slots=True)
class PictureCache:
    """The sealed copies in ``folder``."""

    folder: Path
    seal: Seal
    #: briefing's code and the libraries' versions (cache.code_key): a copy made by
    #: other code is never taken for this code's.
    code: str

    @classmethod
    def in_cache(cls, cache_dir: Path, seal: Seal, code: str) -> PictureCache:
        return cls(cache_dir / PICTURES_DIR, seal, code)

    @property
    def _files(self) -> SealedFiles:
        return SealedFiles(self.folder, self.seal, "picture")

    def key(self, digest: str, file: str, width: int) -> str:
        """A copy's name: the source picture's digest, its file name (the format),
        the width, and the code that makes it."""
        made_from = f"{digest}\0{file}\0{width}\0{self.code}".encode()
        return hashlib.blake2b(made_from, digest_size=20).hexdigest()

    def get(self, key: str) -> bytes | None:
        """The copy called ``key``, if there is one and this user's seal proves it."""
        return self._files.read(key)

    def put(self, key: str, body: bytes) -> None:
        """Keep a copy; a cache that cannot be written only slows the next build."""
        self._files.write(key, body)

    def prune(self, keep: Collection[str]) -> None:
        """Delete the copies no picture of the site needs now; nothing else in the folder."""
        self._files.prune(keep)
