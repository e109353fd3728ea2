"""The statutory rules, pure: dates pinned against the real England and Wales calendar."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.clock import WorkingCalendar
from safeguard.reviews import rules
from tests.reviews.helpers import child

# Christmas 2026 (Friday) and its Boxing Day substitute (Monday 28th); New Year's Day 2027 (Friday).
CALENDAR = WorkingCalendar.of(
    [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)],
    covers_from=date(2026, 1, 1),
    covers_until=date(2027, 12, 31),
)


def test_decision_due_five_working_days_after_awareness_skipping_christmas() -> None:
    assert rules.decision_due(date(2026, 12, 18), CALENDAR) == date(2026, 12, 29)


def test_decision_due_from_a_saturday_counts_from_monday() -> None:
    assert rules.decision_due(date(2026, 11, 7), CALENDAR) == date(2026, 11, 13)


def test_rapid_review_due_fifteen_working_days_after_notification() -> None:
    # 30, 31 Dec; 4-8 Jan; 11-15 Jan; 18, 19, 20 Jan (1 Jan is a bank holiday).
    assert rules.rapid_review_due(date(2026, 12, 29), CALENDAR) == date(2027, 1, 20)


@pytest.mark.parametrize(
    ("initiated", "due"),
    [
        (date(2027, 1, 20), date(2027, 7, 20)),
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 12, 1), date(2027, 6, 1)),
    ],
)
def test_cspr_publication_due_six_calendar_months_after_initiation(initiated, due) -> None:
    assert rules.cspr_publication_due(initiated) == due


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 40))
def test_add_months_lands_in_the_right_month_and_never_later_day(day, months) -> None:
    result = rules.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


@pytest.mark.parametrize(
    ("harm", "abuse", "expected"),
    [
        ("died", "known", True),
        ("serious_harm", "suspected", True),
        ("serious_harm", "not_suspected", False),
        ("", "known", False),
    ],
)
def test_scsi_definition(harm, abuse, expected) -> None:
    assert rules.is_scsi(harm=harm, abuse_or_neglect=abuse) is expected


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), "under_1"),
        (date(2025, 12, 31), date(2026, 12, 31), "1_4"),
        (date(2021, 6, 1), date(2026, 5, 31), "1_4"),
        (date(2021, 6, 1), date(2026, 6, 1), "5_11"),
        (date(2014, 6, 2), date(2026, 6, 1), "5_11"),
        (date(2014, 6, 1), date(2026, 6, 1), "12_plus"),
        (None, date(2026, 6, 1), None),
        (date(2027, 1, 1), date(2026, 6, 1), None),
    ],
)
def test_age_bands_of_the_annual_report(born, on, band) -> None:
    assert rules.age_band(born, on) == band


TODAY = date(2026, 12, 18)


def _complete() -> dict:
    return {
        "incident_date": date(2026, 12, 17),
        "la_aware_on": date(2026, 12, 18),
        "summary": "What happened",
        "harm": "died",
        "abuse_or_neglect": "known",
        "referrer_view": "meets",
        "referrer_reasons": "Because",
    }


def test_a_complete_referral_has_no_errors() -> None:
    assert rules.submission_errors(values=_complete(), children=[child()], today=TODAY) == {}


def test_every_missing_field_is_named() -> None:
    errors = rules.submission_errors(values={}, children=[], today=TODAY)
    assert set(errors) == {
        "incident_date",
        "la_aware_on",
        "summary",
        "harm",
        "abuse_or_neglect",
        "referrer_view",
        "referrer_reasons",
        "children",
    }


def test_awareness_in_the_future_is_refused_even_in_a_draft() -> None:
    values = {**_complete(), "la_aware_on": date(2026, 12, 19)}
    assert "la_aware_on" in rules.draft_errors(values=values, children=[], today=TODAY)


def test_awareness_before_the_incident_is_refused() -> None:
    values = {**_complete(), "la_aware_on": date(2026, 12, 16)}
    errors = rules.submission_errors(values=values, children=[child()], today=TODAY)
    assert errors == {"la_aware_on": "The LA cannot have become aware before the incident"}


def test_no_more_than_four_children() -> None:
    errors = rules.draft_errors(values={}, children=[child()] * 5, today=TODAY)
    assert errors == {"children": "A referral can name up to 4 children"}
    assert rules.submission_errors(values=_complete(), children=[child()] * 4, today=TODAY) == {}


def test_each_child_needs_name_birth_date_and_gender() -> None:
    bad = child(full_name=" ", date_of_birth=None, gender="")
    errors = rules.submission_errors(values=_complete(), children=[child(), bad], today=TODAY)
    assert set(errors) == {"child_2_full_name", "child_2_date_of_birth", "child_2_gender"}


def test_decision_needs_a_rationale_either_way() -> None:
    for decision in ("notify", "do_not_notify"):
        errors = rules.decision_errors(
            decision=decision,
            rationale="  ",
            panel_notified_on=TODAY,
            aware_on=TODAY,
            today=TODAY,
        )
        assert "rationale" in errors


def test_a_notification_needs_a_date_not_in_the_future_nor_before_awareness() -> None:
    def check(sent):
        return rules.decision_errors(
            decision="notify",
            rationale="r",
            panel_notified_on=sent,
            aware_on=date(2026, 12, 10),
            today=TODAY,
        )

    assert "panel_notified_on" in check(None)
    assert "panel_notified_on" in check(date(2026, 12, 19))
    assert "panel_notified_on" in check(date(2026, 12, 9))
    assert check(date(2026, 12, 18)) == {}


def test_a_decision_must_be_one_of_the_two() -> None:
    errors = rules.decision_errors(
        decision="maybe", rationale="r", panel_notified_on=None, aware_on=None, today=TODAY
    )
    assert set(errors) == {"decision"}
