"""Every read of concerns, narrowed to the two agencies and the Business Unit, and audited.

A concern names a child: opening one writes a view row, and so does each child a search shows.
The list shows references, agencies, stages and themes, never the child's name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safeguard.assurance import policies, rules
from safeguard.assurance.models import Escalation
from safeguard.assurance.selectors._common import refused
from safeguard.assurance.services._common import ESCALATION
from safeguard.children import selectors as children
from safeguard.children.models import Pupil
from safeguard.core import audit
from safeguard.core.clock import start_of_day

PUPIL = "children.pupil"


def escalations_for(*, actor: Any, status: str = "") -> QuerySet[Escalation]:
    if policies.manages(actor):
        found = Escalation.objects.all()
    elif policies.can(actor, policies.Cap.ESCALATE):
        found = Escalation.objects.filter(
            Q(raised_by_organisation_id=actor.organisation_id)
            | Q(other_organisation_id=actor.organisation_id)
        )
    else:
        found = Escalation.objects.none()
    if status in rules.ESCALATION_STATUSES:
        found = found.filter(status=status)
    return found.select_related("raised_by_organisation", "other_organisation")


def escalation_for(*, actor: Any, pk: int) -> Escalation:
    found = (
        Escalation.objects.select_related(
            "pupil", "pupil__school", "raised_by", "raised_by_organisation", "other_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not policies.can_see_escalation(actor, found):
        refused(actor, ESCALATION, pk)
        raise Http404
    audit.record_view(actor=actor, record_type=ESCALATION, record_id=found.pk)
    return found


def children_search(*, actor: Any, forename: str, surname: str, dob: Any) -> list[Pupil]:
    """Children in the child index by name and date of birth, for raising a concern: each one
    shown is a read of a child's record, audited."""
    if not policies.can(actor, policies.Cap.ESCALATE):
        return []
    found = children.pupils_search(forename=forename, surname=surname, dob=dob, limit=20)
    for pupil in found:
        audit.record_view(actor=actor, record_type=PUPIL, record_id=pupil.pk)
    return found


def pupil_for(*, actor: Any, pk: Any) -> Pupil | None:
    if not policies.can(actor, policies.Cap.ESCALATE) or not str(pk).isdigit():
        return None
    found = Pupil.objects.filter(pk=int(pk), on_roll=True).select_related("school").first()
    if found is not None:
        audit.record_view(actor=actor, record_type=PUPIL, record_id=found.pk)
    return found


def escalation_facts(*, start: Any = None, end: Any = None) -> list[rules.EscalationFact]:
    """The figures' facts (no child, no narrative) for concerns raised on London dates in
    [start, end), counted by the database: one row per theme, status and stage."""
    rows = Escalation.objects.all()
    if start is not None:
        rows = rows.filter(raised_at__gte=start_of_day(start))
    if end is not None:
        rows = rows.filter(raised_at__lt=start_of_day(end))
    counted = rows.values_list("theme", "status", "stage").annotate(n=Count("pk")).order_by()
    return [
        rules.EscalationFact(theme, status, stage, count=n) for theme, status, stage, n in counted
    ]
