"""The data migration that moves cases' meetings onto governance keeps their history (ADR 0025)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0011_meeting_sitting")]
AFTER = [("reviews", "0013_meeting_fields_in_governance")]


@pytest.mark.django_db(transaction=True)
def test_each_case_meeting_becomes_a_rag_meeting_with_its_attendees_and_minutes() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    from safeguard.core.models import Organisation  # the kernel's table is at its latest

    Incident = apps.get_model("reviews", "Incident")
    Meeting = apps.get_model("reviews", "Meeting")
    Group = apps.get_model("core", "Group")
    org = Organisation.objects.create(name="Anyshire Police", kind="police")
    incident = Incident.objects.create(
        reference="SCSI-2026-0042",
        status="awaiting_decision",
        referring_organisation_id=org.pk,
        incident_date=date(2026, 3, 1),
        la_aware_on=date(2026, 3, 2),
        summary="S",
        harm="serious_harm",
        abuse_or_neglect="suspected",
        referrer_view="meets",
    )
    Meeting.objects.create(
        incident=incident,
        kind="extraordinary_rag",
        held_on=date(2026, 3, 10),
        attendees="Chair, LA, police",
        invited_professionals="Health visitor",
        minutes="Criteria met.",
    )
    Meeting.objects.create(incident=incident, kind="rapid_review", held_on=date(2026, 4, 1))
    assert not Group.objects.filter(kind="rag").exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Meeting = apps.get_model("reviews", "Meeting")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    Group = apps.get_model("core", "Group")

    rag = Group.objects.get(kind="rag")  # none existed: the migration made the RAG
    first, second = Meeting.objects.order_by("pk")
    assert first.sitting.group_id == rag.pk and second.sitting.group_id == rag.pk
    assert first.sitting.starts_at.date() == date(2026, 3, 10)
    assert first.invited_professionals == "Health visitor"
    item = AgendaItem.objects.get(meeting_id=first.sitting_id)
    assert item.key == f"incident:{incident.pk}" and item.kind == "reviews.cases"
    assert item.title == "Case SCSI-2026-0042: Extraordinary RAG meeting"
    assert item.discussion == "Attendees: Chair, LA, police\n\nCriteria met."
    assert first.sitting.minutes_status == "draft"
    assert second.sitting.minutes_status == "not_written"
    assert AgendaItem.objects.get(meeting_id=second.sitting_id).discussion == ""
