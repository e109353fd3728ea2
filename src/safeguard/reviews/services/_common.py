"""What the reviews services share: the date today, audit states without narratives, messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Deadline, Group, Organisation, Person
from safeguard.core.models.organisations import GroupKind, OrganisationKind
from safeguard.core.outbox import message_enqueue

MODULE = "reviews"
INCIDENT = "reviews.incident"


def today(now: datetime | None = None) -> date:
    """Today in London; services take ``now`` so that tests can pin real statutory dates."""
    return london_date(now or timezone.now())


def person_of(actor: Any) -> Person | None:
    """The person behind an actor, for "created by" columns: None when an API key acted (the
    audit row names the key)."""
    return actor if isinstance(actor, Person) else None


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def case_link(incident: Any) -> str:
    return f"/reviews/cases/{incident.pk}"


def state(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values for the audit trail: codes, dates and ids. Free text is never passed here;
    callers record only whether it changed (``text_marks``), since narratives stay in the case.
    """
    found: dict[str, Any] = {}
    for name in fields:
        value = getattr(record, name)
        found[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return found


def text_marks(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    """A fingerprint of free-text fields (their length) so a change shows without its words."""
    return {f"{name}_length": len(getattr(record, name) or "") for name in fields}


def the_local_authority() -> Organisation | None:
    """The statutory partner that is the local authority: it owns the decision clock."""
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.LOCAL_AUTHORITY, statutory_partner=True, active=True
        )
        .order_by("pk")
        .first()
    )


def the_rag() -> Group | None:
    return (
        Group.objects.filter(kind=GroupKind.REVIEW_ADVISORY_GROUP, active=True)
        .order_by("pk")
        .first()
    )


def open_deadline(*, kind: str, subject_type: str, subject_id: object) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE,
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        cancelled_at__isnull=True,
    ).first()


def tell(
    *,
    people: Iterable[Any],
    subject: str,
    body: str,
    link: str,
    reason: str,
    record_type: str,
    record_id: object,
    event: str,
) -> int:
    """Queue one message per person. Says only that something needs attention, with a link."""
    count = 0
    for person in people:
        if not person.email:
            continue
        message_enqueue(
            recipient=person,
            subject=subject,
            body=body,
            link=link,
            reason=reason,
            record_type=record_type,
            record_id=record_id,
            dedupe_key=f"reviews:{event}:{record_type}:{record_id}:{person.pk}",
        )
        count += 1
    return count
