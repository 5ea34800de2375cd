"""Where this briefing came from, as what a deploy workflow should install.

A workflow that installs a package by name installs whatever the index holds under
that name. `briefing` on PyPI is someone else's project, and our distribution has no
release of its own yet, so a workflow must never install either by name: it installs
from a Git URL pinned to a full commit, from an archive pinned by its hash, or from a
folder of the site's own repository. When none of those can be found, ``init`` stops
and says how to give one; it never guesses.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, ConfigError

#: The name of our distribution (`pip install` puts it in direct references; the
#: command stays `briefing`). Not `briefing`: PyPI's `briefing` is another project.
DISTRIBUTION = "briefing-ssg"

#: A Git URL pinned to a full commit (SHA-1, or SHA-256 for such repositories).
_PINNED_GIT = re.compile(r"git\+https://[^\s@#?]+/[^\s@#?]+@([0-9a-f]{40}|[0-9a-f]{64})")
#: An archive pinned by its SHA-256.
_PINNED_ARCHIVE = re.compile(r"https://\S+\.(?:tar\.gz|zip|whl)#sha256=[0-9a-f]{64}")

HOW = (
    "pass --generator git+https://github.com/OWNER/REPO@COMMIT (the full 40-character "
    "commit of the briefing the site should build with), or a folder of the new site "
    "that will hold briefing (--generator ./briefing)"
)


@dataclass(frozen=True, slots=True)
class Generator:
    """How a workflow installs briefing, and what it should know about it."""

    #: The argument of `pip install`, quoted for a shell where it needs to be.
    requirement: str
    #: True when the requirement is a folder of the site's own repository.
    in_site: bool = False
    #: What the editor should know before the workflow first runs.
    warnings: tuple[str, ...] = ()


def given(spec: str) -> Generator:
    """The generator named by ``--generator``: a pinned Git URL or archive, or a folder
    inside the site."""
    spec = spec.strip()
    if _PINNED_GIT.fullmatch(spec) or _PINNED_ARCHIVE.fullmatch(spec):
        return Generator(f'"{DISTRIBUTION} @ {spec}"')
    folder = _site_folder(spec)
    if folder is not None:
        return Generator(folder, in_site=True)
    raise BuildFailed(
        [
            ConfigError(
                f"--generator {spec!r} is neither a Git URL pinned to a full commit, an "
                "https archive pinned by #sha256=, nor a folder inside the site",
                hint="write git+https://github.com/OWNER/REPO@COMMIT with the full commit, "
                "or a folder of the site starting with ./ (./briefing)",
            )
        ]
    )


def _site_folder(spec: str) -> str | None:
    """``spec`` as a folder inside the site (`./briefing`, `.`), or None when it is not
    one: without its `./` (`briefing` looks like a package name), climbing out with
    `..`, or hidden."""
    spec = spec.replace("\\", "/")
    if spec != "." and not spec.startswith("./"):
        return None
    parts = [part for part in spec.split("/") if part not in ("", ".")]
    if any(part.startswith(".") for part in parts):  # `..`, and hidden folders like .git
        return None
    return "./" + "/".join(parts) if parts else "."


def installed() -> Generator:
    """How this very briefing was installed, as a pinned requirement; BuildFailed when
    that cannot be told (from an index by name, a local file, a folder without a
    remote)."""
    try:
        direct = importlib.metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        direct = None
    info = json.loads(direct) if direct else {}
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info") or {}
    pinned = f"git+{https(url)}@{vcs.get('commit_id')}"
    if vcs.get("vcs") == "git" and _PINNED_GIT.fullmatch(pinned):
        return Generator(f'"{DISTRIBUTION} @ {pinned}"')
    archive = _archive(url, info.get("archive_info") or {})
    if archive is not None:
        return Generator(f'"{DISTRIBUTION} @ {archive}"')
    if url.startswith("file://") and "dir_info" in info:
        return _checkout(Path(url.removeprefix("file://")))
    raise _unknown("it was not installed from a Git repository or a pinned archive")


def https(remote: str) -> str:
    """A Git remote as the https URL a runner can clone without keys."""
    remote = remote.removeprefix("git+")
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(.+)", remote)  # git@github.com:owner/repo
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    return re.sub(r"^ssh://(?:[\w.-]+@)?([\w.-]+)(?::\d+)?/", r"https://\1/", remote)


def _archive(url: str, archive: dict[str, object]) -> str | None:
    hashes = archive.get("hashes")
    digest = hashes.get("sha256") if isinstance(hashes, dict) else None
    if digest is None and str(archive.get("hash", "")).startswith("sha256="):
        digest = str(archive["hash"]).removeprefix("sha256=")
    pinned = f"{url}#sha256={digest}"
    return pinned if digest and _PINNED_ARCHIVE.fullmatch(pinned) else None


def _checkout(folder: Path) -> Generator:
    """A local checkout (`pip install -e .`): its remote at its commit, with what the
    workflow would miss (commits not pushed, changes not committed) as warnings."""
    remote = git_output(folder, "config", "--get", "remote.origin.url")
    commit = git_output(folder, "rev-parse", "HEAD")
    if not remote or not commit:
        raise _unknown(f"{folder} is not a Git checkout with a remote named origin")
    url = f"git+{https(remote)}@{commit}"
    if not _PINNED_GIT.fullmatch(url):
        raise _unknown(f"origin of {folder} ({remote}) cannot be cloned over https")
    warnings = []
    if not git_output(folder, "branch", "--remotes", "--contains", commit):
        warnings.append(
            f"commit {commit[:12]} of {folder} is on no branch of its remote yet: push it "
            "before the workflow runs, or the install step will not find it"
        )
    if git_output(folder, "status", "--porcelain", "--untracked-files=no"):
        warnings.append(
            f"{folder} has changes that are not committed: the workflow installs commit "
            f"{commit[:12]} without them"
        )
    return Generator(f'"{DISTRIBUTION} @ {url}"', warnings=tuple(warnings))


def _unknown(why: str) -> BuildFailed:
    return BuildFailed(
        [
            ConfigError(
                f"cannot tell where this briefing came from ({why}), and the workflow must "
                "install exactly that generator, never a package by name",
                hint=HOW,
            )
        ]
    )


def git_output(folder: Path, *args: str) -> str | None:
    """What `git -C folder ARGS` prints, or None when it fails or there is no git."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
