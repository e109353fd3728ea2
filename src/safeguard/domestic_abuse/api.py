"""The police's and the domestic violence service's way in: incidents that are not Encompass
incidents (no child), and DASH results. Idempotent on the sender's reference (the key's
organisation and its incident reference): a resend updates, an identical DASH is not a new
version. A key reaches only its own organisation's incidents; another's answer 404, audited.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict

from safeguard.core import audit
from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.models import ApiKey
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.models import Incident
from safeguard.domestic_abuse.selectors.board import INCIDENT
from safeguard.domestic_abuse.services.incidents import (
    AdultData,
    IncidentData,
    dash_record,
    incident_receive,
)

router = Router(tags=["domestic abuse"])


def _iso_date(value: Any) -> Any:
    """Only a date written YYYY-MM-DD: no number of days or seconds read as a date."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("Enter the date as YYYY-MM-DD")
    return date.fromisoformat(value)


def _iso_moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("Enter the date and time in ISO 8601 form, with its time zone")
    return datetime.fromisoformat(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoMoment = Annotated[datetime, BeforeValidator(_iso_moment)]
_STRICT = ConfigDict(extra="forbid", strict=True)
WRITE = "domestic_abuse:incidents:write"


class DaAdultIn(Schema):
    model_config = _STRICT

    role: Literal["victim", "perpetrator"]
    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    dob: IsoDate | None = None
    gender: Literal["", "M", "F", "U"] = ""
    postcode: str = Field("", max_length=8)


DaAnswer = Literal["yes", "no", "not_known"]


class DaDashIn(Schema):
    model_config = _STRICT

    answers: dict[str, DaAnswer] = Field(
        ..., description="Each of the 24 question codes (q01_injured ... ) with its answer"
    )
    judgement: Literal["", "standard", "medium", "high"] = Field(
        "", description="Professional judgement: raises the level, never lowers it"
    )
    judgement_reason: str = Field("", max_length=5000)


class DaIncidentIn(Schema):
    model_config = _STRICT

    reference: str = Field(..., min_length=1, max_length=60)
    occurred_at: IsoMoment = Field(..., description="Date and time, with its time zone")
    summary: str = Field("", max_length=5000)
    children_count: int = Field(0, ge=0, le=30)
    adults: list[DaAdultIn] = Field(..., min_length=1, max_length=10)
    dash: DaDashIn | None = None


class DaIncidentOut(Schema):
    id: int
    reference: str
    version: int
    created: bool
    board_day: date
    dash_version: int | None
    dash_level: str | None


def _out(incident: Incident, created: bool) -> dict[str, Any]:
    latest = incident.dashes.order_by("-version").first()
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "version": incident.version,
        "created": created,
        "board_day": incident.board_day,
        "dash_version": latest.version if latest else None,
        "dash_level": latest.level if latest else None,
    }


def _dash(key: ApiKey, incident: Incident, payload: DaDashIn) -> None:
    dash_record(
        actor=None,
        organisation=key.organisation,
        incident=incident,
        answers=dict(payload.answers),
        judgement=payload.judgement,
        judgement_reason=payload.judgement_reason,
    )


@router.post(
    "/incidents",
    response={200: DaIncidentOut, 201: DaIncidentOut, **WRITE_ERRORS},
    summary="Send or resend an incident, with its DASH if done",
)
@scope_required(WRITE)
def incident_send(request: HttpRequest, payload: DaIncidentIn) -> Status[dict[str, Any]]:
    """An incident the sender holds (no child needed), keyed by its reference: a resend
    updates it. It goes on the next working day's DRAMM board if it meets a criterion."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    if payload.dash is not None and set(payload.dash.answers) != set(rules.QUESTION_CODES):
        _incomplete()
    incident, created = incident_receive(
        actor=None,
        organisation=key.organisation,
        data=IncidentData(
            reference=payload.reference,
            occurred_at=payload.occurred_at,
            summary=payload.summary,
            children_count=payload.children_count,
            adults=tuple(AdultData(**a.dict()) for a in payload.adults),
        ),
    )
    if payload.dash is not None:
        _dash(key, incident, payload.dash)
    return Status(201 if created else 200, _out(incident, created))


def _incomplete() -> None:
    raise ValidationError({"dash.answers": "Answer each of the 24 questions"})


def _own(key: ApiKey, reference: str) -> Incident:
    found = Incident.objects.filter(organisation=key.organisation, reference=reference).first()
    if found is None:
        audit.record(
            action=AuditAction.DENIED, record_type=INCIDENT, detail="not the key's incident"
        )
        raise Http404
    return found


@router.post(
    "/incidents/{reference}/dash",
    response={200: DaIncidentOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Send a DASH result for an incident you sent",
)
@scope_required(WRITE)
def dash_send(request: HttpRequest, reference: str, payload: DaDashIn) -> dict[str, Any]:
    """A revised DASH is kept as a new version; the same answers again change nothing."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    if set(payload.answers) != set(rules.QUESTION_CODES):
        _incomplete()
    incident = _own(key, reference)
    _dash(key, incident, payload)
    return _out(incident, False)


@router.get(
    "/incidents/{reference}",
    response={200: DaIncidentOut, 404: ErrorOut, **ERRORS},
    summary="An incident you sent: its board day and DASH",
)
@scope_required(WRITE)
def incident_read(request: HttpRequest, reference: str) -> dict[str, Any]:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    incident = _own(key, reference)
    audit.record_view(actor=None, record_type=INCIDENT, record_id=incident.pk)
    return _out(incident, False)


def install(api: NinjaAPI) -> None:
    api.add_router("/domestic-abuse/", router)
