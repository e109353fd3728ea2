"""A small partnership for the child deaths tests: a hospital, police, the LA, the CDOP (one
member) and the designated doctor's team, and a practitioner of each agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safeguard.core.models import Group, Membership, Organisation, Person
from tests import factories


@dataclass
class Partnership:
    hospital: Organisation
    police: Organisation
    la: Organisation
    cdop: Group
    member: Person
    doctor: Person
    nurse: Person
    officer: Person
    social_worker: Person
    outsider: Person  # holds the team's role but belongs to no CDOP-kind group


def partnership() -> Partnership:
    hospital = factories.organisation(
        kind="health_trust", name="Westmere Hospital", email="cdop-hospital@example.invalid"
    )
    police = factories.organisation(kind="police", name="Westmere Police", statutory_partner=True)
    la = factories.organisation(kind="local_authority", name="Westmere Council")
    cdop = Group.objects.create(name="Child Death Overview Panel", kind="cdop")
    doctors = Group.objects.create(name="Designated doctor's team", kind="cdop")
    member = factories.person("subgroup_member", organisation_obj=la, email="cdop@example.invalid")
    doctor = factories.person("practitioner", organisation_obj=hospital, email="dr@example.invalid")
    Membership.objects.create(group=cdop, person=member, role="chair")
    Membership.objects.create(group=doctors, person=doctor, role="member")
    return Partnership(
        hospital=hospital,
        police=police,
        la=la,
        cdop=cdop,
        member=member,
        doctor=doctor,
        nurse=factories.person("practitioner", organisation_obj=hospital),
        officer=factories.person("police_officer", organisation_obj=police),
        social_worker=factories.person("practitioner", organisation_obj=la),
        outsider=factories.person("subgroup_member", organisation_obj=la),
    )


def notify_body(died: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Poppy Testchild",
        "born_on": "01/03/2026",
        "nhs_number": "",
        "gender": "female",
        "ethnicity": "white",
        "home_postcode": "WM1 1AB",
        "died_on": died.strftime("%d/%m/%Y"),
        "died_time": died.strftime("%H:%M"),
        "place": "hospital",
        "place_detail": "Westmere Hospital",
        "expected": "no",
        "suspected_home_stillbirth": "no",
        "what_is_known": "Found unresponsive in the morning; brought in by ambulance.",
        **extra,
    }
