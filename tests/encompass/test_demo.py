"""The demo partnership gains schools with rolls, calendars and a month of incidents in every
state."""

from __future__ import annotations

import itertools
import statistics
from datetime import date, datetime, timedelta

import pytest
from django.db import transaction

from safeguard.children.models import Pupil
from safeguard.core.clock import LONDON
from safeguard.core.models import Deadline, Person
from safeguard.encompass import demo as encompass_demo
from safeguard.encompass.models import Calendar, Incident, IncidentChild, Notification
from safeguard.encompass.selectors import oversight
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_the_demo_has_encompass_in_every_state() -> None:
    summary = demo_snapshot.demo_partnership(seed=2026)
    assert summary.extensions["encompass"] > 0
    assert Pupil.objects.count() > 1000
    assert Calendar.objects.filter(is_default=True).exists()
    assert Calendar.objects.filter(school__isnull=False).count() == 3
    # 40 at schools this month, 1 at an early years setting, 16 a year in the 3 years before
    assert Incident.objects.count() == 41 + 3 * encompass_demo.EARLIER_INCIDENTS
    assert Incident.objects.filter(no_children_recorded=True).exists()
    assert Incident.objects.filter(presence_unknown=True).exists()
    states = set(IncidentChild.objects.values_list("match_state", flat=True))
    assert {"automatic", "review", "none"} <= states, states
    assert Notification.objects.filter(acknowledged_at__isnull=False).exists()
    assert Notification.objects.filter(escalated_at__isnull=False).exists()
    assert Notification.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True
    ).exists()
    # The earlier years' (the annual report's): every school told and acknowledging, most told
    # before their school day began, and no clock of theirs left running.
    earlier = Notification.objects.filter(
        child__incident__occurred_at__lt=datetime(2026, 4, 1, tzinfo=LONDON)
    )
    assert earlier.count() >= 3 * encompass_demo.EARLIER_INCIDENTS
    assert not earlier.filter(told_at__isnull=True).exists()
    assert not earlier.filter(acknowledged_at__isnull=True).exists()
    on_time = sum(n.told_at <= n.school_due_at for n in earlier) / earlier.count()
    assert 0.75 <= on_time < 1, on_time
    assert not Deadline.objects.filter(
        module="encompass",
        subject_id__in=[str(pk) for pk in earlier.values_list("pk", flat=True)],
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).exists()


# The month told in order: every clock from the moment its incident happened ----------------

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)  # a Tuesday in term time


@pytest.fixture(scope="class")
def month(django_db_setup, django_db_blocker):
    """One demo for the whole class, rolled back when the class is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_snapshot.demo_partnership(seed=2026, now=NOW)
        transaction.set_rollback(True)


def _acknowledgement(note: Notification) -> Deadline:
    return Deadline.objects.get(module="encompass", kind="acknowledgement", subject_id=str(note.pk))


@pytest.mark.usefixtures("month")
class TestTheEncompassMonth:
    def test_most_schools_were_told_before_their_school_day_as_in_a_real_month(self) -> None:
        notes = list(Notification.objects.select_related("child__incident"))
        assert len(notes) > 20
        on_time = sum(note.created_at <= note.school_due_at for note in notes) / len(notes)
        assert 0.85 <= on_time <= 0.98, on_time
        delays = [(n.created_at - n.child.incident.occurred_at).total_seconds() / 60 for n in notes]
        assert all(delay > 0 for delay in delays)
        assert statistics.median(delays) < 6 * 60
        coordinator = Person.objects.get(email="encompass@demo.invalid")
        figures = oversight.figures(coordinator, start=NOW - timedelta(days=40), end=NOW)
        assert figures.on_time_share is not None and 0.85 <= figures.on_time_share <= 0.98
        assert figures.median_minutes is not None and figures.median_minutes < 6 * 60

    def test_acknowledgement_clocks_follow_each_school_day_not_the_demo_moment(self) -> None:
        notes = list(Notification.objects.all())
        dues = set()
        for note in notes:
            clock = _acknowledgement(note)
            # A send that came after the escalation moment is due at once (the service's rule).
            assert clock.due_at == max(note.escalate_at, note.created_at)
            assert clock.starts_at == note.created_at
            dues.add(clock.due_at)
        assert len(dues) > 10  # many school days, not one moment
        answered = [n for n in notes if n.acknowledged_at is not None]
        assert all(n.acknowledged_at > n.created_at for n in answered)
        in_time = sum(n.acknowledged_at <= n.escalate_at for n in answered) / len(answered)
        assert in_time >= 0.8
        assert all(n.escalated_at >= n.escalate_at for n in notes if n.escalated_at)

    def test_the_demo_dsl_has_notifications_to_acknowledge(self) -> None:
        dsl = Person.objects.get(email="dsl@demo.invalid")
        waiting = Notification.objects.filter(
            school=dsl.organisation, acknowledged_at__isnull=True, escalated_at__isnull=True
        )
        assert waiting.exists()
        assert all(note.escalate_at > NOW for note in waiting)

    def test_the_coordinator_has_a_review_queue_and_an_escalation(self) -> None:
        assert IncidentChild.objects.filter(match_state="review").exists()
        escalated = Notification.objects.filter(
            escalated_at__isnull=False, acknowledged_at__isnull=True
        )
        assert escalated.exists()
        assert all(NOW - timedelta(days=7) < note.escalated_at < NOW for note in escalated)

    def test_references_carry_the_year_and_order_of_the_incident(self) -> None:
        incidents = list(Incident.objects.order_by("occurred_at", "pk"))
        numbers = [int(incident.reference.rsplit("/", 1)[1]) for incident in incidents]
        # The schools' month is numbered in order; the nursery's incident has its own number.
        schools = [n for n in numbers if n != encompass_demo.EARLY_YEARS_REFERENCE]
        assert schools == sorted(schools)
        for incident in incidents:
            year = incident.occurred_at.astimezone(LONDON).year
            assert incident.reference.startswith(f"WMP/{year}/")


def test_two_early_years_settings_with_key_adults_children_and_a_notification() -> None:
    from safeguard.children.selectors import early_years_setting_ids
    from safeguard.encompass.models import KeyAdult

    demo_snapshot.demo_partnership(seed=2026, now=NOW)
    settings = early_years_setting_ids()
    assert len(settings) == 2
    for setting in settings:
        assert KeyAdult.objects.filter(school_id=setting).exists()
        assert Pupil.objects.filter(school_id=setting).count() >= 3
    told = Notification.objects.filter(school_id__in=settings)
    assert told.count() == 1
    assert told.get().school.name == "Little Acorns Day Nursery"


def test_the_terms_cover_the_school_years_around_any_day() -> None:
    for today in (date(2026, 12, 5), date(2027, 8, 10), date(2031, 2, 1)):
        terms = encompass_demo.terms_around(today)
        assert (
            terms[0][1] < today - timedelta(days=365) < today + timedelta(days=365) < terms[-1][2]
        )
        for _name, starts, ends in terms:
            assert starts.weekday() in (0, 2) and ends.weekday() == 4 and starts < ends
        assert all(a[2] < b[1] for a, b in itertools.pairwise(terms))
