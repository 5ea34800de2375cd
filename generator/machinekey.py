"""The key that proves a build cache was written here, by this user.

The cache lives in the site folder, and the site folder arrives as pull requests:
a committed ``.briefing-cache`` would otherwise put whatever HTML it likes into the
published pages while the Markdown a reviewer reads says something else. So every
cache entry carries a MAC (keyed BLAKE2b) under a secret that never enters the
repository: 32 random bytes in the user's own cache folder, readable by that user
alone. A cache made anywhere else, or changed since, fails verification and is
discarded. On a CI runner the secret is new with every run, so no cache there is
ever trusted from a checkout, unless the deploy gives a secret of its own in
``BRIEFING_CACHE_SECRET`` (a repository secret): then the cache a deploy saved is
trusted by the next deploy, and by nothing that does not hold the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Bytes of secret; BLAKE2b takes keys of up to 64.
SECRET_BYTES = 32
SECRET_NAME = "cache-secret"
#: A secret given by the environment (a CI secret), used instead of the user's own.
SECRET_ENV = "BRIEFING_CACHE_SECRET"
#: The shortest secret taken from the environment: 128 bits written in hex.
SECRET_ENV_MIN = 32


class NoSecret(Exception):
    """No private place for the secret: the build then keeps no cache on disk."""


def secret_dir() -> Path:
    """The user's own cache folder for briefing, by each system's convention."""
    override = os.environ.get("BRIEFING_SECRET_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "briefing"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "briefing"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def load_secret(folder: Path | None = None) -> bytes:
    """The secret of ``BRIEFING_CACHE_SECRET`` if set, else this user's own, made on
    first use; NoSecret says why there is none."""
    given = os.environ.get(SECRET_ENV, "")
    if given:
        if len(given) < SECRET_ENV_MIN:
            raise NoSecret(
                f"{SECRET_ENV} is too short to keep a cache safe ({len(given)} characters, "
                f"at least {SECRET_ENV_MIN}); make one with `openssl rand -hex 32`"
            )
        return hashlib.blake2b(
            given.encode(), digest_size=SECRET_BYTES, person=b"briefing-secret"
        ).digest()
    folder = secret_dir() if folder is None else folder
    path = folder / SECRET_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _read(path) if os.path.lexists(path) else _make(path)
    except OSError as exc:
        raise NoSecret(f"cannot keep the build cache's key in {folder}: {exc.strerror}") from None


def _make(path: Path) -> bytes:
    """Write a new secret; when another build wrote one first, take theirs."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, os.urandom(SECRET_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # fails if it exists: never replace a secret in use
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)
    return _read(path)


def _read(path: Path) -> bytes:
    """The secret, refused when someone else could know or change it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        data = os.read(fd, SECRET_BYTES + 1)
    finally:
        os.close(fd)
    if sys.platform != "win32":  # Windows keeps LOCALAPPDATA private by its own means
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise NoSecret(
                f"the build cache's key {path} may be read or changed by other users; "
                f"delete it, and briefing makes a private one"
            )
    if len(data) != SECRET_BYTES:
        raise NoSecret(f"the build cache's key {path} is damaged; delete it")
    return data


class Seal:
    """MACs for the rows of the build cache, under this user's secret."""

    def __init__(self, secret: bytes) -> None:
        # Keyed once; each MAC starts from a copy of this state.
        self._keyed = hashlib.blake2b(key=secret, digest_size=16, person=b"briefing-cache")

    def mac(self, kind: str, *values: str | int | None) -> bytes:
        """A MAC of a row's values; ``kind`` keeps a row of one table from passing in another.

        Each value goes in with its type and length, so no two rows read the same; large
        values (a record's HTML) are hashed where they lie, never copied into one string.
        """
        digest = self._start(kind)
        for value in values:
            if value is None:
                digest.update(b"-;")
            elif isinstance(value, int):
                digest.update(b"i%d;" % value)
            else:
                data = value.encode()
                digest.update(b"s%d:" % len(data))
                digest.update(data)
        return digest.digest()

    def valid(self, mac: object, kind: str, *values: str | int | None) -> bool:
        return isinstance(mac, bytes) and hmac.compare_digest(mac, self.mac(kind, *values))

    def table(self, kind: str, rows: Iterable[Sequence[str | int | None]]) -> str:
        """One MAC (hex) of a whole table, rows in key order: a table of 15,000 small
        rows is sealed in milliseconds, where a MAC each would take a large part of
        a build."""
        digest = self._start(kind)
        # JSON, made in C, reads back one way only.
        digest.update(json.dumps(list(rows), ensure_ascii=False, separators=(",", ":")).encode())
        return digest.hexdigest()

    def _start(self, kind: str) -> hashlib.blake2b:
        digest = self._keyed.copy()
        name = kind.encode()
        digest.update(b"%d:" % len(name) + name)
        return digest


#: A sealed file's name: a 40-digit hex digest; nothing else we write looks like one.
_SEALED_NAME = re.compile(r"[0-9a-f]{40}")
_MAC_BYTES = 16


@dataclass(frozen=True, slots=True)
class SealedFiles:
    """A folder of the build cache that keeps one file per entry, each sealed under the
    secret: read back only when the seal proves it was written here, unchanged."""

    folder: Path
    seal: Seal
    #: What the files hold ("picture"): a file of one kind never passes for another.
    kind: str

    def read(self, name: str) -> bytes | None:
        """The entry called ``name``, if there is one and the seal proves it."""
        if not _SEALED_NAME.fullmatch(name) or self.folder.is_symlink():
            return None
        try:
            # O_NOFOLLOW: a link put in the cache's place is not read through.
            handle = os.open(self.folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(handle, "rb") as file:
                data = file.read()
        except OSError:
            return None
        mac, body = data[:_MAC_BYTES], data[_MAC_BYTES:]
        return body if self.seal.valid(mac, self.kind, name, _digest(body)) else None

    def write(self, name: str, body: bytes) -> None:
        """Keep an entry; a cache that cannot be written only slows a later build."""
        if not _SEALED_NAME.fullmatch(name) or self.folder.is_symlink():
            return
        mac = self.seal.mac(self.kind, name, _digest(body))
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
        """Delete the entries not named in ``keep``; nothing else in the folder."""
        if self.folder.is_symlink():
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if _SEALED_NAME.fullmatch(name) and name not in keep:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass  # in use elsewhere, or gone: a later build tries again


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
