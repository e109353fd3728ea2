"""Opening, meeting and cancelling the clocks of every module.

Modules call these from their own services (the actor may be ``None`` when the system opens a
clock). A deadline is keyed by module, kind and subject, so opening it again updates it instead
of adding a second clock. Each function runs in one transaction and writes an audit row only
when something changed, so a retried call is harmless.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import describe_rule, end_of_day, start_of_day
from safeguard.core.models import Deadline, Group, Organisation
from safeguard.core.models.audit import AuditAction

RECORD_TYPE = "core.deadline"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _state(deadline: Deadline) -> dict[str, Any]:
    """What the audit row records: ids, codes and moments (the title must not name a child)."""
    return {
        "module": deadline.module,
        "kind": deadline.kind,
        "title": deadline.title,
        "subject_type": deadline.subject_type,
        "subject_id": deadline.subject_id,
        "rule": deadline.rule,
        "starts_at": _iso(deadline.starts_at),
        "due_at": _iso(deadline.due_at),
        "met_at": _iso(deadline.met_at),
        "cancelled_at": _iso(deadline.cancelled_at),
        "owner_organisation_id": deadline.owner_organisation_id,
        "owner_person_id": deadline.owner_person_id,
        "group_id": deadline.group_id,
        "link": deadline.link,
    }


def _require_aware(**moments: datetime | None) -> None:
    for name, moment in moments.items():
        if moment is not None and timezone.is_naive(moment):
            raise ValueError(f"{name} must be timezone-aware")


def deadline_open(
    *,
    module: str,
    kind: str,
    title: str,
    subject_type: str,
    subject_id: object,
    starts_at: datetime,
    due_at: datetime,
    rule: str,
    owner_organisation: Organisation | None = None,
    owner_person: Any = None,
    group: Group | None = None,
    link: str = "",
    actor: Any = None,
) -> Deadline:
    """Open (or update) the clock for one subject.

    Reopening a cancelled deadline brings it back. ``met_at`` is a fact about the past and is
    left alone: a clock for a new occurrence needs a new subject or kind.
    """
    _require_aware(starts_at=starts_at, due_at=due_at)
    if due_at < starts_at:
        raise ValueError("due_at is before starts_at")
    values: dict[str, Any] = {
        "title": title,
        "rule": rule,
        "starts_at": starts_at,
        "due_at": due_at,
        "cancelled_at": None,
        "owner_organisation": owner_organisation,
        "owner_person": owner_person,
        "group": group,
        "link": link,
    }
    key = {
        "module": module,
        "kind": kind,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
    }
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().filter(**key).first()
        if deadline is None:
            deadline = Deadline.objects.create(**key, **values)
            audit.record(
                action=AuditAction.CREATE,
                record_type=RECORD_TYPE,
                record_id=deadline.pk,
                actor=actor,
                changes=audit.diff({}, _state(deadline)),
            )
            return deadline
        before = _state(deadline)
        for name, value in values.items():
            setattr(deadline, name, value)
        changes = audit.diff(before, _state(deadline))
        if changes:
            deadline.save()
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=deadline.pk,
                actor=actor,
                changes=changes,
            )
    return deadline


def deadline_open_working_days(
    *,
    module: str,
    kind: str,
    title: str,
    subject_type: str,
    subject_id: object,
    starts_on: date,
    working_days: int,
    owner_organisation: Organisation | None = None,
    owner_person: Any = None,
    group: Group | None = None,
    link: str = "",
    actor: Any = None,
) -> Deadline:
    """Open a clock of ``working_days`` working days counted after ``starts_on``.

    Due at the end (London time) of the last working day. Raises ``HolidayDataExhausted`` rather
    than guess when the count runs past the holiday data.
    """
    due_on = holidays.add_working_days(starts_on, working_days)
    return deadline_open(
        module=module,
        kind=kind,
        title=title,
        subject_type=subject_type,
        subject_id=subject_id,
        starts_at=start_of_day(starts_on),
        due_at=end_of_day(due_on),
        rule=describe_rule(starts_on, working_days),
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        group=group,
        link=link,
        actor=actor,
    )


def deadline_meet(*, deadline: Deadline, met_at: datetime, actor: Any) -> Deadline:
    """Record when the deadline was met. The first meeting stands; a repeat changes nothing."""
    _require_aware(met_at=met_at)
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.cancelled_at is not None:
            raise ValueError("a cancelled deadline cannot be met")
        if deadline.met_at is not None:
            return deadline
        deadline.met_at = met_at
        deadline.save(update_fields=["met_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=deadline.pk,
            actor=actor,
            changes={"met_at": [None, _iso(met_at)]},
        )
    return deadline


def deadline_cancel(*, deadline: Deadline, actor: Any) -> Deadline:
    """Stop a clock that no longer applies (the case closed, say). It leaves every list."""
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.cancelled_at is not None:
            return deadline
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["cancelled_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=deadline.pk,
            actor=actor,
            changes={"cancelled_at": [None, _iso(deadline.cancelled_at)]},
        )
    return deadline
