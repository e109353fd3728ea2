"""The DRAMM and MARAC measures the scorecard counts (ADR 0014): each changes with the records."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from safeguard.core import measures
from safeguard.core.clock import LONDON
from safeguard.domestic_abuse.models import (
    Board,
    Decision,
    Incident,
    Outcome,
    Referral,
    Source,
)
from safeguard.domestic_abuse.services.sittings import marac_meeting_on
from tests import factories

pytestmark = pytest.mark.django_db
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
_refs = iter(range(1, 10_000))


def _count(key: str, start: date = MARCH, end: date = APRIL) -> Decimal | None:
    measure = measures.get(key)
    assert measure is not None
    return measure.count(start, end)


def _incident(police, day: date) -> Incident:
    moment = datetime.combine(day, time(21, 0), tzinfo=LONDON)
    return Incident.objects.create(
        organisation=police,
        reference=f"DA/{next(_refs)}",
        source=Source.API,
        occurred_at=moment,
        received_at=moment,
        board_day=day,
        victim_key=1,
        perpetrator_key=2,
    )


def _referral(police, day: date, *, repeat: bool = False) -> Referral:
    meeting = marac_meeting_on(actor=None, day=date(2026, 4, 15))
    return Referral.objects.create(
        incident=_incident(police, day),
        victim_key=1,
        perpetrator_key=2,
        referred_on=day,
        source="dramm",
        referred_by=police,
        reason="Visible high risk",
        repeat=repeat,
        meeting=meeting,
        created_at=datetime.combine(day, time(10), tzinfo=LONDON),
    )


@pytest.fixture
def police():
    return factories.organisation(kind="police", name="Measure police")


def test_every_measure_is_registered_with_words_the_catalogue_shows() -> None:
    keys = {m.key for m in measures.all_measures() if m.key.startswith("domestic_abuse.")}
    assert keys == {
        "domestic_abuse.marac_referrals",
        "domestic_abuse.marac_repeat_rate",
        "domestic_abuse.marac_cases_per_10k_women",
        "domestic_abuse.dramm_cases_triaged",
        "domestic_abuse.dramm_front_door_referrals",
    }
    repeat = measures.get("domestic_abuse.marac_repeat_rate")
    assert repeat is not None and "safelives.org.uk/definition-repeat-marac" in repeat.definition
    front_door = measures.get("domestic_abuse.dramm_front_door_referrals")
    assert front_door is not None and front_door.polarity == "down"


def test_before_the_first_incident_every_measure_is_a_gap(police) -> None:
    assert _count("domestic_abuse.marac_referrals") is None
    _incident(police, date(2026, 5, 2))
    assert _count("domestic_abuse.marac_referrals") is None  # March ended before May's incident
    assert _count("domestic_abuse.marac_referrals", date(2026, 5, 1), date(2026, 6, 1)) == 0


def test_referrals_and_the_repeat_rate_change_with_each_referral(police) -> None:
    _referral(police, date(2026, 2, 27))  # February: not March's
    assert _count("domestic_abuse.marac_referrals") == 0
    assert _count("domestic_abuse.marac_repeat_rate") is None  # a percentage of nothing
    _referral(police, date(2026, 3, 3))
    assert _count("domestic_abuse.marac_referrals") == 1
    assert _count("domestic_abuse.marac_repeat_rate") == Decimal("0.0")
    _referral(police, date(2026, 3, 31), repeat=True)
    assert _count("domestic_abuse.marac_referrals") == 2
    assert _count("domestic_abuse.marac_repeat_rate") == Decimal("50.0")
    _referral(police, date(2026, 4, 1), repeat=True)  # April: not March's
    assert _count("domestic_abuse.marac_repeat_rate") == Decimal("50.0")


def test_the_dramm_counts_its_decisions_by_board_day(police) -> None:
    recorder = factories.person("practitioner", organisation_obj=police)
    board = Board.objects.create(day=date(2026, 3, 9))

    def decide(outcome: str) -> None:
        Decision.objects.create(
            board=board,
            incident=_incident(police, date(2026, 3, 6)),
            outcome=outcome,
            rationale="Agreed by the three agencies",
            recorded_by=recorder,
            recorded_at=datetime(2026, 3, 9, 10, tzinfo=LONDON),
        )

    decide(Outcome.MARAC)
    assert _count("domestic_abuse.dramm_cases_triaged") == 1
    assert _count("domestic_abuse.dramm_front_door_referrals") == 0
    decide(Outcome.FRONT_DOOR)
    assert _count("domestic_abuse.dramm_cases_triaged") == 2
    assert _count("domestic_abuse.dramm_front_door_referrals") == 1


def test_a_count_is_a_few_aggregate_queries_whatever_the_records(
    police, django_assert_max_num_queries
) -> None:
    for day in range(2, 28):
        _referral(police, date(2026, 3, day), repeat=day % 3 == 0)
    with django_assert_max_num_queries(2):
        assert _count("domestic_abuse.marac_repeat_rate") == Decimal("34.6")  # 9 of 26
