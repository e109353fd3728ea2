"""The demo partnership gains schools with rolls, calendars and a month of incidents in every
state."""

from __future__ import annotations

import pytest

from safeguard.children.models import Pupil
from safeguard.core import demo
from safeguard.encompass.models import Calendar, Incident, IncidentChild, Notification

pytestmark = pytest.mark.django_db


def test_the_demo_has_encompass_in_every_state() -> None:
    summary = demo.create_demo_partnership(seed=2026)
    assert summary.extensions["encompass"] > 0
    assert Pupil.objects.count() > 1000
    assert Calendar.objects.filter(is_default=True).exists()
    assert Calendar.objects.filter(school__isnull=False).count() == 3
    assert Incident.objects.count() == 40
    assert Incident.objects.filter(no_children_recorded=True).exists()
    assert Incident.objects.filter(presence_unknown=True).exists()
    states = set(IncidentChild.objects.values_list("match_state", flat=True))
    assert {"automatic", "review", "none"} <= states, states
    assert Notification.objects.filter(acknowledged_at__isnull=False).exists()
    assert Notification.objects.filter(escalated_at__isnull=False).exists()
    assert Notification.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True
    ).exists()
