"""Properties of the SPC engine over generated series, and an independent oracle for the labels.

Values are small integers and short decimals so that ties, runs, points on the mean and points
on the limits all turn up often; the engine is exact, so the properties are checked with ``==``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.performance.spc import (
    HIGH_CAUSES,
    LIMIT,
    NEAR_LIMIT,
    SpcResult,
    SpecialCause,
    Variation,
    analyse,
)

settings.register_profile("spc", max_examples=300, deadline=None)
settings.load_profile("spc")

small = st.integers(min_value=-6, max_value=6)
decimal = st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False, allow_infinity=False)
values = st.one_of(
    st.lists(small, min_size=2, max_size=40), st.lists(decimal, min_size=2, max_size=40)
)
improvements = st.sampled_from(["up", "down", "neither"])

MIRROR = {
    SpecialCause.NONE: SpecialCause.NONE,
    SpecialCause.ABOVE_UPPER_LIMIT: SpecialCause.BELOW_LOWER_LIMIT,
    SpecialCause.BELOW_LOWER_LIMIT: SpecialCause.ABOVE_UPPER_LIMIT,
    SpecialCause.RUN_INCREASING: SpecialCause.RUN_DECREASING,
    SpecialCause.RUN_DECREASING: SpecialCause.RUN_INCREASING,
    SpecialCause.TWO_OF_THREE_ABOVE: SpecialCause.TWO_OF_THREE_BELOW,
    SpecialCause.TWO_OF_THREE_BELOW: SpecialCause.TWO_OF_THREE_ABOVE,
    SpecialCause.SHIFT_ABOVE: SpecialCause.SHIFT_BELOW,
    SpecialCause.SHIFT_BELOW: SpecialCause.SHIFT_ABOVE,
}


@st.composite
def series_with_periods(draw: st.DrawFn) -> tuple[list, list[int]]:
    """A series and valid recalculation points (every period at least 2 points)."""
    series = draw(values)
    candidates = list(range(2, len(series) - 1))
    chosen = sorted(draw(st.sets(st.sampled_from(candidates), max_size=3))) if candidates else []
    starts: list[int] = []
    for index in chosen:
        if index - (starts[-1] if starts else 0) >= 2:
            starts.append(index)
    return series, starts


def labels(result: SpcResult) -> list[SpecialCause]:
    return [point.special_cause for point in result.points]


@given(series_with_periods())
def test_limits_are_symmetric_about_the_mean_and_ordered(case) -> None:
    series, starts = case
    for period in analyse(series, recalculate_at=starts).periods:
        assert period.upper_limit - period.mean == period.mean - period.lower_limit
        assert period.near_upper - period.mean == period.mean - period.near_lower
        assert period.lower_limit <= period.near_lower <= period.mean
        assert period.mean <= period.near_upper <= period.upper_limit
        assert period.mean_moving_range >= 0


@given(st.one_of(small, decimal), st.integers(min_value=2, max_value=40), improvements)
def test_a_constant_series_has_no_special_cause(value, length, improvement) -> None:
    result = analyse([value] * length, improvement=improvement)
    assert set(labels(result)) == {SpecialCause.NONE}
    assert {p.variation for p in result.points} == {Variation.COMMON_CAUSE}


@given(series_with_periods(), st.one_of(small, decimal))
def test_shifting_every_value_shifts_mean_and_limits_and_keeps_the_causes(case, constant) -> None:
    series, starts = case
    before = analyse(series, recalculate_at=starts)
    after = analyse([v + constant for v in series], recalculate_at=starts)
    assert labels(after) == labels(before)
    for old, new in zip(before.periods, after.periods, strict=True):
        assert new.mean == old.mean + Fraction(constant)
        assert new.lower_limit == old.lower_limit + Fraction(constant)
        assert new.upper_limit == old.upper_limit + Fraction(constant)
        assert new.mean_moving_range == old.mean_moving_range


@given(
    series_with_periods(),
    st.fractions(min_value=Fraction(1, 1000), max_value=1000).filter(lambda k: k > 0),
)
def test_scaling_by_a_positive_constant_keeps_the_causes(case, factor) -> None:
    series, starts = case
    before = analyse(series, recalculate_at=starts)
    after = analyse([Fraction(v) * factor for v in series], recalculate_at=starts)
    assert labels(after) == labels(before)
    for old, new in zip(before.periods, after.periods, strict=True):
        assert (new.mean, new.upper_limit) == (old.mean * factor, old.upper_limit * factor)


@given(series_with_periods())
def test_negating_the_series_mirrors_every_cause(case) -> None:
    series, starts = case
    before = analyse(series, recalculate_at=starts)
    after = analyse([-v for v in series], recalculate_at=starts)
    assert labels(after) == [MIRROR[cause] for cause in labels(before)]


SWAP = {
    Variation.IMPROVEMENT: Variation.CONCERN,
    Variation.CONCERN: Variation.IMPROVEMENT,
    Variation.COMMON_CAUSE: Variation.COMMON_CAUSE,
}


@given(series_with_periods(), st.one_of(st.none(), small))
def test_reversing_up_and_down_swaps_improvement_and_concern(case, target) -> None:
    series, starts = case
    up = analyse(series, improvement="up", target=target, recalculate_at=starts)
    down = analyse(series, improvement="down", target=target, recalculate_at=starts)
    neither = analyse(series, improvement="neither", target=target, recalculate_at=starts)
    assert labels(up) == labels(down) == labels(neither)
    assert [SWAP[p.variation] for p in up.points] == [p.variation for p in down.points]
    for point in neither.points:
        expected = (
            Variation.COMMON_CAUSE
            if point.special_cause is SpecialCause.NONE
            else Variation.NEUTRAL_HIGH
            if point.special_cause in HIGH_CAUSES
            else Variation.NEUTRAL_LOW
        )
        assert point.variation is expected
        assert point.assurance is None
    pass_fail = {"pass": "fail", "fail": "pass", "inconsistent": "inconsistent", None: None}
    for a, b in zip(up.periods, down.periods, strict=True):
        assert pass_fail[a.assurance and a.assurance.value] == (b.assurance and b.assurance.value)


@given(series_with_periods(), improvements)
def test_the_engine_is_pure_and_deterministic(case, improvement) -> None:
    series, starts = case
    kept = list(series)
    first = analyse(series, improvement=improvement, recalculate_at=starts)
    assert analyse(series, improvement=improvement, recalculate_at=starts) == first
    assert series == kept


# --- an independent oracle ----------------------------------------------------------------------


def oracle(series: list) -> list[str]:
    """The labels from the rules as DESIGN.md words them, one period, written point by point.

    Deliberately naive (every window that contains the point is tried), so that it shares no
    code or structure with the engine.
    """
    ys = [Fraction(v) for v in series]
    n = len(ys)
    mean = sum(ys, Fraction(0)) / n
    mr = sum((abs(ys[i] - ys[i - 1]) for i in range(1, n)), Fraction(0)) / (n - 1)
    upper, lower = mean + LIMIT * mr, mean - LIMIT * mr
    near_upper, near_lower = mean + NEAR_LIMIT * mr, mean - NEAR_LIMIT * mr

    def windows(i: int, size: int) -> list[range]:
        return [range(s, s + size) for s in range(i - size + 1, i + 1) if s >= 0 and s + size <= n]

    def rising(w: range) -> bool:
        return all(ys[j] > ys[j - 1] for j in list(w)[1:])

    def falling(w: range) -> bool:
        return all(ys[j] < ys[j - 1] for j in list(w)[1:])

    def in_band(j: int) -> bool:
        return near_upper < ys[j] <= upper or lower <= ys[j] < near_lower

    result = []
    for i, y in enumerate(ys):
        up = any(rising(w) for w in windows(i, 7))
        down = any(falling(w) for w in windows(i, 7))
        above = y > mean
        two_of_three = in_band(i) and any(
            all((ys[j] > mean) == above and ys[j] != mean for j in w)
            and sum(in_band(j) for j in w) >= 2
            for w in windows(i, 3)
        )
        shift = y != mean and any(
            all(ys[j] != mean and (ys[j] > mean) == above for j in w) for w in windows(i, 7)
        )
        if y > upper:
            result.append("above_upper_limit")
        elif y < lower:
            result.append("below_lower_limit")
        elif up and down:  # a peak ends a rise, a trough ends a fall
            result.append("run_increasing" if ys[i] > ys[i - 1] else "run_decreasing")
        elif up or down:
            result.append("run_increasing" if up else "run_decreasing")
        elif two_of_three:
            result.append("two_of_three_above" if above else "two_of_three_below")
        elif shift:
            result.append("shift_above" if above else "shift_below")
        else:
            result.append("none")
    return result


@given(values)
def test_the_engine_agrees_with_the_oracle(series) -> None:
    assert [c.value for c in labels(analyse(series))] == oracle(series)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=7, max_size=30))
def test_the_engine_agrees_with_the_oracle_on_tie_heavy_series(series) -> None:
    assert [c.value for c in labels(analyse(series))] == oracle(series)


def test_decimal_and_integer_inputs_are_the_same_reading() -> None:
    series = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    assert analyse(series) == analyse([Decimal(v) for v in series])
