"""The SPC engine at its edges: every rule, its precedence, periods, variation and assurance.

Series are built so that each rule's edge is exact (values as Decimal or Fraction, compared
exactly by the engine), and the tests check the geometry they rely on (a point really is on the
limit, in the band, on the mean) before checking the label.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from safeguard.performance.spc import (
    Assurance,
    SpecialCause,
    Variation,
    analyse,
    assurance_of,
    variation_of,
)

D = Decimal
ALTERNATING = [12, 10, 12, 10]


def causes(values, **options) -> list[str]:
    return [point.special_cause.value for point in analyse(values, **options).points]


def flagged(values, **options) -> dict[int, str]:
    return {i: cause for i, cause in enumerate(causes(values, **options)) if cause != "none"}


# --- limits -------------------------------------------------------------------------------------

# 14 points of noise and a 15th chosen so that it lands exactly on the upper limit (solved
# exactly: the point moves the mean and the moving range, and so the limit, with it).
ON_THE_LIMIT = [11, 13, 12, 11, 10, 13, 10, 11, 10, 10, 10, 11, 10, 11, 15]


def test_limits_are_mean_plus_and_minus_2_66_mean_moving_ranges() -> None:
    period = analyse([10, 12, 11, 15]).periods[0]
    assert period.mean == Fraction(12)
    assert period.mean_moving_range == Fraction(2 + 1 + 4, 3)
    assert period.upper_limit == 12 + Fraction("2.66") * Fraction(7, 3)
    assert period.lower_limit == 12 - Fraction("2.66") * Fraction(7, 3)
    assert period.near_upper == 12 + Fraction("2.66") * 2 / 3 * Fraction(7, 3)


def test_a_point_exactly_on_the_upper_limit_is_not_a_special_cause() -> None:
    result = analyse(ON_THE_LIMIT)
    assert result.periods[0].upper_limit == 15
    assert result.points[-1].special_cause is SpecialCause.NONE


def test_a_point_just_above_the_upper_limit_is() -> None:
    values = [*ON_THE_LIMIT[:-1], D("15.0001")]
    result = analyse(values)
    assert result.periods[0].upper_limit < D("15.0001")
    assert result.points[-1].special_cause is SpecialCause.ABOVE_UPPER_LIMIT


def test_a_point_just_below_the_upper_limit_is_not() -> None:
    assert causes([*ON_THE_LIMIT[:-1], D("14.9999")])[-1] == "none"


def test_the_lower_limit_mirrors_the_upper() -> None:
    mirrored = [30 - v for v in ON_THE_LIMIT]
    result = analyse(mirrored)
    assert result.periods[0].lower_limit == 15
    assert result.points[-1].special_cause is SpecialCause.NONE
    assert causes([*mirrored[:-1], D("14.9999")])[-1] == "below_lower_limit"


def test_limits_are_not_clipped_at_zero() -> None:
    assert analyse([0, 5, 0, 5]).periods[0].lower_limit < 0


def test_a_constant_series_has_no_special_cause() -> None:
    result = analyse([7] * 20)
    assert result.periods[0].upper_limit == result.periods[0].lower_limit == 7
    assert {p.special_cause for p in result.points} == {SpecialCause.NONE}


# --- runs ---------------------------------------------------------------------------------------

RUN = [D(x) for x in ["10.0", "10.2", "10.4", "10.6", "10.8", "11.0", "11.2"]]
BEFORE_RISE, AFTER_RISE = [10, 12] * 4, [10, 12, 10, 12]  # a fall into the run, a fall out
BEFORE_FALL, AFTER_FALL = [12, 10] * 4, [12, 10, 12, 10]


def test_six_consecutive_increases_are_a_run() -> None:
    values = [*BEFORE_RISE, *RUN, *AFTER_RISE]
    assert flagged(values) == dict.fromkeys(range(8, 15), "run_increasing")


def test_five_consecutive_increases_are_not() -> None:
    assert flagged([*BEFORE_RISE, *RUN[:6], *AFTER_RISE]) == {}


def test_six_consecutive_decreases_are_a_run() -> None:
    values = [*BEFORE_FALL, *reversed(RUN), *AFTER_FALL]
    assert flagged(values) == dict.fromkeys(range(8, 15), "run_decreasing")
    assert flagged([*BEFORE_FALL, *reversed(RUN[:6]), *AFTER_FALL]) == {}


def test_an_equal_neighbour_breaks_a_run() -> None:
    stalled = [*RUN[:3], RUN[2], *RUN[3:]]
    assert flagged([*BEFORE_RISE, *stalled, *AFTER_RISE]) == {}


def test_a_longer_run_flags_every_point_of_it() -> None:
    values = [*BEFORE_RISE, *RUN, D("11.4"), D("11.6"), *AFTER_RISE]
    assert flagged(values) == dict.fromkeys(range(8, 17), "run_increasing")


PEAK = [4, 0, 4, 0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 4, 0, 4]  # the peak, 7, at index 10


def test_a_peak_keeps_the_label_of_the_run_it_ends() -> None:
    assert flagged(PEAK) == {
        **dict.fromkeys(range(3, 11), "run_increasing"),
        **dict.fromkeys(range(11, 17), "run_decreasing"),
    }


# --- two of three -------------------------------------------------------------------------------

NOISE = [1, -1] * 6


def _two_of_three(first, middle, last) -> list:
    """Noise around 0, the window above, more noise, the mirrored window below: mean exactly 0."""
    return [*NOISE, first, middle, last, *[-1, 1] * 3, -first, -middle, -last, *[1, -1] * 3]


def test_two_of_three_in_the_band_flags_only_the_band_points() -> None:
    values = _two_of_three(6, D("0.5"), D("6.5"))
    period = analyse(values).periods[0]
    assert period.mean == 0
    assert period.near_upper < 6 < D("6.5") <= period.upper_limit
    assert 0 < D("0.5") <= period.near_upper
    assert flagged(values) == {
        12: "two_of_three_above",
        14: "two_of_three_above",
        21: "two_of_three_below",
        23: "two_of_three_below",
    }


def test_two_adjacent_band_points_are_two_of_three() -> None:
    values = _two_of_three(6, 6, D("0.5"))
    assert flagged(values) == {
        12: "two_of_three_above",
        13: "two_of_three_above",
        21: "two_of_three_below",
        22: "two_of_three_below",
    }


def test_two_of_three_needs_the_third_point_on_the_same_side_of_the_mean() -> None:
    values = _two_of_three(6, D("-0.5"), D("6.5"))
    period = analyse(values).periods[0]
    assert period.mean == 0
    assert period.near_upper < 6 < D("6.5") <= period.upper_limit
    assert flagged(values) == {}


def test_a_third_point_on_the_mean_breaks_two_of_three() -> None:
    assert flagged(_two_of_three(6, 0, D("6.5"))) == {}


def test_one_band_point_in_three_is_not_two_of_three() -> None:
    assert flagged(_two_of_three(6, D("0.5"), D("0.5"))) == {}


def _with_last_band_point(b) -> list:
    return [*NOISE, 6, D("0.5"), b, *[-1, 1] * 3, -6, D("-0.5"), D("-6.5"), *[1, -1] * 3]


def _solve_near_upper() -> Fraction:
    """The b for which b is exactly the near-upper limit of its own series (linear in b here)."""

    def near(b: Fraction) -> Fraction:
        return analyse(_with_last_band_point(b)).periods[0].near_upper

    slope = near(Fraction(6)) - near(Fraction(5))
    return (near(Fraction(5)) - 5 * slope) / (1 - slope)


def test_a_point_exactly_on_the_near_limit_is_not_in_the_band() -> None:
    b = _solve_near_upper()
    values = _with_last_band_point(b)
    period = analyse(values).periods[0]
    assert period.near_upper == b and period.near_upper < 6 <= period.upper_limit
    assert 14 not in flagged(values) and 12 not in flagged(values)


def test_a_point_just_beyond_the_near_limit_is() -> None:
    values = _with_last_band_point(_solve_near_upper() + Fraction(1, 10**9))
    assert flagged(values)[12] == flagged(values)[14] == "two_of_three_above"


# --- shifts -------------------------------------------------------------------------------------


def _shifts(length: int, middle: Decimal | None = None) -> list:
    """7-or-6 points at 11.5 then at 10.5, between alternating noise: mean exactly 11."""
    above = [D("11.5")] * length
    below = [D("10.5")] * length
    if middle is not None:
        above[length // 2] = middle
        below[length // 2] = 22 - middle
    return [*ALTERNATING, *above, 10, 12, *below, 12, 10]


def test_seven_points_on_one_side_of_the_mean_are_a_shift() -> None:
    values = _shifts(7)
    assert analyse(values).periods[0].mean == 11
    assert flagged(values) == {
        **dict.fromkeys(range(4, 11), "shift_above"),
        **dict.fromkeys(range(13, 20), "shift_below"),
    }


def test_six_points_are_not() -> None:
    assert flagged(_shifts(6)) == {}


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    values = _shifts(7, middle=D(11))
    assert analyse(values).periods[0].mean == 11
    assert flagged(values) == {}


# --- precedence ---------------------------------------------------------------------------------


def test_outside_the_limits_outranks_a_run() -> None:
    values = [*NOISE, -3, -2, -1, 0, 1, 2, 30, *[-1, 1] * 5]
    assert flagged(values) == {
        **dict.fromkeys(range(12, 18), "run_increasing"),
        18: "above_upper_limit",
    }


def test_a_run_outranks_two_of_three() -> None:
    values = [*NOISE, -2, -1, 0, 1, 2, 4, 5, *[-1, 1] * 6, -5, -4, -2, -1, 0, 1, 2]
    period = analyse(values).periods[0]
    # 4 and 5 are in the upper band with 2 (above the mean): a two-of-three window...
    assert period.mean < 2 and period.near_upper < 4 < 5 <= period.upper_limit
    # ...and -5, -4 in the lower band with -2 (below the mean): another.
    assert period.lower_limit <= -5 < -4 < period.near_lower and period.mean > -2
    labels = flagged(values)
    assert labels == {
        **dict.fromkeys(range(12, 19), "run_increasing"),
        **dict.fromkeys(range(31, 38), "run_increasing"),
    }


def test_two_of_three_outranks_a_shift() -> None:
    values = [*NOISE, -1, 1, 2, 6, 1, D("6.5"), 1, 2, *[-1, 1] * 5]
    values += [-1, -2, -6, -1, D("-6.5"), -1, -2, 1, -1, 1, -1]
    period = analyse(values).periods[0]
    assert period.near_upper < 6 < D("6.5") <= period.upper_limit
    assert flagged(values) == {
        13: "shift_above",
        14: "shift_above",
        15: "two_of_three_above",
        16: "shift_above",
        17: "two_of_three_above",
        18: "shift_above",
        19: "shift_above",
        30: "shift_below",
        31: "shift_below",
        32: "two_of_three_below",
        33: "shift_below",
        34: "two_of_three_below",
        35: "shift_below",
        36: "shift_below",
    }


# --- recalculation ------------------------------------------------------------------------------

LOW = [10, 11] * 6
HIGH = [20, 21] * 6


def test_without_recalculation_a_step_change_is_a_special_cause() -> None:
    result = analyse(LOW + HIGH)
    assert len(result.periods) == 1
    assert all(p.special_cause is not SpecialCause.NONE for p in result.points)


def test_recalculation_gives_each_period_its_own_limits() -> None:
    result = analyse(LOW + HIGH, recalculate_at=[12])
    first, second = result.periods
    assert (first.start, first.stop, first.mean) == (0, 12, Fraction(21, 2))
    assert (second.start, second.stop, second.mean) == (12, 24, Fraction(41, 2))
    assert first.mean_moving_range == second.mean_moving_range == 1
    assert [p.period for p in result.points] == [0] * 12 + [1] * 12
    assert {p.mean for p in result.points[:12]} == {10.5}
    assert {p.upper_limit for p in result.points[12:]} == {
        float(Fraction(41, 2) + Fraction("2.66"))
    }
    assert {p.special_cause for p in result.points} == {SpecialCause.NONE}


def test_rules_do_not_cross_a_recalculation_point() -> None:
    values = [10, 12, 10, 12, 8, 9, 10, 11, 12, 13, 14, 12, 10, 12, 10]
    assert flagged(values) == dict.fromkeys(range(4, 11), "run_increasing")
    # Split the run 3 + 4 across two periods: neither part is 7 points.
    assert flagged(values, recalculate_at=[7]) == {}


def test_several_recalculation_points() -> None:
    result = analyse(LOW + HIGH + LOW, recalculate_at=[12, 24])
    assert [(p.start, p.stop) for p in result.periods] == [(0, 12), (12, 24), (24, 36)]
    assert {p.special_cause for p in result.points} == {SpecialCause.NONE}


@pytest.mark.parametrize(
    ("recalculate_at", "message"),
    [
        ([0], "from 1 to 23"),
        ([24], "from 1 to 23"),
        ([-1], "from 1 to 23"),
        ([12, 12], "increasing order"),
        ([14, 12], "increasing order"),
        ([23], "at least 2 points"),
        ([12, 13], "at least 2 points"),
    ],
)
def test_bad_recalculation_points_are_refused(recalculate_at, message) -> None:
    with pytest.raises(ValueError, match=message):
        analyse(LOW + HIGH, recalculate_at=recalculate_at)


# --- trial limits -------------------------------------------------------------------------------


def test_eleven_points_are_trial_limits() -> None:
    result = analyse([10, 11] * 5 + [10])
    assert len(result.points) == 11
    assert result.trial_limits and result.periods[0].trial_limits


def test_twelve_points_are_not() -> None:
    result = analyse([10, 11] * 6)
    assert not result.trial_limits and not result.periods[0].trial_limits


def test_trial_limits_are_per_period() -> None:
    result = analyse(LOW + HIGH[:11], recalculate_at=[12])
    assert [p.trial_limits for p in result.periods] == [False, True]
    assert result.trial_limits


# --- variation ----------------------------------------------------------------------------------

HIGH_CAUSES = ["above_upper_limit", "run_increasing", "two_of_three_above", "shift_above"]
LOW_CAUSES = ["below_lower_limit", "run_decreasing", "two_of_three_below", "shift_below"]


@pytest.mark.parametrize("cause", HIGH_CAUSES)
def test_a_high_cause_reads_by_direction(cause: str) -> None:
    assert variation_of(SpecialCause(cause), "up") is Variation.IMPROVEMENT
    assert variation_of(SpecialCause(cause), "down") is Variation.CONCERN
    assert variation_of(SpecialCause(cause), "neither") is Variation.NEUTRAL_HIGH


@pytest.mark.parametrize("cause", LOW_CAUSES)
def test_a_low_cause_reads_the_other_way(cause: str) -> None:
    assert variation_of(SpecialCause(cause), "up") is Variation.CONCERN
    assert variation_of(SpecialCause(cause), "down") is Variation.IMPROVEMENT
    assert variation_of(SpecialCause(cause), "neither") is Variation.NEUTRAL_LOW


@pytest.mark.parametrize("improvement", ["up", "down", "neither"])
def test_no_special_cause_is_common_cause(improvement) -> None:
    assert variation_of(SpecialCause.NONE, improvement) is Variation.COMMON_CAUSE


def test_every_cause_is_high_or_low() -> None:
    assert set(HIGH_CAUSES) | set(LOW_CAUSES) | {"none"} == {c.value for c in SpecialCause}


@pytest.mark.parametrize(
    ("improvement", "rising", "falling"),
    [
        ("up", "improvement", "concern"),
        ("down", "concern", "improvement"),
        ("neither", "neutral_high", "neutral_low"),
    ],
)
def test_variation_on_a_series(improvement, rising, falling) -> None:
    result = analyse(PEAK, improvement=improvement)
    assert [p.variation.value for p in result.points] == (
        ["common_cause"] * 3 + [rising] * 8 + [falling] * 6 + ["common_cause"] * 3
    )


def test_a_run_rising_below_the_mean_reads_as_rising() -> None:
    values = [*NOISE, 10, 10, 5, *[-1, 1] * 3, -5, -4, -3, -2, -1, D("-0.5"), D("-0.25"), -1, 1]
    result = analyse(values, improvement="up")
    period = result.periods[0]
    run = result.points[21:28]
    assert all(v < period.mean for v in values[21:28])
    assert {p.special_cause for p in run} == {SpecialCause.RUN_INCREASING}
    assert {p.variation for p in run} == {Variation.IMPROVEMENT}


def test_common_cause_points_read_as_common_cause() -> None:
    result = analyse(LOW, improvement="down")
    assert {p.variation for p in result.points} == {Variation.COMMON_CAUSE}


# --- assurance ----------------------------------------------------------------------------------

# LOW: mean 10.5, mean moving range 1, limits 7.84 and 13.16.


@pytest.mark.parametrize(
    ("target", "improvement", "expected"),
    [
        (D("13.17"), "up", "fail"),
        (D("13.17"), "down", "pass"),
        (D("7.83"), "up", "pass"),
        (D("7.83"), "down", "fail"),
        (D("13.16"), "up", "inconsistent"),  # exactly on the upper limit
        (D("7.84"), "down", "inconsistent"),  # exactly on the lower limit
        (D("10.5"), "up", "inconsistent"),
        (D("10.5"), "down", "inconsistent"),
        (D("13.17"), "neither", None),
        (D("7.83"), "neither", None),
        (None, "up", None),
        (None, "down", None),
    ],
)
def test_assurance(target, improvement, expected) -> None:
    result = analyse(LOW, improvement=improvement, target=target)
    assert result.periods[0].lower_limit == D("7.84")
    assert result.periods[0].upper_limit == D("13.16")
    got = result.periods[0].assurance
    assert (None if got is None else got.value) == expected
    assert {p.assurance for p in result.points} == {got}


def test_assurance_is_per_period() -> None:
    result = analyse(LOW + HIGH, target=15, recalculate_at=[12])
    assert [p.assurance for p in result.periods] == [Assurance.FAIL, Assurance.PASS]
    assert [p.assurance for p in result.points] == [Assurance.FAIL] * 12 + [Assurance.PASS] * 12


def test_assurance_of_directly() -> None:
    lower, upper = Fraction(1), Fraction(3)
    assert assurance_of(Fraction(4), lower, upper, "up") is Assurance.FAIL
    assert assurance_of(Fraction(0), lower, upper, "up") is Assurance.PASS
    assert assurance_of(Fraction(3), lower, upper, "up") is Assurance.INCONSISTENT
    assert assurance_of(Fraction(1), lower, upper, "down") is Assurance.INCONSISTENT


# --- input --------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [[], [1]])
def test_fewer_than_two_points_are_refused(values) -> None:
    with pytest.raises(ValueError, match="at least 2 points"):
        analyse(values)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), D("NaN"), D("-Infinity")])
def test_non_finite_values_are_refused(bad) -> None:
    with pytest.raises(ValueError, match="value 2 is not a finite number"):
        analyse([1, bad, 3])


def test_a_non_finite_target_is_refused() -> None:
    with pytest.raises(ValueError, match="target"):
        analyse([1, 2, 3], target=float("nan"))


def test_an_unknown_improvement_is_refused() -> None:
    with pytest.raises(ValueError, match="up, down or neither"):
        analyse([1, 2, 3], improvement="sideways")  # type: ignore[arg-type]


def test_floats_decimals_and_fractions_give_the_same_reading() -> None:
    as_floats = analyse([10.5, 12.25, 11.0, 15.75])
    as_decimals = analyse([D("10.5"), D("12.25"), D("11.0"), D("15.75")])
    as_fractions = analyse([Fraction(21, 2), Fraction(49, 4), Fraction(11), Fraction(63, 4)])
    assert as_floats == as_decimals == as_fractions


def test_points_carry_display_floats() -> None:
    point = analyse([D("0.1"), D("0.2"), D("0.3")]).points[0]
    assert point.value == 0.1
    assert point.mean == pytest.approx(0.2)
    assert point.index == 0 and point.period == 0
