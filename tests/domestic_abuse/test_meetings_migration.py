"""The data migration that moves MARAC meetings and DRAMM attendance onto governance keeps their
history (ADR 0025)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguard.core.clock import LONDON

BEFORE = [("domestic_abuse", "0005_meetings_sitting")]
AFTER = [("domestic_abuse", "0007_marac_date_in_governance")]


@pytest.mark.django_db(transaction=True)
def test_each_marac_meeting_and_closed_board_becomes_a_governance_meeting() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    # The kernel's tables are at their latest.
    from safeguard.core import audit
    from safeguard.core.models.audit import AuditAction
    from tests import factories

    police = factories.organisation(kind="police", name="Anyshire Police")
    dv = factories.organisation(kind="third_sector", name="Anyshire DV service")
    officer = factories.person("police_officer", organisation_obj=police)
    idva = factories.person("practitioner", organisation_obj=dv)
    Incident = apps.get_model("domestic_abuse", "Incident")
    MaracMeeting = apps.get_model("domestic_abuse", "MaracMeeting")
    Referral = apps.get_model("domestic_abuse", "Referral")
    Board = apps.get_model("domestic_abuse", "Board")
    moment = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)
    incident = Incident.objects.create(
        organisation_id=police.pk,
        reference="M1",
        source="api",
        occurred_at=moment,
        received_at=moment,
        board_day=date(2026, 3, 9),
        victim_key=1,
    )
    meeting = MaracMeeting.objects.create(held_on=date(2026, 3, 18))
    referral = Referral.objects.create(
        incident=incident,
        victim_key=1,
        referred_on=date(2026, 3, 9),
        source="dramm",
        referred_by_id=police.pk,
        reason="High risk",
        meeting=meeting,
        created_at=moment,
    )
    audit.record(
        action=AuditAction.CREATE,
        record_type="domestic_abuse.referral",
        record_id=referral.pk,
        actor=officer,
        changes={},
    )
    board = Board.objects.create(day=date(2026, 3, 9), closed_at=moment, closed_by_id=officer.pk)
    board.attendees.set([officer.pk, idva.pk])
    Board.objects.create(day=date(2026, 3, 10))  # never closed: no meeting

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    MaracMeeting = apps.get_model("domestic_abuse", "MaracMeeting")
    Board = apps.get_model("domestic_abuse", "Board")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    Attendance = apps.get_model("governance", "Attendance")

    moved = MaracMeeting.objects.select_related("sitting__group").get()
    sitting = moved.sitting
    assert "MARAC" in sitting.group.name
    assert sitting.starts_at.astimezone(LONDON) == datetime(2026, 3, 18, 10, 0, tzinfo=LONDON)
    assert sitting.created_by_id == officer.pk and sitting.created_at == moment
    item = AgendaItem.objects.get(meeting_id=sitting.pk)
    assert (item.kind, item.key) == ("domestic_abuse.marac", "cases:2026-03-18")
    closed = Board.objects.select_related("sitting__group").get(day=date(2026, 3, 9))
    assert "DRAMM" in closed.sitting.group.name
    assert closed.sitting.created_by_id == officer.pk
    assert set(
        Attendance.objects.filter(meeting_id=closed.sitting_id).values_list(
            "organisation_id", "status"
        )
    ) == {(police.pk, "present"), (dv.pk, "present")}
    assert Board.objects.get(day=date(2026, 3, 10)).sitting_id is None
