"""The rooms of ``generator/`` import downward only: the map below, enforced.

Each room (subpackage) holds one concern; its ``__init__.py`` says what it holds and,
on its last line, which rooms it may use. The map here is the same list, so the
graph is stated once for the reader of this test and once at each room's door, and
the two must agree. A few modules stay at the top: ``errors`` and ``machinekey``
(used everywhere), and the command line. Inside a room, modules may use each other,
but no import circle is allowed anywhere.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent

#: Which rooms (and top-level modules) each may import, lowest first.
MAY_USE: dict[str, set[str]] = {
    "errors": set(),
    "machinekey": set(),
    "text": {"errors"},
    "project": {"errors", "text"},
    "model": {"errors", "text", "project"},
    "reading": {"errors", "text", "project", "model"},
    "pictures": {"errors", "machinekey"},
    "render": {"errors", "text", "project", "model", "pictures"},
    "search": {"errors", "machinekey", "text", "project", "model", "render"},
    "newsletter": {"errors", "text", "project", "model", "render"},
    "plan": {"errors", "text", "project", "model", "pictures", "render", "search", "newsletter"},
    "engine": {
        "errors", "machinekey", "text", "project", "model", "reading", "pictures", "render",
        "search", "newsletter", "plan",
    },
    "serve": {
        "errors", "text", "project", "model", "reading", "render", "search", "plan", "engine",
    },
    "commands": {"errors", "text", "project", "model", "reading", "engine"},
    "arguments": {"engine"},
    "cli": {"arguments", "errors", "text", "project", "engine", "newsletter", "serve", "commands"},
    "__main__": {"cli"},
}  # fmt: skip
#: At most this many modules stay directly in generator/.
TOP_LEVEL = {"__init__", "__main__", "arguments", "cli", "errors", "machinekey"}
#: At most this many modules in a room.
ROOM_SIZE = 12


def room_of(module: str) -> str:
    """``generator.text.urls`` -> ``text``; ``generator.cli`` -> ``cli``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The generator modules (or packages) that ``path`` imports, by full name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            if node.module == "generator":
                found.update(f"generator.{a.name}" for a in node.names if a.name != "__version__")
            else:
                found.add(node.module)
                # `from generator.text import urls` imports the module generator.text.urls.
                folder = PACKAGE.parent / node.module.replace(".", "/")
                found.update(
                    f"{node.module}.{a.name}"
                    for a in node.names
                    if (folder / f"{a.name}.py").exists()
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator."))
    return found


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_room_of_the_map() -> None:
    top = {path.stem for path in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL
    rooms = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert rooms == set(MAY_USE) - top
    for room in rooms:
        assert len(list((PACKAGE / room).glob("*.py"))) - 1 <= ROOM_SIZE, room


def test_rooms_import_only_what_the_map_allows() -> None:
    wrong = []
    for name, path in modules().items():
        room = room_of(name)
        if room == "__init__":
            continue
        for imported in imports(path):
            other = room_of(imported)
            if other not in (room, "__init__") and other not in MAY_USE[room]:
                wrong.append(f"{name} ({room}) imports {imported} ({other})")
    assert wrong == []


def test_each_rooms_door_says_what_it_may_use() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        said = re.search(r"^May use: ([^.]*)\.\Z", doc, re.MULTILINE)
        assert said, f"{init}: the docstring must end with 'May use: ...'"
        assert set(re.split(r",\s+", said.group(1))) == MAY_USE[init.parent.name], init
        assert len(doc.split("\n\n")[0]) > 40, f"{init}: say what the room holds"


def test_no_module_imports_itself_through_a_circle() -> None:
    graph = {name: {i for i in imports(path) if i in modules()} for name, path in modules().items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise AssertionError(" -> ".join((*trail[trail.index(name) :], name)))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
