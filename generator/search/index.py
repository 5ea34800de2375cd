"""The search index: the site's search documents through Pagefind, part by part, as a
bundle of files.

Pagefind's Python API runs its binary (from ``pagefind[bin]``) as a service and
talks to it over a pipe. Documents are sent one by one, in the site's order, so
that Pagefind numbers the pages the same way on every machine; its own
``add_directory`` would number them in the order the file system lists a
folder, which differs between machines. The bundle comes back through the pipe,
never touching the disk, and is made repeatable by :mod:`generator.search.bundle`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata

from generator.errors import BuildFailed, OutputError
from generator.render.views import SEARCH_BUNDLE
from generator.search.bundle import repeatable
from generator.search.documents import SearchDocument, SearchEntry, entries_digest
from generator.search.kept import KeptParts
from generator.search.pagefind import index_files
from generator.search.parts import SearchPart
from generator.text.urls import OutputPath

#: Pagefind's ready-made interfaces, left out: a theme searches through pagefind.js, as
#: the default theme's search page does, and ships its own look (these are 410 KB of
#: scripts and styles no page would load).
PAGEFIND_UI = (
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
)
#: The script themes import, at the bundle's top.
SCRIPT = "pagefind.js"
#: What pagefind.js loads beside the primary part's index; the other parts leave it out.
RUNTIME = ("pagefind-worker.js", "wasm.")
#: The list of parts the search page reads first.
MANIFEST = f"{SEARCH_BUNDLE}/parts.json"  # the default language's
HINT = (
    "install it with `pip install 'pagefind[bin]'`, or turn search off with "
    "`search: false` in site.yaml"
)


def engine_version() -> str:
    """Pagefind's version, part of the index's digest: a new Pagefind indexes afresh."""
    found = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            found.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return " ".join(found) or "none"


def part_key(part: SearchPart[SearchEntry], settings: str, primary: bool) -> str:
    """What a part's files are made from: its pages' entries, ``settings`` (what else
    their documents are made from), Pagefind's version, and whether it is the primary
    part (which carries Pagefind's runtime). The same key, the same files."""
    role = "primary" if primary else "merged"
    return entries_digest(part.pages, f"{settings}\0{engine_version()}\0{part.name}\0{role}")


def part_keys(parts: Sequence[SearchPart[SearchEntry]], settings: str) -> dict[str, str]:
    """Each part's key by name; the first part is the primary."""
    return {part.name: part_key(part, settings, i == 0) for i, part in enumerate(parts)}


def part_of(path: OutputPath, bundle: str = SEARCH_BUNDLE) -> str | None:
    """The part whose files hold ``path`` (``pagefind/<part>/...``; ``bundle`` is the
    folder of one language's index, ``uk/pagefind`` in another language than the
    default): "" for the script at the bundle's top (the primary's), None for the list
    of parts or a file elsewhere."""
    if path == f"{bundle}/{SCRIPT}":
        return ""
    name, slash, _ = path.removeprefix(bundle + "/").partition("/")
    return name if slash and path.startswith(bundle + "/") else None


def manifest_file(bundle: str = SEARCH_BUNDLE) -> OutputPath:
    """The list of a bundle's parts, which its search page reads first."""
    return f"{bundle}/parts.json"


def made_parts(
    todo: Sequence[tuple[SearchPart[SearchEntry], bool]],
    keys: Mapping[str, str],
    make: Callable[[SearchEntry], SearchDocument],
    language: str,
    jobs: int,
    kept: KeptParts | None,
    started: Callable[[int], None] | None = None,
    bundle: str = SEARCH_BUNDLE,
) -> dict[str, dict[OutputPath, bytes]]:
    """The files of the ``todo`` parts: taken from ``kept`` where it holds them sealed,
    else made by Pagefind from their documents (``make`` makes one) and kept. The
    caller prunes the kept parts once it knows every language's keys."""
    made: dict[str, dict[OutputPath, bytes]] = {}
    if kept is not None:
        for part, _ in todo:
            if (found := kept.get(keys[part.name])) is not None:
                made[part.name] = found
    rest = [(documents(part, make), primary) for part, primary in todo if part.name not in made]
    new = index_parts(rest, language, jobs, started, bundle) if rest else {}
    if kept is not None:
        for name, files in new.items():
            kept.put(keys[name], files)
    return made | new


def documents(
    part: SearchPart[SearchEntry], make: Callable[[SearchEntry], SearchDocument]
) -> SearchPart[SearchDocument]:
    """The part with its pages' documents, made now: only the parts Pagefind indexes."""
    return SearchPart(part.name, tuple(make(entry) for entry in part.pages))


def index_parts(
    parts: Sequence[tuple[SearchPart[SearchDocument], bool]],
    language: str,
    jobs: int,
    started: Callable[[int], None] | None = None,
    bundle: str = SEARCH_BUNDLE,
) -> dict[str, dict[OutputPath, bytes]]:
    """Each part's files by output path, for ``(part, primary)`` pairs, made by up to
    ``jobs`` Pagefind services at once; raise BuildFailed if Pagefind is missing or
    fails. ``started`` is told the process id of each service, for a caller in another
    thread that may have to stop it."""
    try:
        return asyncio.run(_index_all(parts, language, max(1, jobs), started, bundle))
    except (ImportError, FileNotFoundError) as exc:
        raise _failed(f"Pagefind is not installed ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - Pagefind reports its errors as Exception
        raise _failed(f"Pagefind failed: {exc}") from None


async def _index_all(
    parts: Sequence[tuple[SearchPart[SearchDocument], bool]],
    language: str,
    jobs: int,
    started: Callable[[int], None] | None,
    bundle: str,
) -> dict[str, dict[OutputPath, bytes]]:
    # Each part has a service (a process) of its own, so parts are indexed on every
    # core; the slots keep as many at work as the build may use.
    slots = asyncio.Semaphore(jobs)

    async def one(
        part: SearchPart[SearchDocument], primary: bool
    ) -> tuple[str, dict[OutputPath, bytes]]:
        async with slots:
            files = await index_files(part.pages, language, started)
        return part.name, part_files(part.name, files, primary, bundle)

    return dict(await asyncio.gather(*(one(part, primary) for part, primary in parts)))


def part_files(
    name: str, files: Mapping[str, bytes], primary: bool, bundle: str = SEARCH_BUNDLE
) -> dict[OutputPath, bytes]:
    """A part's files, made repeatable, under ``pagefind/<name>/``; the primary part keeps
    Pagefind's runtime (its worker and WebAssembly beside its index, the script that
    loads them at the bundle's top, where themes import it)."""
    out: dict[OutputPath, bytes] = {}
    for rel, data in sorted(repeatable(files).items()):
        if rel.startswith(PAGEFIND_UI):
            continue
        if rel == SCRIPT:
            if primary:
                out[f"{bundle}/{SCRIPT}"] = data
        elif primary or not rel.startswith(RUNTIME):
            out[f"{bundle}/{name}/{rel}"] = data
    return out


def part_tag(name: str, digests: Mapping[OutputPath, str], bundle: str = SEARCH_BUNDLE) -> str:
    """A short digest of the part ``name``'s files (``digests``: each file's digest; the
    script at the bundle's top left out): the search page passes it to Pagefind, which
    caches the part's metadata until it changes. Made from the files, not the part's
    key, so that the site does not change with briefing's version while its index stays
    the same."""
    tag = hashlib.blake2b(digest_size=8)
    for file, file_digest in sorted(digests.items()):
        if part_of(file, bundle) == name:
            tag.update(f"{file}\0{file_digest}\0".encode())
    return tag.hexdigest()


def file_digests(files: Mapping[OutputPath, bytes]) -> dict[OutputPath, str]:
    """Each file's digest, as the plan digests every file it publishes (blake2b, 16
    bytes: plan.manifest.digest, which this room may not import)."""
    return {file: hashlib.blake2b(data, digest_size=16).hexdigest() for file, data in files.items()}


def parts_manifest(tags: Mapping[str, str], parts: Sequence[SearchPart[SearchEntry]]) -> bytes:
    """``pagefind/parts.json``: the parts in search order (the primary first), each with
    its tag (:func:`part_tag`); and each filter's values with the number of pages that
    have them, which the search page lists without asking every part of the index for
    its filter files (80 KiB at 10,000 items)."""
    listed = [{"name": part.name, "key": tags[part.name]} for part in parts]
    counts: dict[str, Counter[str]] = {}
    for part in parts:
        for entry in part.pages:
            for name, value in dict.fromkeys(entry.filters):
                counts.setdefault(name, Counter())[value] += 1
    filters = {name: dict(sorted(counts[name].items())) for name in sorted(counts)}
    manifest = {"version": 1, "parts": listed, "filters": filters}
    return json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _failed(message: str) -> BuildFailed:
    return BuildFailed([OutputError(f"cannot make the search index: {message}", hint=HINT)])
