"""What a content file other than Markdown is: its digest, and a picture's size.

Pictures, PDFs and other files live beside the items that link to them. A file is
described once, when it is first seen or its stat changes, and the description
is kept as the file's key between builds (see :class:`generator.reading.sources.FileSeen`),
so that a build with nothing new reads no picture again.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
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
    #: Its length in bytes, from the file's stat when the build lists the content
    #: folder (:func:`generator.engine.parse.assets_of`); not part of its key.
    size: int | None = None

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
    if _SVG_START.match(data):
        return svg_size(data)
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


#: An SVG file's start: an XML declaration, comments or a doctype, then <svg.
_SVG_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.S
)
_SVG_TAG = re.compile(rb"<svg\b([^>]*)>", re.S)
#: A length in CSS pixels: a number, with px or no unit (1em, 50% have no fixed size).
_PIXELS = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(?:px)?\s*")


def svg_size(data: bytes) -> tuple[int, int] | None:
    """The size an SVG is drawn at: its width and height when both are pixels, else
    its viewBox's (which browsers draw at 300 by 150 unless told, but whose shape
    width="" and height="" must keep). Read from the <svg> tag with a pattern, never
    by an XML parser: a picture is untrusted, and entities could make it huge."""
    tag = _SVG_TAG.search(data[:65536])
    if tag is None:
        return None
    attributes = {
        name.lower(): value
        for name, value in re.findall(
            r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(1).decode("utf-8", "replace")
        )
    }
    width, height = (_PIXELS.fullmatch(attributes.get(n, "")) for n in ("width", "height"))
    if width and height:
        size = (float(width.group(1)), float(height.group(1)))
    else:
        box = attributes.get("viewbox", "").replace(",", " ").split()
        try:
            size = (float(box[2]), float(box[3])) if len(box) == 4 else (0.0, 0.0)
        except ValueError:
            return None
    rounded = (math.ceil(size[0]), math.ceil(size[1]))
    return rounded if rounded[0] >= 1 and rounded[1] >= 1 else None
