"""Where an action comes from: a registry any module fills when its app loads.

The action plan holds actions from reviews, inspections, audits, task-and-finish groups and
the modules still to come, but governance may not import a domain module (DESIGN.md section 2).
So each source registers, like the kernel's ``work.register``, the answers governance needs about
its records: a label for the kind, the page of one source record (``link``), and who besides the
Business Unit and the owner organisation may see (``may_view``) or manage (``may_manage``) its
actions. An unregistered kind is shown by its label only, to the Business Unit and the owner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Link = Callable[[str], str | None]
MayView = Callable[[Any, str], bool]
Visible = Callable[[Any], Iterable[str]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    link: Link | None = None
    may_view: MayView | None = None
    may_manage: MayView | None = None
    visible: Visible | None = None


_sources: dict[str, Source] = {}


def register(
    kind: str,
    label: str,
    link: Link | None = None,
    may_view: MayView | None = None,
    *,
    may_manage: MayView | None = None,
    visible: Visible | None = None,
) -> None:
    """Declare a kind of source.

    ``link(source_id)`` is the address of the source record's page (or None); ``may_view(actor,
    source_id)`` says whether the source's own people (a review's RAG, say) see its actions;
    ``may_manage(actor, source_id)``, when given, decides who adds, corrects and withdraws them
    (otherwise the Business Unit); ``visible(actor)``, when given, lists the source ids the actor
    may view, so long lists need not ask ``may_view`` row by row. Registering again replaces.
    """
    _sources[kind] = Source(kind, label, link, may_view, may_manage, visible)


def get(kind: str) -> Source | None:
    return _sources.get(kind)


def kinds() -> list[Source]:
    """Every registered kind, by label: the action plan's "source" filter."""
    return sorted(_sources.values(), key=lambda source: source.label)


def label(kind: str) -> str:
    source = _sources.get(kind)
    return source.label if source is not None else "Other source"


def link(kind: str, source_id: str) -> str | None:
    source = _sources.get(kind)
    if source is None or source.link is None:
        return None
    return source.link(source_id)


def may_view(kind: str, actor: Any, source_id: str) -> bool:
    source = _sources.get(kind)
    return bool(source and source.may_view and source.may_view(actor, source_id))


def manages(kind: str) -> bool:
    """Whether the source decides itself who manages its actions."""
    source = _sources.get(kind)
    return bool(source and source.may_manage)


def may_manage(kind: str, actor: Any, source_id: str) -> bool:
    source = _sources.get(kind)
    return bool(source and source.may_manage and source.may_manage(actor, source_id))
