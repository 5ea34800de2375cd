"""Find a theme's template and static folders: the site's own first, then the built-in default."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, ConfigError, SiteError, TemplateError

DEFAULT_THEME = "default"


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of this repository."""
    packaged = Path(__file__).parent / "_default_theme"
    if packaged.is_dir():
        return packaged
    # An editable install or a plain checkout runs from the repository itself.
    return Path(__file__).resolve().parent.parent / "themes" / DEFAULT_THEME


@dataclass(frozen=True, slots=True)
class Theme:
    """Folders searched in order; the first one holding a file wins."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]


def find_theme(site_dir: Path, name: str) -> Theme:
    """The site's ``themes/<name>/`` layered over the built-in default theme.

    A site may hold just one template, say ``themes/default/templates/item.html``,
    and take every other file from the built-in theme.
    """
    own = site_dir / "themes" / name
    if name != DEFAULT_THEME and not own.is_dir():
        raise ConfigError(
            f"theme '{name}' not found: there is no folder {own}",
            path=site_dir / "site.yaml",
            hint="create it, or set `theme: default`",
        )
    layers = [own, builtin_theme_dir()]
    unique: list[Path] = []
    for layer in layers:
        resolved = layer.resolve()
        if layer.is_dir() and resolved not in unique:
            unique.append(resolved)
    return Theme(
        template_dirs=tuple(p / "templates" for p in unique if (p / "templates").is_dir()),
        static_dirs=tuple(p / "static" for p in unique if (p / "static").is_dir()),
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

    def digest(self) -> str:
        """What the build key and the compiled templates depend on: every name and byte."""
        digest = hashlib.sha256()
        for group in (self.templates, self.static):
            for name, file in group.items():
                digest.update(f"\0{name}\0{len(file.data)}\0".encode())
                digest.update(file.data)
        return digest.hexdigest()


def _layered(folders: tuple[Path, ...]) -> dict[str, Path]:
    """Files by name; a file of an earlier folder hides one of the same name in a later one."""
    found: dict[str, Path] = {}
    for folder in reversed(folders):
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder).as_posix()
            if file.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                found[rel] = file
    return dict(sorted(found.items()))


def read_theme(theme: Theme) -> ThemeFiles:
    """Read every file of the theme; an unreadable one is a located error."""
    errors: list[SiteError] = []

    def read(files: dict[str, Path]) -> dict[str, ThemeFile]:
        result = {}
        for name, path in files.items():
            try:
                result[name] = ThemeFile(path, path.read_bytes())
            except OSError as exc:
                errors.append(
                    TemplateError(f"cannot read this theme file: {exc.strerror}", path=path)
                )
        return result

    files = ThemeFiles(read(_layered(theme.template_dirs)), read(_layered(theme.static_dirs)))
    if errors:
        raise BuildFailed(errors)
    return files
