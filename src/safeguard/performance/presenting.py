"""Scorecard rows made ready for a page, a spreadsheet or a PDF: words, not codes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safeguard.performance import analysis, charts, icons, periods, rules, spc
from safeguard.performance.models import (
    STANDARD_COMPARATORS,
    ComparatorKind,
    IndicatorException,
    Theme,
)
from safeguard.performance.selectors import ScorecardRow


@dataclass(frozen=True)
class Line:
    row: ScorecardRow
    theme: str
    latest_value: str
    latest_period: str
    comparators: list[dict[str, str]]
    variation: str
    variation_tag: str
    why: str
    assurance: str
    assurance_tag: str
    variation_icon: str
    assurance_icon: str
    sparkline: str
    sparkline_alt: str
    target: str


def line(row: ScorecardRow) -> Line:
    indicator = row.indicator
    latest = row.latest
    reading = row.reading
    variation = reading.latest_variation
    assurance = reading.latest_assurance
    comparators = []
    for kind in ComparatorKind:
        found = row.comparators.get(kind.value)
        if found is None and kind.value not in STANDARD_COMPARATORS:
            continue
        comparators.append(
            {
                "label": kind.label,
                "value": rules.display(found.value, indicator.unit) if found else "Not published",
                "source": found.source if found else "",
            }
        )
    recent = row.observations[-24:]
    values = [o.value for o in recent]
    span = charts.first_and_last([o.period_start for o in recent])
    alt = f"Trend of {indicator.name}, {span}" if len(values) >= 2 else ""
    svg = charts.sparkline(values, title=alt)
    return Line(
        row=row,
        theme=indicator.get_theme_display(),  # type: ignore[attr-defined]
        latest_value=rules.display(latest.value, indicator.unit) if latest else "No value",
        latest_period=periods.label(latest.period_start, indicator.frequency) if latest else "",
        comparators=comparators,
        variation=analysis.VARIATION_LABELS[variation] if variation else "Not enough values",
        variation_tag=analysis.VARIATION_TAGS[variation] if variation else "govuk-tag--grey",
        why=_why(reading),
        assurance=analysis.ASSURANCE_LABELS[assurance] if assurance else "No target",
        assurance_tag=analysis.ASSURANCE_TAGS[assurance] if assurance else "govuk-tag--grey",
        sparkline=charts.data_uri(svg) if svg else "",
        sparkline_alt=alt,
        target=rules.display(indicator.target, indicator.unit)
        if indicator.target is not None
        else "No target",
        variation_icon=_variation_icon(reading),
        assurance_icon=icons.assurance_icon(
            assurance.value, label=analysis.ASSURANCE_LABELS[assurance]
        )
        if assurance
        else "",
    )


def _variation_icon(reading: analysis.Reading) -> str:
    """The Making Data Count variation icon of the latest point, which way it went."""
    point = reading.latest
    if point is None:
        return ""
    return icons.variation_icon(
        point.variation.value,
        high=point.special_cause in spc.HIGH_CAUSES,
        label=analysis.VARIATION_LABELS[point.variation],
    )


def _why(reading: analysis.Reading) -> str:
    """The rule the latest point broke, in words: what makes it a special cause."""
    point = reading.latest
    if point is None or point.special_cause == spc.SpecialCause.NONE:
        return ""
    return analysis.CAUSE_LABELS[point.special_cause]


def series_table(row: ScorecardRow) -> list[dict[str, Any]]:
    """The chart's data, point by point, for the accessible table beside it."""
    indicator = row.indicator
    result = row.reading.result
    table = []
    for index, observation in enumerate(row.observations):
        point = result.points[index] if result else None
        table.append(
            {
                "period": periods.label(observation.period_start, indicator.frequency),
                "value": rules.display(observation.value, indicator.unit),
                "mean": rules.plain(point.mean) if point else "",
                "lower": rules.plain(rules.clip(point.lower_limit, indicator.unit))
                if point
                else "",
                "upper": rules.plain(rules.clip(point.upper_limit, indicator.unit))
                if point
                else "",
                "cause": analysis.CAUSE_LABELS[point.special_cause] if point else "",
                "variation": analysis.VARIATION_LABELS[point.variation] if point else "",
                "narrative": observation.narrative,
            }
        )
    return table


@dataclass
class PackIndicator:
    """One indicator's pages in the PMSG pack (``services.pack`` fills it)."""

    line: Line
    chart_svg: str
    chart_alt: str
    table: list[dict[str, Any]]
    narrative: str
    exceptions: list[dict[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"indicator-{self.line.row.indicator.pk}"

    @property
    def chart_uri(self) -> str:
        return charts.data_uri(self.chart_svg) if self.chart_svg else ""

    @property
    def variation_icon_uri(self) -> str:
        return charts.data_uri(self.line.variation_icon) if self.line.variation_icon else ""

    @property
    def assurance_icon_uri(self) -> str:
        return charts.data_uri(self.line.assurance_icon) if self.line.assurance_icon else ""


@dataclass
class Pack:
    """The PMSG pack: its cover and every indicator, the same for the XLSX and the PDF."""

    title: str
    meeting: date | None
    figures_to: str
    printed_on: date
    indicators: list[PackIndicator]

    @property
    def groups(self) -> list[dict[str, Any]]:
        themes: dict[str, list[PackIndicator]] = defaultdict(list)
        for item in self.indicators:
            themes[item.line.theme].append(item)
        order = [label for _, label in Theme.choices]
        return [
            {"theme": theme, "items": themes[theme]}
            for theme in sorted(themes, key=lambda t: order.index(t) if t in order else 99)
        ]


def exception_row(exception: IndicatorException) -> dict[str, str]:
    """An exception in words: the period, the rule broken, where it stands, the answer."""
    causes = {c.value: c for c in spc.SpecialCause}
    cause = causes.get(exception.special_cause)
    return {
        "period": periods.label(exception.period_start, exception.indicator.frequency),
        "cause": analysis.CAUSE_LABELS[cause] if cause else "Special cause",
        "state": exception.state_label,
        "due": f"{exception.due_at:%-d %B %Y}",
        "explanation": exception.explanation or "Not yet explained",
        "explained": f"{exception.explained_at:%-d %B %Y}" if exception.explained_at else "",
    }
