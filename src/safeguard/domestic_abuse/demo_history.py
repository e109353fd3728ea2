"""The demo MARAC's earlier years: April 2024 up to the demo's live month (issue 17).

The live demo (``demo``) plays four weeks of incidents, boards and referrals through the
services. The annual report and the MARAC's 12-month measures need the years before it, so
this writes them in bulk: every fortnightly MARAC meeting from April 2024 to the day before the
live month, each a governance meeting of the MARAC group made through the service (as if when
its first case was referred), with about 48 cases heard. That is about 1,250 a year, some 38
per 10,000 of the demo's 330,000 adult women, near the 40 SafeLives expects, and about three
in ten are repeats (the same victim within 12 months), inside SafeLives's expected 28% to 40%.

Each case is a police incident with its victim and perpetrator, decided "Refer to MARAC" at
that day's DRAMM (closed, without attendance), referred on the day and heard with an outcome.
Everything is in the past and finished: no research is missing for a meeting to come, no
action is open, no clock runs, so nothing is overdue on the demo's today. Synthetic names only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from safeguard.core import demo_names as names
from safeguard.core import holidays
from safeguard.core.clock import LONDON, WorkingCalendar
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.models import (
    Adult,
    AdultRole,
    Board,
    Decision,
    Incident,
    Outcome,
    Referral,
    ReferralSource,
    Source,
)
from safeguard.domestic_abuse.services.marac import marac_anchor
from safeguard.domestic_abuse.services.sittings import marac_meeting_on

HISTORY_START = date(2024, 4, 1)
CASES_PER_MEETING = (40, 56)
REPEAT_SHARE = 0.33
OUTCOMES = (
    "Safety plan agreed; IDVA to keep contact; police marker on the address.",
    "Housing to prioritise a move; IDVA support continues.",
    "Perpetrator programme referral through probation; safety plan reviewed.",
    "Children's social care to assess; school told through Operation Encompass.",
)


@dataclass
class _Case:
    meeting_day: date
    referred_on: date
    victim: int  # an index into the people
    perpetrator: int
    repeat: bool


def _person(rng: random.Random, born_from: int) -> tuple[str, str, date]:
    return (
        rng.choice(names.GIVEN_NAMES),
        rng.choice(names.SURNAMES),
        date(born_from + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)),
    )


def _referred_on(meeting_day: date, rng: random.Random, calendar: WorkingCalendar) -> date:
    """A working day 8 to 20 days before the meeting: time for each agency's research."""
    day = meeting_day - timedelta(days=rng.randint(8, 20))
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return max(day, HISTORY_START)


def _cases(meetings: list[date], rng: random.Random) -> tuple[list[_Case], list[tuple]]:
    """The cases, in the order of their meetings; about ``REPEAT_SHARE`` of them the victim of a
    case referred 2 weeks to 12 months before (a SafeLives repeat), with the same perpetrator."""
    calendar = holidays.calendar()
    people: list[tuple[str, str, date]] = []
    cases: list[_Case] = []
    for meeting_day in meetings:
        for _ in range(rng.randint(*CASES_PER_MEETING)):
            referred_on = _referred_on(meeting_day, rng, calendar)
            earlier = rng.choice(cases[-1200:]) if cases else None
            if (
                earlier is not None
                and rng.random() < REPEAT_SHARE
                and timedelta(days=14) <= referred_on - earlier.referred_on <= timedelta(days=365)
            ):
                cases.append(
                    _Case(meeting_day, referred_on, earlier.victim, earlier.perpetrator, True)
                )
                continue
            people.append(_person(rng, 1960))
            people.append(_person(rng, 1955))
            cases.append(_Case(meeting_day, referred_on, len(people) - 2, len(people) - 1, False))
    return cases, people


def add_marac_history(
    *,
    rng: random.Random,
    until: date,
    agencies: dict[str, Organisation],
    officer: Person,
) -> int:
    """Write the MARAC's meetings and cases from April 2024 to the day before ``until``."""
    meetings = rules.marac_dates(
        marac_anchor(), HISTORY_START + timedelta(days=14), until - timedelta(days=1),
        holidays.calendar(),
    )  # fmt: skip
    if not meetings:
        return 0
    cases, people = _cases(meetings, rng)
    sittings = {}
    for day in meetings:
        with clock_at(datetime.combine(day - timedelta(days=14), time(9, 0), tzinfo=LONDON)):
            sittings[day] = marac_meeting_on(actor=officer, day=day)
    police = agencies["police"]
    incidents = Incident.objects.bulk_create(
        [
            Incident(
                organisation=police,
                reference=f"DA-H-{n + 1:05d}",
                source=Source.API,
                occurred_at=_evening(case.referred_on - timedelta(days=1), rng),
                received_at=_evening(case.referred_on - timedelta(days=1), rng)
                + timedelta(hours=3),
                board_day=case.referred_on,
                summary="Synthetic demo incident.",
                children_count=rng.randint(0, 3),
            )
            for n, case in enumerate(cases)
        ]
    )
    adults = Adult.objects.bulk_create(
        [
            Adult(
                incident=incident,
                role=role,
                forename=people[who][0],
                surname=people[who][1],
                dob=people[who][2],
                gender="F" if role == AdultRole.VICTIM else "M",
            )
            for incident, case in zip(incidents, cases, strict=True)
            for role, who in _roles(case)
        ]
    )
    # Each person's key is their first record's, as the linkage gives it.
    keys: dict[int, int] = {}
    for adult, who in zip(adults, _whos(cases), strict=True):
        adult.person_key = keys.setdefault(who, adult.pk)
    Adult.objects.bulk_update(adults, ["person_key"], batch_size=1000)
    for incident, case in zip(incidents, cases, strict=True):
        incident.victim_key = keys[case.victim]
        incident.perpetrator_key = keys[case.perpetrator]
    Incident.objects.bulk_update(incidents, ["victim_key", "perpetrator_key"], batch_size=1000)
    _decide(incidents, officer=officer, agencies=agencies)
    Referral.objects.bulk_create(
        [
            Referral(
                incident=incident,
                victim_key=keys[case.victim],
                perpetrator_key=keys[case.perpetrator],
                referred_on=case.referred_on,
                source=ReferralSource.DRAMM,
                referred_by=police,
                reason="High risk on the DASH; agreed at the DRAMM.",
                repeat=case.repeat,
                meeting=sittings[case.meeting_day],
                outcome=rng.choice(OUTCOMES),
                outcome_at=datetime.combine(case.meeting_day, time(12, 30), tzinfo=LONDON),
                created_at=datetime.combine(case.referred_on, time(11, 0), tzinfo=LONDON),
            )
            for incident, case in zip(incidents, cases, strict=True)
        ],
        batch_size=1000,
    )
    return len(incidents)


def _roles(case: _Case) -> tuple[tuple[str, int], tuple[str, int]]:
    return ((AdultRole.VICTIM, case.victim), (AdultRole.PERPETRATOR, case.perpetrator))


def _whos(cases: list[_Case]) -> list[int]:
    return [who for case in cases for who in (case.victim, case.perpetrator)]


def _evening(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(18, 23), rng.randint(0, 59)), tzinfo=LONDON)


def _decide(
    incidents: list[Incident], *, officer: Person, agencies: dict[str, Organisation]
) -> None:
    """Each day's DRAMM, closed, decided each case "Refer to MARAC"."""
    days = sorted({incident.board_day for incident in incidents})
    existing = set(Board.objects.filter(day__in=days).values_list("day", flat=True))
    Board.objects.bulk_create(
        [
            Board(
                day=day,
                closed_at=datetime.combine(day, time(11, 0), tzinfo=LONDON),
                closed_by=officer,
            )
            for day in days
            if day not in existing
        ]
    )
    boards = dict(Board.objects.filter(day__in=days).values_list("day", "pk"))
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                board_id=boards[incident.board_day],
                incident=incident,
                outcome=Outcome.MARAC,
                rationale="Agreed at the DRAMM: high risk on the DASH.",
                recorded_by=officer,
                recorded_at=datetime.combine(incident.board_day, time(10, 30), tzinfo=LONDON),
            )
            for incident in incidents
        ],
        batch_size=1000,
    )
    through = Decision.agreed_by.through
    through.objects.bulk_create(
        [
            through(decision_id=decision.pk, organisation_id=organisation.pk)
            for decision in decisions
            for organisation in agencies.values()
        ],
        batch_size=1000,
    )
