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
    "controls": 0,
    "assets": 0,
    "resize": 0,
    "searchbundle": 0,
    "plaintext": 0,
    "mailmessage": 1,
    "inlinestyle": 1,
    "attach": 5,
    "textfile": 1,
    "sitefiles": 1,
    "yamltext": 1,
    "schema": 2,
    "config": 3,
    "models": 4,
    "frontmatter": 4,
    "cache": 5,
    "machinekey": 1,
    "provenance": 1,
    "markup": 5,
    "editions": 5,
    "store": 6,
    "picturecache": 2,
    "sources": 7,
    "content": 8,
    "collect": 8,
    "theme": 8,
    "graph": 8,
    "workers": 8,
    "stage": 8,
    "outputdir": 8,
    "views": 9,
    "render": 10,
    "feeds": 10,
    "discovery": 10,
    "search": 10,
    "newsletter": 10,
    "pages": 11,
    "searchindex": 11,
    "build": 12,
    "indexer": 12,
    "check": 13,
    "mailout": 13,
    "scaffold": 13,
    "serve": 13,
    "starter": 14,
    "cli": 15,
    "__main__": 16,
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
