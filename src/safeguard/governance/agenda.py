"""What is due for a group's meeting: a registry each module fills when its app loads (ADR 0017).

A meeting's agenda is built from what the modules know is due for that group (exceptions
before the PMSG, cases for the RAG, actions due) plus items people add. Governance may not
import a domain module (DESIGN.md section 2), so each module registers, like ``sources``:

    agenda.register("performance.exceptions", "Exceptions for the PMSG", items_for,
                    may_open=may_open)

``items_for(group, meeting_date, actor)`` returns ``AgendaSuggestion`` rows for that group's
meeting on that date, already narrowed to what ``actor`` (the person building the agenda) may
see; it returns ``[]`` for a group it has nothing for. Titles name records by reference only
(a case reference, an indicator's name), never a child. ``may_open(actor, key)`` says whether
a person may open the item's link: an agenda is read by all the group's members, so a link is
shown only to those it opens for. A module that fails is skipped and logged, never breaking
the agenda page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgendaSuggestion:
    """One item a module offers for the agenda.

    ``key`` is stable for the record it is about ("reviews.incident:12"), so offering it again
    for the same meeting adds nothing; ``owner_organisation_id`` is who presents it (and owes a
    paper when ``paper_expected``)."""

    key: str
    title: str
    minutes: int = 10
    owner_organisation_id: int | None = None
    link: str = ""
    paper_expected: bool = False


ItemsFor = Callable[[Any, date, Any], list[AgendaSuggestion]]
MayOpen = Callable[[Any, str], bool]


@dataclass(frozen=True)
class AgendaKind:
    kind: str
    label: str
    items_for: ItemsFor
    may_open: MayOpen | None = None


_kinds: dict[str, AgendaKind] = {}


def register(
    kind: str, label: str, items_for: ItemsFor, *, may_open: MayOpen | None = None
) -> None:
    """Declare a kind of agenda item; registering the same kind again replaces it."""
    _kinds[kind] = AgendaKind(kind, label, items_for, may_open)


def kinds() -> list[AgendaKind]:
    return sorted(_kinds.values(), key=lambda entry: entry.label)


def label(kind: str) -> str:
    entry = _kinds.get(kind)
    return entry.label if entry is not None else "Added by a member"


def due_for(
    group: Any, meeting_date: date, actor: Any
) -> list[tuple[AgendaKind, AgendaSuggestion]]:
    """Everything the modules offer for this group's meeting, kind by kind."""
    found: list[tuple[AgendaKind, AgendaSuggestion]] = []
    for entry in kinds():
        try:
            items = entry.items_for(group, meeting_date, actor)
        except Exception:  # one module's fault must not break every group's agenda
            logger.exception("agenda kind %s failed for group %s", entry.kind, group.pk)
            continue
        found.extend((entry, item) for item in items)
    return found


def may_open(kind: str, actor: Any, key: str) -> bool:
    """Whether ``actor`` may open the link of an item of this kind (no: when the kind is not
    registered or says nothing)."""
    entry = _kinds.get(kind)
    if entry is None or entry.may_open is None:
        return False
    try:
        return bool(entry.may_open(actor, key))
    except Exception:
        logger.exception("agenda kind %s failed to answer may_open", kind)
        return False
