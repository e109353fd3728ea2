"""Reading the partnership's priorities with their evidence and progress updates.

Priorities are the partnership's public aims, not personal data, so whoever may see them sees
all of them; a piece of evidence that names another module's record shows its link only to
those that module lets open it (``policies.may_open_evidence``), every link shown opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.governance import policies, sources
from safeguard.governance.models import Priority, PriorityEvidence, PriorityUpdate


@dataclass(frozen=True)
class EvidenceLine:
    title: str
    kind_label: str
    link: str  # "" when the person may not open it, or there is nothing to open


def priorities() -> QuerySet[Priority]:
    return Priority.objects.select_related("lead_organisation", "lead_person").prefetch_related(
        Prefetch("evidence", queryset=PriorityEvidence.objects.order_by("added_at", "pk")),
        Prefetch("updates", queryset=PriorityUpdate.objects.order_by("on", "pk")),
    )


def current_between(start: date, end: date) -> list[Priority]:
    """The priorities in force at some time from ``start`` to ``end``: the report's period."""
    return [
        p for p in priorities() if p.starts_on <= end and (p.ends_on is None or p.ends_on >= start)
    ]


def priority_for(*, actor: Any, pk: int) -> Priority:
    found = priorities().filter(pk=pk).first()
    if found is None or not policies.may_view_priorities(actor):
        audit.record(
            action=AuditAction.DENIED,
            record_type="governance.priority",
            record_id=pk,
            actor=actor,
            detail="priority not found or not visible",
        )
        raise Http404("No such priority")
    return found


def evidence_lines(*, actor: Any, priority: Priority) -> list[EvidenceLine]:
    lines = []
    for evidence in priority.evidence.all():
        if evidence.source_kind:
            kind_label = sources.label(evidence.source_kind)
            link = (
                sources.link(evidence.source_kind, evidence.source_id) or ""
                if policies.may_open_evidence(actor, evidence)
                else ""
            )
        else:
            kind_label = "Document or page"
            link = evidence.url if policies.may_open_evidence(actor, evidence) else ""
        lines.append(EvidenceLine(evidence.title, kind_label, link))
    return lines


def updates_between(priority: Priority, start: date, end: date) -> list[PriorityUpdate]:
    return [u for u in priority.updates.all() if start <= u.on <= end]
