"""The Business Unit's steps up to the Panel, and the statutory partners' sign-off, through
the API: meetings and minutes, agency requests, the Rapid Review's findings, sign-off,
submission and the Panel's response. See ``state`` for what the routes share.

A sign-off needs a key of a statutory partner with ``reviews:sign_off`` naming the person who
signs, who must be entitled as on the page (a RAG member of that partner, or its LA decision
maker).
"""

from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from safeguard.core.api.auth import scope_required
from safeguard.core.models import Organisation, Person
from safeguard.reviews import rules
from safeguard.reviews.api.state import (
    CASE,
    MANAGE,
    SIGN_OFF,
    WRITE,
    MeetingOut,
    RapidReviewOut,
    Reference,
    calling_key,
    case_to_manage,
    created_or_repeat,
    meeting_body,
    review_state,
    router,
)
from safeguard.reviews.models import (
    AgencyRequest,
    Incident,
    Meeting,
)
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services import discussion
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.receipts import create_once

LONDON = ZoneInfo("Europe/London")

# --- meetings --------------------------------------------------------------------------------


class MeetingIn(Schema):
    sender_reference: Reference
    kind: Literal["extraordinary_rag", "rapid_review"] = "extraordinary_rag"
    held_on: date
    starts: time | None = None
    # Attendance is recorded by organisation on the RAG's governance meeting (ADR 0025); a
    # list of names sent here is kept at the head of the case's minutes.
    attendees: str = ""
    invited_professionals: str = ""
    minutes: str = ""


class MinutesIn(Schema):
    minutes: Annotated[str, Field(min_length=1)]


@router.post(
    CASE + "/meetings",
    response={200: MeetingOut, 201: MeetingOut, **WRITE},
    summary="Call a meeting",
)
@scope_required(MANAGE)
def meeting_add(
    request: HttpRequest, incident_reference: str, payload: MeetingIn
) -> Status[dict[str, Any]]:
    """Record an extraordinary RAG meeting (or a Rapid Review meeting): the RAG and the Chair
    are told. Idempotent on ``sender_reference``."""
    key = calling_key(request)
    incident = case_to_manage(request, incident_reference)
    meeting, created = create_once(
        organisation=key.organisation,
        sender_reference=payload.sender_reference,
        model=Meeting,
        record_type=discussion.MEETING,
        create=lambda: discussion.meeting_record(
            actor=key, incident=incident, **payload.dict(exclude={"sender_reference"})
        ),
    )
    return created_or_repeat(created, meeting_body(meeting))


@router.post(
    CASE + "/meetings/{meeting_id}/minutes",
    response={200: MeetingOut, **WRITE},
    summary="Record a meeting's minutes",
)
@scope_required(MANAGE)
def meeting_minutes(
    request: HttpRequest, incident_reference: str, meeting_id: int, payload: MinutesIn
) -> dict[str, Any]:
    """The minutes of a meeting of this case; sending them again replaces them."""
    incident = case_to_manage(request, incident_reference)
    meeting = incident.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    head, _, _ = meeting.minutes.partition("\n\n")
    meeting = discussion.meeting_record(
        actor=calling_key(request),
        incident=incident,
        attendees=head.removeprefix("Attendees: ") if head.startswith("Attendees: ") else "",
        kind=meeting.kind,
        held_on=meeting.held_on,
        starts=meeting.sitting.starts_at.astimezone(LONDON).time(),
        invited_professionals=meeting.invited_professionals,
        minutes=payload.minutes,
        meeting=meeting,
    )
    return meeting_body(meeting)


# --- the Rapid Review ------------------------------------------------------------------------

Criterion = Literal[tuple(rules.REGULATION_11_CRITERIA)]  # type: ignore[valid-type]


class FindingsIn(Schema):
    immediate_actions: str = ""
    learning: str = ""
    cspr_recommended: bool | None = Field(
        default=None, description="The decision on a local CSPR; null while undecided"
    )
    regulation_11_criteria: list[Criterion] = Field(  # type: ignore[valid-type]
        default=[], description="Codes of the regulation 11 criteria a local CSPR would meet"
    )
    cspr_rationale: str = ""


class SignOffIn(Schema):
    signed_by_email: Annotated[
        str,
        Field(
            min_length=1,
            description="The person signing: of the key's organisation, a RAG member of that"
            " statutory partner (or its LA decision maker), as on the page",
        ),
    ]


class SubmissionIn(Schema):
    submitted_on: date


class PanelResponseIn(Schema):
    response: Literal["local_cspr", "national_review", "no_review", "more_information"] = Field(
        description="local_cspr: agrees a local CSPR; national_review: the Panel will undertake"
        " a national review; no_review: no further review needed; more_information: asks for"
        " more information (a later response replaces it)"
    )
    responded_on: date
    comments: str = ""


def _review_body(incident: Incident) -> dict[str, Any]:
    """The review as it stands after the service's change (read afresh, not from a cache)."""
    body = review_state(Incident.objects.get(pk=incident.pk))
    assert body is not None  # the services refuse every step of a case without a review
    return body


@router.post(
    CASE + "/rapid-review/findings",
    response={200: RapidReviewOut, **WRITE},
    summary="Record the Rapid Review's findings",
)
@scope_required(MANAGE)
def findings(request: HttpRequest, incident_reference: str, payload: FindingsIn) -> dict[str, Any]:
    """Immediate safety actions, learning, and the decision on a local CSPR with the regulation
    11 criteria that apply. Sending them again replaces them, until the review is signed off."""
    incident = case_to_manage(request, incident_reference)
    rr.rapid_review_record(actor=calling_key(request), incident=incident, **payload.dict())
    return _review_body(incident)


@router.post(
    CASE + "/rapid-review/sign-offs",
    response={200: RapidReviewOut, 201: RapidReviewOut, **WRITE},
    summary="Sign off the Rapid Review",
)
@scope_required(SIGN_OFF)
def sign_off(
    request: HttpRequest, incident_reference: str, payload: SignOffIn
) -> Status[dict[str, Any]]:
    """A statutory partner signs off, for the person named. Signing again changes nothing."""
    organisation: Organisation = calling_key(request).organisation
    incident = case_selectors.incident_to_sign(
        organisation=organisation, reference=incident_reference
    )
    person = (
        Person.objects.filter(
            email__iexact=payload.signed_by_email.strip(), organisation=organisation, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        raise ValidationError(
            {"signed_by_email": "No person of your organisation has this address"}
        )
    review = getattr(incident, "rapid_review", None)
    if review is not None and review.sign_offs.filter(signed_by=person).exists():
        # The same sign-off again (a retry, perhaps after submission): nothing to change.
        return Status(200, _review_body(incident))
    signed = rr.rapid_review_sign_off(actor=person, incident=incident)
    # 200 when another person had already signed for this organisation: that one stands.
    return Status(201 if signed.signed_by_id == person.pk else 200, _review_body(incident))


@router.post(
    CASE + "/rapid-review/submission",
    response={200: RapidReviewOut, **WRITE},
    summary="Submit the Rapid Review to the Panel",
)
@scope_required(MANAGE)
def submission(
    request: HttpRequest, incident_reference: str, payload: SubmissionIn
) -> dict[str, Any]:
    """Once every statutory partner has signed off: meets the 15-working-day clock. The same
    submission again changes nothing."""
    incident = case_to_manage(request, incident_reference)
    review = getattr(incident, "rapid_review", None)
    if review is not None and review.submitted_on == payload.submitted_on:
        return _review_body(incident)
    rr.rapid_review_submit(
        actor=calling_key(request), incident=incident, submitted_on=payload.submitted_on
    )
    return _review_body(incident)


@router.post(
    CASE + "/rapid-review/panel-response",
    response={200: RapidReviewOut, **WRITE},
    summary="Record the Panel's response",
)
@scope_required(MANAGE)
def panel_response(
    request: HttpRequest, incident_reference: str, payload: PanelResponseIn
) -> dict[str, Any]:
    """The Panel's response; the case moves to its CSPR, to actions and learning, or stays with
    the Panel when it asks for more information. The same response again changes nothing."""
    incident = case_to_manage(request, incident_reference)
    review = getattr(incident, "rapid_review", None)
    if (
        review is not None
        and review.panel_response == payload.response
        and review.panel_response_on == payload.responded_on
    ):
        return _review_body(incident)
    rr.panel_response_record(actor=calling_key(request), incident=incident, **payload.dict())
    return _review_body(incident)


class AgencyRequestIn(Schema):
    sender_reference: Reference
    organisation: int = Field(description="The id of the agency asked")
    due_on: date


class AgencyRequestOut(Schema):
    id: int
    incident_reference: str
    organisation_id: int
    due_on: date
    received_on: date | None


@router.post(
    CASE + "/rapid-review/agency-requests",
    response={200: AgencyRequestOut, 201: AgencyRequestOut, **WRITE},
    summary="Ask an agency for its summary and chronology",
)
@scope_required(MANAGE)
def agency_request_add(
    request: HttpRequest, incident_reference: str, payload: AgencyRequestIn
) -> Status[dict[str, Any]]:
    """The agency's clock starts and its people are told. Idempotent on ``sender_reference``;
    an agency is asked once per review."""
    key = calling_key(request)
    incident = case_to_manage(request, incident_reference)
    agency = Organisation.objects.filter(pk=payload.organisation, active=True).first()
    if agency is None:
        raise ValidationError({"organisation": "There is no such organisation"})
    found, created = create_once(
        organisation=key.organisation,
        sender_reference=payload.sender_reference,
        model=AgencyRequest,
        record_type=rr.AGENCY_REQUEST,
        create=lambda: rr.agency_request_add(
            actor=key, incident=incident, organisation=agency, due_on=payload.due_on
        ),
    )
    body = {
        "id": found.pk,
        "incident_reference": incident.reference,
        "organisation_id": found.organisation_id,
        "due_on": found.due_on,
        "received_on": found.received_on,
    }
    return created_or_repeat(created, body)
