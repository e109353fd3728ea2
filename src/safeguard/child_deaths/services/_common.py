"""What the child deaths services share: clocks, audit states without narratives, and the
messages to the team (a reference and a link, never a child's details)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from safeguard.child_deaths.models import Death, Status
from safeguard.core import audit
from safeguard.core.models import Deadline, Group, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import GroupKind
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet

MODULE = "child_deaths"
DEATH = "child_deaths.death"
NOTIFICATION = "child_deaths.notification"
FORM = "child_deaths.reporting_form"
JAR = "child_deaths.jar"
REVIEW = "child_deaths.review"
AREA = "child_deaths.deprivation"


def person_of(actor: Any) -> Person | None:
    return actor if isinstance(actor, Person) else None


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def death_link(death: Any) -> str:
    return f"/child-deaths/deaths/{death.pk}"


def form_link(form: Any) -> str:
    return f"/child-deaths/forms/{form.pk}"


def iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def state(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    """Codes, dates and ids for the audit trail; free text only as its length."""
    return {name: iso(getattr(record, name)) for name in fields}


def text_marks(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f"{name}_length": len(getattr(record, name) or "") for name in fields}


def the_panel() -> Group | None:
    """The group that owns the module's clocks: the first active CDOP-kind group."""
    return Group.objects.filter(kind=GroupKind.CDOP, active=True).order_by("pk").first()


def team() -> list[Person]:
    """Everyone in an active CDOP-kind group (the CDOP and the designated doctor's team)."""
    return list(
        Person.objects.filter(
            is_active=True,
            memberships__group__kind=GroupKind.CDOP,
            memberships__group__active=True,
        )
        .distinct()
        .order_by("pk")
    )


def tell_team(*, subject: str, body: str, link: str, reason: str, record: Any, event: str) -> int:
    """One message per team member: only that something needs attention, with a link."""
    count = 0
    for person in team():
        if not person.email:
            continue
        message_enqueue(
            recipient=person,
            subject=subject,
            body=body,
            link=link,
            reason=reason,
            record_type=DEATH,
            record_id=record.pk,
            dedupe_key=f"child_deaths:{event}:{record.pk}:{person.pk}",
        )
        count += 1
    return count


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


def cancel_open(*, subject_type: str, subject_ids: Iterable[object], actor: Any) -> None:
    for found in Deadline.objects.filter(
        module=MODULE,
        subject_type=subject_type,
        subject_id__in=[str(pk) for pk in subject_ids],
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ):
        deadline_cancel(deadline=found, actor=actor)


def status_set(*, death: Death, status: str, actor: Any) -> None:
    """Move a death on (never back): notified, gathering, meeting held, complete."""
    order = [s.value for s in Status]
    if order.index(status) <= order.index(death.status):
        return
    before = death.status
    death.status = status
    death.save(update_fields=["status"])
    audit.record(
        action=AuditAction.UPDATE,
        record_type=DEATH,
        record_id=death.pk,
        actor=actor,
        changes={"status": [before, status]},
    )
