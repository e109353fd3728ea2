"""The training services against a real database and a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from safeguard.core import outbox
from safeguard.core.models import OutboxMessage
from safeguard.training import selectors, services
from safeguard.training.models import BookingStatus
from tests import factories, smtp
from tests.smtp import use_smtp
from tests.training import helpers

smtp_server = smtp.smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    unit = factories.organisation(kind="partnership", name="Business Unit")
    return factories.person("business_unit_admin", organisation_obj=unit)


@pytest.fixture
def charity():
    return factories.organisation(kind="third_sector", name="Family Support Network")


def _deliver() -> None:
    outbox.deliver_due(worker_id="test", batch=100)


def _calendar(message) -> Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar attached")


@pytest.mark.smtp
def test_a_booking_sends_a_calendar_invitation_by_smtp(admin, charity, smtp_server, settings):
    use_smtp(settings, smtp_server)
    worker = factories.person("practitioner", organisation_obj=charity)
    session = helpers.session(admin, helpers.course(admin), days=10)
    booking = services.booking_make(actor=worker, session=session)
    assert booking.status == BookingStatus.BOOKED
    assert booking.agency_type == "other" and booking.organisation == charity
    _deliver()
    [message] = smtp_server.messages
    assert message["To"] == worker.email
    event = _calendar(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at
    assert str(event["summary"]) == "Working Together (part 1)"
    assert str(event["uid"]).startswith(f"training-booking-{booking.pk}@")
    # Only what the booker needs: no other person's name or address.
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert admin.full_name not in body and admin.email not in str(message)


@pytest.mark.smtp
def test_cancelling_a_session_tells_everyone_booked_and_withdraws_the_entry(
    admin, charity, smtp_server, settings
):
    use_smtp(settings, smtp_server)
    session = helpers.session(admin, helpers.course(admin), days=10, capacity=1)
    people = [factories.person("practitioner", organisation_obj=charity) for _ in range(2)]
    for person in people:
        services.booking_make(actor=person, session=session)
    _deliver()
    before = len(smtp_server.messages)
    services.session_cancel(actor=admin, session=session)
    _deliver()
    told = smtp_server.messages[before:]
    assert sorted(m["To"] for m in told) == sorted(p.email for p in people)
    cancelled = next(m for m in told if m["To"] == people[0].email)
    assert _calendar(cancelled)["method"] == "CANCEL"
    with pytest.raises(ValidationError):
        services.session_cancel(actor=admin, session=session)


def test_a_full_session_puts_people_on_a_waiting_list_and_frees_places_in_order(admin, charity):
    session = helpers.session(admin, helpers.course(admin), days=10, capacity=1)
    first, second, third = (
        factories.person("practitioner", organisation_obj=charity) for _ in range(3)
    )
    holder = services.booking_make(actor=first, session=session)
    waiting_2 = services.booking_make(actor=second, session=session)
    waiting_3 = services.booking_make(actor=third, session=session)
    assert [b.status for b in (holder, waiting_2, waiting_3)] == ["booked", "waiting", "waiting"]
    services.booking_cancel(actor=first, booking=holder)
    waiting_2.refresh_from_db()
    waiting_3.refresh_from_db()
    assert (waiting_2.status, waiting_3.status) == ("booked", "waiting")
    assert OutboxMessage.objects.filter(
        reason="training.place_offered", record_id=str(waiting_2.pk)
    ).exists()


def test_someone_else_cannot_cancel_my_booking(admin, charity):
    session = helpers.session(admin, helpers.course(admin), days=10)
    mine = services.booking_make(
        actor=factories.person("practitioner", organisation_obj=charity), session=session
    )
    with pytest.raises(PermissionDenied):
        services.booking_cancel(
            actor=factories.person("practitioner", organisation_obj=charity), booking=mine
        )


def test_booking_twice_or_after_the_start_is_refused(admin, charity):
    person = factories.person("practitioner", organisation_obj=charity)
    course = helpers.course(admin)
    session = helpers.session(admin, course, days=10)
    services.booking_make(actor=person, session=session)
    with pytest.raises(ValidationError):
        services.booking_make(actor=person, session=session)
    with pytest.raises(ValidationError):
        services.booking_make(actor=person, session=helpers.session(admin, course, days=-1))


def test_manager_approval_where_the_organisation_asks_for_it(admin, charity):
    manager = factories.person("practitioner", organisation_obj=charity)
    worker = factories.person("practitioner", organisation_obj=charity)
    outsider = factories.person("practitioner")
    services.organisation_setting_save(
        actor=admin, organisation=charity, approval_required=True, approver=manager
    )
    session = helpers.session(admin, helpers.course(admin), days=10)
    booking = services.booking_make(actor=worker, session=session)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    assert list(selectors.awaiting_my_approval(actor=manager)) == [booking]
    assert not selectors.awaiting_my_approval(actor=outsider).exists()
    with pytest.raises(PermissionDenied):
        services.booking_decide(actor=outsider, booking=booking, approve=True)
    booking = services.booking_decide(actor=manager, booking=booking, approve=True)
    assert booking.status == BookingStatus.BOOKED


def test_an_approver_must_belong_to_the_organisation(admin, charity):
    with pytest.raises(ValidationError):
        services.organisation_setting_save(
            actor=admin,
            organisation=charity,
            approval_required=True,
            approver=factories.person("practitioner"),
        )


def test_completion_needs_every_part_and_the_register_is_taken_by_a_trainer(admin, charity):
    worker = factories.person("practitioner", organisation_obj=charity)
    trainer_person = factories.person("practitioner")
    course = helpers.course(admin)
    trainer = services.trainer_add(actor=admin, person=trainer_person, courses=[course])
    part_1 = helpers.session(admin, course, part=1, days=-30)
    part_1.trainers.set([trainer])
    part_2 = helpers.session(admin, course, part=2, days=-2)
    first = helpers.past_booking(worker, part_1)
    second = helpers.past_booking(worker, part_2)
    services.register_record(actor=trainer_person, session=part_1, attended_ids={first.pk})
    assert selectors.completion_of(actor=worker, course=course) is None
    with pytest.raises(PermissionDenied):  # not a trainer of part 2
        services.register_record(actor=trainer_person, session=part_2, attended_ids={second.pk})
    services.register_record(actor=admin, session=part_2, attended_ids={second.pk})
    assert selectors.completion_of(actor=worker, course=course) == timezone.localdate(
        part_2.starts_at
    )


def test_the_register_opens_when_the_session_starts(admin, charity):
    session = helpers.session(admin, helpers.course(admin), days=1)
    with pytest.raises(ValidationError):
        services.register_record(actor=admin, session=session, attended_ids=set())


def test_an_evaluation_needs_attendance_and_is_given_once(admin, charity):
    worker = factories.person("practitioner", organisation_obj=charity)
    session = helpers.session(admin, helpers.course(admin), days=-1)
    booking = helpers.past_booking(worker, session)
    values = {
        "met_expectations": True,
        "outcomes_learned": "yes",
        "knowledge_before": 2,
        "knowledge_after": 4,
        "confidence_before": 2,
        "confidence_after": 4,
        "comments": "",
    }
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=worker, booking=booking, values=values)
    services.register_record(actor=admin, session=session, attended_ids={booking.pk})
    booking.refresh_from_db()
    services.evaluation_submit(actor=worker, booking=booking, values=values)
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=worker, booking=booking, values=values)


def test_the_follow_up_opens_three_months_on(admin, charity):
    worker = factories.person("practitioner", organisation_obj=charity)
    session = helpers.session(admin, helpers.course(admin), days=-40)
    booking = helpers.past_booking(worker, session, attended=True)
    values = {"practice_changed": True, "what_changed": "I escalate sooner"}
    with pytest.raises(ValidationError):
        services.follow_up_submit(actor=worker, booking=booking, values=values)
    old = helpers.session(admin, helpers.course(admin, title="Old", parts=1), days=-100)
    services.follow_up_submit(
        actor=worker, booking=helpers.past_booking(worker, old, attended=True), values=values
    )


def test_reminders_go_once_in_the_48_hours_before(admin, charity):
    worker = factories.person("practitioner", organisation_obj=charity)
    soon = helpers.session(admin, helpers.course(admin), days=1)
    later = helpers.session(admin, helpers.course(admin, title="Later"), days=5)
    services.booking_make(actor=worker, session=soon)
    services.booking_make(actor=worker, session=later)
    assert services.reminders_send() == 1
    services.reminders_send()
    assert OutboxMessage.objects.filter(reason="training.reminder").count() == 1


def test_courses_name_only_known_themes(admin, settings):
    values = {**helpers.COURSE_VALUES, "title": "Themed", "parts": 1}
    with pytest.raises(ValidationError):
        services.course_save(actor=admin, values={**values, "review_themes": ["Not a theme"]})
    with pytest.raises(PermissionDenied):
        services.course_save(actor=factories.person("practitioner"), values=values)


def test_the_figures_count_bookings_completions_and_evaluations(admin, charity):
    course = helpers.course(admin)
    part_1 = helpers.session(admin, course, part=1, days=-20)
    part_2 = helpers.session(admin, course, part=2, days=-10)
    done, pending = (factories.person("practitioner", organisation_obj=charity) for _ in range(2))
    for person in (done, pending):
        helpers.past_booking(person, part_1, attended=True)
    helpers.past_booking(done, part_2, attended=True)
    found = selectors.figures()
    [(title, by_year)] = found.multi_part
    assert title == "Working Together"
    assert sum(started for started, _ in by_year.values()) == 2
    assert sum(completed for _, completed in by_year.values()) == 1
    [(_, bookings)] = found.bookings_by_course
    assert sum(bookings.values()) == 3
    [(agency, by_agency)] = found.bookings_by_agency
    assert agency == "Other" and sum(by_agency.values()) == 3


def test_an_email_is_queued_only_with_its_change(admin, charity):
    session = helpers.session(admin, helpers.course(admin), days=10)
    person = factories.person("practitioner", organisation_obj=charity)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.booking_make(actor=person, session=session)
        raise RuntimeError
    assert not OutboxMessage.objects.filter(reason__startswith="training.").exists()
    assert timezone.now() < session.starts_at - timedelta(days=9)
