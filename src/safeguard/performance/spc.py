"""Statistical process control (XmR) for the early warning: pure, exact and deterministic.

The rules are NHS England's "Making Data Count" as the NHS-R community's NHSRplotthedots package
implements them, without outlier screening (like the NHS Excel tools). DESIGN.md section 4 is
the specification; the decisions it leaves open are written down here, because an early warning
that flags a different point from the one the partner's own chart flags loses their trust.

Arithmetic: none of it is rounded. Every value is turned into an exact rational number
(``fractions.Fraction``: a float by its exact binary value, a ``Decimal`` or a string-parsed
number by its exact decimal value), and the mean, the moving ranges, the limits (2.66 and 2/3 x
2.66 taken as exact decimals) and every comparison are exact. So a point exactly on a limit is
exactly on it, and "strictly above" means strictly above. Callers that read numbers from text
(the ``safeguard spc`` command) pass ``Decimal`` so that a value is compared as written; the
floats on each :class:`Point` are for display only.

Periods: with no recalculation there is one period, all the points. Each index in
``recalculate_at`` starts a new period there; each period's limits come from its own points only
and apply to its own points only, and every rule is applied within one period (a run, a
two-of-three window or a shift never crosses a recalculation point), as NHSRplotthedots groups
its rules by rebase group. Each period needs at least 2 points (one moving range).

The rules, in order of precedence; each point takes the first that applies:

1. ``above_upper_limit`` / ``below_lower_limit``: strictly above the upper or below the lower
   process limit (mean +/- 2.66 x mean moving range). A point exactly on a limit is not.
2. ``run_increasing`` / ``run_decreasing``: part of 7 consecutive points each strictly higher
   (lower) than the one before, i.e. 6 consecutive strict increases (decreases). This is
   NHSRplotthedots' seven-point trend (``sign(diff(y[i - 0:6]))``, six differences); equal
   neighbours break a run. A point that ends a rising run and starts a falling one (a peak, or a
   trough the other way round) keeps the label of the run it ends: the one seen first as the
   data arrived, so a label does not flip when later points come in.
3. ``two_of_three_above`` / ``two_of_three_below``: in the near-limit band (strictly beyond
   mean +/- (2/3 x 2.66) x mean moving range, and not beyond the limits) and inside some window
   of 3 consecutive points that all lie strictly on the same side of the mean and of which at
   least 2 are in the band. Only the band points of such a window are flagged.
4. ``shift_above`` / ``shift_below``: part of 7 consecutive points strictly on the same side of
   the mean; a point exactly on the mean breaks it.

Variation: a special cause above the mean or rising (``above_upper_limit``, ``run_increasing``,
``two_of_three_above``, ``shift_above``) reads as ``improvement`` when higher is better
(``up``), ``concern`` when lower is better (``down``), ``neutral_high`` when neither; the
falling/below causes the reverse (``neutral_low`` for neither). A run is read by its direction,
not by its side of the mean: a run rising towards the mean from below is still rising.

Assurance against a target, per period: a target strictly above the upper limit is a consistent
``fail`` when higher is better and a ``pass`` when lower is better; strictly below the lower
limit the reverse; otherwise ``inconsistent``. Without a target, or when improvement is
``neither``, there is no assurance (``None``): NHSRplotthedots gives none without a direction,
since "pass" means nothing when neither way is better.

Trial limits: a period of fewer than 12 points has trial limits (``Period.trial_limits``);
``SpcResult.trial_limits`` is true when any period has them.

Limits are not clipped: a lower limit below zero for a count is reported as computed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal, get_args

Improvement = Literal["up", "down", "neither"]
Number = float | Decimal | Fraction

LIMIT = Fraction("2.66")
NEAR_LIMIT = LIMIT * 2 / 3
RUN_POINTS = 7  # points in a run: 6 consecutive strict increases or decreases
SHIFT_POINTS = 7
TRIAL_BELOW = 12  # a period with fewer points than this has trial limits


class SpecialCause(StrEnum):
    NONE = "none"
    ABOVE_UPPER_LIMIT = "above_upper_limit"
    BELOW_LOWER_LIMIT = "below_lower_limit"
    RUN_INCREASING = "run_increasing"
    RUN_DECREASING = "run_decreasing"
    TWO_OF_THREE_ABOVE = "two_of_three_above"
    TWO_OF_THREE_BELOW = "two_of_three_below"
    SHIFT_ABOVE = "shift_above"
    SHIFT_BELOW = "shift_below"


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class Assurance(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    INCONSISTENT = "inconsistent"


HIGH_CAUSES = frozenset(
    {
        SpecialCause.ABOVE_UPPER_LIMIT,
        SpecialCause.RUN_INCREASING,
        SpecialCause.TWO_OF_THREE_ABOVE,
        SpecialCause.SHIFT_ABOVE,
    }
)


@dataclass(frozen=True)
class Period:
    """One baseline: points ``start`` to ``stop - 1``, with exact statistics."""

    start: int
    stop: int
    mean: Fraction
    mean_moving_range: Fraction
    lower_limit: Fraction
    upper_limit: Fraction
    near_lower: Fraction
    near_upper: Fraction
    trial_limits: bool
    assurance: Assurance | None


@dataclass(frozen=True)
class Point:
    """One point's reading. The floats are for display; :class:`Period` has the exact ones."""

    index: int
    value: float
    period: int
    mean: float
    lower_limit: float
    upper_limit: float
    special_cause: SpecialCause
    variation: Variation
    assurance: Assurance | None


@dataclass(frozen=True)
class SpcResult:
    improvement: Improvement
    target: Fraction | None
    periods: tuple[Period, ...]
    points: tuple[Point, ...]

    @property
    def trial_limits(self) -> bool:
        return any(period.trial_limits for period in self.periods)


def analyse(
    values: Sequence[Number],
    *,
    improvement: Improvement = "up",
    target: Number | None = None,
    recalculate_at: Sequence[int] = (),
) -> SpcResult:
    """Read a series as an XmR chart. Raises ``ValueError`` with a plain message on bad input."""
    if improvement not in get_args(Improvement):
        raise ValueError("improvement must be up, down or neither")
    exact = [_exact(value, f"value {i + 1}") for i, value in enumerate(values)]
    if len(exact) < 2:
        raise ValueError("at least 2 points are needed (one moving range)")
    exact_target = None if target is None else _exact(target, "target")
    bounds = _period_bounds(len(exact), recalculate_at)

    periods: list[Period] = []
    points: list[Point] = []
    for number, (start, stop) in enumerate(bounds):
        ys = exact[start:stop]
        period = _period(start, stop, ys, improvement, exact_target)
        periods.append(period)
        for offset, cause in enumerate(_special_causes(ys, period)):
            points.append(
                Point(
                    index=start + offset,
                    value=float(ys[offset]),
                    period=number,
                    mean=float(period.mean),
                    lower_limit=float(period.lower_limit),
                    upper_limit=float(period.upper_limit),
                    special_cause=cause,
                    variation=variation_of(cause, improvement),
                    assurance=period.assurance,
                )
            )
    return SpcResult(
        improvement=improvement, target=exact_target, periods=tuple(periods), points=tuple(points)
    )


def variation_of(cause: SpecialCause, improvement: Improvement) -> Variation:
    """How a special cause reads given which way is better."""
    if cause is SpecialCause.NONE:
        return Variation.COMMON_CAUSE
    high = cause in HIGH_CAUSES
    if improvement == "neither":
        return Variation.NEUTRAL_HIGH if high else Variation.NEUTRAL_LOW
    return Variation.IMPROVEMENT if high == (improvement == "up") else Variation.CONCERN


def assurance_of(
    target: Fraction | None, lower: Fraction, upper: Fraction, improvement: Improvement
) -> Assurance | None:
    """Whether the process will consistently meet the target, given its limits."""
    if target is None or improvement == "neither":
        return None
    if target > upper:
        return Assurance.FAIL if improvement == "up" else Assurance.PASS
    if target < lower:
        return Assurance.PASS if improvement == "up" else Assurance.FAIL
    return Assurance.INCONSISTENT


def _exact(value: Number, what: str) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(f"{what} is not a number")
    try:
        exact = Fraction(value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        raise ValueError(f"{what} is not a finite number") from None
    return exact


def _period_bounds(count: int, recalculate_at: Sequence[int]) -> list[tuple[int, int]]:
    starts = list(recalculate_at)
    for index in starts:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 < index < count:
            raise ValueError(f"a recalculation point must be a point index from 1 to {count - 1}")
    if starts != sorted(set(starts)):
        raise ValueError("recalculation points must be in increasing order, each once")
    edges = [0, *starts, count]
    bounds = list(itertools.pairwise(edges))
    if any(stop - start < 2 for start, stop in bounds):
        raise ValueError("every period needs at least 2 points (one moving range)")
    return bounds


def _period(
    start: int,
    stop: int,
    ys: Sequence[Fraction],
    improvement: Improvement,
    target: Fraction | None,
) -> Period:
    mean = sum(ys, Fraction(0)) / len(ys)
    moving_ranges = [abs(b - a) for a, b in itertools.pairwise(ys)]
    mean_mr = sum(moving_ranges, Fraction(0)) / len(moving_ranges)
    lower, upper = mean - LIMIT * mean_mr, mean + LIMIT * mean_mr
    return Period(
        start=start,
        stop=stop,
        mean=mean,
        mean_moving_range=mean_mr,
        lower_limit=lower,
        upper_limit=upper,
        near_lower=mean - NEAR_LIMIT * mean_mr,
        near_upper=mean + NEAR_LIMIT * mean_mr,
        trial_limits=len(ys) < TRIAL_BELOW,
        assurance=assurance_of(target, lower, upper, improvement),
    )


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _special_causes(ys: Sequence[Fraction], period: Period) -> list[SpecialCause]:
    """Apply the four rules within one period; the first rule that applies wins."""
    n = len(ys)
    side = [_sign(y - period.mean) for y in ys]
    causes = [SpecialCause.NONE] * n

    def claim(index: int, cause: SpecialCause) -> None:
        if causes[index] is SpecialCause.NONE:
            causes[index] = cause

    # Rules are applied in precedence order; claim() never overwrites an earlier rule's label.
    for i, y in enumerate(ys):  # 1. outside the limits
        if y > period.upper_limit:
            claim(i, SpecialCause.ABOVE_UPPER_LIMIT)
        elif y < period.lower_limit:
            claim(i, SpecialCause.BELOW_LOWER_LIMIT)

    steps = [_sign(b - a) for a, b in itertools.pairwise(ys)]
    for end in range(RUN_POINTS - 1, n):  # 2. runs, scanned as the data arrived
        run_steps = steps[end - RUN_POINTS + 1 : end]
        if all(step == 1 for step in run_steps):
            cause = SpecialCause.RUN_INCREASING
        elif all(step == -1 for step in run_steps):
            cause = SpecialCause.RUN_DECREASING
        else:
            continue
        for i in range(end - RUN_POINTS + 1, end + 1):
            claim(i, cause)

    band = [
        period.upper_limit >= y > period.near_upper or period.lower_limit <= y < period.near_lower
        for y in ys
    ]
    for first in range(n - 2):  # 3. two of three in the near-limit band
        window = range(first, first + 3)
        same_side = side[first] != 0 and all(side[i] == side[first] for i in window)
        if same_side and sum(band[i] for i in window) >= 2:
            cause = (
                SpecialCause.TWO_OF_THREE_ABOVE
                if side[first] > 0
                else SpecialCause.TWO_OF_THREE_BELOW
            )
            for i in window:
                if band[i]:
                    claim(i, cause)

    for end in range(SHIFT_POINTS - 1, n):  # 4. shifts
        window = range(end - SHIFT_POINTS + 1, end + 1)
        if side[end] != 0 and all(side[i] == side[end] for i in window):
            cause = SpecialCause.SHIFT_ABOVE if side[end] > 0 else SpecialCause.SHIFT_BELOW
            for i in window:
                claim(i, cause)
    return causes
