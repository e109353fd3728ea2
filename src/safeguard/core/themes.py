"""The themes of learning, by name, for modules that cannot import the one that keeps them.

The reviews module keeps the list of themes (DESIGN.md: learning from reviews and audits reaches
courses); training names the themes a course addresses. Modules may not import each other, so
the keeper registers a source here when its app loads and others ask the kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_sources: dict[str, Callable[[], list[str]]] = {}


def register_source(name: str, source: Callable[[], list[str]]) -> None:
    _sources[name] = source


def theme_names() -> list[str]:
    """Every active theme's name, sorted, without repeats."""
    names: set[str] = set()
    for source in _sources.values():
        names.update(source())
    return sorted(names)


# --- What answers a theme: courses (training) for a theme of learning (reviews) -----------------


@dataclass(frozen=True)
class Offer:
    """Something that addresses a theme of learning (a course, say), as its module names it:
    a title, the address of its page, and a line about it in words."""

    title: str
    url: str
    detail: str = ""


# (theme name, person) -> the offers this person may open. Registered by the module that keeps
# them (training registers its courses), asked by the module that keeps the themes (reviews).
_offers: dict[str, Callable[[str, Any], list[Offer]]] = {}


def register_offers(name: str, provider: Callable[[str, Any], list[Offer]]) -> None:
    _offers[name] = provider


def offers_for(theme: str, person: Any) -> dict[str, list[Offer]]:
    """Each registered provider's offers for ``theme`` that ``person`` may open, by provider;
    providers with none are left out."""
    found = {name: provider(theme, person) for name, provider in _offers.items()}
    return {name: offers for name, offers in found.items() if offers}
