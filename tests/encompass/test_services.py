"""Incidents in, children matched, schools told with the right deadlines, acknowledged or
escalated: the services on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.encompass.models import (
    Calendar,
    Incident,
    IncidentChild,
    MatchState,
    Notification,
)
from safeguard.encompass.selectors.calendars import notification_plan_for
from safeguard.encompass.services import notifications
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests.encompass.helpers import child, incident, london, world

pytestmark = pytest.mark.django_db


def _send(w, data, actor=None):  # type: ignore[no-untyped-def]
    found, created = incident_receive(actor=actor or w.officer, force=w.force, data=data)
    incident_match(incident_id=found.pk)
    return found, created


def test_a_resend_updates_and_never_duplicates() -> None:
    w = world()
    first, created = incident_receive(actor=w.officer, force=w.force, data=incident("R1", child()))
    again, created_again = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("R1", child(), child("P2", forename="Alex", surname="Cole")),
    )
    assert created and not created_again and first.pk == again.pk
    assert Incident.objects.count() == 1 and again.version == 2
    assert IncidentChild.objects.filter(incident=again).count() == 2
    third, _ = incident_receive(actor=w.officer, force=w.force, data=incident("R1", child("P2")))
    assert IncidentChild.objects.get(incident=third, ref="P1").withdrawn is True
    # The same reference from another force is another incident.
    incident_receive(actor=None, force=w.other_force, data=incident("R1", child()))
    assert Incident.objects.count() == 2


def test_an_incident_in_the_future_is_refused_and_changes_nothing() -> None:
    w = world()
    future = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationError) as caught:
        incident_receive(actor=w.officer, force=w.force, data=incident("F1", occurred_at=future))
    assert "occurred_at" in caught.value.message_dict
    assert not Incident.objects.exists()


def test_bad_children_are_named_by_field() -> None:
    w = world()
    data = incident(
        "B1",
        child("P1", presence="maybe"),
        child("P1", dob=date(2099, 1, 1), forename="", surname=""),
    )
    with pytest.raises(ValidationError) as caught:
        incident_receive(actor=w.officer, force=w.force, data=data)
    assert {"children.0.presence", "children.1.ref", "children.1.dob", "children.1.surname"} <= set(
        caught.value.message_dict
    )


def test_a_police_user_sends_for_their_own_force_only() -> None:
    w = world()
    with pytest.raises(PermissionDenied):
        incident_receive(actor=w.officer, force=w.other_force, data=incident("X1", child()))
    with pytest.raises(PermissionDenied):
        incident_receive(actor=None, force=w.la, data=incident("X1", child()))


def test_data_quality_flags() -> None:
    w = world()
    none, _ = incident_receive(actor=w.officer, force=w.force, data=incident("Q1"))
    unknown, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("Q2", child(presence="unknown"))
    )
    assert none.no_children_recorded and not none.presence_unknown
    assert unknown.presence_unknown and not unknown.no_children_recorded


def test_a_school_night_child_is_matched_and_the_school_told_by_morning() -> None:
    w = world()
    found, _ = _send(w, incident("M1", child(forename="Robyn")))  # a typo still matches
    kid = found.children.get()
    assert kid.match_state == MatchState.AUTOMATIC and kid.pupil.school_id == w.school.pk
    note = Notification.objects.get(child=kid)
    assert note.school_id == w.school.pk
    assert note.first_recipient == "school" and not note.out_of_school_time
    assert note.school_due_at == london(2026, 10, 14, 8, 45)
    assert note.escalate_at == london(2026, 10, 14, 10, 45)
    messages = OutboxMessage.objects.filter(record_type="encompass.notification")
    assert [m.to_address for m in messages] == [w.dsl.email]
    body = messages[0].body + messages[0].subject
    assert "Robin" not in body and "Ashdown" not in body and "Robyn" not in body
    clocks = Deadline.objects.filter(module="encompass", subject_id=str(note.pk))
    assert {c.kind for c in clocks} == {"school_told", "acknowledgement"}


def test_friday_night_before_half_term_goes_to_the_la_holiday_contact_then_the_school() -> None:
    w = world()
    found, _ = _send(w, incident("H1", child(), occurred_at=london(2026, 10, 23, 22, 0)))
    note = Notification.objects.get(child__incident=found)
    assert note.first_recipient == "la_holiday_contact" and note.out_of_school_time
    assert note.due_at == datetime(2026, 10, 24, 7, 45, tzinfo=UTC)
    assert note.school_due_at == datetime(2026, 11, 2, 8, 45, tzinfo=UTC)
    first = OutboxMessage.objects.filter(record_type="encompass.notification")
    # Issue 9 (misrouting 5): sent as soon as matched, to the school's key adults too, not
    # held until the school day starts; the LA's holiday contact is told as well.
    assert {m.to_address for m in first} == {w.holiday_contact.email, w.dsl.email}
    assert first.get(reason="encompass_holiday").to_address == w.holiday_contact.email
    assert notifications.notifications_remind_schools(now=london(2026, 11, 1, 12, 0)) == 0
    assert notifications.notifications_remind_schools(now=london(2026, 11, 2, 8, 45)) == 1
    assert notifications.notifications_remind_schools(now=london(2026, 11, 2, 9, 0)) == 0
    to = set(OutboxMessage.objects.values_list("to_address", flat=True))
    assert w.dsl.email in to


def test_with_an_on_duty_key_adult_the_school_is_told_in_the_holiday() -> None:
    w = world()
    Calendar.objects.create(school=w.school, holiday_contact=w.dsl)
    found, _ = _send(w, incident("H2", child(), occurred_at=london(2026, 10, 23, 22, 0)))
    note = Notification.objects.get(child__incident=found)
    assert note.first_recipient == "on_duty_key_adult"
    assert note.due_at == datetime(2026, 10, 24, 7, 45, tzinfo=UTC)
    # The school's own calendar has no terms, so the LA's terms still apply.
    assert note.school_due_at == datetime(2026, 11, 2, 8, 45, tzinfo=UTC)


def test_acknowledgement_needs_the_support_and_the_right_school() -> None:
    w = world()
    found, _ = _send(w, incident("A1", child()))
    note = Notification.objects.get(child__incident=found)
    with pytest.raises(PermissionDenied):
        notifications.notification_acknowledge(
            actor=w.other_dsl, notification=note, support_given="x"
        )
    with pytest.raises(ValidationError):
        notifications.notification_acknowledge(actor=w.dsl, notification=note, support_given=" ")
    done = notifications.notification_acknowledge(
        actor=w.dsl, notification=note, support_given="Key adult check-in at 9am"
    )
    assert done.acknowledged_by == w.dsl
    ack = Deadline.objects.get(kind="acknowledgement", subject_id=str(note.pk))
    assert ack.met_at is not None
    event = AuditEvent.objects.filter(record_type="encompass.notification").last()
    assert "check-in" not in str(event.changes)
    assert notifications.notifications_escalate(now=london(2026, 10, 15, 12, 0)) == 0


def test_an_unacknowledged_notification_escalates_to_the_coordinators_once() -> None:
    w = world()
    found, _ = _send(w, incident("E1", child()))
    note = Notification.objects.get(child__incident=found)
    assert notifications.notifications_escalate(now=london(2026, 10, 14, 10, 44)) == 0
    assert notifications.notifications_escalate(now=london(2026, 10, 14, 10, 45)) == 1
    assert notifications.notifications_escalate(now=london(2026, 10, 14, 11, 0)) == 0
    note.refresh_from_db()
    assert note.escalated_at == london(2026, 10, 14, 10, 45)
    escalated = OutboxMessage.objects.filter(reason="encompass_escalated")
    assert {m.to_address for m in escalated} == {w.coordinator.email, w.holiday_contact.email}


def test_no_match_goes_to_the_la_queue_and_no_school_is_told() -> None:
    w = world()
    found, _ = _send(
        w, incident("N1", child(forename="Zed", surname="Quill", dob=date(2022, 1, 1), postcode=""))
    )
    kid = found.children.get()
    assert kid.match_state == MatchState.NONE and kid.pupil is None
    assert not Notification.objects.exists()


def test_a_school_without_a_key_adult_is_a_visible_gap_sent_to_the_la() -> None:
    w = world()
    found, _ = _send(
        w,
        incident(
            "K1",
            child(
                "P1",
                forename="Jordan",
                surname="Dale",
                dob=date(2013, 2, 20),
                gender="F",
                postcode="WM3 5EE",
            ),
        ),
    )
    w.other_dsl.is_active = False
    note = Notification.objects.get(child__incident=found)
    assert note.school_id == w.other_school.pk and note.no_key_adult is False
    w.other_dsl.save()
    found2, _ = _send(
        w,
        incident(
            "K2",
            child(
                "P1",
                forename="Jordan",
                surname="Dale",
                dob=date(2013, 2, 20),
                gender="F",
                postcode="WM3 5EE",
            ),
        ),
    )
    gap = Notification.objects.get(child__incident=found2)
    assert gap.no_key_adult is True
    assert OutboxMessage.objects.filter(
        record_id=str(gap.pk), to_address=w.coordinator.email
    ).exists()
    assert len(mail.outbox) == 0  # nothing is sent until the worker runs


def test_a_school_with_no_calendar_still_gets_a_clock_and_the_gap_shows() -> None:
    w = world()
    Calendar.objects.filter(is_default=True).delete()
    found, _ = _send(w, incident("G1", child()))  # Tuesday 13 October 2026, 19:00
    note = Notification.objects.get(child__incident=found)
    assert note.calendar_gap is True
    assert note.school_due_at == london(2026, 10, 14, 8, 45)


def test_past_the_bank_holiday_data_the_clock_counts_weekdays_and_shows_the_gap() -> None:
    w = world()
    plan, _, gap = notification_plan_for(london(2029, 1, 5, 22, 0), w.school)  # a Friday
    assert gap is True
    assert plan.next_school_day_starts == london(2029, 1, 8, 8, 45)
