"""The pure rules at their edges: the four stages and their clocks, the figures, RAG movement,
the standards' text, and when a secure setting's monthly return is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.assurance import rules
from safeguard.core.clock import WorkingCalendar

HOLIDAYS = {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 4, 2)}
CALENDAR = WorkingCalendar.of(
    HOLIDAYS, covers_from=date(2020, 1, 1), covers_until=date(2030, 12, 31)
)
DAYS = st.dates(min_value=date(2021, 1, 1), max_value=date(2029, 12, 1))


# --- Concerns Resolution ----------------------------------------------------------------------


def test_four_stages_in_order_and_none_after_the_partnership() -> None:
    assert [rules.next_stage(n) for n in (1, 2, 3, 4)] == [2, 3, 4, None]
    with pytest.raises(ValueError):
        rules.next_stage(5)
    with pytest.raises(ValueError):
        rules.next_stage(0)


def test_only_an_open_concern_below_the_last_stage_escalates() -> None:
    assert rules.may_escalate(stage=3, status=rules.OPEN)
    assert not rules.may_escalate(stage=4, status=rules.OPEN)
    assert not rules.may_escalate(stage=1, status=rules.RESOLVED)
    assert rules.may_resolve(status=rules.OPEN)
    assert not rules.may_resolve(status=rules.RESOLVED)


def test_a_stage_over_christmas_skips_the_holidays() -> None:
    # Opened Wednesday 23 December 2026: 24 Dec, 29, 30, 31 Dec, 4 Jan.
    assert rules.stage_due(date(2026, 12, 23), CALENDAR) == date(2027, 1, 4)


@given(DAYS)
def test_every_stage_is_due_on_a_working_day_five_working_days_on(opened: date) -> None:
    due = rules.stage_due(opened, CALENDAR)
    assert CALENDAR.is_working_day(due)
    assert CALENDAR.working_days_between(opened, due) == rules.STAGE_WORKING_DAYS
    assert timedelta(days=5) <= due - opened <= timedelta(days=5 + 4 + 4)


@given(st.lists(st.sampled_from(["escalate", "resolve"]), max_size=8))
def test_any_sequence_of_decisions_keeps_a_concern_within_its_stages(steps: list[str]) -> None:
    """A model of the service's state machine: stage never leaves 1..4 or goes back, and a
    resolved concern takes no more decisions."""
    stage, status, seen = 1, rules.OPEN, [1]
    for step in steps:
        if step == "escalate" and rules.may_escalate(stage=stage, status=status):
            following = rules.next_stage(stage)
            assert following == stage + 1
            stage = following
            seen.append(stage)
        elif step == "resolve" and rules.may_resolve(status=status):
            status = rules.RESOLVED
        assert 1 <= stage <= 4
    assert seen == sorted(seen)
    if status == rules.RESOLVED:
        assert not rules.may_escalate(stage=stage, status=status)


FACTS = st.builds(
    rules.EscalationFact,
    theme=st.sampled_from(list(rules.THEMES)),
    status=st.sampled_from([rules.OPEN, rules.RESOLVED]),
    stage=st.integers(1, 4),
    raised_on=DAYS,
    count=st.integers(1, 5),
)


@given(st.lists(FACTS, max_size=40))
def test_figures_account_for_every_concern_once(facts: list[rules.EscalationFact]) -> None:
    figures = rules.escalation_figures(facts)
    total = sum(fact.count for fact in facts)
    assert figures.raised == total
    assert figures.open + sum(figures.resolved_at.values()) == total
    assert sum(figures.themes.values()) == total
    assert list(figures.themes) == [key for key in rules.THEMES if key in figures.themes]
    assert all(count > 0 for count in figures.themes.values())


def test_figures_say_where_concerns_resolved() -> None:
    facts = [
        rules.EscalationFact("threshold", rules.RESOLVED, 2, date(2026, 5, 1)),
        rules.EscalationFact("threshold", rules.RESOLVED, 2, date(2026, 6, 1)),
        rules.EscalationFact("plan", rules.OPEN, 3, date(2026, 7, 1)),
    ]
    figures = rules.escalation_figures(facts)
    assert figures.resolved_at == {1: 0, 2: 2, 3: 0, 4: 0}
    assert figures.open == 1
    assert figures.themes == {"threshold": 2, "plan": 1}


# --- Self-assessments -------------------------------------------------------------------------


def test_each_kind_of_organisation_uses_its_standards() -> None:
    assert rules.template_kind_for("school") == "section_175"
    assert rules.template_kind_for("third_sector") == "faith_third_sector"
    for kind in ("local_authority", "police", "icb", "health_trust", "probation", "other"):
        assert rules.template_kind_for(kind) == "section_11"


RAGS = st.sampled_from([None, *rules.RAG])


@given(RAGS, RAGS)
def test_movement_is_the_order_of_red_amber_green(before: str | None, after: str | None) -> None:
    moved = rules.movement(before, after)
    assert moved in rules.MOVEMENTS
    if before and after:
        order = list(rules.RAG)
        expected = (order.index(after) > order.index(before)) - (
            order.index(after) < order.index(before)
        )
        assert moved == {1: "improved", -1: "declined", 0: "same"}[expected]
        assert (
            rules.movement(after, before)
            == {"improved": "declined", "declined": "improved", "same": "same"}[moved]
        )


def test_movement_of_a_new_or_dropped_standard() -> None:
    assert rules.movement(None, "green") == "new"
    assert rules.movement("red", None) == "not_rated"


def test_standards_one_a_line_with_optional_guidance() -> None:
    text = (
        "Senior leadership | A named board lead\n\n  Safe recruitment  \nVoice of the child|Ask\n"
    )
    assert rules.parse_standards(text) == [
        ("Senior leadership", "A named board lead"),
        ("Safe recruitment", ""),
        ("Voice of the child", "Ask"),
    ]
    assert rules.parse_standards("") == []
    with pytest.raises(ValueError, match="Standard 2 has no title"):
        rules.parse_standards("One\n | only guidance")
    with pytest.raises(ValueError, match="300 characters"):
        rules.parse_standards("x" * 301)


def test_rag_counts_every_colour() -> None:
    assert rules.rag_counts(["red", "green", "green"]) == {"red": 1, "amber": 0, "green": 2}


# --- Secure settings --------------------------------------------------------------------------


def test_a_december_return_is_due_after_the_christmas_holidays() -> None:
    # Working days from 1 January 2027: 4, 5, 6, 7, 8, 11, 12, 13, 14, 15 January.
    assert rules.return_due(date(2026, 12, 1), CALENDAR) == date(2027, 1, 15)


@given(DAYS)
def test_every_return_is_due_on_the_tenth_working_day_of_the_next_month(day: date) -> None:
    month = rules.first_of_month(day)
    due = rules.return_due(month, CALENDAR)
    following = rules.next_month(month)
    assert CALENDAR.is_working_day(due)
    assert following <= due < rules.next_month(following)
    assert CALENDAR.working_days_between(following - timedelta(days=1), due) == 10


@given(DAYS)
def test_months_step_forward_and_back(day: date) -> None:
    month = rules.first_of_month(day)
    assert rules.previous_month(rules.next_month(month)) == month
    assert rules.next_month(month) > month
    assert rules.next_month(month).day == 1


def test_a_financial_year_runs_april_to_march() -> None:
    months = rules.financial_year_months(2021)
    assert months[0] == date(2021, 4, 1)
    assert months[-1] == date(2022, 3, 1)
    assert len(months) == len(rules.MONTH_NAMES) == 12
    assert rules.months_between(date(2021, 11, 15), date(2022, 2, 1)) == [
        date(2021, 11, 1),
        date(2021, 12, 1),
        date(2022, 1, 1),
        date(2022, 2, 1),
    ]


def test_a_total_keeps_a_gap_a_gap() -> None:
    assert rules.total([]) is None
    assert rules.total([None, None]) is None
    assert rules.total([0, None]) == 0
    assert rules.total([3, 4, None]) == 7


# --- Grading scales -----------------------------------------------------------------------------

LABELS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=rules.MAX_LABEL,
).filter(lambda label: label.strip() and "|" not in label)


def test_ofsted_is_the_default_four_point_scale_good_and_above_good_enough() -> None:
    assert rules.OFSTED.keys == tuple(rules.GRADES)
    assert [rules.OFSTED.is_good_enough(k) for k in rules.OFSTED.keys] == [1, 1, 0, 0]
    assert rules.OFSTED.lowest_good_enough.label == "Good"
    assert rules.OFSTED.label("nonsense") == "Not graded"


def test_a_partnerships_scale_keeps_its_order_wording_and_good_enough_line() -> None:
    scale = rules.parse_scale(
        "Strong | Changed things for the child\n\nAdequate\nWeak | Left the child at risk",
        " adequate ",
    )
    assert scale.keys == ("strong", "adequate", "weak")
    assert scale.labels["weak"] == "Weak" and scale.grades[0].wording.startswith("Changed")
    assert scale.good_enough == 2 and scale.lowest_good_enough.label == "Adequate"
    assert scale.counts(["weak", "strong", "weak", "good"]) == {
        "strong": 1,
        "adequate": 0,
        "weak": 2,
    }
    assert scale.good_enough_count(["weak", "strong", "adequate"]) == 2
    assert rules.parse_scale(rules.scale_text(scale), "Adequate") == scale


@pytest.mark.parametrize(
    ("text", "lowest", "message"),
    [
        ("Only one", "Only one", "Enter at least 2 grades"),
        ("\n".join(f"Grade {n}" for n in range(11)), "Grade 1", "at most 10 grades"),
        ("Good\n | no label", "Good", "Grade 2 has no label"),
        ("Good\n" + "x" * 61, "Good", "Grade 2's label must be 60 characters or fewer"),
        ("Good\nGOOD", "Good", "appears twice"),
        ("Good\nPoor", "Fine", "must be one of the grades above"),
        ("Good\nPoor", "Poor", "The lowest grade cannot count as good enough"),
    ],
)
def test_a_scale_is_refused_with_a_message_a_person_can_act_on(
    text: str, lowest: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rules.parse_scale(text, lowest)


@given(
    st.lists(LABELS, min_size=2, max_size=10, unique_by=lambda s: " ".join(s.split()).casefold()),
    st.data(),
)
def test_any_valid_scale_has_unique_short_codes_and_a_good_enough_prefix(
    labels: list[str], data: st.DataObject
) -> None:
    """Whatever the Business Unit types: codes are unique and fit the column, the order is
    theirs, and "good enough" is exactly the grades from the top down to the one they named."""
    line = data.draw(st.integers(min_value=0, max_value=len(labels) - 2))
    scale = rules.parse_scale("\n".join(labels), labels[line])
    assert [g.label for g in scale.grades] == [" ".join(label.split()) for label in labels]
    assert len(set(scale.keys)) == len(labels)
    assert all(0 < len(key) <= rules.MAX_KEY for key in scale.keys)
    good = [scale.is_good_enough(key) for key in scale.keys]
    assert good == [n <= line for n in range(len(labels))]
    assert not good[-1]
    assert sum(scale.counts(scale.keys).values()) == len(labels)


# --- Monthly-return clocks owed -------------------------------------------------------------------


@given(DAYS, st.one_of(st.none(), DAYS))
def test_the_months_owed_are_ended_months_up_to_last_and_never_more_than_the_catch_up(
    today: date, first: date | None
) -> None:
    owed = rules.months_owed(today=today, first_known=first)
    last = rules.previous_month(rules.first_of_month(today))
    assert len(owed) <= rules.CATCH_UP_MONTHS
    assert all(month.day == 1 and month < rules.first_of_month(today) for month in owed)
    assert owed == rules.months_between(owed[0], last) if owed else True
    if first is None:
        assert owed == [last]
    elif rules.first_of_month(first) <= last:
        assert owed[-1] == last
        assert rules.first_of_month(first) in owed or len(owed) == rules.CATCH_UP_MONTHS
    else:
        assert owed == []
