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


def test_the_demo_answers_the_april_2021_questions() -> None:
    from safeguard.child_deaths.models import JointAgencyResponse, ReportingForm

    demo_snapshot.demo_partnership(seed=2026, now=NOW)
    stillbirth = Death.objects.get(suspected_home_stillbirth="yes")
    assert stillbirth.place == "home" and stillbirth.panel == "neonatal"
    assert stillbirth.born_on == stillbirth.died_at.astimezone(LONDON).date()
    assert JointAgencyResponse.objects.filter(death=stillbirth).exists()
    returned = ReportingForm.objects.filter(returned_at__isnull=False)
    assert returned.exists() and not returned.filter(poverty="").exists()
    assert returned.filter(poverty="yes").exists() and returned.filter(barriers="yes").exists()
    done = Review.objects.filter(completed_at__isnull=False)
    assert done.filter(poverty="yes").exists() and done.filter(barriers="yes").exists()
    assert not done.filter(poverty="").exists()
    assert (
        done.filter(barriers="yes").exclude(barrier_kinds=[]).count()
        == done.filter(barriers="yes").count()
    )
