"""The serious incident measures the scorecard counts (ADR 0014): each changes with the records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from safeguard.core import measures
from safeguard.core.clock import LONDON
from safeguard.reviews.models import Incident, RapidReview
from tests import factories

pytestmark = pytest.mark.django_db
QUARTER = (date(2026, 4, 1), date(2026, 7, 1))


def _count(key: str) -> Decimal | None:
    measure = measures.get(key)
    assert measure is not None
    return measure.count(*QUARTER)


def test_referrals_and_rapid_reviews_within_15_working_days() -> None:
    agency = factories.organisation(kind="health_trust", name="Measure trust")
    assert _count("reviews.referrals") is None  # no referral yet: a gap

    def referred(day: date) -> Incident:
        return Incident.objects.create(
            referring_organisation=agency,
            status="awaiting_decision",
            submitted_at=datetime.combine(day, datetime.min.time(), tzinfo=LONDON),
        )

    first = referred(date(2026, 4, 2))
    Incident.objects.create(referring_organisation=agency)  # a draft is not a referral
    assert _count("reviews.referrals") == 1
    assert _count("reviews.rapid_reviews_on_time") is None
    RapidReview.objects.create(
        incident=first,
        opened_on=date(2026, 4, 10),
        due_on=date(2026, 5, 1),
        submitted_on=date(2026, 5, 1),
    )
    assert _count("reviews.rapid_reviews_on_time") == Decimal("100.0")
    RapidReview.objects.create(
        incident=referred(date(2026, 4, 20)),
        opened_on=date(2026, 4, 21),
        due_on=date(2026, 5, 12),
        submitted_on=date(2026, 5, 13),
    )
    assert _count("reviews.referrals") == 2
    assert _count("reviews.rapid_reviews_on_time") == Decimal("50.0")
