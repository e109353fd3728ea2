"""Serious incidents' items for a Review Advisory Group agenda (``governance.agenda``, ADR 0017).

The RAG's agenda carries every case still in its hands: awaiting the LA's decision, in Rapid
Review, or in a Child Safeguarding Practice Review (with the date its report is due). Items
name a case by its reference only, never the child; the link opens the case for those who may
see it (``policies.can_see_case``), and the list is narrowed to what the person building the
agenda may see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.core.clock import london_date
from safeguard.core.models import Deadline
from safeguard.governance.agenda import AgendaSuggestion
from safeguard.reviews import policies
from safeguard.reviews.models import Incident, Status
from safeguard.reviews.selectors.cases import cases_for

KIND = "reviews.cases"
FOR_THE_RAG = (Status.AWAITING_DECISION, Status.RAPID_REVIEW, Status.CSPR)


def _report_due(incident: Incident) -> str:
    clock = Deadline.objects.filter(
        module="reviews",
        kind="cspr_report",
        subject_id=str(incident.pk),
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).first()
    if clock is None:
        return ""
    due = london_date(clock.due_at)
    return f", report due {due.day} {due:%B %Y}"


def items_for(group: Any, meeting_date: date, actor: Any) -> list[AgendaSuggestion]:
    if group.kind != "rag":
        return []
    found = []
    for incident in cases_for(actor=actor).filter(status__in=FOR_THE_RAG).order_by("pk")[:30]:
        extra = _report_due(incident) if incident.status == Status.CSPR else ""
        found.append(
            AgendaSuggestion(
                key=f"incident:{incident.pk}",
                title=f"Case {incident.reference}: {incident.get_status_display()}{extra}",
                minutes=15,
                link=f"/reviews/cases/{incident.pk}",
            )
        )
    return found


def may_open(actor: Any, key: str) -> bool:
    pk = key.rsplit(":", 1)[-1]
    incident = Incident.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    return incident is not None and policies.can_see_case(actor, incident)
