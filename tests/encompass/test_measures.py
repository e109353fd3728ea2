"""The Encompass measures the scorecard counts (ADR 0014): each changes with the records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from safeguard.core import measures
from safeguard.core.clock import LONDON
from safeguard.encompass.models import Incident, IncidentChild, Notification
from tests import factories

pytestmark = pytest.mark.django_db
OCTOBER = (date(2026, 10, 1), date(2026, 11, 1))
_refs = iter(range(1, 10_000))


def _count(key: str) -> Decimal | None:
    measure = measures.get(key)
    assert measure is not None
    return measure.count(*OCTOBER)


def _notification(force, school, occurred: datetime, *, told_after_due: timedelta | None):
    incident = Incident.objects.create(
        force=force, reference=f"WM/{next(_refs)}", occurred_at=occurred, kind="incident"
    )
    child = IncidentChild.objects.create(incident=incident, ref="P1", presence="present")
    due = occurred + timedelta(hours=12)
    return Notification.objects.create(
        child=child,
        school=school,
        first_recipient="school",
        due_at=due,
        school_due_at=due,
        rule="Before the next school day",
        escalate_at=due + timedelta(hours=4),
        told_at=None if told_after_due is None else due + told_after_due,
    )


def test_notifications_and_the_share_before_the_school_day() -> None:
    force = factories.organisation(kind="police", name="Measure force")
    school = factories.organisation(kind="school", name="Measure school")
    assert _count("encompass.notifications") is None  # no incident yet: a gap
    evening = datetime(2026, 10, 5, 20, tzinfo=LONDON)
    _notification(force, school, evening, told_after_due=-timedelta(hours=3))
    assert _count("encompass.notifications") == 1
    assert _count("encompass.notifications_on_time") == Decimal("100.0")
    _notification(force, school, evening, told_after_due=timedelta(minutes=1))
    assert _count("encompass.notifications_on_time") == Decimal("50.0")
    not_yet = _notification(force, school, evening, told_after_due=None)
    assert _count("encompass.notifications_on_time") == Decimal("33.3")  # not delivered: late
    not_yet.child.withdrawn = True
    not_yet.child.save()
    assert _count("encompass.notifications") == 2
    _notification(force, school, datetime(2026, 11, 1, 0, 5, tzinfo=LONDON), told_after_due=None)
    assert _count("encompass.notifications") == 2  # November's
