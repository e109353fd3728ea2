"""The child death measures the scorecard counts (ADR 0014): each changes with the records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Death, JointAgencyResponse, Review
from safeguard.core import measures
from safeguard.core.clock import LONDON

pytestmark = pytest.mark.django_db
Q1 = (date(2026, 4, 1), date(2026, 7, 1))  # April to June 2026
_refs = iter(range(1, 10_000))


def _count(key: str, period: tuple[date, date] = Q1) -> Decimal | None:
    measure = measures.get(key)
    assert measure is not None
    return measure.count(*period)


def _death(died_at: datetime, *, notified_at: datetime | None = None) -> Death:
    return Death.objects.create(
        reference=f"CD-2026-{next(_refs):04d}",
        panel=rules.CDOP,
        full_name="Synthetic Child",
        born_on=date(2020, 1, 1),
        gender="female",
        died_at=died_at,
        place="hospital",
        expected=False,
        created_at=notified_at or died_at + timedelta(hours=2),
    )


def _review(death: Death, completed_at: datetime) -> Review:
    return Review.objects.create(
        death=death,
        category=rules.CATEGORIES[0][0],
        conclusion=rules.CONCLUSIONS[0][0],
        completed_at=completed_at,
    )


def test_the_measures_are_by_quarter_or_year_only_the_numbers_being_small() -> None:
    found = [m for m in measures.all_measures() if m.key.startswith("child_deaths.")]
    assert len(found) == 4
    assert all(m.frequencies == ("quarterly", "annual") for m in found)


def test_deaths_notified_count_once_from_the_first_notification() -> None:
    assert _count("child_deaths.deaths_notified") is None  # no death yet: a gap
    _death(datetime(2026, 3, 30, 22, tzinfo=LONDON))  # notified in March: the quarter before
    assert _count("child_deaths.deaths_notified") == 0
    _death(
        datetime(2026, 6, 30, 20, tzinfo=LONDON),
        notified_at=datetime(2026, 6, 30, 23, 30, tzinfo=LONDON),
    )
    assert _count("child_deaths.deaths_notified") == 1  # 11:30pm BST on 30 June is June's


def test_reviews_completed_and_within_6_months() -> None:
    early = _death(datetime(2026, 1, 10, 9, tzinfo=LONDON))
    late = _death(datetime(2025, 6, 1, 9, tzinfo=LONDON))
    assert _count("child_deaths.reviews_completed") == 0
    assert _count("child_deaths.reviews_within_6_months") is None  # no review: no percentage
    _review(early, datetime(2026, 5, 4, 14, tzinfo=LONDON))  # 114 days
    assert _count("child_deaths.reviews_completed") == 1
    assert _count("child_deaths.reviews_within_6_months") == Decimal("100.0")
    _review(late, datetime(2026, 5, 5, 14, tzinfo=LONDON))  # 338 days
    assert _count("child_deaths.reviews_completed") == 2
    assert _count("child_deaths.reviews_within_6_months") == Decimal("50.0")


def test_a_review_on_the_183rd_day_is_within_6_months_and_the_184th_is_not() -> None:
    died = datetime(2026, 1, 1, 23, tzinfo=LONDON)
    _review(_death(died), datetime(2026, 7, 3, 8, tzinfo=LONDON))  # day 183
    period = (date(2026, 7, 1), date(2026, 10, 1))
    assert _count("child_deaths.reviews_within_6_months", period) == Decimal("100.0")
    _review(_death(died), datetime(2026, 7, 4, 8, tzinfo=LONDON))  # day 184
    assert _count("child_deaths.reviews_within_6_months", period) == Decimal("50.0")


def test_home_visits_within_48_hours_of_the_start_of_the_response() -> None:
    start = datetime(2026, 5, 2, 3, tzinfo=LONDON)
    on_time = JointAgencyResponse.objects.create(
        death=_death(start - timedelta(hours=1)), started_at=start
    )
    assert _count("child_deaths.home_visits_within_48_hours") == Decimal("0.0")  # none recorded
    on_time.home_visit_at = start + timedelta(hours=48)
    on_time.save()
    assert _count("child_deaths.home_visits_within_48_hours") == Decimal("100.0")
    JointAgencyResponse.objects.create(
        death=_death(start - timedelta(hours=1)),
        started_at=start,
        home_visit_at=start + timedelta(hours=48, minutes=1),
    )
    assert _count("child_deaths.home_visits_within_48_hours") == Decimal("50.0")
