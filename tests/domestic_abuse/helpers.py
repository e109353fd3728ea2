"""A small partnership for the domestic abuse tests: the three DRAMM agencies and their people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from safeguard.core.clock import LONDON
from safeguard.core.models import Organisation, Person
from safeguard.domestic_abuse.models import Agency, AgencyKind
from safeguard.domestic_abuse.rules import QUESTION_CODES
from safeguard.domestic_abuse.services.incidents import AdultData, IncidentData
from tests import factories

# Friday 6 March 2026, evening: the incident is on Monday 9 March's board.
FRIDAY_EVENING = datetime(2026, 3, 6, 21, 30, tzinfo=LONDON)
MONDAY = date(2026, 3, 9)


@dataclass
class World:
    la: Organisation
    police: Organisation
    dv: Organisation
    health: Organisation
    social_worker: Person
    officer: Person
    idva: Person
    outsider: Person  # a practitioner of an agency on neither the DRAMM nor the MARAC
    lead: Person  # a statutory partner lead of the police: MARAC only


def world() -> World:
    la = factories.organisation(kind="local_authority", name="DA council")
    police = factories.organisation(kind="police", name="DA police")
    dv = factories.organisation(kind="third_sector", name="DA domestic violence service")
    health = factories.organisation(kind="health_trust", name="DA health trust")
    Agency.objects.create(organisation=la, kind=AgencyKind.CHILDRENS_SOCIAL_CARE, on_dramm=True)
    Agency.objects.create(organisation=police, kind=AgencyKind.POLICE, on_dramm=True)
    Agency.objects.create(organisation=dv, kind=AgencyKind.DV_SERVICE, on_dramm=True)
    return World(
        la=la,
        police=police,
        dv=dv,
        health=health,
        social_worker=factories.person("practitioner", organisation_obj=la),
        officer=factories.person("police_officer", organisation_obj=police),
        idva=factories.person("practitioner", organisation_obj=dv),
        outsider=factories.person("practitioner", organisation_obj=health),
        lead=factories.person("statutory_partner_lead", organisation_obj=police),
    )


def answers(yes: int) -> dict[str, str]:
    return {code: ("yes" if i < yes else "no") for i, code in enumerate(QUESTION_CODES)}


def incident(
    reference: str,
    occurred_at: datetime,
    *,
    victim: tuple[str, str, date | None] = ("Joanne", "Bloggs", date(1990, 4, 17)),
    perpetrator: tuple[str, str, date | None] = ("Mark", "Hollis", date(1988, 1, 2)),
) -> IncidentData:
    return IncidentData(
        reference=reference,
        occurred_at=occurred_at,
        adults=(
            AdultData(role="victim", forename=victim[0], surname=victim[1], dob=victim[2]),
            AdultData(
                role="perpetrator",
                forename=perpetrator[0],
                surname=perpetrator[1],
                dob=perpetrator[2],
            ),
        ),
    )


def api_payload(reference: str, occurred_at: datetime, *, yes: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": reference,
        "occurred_at": occurred_at.isoformat(),
        "adults": [
            {"role": "victim", "forename": "Joanne", "surname": "Bloggs", "dob": "1990-04-17"},
            {"role": "perpetrator", "forename": "Mark", "surname": "Hollis", "dob": "1988-01-02"},
        ],
    }
    if yes is not None:
        body["dash"] = {"answers": answers(yes)}
    return body
