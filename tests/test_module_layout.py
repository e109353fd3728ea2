"""Every module keeps the same rooms (docs/module-layout.md) and no import circles.

Six new modules will copy whichever shape they find first, so the shape is held by a test rather
than by memory: a room that outgrows one file becomes a package of the same name, never a sibling
with a suffix, and no module imports itself in a circle (grimp sees imports inside functions too,
so a circle cannot be hidden by moving an import into a function).
"""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest

import safeguard

SOURCE = Path(safeguard.__file__).parent
ROOMS = ("views", "forms", "api", "services", "selectors", "policies", "models", "importers")
SUFFIXED = re.compile(rf"^({'|'.join(ROOMS)})_\w+\.py$")


def _modules() -> list[Path]:
    return sorted(p for p in SOURCE.iterdir() if p.is_dir() and (p / "apps.py").exists())


def test_the_modules_are_found() -> None:
    names = {p.name for p in _modules()}
    assert {"core", "children", "reviews", "encompass", "performance"} <= names


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.name)
def test_no_room_has_a_suffixed_sibling(module: Path) -> None:
    suffixed = sorted(p.name for p in module.glob("*.py") if SUFFIXED.match(p.name))
    assert suffixed == [], f"{module.name}: make these part of a package of the room's name"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.name)
def test_no_room_is_both_a_file_and_a_package(module: Path) -> None:
    both = sorted(p.stem for p in module.glob("*.py") if (module / p.stem / "__init__.py").exists())
    assert both == [], f"{module.name}: {both} exist as a file and as a package"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    graph = grimp.build_graph("safeguard", cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []
