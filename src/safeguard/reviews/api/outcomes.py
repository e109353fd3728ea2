"""What follows the Rapid Review, through the API: the CSPR, recommendations and actions,
the learning sheet and its dissemination, and closing the case. See ``state``.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from safeguard.core.api.auth import scope_required
from safeguard.core.models import Organisation
from safeguard.governance.models import Action
from safeguard.reviews.api.state import (
    CASE,
    MANAGE,
    WRITE,
    ActionOut,
    CaseStateOut,
    CsprOut,
    RecommendationOut,
    Reference,
    SheetOut,
    action_body,
    calling_key,
    case_body,
    case_to_manage,
    created_or_repeat,
    cspr_body,
    recommendation_body,
    router,
    sheet_body,
)
from safeguard.reviews.models import (
    Cspr,
    Dissemination,
    Incident,
    LearningSheet,
    Recommendation,
    Theme,
)
from safeguard.reviews.models import Status as CaseStatus
from safeguard.reviews.services import actions, csprs, learning
from safeguard.reviews.services.receipts import create_once

# --- the CSPR --------------------------------------------------------------------------------


class CsprIn(Schema):
    reviewer: Annotated[str, Field(min_length=1, max_length=200)]
    terms_of_reference: Annotated[str, Field(min_length=1)]
    commissioned_on: date
    initiated_on: date | None = None
    joint_with: Annotated[
        str, Field(max_length=200, description="An adult or community safety partnership")
    ] = ""
    progress: str = ""


class PublicationIn(Schema):
    decision: Literal["publish", "not_publish"] = "publish"
    published_on: date | None = None
    link: Annotated[str, Field(max_length=500)] = ""
    reason: str = ""


class ReportSentIn(Schema):
    sent_on: date


@router.post(
    CASE + "/cspr",
    response={200: CsprOut, 201: CsprOut, **WRITE},
    summary="Commission a CSPR or record its progress",
)
@scope_required(MANAGE)
def cspr(request: HttpRequest, incident_reference: str, payload: CsprIn) -> Status[dict[str, Any]]:
    """One CSPR per case: the first call commissions it (201), later calls update it (200).
    An initiation date starts the 6-month publication clock."""
    incident = case_to_manage(request, incident_reference)
    existed = Cspr.objects.filter(incident=incident).exists()
    found = csprs.cspr_record(actor=calling_key(request), incident=incident, **payload.dict())
    return Status(200 if existed else 201, cspr_body(found))


@router.post(
    CASE + "/cspr/publication",
    response={200: CsprOut, **WRITE},
    summary="Record the CSPR's publication",
)
@scope_required(MANAGE)
def cspr_publication(
    request: HttpRequest, incident_reference: str, payload: PublicationIn
) -> dict[str, Any]:
    """Published with its link (at least 7 working days after the final report went to the
    Panel and the Secretary of State), or not published with the reason. Meets the publication
    clock; the case moves to actions and learning. Recording it again changes nothing."""
    incident = case_to_manage(request, incident_reference)
    found = csprs.cspr_publish(actor=calling_key(request), incident=incident, **payload.dict())
    return cspr_body(found)


@router.post(
    CASE + "/cspr/report-sent",
    response={200: CsprOut, **WRITE},
    summary="Record that the final report went to the Panel and the Secretary of State",
)
@scope_required(MANAGE)
def cspr_report_sent(
    request: HttpRequest, incident_reference: str, payload: ReportSentIn
) -> dict[str, Any]:
    """The final report (attached on the CSPR page) was sent on ``sent_on``: meets the report
    clock; publication may follow 7 working days later. The same date again changes nothing."""
    incident = case_to_manage(request, incident_reference)
    found = csprs.cspr_report_sent(
        actor=calling_key(request), incident=incident, sent_on=payload.sent_on
    )
    return cspr_body(found)


# --- recommendations and actions -------------------------------------------------------------


class RecommendationIn(Schema):
    sender_reference: Reference
    text: Annotated[str, Field(min_length=1)]


class ActionIn(Schema):
    sender_reference: Reference
    description: Annotated[str, Field(min_length=1)]
    owner_organisation: int = Field(description="The id of the organisation that owns it")
    due_on: date


@router.post(
    CASE + "/recommendations",
    response={200: RecommendationOut, 201: RecommendationOut, **WRITE},
    summary="Add a recommendation",
)
@scope_required(MANAGE)
def recommendation_add(
    request: HttpRequest, incident_reference: str, payload: RecommendationIn
) -> Status[dict[str, Any]]:
    """A recommendation of the review. Idempotent on ``sender_reference``."""
    key = calling_key(request)
    incident = case_to_manage(request, incident_reference)
    found, created = create_once(
        organisation=key.organisation,
        sender_reference=payload.sender_reference,
        model=Recommendation,
        record_type=actions.RECOMMENDATION,
        create=lambda: actions.recommendation_add(actor=key, incident=incident, text=payload.text),
    )
    return created_or_repeat(created, recommendation_body(found))


@router.post(
    CASE + "/recommendations/{recommendation_id}/actions",
    response={200: ActionOut, 201: ActionOut, **WRITE},
    summary="Add an action",
)
@scope_required(MANAGE)
def action_add(
    request: HttpRequest, incident_reference: str, recommendation_id: int, payload: ActionIn
) -> Status[dict[str, Any]]:
    """An action with its owner organisation and due date: its clock starts and its owner is
    told. Idempotent on ``sender_reference``."""
    key = calling_key(request)
    incident = case_to_manage(request, incident_reference)
    recommendation = incident.recommendations.filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404
    owner = Organisation.objects.filter(pk=payload.owner_organisation, active=True).first()
    if owner is None:
        raise ValidationError({"owner_organisation": "There is no such organisation"})
    found, created = create_once(
        organisation=key.organisation,
        sender_reference=payload.sender_reference,
        model=Action,
        record_type=actions.ACTION,
        create=lambda: actions.action_add(
            actor=key,
            recommendation=recommendation,
            description=payload.description,
            owner_organisation=owner,
            due_on=payload.due_on,
        ),
    )
    return created_or_repeat(created, action_body(found))


# --- learning --------------------------------------------------------------------------------


class SheetIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    what_happened: Annotated[str, Field(min_length=1, description="Anonymised")]
    good_practice: str = ""
    learning: Annotated[str, Field(min_length=1)]
    do_differently: str = ""
    themes: list[str] = Field(default=[], description="Names of active themes")


class DisseminationIn(Schema):
    sender_reference: Reference
    kind: Literal["group", "training", "briefing"]
    audience: Annotated[str, Field(min_length=1, max_length=200)]
    held_on: date
    notes: str = ""


class DisseminationOut(Schema):
    id: int
    sheet_id: int
    kind: str
    held_on: date


def _sheet_of(incident: Incident) -> LearningSheet:
    sheet = LearningSheet.objects.filter(incident=incident).first()
    if sheet is None:
        raise Http404
    return sheet


@router.post(
    CASE + "/learning-sheet",
    response={200: SheetOut, 201: SheetOut, **WRITE},
    summary="Write the learning sheet",
)
@scope_required(MANAGE)
def learning_sheet(
    request: HttpRequest, incident_reference: str, payload: SheetIn
) -> Status[dict[str, Any]]:
    """One sheet per case: the first call writes it (201), later calls replace it (200)."""
    incident = case_to_manage(request, incident_reference)
    names = {" ".join(n.split()).lower() for n in payload.themes}
    themes = [t for t in Theme.objects.filter(active=True) if t.name.lower() in names]
    unknown = names - {t.name.lower() for t in themes}
    if unknown:
        raise ValidationError({"themes": "Choose themes from the list of active themes"})
    existed = LearningSheet.objects.filter(incident=incident).exists()
    sheet = learning.learning_sheet_save(
        actor=calling_key(request),
        incident=incident,
        themes=themes,
        **payload.dict(exclude={"themes"}),
    )
    return Status(200 if existed else 201, sheet_body(sheet))


@router.post(
    CASE + "/learning-sheet/publication",
    response={200: SheetOut, **WRITE},
    summary="Publish the learning sheet",
)
@scope_required(MANAGE)
def learning_sheet_publication(request: HttpRequest, incident_reference: str) -> dict[str, Any]:
    """Everyone in the partnership may then read it. Publishing again changes nothing."""
    incident = case_to_manage(request, incident_reference)
    sheet = learning.learning_sheet_publish(actor=calling_key(request), sheet=_sheet_of(incident))
    return sheet_body(sheet)


@router.post(
    CASE + "/learning-sheet/disseminations",
    response={200: DisseminationOut, 201: DisseminationOut, **WRITE},
    summary="Record the learning's dissemination",
)
@scope_required(MANAGE)
def dissemination_add(
    request: HttpRequest, incident_reference: str, payload: DisseminationIn
) -> Status[dict[str, Any]]:
    """A group, training course or briefing that carried the learning. Idempotent on
    ``sender_reference``."""
    key = calling_key(request)
    incident = case_to_manage(request, incident_reference)
    sheet = _sheet_of(incident)
    found, created = create_once(
        organisation=key.organisation,
        sender_reference=payload.sender_reference,
        model=Dissemination,
        record_type=learning.DISSEMINATION,
        create=lambda: learning.dissemination_add(
            actor=key, sheet=sheet, **payload.dict(exclude={"sender_reference"})
        ),
    )
    body = {
        "id": found.pk,
        "sheet_id": found.sheet_id,
        "kind": found.kind,
        "held_on": found.held_on,
    }
    return created_or_repeat(created, body)


# --- closing the case ------------------------------------------------------------------------


@router.post(
    CASE + "/closure",
    response={200: CaseStateOut, **WRITE},
    summary="Close the case",
)
@scope_required(MANAGE)
def closure(request: HttpRequest, incident_reference: str) -> dict[str, Any]:
    """Close a case at actions and learning whose every action is complete. Closing a closed
    case changes nothing."""
    incident = case_to_manage(request, incident_reference)
    if incident.status != CaseStatus.CLOSED:
        incident = actions.case_close(actor=calling_key(request), incident=incident)
    return case_body(incident)
