"""The pure rules at every edge, with Hypothesis properties where the rules have edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.clock import WorkingCalendar
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.rules import Criterion, IncidentFacts, Level, ReferralFacts

# England and Wales bank holidays of 2026 (gov.uk), written out here, not read from the code.
HOLIDAYS_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
    date(2027, 1, 1),
}
CAL = WorkingCalendar.of(
    HOLIDAYS_2026, covers_from=date(2025, 12, 1), covers_until=date(2027, 3, 31)
)
days_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


def _answers(yes: int, not_known: int = 0) -> dict[str, str]:
    codes = rules.QUESTION_CODES
    out = {}
    for i, code in enumerate(codes):
        if i < yes:
            out[code] = "yes"
        elif i < yes + not_known:
            out[code] = "not_known"
        else:
            out[code] = "no"
    return out


# --- DASH ----------------------------------------------------------------------------------------


def test_twenty_four_questions_with_distinct_codes():
    assert len(rules.QUESTIONS) == 24
    assert len(set(rules.QUESTION_CODES)) == 24


@pytest.mark.parametrize(
    ("count", "level"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")],
)
def test_levels_at_their_edges(count, level):
    assert rules.level_for_count(count) == level


@pytest.mark.parametrize("count", [-1, 25])
def test_a_count_outside_the_checklist_is_refused(count):
    with pytest.raises(ValueError):
        rules.level_for_count(count)


@given(st.integers(0, 24), st.integers(0, 24))
def test_only_yes_counts(yes, not_known):
    not_known = min(not_known, 24 - yes)
    assert rules.yes_count(_answers(yes, not_known)) == yes


def test_an_unanswered_or_unknown_question_is_refused():
    answers = _answers(3)
    del answers["q05_depressed"]
    with pytest.raises(rules.IncompleteChecklist):
        rules.yes_count(answers)
    with pytest.raises(rules.IncompleteChecklist):
        rules.yes_count({**_answers(3), "q99": "yes"})
    with pytest.raises(rules.IncompleteChecklist):
        rules.yes_count({**_answers(3), "q01_injured": "maybe"})


@given(st.integers(0, 24), st.sampled_from([None, "", *list(Level)]))
def test_judgement_raises_and_never_lowers(count, judgement):
    order = ["standard", "medium", "high"]
    final = rules.final_level(count, judgement)
    counted = rules.level_for_count(count)
    assert order.index(final) >= order.index(counted)
    if judgement:
        assert order.index(final) >= order.index(judgement)
        assert final in (counted, judgement)
    else:
        assert final == counted


def test_judgement_of_standard_on_a_high_count_stays_high():
    assert rules.final_level(20, "standard") == "high"
    assert not rules.judgement_raised(20, "standard")
    assert rules.judgement_raised(5, "high")


# --- 12 months -----------------------------------------------------------------------------------


def test_the_anniversary_is_within_and_the_day_after_is_not():
    assert rules.within_twelve_months(date(2025, 3, 5), date(2026, 3, 5))
    assert not rules.within_twelve_months(date(2025, 3, 5), date(2026, 3, 6))
    assert rules.within_twelve_months(date(2025, 3, 5), date(2025, 3, 5))
    assert not rules.within_twelve_months(date(2025, 3, 5), date(2025, 3, 4))


def test_29_february_steps_to_28_february():
    assert rules.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert rules.within_twelve_months(date(2024, 2, 29), date(2025, 2, 28))
    assert not rules.within_twelve_months(date(2024, 2, 29), date(2025, 3, 1))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 800))
def test_within_twelve_months_is_between_365_and_366_days(earlier, gap):
    later = earlier + timedelta(days=gap)
    inside = rules.within_twelve_months(earlier, later)
    if gap <= 364:
        assert inside
    if gap >= 367:
        assert not inside
    # Monotone: once outside, every later day is outside.
    if not inside:
        assert not rules.within_twelve_months(earlier, later + timedelta(days=1))


# --- criteria ------------------------------------------------------------------------------------


def _incident(i, on, victim=1, perpetrator=2, dash=None, judgement=None):
    return IncidentFacts(i, on, victim, perpetrator, dash, judgement)


def test_visible_high_risk_at_fourteen_not_thirteen():
    on = date(2026, 3, 2)
    high = rules.criteria(_incident(1, on, dash=14), victim_incidents=[], victim_referrals=[])
    assert [f.criterion for f in high] == [Criterion.VISIBLE_HIGH_RISK]
    medium = rules.criteria(_incident(1, on, dash=13), victim_incidents=[], victim_referrals=[])
    assert medium == []


def test_professional_judgement_puts_a_lower_count_on_the_board():
    on = date(2026, 3, 2)
    found = rules.criteria(
        _incident(1, on, dash=6, judgement="high"), victim_incidents=[], victim_referrals=[]
    )
    assert [f.criterion for f in found] == [Criterion.PROFESSIONAL_JUDGEMENT]
    medium = rules.criteria(
        _incident(1, on, dash=6, judgement="medium"), victim_incidents=[], victim_referrals=[]
    )
    assert medium == []


def test_escalation_needs_three_incidents_of_the_victim_in_twelve_months():
    on = date(2026, 3, 2)
    me = _incident(3, on)
    two_before = [_incident(1, date(2025, 3, 2)), _incident(2, date(2025, 9, 1))]
    found = rules.criteria(me, victim_incidents=[*two_before, me], victim_referrals=[])
    assert [f.criterion for f in found] == [Criterion.POTENTIAL_ESCALATION]
    assert "3 incidents" in found[0].reason
    # One day further back and the first falls out of the window.
    older = [_incident(1, date(2025, 3, 1)), _incident(2, date(2025, 9, 1))]
    assert rules.criteria(me, victim_incidents=[*older, me], victim_referrals=[]) == []
    # Another victim's incidents never count.
    others = [_incident(1, on, victim=9), _incident(2, on, victim=9)]
    assert rules.criteria(me, victim_incidents=others, victim_referrals=[]) == []


@given(st.lists(st.integers(0, 400), max_size=8))
def test_escalation_counts_exactly_the_window(gaps):
    on = date(2026, 6, 1)
    me = _incident(0, on)
    history = [_incident(i + 1, on - timedelta(days=g)) for i, g in enumerate(gaps)]
    expected = 1 + sum(1 for g in gaps if rules.within_twelve_months(on - timedelta(days=g), on))
    assert rules.incidents_in_window(me, history) == expected
    found = {f.criterion for f in rules.criteria(me, victim_incidents=history, victim_referrals=[])}
    assert (Criterion.POTENTIAL_ESCALATION in found) == (expected >= 3)


def test_marac_repeat_same_pair_within_twelve_months_of_the_last_referral():
    referral = ReferralFacts(1, date(2025, 6, 10), victim=1, perpetrator=2, incident=100)
    on_time = _incident(5, date(2026, 6, 10))
    late = _incident(5, date(2026, 6, 11))
    other_perpetrator = _incident(5, date(2026, 1, 1), perpetrator=7)

    def crit(i):
        return [
            f.criterion for f in rules.criteria(i, victim_incidents=[], victim_referrals=[referral])
        ]

    assert crit(on_time) == [Criterion.MARAC_REPEAT]
    assert crit(late) == []
    assert crit(other_perpetrator) == []


def test_the_referred_incident_itself_is_not_its_own_repeat_and_the_last_referral_counts():
    first = ReferralFacts(1, date(2025, 1, 10), victim=1, perpetrator=2, incident=100)
    later = ReferralFacts(2, date(2025, 12, 1), victim=1, perpetrator=3, incident=101)
    assert not rules.is_marac_repeat(_incident(100, date(2025, 1, 10)), [first])
    # The last referral named another perpetrator: no repeat for the first pair.
    assert not rules.is_marac_repeat(_incident(5, date(2026, 1, 2)), [first, later])
    assert rules.is_marac_repeat(_incident(5, date(2026, 1, 2), perpetrator=3), [first, later])


def test_no_victim_or_perpetrator_is_never_a_repeat():
    referral = ReferralFacts(1, date(2025, 6, 10), victim=1, perpetrator=2)
    assert not rules.is_marac_repeat(_incident(5, date(2025, 7, 1), perpetrator=None), [referral])


# --- the board day and MARAC dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "board"),
    [
        (date(2026, 3, 2), date(2026, 3, 3)),  # Monday -> Tuesday
        (date(2026, 3, 6), date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday -> Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday -> Monday
        (date(2026, 4, 2), date(2026, 4, 7)),  # Thursday before Easter -> Tuesday after
        (date(2026, 12, 24), date(2026, 12, 29)),  # Christmas Eve -> Tuesday 29th
    ],
)
def test_board_day(received, board):
    assert rules.board_day(received, CAL) == board


@given(days_2026)
def test_every_day_lands_on_exactly_one_working_board(day):
    board = rules.board_day(day, CAL)
    assert CAL.is_working_day(board)
    assert board > day
    first, last = rules.received_days(board, CAL)
    assert first <= day <= last
    # No working day lies strictly between the receipt and its board, except its first day.
    between = [day + timedelta(days=n) for n in range(1, (board - day).days)]
    assert not any(CAL.is_working_day(d) for d in between)


def test_marac_dates_every_fortnight_and_rolled_off_holidays():
    anchor = date(2026, 3, 26)  # a Thursday
    found = rules.marac_dates(anchor, date(2026, 3, 1), date(2026, 5, 31), CAL)
    assert found == [
        date(2026, 3, 12),
        date(2026, 3, 26),
        date(2026, 4, 9),
        date(2026, 4, 23),
        date(2026, 5, 7),
        date(2026, 5, 21),
    ]
    # A meeting falling on Christmas Day moves to the next working day.
    christmas = rules.marac_dates(date(2026, 12, 25), date(2026, 12, 20), date(2026, 12, 31), CAL)
    assert christmas == [date(2026, 12, 29)]


@given(days_2026)
def test_a_referral_gets_a_meeting_after_five_working_days_within_a_month(day):
    anchor = date(2026, 1, 7)
    meeting = rules.meeting_for_referral(day, anchor, CAL)
    assert CAL.is_working_day(meeting)
    assert CAL.working_days_between(day, meeting) >= rules.MARAC_RESEARCH_WORKING_DAYS
    assert (meeting - day).days <= 14 + 7 + 5


def test_scorecard_measures():
    assert rules.repeat_rate(0, 0) is None
    assert rules.repeat_rate(7, 20) == 35.0
    assert rules.volume_per_10k_women(160, 40_000) == 40.0
    assert rules.volume_per_10k_women(1, 0) is None
