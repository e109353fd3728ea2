"""Entering governance's own sources: an inspection report, a task-and-finish group or audit.

Their recommendations and actions go into the plan through ``actions.action_create`` with the
source's kind and id, like any other module's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.governance import policies
from safeguard.governance.models import GroupKind, Inspection, InspectionKind, NamedSource
from safeguard.governance.services._common import (
    fail,
    person_of,
    refuse_unless,
    state,
    text_marks,
    today,
)

INSPECTION = "governance.inspection"
NAMED_SOURCE = "governance.named_source"


def inspection_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    reported_on: date | None,
    link: str = "",
    now: datetime | None = None,
) -> Inspection:
    """The Business Unit enters an inspection report; its recommendations follow as actions."""
    refuse_unless(policies.may_manage_sources(actor))
    moment = now or timezone.now()
    errors = {}
    if kind not in InspectionKind.values:
        errors["kind"] = "Choose the kind of inspection"
    if not title.strip():
        errors["title"] = "Enter the title of the report"
    if reported_on is None:
        errors["reported_on"] = "Enter the date of the report"
    elif reported_on > today(moment):
        errors["reported_on"] = "The date of the report must be today or in the past"
    fail(errors)
    assert reported_on is not None
    with transaction.atomic():
        inspection = Inspection.objects.create(
            kind=kind,
            title=title.strip(),
            reported_on=reported_on,
            link=link.strip(),
            created_at=moment,
            created_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=INSPECTION,
            record_id=inspection.pk,
            actor=actor,
            changes=audit.diff(
                {},
                {
                    **state(inspection, ("kind", "reported_on")),
                    **text_marks(inspection, ("title",)),
                },
            ),
        )
    return inspection


def group_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    started_on: date | None,
    now: datetime | None = None,
) -> NamedSource:
    """Name a task-and-finish group or a multi-agency audit, so its actions can join the plan."""
    refuse_unless(policies.may_manage_sources(actor))
    moment = now or timezone.now()
    errors = {}
    if kind not in GroupKind.values:
        errors["kind"] = "Choose whether this is a group or an audit"
    if not name.strip():
        errors["name"] = "Enter the name"
    if started_on is None:
        errors["started_on"] = "Enter the date it started"
    fail(errors)
    assert started_on is not None
    with transaction.atomic():
        group = NamedSource.objects.create(
            kind=kind,
            name=name.strip(),
            started_on=started_on,
            created_at=moment,
            created_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=NAMED_SOURCE,
            record_id=group.pk,
            actor=actor,
            changes=audit.diff(
                {}, {**state(group, ("kind", "started_on")), **text_marks(group, ("name",))}
            ),
        )
    return group
