"""The demo partnership gains a realistic spread of serious incidents, one in every state."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import transaction

from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.models import Deadline, OutboxMessage, Person
from safeguard.governance.models import Action
from safeguard.reviews.demo import add_demo_cases
from safeguard.reviews.models import (
    AgencyRequest,
    Incident,
    LearningSheet,
    RapidReview,
    Status,
)
from safeguard.reviews.selectors.oversight import oversight_between
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_every_state_is_represented_and_the_oversight_table_agrees() -> None:
    made = demo_snapshot.demo_partnership(seed=2026).extensions["reviews"]
    assert made == Incident.objects.count() == 12
    assert set(Incident.objects.values_list("status", flat=True)) == set(Status.values)
    assert Deadline.objects.filter(module="reviews", kind="la_decision").exists()
    assert Deadline.objects.filter(module="governance", kind="action", met_at__isnull=True).exists()
    assert LearningSheet.objects.filter(published_at__isnull=False).count() == 2
    assert OutboxMessage.objects.filter(reason="reviews.referral_submitted").exists()
    table = oversight_between(date(2000, 1, 1), date(2100, 1, 1))
    assert table.referrals == 11  # every submitted case; the draft is not a referral yet
    assert table.notifications == 8 == table.rapid_reviews
    assert table.csprs_commissioned == 3 and table.panel_agrees == 5
    assert table.panel_national_reviews == 1 and table.panel_awaited == 1
    assert sum(n for _, n in table.by_gender) == sum(n for _, n in table.by_age)


def test_without_the_demo_people_nothing_is_made() -> None:
    assert add_demo_cases(seed=1) == 0


# The cases' story, told at its own moments ---------------------------------------------------

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


@pytest.fixture(scope="class")
def month(django_db_setup, django_db_blocker):
    """One demo for the whole class, rolled back when the class is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_snapshot.demo_partnership(seed=2026, now=NOW)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("month")
class TestTheCasesStory:
    def test_references_follow_the_year_the_la_became_aware(self) -> None:
        submitted = Incident.objects.exclude(reference="")
        assert submitted.count() == 12
        for incident in submitted:
            assert incident.reference.startswith(f"SCSI-{incident.la_aware_on.year}-"), (
                incident.reference,
                incident.la_aware_on,
            )
        # The closed case's LA became aware the year before, the past cases' years before
        # that: the rule can fail.
        assert {i.la_aware_on.year for i in submitted} == {2023, 2024, 2025, 2026}

    def test_the_oversight_table_has_the_annual_reports_four_years(self) -> None:
        from safeguard.reviews.selectors.oversight import oversight_by_year

        rows = oversight_by_year(date(2023, 4, 1), date(2027, 3, 31))
        assert [row.label for row in rows] == [
            "2023 to 2024",
            "2024 to 2025",
            "2025 to 2026",
            "2026 to 2027",
        ]
        assert all(row.table.referrals > 0 for row in rows)
        assert all(row.table.notifications > 0 for row in rows)
        # Past cases are recorded afterwards and emailed nobody.
        past = Incident.objects.filter(recorded_afterwards=True)
        assert past.count() == 4
        assert not OutboxMessage.objects.filter(
            record_type="reviews.incident", record_id__in=[str(i.pk) for i in past]
        ).exists()

    def test_partners_sign_the_rapid_review_off_before_it_is_submitted(self) -> None:
        reviews = RapidReview.objects.filter(
            submitted_on__isnull=False, incident__recorded_afterwards=False
        )
        assert reviews.count() == 4
        for review in reviews:
            sign_offs = list(review.sign_offs.all())
            assert len(sign_offs) == 3
            for sign_off in sign_offs:
                assert london_date(sign_off.signed_at) < review.submitted_on

    def test_actions_and_requests_fall_due_on_working_days(self) -> None:
        due_dates = [*Action.objects.values_list("due_on", flat=True)]
        due_dates += AgencyRequest.objects.values_list("due_on", flat=True)
        assert len(due_dates) > 10
        assert all(holidays.is_working_day(day) for day in due_dates), due_dates
        clocks = Deadline.objects.filter(
            module="reviews", kind__in=["action", "agency_information"]
        )
        for clock in clocks:
            assert holidays.is_working_day(london_date(clock.due_at)), clock.title

    def test_the_police_have_a_request_and_the_decision_maker_a_decision_waiting(self) -> None:
        police = Person.objects.get(email="police@demo.invalid")
        today = london_date(NOW)
        assert AgencyRequest.objects.filter(
            organisation=police.organisation, received_on__isnull=True, due_on__gte=today
        ).exists()
        waiting = Incident.objects.get(status=Status.AWAITING_DECISION)
        decision = Deadline.objects.get(
            module="reviews", kind="la_decision", subject_id=str(waiting.pk)
        )
        assert decision.met_at is None and decision.due_at > NOW
        assert decision.starts_at < NOW - timedelta(days=1)

    def test_every_step_happened_before_the_demo_was_made(self) -> None:
        assert not Incident.objects.filter(submitted_at__gte=NOW).exists()
        late = Deadline.objects.filter(module="reviews", met_at__gte=NOW)
        assert not late.exists(), list(late.values_list("kind", "met_at", "due_at", "starts_at"))
        assert not OutboxMessage.objects.filter(created_at__gt=NOW).exists()
        # Not all at one moment either: the referrals were made on different days.
        assert Incident.objects.values("created_at__date").distinct().count() == 12
