"""The demo's month of domestic abuse: a board with cases each working day, the planted repeat
and the escalation found only through a misspelt victim."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import transaction

from safeguard.core import holidays
from safeguard.core.clock import LONDON
from safeguard.domestic_abuse.models import Board, Incident, Referral
from safeguard.domestic_abuse.rules import Criterion
from safeguard.domestic_abuse.selectors.board import board_cases
from tests import demo_snapshot

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


@pytest.fixture(scope="module")
def month(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_snapshot.demo_partnership(seed=2026, now=NOW)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_working_day_has_cases_and_past_boards_are_closed(month):
    calendar = holidays.calendar()
    day = date(2026, 10, 21)
    while day <= NOW.date():
        if calendar.is_working_day(day):
            assert board_cases(day=day), day
            board = Board.objects.filter(day=day).first()
            if day < NOW.date():
                assert board is not None and board.closed_at is not None, day
        day += timedelta(days=1)
    # Today's board is open, with cases to decide.
    assert not Board.objects.filter(day=NOW.date(), closed_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_planted_repeat_and_the_escalation_through_a_misspelt_victim(month):
    repeat = Incident.objects.get(reference="DA-R-2")
    escalation = Incident.objects.get(reference="DA-E-3")
    criteria = {
        c.incident.reference: {f.criterion for f in c.findings}
        for day in {repeat.board_day, escalation.board_day}
        for c in board_cases(day=day)
    }
    assert Criterion.MARAC_REPEAT in criteria["DA-R-2"]
    assert criteria["DA-E-3"] == {Criterion.POTENTIAL_ESCALATION}
    spelt = {
        (a.forename, a.surname)
        for i in Incident.objects.filter(victim_key=escalation.victim_key)
        for a in i.adults.filter(role="victim")
    }
    assert len(spelt) == 3
    assert Referral.objects.filter(incident__reference="DA-R-1").exists()
    assert Referral.objects.exists() and Referral.objects.filter(research__isnull=False).exists()


@pytest.mark.django_db
def test_marac_actions_are_on_the_plan_and_a_school_sent_a_home_education_notice(month):
    from safeguard.domestic_abuse.models import HomeEducationNotice
    from safeguard.governance.models import Action

    actions = Action.objects.filter(source_kind="domestic_abuse.marac_referral")
    assert actions.exists()
    assert not actions.filter(due_on__lt=NOW.date()).exists()
    assert HomeEducationNotice.objects.filter(aware_of_abuse="yes").count() == 1


@pytest.mark.django_db
def test_the_demo_sets_a_plausible_population_of_adult_women_and_links_the_indicators(month):
    from safeguard.core import measures
    from safeguard.performance.models import Indicator

    population = measures.get("domestic_abuse.marac_cases_per_10k_women").population()
    assert population is not None and population.figure == 330_000  # ~41% of 800,000
    assert "aged 16 and over" in population.described
    linked = set(Indicator.objects.values_list("measure_key", flat=True))
    assert {
        "domestic_abuse.marac_repeat_rate",
        "domestic_abuse.marac_cases_per_10k_women",
    } <= linked


@pytest.mark.django_db
def test_the_marac_has_its_earlier_years_at_a_plausible_volume_with_nothing_overdue(month):
    from safeguard.core.report_tables import Year
    from safeguard.domestic_abuse.measures import marac_cases_heard
    from safeguard.domestic_abuse.models import MaracMeeting
    from safeguard.domestic_abuse.report import domestic_abuse_tables

    years = [
        Year(date(2024, 4, 1), date(2025, 4, 1), "2024/25"),
        Year(date(2025, 4, 1), date(2026, 4, 1), "2025/26"),
    ]
    for year in years:
        heard = marac_cases_heard(year.start, year.end)
        # SafeLives expects about 40 cases a year per 10,000 adult women (330,000 here).
        assert 30 <= heard / 33 <= 45, (year.label, heard)
        referred = Referral.objects.filter(referred_on__gte=year.start, referred_on__lt=year.end)
        share = referred.filter(repeat=True).count() / referred.count()
        assert 0.2 <= share <= 0.4, (year.label, share)
    # The annual report's MARAC table has those years' referrals.
    table = next(t for t in domestic_abuse_tables(years) if t.key == "marac_volumes")
    assert all(cell.value for cell in table.rows[0][1:]), table.rows[0]
    # Every meeting is the MARAC group's governance meeting; every past case was heard.
    groups = set(MaracMeeting.objects.values_list("sitting__group__name", flat=True))
    assert len(groups) == 1 and "MARAC" in groups.pop()
    past = Referral.objects.filter(
        meeting__sitting__starts_at__lt=datetime(2026, 10, 1, tzinfo=LONDON)
    )
    assert past.exists() and not past.filter(outcome="").exists()


@pytest.mark.django_db
def test_each_closed_board_has_the_dramm_groups_attendance(month):
    from safeguard.governance.models import Attendance

    closed = Board.objects.filter(closed_at__isnull=False, attendees__isnull=False).distinct()
    assert closed.exists() and not closed.filter(sitting__isnull=True).exists()
    board = closed.order_by("-day").first()
    assert Attendance.objects.filter(meeting=board.sitting, status="present").count() == 3
