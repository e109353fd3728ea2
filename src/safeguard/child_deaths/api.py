"""A partner system notifies a child death, and reads back its own acknowledgement.

Idempotent on the sender's reference: a repeat answers 200 with the first acknowledgement and
tells no one again. The answer carries the partnership's reference and the time of receipt,
never the case: the notifying agency does not see the review.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Router, Schema, Status
from pydantic import StrictBool

from safeguard.child_deaths.models import Notification
from safeguard.child_deaths.policies import NOTIFY_SCOPE
from safeguard.child_deaths.selectors.deaths import acknowledgement_for_organisation
from safeguard.child_deaths.services.notifications import NotifiedDeath, notification_receive
from safeguard.core.api import ERRORS, WRITE_ERRORS, ErrorOut
from safeguard.core.api.auth import scope_required
from safeguard.core.models import ApiKey

router = Router(tags=["child deaths"])


class NotificationIn(Schema):
    sender_reference: Annotated[
        str, Field(min_length=1, max_length=100, description="Your system's reference")
    ]
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    born_on: date
    nhs_number: Annotated[str, Field(max_length=12)] = ""
    gender: Literal["female", "male", "other"] = "other"
    ethnicity: Literal["white", "mixed", "asian", "black", "other", "not_known"] = "not_known"
    home_postcode: Annotated[str, Field(max_length=10)] = ""
    died_at: datetime = Field(description="Date and time of death, with its UTC offset")
    place: Literal["hospital", "home", "hospice", "public_place", "other"]
    place_detail: Annotated[str, Field(max_length=200)] = ""
    expected: StrictBool
    suspected_home_stillbirth: Literal["yes", "no", "not_known"] = Field(
        default="not_known",
        description="Whether this is a suspected stillbirth at home: a baby born at home who"
        " showed no signs of life (the national notification form's question since April 2021)",
    )
    what_is_known: Annotated[str, Field(max_length=5000)] = ""


class AcknowledgementOut(Schema):
    sender_reference: str
    reference: str = Field(description="The partnership's reference for the death")
    received_at: datetime


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "sender_reference": notification.sender_reference,
        "reference": notification.death.reference,
        "received_at": notification.received_at,
    }


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.post(
    "/notifications",
    response={200: AcknowledgementOut, 201: AcknowledgementOut, **WRITE_ERRORS},
    summary="Notify a child death",
)
@scope_required(NOTIFY_SCOPE)
def notify(request: HttpRequest, payload: NotificationIn) -> Status[dict[str, Any]]:
    """Tell the partnership of a child's death as the key's organisation. 201 with the
    acknowledgement, or 200 with the first one when ``sender_reference`` was sent before."""
    died_at = payload.died_at
    if timezone.is_naive(died_at):
        died_at = timezone.make_aware(died_at, timezone.get_default_timezone())
    details = NotifiedDeath(
        **payload.dict(exclude={"sender_reference", "died_at"}), died_at=died_at
    )
    notification, created = notification_receive(
        actor=None,
        organisation=_key(request).organisation,
        details=details,
        sender_reference=payload.sender_reference,
    )
    return Status(201 if created else 200, _out(notification))


@router.get(
    "/notifications/{sender_reference}",
    response={200: AcknowledgementOut, 404: ErrorOut, **ERRORS},
    summary="The acknowledgement of one of your notifications",
)
@scope_required(NOTIFY_SCOPE)
def acknowledgement(request: HttpRequest, sender_reference: str) -> dict[str, Any]:
    found = acknowledgement_for_organisation(
        organisation=_key(request).organisation, sender_reference=sender_reference
    )
    return _out(found)


def install(api: NinjaAPI) -> None:
    api.add_router("/child-deaths/", router)
