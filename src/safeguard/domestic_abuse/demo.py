"""Domestic abuse triage in the demo partnership: four weeks of incidents, boards, MARACs
(and, written in bulk by ``demo_history``, the MARAC's earlier years from April 2024).

Runs inside the kernel's demo transaction after Operation Encompass's month, under the demo's
clock. Everything follows from the seed. The three DRAMM agencies are the LA (children's social
care), the police and the Harbour Light Domestic Abuse Service; probation and the health trusts
sit on the MARAC. Each day a few incidents arrive from the police and the DV service (most with
a DASH); each past working day's board was decided and closed by the three agencies; the cases
sent to MARAC are on the fortnightly meetings' lists. Two stories are planted: a MARAC repeat
(the same victim and perpetrator within 12 months of a referral) and an escalation found only
because "Kathrine Smyth" and "Katherine Smith" link as one victim. Encompass incidents come in
through the Encompass feed, as the worker takes them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safeguard.children.models import Pupil
from safeguard.core import demo_names as names
from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.demo_history import add_marac_history
from safeguard.domestic_abuse.models import (
    AdultWomenPopulation,
    Agency,
    AgencyKind,
    Decision,
    Incident,
    Outcome,
    Referral,
)
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.board import board_close, decision_record
from safeguard.domestic_abuse.services.home_education import notice_send
from safeguard.domestic_abuse.services.incidents import (
    AdultData,
    IncidentData,
    dash_record,
    encompass_pull,
    incident_receive,
)
from safeguard.domestic_abuse.services.marac import marac_action_add, research_record
from safeguard.encompass.selectors.incident_feed import notifications_of_pupil

DAYS = 28
PER_DAY = (3, 7)
DV_SERVICE = "Harbour Light Domestic Abuse Service"


def _agencies() -> dict[str, Organisation]:
    la = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("pk").first()
    police = Organisation.objects.filter(kind=OrganisationKind.POLICE).order_by("pk").first()
    dv = Organisation.objects.filter(name=DV_SERVICE).first()
    found = {"la": la, "police": police, "dv": dv}
    if not all(found.values()):
        return {}
    for key, kind in (
        ("la", AgencyKind.CHILDRENS_SOCIAL_CARE),
        ("police", AgencyKind.POLICE),
        ("dv", AgencyKind.DV_SERVICE),
    ):
        Agency.objects.get_or_create(
            organisation=found[key], defaults={"kind": kind, "on_dramm": True}
        )
    for other in Organisation.objects.filter(
        kind__in=[OrganisationKind.PROBATION, OrganisationKind.HEALTH_TRUST]
    ):
        Agency.objects.get_or_create(organisation=other, defaults={"kind": AgencyKind.OTHER})
    return found  # type: ignore[return-value]


def _member(organisation: Organisation) -> Person | None:
    return (
        Person.objects.filter(
            organisation=organisation,
            is_active=True,
            role_assignments__role__in=["police_officer", "practitioner"],
        )
        .order_by("pk")
        .first()
    )


def _answers(rng: random.Random, yes: int) -> dict[str, str]:
    codes = list(rules.QUESTION_CODES)
    chosen = set(rng.sample(codes, yes))
    return {c: "yes" if c in chosen else rng.choice(["no", "no", "not_known"]) for c in codes}


def _moment(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


DEMO_ADULT_WOMEN = 330_000


def add_demo_domestic_abuse(*, seed: int) -> int:
    now = timezone.now()
    agencies = _agencies()
    if not agencies:
        return 0
    rng = random.Random(f"domestic_abuse:{seed}")
    officer = _member(agencies["police"])
    worker = _member(agencies["la"])
    idva = _member(agencies["dv"])
    if not (officer and worker and idva):
        return 0
    today = london_date(now)
    start = today - timedelta(days=DAYS)
    # The demo city of 800,000: about 41% are women aged 16 and over, as in England and Wales
    # (ONS mid-year estimates). The population the MARAC's cases per 10,000 adult women use.
    AdultWomenPopulation.objects.create(
        figure=DEMO_ADULT_WOMEN,
        year=today.year - 1,
        source="ONS mid-year population estimates, females aged 16 and over (demo figure)",
        set_at=now - timedelta(days=DAYS),
    )
    victims = [
        (
            rng.choice(names.GIVEN_NAMES),
            rng.choice(names.SURNAMES),
            date(1970 + i % 30, 1 + i % 12, 1 + i % 27),
        )
        for i in range(120)
    ]
    perpetrators = [
        (
            rng.choice(names.GIVEN_NAMES),
            rng.choice(names.SURNAMES),
            date(1965 + i % 30, 1 + i % 12, 2 + i % 26),
        )
        for i in range(120)
    ]
    # The planted stories: a repeat pair, and a victim whose name is spelt three ways.
    repeat_victim = ("Nadia", "Okafor", date(1991, 6, 14))
    repeat_perpetrator = ("Leon", "Marsh", date(1987, 2, 3))
    spellings = [("Katherine", "Smith"), ("Kathrine", "Smith"), ("Katherine", "Smyth")]
    escalation_dob = date(1985, 9, 30)
    sends: list[tuple[datetime, Organisation, str, tuple, tuple, int | None, str]] = []
    counter = 0
    day = start
    while day < today:
        for n in range(rng.randint(*PER_DAY)):
            counter += 1
            at = _moment(day, rng.choice([9, 13, 17, 19, 20, 21, 22, 23]), rng.randint(0, 59))
            sender = agencies["police"] if rng.random() < 0.8 else agencies["dv"]
            victim = rng.choice(victims)
            perpetrator = rng.choice(perpetrators)
            # Each day's first incident is high risk, so every working day's board has a case.
            roll = 0.0 if n == 0 else rng.random()
            yes = rng.randint(14, 20) if roll < 0.3 else rng.randint(2, 13) if roll < 0.9 else None
            judgement = "high" if yes is not None and 10 <= yes < 14 and rng.random() < 0.3 else ""
            sends.append(
                (at, sender, f"DA-{seed}-{counter:04d}", victim, perpetrator, yes, judgement)
            )
        day += timedelta(days=1)
    # The repeat: referred by the board early in the month, a new incident in the last days.
    sends.append(
        (
            _moment(start + timedelta(days=1), 22, 10),
            agencies["police"],
            "DA-R-1",
            repeat_victim,
            repeat_perpetrator,
            16,
            "",
        )
    )
    sends.append(
        (
            _moment(today - timedelta(days=3), 23, 40),
            agencies["police"],
            "DA-R-2",
            repeat_victim,
            repeat_perpetrator,
            6,
            "",
        )
    )
    # The escalation: three incidents in the year, each with a low DASH, names spelt differently.
    for i, (forename, surname) in enumerate(spellings):
        when = _moment(today - timedelta(days=(300, 120, 2)[i]), 20, 5)
        sender = agencies["dv"] if i == 1 else agencies["police"]
        sends.append(
            (
                when,
                sender,
                f"DA-E-{i + 1}",
                (forename, surname, escalation_dob),
                ("Gary", "Platt", date(1983, 5, 5)),
                4,
                "",
            )
        )
    sends.sort(key=lambda s: s[0])
    made = 0
    decided_days: set[date] = set()
    for at, sender, reference, victim, perpetrator, yes, judgement in sends:
        # Before each incident, the boards of the working days already past are decided.
        _decide_boards(
            until=london_date(at),
            decided=decided_days,
            today=today,
            people=(officer, worker, idva),
            agencies=agencies,
            rng=rng,
        )
        with clock_at(at + timedelta(minutes=rng.randint(20, 180))):
            incident, _ = incident_receive(
                actor=None,
                organisation=sender,
                data=IncidentData(
                    reference=reference,
                    occurred_at=at,
                    adults=(
                        AdultData(
                            role="victim", forename=victim[0], surname=victim[1], dob=victim[2]
                        ),
                        AdultData(
                            role="perpetrator",
                            forename=perpetrator[0],
                            surname=perpetrator[1],
                            dob=perpetrator[2],
                        ),
                    ),
                    summary="Synthetic demo incident.",
                    children_count=rng.randint(0, 3),
                ),
            )
            if yes is not None:
                dash_record(
                    actor=None,
                    organisation=sender,
                    incident=incident,
                    answers=_answers(rng, yes),
                    judgement=judgement,
                    judgement_reason="Escalating threats reported by the victim"
                    if judgement
                    else "",
                )
        made += 1
    _decide_boards(
        until=today,
        decided=decided_days,
        today=today,
        people=(officer, worker, idva),
        agencies=agencies,
        rng=rng,
    )
    with clock_at(now - timedelta(minutes=30)):
        made += encompass_pull(limit=1000)
    with clock_at(now - timedelta(days=2)):
        made += _home_education_notice()
    # The MARAC's earlier years, for the annual report and the 12-month measures: written
    # after the live month, with their own random stream, so the live story stays as it was.
    made += add_marac_history(
        rng=random.Random(f"marac_history:{seed}"), until=start, agencies=agencies, officer=officer
    )
    return made


def _home_education_notice() -> int:
    """The demo DSL's school tells the LA that a pupil with an Encompass history is leaving."""
    dsl = Person.objects.filter(email=f"dsl@{names.EMAIL_DOMAIN}").first()
    if dsl is None:
        return 0
    pupils = Pupil.objects.filter(school_id=dsl.organisation_id, on_roll=True).order_by("pk")
    chosen = next((p for p in pupils if notifications_of_pupil(pupil_id=p.pk)), pupils.first())
    if chosen is None:
        return 0
    notice_send(
        actor=dsl,
        pupil=chosen,
        leaving_on=london_date(timezone.now()) + timedelta(days=10),
        aware_of_abuse="yes",
        details="Mother told the class teacher the police came to the house last month.",
    )
    return 1


def _decide_boards(
    *,
    until: date,
    decided: set[date],
    today: date,
    people: tuple[Person, Person, Person],
    agencies: dict[str, Organisation],
    rng: random.Random,
) -> None:
    """Decide and close every working day's board before ``until`` (today's stays open)."""
    calendar = holidays.calendar()
    first = min(Incident.objects.values_list("board_day", flat=True), default=None)
    if first is None:
        return
    day = first
    while day < min(until, today):
        if day not in decided and calendar.is_working_day(day):
            decided.add(day)
            _decide(day, people, agencies, rng)
        day += timedelta(days=1)


def _decide(
    day: date, people: tuple[Person, ...], agencies: dict[str, Organisation], rng: random.Random
) -> None:
    officer, worker, idva = people
    with clock_at(datetime.combine(day, time(10, 0), tzinfo=LONDON)):
        for case in board_cases(day=day):
            if Decision.objects.filter(incident=case.incident).exists():
                continue
            criteria = {f.criterion for f in case.findings}
            if criteria & {rules.Criterion.VISIBLE_HIGH_RISK, rules.Criterion.MARAC_REPEAT}:
                outcome = Outcome.MARAC
            else:
                outcome = rng.choice(
                    [Outcome.MARAC, Outcome.FRONT_DOOR, Outcome.OTHER, Outcome.NONE]
                )
            decision_record(
                actor=officer,
                incident=case.incident,
                outcome=outcome,
                rationale="Agreed at the DRAMM on the criteria shown.",
                agreed_by=list(agencies.values()),
            )
        board_close(actor=officer, day=day, attendees=[officer, worker, idva])
    with clock_at(datetime.combine(day, time(15, 0), tzinfo=LONDON)):
        for referral in Referral.objects.filter(referred_on=day):
            research_record(
                actor=idva, referral=referral, findings="Known to the service; IDVA allocated."
            )
            # One referral in three gets an action agreed for an agency, due well after the
            # meeting (the demo's actions are open, not overdue).
            if referral.pk % 3 == 0:
                owner = agencies["police"] if referral.pk % 2 else agencies["dv"]
                marac_action_add(
                    actor=officer,
                    referral=referral,
                    title="Safety plan reviewed with the victim",
                    owner=owner,
                    due_on=referral.meeting.held_on + timedelta(days=28),
                )
