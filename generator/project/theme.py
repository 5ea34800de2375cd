"""Find a theme's template and static folders: the site's own first, then the built-in default."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import BuildFailed, ConfigError, SiteError
from generator.project.sitefiles import check_inside, read_file, walk
from generator.project.wordtables import I18N_DIR, WordTable, parse_table, table_code

DEFAULT_THEME = "default"
#: The site's folder of files published as they are, at the root of the site.
STATIC_DIR = "static"


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of this repository."""
    package = Path(__file__).resolve().parent.parent  # generator/, this file in a room of it
    packaged = package / "_default_theme"
    if packaged.is_dir():
        return packaged
    # An editable install or a plain checkout runs from the repository itself.
    return package.parent / "themes" / DEFAULT_THEME


@dataclass(frozen=True, slots=True)
class Theme:
    """Folders searched in order; the first one holding a file wins."""

    #: Each folder with the folder it must not lead out of (the site, or the built-in theme).
    template_dirs: tuple[tuple[Path, Path], ...]
    static_dirs: tuple[tuple[Path, Path], ...]
    #: The site's own static/ folder, copied to the output's root as it is.
    site_static: tuple[Path, Path] | None = None
    #: Each layer's folder of word tables (``i18n/``), first one first, like the others.
    i18n_dirs: tuple[tuple[Path, Path], ...] = ()
    #: Where the site adds tables of its own (``themes/<name>/i18n/``), for warnings.
    own_i18n: Path | None = None


def find_theme(site_dir: Path, name: str) -> Theme:
    """The site's ``themes/<name>/`` layered over the built-in default theme.

    A site may hold just one template, say ``themes/default/templates/item.html``,
    and take every other file from the built-in theme. ``name`` is a folder name
    (site.yaml's check refuses paths); the folder must not lead out of the site.
    """
    own = site_dir / "themes" / name
    outside = check_inside(own, site_dir) if os.path.lexists(own) else None
    if outside is not None:
        raise ConfigError(outside.message, path=own, hint=outside.hint)
    if name != DEFAULT_THEME and not own.is_dir():
        raise ConfigError(
            f"theme '{name}' not found: there is no folder {own}",
            path=site_dir / "site.yaml",
            hint="create it, or set `theme: default`",
        )
    layers = [(own, site_dir), (builtin_theme_dir(), builtin_theme_dir())]
    unique: list[tuple[Path, Path]] = []
    for layer, root in layers:
        if layer.is_dir() and all(layer.resolve() != seen.resolve() for seen, _ in unique):
            unique.append((layer, root))
    return Theme(
        template_dirs=tuple((p / "templates", root) for p, root in unique),
        static_dirs=tuple((p / "static", root) for p, root in unique),
        site_static=(site_dir / STATIC_DIR, site_dir),
        i18n_dirs=tuple((p / I18N_DIR, root) for p, root in unique),
        own_i18n=own / I18N_DIR,
    )


@dataclass(frozen=True, slots=True)
class ThemeFile:
    """One file of a theme, read once per build: rendering and the cache key use these bytes."""

    path: Path
    data: bytes


@dataclass(frozen=True, slots=True)
class ThemeFiles:
    """Every template and static file a build uses, by '/'-separated name."""

    templates: dict[str, ThemeFile]
    static: dict[str, ThemeFile]
    #: The site's static/ folder (favicons, downloads, CNAME-like files), by output path.
    site_static: dict[str, ThemeFile] = field(default_factory=dict)
    #: Every layer's word tables, the lowest layer (the built-in theme) first: a higher
    #: layer's key overrides a lower one's, key by key, not file by file.
    words: tuple[WordTable, ...] = ()
    #: See :attr:`Theme.own_i18n`.
    own_i18n: Path | None = None

    def digest(self) -> str:
        """What the build key and the compiled templates depend on: every name and byte."""
        digest = hashlib.sha256()
        for group in (self.templates, self.static, self.site_static):
            for name, file in group.items():
                digest.update(f"\0{name}\0{len(file.data)}\0".encode())
                digest.update(file.data)
        # Tables of the same name in two layers are both used: each counts, in order.
        digest.update(f"\0i18n\0{self.words_digest()}".encode())
        return digest.hexdigest()

    def words_digest(self) -> str:
        """What the pages' fixed words are made from: every table's bytes, in order."""
        digest = hashlib.blake2b(digest_size=16)
        for table in self.words:
            digest.update(f"\0{table.code}\0{len(table.data)}\0".encode() + table.data)
        return digest.hexdigest()


#: Hidden folders a site's static/ may publish: RFC 8615's well-known URIs
#: (security.txt, domain verification, Matrix and ATProto handles).
PUBLISHED_HIDDEN = frozenset({".well-known"})


def _layered(
    folders: tuple[tuple[Path, Path], ...],
    errors: list[SiteError],
    hidden: frozenset[str] = frozenset(),
) -> dict[str, tuple[Path, str]]:
    """Files by name, as shown and as read; a file of an earlier folder hides one of the
    same name in a later one."""
    found: dict[str, tuple[Path, str]] = {}
    for folder, root in reversed(folders):
        walked = walk(folder, root, lambda _: True, hidden=hidden)
        errors.extend(walked.errors)
        for file in walked.files:
            found[file.rel] = (folder / file.rel, file.real)
    return dict(sorted(found.items()))


def read_theme(theme: Theme) -> ThemeFiles:
    """Read every file of the theme; an unreadable one is a located error.

    A file that several names lead to (a template linked under a second name) is
    read once.
    """
    errors: list[SiteError] = []
    read_already: dict[str, bytes] = {}

    def read(files: dict[str, tuple[Path, str]]) -> dict[str, ThemeFile]:
        result = {}
        for name, (shown, real) in files.items():
            try:
                if real not in read_already:
                    read_already[real] = read_file(real, str(shown))
                result[name] = ThemeFile(shown, read_already[real])
            except SiteError as exc:
                errors.append(exc)
        return result

    templates = read(_layered(theme.template_dirs, errors))
    static = read(_layered(theme.static_dirs, errors))
    own = (
        read(_layered((theme.site_static,), errors, PUBLISHED_HIDDEN)) if theme.site_static else {}
    )
    files = ThemeFiles(templates, static, own, _word_tables(theme, errors), theme.own_i18n)
    if errors:
        raise BuildFailed(errors)
    return files


def _word_tables(theme: Theme, errors: list[SiteError]) -> tuple[WordTable, ...]:
    """Every layer's ``i18n/<code>.yaml``, parsed and checked, the lowest layer first.

    Parsed here, with the theme's other files, so that a broken table is reported
    with them (and with the content's errors) before anything is built.
    """
    tables = []
    for folder, root in reversed(theme.i18n_dirs):
        walked = walk(folder, root, lambda rel: "/" not in rel and table_code(rel) is not None)
        errors.extend(walked.errors)
        for file in walked.files:
            shown = folder / file.rel
            try:
                data = read_file(file.real, str(shown))
            except SiteError as exc:
                errors.append(exc)
                continue
            words, problems = parse_table(data, shown)
            errors.extend(problems)
            tables.append(WordTable(str(table_code(file.rel)), shown, data, words))
    return tuple(tables)
