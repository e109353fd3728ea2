"""Discussion before the decision: extraordinary RAG meetings, minutes and partners' views.

Nothing is decided by e-mail: each partner's information and professional opinion is a record
on the case, attached to a meeting where it was given, and the minutes carry the rationale.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safeguard.core import audit
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.governance.services import sittings
from safeguard.reviews import agenda, policies
from safeguard.reviews.models import Contribution, Incident, Meeting
from safeguard.reviews.selectors import recipients
from safeguard.reviews.services._common import (
    case_link,
    fail,
    person_of,
    refuse_unless,
    state,
    tell,
    text_marks,
    the_rag,
)

MEETING = "reviews.meeting"
CONTRIBUTION = "reviews.contribution"


def contribution_add(
    *,
    actor: Any,
    incident: Incident,
    information: str,
    opinion: str = "",
    organisation: Organisation | None = None,
    meeting: Meeting | None = None,
) -> Contribution:
    """A partner's information and view. RAG members speak for their own organisation; the
    Business Unit records a contribution on behalf of the organisation that gave it.
    """
    refuse_unless(policies.can_contribute(actor, incident))
    if organisation is None or not policies.can(actor, policies.Cap.MANAGE):
        organisation = actor.organisation
    errors = {}
    if not information.strip():
        errors["information"] = "Enter the information your agency holds"
    if meeting is not None and meeting.incident_id != incident.pk:
        errors["meeting"] = "Choose a meeting of this case"
    fail(errors)
    with transaction.atomic():
        contribution = Contribution.objects.create(
            incident=incident,
            organisation=organisation,
            meeting=meeting,
            author=actor,
            information=information.strip(),
            opinion=opinion.strip(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=CONTRIBUTION,
            record_id=contribution.pk,
            actor=actor,
            changes=audit.diff(
                {},
                {
                    **state(contribution, ("incident_id", "organisation_id", "meeting_id")),
                    **text_marks(contribution, ("information", "opinion")),
                },
            ),
        )
    return contribution


_MEETING_FIELDS = ("incident_id", "kind", "sitting_id")
_MEETING_TEXT = ("invited_professionals",)


def _title(incident: Incident, kind: str) -> str:
    """The case's item on the RAG's meeting: by reference only, never the child."""
    return f"Case {incident.reference}: {Meeting.Kind(kind).label}"


def meeting_record(
    *,
    actor: Any,
    incident: Incident,
    kind: str,
    held_on: date | None,
    starts: time | None = None,
    invited_professionals: str = "",
    minutes: str = "",
    attendees: str = "",
    meeting: Meeting | None = None,
) -> Meeting:
    """Call (or update) a meeting on a case: a meeting of the RAG in governance (ADR 0025),
    with the case as its agenda item and the minutes as that item's. A new one is announced
    to the RAG and the Chair.

    Attendance is recorded by organisation on the governance meeting's page; ``attendees``, a
    list of names some partner systems still send through the API, is kept at the head of the
    case's minutes so nothing sent is lost."""
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = "Choose the kind of meeting"
    if kind == Meeting.Kind.RAPID_REVIEW and not hasattr(incident, "rapid_review"):
        errors["kind"] = "A Rapid Review meeting needs a Rapid Review: the Panel must be notified"
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    rag = the_rag()
    if rag is None:
        errors["held_on"] = (
            "The partnership has no Review Advisory Group: add it on the groups page first"
        )
    fail(errors)
    assert held_on is not None
    text = minutes.strip()
    if attendees.strip():
        text = f"Attendees: {attendees.strip()}" + (f"\n\n{text}" if text else "")
    key = f"incident:{incident.pk}"
    with transaction.atomic():
        if meeting is None:
            before: dict[str, Any] = {}
            sitting = sittings.sitting_record(
                actor=actor,
                group=rag,
                day=held_on,
                starts=starts,
                title=_title(incident, kind),
                kind=agenda.KIND,
                key=key,
                link=case_link(incident),
            )
            meeting = Meeting(incident=incident, sitting=sitting, created_by=person_of(actor))
        else:
            if meeting.incident_id != incident.pk:
                raise ValidationError({"meeting": "Choose a meeting of this case"})
            before = {**state(meeting, _MEETING_FIELDS), **text_marks(meeting, _MEETING_TEXT)}
            sittings.sitting_record(
                actor=actor,
                group=rag,
                day=held_on,
                starts=starts,
                title=_title(incident, kind),
                kind=agenda.KIND,
                key=key,
                link=case_link(incident),
                sitting=meeting.sitting,
            )
        meeting.kind = kind
        meeting.invited_professionals = invited_professionals.strip()
        meeting.save()
        sittings.sitting_minutes_record(
            actor=actor, sitting=meeting.sitting, key=key, discussion=text
        )
        audit.record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=MEETING,
            record_id=meeting.pk,
            actor=actor,
            changes=audit.diff(
                before, {**state(meeting, _MEETING_FIELDS), **text_marks(meeting, _MEETING_TEXT)}
            ),
        )
        if not before:
            tell(
                people=recipients.everyone_who_must_know(),
                subject=f"Meeting called on {incident.reference}",
                body=f"A meeting has been called on {incident.reference} for"
                f" {held_on.day} {held_on:%B %Y}. Sign in for the details.",
                link=case_link(incident),
                reason="reviews.meeting_called",
                record_type=MEETING,
                record_id=meeting.pk,
                event="meeting",
            )
    return meeting


def contribution_receive(
    *,
    organisation: Organisation,
    incident: Incident,
    sender_reference: str,
    information: str,
    opinion: str = "",
) -> tuple[Contribution, bool]:
    """A partner system's contribution, as its organisation. Idempotent on the reference."""
    if not policies.organisation_may_contribute(organisation, incident):
        raise PermissionDenied
    existing = Contribution.objects.filter(
        organisation=organisation, sender_reference=sender_reference
    ).first()
    if existing is not None:
        return existing, False
    fail(
        {"information": "Enter the information your agency holds"}
        if not information.strip()
        else {}
    )
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                incident=incident,
                organisation=organisation,
                information=information.strip(),
                opinion=opinion.strip(),
                sender_reference=sender_reference,
            )
            audit.record(
                action=AuditAction.CREATE,
                record_type=CONTRIBUTION,
                record_id=contribution.pk,
                changes=audit.diff(
                    {},
                    {
                        **state(contribution, ("incident_id", "organisation_id")),
                        **text_marks(contribution, ("information", "opinion")),
                    },
                ),
                detail="received through the API",
            )
    except IntegrityError:
        found = Contribution.objects.get(
            organisation=organisation, sender_reference=sender_reference
        )
        return found, False
    return contribution, True
