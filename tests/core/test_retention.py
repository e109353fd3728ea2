"""Retention: the schedule covers every record type; a pass removes or anonymises exactly what
has expired, one audited transaction per record; a dry run changes nothing; the chain verifies."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core import audit, outbox, retention
from safeguard.core.clock import LONDON
from safeguard.core.models import AuditEvent, OutboxMessage, Person, RetentionRun
from safeguard.core.models.audit import AuditAction
from safeguard.core.retention_rules import anniversary, has_expired, latest_expired_anchor
from safeguard.encompass.models import Incident, IncidentAdult, IncidentChild
from safeguard.retention_schedule import REMOVED
from safeguard.reviews.models import Child as ReviewChild
from safeguard.reviews.models import Incident as ReviewIncident
from tests import factories

TODAY = date(2026, 12, 4)


# The arithmetic ---------------------------------------------------------------------------


def test_anniversaries_and_29_february():
    assert anniversary(date(2001, 5, 3), 25) == date(2026, 5, 3)
    assert anniversary(date(2000, 2, 29), 25) == date(2025, 3, 1)
    assert anniversary(date(2000, 2, 29), 4) == date(2004, 2, 29)
    assert has_expired(date(2001, 12, 4), 25, TODAY)
    assert not has_expired(date(2001, 12, 5), 25, TODAY)
    assert latest_expired_anchor(date(2024, 2, 29), 25) == date(1999, 2, 28)
    with pytest.raises(ValueError):
        anniversary(date(2000, 1, 1), -1)


@given(
    anchor=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    today=st.dates(min_value=date(1950, 1, 1), max_value=date(2120, 12, 31)),
    years=st.integers(min_value=0, max_value=40),
)
def test_the_query_cutoff_agrees_with_the_rule(anchor, today, years):
    assert (anchor <= latest_expired_anchor(today, years)) == has_expired(anchor, years, today)


# The schedule ----------------------------------------------------------------------------


def test_every_record_type_has_a_rule():
    assert retention.schedule_problems() == []


def test_a_missing_rule_is_named():
    chosen = retention.schedule()
    partial = retention.Schedule(
        classes=chosen.classes,
        rules=[r for r in chosen.rules if r.model != "core.Job"],
        apps=chosen.apps,
    )
    assert retention.schedule_problems(partial) == ["core.Job: no retention rule"]


def test_the_document_names_every_class_and_record_type():
    text = (Path(settings.BASE_DIR) / "docs" / "retention.md").read_text()
    chosen = retention.schedule()
    for code in chosen.classes:
        assert f"`{code}`" in text, code
    for rule in chosen.rules:
        assert re.search(rf"`{re.escape(rule.model)}`", text), rule.model


# A pass ----------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)


def _encompass_incident(reference: str, *, child_born: date | None, occurred: date) -> Incident:
    force = factories.organisation(kind="police")
    found = Incident.objects.create(
        force=force, reference=reference, occurred_at=_at(occurred), kind="incident"
    )
    IncidentChild.objects.create(
        incident=found, ref="C1", forename="Sam", dob=child_born, presence="present"
    )
    IncidentAdult.objects.create(incident=found, role="victim", forename="Alex") if hasattr(
        IncidentAdult, "role"
    ) else None
    return found


def _review_child(born: date) -> ReviewChild:
    incident = ReviewIncident.objects.create(referring_organisation=factories.organisation())
    return ReviewChild.objects.create(
        incident=incident, position=1, full_name="Robin Ash", date_of_birth=born, address="1 Lane"
    )


def _message(key: str, *, created: date, state: str = "sent") -> OutboxMessage:
    with transaction.atomic():
        message = outbox.message_enqueue(
            to_address="reader@example.invalid",
            subject="Something needs attention",
            body="Something needs your attention.",
            reason="test.event",
            dedupe_key=key,
        )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=_at(created), state=state)
    return message


@pytest.fixture
def world(db):
    old_day = date(TODAY.year - 25, TODAY.month, TODAY.day)
    w = {
        "expired_incident": _encompass_incident(
            "OLD/1", child_born=old_day, occurred=date(2012, 1, 5)
        ),
        "young_incident": _encompass_incident(
            "NEW/1", child_born=old_day + timedelta(days=1), occurred=date(2012, 1, 5)
        ),
        "undated_old": _encompass_incident("OLD/2", child_born=None, occurred=date(2001, 6, 1)),
        "undated_new": _encompass_incident("NEW/2", child_born=None, occurred=date(2010, 6, 1)),
        "old_child": _review_child(old_day - timedelta(days=30)),
        "young_child": _review_child(date(2010, 1, 1)),
        "old_message": _message("m1", created=date(2025, 12, 3)),
        "new_message": _message("m2", created=date(2025, 12, 5)),
        "queued_message": _message("m3", created=date(2020, 1, 1), state="queued"),
        "left": factories.person("practitioner", is_active=False),
        "active": factories.person("practitioner"),
    }
    Person.objects.filter(pk=w["left"].pk).update(last_login=_at(date(2020, 12, 3)))
    Person.objects.filter(pk=w["active"].pk).update(last_login=_at(date(2019, 1, 1)))
    return w


def _exists(record) -> bool:
    return type(record).objects.filter(pk=record.pk).exists()


def test_a_dry_run_counts_and_changes_nothing(world):
    audit_rows = AuditEvent.objects.count()
    run = retention.retention_run(today=TODAY, dry_run=True)
    counted = {e["model"]: e["expired"] for e in run.summary}
    assert counted == {
        "encompass.Incident": 2,
        "reviews.Child": 1,
        "core.OutboxMessage": 1,
        "core.Person": 1,
    }
    assert all(_exists(r) for r in world.values())
    assert AuditEvent.objects.count() == audit_rows
    assert not RetentionRun.objects.exists()


def test_a_pass_removes_and_anonymises_exactly_what_expired(world):
    before = AuditEvent.objects.count()
    run = retention.retention_run(today=TODAY)
    done = {e["model"]: e["done"] for e in run.summary}
    assert done == {
        "encompass.Incident": 2,
        "reviews.Child": 1,
        "core.OutboxMessage": 1,
        "core.Person": 1,
    }

    assert not _exists(world["expired_incident"])
    assert not _exists(world["undated_old"])
    assert not IncidentChild.objects.filter(incident_id=world["expired_incident"].pk).exists()
    assert _exists(world["young_incident"]) and _exists(world["undated_new"])
    assert not _exists(world["old_message"])
    assert _exists(world["new_message"]) and _exists(world["queued_message"])

    old_child = ReviewChild.objects.get(pk=world["old_child"].pk)
    assert (old_child.full_name, old_child.address) == (REMOVED, "")
    assert old_child.date_of_birth is not None  # the review's figures keep the age
    assert ReviewChild.objects.get(pk=world["young_child"].pk).full_name == "Robin Ash"
    left = Person.objects.get(pk=world["left"].pk)
    assert left.full_name == REMOVED and left.email.endswith("@removed.invalid")
    assert not left.has_usable_password()
    assert Person.objects.get(pk=world["active"].pk).full_name != REMOVED

    # One audit row per record, the fact of deletion kept; the chain still verifies.
    rows = AuditEvent.objects.filter(seq__gt=before)
    deleted = rows.filter(action=AuditAction.DELETE, record_type="encompass.incident")
    assert sorted(deleted.values_list("record_id", flat=True)) == sorted(
        [str(world["expired_incident"].pk), str(world["undated_old"].pk)]
    )
    assert all(e.detail.startswith("retention: child_25") for e in deleted)
    assert rows.filter(record_type="reviews.child", action=AuditAction.UPDATE).count() == 1
    assert "Robin" not in "".join(rows.values_list("detail", flat=True))
    assert audit.verify().intact

    # A second pass finds nothing more.
    again = retention.retention_run(today=TODAY)
    assert sum(e["done"] for e in again.summary) == 0


def test_a_record_the_database_keeps_is_reported_and_the_rest_go_on(world):
    from safeguard.children.models import Pupil

    school = factories.organisation(kind="school", urn="123456")
    pupil = Pupil.objects.create(
        upn="A123456789012",
        forename="Sam",
        surname="Lee",
        dob=date(1990, 1, 1),
        school=school,
        on_roll=False,
    )
    IncidentChild.objects.filter(incident=world["young_incident"]).update(pupil=pupil)
    run = retention.retention_run(today=TODAY)
    [entry] = [e for e in run.summary if e["model"] == "children.Pupil"]
    assert entry["failed"] == 1 and entry["done"] == 0
    assert "still referred to by encompass.IncidentChild" in entry["failures"][0]
    assert Pupil.objects.filter(pk=pupil.pk).exists()
    assert not _exists(world["expired_incident"])


def test_the_command_dry_run_and_the_daily_job(world, capsys, settings):
    call_command("retention", "--dry-run", "--as-of", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "dry run: nothing changed" in out
    assert "encompass.Incident (child_25): 2 would be deleted" in out
    assert _exists(world["expired_incident"])
    call_command("retention", "--check")
    assert "covers every record type" in capsys.readouterr().out

    settings.RETENTION_PAUSED = True
    assert retention.retention_daily() is None  # a hold stops the pass
    with pytest.raises(CommandError, match="paused"):
        call_command("retention")
    assert _exists(world["expired_incident"])
    settings.RETENTION_PAUSED = False
    assert retention.retention_daily() is not None
    assert retention.retention_daily() is None  # once a day, however many workers
    assert RetentionRun.objects.filter(dry_run=False).count() == 1


def test_the_retention_pages_are_for_the_data_protection_officer(world, client):
    run = retention.retention_run(today=TODAY)
    dpo = factories.person("data_protection_officer")
    factories.signed_in(client, dpo)
    page = client.get("/audit/retention").content.decode()
    assert "Child safeguarding record" in page
    assert f"/audit/retention/{run.pk}" in page
    detail = client.get(f"/audit/retention/{run.pk}").content.decode()
    assert "Anonymised" in detail and "Deleted" in detail
    assert "Robin" not in detail and "Sam" not in detail
    officer = factories.person("practitioner")
    factories.signed_in(client, officer)
    assert client.get("/audit/retention").status_code == 403
