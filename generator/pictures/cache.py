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
import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from generator.machinekey import Seal

#: The cache's folder for pictures, inside the build cache's.
PICTURES_DIR = "pictures"
#: What a copy's file is called: its key, and nothing else we write looks like one.
_NAME = re.compile(r"[0-9a-f]{40}")
#: The seal's length at the start of each file.
_MAC_BYTES = 16


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

    def key(self, digest: str, file: str, width: int) -> str:
        """A copy's name: the source picture's digest, its file name (the format),
        the width, and the code that makes it."""
        made_from = f"{digest}\0{file}\0{width}\0{self.code}".encode()
        return hashlib.blake2b(made_from, digest_size=20).hexdigest()

    def get(self, key: str) -> bytes | None:
        """The copy called ``key``, if there is one and this user's seal proves it."""
        if not _NAME.fullmatch(key) or self.folder.is_symlink():
            return None
        try:
            # O_NOFOLLOW: a link put in the cache's place is not read through.
            handle = os.open(self.folder / key, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(handle, "rb") as file:
                data = file.read()
        except OSError:
            return None
        mac, body = data[:_MAC_BYTES], data[_MAC_BYTES:]
        return body if self.seal.valid(mac, "picture", key, _digest(body)) else None

    def put(self, key: str, body: bytes) -> None:
        """Keep a copy; a cache that cannot be written only slows the next build."""
        if not _NAME.fullmatch(key) or self.folder.is_symlink():
            return
        mac = self.seal.mac("picture", key, _digest(body))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".briefing-")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(mac + body)
            os.replace(temp, self.folder / key)
        except OSError:
            Path(temp).unlink(missing_ok=True)

    def prune(self, keep: Collection[str]) -> None:
        """Delete the copies no picture of the site needs now; nothing else in the folder."""
        if self.folder.is_symlink():
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if _NAME.fullmatch(name) and name not in keep:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass  # in use elsewhere, or gone: the next build tries again


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
