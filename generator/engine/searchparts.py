"""The search index's files in the plan: a part of the index is made again only when
the documents it holds differ from those its published files were made from.

Parts that need making are indexed together, one Pagefind service per core; a part
that is kept plans its published files as they are, and is made again only if one
of them was changed by hand (then the build must write it, and asks for its bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from generator.engine.options import BuildOptions
from generator.engine.state import Assembled
from generator.engine.store import OutputState
from generator.errors import BuildFailed, SiteError
from generator.model.records import Site
from generator.plan import graph
from generator.plan.manifest import digest
from generator.plan.pages import bundle_pages, joined
from generator.render.views import SEARCH_BUNDLE
from generator.search.documents import (
    Documents,
    SearchEntry,
    document_settings,
    search_entries,
)
from generator.search.index import (
    documents,
    file_digests,
    index_parts,
    made_parts,
    manifest_file,
    part_keys,
    part_of,
    part_tag,
    parts_manifest,
)
from generator.search.kept import KeptParts
from generator.search.parts import SearchPart, search_parts
from generator.text.urls import OutputPath


def with_search(
    options: BuildOptions,
    assembled: Assembled,
    state: OutputState,
    code: str,
    kept: KeptParts | None = None,
) -> Assembled:
    """The plan with the search index's files, its parts made where their pages changed
    (or taken from ``kept``, the parts an earlier build made, when they are there);
    ``code`` stands for briefing's own code.

    Whether a part changed is told by its pages' input digests, which the plan makes
    anyway: a document is made only for a part Pagefind indexes. Each language has
    an index of its own (``pagefind/``, ``uk/pagefind/``), in its own parts: Pagefind
    splits words and stems them by the language."""
    site = assembled.site
    if not (site.config.search and options.search_index):
        return assembled
    versions = assembled.versions or graph.versions(site)
    published = _published_parts(state)
    digests: dict[OutputPath, str] = {}
    keys: dict[str, str] = {}
    makers: list[_Bundle] = []
    for one in site.every_language:
        folder = one.config.root + SEARCH_BUNDLE
        bundle, found = _language_index(options, one, versions, code, kept, published,
                                        _published_files(state, folder), folder)  # fmt: skip
        makers.append(bundle)
        digests.update(found)
        # A part is named in the output's summary by its bundle: "uk/pagefind/2025-q3".
        keys.update((f"{folder}/{name}", key) for name, key in bundle.keys.items())
    maker = {f: m for m in makers for f in digests if f.startswith(m.folder + "/")}
    if kept is not None:  # the parts of every language's index now, and no others
        kept.prune([key for bundle in makers for key in bundle.keys.values()])
    pages, clashes = joined(assembled.pages, bundle_pages(digests, lambda f: maker[f].file(f)))
    if clashes:
        raise BuildFailed(clashes)
    return replace(assembled, pages=pages, search_parts=keys)


def _language_index(
    options: BuildOptions,
    site: Site,
    versions: Mapping[str, str],
    code: str,
    kept: KeptParts | None,
    published: Mapping[str, str],
    live: Mapping[str, Mapping[OutputPath, str]],
    folder: str,
) -> tuple[_Bundle, dict[OutputPath, str]]:
    """One language's index in ``folder``: its files' digests, and what makes them."""
    language = site.config.language
    parts = search_parts(search_entries(site, versions))
    keys = part_keys(parts, document_settings(site, code))
    make = Documents(site)
    digests: dict[OutputPath, str] = {}
    tags: dict[str, str] = {}
    todo: list[tuple[SearchPart[SearchEntry], bool]] = []
    for i, part in enumerate(parts):
        if published.get(f"{folder}/{part.name}") == keys[part.name] and part.name in live:
            digests.update(live[part.name])
            tags[part.name] = part_tag(part.name, live[part.name], folder)
            if i == 0:
                digests.update(live.get("", {}))  # the script beside the bundle's parts
        else:
            todo.append((part, i == 0))
    made = made_parts(todo, keys, make, language, options.jobs, kept, bundle=folder)
    for name, files in made.items():
        made_digests = file_digests(files)  # each file hashed once, for both
        digests.update(made_digests)
        tags[name] = part_tag(name, made_digests, folder)
    manifest = parts_manifest(tags, parts)
    digests[manifest_file(folder)] = digest(manifest)
    bundle = _Bundle(parts, made, make, language, folder, keys)
    bundle.files[manifest_file(folder)] = manifest
    return bundle, digests


def _published_parts(state: OutputState) -> Mapping[str, str]:
    found = state.summary.get("search_parts")
    if not isinstance(found, dict):
        return {}  # no index published, or one made whole by an earlier briefing
    return {str(name): str(key) for name, key in found.items()}


def _published_files(state: OutputState, bundle: str) -> dict[str, dict[OutputPath, str]]:
    """The published index's files in ``bundle`` and their digests by part ("" for the
    script at the top); grouped once, for 100,000 items have as many files."""
    found: dict[str, dict[OutputPath, str]] = {}
    for file, (_, file_digest) in (state.live or {}).items():
        if (name := part_of(file, bundle)) is not None:
            found.setdefault(name, {})[file] = file_digest
    return found


class _Bundle:
    """The index's files by output path: those made (or taken from the kept parts) in
    this build, and a published part's made again when first asked for (only if one of
    its files was changed by hand)."""

    def __init__(
        self,
        parts: list[SearchPart[SearchEntry]],
        made: Mapping[str, Mapping[OutputPath, bytes]],
        make: Documents,
        language: str,
        folder: str,
        keys: Mapping[str, str],
    ) -> None:
        self.parts = {part.name: (part, i == 0) for i, part in enumerate(parts)}
        self.make = make
        self.primary = parts[0].name if parts else ""
        self.files = {file: data for files in made.values() for file, data in files.items()}
        self.language = language
        #: The bundle's folder, and its parts' keys by name.
        self.folder = folder
        self.keys = keys

    def file(self, path: OutputPath) -> bytes:
        name = part_of(path, self.folder)
        name = self.primary if name == "" else name
        if path not in self.files and name in self.parts:
            part, primary = self.parts[name]
            one = [(documents(part, self.make), primary)]
            made = index_parts(one, self.language, 1, bundle=self.folder)
            for files in made.values():
                self.files.update(files)
        if path not in self.files:
            raise SiteError(
                "the search index came out different from the published one",
                path=path,
                hint="build again with --clean",
            )
        return self.files[path]
