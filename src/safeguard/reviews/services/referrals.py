"""Referral: the SCSI notification and discussion form, saved as drafts, then submitted.

Submission is the moment everyone who must know is told: the Independent Chair and the Business
Unit at once, every statutory partner's RAG member with an invitation to contribute; and the
LA's decision clock starts (5 working days after the LA became aware).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_open_working_days
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Child, Incident, Status
from safeguard.reviews.selectors import recipients
from safeguard.reviews.services._common import (
    INCIDENT,
    MODULE,
    case_link,
    fail,
    refuse_unless,
    state,
    tell,
    text_marks,
    the_local_authority,
    the_rag,
    today,
)

REFERRAL_FIELDS = (
    "incident_date",
    "la_aware_on",
    "summary",
    "harm",
    "abuse_or_neglect",
    "referrer_view",
    "referrer_reasons",
)
_CODED = ("status", "incident_date", "la_aware_on", "harm", "abuse_or_neglect", "referrer_view")
_TEXT = ("summary", "referrer_reasons")


def _audit_state(incident: Incident) -> dict[str, Any]:
    found = state(incident, _CODED)
    found.update(text_marks(incident, _TEXT))
    found["children"] = incident.children.count() if incident.pk else 0
    found["agencies_involved"] = (
        sorted(incident.agencies_involved.values_list("pk", flat=True)) if incident.pk else []
    )
    return found


def _write(
    incident: Incident,
    *,
    values: dict[str, Any],
    children: Sequence[rules.ChildDetails],
    agencies: Iterable[Organisation],
) -> None:
    for name in REFERRAL_FIELDS:
        if name in values:
            setattr(incident, name, values[name] if values[name] is not None else _empty(name))
    incident.save()
    incident.children.all().delete()
    Child.objects.bulk_create(
        Child(
            incident=incident,
            position=position,
            full_name=child.full_name.strip(),
            date_of_birth=child.date_of_birth,
            gender=child.gender,
            ethnicity=child.ethnicity,
            address=child.address,
            identifiers=child.identifiers,
        )
        for position, child in enumerate(children, start=1)
    )
    incident.agencies_involved.set(list(agencies))


def _empty(name: str) -> Any:
    return None if name in ("incident_date", "la_aware_on") else ""


def _assign_reference(incident: Incident) -> None:
    """The reference follows the year the LA became aware (a draft without that date takes the
    year it was started, and is renamed when the date is known and differs)."""
    reference = rules.case_reference(
        aware_on=incident.la_aware_on,
        created_on=london_date(incident.created_at),
        number=incident.pk,
    )
    if reference != incident.reference:
        incident.reference = reference
        incident.save(update_fields=["reference"])


def referral_save_draft(
    *,
    actor: Any,
    values: dict[str, Any],
    children: Sequence[rules.ChildDetails],
    agencies: Iterable[Organisation] = (),
    incident: Incident | None = None,
    now: datetime | None = None,
) -> Incident:
    """Create or update a draft. Only its author may change it, and only while a draft."""
    refuse_unless(policies.can(actor, policies.Cap.REFER))
    if incident is not None:
        refuse_unless(policies.can_edit_draft(actor, incident))
    fail(rules.draft_errors(values=values, children=children, today=today(now)))
    agencies = list(agencies)
    with transaction.atomic():
        if incident is None:
            incident = Incident(referrer=actor, referring_organisation=actor.organisation)
            before: dict[str, Any] = {}
            incident.save()
        else:
            incident = Incident.objects.select_for_update().get(pk=incident.pk)
            refuse_unless(policies.can_edit_draft(actor, incident))
            before = _audit_state(incident)
        _write(incident, values=values, children=children, agencies=agencies)
        _assign_reference(incident)
        audit.record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes=audit.diff(before, _audit_state(incident)),
            detail="draft saved",
        )
    return incident


def _submission_values(incident: Incident) -> dict[str, Any]:
    return {name: getattr(incident, name) for name in REFERRAL_FIELDS}


def _children_of(incident: Incident) -> list[rules.ChildDetails]:
    return [
        rules.ChildDetails(
            full_name=c.full_name,
            date_of_birth=c.date_of_birth,
            gender=c.gender,
            ethnicity=c.ethnicity,
            address=c.address,
            identifiers=c.identifiers,
        )
        for c in incident.children.all()
    ]


def _submit(incident: Incident, *, actor: Any, now: datetime) -> Incident:
    """The shared end of a page submission and an API referral (inside their transaction)."""
    before = _audit_state(incident)
    incident.status = Status.AWAITING_DECISION
    incident.submitted_at = now
    incident.save(update_fields=["status", "submitted_at"])
    audit.record(
        action=AuditAction.UPDATE,
        record_type=INCIDENT,
        record_id=incident.pk,
        actor=actor,
        changes=audit.diff(before, _audit_state(incident)),
        detail="referral submitted",
    )
    assert incident.la_aware_on is not None
    deadline_open_working_days(
        module=MODULE,
        kind="la_decision",
        title=f"LA decision on notifying the Panel: {incident.reference}",
        subject_type=INCIDENT,
        subject_id=incident.pk,
        starts_on=incident.la_aware_on,
        working_days=rules.DECISION_WORKING_DAYS,
        owner_organisation=the_local_authority(),
        group=the_rag(),
        link=case_link(incident),
        actor=actor,
    )
    link = case_link(incident)
    tell(
        people=recipients.chair_and_business_unit() + recipients.decision_makers(),
        subject=f"New serious incident referral {incident.reference}",
        body=f"A serious incident referral ({incident.reference}) has been submitted and needs"
        " your attention. Sign in to read it.",
        link=link,
        reason="reviews.referral_submitted",
        record_type=INCIDENT,
        record_id=incident.pk,
        event="submitted",
    )
    tell(
        people=recipients.rag_members(),
        subject=f"Serious incident referral {incident.reference}: your view is invited",
        body=f"A serious incident referral ({incident.reference}) is being considered for"
        " notification. Sign in to add your agency's information and professional opinion.",
        link=link,
        reason="reviews.contribution_invited",
        record_type=INCIDENT,
        record_id=incident.pk,
        event="invited",
    )
    return incident


def referral_submit(*, actor: Any, incident: Incident, now: datetime | None = None) -> Incident:
    """Send a complete draft to the Chair, the Business Unit and the RAG."""
    refuse_unless(policies.can_edit_draft(actor, incident))
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        refuse_unless(policies.can_edit_draft(actor, incident))
        fail(
            rules.submission_errors(
                values=_submission_values(incident),
                children=_children_of(incident),
                today=today(now),
            )
        )
        return _submit(incident, actor=actor, now=now)


def referral_receive(
    *,
    organisation: Organisation,
    sender_reference: str,
    values: dict[str, Any],
    children: Sequence[rules.ChildDetails],
    agencies: Iterable[Organisation] = (),
    now: datetime | None = None,
) -> tuple[Incident, bool]:
    """A partner system's referral, submitted at once. Idempotent on ``sender_reference``:
    a repeat returns the first incident and ``False`` (nothing is created or sent again).
    """
    existing = Incident.objects.filter(
        referring_organisation=organisation, sender_reference=sender_reference
    ).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    fail(rules.submission_errors(values=values, children=children, today=today(now)))
    try:
        with transaction.atomic():
            incident = Incident(
                referring_organisation=organisation, sender_reference=sender_reference
            )
            incident.save()
            _write(incident, values=values, children=children, agencies=list(agencies))
            _assign_reference(incident)
            audit.record(
                action=AuditAction.CREATE,
                record_type=INCIDENT,
                record_id=incident.pk,
                changes=audit.diff({}, _audit_state(incident)),
                detail="referral received through the API",
            )
            _submit(incident, actor=None, now=now)
    except IntegrityError:
        # A concurrent call with the same reference won the race: answer as a repeat.
        return (
            Incident.objects.get(
                referring_organisation=organisation, sender_reference=sender_reference
            ),
            False,
        )
    return incident, True
