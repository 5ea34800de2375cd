"""Find a theme's template and static folders: the site's own first, then the built-in default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConfigError

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


def static_files(theme: Theme) -> dict[str, Path]:
    """Theme static files by '/'-separated name; a site's file hides the default's."""
    found: dict[str, Path] = {}
    for folder in reversed(theme.static_dirs):
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder).as_posix()
            if file.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                found[rel] = file
    return dict(sorted(found.items()))
