"""Past cases through the API: the Business Unit's system loads its history with real dates.

One call per case, with the date of every step that happened (see ``services.past_cases``).
Idempotent on ``sender_reference``: a repeat answers 200 with the first case and changes nothing.
Needs the Business Unit's key with ``reviews:manage``, like the other Business Unit routes.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema, Status

from safeguard.core.api.auth import scope_required
from safeguard.core.models import Organisation
from safeguard.reviews import rules
from safeguard.reviews.api.cases import ReferralChildIn
from safeguard.reviews.api.state import (
    MANAGE,
    WRITE,
    CaseStateOut,
    Reference,
    calling_key,
    case_body,
    created_or_repeat,
    router,
)
from safeguard.reviews.services.past_cases import past_case_record


class PastCaseIn(Schema):
    sender_reference: Reference
    referring_organisation_id: int = Field(description="The organisation that referred the case")
    incident_date: date
    la_aware_on: date = Field(description="The date the local authority became aware")
    referred_on: date | None = Field(
        default=None, description="The date referred to the RAG; the date aware if not given"
    )
    summary: Annotated[str, Field(min_length=1, description="What happened")]
    harm: Literal["died", "serious_harm"]
    abuse_or_neglect: Literal["known", "suspected", "not_suspected"]
    referrer_view: Literal["meets", "does_not_meet", "unsure"]
    referrer_reasons: Annotated[str, Field(min_length=1)]
    agencies_involved: list[int] = Field(default=[], description="Organisation ids")
    children: Annotated[list[ReferralChildIn], Field(min_length=1, max_length=rules.MAX_CHILDREN)]
    decision: Literal["notify", "do_not_notify"]
    decided_on: date
    rationale: Annotated[str, Field(min_length=1)]
    panel_notified_on: date | None = None
    panel_reference: Annotated[str, Field(max_length=60)] = ""
    rapid_review_submitted_on: date | None = None
    cspr_recommended: bool | None = None
    panel_response: Literal[
        "local_cspr", "national_review", "no_review", "more_information", ""
    ] = ""
    panel_response_on: date | None = None
    cspr_reviewer: Annotated[str, Field(max_length=200)] = ""
    cspr_commissioned_on: date | None = None
    cspr_initiated_on: date | None = None
    cspr_published_on: date | None = None


_REFERRAL = (
    "incident_date",
    "la_aware_on",
    "summary",
    "harm",
    "abuse_or_neglect",
    "referrer_view",
    "referrer_reasons",
)
_STEPS = (
    "referred_on",
    "decision",
    "decided_on",
    "rationale",
    "panel_notified_on",
    "panel_reference",
    "rapid_review_submitted_on",
    "cspr_recommended",
    "panel_response",
    "panel_response_on",
    "cspr_reviewer",
    "cspr_commissioned_on",
    "cspr_initiated_on",
    "cspr_published_on",
)


def _organisations(ids: list[int], field: str) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=ids))
    missing = set(ids) - {o.pk for o in found}
    if missing:
        raise ValidationError({field: f"Unknown organisations: {sorted(missing)}"})
    return found


@router.post(
    "/past-cases",
    response={200: CaseStateOut, 201: CaseStateOut, **WRITE},
    summary="Record a past case with its real dates",
)
@scope_required(MANAGE)
def past_case(request: HttpRequest, payload: PastCaseIn) -> Status[dict[str, Any]]:
    """A case from before the partnership used Safeguard, counted by its own dates and marked as
    recorded afterwards. Answers 201 with the new case, or 200 with the first case when
    ``sender_reference`` was sent before. No one is emailed; clocks of steps taken are met on
    their real dates."""
    data = payload.dict()
    referrer = _organisations([payload.referring_organisation_id], "referring_organisation_id")
    incident, created = past_case_record(
        actor=calling_key(request),
        sender_reference=payload.sender_reference,
        referring_organisation=referrer[0],
        values={name: data[name] for name in _REFERRAL},
        children=[rules.ChildDetails(**child.dict()) for child in payload.children],
        steps=rules.PastSteps(**{name: data[name] for name in _STEPS}),
        agencies=_organisations(payload.agencies_involved, "agencies_involved"),
    )
    return created_or_repeat(created, case_body(incident))
