"""The demo partnership gains a realistic spread of serious incidents, one in every state."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.core import demo
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.reviews.demo import add_demo_cases
from safeguard.reviews.models import Incident, LearningSheet, Status
from safeguard.reviews.selectors.oversight import oversight_between

pytestmark = pytest.mark.django_db


def test_every_state_is_represented_and_the_oversight_table_agrees() -> None:
    made = demo.create_demo_partnership(seed=2026).extensions["reviews"]
    assert made == Incident.objects.count() == 8
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert Deadline.objects.filter(module="reviews", kind="la_decision").exists()
    assert Deadline.objects.filter(module="reviews", kind="action", met_at__isnull=True).exists()
    assert LearningSheet.objects.filter(published_at__isnull=False).count() == 2
    assert OutboxMessage.objects.filter(reason="reviews.referral_submitted").exists()
    table = oversight_between(date(2000, 1, 1), date(2100, 1, 1))
    assert table.referrals == 7  # every submitted case; the draft is not a referral yet
    assert table.notifications == 5 == table.rapid_reviews
    assert table.csprs_commissioned == 2 and table.panel_agrees == 3
    assert table.panel_awaited == 1
    assert sum(n for _, n in table.by_gender) == sum(n for _, n in table.by_age)


def test_without_the_demo_people_nothing_is_made() -> None:
    assert add_demo_cases(seed=1) == 0
