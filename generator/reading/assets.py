"""What a content file other than Markdown is: its digest, and a picture's size.

Pictures, PDFs and other files live beside the items that link to them. A file is
described once, when it is first seen or its stat changes, and the description
is kept as the file's key between builds (see :class:`generator.reading.sources.FileSeen`),
so that a build with nothing new reads no picture again.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

_PREFIX = "asset "
#: EXIF orientations that turn the picture a quarter: browsers show it with width and
#: height swapped (they honour EXIF orientation, and so must width="" and height="").
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_ORIENTATION = 0x0112


@dataclass(frozen=True, slots=True)
class Asset:
    """A file's digest, and its width and height in pixels when it is a picture."""

    digest: str
    width: int | None = None
    height: int | None = None

    def key(self) -> str:
        """The file's key as kept between builds: it changes whenever the bytes do."""
        size = f" {self.width} {self.height}" if self.width and self.height else ""
        return f"{_PREFIX}{self.digest}{size}"

    @classmethod
    def from_key(cls, key: str) -> Asset | None:
        """The asset a key stands for; None when the key is not an asset's."""
        if not key.startswith(_PREFIX):
            return None
        parts = key[len(_PREFIX) :].split(" ")
        if len(parts) == 3 and parts[1].isdecimal() and parts[2].isdecimal():
            return cls(parts[0], int(parts[1]), int(parts[2]))
        return cls(parts[0]) if len(parts) == 1 else None


def describe(data: bytes) -> Asset:
    """The asset ``data`` is: its digest, and its size if Pillow knows it as a picture."""
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    size = picture_size(data)
    return Asset(digest, *size) if size else Asset(digest)


def picture_size(data: bytes) -> tuple[int, int] | None:
    """Width and height as a browser shows the picture; None for other files.

    Only the header is read. A picture too large to decode safely still has a size.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                turned = picture.getexif().get(_ORIENTATION) in _QUARTER_TURNS
    except Exception:  # noqa: BLE001 - Pillow's readers raise many kinds on damaged files
        return None  # not a picture it can read: the file is still copied, without a size
    if width < 1 or height < 1:
        return None
    return (height, width) if turned else (width, height)
