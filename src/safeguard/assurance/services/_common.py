"""What the assurance services share: refusals, errors, clocks and audit states without
narratives (free text goes to the audit trail as its length only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from safeguard.core import audit
from safeguard.core.models import Deadline
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet

MODULE = "assurance"
ESCALATION = "assurance.escalation"
STAGE = "assurance.escalation_stage"
TEMPLATE = "assurance.template"
ROUND = "assurance.round"
ASSESSMENT = "assurance.self_assessment"
CHALLENGE = "assurance.challenge"
RETURN = "assurance.monthly_return"
RETURN_DUE = "assurance.monthly_return_due"
REVIEW = "assurance.incident_review"
TOOL = "assurance.audit_tool"
AUDIT = "assurance.case_audit"
CASE = "assurance.audit_case"
ANSWER = "assurance.case_answer"
FINDING = "assurance.audit_finding"
SCALE = "assurance.grading_scale"

# The kinds of clock on "What is due".
KIND_STAGE = "escalation_stage"
KIND_RETURN = "self_assessment_return"
KIND_CHALLENGE = "challenge_answer"
KIND_MONTHLY = "monthly_return"


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def required(**texts: str) -> dict[str, str]:
    """A GOV.UK "Enter ..." message for every blank text."""
    return {
        name: f"Enter {name.replace('_', ' ')}" for name, text in texts.items() if not text.strip()
    }


def iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def state(record: Model, fields: Iterable[str], texts: Iterable[str] = ()) -> dict[str, Any]:
    """Codes, dates and ids for the audit trail; free text only as its length."""
    found = {name: iso(getattr(record, name)) for name in fields}
    found.update({f"{name}_length": len(getattr(record, name) or "") for name in texts})
    return found


def record(
    *, action: str, record_type: str, record: Model, actor: Any, changes: dict[str, Any]
) -> None:
    audit.record(
        action=action, record_type=record_type, record_id=record.pk, actor=actor, changes=changes
    )


def clock(*, kind: str, subject_type: str, subject_id: object) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE,
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        cancelled_at__isnull=True,
    ).first()


def meet(*, kind: str, subject_type: str, subject_id: object, at: datetime, actor: Any) -> None:
    found = clock(kind=kind, subject_type=subject_type, subject_id=subject_id)
    if found is not None and found.met_at is None:
        deadline_meet(deadline=found, met_at=at, actor=actor)


def cancel(*, kind: str, subject_type: str, subject_id: object, actor: Any) -> None:
    found = clock(kind=kind, subject_type=subject_type, subject_id=subject_id)
    if found is not None and found.met_at is None:
        deadline_cancel(deadline=found, actor=actor)
