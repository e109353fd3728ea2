"""The data migration that moved the scorecard's own PMSG meeting dates to governance
(``performance 0007``, ADR 0025).

Run for real: the database is taken back to just before the move, dates are listed the old way
with the audit row their page wrote, and the migrations run forward again.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguard.core import audit
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Group
from safeguard.governance.models import Meeting
from safeguard.performance.agenda import next_meeting_on
from tests import factories

BEFORE = [("performance", "0006_indicator_unit_rate_per_10000_women")]
ADDED = datetime(2026, 10, 1, 9, 30, tzinfo=LONDON)


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_each_listed_date_becomes_a_pmsg_meeting_made_by_whoever_added_it_when() -> None:
    officer = factories.person("business_unit_officer")
    pmsg = Group.objects.create(name="Performance Management Subgroup", kind="subgroup")
    old_apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    Dates = old_apps.get_model("performance", "Meeting")
    added = Dates.objects.create(held_on=date(2026, 12, 15))
    with clock_at(ADDED):
        audit.record(
            action="create",
            record_type="performance.meeting",
            record_id=added.pk,
            actor=officer,
            changes={"held_on": [None, "2026-12-15"]},
        )
    unknown = Dates.objects.create(held_on=date(2027, 2, 9))  # no audit row: made by nobody
    Dates.objects.create(held_on=date(2027, 4, 13))  # already scheduled in governance
    existing = Meeting.objects.create(
        group=pmsg,
        starts_at=datetime(2027, 4, 13, 14, 0, tzinfo=LONDON),
        ends_at=datetime(2027, 4, 13, 16, 0, tzinfo=LONDON),
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    meetings = list(Meeting.objects.filter(group=pmsg).order_by("starts_at"))
    assert [london_date(m.starts_at) for m in meetings] == [
        date(2026, 12, 15),
        date(2027, 2, 9),
        date(2027, 4, 13),
    ]
    first, second, third = meetings
    assert first.starts_at == datetime.combine(date(2026, 12, 15), time(10), tzinfo=LONDON)
    assert first.ends_at.astimezone(LONDON).time() == time(12)
    assert first.created_by == officer and first.created_at == ADDED
    assert second.created_by is None and unknown.pk != added.pk
    assert third.pk == existing.pk  # the date scheduled twice is one meeting
    assert "performance_meeting" not in connection.introspection.table_names()
    # The dates now drive the exceptions' clocks and the pack's title as governance's do.
    assert next_meeting_on(date(2026, 12, 1)) == date(2026, 12, 15)


@pytest.mark.django_db(transaction=True)
def test_without_a_pmsg_the_dates_make_one() -> None:
    old_apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    old_apps.get_model("performance", "Meeting").objects.create(held_on=date(2026, 12, 15))

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    pmsg = Group.objects.get(name="Performance Management Subgroup")
    assert Meeting.objects.filter(group=pmsg).count() == 1
