"""The demo's action plan: every kind of source, a few actions overdue and most not."""

from __future__ import annotations

from datetime import datetime

import pytest

from safeguard.core.clock import LONDON
from safeguard.governance import rules
from safeguard.governance.models import Action, Inspection, NamedSource
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


def test_the_demo_plan_has_every_source_and_looks_like_a_normal_month() -> None:
    summary = demo_snapshot.demo_partnership(seed=2026, now=NOW)
    assert summary.extensions["governance"] == 8
    assert Inspection.objects.count() == 2 and NamedSource.objects.count() == 1
    kinds = set(Action.objects.values_list("source_kind", flat=True))
    # Every source of the plan feeds it (the modules' own sources too).
    assert kinds >= {
        "reviews.recommendation",
        "governance.inspection",
        "governance.task_and_finish",
    }
    today = NOW.date()
    overdue = [
        a
        for a in Action.objects.all()
        if rules.is_overdue(status=a.status, due_on=a.due_on, today=today)
    ]
    still_open = Action.objects.filter(status__in=rules.OPEN_STATUSES).count()
    assert 0 < len(overdue) <= still_open // 3
    assert Action.objects.filter(status="withdrawn").count() >= 1
    assert Action.objects.filter(status="completed").count() >= 3
