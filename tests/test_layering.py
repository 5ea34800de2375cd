"""Modules import downward only: the module map of STYLE.md, enforced."""

from __future__ import annotations

import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent

# A module may import generator modules of a lower layer only.
LAYERS: dict[str, int] = {
    "__init__": 0,
    "errors": 0,
    "urls": 0,
    "yamltext": 1,
    "schema": 2,
    "config": 3,
    "models": 4,
    "sources": 4,
    "frontmatter": 4,
    "content": 5,
    "cache": 5,
    "markup": 5,
    "editions": 5,
    "collect": 6,
    "theme": 6,
    "views": 7,
    "render": 8,
    "feeds": 8,
    "output": 8,
    "discovery": 8,
    "workers": 9,
    "build": 10,
    "check": 11,
    "scaffold": 11,
    "serve": 11,
    "starter": 12,
    "cli": 13,
    "__main__": 14,
}


def generator_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "generator":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("generator."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")
            )
    return found


def test_every_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == set(LAYERS)


def test_modules_import_only_lower_layers() -> None:
    upward = []
    for path in sorted(PACKAGE.glob("*.py")):
        layer = LAYERS[path.stem]
        for name in generator_imports(path):
            if name == "__version__":
                continue
            if LAYERS[name] >= layer and name != "__init__":
                upward.append(f"{path.stem} (layer {layer}) imports {name} (layer {LAYERS[name]})")
    assert upward == []
