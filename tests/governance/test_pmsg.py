"""The PMSG's meetings scheduled in governance drive the scorecard's clocks and pack: an
exception is due before the next PMSG meeting whichever list holds it."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Group
from safeguard.governance.services import meetings as services
from safeguard.performance.agenda import next_meeting_on
from safeguard.performance.services.exceptions import explanation_due
from tests.governance.helpers import partnership

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)


def test_a_pmsg_meeting_scheduled_in_governance_sets_when_explanations_are_due(settings) -> None:
    settings.PMSG_PAPERS_WORKING_DAYS = 5
    p = partnership()
    pmsg = Group.objects.create(name="Performance Management Subgroup", kind="subgroup")
    other = Group.objects.create(name="Health Subgroup", kind="subgroup")
    with clock_at(NOW):
        for group, day in ((other, date(2026, 12, 1)), (pmsg, date(2026, 12, 8))):
            services.meeting_schedule(
                actor=p.bu_officer,
                group=group,
                first_day=day,
                starts=time(10),
                ends=time(12),
                venue="Council House",
            )
    assert next_meeting_on(date(2026, 11, 20)) == date(2026, 12, 8)
    due_at, rule = explanation_due(NOW)
    # Five working days before Tuesday 8 December 2026: the end of Tuesday 1 December.
    assert london_date(due_at) == date(2026, 12, 1)
    assert rule.endswith("the PMSG meeting on 8 December 2026, for its papers")
    # An earlier meeting scheduled later comes first; cancelled, it sets nothing.
    with clock_at(NOW):
        (earlier,) = services.meeting_schedule(
            actor=p.bu_officer,
            group=pmsg,
            first_day=date(2026, 12, 3),
            starts=time(10),
            ends=time(12),
            venue="Council House",
        )
    assert next_meeting_on(date(2026, 11, 20)) == date(2026, 12, 3)
    with clock_at(NOW):
        services.meeting_cancel(actor=p.bu_officer, meeting=earlier)
    assert next_meeting_on(date(2026, 11, 20)) == date(2026, 12, 8)
