"""The output manifest, and what a file's bytes are known by: small, so that the stage
and the output folder's survey import nothing else of the plan."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from generator.text.urls import (
    OutputPath,
)

#: The manifest's name inside the output folder. Published with the site, it says
#: nothing the site does not: the list of its files.
MANIFEST = ".briefing-output.json"


def manifest_text(files: Iterable[OutputPath]) -> bytes:
    """The manifest of a site of ``files`` (which include the manifest itself)."""
    listing = {"written by": "briefing", "files": sorted(files)}
    return (json.dumps(listing, ensure_ascii=False, indent=0) + "\n").encode()


def digest(data: bytes) -> str:
    """What a file's bytes are known by: in the manifest's record and the staging folder."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
