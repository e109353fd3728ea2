"""An indicator's series read as an XmR chart: the bridge between stored values and ``spc``.

Pure (no Django): it takes period starts and values in order and the indicator's settings. The
series keeps its gaps (a missing month is reported, not invented), and a recalculation point
that would leave a period too short to have limits is ignored with a note rather than refused,
so a chart is always drawn when it can be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from safeguard.performance import periods, spc

VARIATION_LABELS = {
    spc.Variation.COMMON_CAUSE: "Common cause variation",
    spc.Variation.IMPROVEMENT: "Special cause improvement",
    spc.Variation.CONCERN: "Special cause concern",
    spc.Variation.NEUTRAL_HIGH: "Special cause, neither better nor worse (high)",
    spc.Variation.NEUTRAL_LOW: "Special cause, neither better nor worse (low)",
}
VARIATION_TAGS = {
    spc.Variation.COMMON_CAUSE: "govuk-tag--grey",
    spc.Variation.IMPROVEMENT: "govuk-tag--blue",
    spc.Variation.CONCERN: "govuk-tag--orange",
    spc.Variation.NEUTRAL_HIGH: "govuk-tag--purple",
    spc.Variation.NEUTRAL_LOW: "govuk-tag--purple",
}
ASSURANCE_LABELS = {
    spc.Assurance.PASS: "Consistently passing the target",
    spc.Assurance.FAIL: "Consistently failing the target",
    spc.Assurance.INCONSISTENT: "Inconsistent: may pass or fail the target",
}
ASSURANCE_TAGS = {
    spc.Assurance.PASS: "govuk-tag--blue",
    spc.Assurance.FAIL: "govuk-tag--orange",
    spc.Assurance.INCONSISTENT: "govuk-tag--grey",
}
CAUSE_LABELS = {
    spc.SpecialCause.NONE: "No special cause",
    spc.SpecialCause.ABOVE_UPPER_LIMIT: "Above the upper limit",
    spc.SpecialCause.BELOW_LOWER_LIMIT: "Below the lower limit",
    spc.SpecialCause.RUN_INCREASING: "Run of 7 rising points",
    spc.SpecialCause.RUN_DECREASING: "Run of 7 falling points",
    spc.SpecialCause.TWO_OF_THREE_ABOVE: "2 of 3 points near the upper limit",
    spc.SpecialCause.TWO_OF_THREE_BELOW: "2 of 3 points near the lower limit",
    spc.SpecialCause.SHIFT_ABOVE: "7 points above the mean",
    spc.SpecialCause.SHIFT_BELOW: "7 points below the mean",
}


@dataclass(frozen=True)
class Reading:
    starts: tuple[date, ...]
    values: tuple[Decimal, ...]
    result: spc.SpcResult | None
    gaps: tuple[date, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def latest(self) -> spc.Point | None:
        return self.result.points[-1] if self.result else None

    @property
    def latest_variation(self) -> spc.Variation | None:
        point = self.latest
        return point.variation if point else None

    @property
    def latest_assurance(self) -> spc.Assurance | None:
        point = self.latest
        return point.assurance if point else None

    def concern_streak(self) -> tuple[date, ...]:
        """The periods of the unbroken run of concern points that ends with the latest point."""
        if self.result is None:
            return ()
        streak: list[date] = []
        for point in reversed(self.result.points):
            if point.variation != spc.Variation.CONCERN:
                break
            streak.append(self.starts[point.index])
        return tuple(reversed(streak))


def recalculation_index(starts: Sequence[date], limits_from: date | None) -> int | None:
    if limits_from is None:
        return None
    for index, start in enumerate(starts):
        if start >= limits_from:
            return index
    return None


def read(
    starts: Sequence[date],
    values: Sequence[Decimal],
    *,
    frequency: str,
    polarity: str,
    target: Decimal | None,
    limits_from: date | None,
) -> Reading:
    notes: list[str] = []
    gaps = tuple(periods.missing(list(starts), frequency))
    if gaps:
        shown = ", ".join(periods.label(g, frequency) for g in gaps[:6])
        more = f" and {len(gaps) - 6} more" if len(gaps) > 6 else ""
        notes.append(f"The series has gaps: no value for {shown}{more}.")
    if len(values) < 2:
        notes.append("At least 2 values are needed before limits can be drawn.")
        return Reading(tuple(starts), tuple(values), None, gaps, tuple(notes))
    recalculate_at: tuple[int, ...] = ()
    index = recalculation_index(starts, limits_from)
    if index is not None and limits_from is not None:
        if 2 <= index <= len(values) - 2:
            recalculate_at = (index,)
        elif index != 0:
            notes.append(
                f"Limits are not recalculated from {periods.label(limits_from, frequency)}:"
                " each part of the chart needs at least 2 values."
            )
    improvement = polarity if polarity in ("up", "down", "neither") else "neither"
    result = spc.analyse(
        list(values),
        improvement=improvement,  # type: ignore[arg-type]
        target=target,
        recalculate_at=recalculate_at,
    )
    if result.trial_limits:
        notes.append("Fewer than 12 values: the limits are trial limits.")
    return Reading(tuple(starts), tuple(values), result, gaps, tuple(notes))
