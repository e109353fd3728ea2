"""Pure logic: periods, what a unit allows, and a series read as a chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.performance import analysis, charts, periods, rules, spc


@pytest.mark.parametrize(
    ("text", "frequency", "expected"),
    [
        ("2023-04", "monthly", date(2023, 4, 1)),
        ("2023-01", "quarterly", date(2023, 1, 1)),
        ("2023-10", "quarterly", date(2023, 10, 1)),
        (" 2023-04 ", "annual", date(2023, 4, 1)),
    ],
)
def test_a_period_is_read_from_its_first_month(text, frequency, expected) -> None:
    assert periods.parse(text, frequency) == expected


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("2023-4", "monthly", "year and month"),
        ("2023-13", "monthly", "real month"),
        ("April 2023", "monthly", "year and month"),
        ("2023-02", "quarterly", "January, April, July or October"),
        ("2023-01", "annual", "starts in April"),
    ],
)
def test_a_period_that_is_not_one_is_refused(text, frequency, message) -> None:
    with pytest.raises(ValueError, match=message):
        periods.parse(text, frequency)


def test_period_ends_labels_and_the_latest_ended() -> None:
    assert periods.period_end(date(2024, 2, 1), "monthly") == date(2024, 2, 29)
    assert periods.period_end(date(2023, 10, 1), "quarterly") == date(2023, 12, 31)
    assert periods.period_end(date(2023, 4, 1), "annual") == date(2024, 3, 31)
    assert periods.label(date(2023, 10, 1), "quarterly") == "Oct to Dec 2023"
    assert periods.label(date(2023, 4, 1), "annual") == "2023-24"
    assert periods.label(date(2023, 4, 1), "monthly") == "April 2023"
    assert periods.latest_ended(date(2026, 1, 15), "monthly") == date(2025, 12, 1)
    assert periods.latest_ended(date(2026, 1, 15), "quarterly") == date(2025, 10, 1)
    assert periods.latest_ended(date(2026, 1, 15), "annual") == date(2024, 4, 1)
    assert periods.latest_ended(date(2026, 4, 1), "annual") == date(2025, 4, 1)


def test_gaps_are_found_between_the_first_and_last() -> None:
    starts = [date(2024, 1, 1), date(2024, 2, 1), date(2024, 5, 1)]
    assert periods.missing(starts, "monthly") == [date(2024, 3, 1), date(2024, 4, 1)]
    assert periods.missing([], "monthly") == []


@pytest.mark.parametrize(
    ("text", "unit", "problem"),
    [
        ("100", "percentage", None),
        ("100.01", "percentage", "more than 100"),
        ("0", "count", None),
        ("-0.5", "rate_per_10000", "negative"),
        ("12.5", "count", "whole number"),
        ("1.23456", "percentage", "4 decimal places"),
        ("NaN", "count", "must be a number"),
        ("", "count", "Enter a value"),
        ("87.5%", "percentage", None),
        ("1,204", "count", None),
    ],
)
def test_what_a_unit_allows(text, unit, problem) -> None:
    value, found = rules.parse_value(text, unit)
    if problem is None:
        assert found is None and value is not None
    else:
        assert found is not None and problem in found and value is None


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_every_percentage_from_0_to_100_is_allowed(value: Decimal) -> None:
    assert rules.value_problem(value, "percentage") is None


def test_display_by_unit() -> None:
    assert rules.display(Decimal("1204"), "count") == "1,204"
    assert rules.display(Decimal("87.456"), "percentage") == "87.5%"
    assert rules.display(Decimal("36.8"), "rate_per_10000") == "36.8"
    assert rules.display(None, "count") == "No value"
    assert rules.as_text(Decimal("80.0000")) == "80"


def _months(n: int) -> list[date]:
    start, found = date(2024, 1, 1), []
    for _ in range(n):
        found.append(start)
        start = periods.next_start(start, "monthly")
    return found


def _read(values, **kwargs):
    starts = kwargs.pop("starts", _months(len(values)))
    kwargs.setdefault("frequency", "monthly")
    kwargs.setdefault("polarity", "up")
    kwargs.setdefault("target", None)
    kwargs.setdefault("limits_from", None)
    return analysis.read(starts, [Decimal(v) for v in values], **kwargs)


def test_too_few_values_have_no_chart_and_say_so() -> None:
    reading = _read([5])
    assert reading.result is None
    assert "At least 2 values" in reading.notes[0]
    assert reading.concern_streak() == ()


def test_fewer_than_12_values_are_trial_limits() -> None:
    assert any("trial limits" in n for n in _read([1, 2, 3] * 3 + [2, 2]).notes)
    assert not any("trial limits" in n for n in _read([1, 2, 3] * 4).notes)


def test_gaps_are_reported_not_invented() -> None:
    starts = [date(2024, 1, 1), date(2024, 2, 1), date(2024, 6, 1)]
    reading = _read([1, 2, 3], starts=starts)
    assert "no value for March 2024, April 2024, May 2024" in reading.notes[0]
    assert len(reading.result.points) == 3


def test_limits_are_recalculated_from_the_chosen_period() -> None:
    values = [10, 11, 10, 12, 11, 10, 30, 31, 29, 30, 31, 30]
    reading = _read(values, limits_from=date(2024, 7, 1))
    assert len(reading.result.periods) == 2
    assert reading.result.periods[1].start == 6
    ignored = _read(values, limits_from=date(2024, 12, 1))  # would leave 1 point
    assert len(ignored.result.periods) == 1
    assert any("not recalculated" in n for n in ignored.notes)


def test_the_concern_streak_is_the_run_of_concerns_ending_now() -> None:
    values = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80, 50]
    reading = _read(values, polarity="up")
    assert reading.latest_variation == spc.Variation.CONCERN
    assert reading.concern_streak() == (date(2025, 1, 1),)
    assert _read(values, polarity="down").concern_streak() == ()


def test_the_sparkline_is_svg_with_its_title_escaped() -> None:
    svg = charts.sparkline([Decimal(1), Decimal(3), Decimal(2)], title="A & <B>")
    assert svg.startswith("<svg") and "<title>A &amp; &lt;B&gt;</title>" in svg
    assert svg.count(",") == 3  # three points
    assert charts.sparkline([Decimal(1)], title="one") == ""


def test_the_chart_is_svg_and_the_same_data_draws_the_same_chart() -> None:
    reading = _read([80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80, 50])
    first = charts.xmr_chart(reading, title="ICPC", target=Decimal("90"))
    assert first is not None and first.lstrip().startswith("<?xml")
    assert first == charts.xmr_chart(reading, title="ICPC", target=Decimal("90"))
    assert charts.xmr_chart(_read([1]), title="x", target=None) is None
    assert "latest shows special cause concern" in charts.describe(reading, title="ICPC")


def test_a_return_value_with_an_exponent_is_refused() -> None:
    """Issue 11 item 6: plain decimals only, as the README says."""
    for text in ("1e3", "1E2", "NaN", "Infinity"):
        value, problem = rules.parse_value(text, "count")
        assert value is None and problem == "Value must be a number, like 42 or 87.5", text
    assert rules.parse_value("1,000", "count") == (Decimal(1000), None)
