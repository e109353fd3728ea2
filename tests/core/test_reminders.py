"""Deadline reminders at the edges of the working-day calendar, with pinned dates.

Monday 31 August 2026 is the summer bank holiday, so a deadline due on Tuesday 1 September is
2 working days away on Thursday 27 August (Friday, Tuesday) and 3 on Wednesday 26 August.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeguard.core import outbox, reminders, worker
from safeguard.core.clock import LONDON, end_of_day, start_of_day
from safeguard.core.models import ExtraHoliday, OutboxMessage
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet, deadline_open
from tests import factories, smtp

smtp_server = smtp.smtp_server

pytestmark = pytest.mark.django_db

TUESDAY_AFTER_BANK_HOLIDAY = date(2026, 9, 1)
_subjects = iter(range(1, 10_000))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def deadline(due_on: date = TUESDAY_AFTER_BANK_HOLIDAY, **fields):
    fields.setdefault("owner_person", factories.person("practitioner"))
    return deadline_open(
        module="reviews",
        kind="rapid_review",
        title=fields.pop("title", "Rapid Review decision due"),
        subject_type="reviews.incident",
        subject_id=next(_subjects),
        starts_at=start_of_day(date(2026, 8, 1)),
        due_at=fields.pop("due_at", end_of_day(due_on)),
        rule="test",
        **fields,
    )


def keys() -> list[str]:
    return sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(date(2026, 8, 26)), []),  # Wednesday: Thu, Fri, Tue = 3 working days
        (at(date(2026, 8, 27)), ["due-soon"]),  # Thursday: Fri, Tue = 2
        (at(date(2026, 8, 28)), ["due-soon"]),  # Friday: Tue = 1
        (at(date(2026, 8, 31)), ["due-soon"]),  # the bank holiday itself
        (at(date(2026, 9, 1), 23, 59), ["due-soon"]),  # due today, not yet late
        (at(date(2026, 9, 2), 0, 1), ["overdue"]),  # a minute into Wednesday
        (at(date(2026, 9, 8), 23, 59), ["overdue"]),  # within the 7 days looked back
        (at(date(2026, 9, 9), 0, 1), []),  # overdue too long before first seen: no flood
    ],
)
def test_the_bank_holiday_edge(now, expected):
    item = deadline()
    reminders.send_deadline_reminders(now=now)
    assert keys() == [f"deadline:{item.pk}:{kind}" for kind in expected]


def test_without_the_bank_holiday_thursday_is_three_days_away():
    item = deadline(date(2026, 9, 8))  # an ordinary Tuesday
    reminders.send_deadline_reminders(now=at(date(2026, 9, 3)))  # Thursday: Fri, Mon, Tue
    assert keys() == []
    reminders.send_deadline_reminders(now=at(date(2026, 9, 4)))  # Friday: Mon, Tue
    assert keys() == [f"deadline:{item.pk}:due-soon"]


def test_an_added_holiday_counts_too():
    item = deadline(date(2026, 9, 8))
    ExtraHoliday.objects.create(date=date(2026, 9, 7), name="Test holiday")
    reminders.send_deadline_reminders(now=at(date(2026, 9, 3)))  # Fri, Tue = 2
    assert keys() == [f"deadline:{item.pk}:due-soon"]


def test_each_reminder_is_queued_once_however_often_the_job_runs():
    item = deadline()
    days = [date(2026, 8, 27), date(2026, 8, 28), date(2026, 8, 31), date(2026, 9, 1)]
    made = [reminders.send_deadline_reminders(now=at(day)) for day in days]
    assert made == [1, 0, 0, 0]
    made = [reminders.send_deadline_reminders(now=at(date(2026, 9, 2))) for _ in range(3)]
    assert made == [1, 0, 0]
    assert keys() == [f"deadline:{item.pk}:due-soon", f"deadline:{item.pk}:overdue"]


def test_the_owner_organisation_mailbox_gets_its_own_copy():
    org = factories.organisation(email="team@example.invalid")
    owner = factories.person("practitioner", organisation_obj=org)
    both = deadline(owner_person=owner, owner_organisation=org)
    only_org = deadline(owner_person=None, owner_organisation=org)
    inactive = factories.person("practitioner", is_active=False)
    inactive_owner = deadline(owner_person=inactive, owner_organisation=org)
    no_address = deadline(owner_person=None, owner_organisation=factories.organisation())
    reminders.send_deadline_reminders(now=at(date(2026, 8, 28)))
    assert keys() == sorted(
        [
            f"deadline:{both.pk}:due-soon",
            f"deadline:{both.pk}:due-soon:organisation",
            f"deadline:{only_org.pk}:due-soon:organisation",
            f"deadline:{inactive_owner.pk}:due-soon:organisation",
        ]
    )
    person_copy = OutboxMessage.objects.get(dedupe_key=f"deadline:{both.pk}:due-soon")
    assert person_copy.recipient_id == owner.pk and person_copy.to_address == owner.email
    org_copy = OutboxMessage.objects.get(dedupe_key=f"deadline:{both.pk}:due-soon:organisation")
    assert org_copy.recipient_id is None and org_copy.to_address == "team@example.invalid"
    assert not OutboxMessage.objects.filter(record_id=str(no_address.pk)).exists()


def test_met_and_cancelled_deadlines_are_left_alone():
    met = deadline()
    deadline_meet(deadline=met, met_at=at(date(2026, 8, 20)), actor=None)
    cancelled = deadline()
    deadline_cancel(deadline=cancelled, actor=None)
    for day in (date(2026, 8, 28), date(2026, 9, 2)):
        assert reminders.send_deadline_reminders(now=at(day)) == 0
    assert keys() == []


def test_the_email_says_only_the_date_and_title_and_links_to_the_deadline(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    settings.SITE_URL = "https://safeguard.example.invalid"
    owner = factories.person("practitioner", full_name="Owner Testperson")
    with_link = deadline(owner_person=owner, link="/reviews/incidents/7")
    without = deadline(owner_person=owner, title="Action plan due")
    timed = deadline(
        owner_person=owner, title="Panel papers", due_at=at(TUESDAY_AFTER_BANK_HOLIDAY, 14, 30)
    )
    assert reminders.send_deadline_reminders(now=at(date(2026, 8, 28))) == 3
    assert outbox.deliver_due(worker_id="test") == 3
    texts = {}
    for received in smtp_server.messages:
        assert received["Subject"] == "A deadline is due soon"
        assert received["To"] == owner.email
        text = received.get_payload(decode=True).decode()
        assert "Testperson" not in text and "@" not in text
        texts[text.splitlines()[0]] = text
    assert (
        "https://safeguard.example.invalid/reviews/incidents/7"
        in texts["A deadline is due on Tuesday 1 September 2026: Rapid Review decision due"]
    )
    assert (
        "https://safeguard.example.invalid/deadlines"
        in texts["A deadline is due on Tuesday 1 September 2026: Action plan due"]
    )
    assert "A deadline is due on Tuesday 1 September 2026 at 14:30: Panel papers" in texts
    assert {with_link.pk, without.pk, timed.pk} == {
        int(m.record_id) for m in OutboxMessage.objects.all()
    }
    reminders.send_deadline_reminders(now=at(date(2026, 9, 2)))
    overdue = OutboxMessage.objects.get(dedupe_key=f"deadline:{without.pk}:overdue")
    assert overdue.subject == "A deadline is overdue"
    assert (
        overdue.body
        == "A deadline was due on Tuesday 1 September 2026 and is overdue: Action plan due"
    )


def test_the_worker_runs_the_job():
    item = deadline(due_at=timezone.now() - timedelta(hours=1))
    reminders.register()
    try:
        assert reminders.JOB_NAME in {job.name for job in worker.periodic_jobs()}
        assert reminders.JOB_NAME in worker.run_due_jobs(clock=1e9)
    finally:
        worker.unregister_periodic(reminders.JOB_NAME)
    assert keys() == [f"deadline:{item.pk}:overdue"]


def test_past_the_holiday_data_no_reminder_and_no_crash(caplog):
    far = deadline(date(2029, 1, 9))
    assert reminders.send_deadline_reminders(now=at(date(2028, 12, 29))) == 0
    assert f"deadline {far.pk}: holiday data exhausted" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_queue_each_reminder_once():
    if connection.vendor == "sqlite":
        pytest.skip("threads need a shared database server: run on PostgreSQL")
    items = [deadline() for _ in range(5)]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            reminders.send_deadline_reminders(now=at(date(2026, 8, 28)))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert keys() == sorted(f"deadline:{item.pk}:due-soon" for item in items)
