"""The police records system's way in: ``POST /api/v1/encompass/incidents``.

Idempotent on the force (the API key's organisation) and the incident reference: a resend
updates the incident and answers 200; a first send answers 201. The children are matched to the
school rolls before the answer, so the response says where each child stands; should matching
fail, the children stay pending and the worker matches them minutes later.
"""

import logging
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from pydantic import ConfigDict

from safeguard.core import audit
from safeguard.core.api import ERRORS, WRITE_ERRORS
from safeguard.core.api.auth import scope_required
from safeguard.core.api.pages import Limit, Offset, Page, page_of
from safeguard.core.models import ApiKey
from safeguard.encompass.rules import MAX_CHILDREN_PER_INCIDENT
from safeguard.encompass.selectors.incidents import incidents_for_force
from safeguard.encompass.services.incidents import (
    AdultData,
    ChildData,
    IncidentData,
    incident_receive,
)
from safeguard.encompass.services.matching import incident_match

logger = logging.getLogger(__name__)
router = Router(tags=["encompass"])


class AdultIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown field is refused, by name

    role: Literal["victim", "suspect"]
    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    dob: date | None = None


class ChildIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field(..., max_length=60, description="The force's person reference for the child")
    presence: Literal["present", "not_present", "unknown"]
    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    dob: date | None = None
    gender: str = Field(
        "",
        max_length=20,
        description="M, F or U (not known); male, female, unknown are read too, as in the CSV",
    )
    address: str = Field("", max_length=300)
    postcode: str = Field("", max_length=8)
    where_they_were: str = Field("", max_length=300)
    voice_of_the_child: str = Field("", max_length=5000, description="What they said or saw")
    injuries: str = Field("", max_length=5000)
    school_name: str = Field(
        "",
        max_length=200,
        description="The child's school or early years setting as the police recorded it, if"
        " known (free text); evidence for matching only, never used to route",
    )
    school_urn: str = Field(
        "",
        max_length=20,
        description="Its URN, if known: six digits (GIAS), or an Ofsted early years number"
        " (six or seven digits, or EY and six digits)",
    )


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(..., max_length=60, description="The force's incident reference")
    occurred_at: datetime = Field(..., description="Date and time, with its time zone")
    kind: Literal["incident", "crime"]
    location: str = Field("", max_length=300)
    adults: list[AdultIn] = []
    children: list[ChildIn] = Field(
        [],
        max_length=MAX_CHILDREN_PER_INCIDENT,
        description=f"At most {MAX_CHILDREN_PER_INCIDENT} children related to either adult",
    )


class ChildOut(Schema):
    ref: str
    match_state: str


class IncidentOut(Schema):
    id: int
    reference: str
    version: int
    created: bool
    no_children_recorded: bool
    presence_unknown: bool
    children: list[ChildOut]


def to_data(payload: IncidentIn) -> IncidentData:
    return IncidentData(
        reference=payload.reference,
        occurred_at=payload.occurred_at,
        kind=payload.kind,
        location=payload.location,
        adults=tuple(AdultData(**a.dict()) for a in payload.adults),
        children=tuple(ChildData(**c.dict()) for c in payload.children),
    )


@router.post(
    "/incidents",
    response={200: IncidentOut, 201: IncidentOut, **WRITE_ERRORS},
    summary="Send or resend an incident",
)
@scope_required("encompass:incidents:write")
def incident_send(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    """Send a domestic abuse incident with every child related to either adult.

    A resend with the same reference updates the incident; children are kept by ``ref``.
    """
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    incident, created = incident_receive(actor=None, force=key.organisation, data=to_data(payload))
    try:
        incident_match(incident_id=incident.pk)
    except Exception as error:  # matching is retried by the worker; the incident is stored
        logger.error("incident %s: matching deferred (%s)", incident.pk, type(error).__name__)
    children = incident.children.filter(withdrawn=False).order_by("pk")
    return Status(
        201 if created else 200,
        {
            "id": incident.pk,
            "reference": incident.reference,
            "version": incident.version,
            "created": created,
            "no_children_recorded": incident.no_children_recorded,
            "presence_unknown": incident.presence_unknown,
            "children": [{"ref": c.ref, "match_state": c.match_state} for c in children],
        },
    )


class NotificationStatus(Schema):
    school_urn: str
    told_at: datetime | None = Field(
        None, description="When the message to the school was delivered; null while queued"
    )
    due_before: datetime = Field(..., description="The start of the next school day")
    acknowledged: bool
    escalated: bool
    withdrawn: bool = Field(False, description="Withdrawn: the school was told to disregard it")


class ChildStatus(Schema):
    ref: str
    match_state: str
    withdrawn: bool
    notifications: list[NotificationStatus]


class IncidentStatus(Schema):
    id: int
    reference: str
    version: int
    occurred_at: datetime
    no_children_recorded: bool
    presence_unknown: bool
    children: list[ChildStatus]


class IncidentPage(Page):
    items: list[IncidentStatus]


def _status(incident: Any) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "version": incident.version,
        "occurred_at": incident.occurred_at,
        "no_children_recorded": incident.no_children_recorded,
        "presence_unknown": incident.presence_unknown,
        "children": [
            {
                "ref": child.ref,
                "match_state": child.match_state,
                "withdrawn": child.withdrawn,
                "notifications": [
                    {
                        "school_urn": n.school.urn,
                        "told_at": n.told_at,
                        "due_before": n.school_due_at,
                        "acknowledged": n.acknowledged_at is not None,
                        "escalated": n.escalated_at is not None,
                        "withdrawn": n.withdrawn_at is not None,
                    }
                    for n in child.notifications.all()
                ],
            }
            for child in incident.children.all()
        ],
    }


@router.get(
    "/incidents",
    response={200: IncidentPage, **ERRORS},
    summary="Where the force's incidents stand",
)
@scope_required("encompass:incidents:read")
def incident_statuses(
    request: HttpRequest,
    reference: Annotated[
        str | None, Query(description="Only the incident with this reference")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The calling force's incidents, newest first: each child's match and the schools told,
    with the moment each had to be told by and whether it acknowledged. No child's details."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    rows = incidents_for_force(key.organisation, reference=reference)

    def item(incident: Any) -> dict[str, Any]:
        audit.record_view(actor=None, record_type="encompass.incident", record_id=incident.pk)
        return _status(incident)

    return page_of(rows, limit=limit, offset=offset, item=item)


def install(api: NinjaAPI) -> None:
    api.add_router("/encompass/", router)
