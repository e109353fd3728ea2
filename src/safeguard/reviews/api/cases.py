"""Serious incidents through the API: a partner system refers a case, follows it, and the LA's
system records the decision. Calls act as the key's organisation.

Writes are idempotent: a referral on the sender's reference (a repeat answers 200 with the first
case and sends nothing again), a decision by being recordable once (the same decision again
answers 200; a different one is refused). Responses carry references, states and dates, never a
child's details.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.api.pages import Limit, Offset, Page, page_of
from safeguard.core.models import ApiKey, Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.models import Action
from safeguard.reviews import rules
from safeguard.reviews.models import AgencyRequest, Incident
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services.actions import action_progress_receive, action_text, incident_of
from safeguard.reviews.services.decisions import incident_decide
from safeguard.reviews.services.discussion import contribution_receive
from safeguard.reviews.services.rapid_reviews import agency_information_receive
from safeguard.reviews.services.referrals import referral_receive

router = Router(tags=["reviews"])
# The operation ids these routes had when they lived in ``reviews/api.py``: partners' generated
# clients name their methods after them, so the move to ``api/cases.py`` keeps them.
KEPT_ID = "safeguard_reviews_api_"


class ReferralChildIn(Schema):
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    date_of_birth: date
    gender: Literal["female", "male", "other"]
    ethnicity: Annotated[str, Field(max_length=100)] = ""
    address: str = ""
    identifiers: Annotated[str, Field(max_length=300, description="NHS number, UPN ...")] = ""


class ReferralIn(Schema):
    sender_reference: Annotated[
        str, Field(min_length=1, max_length=100, description="Your system's reference")
    ]
    incident_date: date
    la_aware_on: date = Field(description="The date the local authority became aware")
    summary: Annotated[str, Field(min_length=1, description="What happened")]
    harm: Literal["died", "serious_harm"]
    abuse_or_neglect: Literal["known", "suspected", "not_suspected"]
    referrer_view: Literal["meets", "does_not_meet", "unsure"]
    referrer_reasons: Annotated[str, Field(min_length=1)]
    agencies_involved: list[int] = Field(default=[], description="Organisation ids")
    children: Annotated[list[ReferralChildIn], Field(min_length=1, max_length=rules.MAX_CHILDREN)]


class ReferralOut(Schema):
    reference: str
    sender_reference: str
    status: str
    submitted_at: datetime | None
    la_aware_on: date | None
    decision_due_on: date | None
    decision: str
    panel_notified_on: date | None
    rapid_review_due_on: date | None


class DecisionIn(Schema):
    decision: Literal["notify", "do_not_notify"]
    rationale: Annotated[str, Field(min_length=1, description="Shared with all partners")]
    panel_notified_on: date | None = None
    panel_reference: Annotated[str, Field(max_length=60)] = ""
    looked_after: bool | None = Field(
        default=None, description="Whether the child was looked after (Working Together 2023)"
    )
    regulated_setting: bool | None = Field(
        default=None, description="Whether the child was in a regulated setting or service"
    )
    ofsted_notified_on: date | None = Field(
        default=None,
        description="Required where the child was looked after or in a regulated setting",
    )
    secretary_of_state_notified_on: date | None = Field(
        default=None,
        description="Required where the child was looked after or in a regulated setting",
    )
    decision_maker_email: Annotated[
        str,
        Field(
            description="The LA decision maker who made the decision: a person of the key's"
            " organisation with that role"
        ),
    ]


def _out(incident: Incident) -> dict[str, Any]:
    clock = case_selectors.clocks_of(incident).filter(kind="la_decision").first()
    review = getattr(incident, "rapid_review", None)
    return {
        "reference": incident.reference,
        "sender_reference": incident.sender_reference,
        "status": incident.status,
        "submitted_at": incident.submitted_at,
        "la_aware_on": incident.la_aware_on,
        "decision_due_on": case_selectors.due_date(clock) if clock else None,
        "decision": incident.decision,
        "panel_notified_on": incident.panel_notified_on,
        "rapid_review_due_on": review.due_on if review else None,
    }


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.post(
    "/referrals",
    response={200: ReferralOut, 201: ReferralOut, **WRITE_ERRORS},
    summary="Refer a serious incident",
    operation_id=KEPT_ID + "refer",
)
@scope_required("reviews:refer")
def refer(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    """Submit a referral to the Review Advisory Group as the key's organisation.

    Answers 201 with the new case, or 200 with the first case when ``sender_reference`` was
    sent before. The Chair, the Business Unit and the RAG are told; the LA decision clock starts.
    """
    agencies = list(Organisation.objects.filter(pk__in=payload.agencies_involved, active=True))
    missing = set(payload.agencies_involved) - {a.pk for a in agencies}
    if missing:
        raise ValidationError({"agencies_involved": f"Unknown organisations: {sorted(missing)}"})
    values = payload.dict(exclude={"sender_reference", "agencies_involved", "children"})
    children = [rules.ChildDetails(**child.dict()) for child in payload.children]
    incident, created = referral_receive(
        organisation=_key(request).organisation,
        sender_reference=payload.sender_reference,
        values=values,
        children=children,
        agencies=agencies,
    )
    return Status(201 if created else 200, _out(incident))


@router.get(
    "/referrals/{incident_reference}",
    response={200: ReferralOut, 404: ErrorOut, **ERRORS},
    summary="One of your referrals",
    operation_id=KEPT_ID + "referral",
)
@scope_required("reviews:refer")
def referral(request: HttpRequest, incident_reference: str) -> dict[str, Any]:
    """The state and clocks of a case the key's organisation referred."""
    incident = case_selectors.incident_by_reference_for_organisation(
        organisation=_key(request).organisation, reference=incident_reference
    )
    return _out(incident)


@router.post(
    "/referrals/{incident_reference}/decision",
    response={200: ReferralOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Record the LA's decision",
    operation_id=KEPT_ID + "decide",
)
@scope_required("reviews:decide")
def decide(request: HttpRequest, incident_reference: str, payload: DecisionIn) -> dict[str, Any]:
    """Record notify / do not notify, made by the named LA decision maker.

    Only a key of the local authority may call this, for a person of that authority who holds
    the LA decision role. Recording the same decision again changes nothing.
    """
    key = _key(request)
    if key.organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise Http404
    incident = case_selectors.incident_for_decision(reference=incident_reference)
    maker = (
        Person.objects.filter(
            email__iexact=payload.decision_maker_email.strip(),
            organisation=key.organisation,
            is_active=True,
            role_assignments__role=Role.LA_DECISION_MAKER,
        )
        .distinct()
        .first()
    )
    if maker is None:
        raise ValidationError(
            {"decision_maker_email": "No LA decision maker of your organisation has this address"}
        )
    if incident.decision:
        if incident.decision == payload.decision:
            return _out(incident)
        raise ValidationError({"decision": "The LA has already recorded a different decision"})
    incident = incident_decide(
        actor=maker,
        incident=incident,
        decision=payload.decision,
        rationale=payload.rationale,
        panel_notified_on=payload.panel_notified_on,
        panel_reference=payload.panel_reference,
        looked_after=payload.looked_after,
        regulated_setting=payload.regulated_setting,
        ofsted_notified_on=payload.ofsted_notified_on,
        secretary_of_state_notified_on=payload.secretary_of_state_notified_on,
    )
    return _out(incident)


class ContributionIn(Schema):
    sender_reference: Annotated[str, Field(min_length=1, max_length=100)]
    information: Annotated[str, Field(min_length=1, description="What your agency holds")]
    opinion: str = Field(default="", description="Your professional opinion on the criteria")


class ContributionOut(Schema):
    id: int
    incident_reference: str
    sender_reference: str
    created_at: datetime


@router.post(
    "/referrals/{incident_reference}/contributions",
    response={200: ContributionOut, 201: ContributionOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Add your agency's information and view",
    operation_id=KEPT_ID + "contribute",
)
@scope_required("reviews:contribute")
def contribute(
    request: HttpRequest, incident_reference: str, payload: ContributionIn
) -> Status[dict[str, Any]]:
    """A statutory partner, or an agency involved, adds information and a professional view
    while the case awaits the LA's decision or is in Rapid Review. Idempotent on
    ``sender_reference``.
    """
    organisation = _key(request).organisation
    incident = case_selectors.incident_for_partner(
        organisation=organisation, reference=incident_reference
    )
    try:
        contribution, created = contribution_receive(
            organisation=organisation,
            incident=incident,
            sender_reference=payload.sender_reference,
            information=payload.information,
            opinion=payload.opinion,
        )
    except PermissionDenied as error:
        raise Http404 from error
    body = {
        "id": contribution.pk,
        "incident_reference": incident.reference,
        "sender_reference": contribution.sender_reference,
        "created_at": contribution.created_at,
    }
    return Status(201 if created else 200, body)


class AgencyInformationIn(Schema):
    summary: Annotated[str, Field(min_length=1, description="Individual agency summary")]
    chronology: Annotated[str, Field(min_length=1)]


class PartnerAgencyRequestOut(Schema):
    id: int
    incident_reference: str
    due_on: date
    received_on: date | None


class PartnerActionOut(Schema):
    id: int
    incident_reference: str
    description: str
    due_on: date
    status: str
    completed_on: date | None


class ActionProgressIn(Schema):
    status: Literal["not_started", "in_progress", "completed"]
    evidence_of_completion: str = ""
    evidence_of_impact: str = ""


class PartnerCaseOut(Schema):
    reference: str
    status: str
    referred_by_you: bool
    agency_requests: list[PartnerAgencyRequestOut]
    actions: list[PartnerActionOut]


def _request_out(asked: AgencyRequest) -> dict[str, Any]:
    return {
        "id": asked.pk,
        "incident_reference": asked.rapid_review.incident.reference,
        "due_on": asked.due_on,
        "received_on": asked.received_on,
    }


def _action_out(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "incident_reference": incident_of(action).reference,
        "description": action_text(action),
        "due_on": action.due_on,
        "status": action.status,
        "completed_on": action.completed_on,
    }


class PartnerCasePage(Page):
    items: list[PartnerCaseOut]


@router.get(
    "/cases",
    response={200: PartnerCasePage, **ERRORS},
    summary="Your cases",
    operation_id=KEPT_ID + "cases",
)
@scope_required("reviews:read")
def cases(request: HttpRequest, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """The cases your organisation referred, was asked to inform, or owns actions in: their
    stage, your agency's requests and your actions, oldest first. No child's details.
    """
    organisation = _key(request).organisation
    found = case_selectors.cases_for_organisation(organisation=organisation)

    def item(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "reference": row["incident"].reference,
            "status": row["incident"].status,
            "referred_by_you": row["incident"].referring_organisation_id == organisation.pk,
            "agency_requests": [_request_out(r) for r in row["requests"]],
            "actions": [_action_out(a) for a in row["actions"]],
        }

    return page_of(found, limit=limit, offset=offset, item=item)


@router.post(
    "/agency-requests/{request_id}",
    response={200: PartnerAgencyRequestOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Answer a Rapid Review request",
    operation_id=KEPT_ID + "answer_request",
)
@scope_required("reviews:contribute")
def answer_request(
    request: HttpRequest, request_id: int, payload: AgencyInformationIn
) -> dict[str, Any]:
    """Send your agency's summary and chronology for a Rapid Review that asked for them.
    Sending again replaces them.
    """
    organisation = _key(request).organisation
    asked = case_selectors.agency_request_for_organisation(organisation=organisation, pk=request_id)
    try:
        asked = agency_information_receive(
            organisation=organisation,
            request=asked,
            summary=payload.summary,
            chronology=payload.chronology,
        )
    except PermissionDenied as error:
        raise Http404 from error
    return _request_out(asked)


@router.post(
    "/actions/{action_id}",
    response={200: PartnerActionOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Report progress on an action",
    operation_id=KEPT_ID + "action_progress",
)
@scope_required("reviews:actions")
def action_progress(
    request: HttpRequest, action_id: int, payload: ActionProgressIn
) -> dict[str, Any]:
    """The status and evidence of an action your organisation owns. Completing an action needs
    evidence of completion. Sending the same state again changes nothing.
    """
    organisation = _key(request).organisation
    action = case_selectors.action_for_organisation(organisation=organisation, pk=action_id)
    try:
        action = action_progress_receive(key=_key(request), action=action, **payload.dict())
    except PermissionDenied as error:
        raise Http404 from error
    return _action_out(action)
