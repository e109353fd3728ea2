"""The demo partnership gains a year of synthetic child deaths: every category, every state,
one death notified twice, and no clock of this module overdue."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Death, DeprivationArea, Notification, Review, Status
from safeguard.core.clock import LONDON
from safeguard.core.models import Deadline
from safeguard.governance.models import Action
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


def test_a_year_of_deaths_in_every_state_and_no_overdue_clock() -> None:
    made = demo_snapshot.demo_partnership(seed=2026, now=NOW).extensions["child_deaths"]
    assert made == Death.objects.count() >= 20
    assert set(Death.objects.values_list("status", flat=True)) == set(Status.values)
    reviewed = set(Review.objects.exclude(category="").values_list("category", flat=True))
    assert reviewed == {code for code, _ in rules.CATEGORIES}
    assert Death.objects.filter(panel="neonatal").exists()
    assert Notification.objects.filter(duplicate=True).exists()
    assert DeprivationArea.objects.count() == 40
    assert Action.objects.filter(source_kind="child_deaths.learning").exists()
    assert Death.objects.filter(deprivation_decile=1).count() >= Death.objects.count() // 3
    ages = [(NOW - d.died_at).days for d in Death.objects.all()]
    assert max(ages) <= 366
    open_clocks = Deadline.objects.filter(
        module="child_deaths", met_at__isnull=True, cancelled_at__isnull=True
    )
    assert open_clocks.exists()
    assert not open_clocks.filter(due_at__lt=NOW).exists()
    assert not Deadline.objects.filter(module="child_deaths", met_at__gt=timezone.now()).exists()
