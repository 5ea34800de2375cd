"""Smaller copies of large pictures, for ``srcset``: the same bytes from the same input.

A picture wider than the site's ``picture_width`` gets a copy that wide beside it
(``map.png`` and ``map-1200w.png``), so that phones and narrow columns do not fetch
a camera's 4,000 pixels. The copy is made with Pillow, turned upright by its EXIF
orientation (browsers show the original that way), keeps its colour profile, and
carries no metadata that could change between builds: building twice gives the
same bytes.
"""

from __future__ import annotations

import io
import posixpath
import warnings

from PIL import Image, ImageOps

#: What Pillow writes again as it read it; other formats (GIF, SVG, PDF) are left whole.
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def can_resize(file: str) -> bool:
    return posixpath.splitext(file)[1].lower() in _FORMATS


def copy_name(file: str, width: int) -> str:
    """Where the copy ``width`` pixels wide goes: "a/map.png" -> "a/map-1200w.png"."""
    stem, suffix = posixpath.splitext(file)
    return f"{stem}-{width}w{suffix}"


def resized(data: bytes, file: str, width: int) -> bytes:
    """The picture ``data`` (named ``file``) scaled to ``width`` pixels wide."""
    kind = _FORMATS[posixpath.splitext(file)[1].lower()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as opened:
            icc = opened.info.get("icc_profile")
            picture = ImageOps.exif_transpose(opened)
    height = max(1, round(picture.height * width / picture.width))
    if kind == "JPEG" and picture.mode not in ("RGB", "L", "CMYK"):
        picture = picture.convert("RGB")
    smaller = picture.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if kind == "JPEG":
        options.update(quality=85, optimize=True, progressive=True)
    elif kind == "PNG":
        options.update(optimize=True)
    else:
        options.update(quality=85, method=4)
    smaller.save(out, kind, **options)
    return out.getvalue()
