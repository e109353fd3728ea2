"""A small Westmere for the Encompass tests: a force, schools with rolls, a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from safeguard.children.importers.gias import import_gias
from safeguard.children.importers.roll import import_roll
from safeguard.core.clock import LONDON
from safeguard.core.models import Organisation, Person
from safeguard.encompass.models import Calendar, Term
from safeguard.encompass.services.incidents import AdultData, ChildData, IncidentData
from tests import factories
from tests.encompass.data import gias_file, gias_row, roll_file, upn

TERMS = (
    ("Autumn 1", date(2026, 9, 3), date(2026, 10, 23)),
    ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    ("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
)


@dataclass
class World:
    force: Organisation
    other_force: Organisation
    la: Organisation
    school: Organisation
    other_school: Organisation
    officer: Person
    dsl: Person
    other_dsl: Person
    coordinator: Person
    holiday_contact: Person


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def world() -> World:
    import_gias(
        actor=None,
        data=gias_file(
            gias_row("900001", "Westmere Primary School", estab="2001"),
            gias_row("900002", "Harrow Lane Academy", estab="2002", phase="Secondary"),
        ),
        file_name="gias.csv",
    )
    import_roll(
        actor=None,
        data=roll_file(
            f"{upn(1)},Robin,Ashdown,2016-03-04,F,WM1 2BB,900001\n",
            f"{upn(2)},Samuel,Birch,2012-11-30,M,WM1 3CC,900002\n",
            f"{upn(3)},Alex,Cole,2017-06-15,M,WM2 4DD,900001\n",
            f"{upn(4)},Jordan,Dale,2013-02-20,F,WM3 5EE,900002\n",
        ),
        file_name="roll.csv",
    )
    school = Organisation.objects.get(urn="900001")
    other_school = Organisation.objects.get(urn="900002")
    force = factories.organisation(kind="police", name="Westmere Police")
    la = factories.organisation(kind="local_authority", name="Westmere Council")
    coordinator = factories.person("la_encompass_coordinator", organisation_obj=la)
    holiday_contact = factories.person("la_encompass_coordinator", organisation_obj=la)
    default = Calendar.objects.create(
        is_default=True, day_starts_at=time(8, 45), holiday_contact=holiday_contact
    )
    for name, starts, ends in TERMS:
        Term.objects.create(calendar=default, name=name, starts_on=starts, ends_on=ends)
    return World(
        force=force,
        other_force=factories.organisation(kind="police", name="Northshire Police"),
        la=la,
        school=school,
        other_school=other_school,
        officer=factories.person("police_officer", organisation_obj=force),
        dsl=factories.person("school_dsl", organisation_obj=school),
        other_dsl=factories.person("school_dsl", organisation_obj=other_school),
        coordinator=coordinator,
        holiday_contact=holiday_contact,
    )


def child(ref: str = "P1", **fields: Any) -> ChildData:
    values: dict[str, Any] = {
        "forename": "Robin",
        "surname": "Ashdown",
        "dob": date(2016, 3, 4),
        "gender": "F",
        "postcode": "WM1 2BB",
        "presence": "present",
        "where_they_were": "Upstairs bedroom",
        "voice_of_the_child": "Heard shouting",
    }
    values.update(fields)
    return ChildData(ref=ref, **values)


def incident(reference: str = "WM/2026/0001", *children: ChildData, **fields: Any) -> IncidentData:
    values: dict[str, Any] = {
        "occurred_at": london(2026, 10, 13, 19, 0),
        "kind": "incident",
        "location": "1 High Street",
        "adults": (AdultData("victim", "Kim", "Ashdown", date(1988, 1, 2)),),
        "children": children,
    }
    values.update(fields)
    return IncidentData(reference=reference, **values)
