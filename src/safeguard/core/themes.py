"""The themes of learning, by name, for modules that cannot import the one that keeps them.

The reviews module keeps the list of themes (DESIGN.md: learning from reviews and audits reaches
courses); training names the themes a course addresses. Modules may not import each other, so
the keeper registers a source here when its app loads and others ask the kernel.
"""

from __future__ import annotations

from collections.abc import Callable

_sources: dict[str, Callable[[], list[str]]] = {}


def register_source(name: str, source: Callable[[], list[str]]) -> None:
    _sources[name] = source


def theme_names() -> list[str]:
    """Every active theme's name, sorted, without repeats."""
    names: set[str] = set()
    for source in _sources.values():
        names.update(source())
    return sorted(names)
