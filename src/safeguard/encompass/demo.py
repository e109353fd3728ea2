"""Operation Encompass in the demo partnership: rolls, calendars and a month of incidents.

Runs inside the kernel's demo transaction (``safeguard demo``), after its schools and people
exist. Everything is synthetic and follows from the seed: pupils are drawn from the demo name
lists, and the incidents put children in every state: matched at once, matched despite a typo
or a nickname, waiting for a person's review, on no roll (the LA's queue), presence not known,
no children recorded; notifications acknowledged, waiting and escalated.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.children.identifiers import upn_check_letter
from safeguard.children.models import Establishment, ImportKind, Pupil, RollImport
from safeguard.core import demo_names as names
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.encompass.models import Calendar, IncidentChild, InsetDay, Notification, Term
from safeguard.encompass.services.incidents import (
    AdultData,
    ChildData,
    IncidentData,
    incident_receive,
)
from safeguard.encompass.services.matching import children_match
from safeguard.encompass.services.notifications import (
    notification_acknowledge,
    notifications_escalate,
)

PUPILS_PER_SCHOOL = 30
INCIDENTS = 40
# Realistic English term dates (autumn, spring, summer halves) for three school years.
TERMS = [
    ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    ("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
    ("Autumn 1", date(2026, 9, 3), date(2026, 10, 23)),
    ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    ("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
    ("Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
    ("Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    ("Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
    ("Autumn 1", date(2027, 9, 2), date(2027, 10, 22)),
    ("Autumn 2", date(2027, 11, 1), date(2027, 12, 17)),
]
POSTCODE_AREAS = ("WM1", "WM2", "WM3", "WM4", "WM5", "WM6")


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    unit = rng.choice(letters) + rng.choice(letters)
    return f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{unit}"


def _upn(school_index: int, serial: int) -> str:
    body = f"{names.LA_CODE}{2000 + school_index:04d}26{serial:03d}"
    return upn_check_letter(body) + body


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 4:
        return value
    i = rng.randint(1, len(value) - 2)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _rolls(rng: random.Random, schools: list[Organisation]) -> list[Pupil]:
    roll_import = RollImport.objects.create(
        kind=ImportKind.ROLL_CSV, file_name="demo", sha256="0" * 64, rows=0
    )
    pupils = []
    today = timezone.localdate()
    for index, school in enumerate(schools):
        secondary = "Academy" in school.name or "High" in school.name or "College" in school.name
        Establishment.objects.get_or_create(
            organisation=school,
            defaults={
                "urn": school.urn,
                "la_code": names.LA_CODE,
                "la_name": names.AREA,
                "establishment_number": f"{2000 + index:04d}",
                "phase": "Secondary" if secondary else "Primary",
                "type_of_establishment": "Academy converter"
                if "Academy" in school.name
                else "Community school",
                "status": "Open",
            },
        )
        ages = range(11, 16) if secondary else range(4, 11)
        for serial in range(PUPILS_PER_SCHOOL):
            age = rng.choice(ages)
            pupils.append(
                Pupil(
                    upn=_upn(index, serial),
                    forename=rng.choice(names.GIVEN_NAMES),
                    surname=rng.choice(names.SURNAMES),
                    dob=today - timedelta(days=age * 365 + rng.randint(0, 364)),
                    gender=rng.choice("MF"),
                    postcode=_postcode(rng),
                    school=school,
                    roll_import=roll_import,
                )
            )
    Pupil.objects.bulk_create(pupils, batch_size=2000)
    roll_import.rows = roll_import.created = len(pupils)
    roll_import.save(update_fields=["rows", "created"])
    return pupils


def _calendars(rng: random.Random, schools: list[Organisation], coordinator: Any) -> int:
    default = Calendar.objects.create(
        is_default=True, day_starts_at=time(8, 45), holiday_contact=coordinator
    )
    Term.objects.bulk_create(
        Term(calendar=default, name=name, starts_on=start, ends_on=end)
        for name, start, end in TERMS
    )
    made = 1 + len(TERMS)
    for school in rng.sample(schools, 3):
        on_duty = Person.objects.filter(
            organisation=school, role_assignments__role=Role.SCHOOL_DSL
        ).first()
        own = Calendar.objects.create(
            school=school, day_starts_at=time(8, 30), holiday_contact=on_duty
        )
        InsetDay.objects.bulk_create(
            InsetDay(calendar=own, date=day) for day in (date(2026, 11, 2), date(2027, 1, 4))
        )
        made += 3
    return made


def _child_like(rng: random.Random, pupil: Pupil, ref: str, how: str) -> ChildData:
    forename, surname, dob = pupil.forename, pupil.surname, pupil.dob
    if how == "typo":
        forename = _typo(rng, forename)
    elif how == "swapped" and dob and dob.day <= 12:
        dob = date(dob.year, dob.day, dob.month)
    elif how == "review":
        forename, dob = "", None
    return ChildData(
        ref=ref,
        presence=rng.choice(["present", "present", "not_present"]),
        forename=forename,
        surname=surname,
        dob=dob,
        gender=pupil.gender,
        postcode=pupil.postcode,
        address="",
        where_they_were=rng.choice(["In the bedroom", "In the living room", "At a friend's house"]),
        voice_of_the_child=rng.choice(
            ["Heard shouting", "Said they were scared", "Saw the argument"]
        ),
        injuries="",
    )


def _twin(pupil: Pupil, *, serial: int) -> Pupil:
    """A twin on the same roll: recorded without a forename, the child could be either, so a
    person must decide (the review queue)."""
    index = int(pupil.upn[4:8]) - 2000
    return Pupil.objects.create(
        upn=_upn(index, serial % 1000),
        forename="Jamie" if pupil.forename != "Jamie" else "Alex",
        surname=pupil.surname,
        dob=pupil.dob,
        gender=pupil.gender,
        postcode=pupil.postcode,
        school=pupil.school,
        roll_import=pupil.roll_import,
    )


def add_demo_encompass(*, seed: int) -> int:
    """Add the Encompass demo records; returns how many were made."""
    rng = random.Random(f"encompass:{seed}")
    schools = list(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, la_code=names.LA_CODE).order_by(
            "urn"
        )
    )
    force = Organisation.objects.filter(kind=OrganisationKind.POLICE).order_by("pk").first()
    coordinator = Person.objects.filter(
        role_assignments__role=Role.LA_ENCOMPASS_COORDINATOR
    ).first()
    if not schools or force is None:
        return 0
    pupils = _rolls(rng, schools)
    made = len(pupils) + _calendars(rng, schools, coordinator)
    now = timezone.now()
    children: list[IncidentChild] = []
    for number in range(INCIDENTS):
        if number >= INCIDENTS - 4:
            # The last few came in within the hour: their schools have not had them long
            # enough to escalate, so the demo always shows notifications waiting.
            occurred = now - timedelta(minutes=rng.randint(5, 60))
        else:
            occurred = now - timedelta(days=rng.uniform(0.2, 30), minutes=rng.randint(0, 600))
        kind = number % 8
        kids: list[ChildData] = []
        if kind != 7:  # one in eight records no children: the data quality list
            for ref in range(rng.randint(1, 3)):
                how = ("exact", "typo", "swapped", "review", "unknown", "exact", "typo")[kind]
                if how == "unknown":
                    kids.append(
                        ChildData(
                            ref=f"C{ref + 1}",
                            presence=rng.choice(["present", "unknown"]),
                            forename=rng.choice(names.GIVEN_NAMES),
                            surname="Unlisted",
                            dob=now.date() - timedelta(days=rng.randint(300, 1200)),
                        )
                    )
                else:
                    pupil = rng.choice(pupils)
                    if how == "review":
                        _twin(pupil, serial=900 + len(children) + ref)
                    kids.append(_child_like(rng, pupil, f"C{ref + 1}", how))
        data = IncidentData(
            reference=f"WMP/{occurred:%Y}/{10000 + number}",
            occurred_at=occurred,
            kind=rng.choice(["incident", "crime"]),
            location=f"{rng.randint(1, 120)} {rng.choice(names.PLACE_WORDS)} Road",
            adults=(
                AdultData(
                    "victim",
                    rng.choice(names.GIVEN_NAMES),
                    rng.choice(names.SURNAMES),
                    date(1980 + rng.randint(0, 20), rng.randint(1, 12), rng.randint(1, 28)),
                ),
                AdultData(
                    "suspect",
                    rng.choice(names.GIVEN_NAMES),
                    rng.choice(names.SURNAMES),
                    date(1975 + rng.randint(0, 20), rng.randint(1, 12), rng.randint(1, 28)),
                ),
            ),
            children=tuple(kids),
        )
        incident, _ = incident_receive(actor=None, force=force, data=data)
        children.extend(incident.children.all())
        made += 1 + len(kids)
    children_match(children=children)
    notes = list(Notification.objects.select_related("school").order_by("pk"))
    for note in notes[: len(notes) // 2]:
        dsl = Person.objects.filter(
            organisation=note.school, role_assignments__role=Role.SCHOOL_DSL, is_active=True
        ).first()
        if dsl is not None and note.escalate_at > now - timedelta(days=20):
            notification_acknowledge(
                actor=dsl,
                notification=note,
                support_given="Check-in with a trusted adult each morning",
            )
    made += len(notes) + notifications_escalate(now=now)
    return made
