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
Links = Callable[[list[str]], dict[str, str | None]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    link: Link | None = None
    may_view: MayView | None = None
    may_manage: MayView | None = None
    visible: Visible | None = None
    key_scope: str = ""
    # ``links(source_ids)``: the pages of many source records in one read, for long lists.
    links: Links | None = None


_sources: dict[str, Source] = {}


def register(
    kind: str,
    label: str,
    link: Link | None = None,
    may_view: MayView | None = None,
    *,
    may_manage: MayView | None = None,
    visible: Visible | None = None,
    key_scope: str = "",
    links: Links | None = None,
) -> None:
    """Declare a kind of source.

    ``link(source_id)`` is the address of the source record's page (or None); ``may_view(actor,
    source_id)`` says whether the source's own people (a review's RAG, say) see its actions;
    ``may_manage(actor, source_id)``, when given, decides who adds, corrects and withdraws them
    (otherwise the Business Unit); ``visible(actor)``, when given, lists the source ids the actor
    may view, so long lists need not ask ``may_view`` row by row (a list of ids, or a query of
    one text column of ids, which the plan uses as a subquery); ``key_scope``, when given, is
    the source's own API scope that also lets an owner's key report progress (besides
    ``governance:actions``). Registering again replaces.
    """
    _sources[kind] = Source(kind, label, link, may_view, may_manage, visible, key_scope, links)


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


def key_scope(kind: str) -> str:
    source = _sources.get(kind)
    return source.key_scope if source is not None else ""


def may_manage(kind: str, actor: Any, source_id: str) -> bool:
    source = _sources.get(kind)
    return bool(source and source.may_manage and source.may_manage(actor, source_id))


def links_of(kind: str, source_ids: Iterable[str]) -> dict[str, str | None]:
    """The pages of many source records of one kind: one read where the source registered
    ``links``, otherwise ``link`` for each (a page of the plan lists up to 50)."""
    wanted = sorted(set(source_ids))
    source = _sources.get(kind)
    if source is None:
        return dict.fromkeys(wanted)
    if source.links is not None:
        found = source.links(wanted)
        return {source_id: found.get(source_id) for source_id in wanted}
    if source.link is None:
        return dict.fromkeys(wanted)
    return {source_id: source.link(source_id) for source_id in wanted}


def viewable(actor: Any, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (kind, source id) the actor may view through the source's own people:
    ``visible(actor)`` once per kind where the source gives it, ``may_view`` per record
    otherwise. The same answer as ``may_view`` row by row, without a read per row."""
    by_kind: dict[str, set[str]] = {}
    for kind, source_id in pairs:
        by_kind.setdefault(kind, set()).add(source_id)
    allowed: set[tuple[str, str]] = set()
    for kind, ids in by_kind.items():
        source = _sources.get(kind)
        if source is None or source.may_view is None:
            continue
        if source.visible is not None:
            shown = {str(source_id) for source_id in source.visible(actor)}
            allowed |= {(kind, source_id) for source_id in ids if source_id in shown}
        else:
            allowed |= {(kind, source_id) for source_id in ids if source.may_view(actor, source_id)}
    return allowed
