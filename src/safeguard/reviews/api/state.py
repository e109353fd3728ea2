"""A case's state through the API, and what the Business Unit's routes share.

A key acts as its organisation. The Business Unit's routes (``steps``, ``outcomes``) need a key
of the partnership's Business Unit (an organisation of kind "partnership") with the
``reviews:manage`` scope: any other key is refused with 403, audited. Every route calls the
service its page calls, so the rules are the same; a write that creates a record is idempotent
on the sender's reference (``services.receipts``), and the others are idempotent by nature
(recording the same state again changes nothing). Responses carry ids, codes and dates, never a
child's details.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard.core import holidays
from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.models import ApiKey
from safeguard.governance.models import Action
from safeguard.governance.selectors.actions import actions_of_source
from safeguard.reviews import rules
from safeguard.reviews.models import (
    Cspr,
    Incident,
    LearningSheet,
    Meeting,
    Recommendation,
)
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.actions import SOURCE

router = Router(tags=["reviews: the Business Unit's steps"])
MANAGE = "reviews:manage"
SIGN_OFF = "reviews:sign_off"
Reference = Annotated[
    str, Field(min_length=1, max_length=100, description="Your system's reference")
]
CASE = "/cases/{incident_reference}"
WRITE = {404: ErrorOut, **WRITE_ERRORS}


def calling_key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def case_to_manage(request: HttpRequest, reference: str) -> Incident:
    return case_selectors.incident_to_manage(actor=calling_key(request), reference=reference)


def created_or_repeat(created: bool, body: dict[str, Any]) -> Status[dict[str, Any]]:
    """201 for a record made now; 200 for a repeat, answered with the first record."""
    return Status(201 if created else 200, body)


# --- the case's state and clocks -------------------------------------------------------------


class ClockOut(Schema):
    kind: str
    title: str
    due_on: date
    state: str = Field(description="pending, met, met_late or overdue")
    met_at: datetime | None


class MeetingOut(Schema):
    id: int
    incident_reference: str
    kind: str
    held_on: date
    minutes_recorded: bool
    governance_meeting_id: int


class SignOffOut(Schema):
    organisation_id: int
    signed_at: datetime


class RapidReviewOut(Schema):
    opened_on: date
    due_on: date
    cspr_recommended: bool | None
    regulation_11_criteria: list[str]
    sign_offs: list[SignOffOut]
    awaiting_sign_off_from: list[int] = Field(description="Statutory partners' organisation ids")
    submitted_on: date | None
    panel_response: str
    panel_response_on: date | None


class CsprOut(Schema):
    incident_reference: str
    commissioned_on: date
    initiated_on: date | None
    publication_due_on: date | None
    report_sent_on: date | None
    earliest_publication_on: date | None
    publication_decision: str
    published_link: str
    joint_with: str
    published_on: date | None


class ActionOut(Schema):
    id: int
    recommendation_id: int
    owner_organisation_id: int
    due_on: date
    status: str
    completed_on: date | None


class RecommendationOut(Schema):
    id: int
    incident_reference: str
    actions: list[ActionOut]


class SheetOut(Schema):
    id: int
    incident_reference: str
    published_at: datetime | None
    themes: list[str]


class CaseStateOut(Schema):
    reference: str
    status: str
    referring_organisation_id: int
    submitted_at: datetime | None
    la_aware_on: date | None
    decision: str
    panel_notified_on: date | None
    recorded_afterwards: bool = Field(
        default=False, description="A past case entered with its real dates after the events"
    )
    clocks: list[ClockOut]
    meetings: list[MeetingOut]
    rapid_review: RapidReviewOut | None
    cspr: CsprOut | None
    recommendations: list[RecommendationOut]
    learning_sheet: SheetOut | None


def meeting_body(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "incident_reference": meeting.incident.reference,
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "minutes_recorded": bool(meeting.minutes),
        "governance_meeting_id": meeting.sitting_id,
    }


def review_state(incident: Incident) -> dict[str, Any] | None:
    review = getattr(incident, "rapid_review", None)
    if review is None:
        return None
    return {
        "opened_on": review.opened_on,
        "due_on": review.due_on,
        "cspr_recommended": review.cspr_recommended,
        "regulation_11_criteria": review.regulation_11_criteria,
        "sign_offs": [
            {"organisation_id": s.organisation_id, "signed_at": s.signed_at}
            for s in review.sign_offs.order_by("signed_at")
        ],
        "awaiting_sign_off_from": [org.pk for org in rr.missing_sign_offs(review)],
        "submitted_on": review.submitted_on,
        "panel_response": review.panel_response,
        "panel_response_on": review.panel_response_on,
    }


def cspr_body(cspr: Cspr) -> dict[str, Any]:
    return {
        "incident_reference": cspr.incident.reference,
        "commissioned_on": cspr.commissioned_on,
        "initiated_on": cspr.initiated_on,
        "publication_due_on": cspr.publication_due_on,
        "report_sent_on": cspr.report_sent_on,
        "earliest_publication_on": (
            rules.earliest_publication(cspr.report_sent_on, holidays.calendar())
            if cspr.report_sent_on
            else None
        ),
        "publication_decision": cspr.publication_decision,
        "published_link": cspr.published_link,
        "joint_with": cspr.joint_with,
        "published_on": cspr.published_on,
    }


def action_body(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "recommendation_id": int(action.source_id),
        "owner_organisation_id": action.owner_organisation_id,
        "due_on": action.due_on,
        "status": action.status,
        "completed_on": action.completed_on,
    }


def recommendation_body(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "id": recommendation.pk,
        "incident_reference": recommendation.incident.reference,
        "actions": [
            action_body(a)
            for a in actions_of_source(
                source_kind=SOURCE, source_ids=[str(recommendation.pk)]
            ).order_by("due_on", "pk")
        ],
    }


def sheet_body(sheet: LearningSheet) -> dict[str, Any]:
    return {
        "id": sheet.pk,
        "incident_reference": sheet.incident.reference,
        "published_at": sheet.published_at,
        "themes": [t.name for t in sheet.themes.all()],
    }


def case_body(incident: Incident) -> dict[str, Any]:
    cspr = Cspr.objects.filter(incident=incident).first()
    sheet = LearningSheet.objects.filter(incident=incident).first()
    return {
        "reference": incident.reference,
        "status": incident.status,
        "referring_organisation_id": incident.referring_organisation_id,
        "submitted_at": incident.submitted_at,
        "la_aware_on": incident.la_aware_on,
        "decision": incident.decision,
        "panel_notified_on": incident.panel_notified_on,
        "recorded_afterwards": incident.recorded_afterwards,
        "clocks": [
            {
                "kind": c.kind,
                "title": c.title,
                "due_on": case_selectors.due_date(c),
                "state": c.state,  # type: ignore[attr-defined]  # annotated by clocks_of
                "met_at": c.met_at,
            }
            for c in case_selectors.clocks_of(incident)
        ],
        "meetings": [meeting_body(m) for m in incident.meetings.all()],
        "rapid_review": review_state(incident),
        "cspr": cspr_body(cspr) if cspr else None,
        "recommendations": [recommendation_body(r) for r in incident.recommendations.all()],
        "learning_sheet": sheet_body(sheet) if sheet else None,
    }


@router.get(CASE, response={200: CaseStateOut, 404: ErrorOut, **ERRORS}, summary="A case's state")
@scope_required("reviews:read")
def case_state(request: HttpRequest, incident_reference: str) -> dict[str, Any]:
    """The stage of a case, its clocks, meetings, Rapid Review, CSPR, actions and learning
    sheet. The Business Unit's key reads every case; another organisation's key reads the
    cases it referred, was asked to inform, or owns actions in.
    """
    incident = case_selectors.case_state_for_organisation(
        organisation=calling_key(request).organisation, reference=incident_reference
    )
    return case_body(incident)
