"""Every read of serious incident cases, already narrowed to what the person may see.

Reading a case's identifiable details (``case_for``) writes a view row to the audit trail. Lists
carry references, states and clocks only, never a child's details, so they are not audited row
by row; the page that opens a case is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguard.core import audit
from safeguard.core import policies as core_policies
from safeguard.core.clock import london_date
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability
from safeguard.core.selectors import audit as audit_selectors
from safeguard.core.selectors.deadlines import with_state
from safeguard.governance import policies as meeting_policies
from safeguard.governance.selectors.actions import actions_of_source_kind
from safeguard.reviews import policies, rules
from safeguard.reviews.models import (
    AgencyRequest,
    Cspr,
    Incident,
    LearningSheet,
    Meeting,
    Recommendation,
    Status,
)
from safeguard.reviews.services._common import INCIDENT, MODULE

REVIEW_SOURCE = rules.ACTION_SOURCE


def cases_for(*, actor: Any, status: str | None = None) -> QuerySet[Incident]:
    """Submitted cases for those who see every case; otherwise the person's own referrals.

    A person's own drafts are included for them alone.
    """
    if not policies.can(actor, policies.Cap.USE):
        return Incident.objects.none()
    cases = Incident.objects.select_related("referring_organisation")
    own = Q(referrer_id=actor.pk)
    if policies.sees_every_case(actor):
        cases = cases.filter(own | ~Q(status=Status.DRAFT))
    else:
        cases = cases.filter(own)
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-submitted_at", "-created_at")


def refused(actor: Any, record_type: str, record_id: object) -> None:
    """An attempt to open a record the actor may not see (answered 404) is audited like a read,
    so someone probing for other organisations' records shows in the trail (DESIGN.md 3). For a
    partner system ``actor`` is ``None`` and the row carries the API key."""
    audit.record(
        action=AuditAction.DENIED, record_type=record_type, record_id=record_id, actor=actor
    )


def case_for(*, actor: Any, pk: int, audit_view: bool = True) -> Incident:
    """One case with its identifiable details, or 404 (not 403: existence is need to know)."""
    incident = (
        Incident.objects.select_related("referring_organisation", "referrer").filter(pk=pk).first()
    )
    if incident is None or not policies.can_see_case(actor, incident):
        refused(actor, INCIDENT, pk)
        raise Http404
    if audit_view:
        audit.record_view(actor=actor, record_type=INCIDENT, record_id=incident.pk)
    return incident


def draft_for(*, actor: Any, pk: int) -> Incident:
    incident = Incident.objects.filter(pk=pk).first()
    if incident is None or not policies.can_edit_draft(actor, incident):
        raise Http404
    audit.record_view(actor=actor, record_type=INCIDENT, record_id=incident.pk)
    return incident


def clocks_of(incident: Incident) -> QuerySet[Deadline]:
    """The case's statutory clocks with their state (pending, met, met late, overdue)."""
    subject_ids = [str(incident.pk)]
    return with_state(
        Deadline.objects.filter(
            module=MODULE, subject_id__in=subject_ids, subject_type=INCIDENT
        ).order_by("due_at"),
        now=timezone.now(),
    )


def contributions_of(incident: Incident) -> list[Any]:
    return list(incident.contributions.select_related("organisation", "author", "meeting"))


def incident_by_reference_for_organisation(*, organisation: Any, reference: str) -> Incident:
    """The API's read: a partner system sees the cases its own organisation referred."""
    incident = Incident.objects.filter(
        reference=reference, referring_organisation=organisation
    ).first()
    if incident is None or incident.status == Status.DRAFT:
        refused(None, INCIDENT, reference)
        raise Http404
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident


def meetings_of(actor: Any, incident: Incident) -> list[Any]:
    """The case's meetings, each with the RAG's attendance at it (by organisation, from its
    governance meeting) and a link to that meeting's page for those who may open it (its
    papers, attendance and calendar invitation are there)."""
    found = list(incident.meetings.select_related("sitting"))
    for meeting in found:
        sitting = meeting.sitting
        attendance = ", ".join(
            f"{row.organisation.name}: {row.get_status_display().lower()}"
            for row in sitting.attendance.select_related("organisation")
        )
        link = (
            f"/governance/meetings/{sitting.pk}"
            if meeting_policies.may_view_meeting(actor, sitting)
            else ""
        )
        setattr(meeting, "attendance_text", attendance)  # noqa: B010 (for the template)
        setattr(meeting, "page_link", link)  # noqa: B010
    return found


def case_context(actor: Any, incident: Incident) -> dict[str, Any]:
    """What the case page shows, with what this person may do next on it.

    ``incident`` must come from ``case_for``, which checked access and audited the view.
    """
    review = getattr(incident, "rapid_review", None) if incident.pk else None
    return {
        "incident": incident,
        "children": list(incident.children.all()),
        "agencies": list(incident.agencies_involved.all()),
        "clocks": list(clocks_of(incident)),
        "contributions": contributions_of(incident),
        "meetings": meetings_of(actor, incident),
        "rapid_review": review,
        "has_cspr": Cspr.objects.filter(incident=incident).exists(),
        "sheet": LearningSheet.objects.filter(incident=incident).first(),
        "sent": list(messages_of(incident)) if policies.sees_every_case(actor) else [],
        "is_scsi": rules.is_scsi(harm=incident.harm, abuse_or_neglect=incident.abuse_or_neglect),
        "can_decide": policies.can_decide(actor, incident),
        "can_contribute": policies.can_contribute(actor, incident),
        "can_manage": policies.can_manage(actor, incident),
        "can_sign_off": policies.can_sign_off(actor, incident),
        "viewers": viewers_of(actor=actor, incident=incident),
        "viewers_shown": VIEWERS_SHOWN,
        "can_read_audit": core_policies.can(actor, Capability.VIEW_AUDIT),
    }


VIEWERS_SHOWN = 50


def viewers_of(*, actor: Any, incident: Incident) -> list[dict[str, Any]] | None:
    """Who has viewed this case, newest first, for those who oversee the partnership's records.

    Read through the kernel's ``record_views``, which checks ``audit.record_viewers`` (the
    Chair, the Business Unit and the DPO) and audits the reading itself. ``incident`` came from
    ``case_for``, so the actor may see the case. None (no panel) for anyone else: a referrer
    sees their own case but not who else read it.
    """
    if not core_policies.can(actor, Capability.VIEW_RECORD_VIEWERS):
        return None
    if not policies.can_see_case(actor, incident):
        return None
    events = list(
        audit_selectors.record_views(actor=actor, record_type=INCIDENT, record_id=str(incident.pk))[
            :VIEWERS_SHOWN
        ]
    )
    who = audit_selectors.actors_of(actor=actor, events=events)
    return [
        {"occurred_at": e.occurred_at, "who": who[e.seq], "page": rules.page_label(e.route)}
        for e in events
    ]


def due_date(deadline: Deadline) -> date:
    """The date a clock is due, in London (clocks fall due at the end of that day)."""
    return london_date(deadline.due_at)


def incident_for_decision(*, reference: str) -> Incident:
    """For the LA's system: any submitted case by reference (the LA decides on every case)."""
    incident = Incident.objects.filter(reference=reference).exclude(status=Status.DRAFT).first()
    if incident is None:
        raise Http404
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident


def messages_of(incident: Incident) -> QuerySet[OutboxMessage]:
    """Every message the process sent about this case: what went to whom, and whether it left."""

    def ids(model: Any, **where: Any) -> list[str]:
        return [str(pk) for pk in model.objects.filter(**where).values_list("pk", flat=True)]

    about = (
        Q(record_type=INCIDENT, record_id=str(incident.pk))
        | Q(record_type="reviews.meeting", record_id__in=ids(Meeting, incident=incident))
        | Q(
            record_type="reviews.agency_request",
            record_id__in=ids(AgencyRequest, rapid_review__incident=incident),
        )
        | Q(record_type="reviews.cspr", record_id__in=ids(Cspr, incident=incident))
        | Q(
            record_type__in=("reviews.action", "governance.action"),
            record_id__in=[
                str(pk)
                for pk in actions_of_source_kind(REVIEW_SOURCE)
                .filter(
                    source_id__in=[
                        str(r) for r in incident.recommendations.values_list("pk", flat=True)
                    ]
                )
                .values_list("pk", flat=True)
            ],
        )
    )
    return OutboxMessage.objects.filter(about).select_related("recipient").order_by("created_at")


# --- partner systems -------------------------------------------------------------------------


def incident_for_partner(*, organisation: Any, reference: str) -> Incident:
    """A submitted case a partner's system may contribute to (the service checks the state)."""
    incident = Incident.objects.filter(reference=reference).exclude(status=Status.DRAFT).first()
    if incident is None or not policies.organisation_may_contribute(organisation, incident):
        raise Http404
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident


def agency_request_for_organisation(*, organisation: Any, pk: int) -> Any:
    found = (
        AgencyRequest.objects.select_related("rapid_review__incident")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if found is None:
        refused(None, "reviews.agency_request", pk)
        raise Http404
    return found


def action_for_organisation(*, organisation: Any, pk: int) -> Any:
    """One of the organisation's actions from a review, in the shared action plan."""
    found = actions_of_source_kind(REVIEW_SOURCE).filter(pk=pk, owner_organisation=organisation)
    action = found.first()
    if action is None:
        refused(None, "governance.action", pk)
        raise Http404
    return action


def cases_for_organisation(*, organisation: Any) -> list[dict[str, Any]]:
    """The cases a partner organisation referred, was asked to inform, or owns actions in."""
    requests = list(
        AgencyRequest.objects.filter(organisation=organisation).select_related(
            "rapid_review__incident"
        )
    )
    owned = list(actions_of_source_kind(REVIEW_SOURCE).filter(owner_organisation=organisation))
    incident_of = dict(
        Recommendation.objects.filter(pk__in=[int(a.source_id) for a in owned]).values_list(
            "pk", "incident_id"
        )
    )
    ids = {r.rapid_review.incident_id for r in requests} | set(incident_of.values())
    cases = (
        Incident.objects.filter(Q(referring_organisation=organisation) | Q(pk__in=ids))
        .exclude(status=Status.DRAFT)
        .order_by("pk")
    )
    return [
        {
            "incident": incident,
            "requests": [r for r in requests if r.rapid_review.incident_id == incident.pk],
            "actions": [a for a in owned if incident_of.get(int(a.source_id)) == incident.pk],
        }
        for incident in cases
    ]


# --- the Business Unit's and the statutory partners' systems ---------------------------------


def _submitted(reference: str) -> Incident:
    incident = (
        Incident.objects.select_related("referring_organisation")
        .filter(reference=reference)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def incident_to_manage(*, actor: Any, reference: str) -> Incident:
    """A case for the Business Unit's steps. Refused (403) before any lookup for a caller that
    cannot manage cases, so a key of another organisation learns nothing of which exist.
    """
    if not policies.can(actor, policies.Cap.MANAGE):
        raise PermissionDenied
    incident = _submitted(reference)
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident


def incident_to_sign(*, organisation: Any, reference: str) -> Incident:
    """A case a statutory partner's system signs off for the named person (the service checks
    the person's role); other organisations are refused."""
    if not policies.organisation_may_sign_off(organisation):
        raise PermissionDenied
    incident = _submitted(reference)
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident


def case_state_for_organisation(*, organisation: Any, reference: str) -> Incident:
    """A case's state and clocks: the Business Unit's system reads every case; another
    organisation's reads the cases it referred, was asked to inform, or owns actions in."""
    incident = _submitted(reference)
    if not policies.organisation_sees_every_case(organisation):
        mine = {row["incident"].pk for row in cases_for_organisation(organisation=organisation)}
        if incident.pk not in mine:
            raise Http404
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return incident
