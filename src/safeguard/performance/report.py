"""The scorecard's part of the annual report (``core.report_tables``): the "child_protection"
and "children_looked_after" sections, counted from the census records.

For each financial year the figures come from the census store (``census.store``, counted by
``census.year_ends.compute_many`` with the same definitions as the scorecard) when the latest
census import of that return is for that year; for earlier years, from the figures those
imports fed to the census-fed indicators at the time (the store keeps only the latest upload
of each return). Each figure links to its indicator's page, which opens for those who may see
the scorecard. Counts of children are marked as small numbers for the public version.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from safeguard.core import holidays, report_tables
from safeguard.core.clock import HolidayDataExhausted
from safeguard.core.report_tables import Cell, Table, Year
from safeguard.performance import policies
from safeguard.performance.census import keys, store, year_ends
from safeguard.performance.census.indicators import AGE_BANDS
from safeguard.performance.models import (
    Frequency,
    Indicator,
    Observation,
    ObservationSource,
    RecordImport,
    RecordImportOutcome,
)
from safeguard.performance.services.records import census_folder

Figures = dict[tuple[str, str], Decimal | None]  # (census key, year label) -> value
# (census key, year label) -> the counts a percentage is made from (numerator, denominator)
Counts = dict[tuple[str, str], tuple[int, int]]
# What a census import wrote as a fed value's narrative: "...: 41 of 52." (services.records)
_MADE_OF = re.compile(r": (\d+) of (\d+)\.$")


def _latest_years() -> dict[str, int]:
    """The DfE year of the latest import of each return (``cin``, ``ssda903``)."""
    latest: dict[str, int] = {}
    for kinds, year in (
        RecordImport.objects.filter(outcome=RecordImportOutcome.IMPORTED)
        .order_by("imported_at")
        .values_list("kinds", "year")
    ):
        for kind in kinds.split(","):
            latest[kind] = year
    return latest


def _indicators() -> dict[str, Indicator]:
    return {
        i.census_key: i
        for i in Indicator.objects.filter(frequency=Frequency.ANNUAL).exclude(census_key="")
    }


def _from_store(
    years: Sequence[Year], figures: Figures, counts: Counts, population: int | None
) -> None:
    latest = _latest_years()
    wanted = {
        year.end - timedelta(days=1): year
        for year in years
        if (year.end - timedelta(days=1)).year in latest.values()
    }
    if not wanted or not census_folder().is_dir():
        return
    con = store.connect(census_folder())
    try:
        found = year_ends.compute_many(
            con,
            period_ends=sorted(wanted),
            population=population,
            calendar=holidays.calendar(),
        )
    except HolidayDataExhausted:
        return
    finally:
        con.close()
    for end, indicators in found.items():
        year = wanted[end]
        for indicator in indicators:
            kind = keys.KEYS.get(indicator.key, ("", "", ""))[1]
            if latest.get(kind) != end.year:
                continue
            value = None if indicator.value is None else Decimal(str(indicator.value))
            figures[(indicator.key, year.label)] = value
            counts.pop((indicator.key, year.label), None)
            if indicator.unit == keys.PERCENTAGE and indicator.denominator is not None:
                counts[(indicator.key, year.label)] = (
                    indicator.numerator,
                    indicator.denominator,
                )


def _figures(years: Sequence[Year]) -> tuple[Figures, dict[str, Indicator], Counts]:
    """Each census-fed figure for each year, its indicator, and, for a percentage a census
    import computed, the counts it is made from (from the store for the latest import's year;
    from the narrative the import wrote to the indicator for an earlier year). A percentage
    submitted as a bare value (a return form, the API, the demo) has no counts to carry."""
    indicators = _indicators()
    figures: Figures = {}
    counts: Counts = {}
    observed = Observation.objects.filter(
        indicator__in=indicators.values(), period_start__in=[y.start for y in years]
    ).select_related("indicator")
    label_of = {y.start: y.label for y in years}
    for observation in observed:
        at = (observation.indicator.census_key, label_of[observation.period_start])
        figures[at] = observation.value
        made_of = _MADE_OF.search(observation.narrative)
        if (
            observation.source == ObservationSource.RECORDS
            and keys.unit_of(at[0]) == keys.PERCENTAGE
            and made_of
        ):
            counts[at] = (int(made_of.group(1)), int(made_of.group(2)))
    rate = indicators.get("cp_plans_rate") or indicators.get("cla_rate")
    _from_store(years, figures, counts, rate.child_population if rate else None)
    return figures, indicators, counts


def _value(value: Decimal | None, unit: str) -> int | Decimal | None:
    if value is None:
        return None
    if unit == keys.COUNT:
        return int(value)
    return value.quantize(Decimal("0.1"))


def _table(
    key: str,
    caption: str,
    first: str,
    rows: list[tuple[str, str]],
    years: Sequence[Year],
    figures: Figures,
    indicators: dict[str, Indicator],
    chart: str = "bar",
    note: str = "",
    of: str = "",
    counts: Counts | None = None,
) -> Table:
    """``of``: the count (a census key) each row is a percentage of, so that each figure
    carries its numerator and denominator (the public version withholds a percentage of a
    small number) and the columns are shares of that whole. ``counts``: each percentage's own
    numerator and denominator (a timeliness measure: not shares of one whole), carried the
    same way (ADR 0024)."""
    lines = []
    for label, census_key in rows:
        unit = keys.unit_of(census_key)
        indicator = indicators.get(census_key)
        link = (
            reverse("performance:indicator_detail", kwargs={"pk": indicator.pk})
            if indicator
            else ""
        )
        lines.append(
            (
                Cell(label),
                *(
                    Cell(
                        _value(figures.get((census_key, year.label)), unit),
                        link,
                        unit == keys.COUNT,
                        *(
                            (counts or {}).get((census_key, year.label), (None, None))
                            if counts is not None and not of
                            else _made_of(figures.get((census_key, year.label)), figures, of, year)
                        ),
                    )
                    for year in years
                ),
            )
        )
    return Table(
        key=key,
        caption=caption,
        headings=(first, *(f"{year.label}" for year in years)),
        rows=tuple(lines),
        chart=chart,
        note=note,
        shares=bool(of),
    )


def _made_of(
    percentage: Decimal | None, figures: Figures, of: str, year: Year
) -> tuple[int | None, int | None]:
    """The children a percentage of the ``of`` count stands for, and that count."""
    whole = figures.get((of, year.label)) if of else None
    if percentage is None or whole is None:
        return (None, None)
    return (int((percentage * whole / 100).to_integral_value()), int(whole))


def child_protection_tables(years: Sequence[Year]) -> list[Table]:
    figures, indicators, counts = _figures(years)
    return [
        _table(
            "cp_plans",
            "Children on a child protection plan at 31 March",
            "",
            [
                ("Children on a plan", "cp_plans_at_end"),
                ("Rate per 10,000 children", "cp_plans_rate"),
            ],
            years,
            figures,
            indicators,
        ),
        _table(
            "cp_age_profile",
            "Age of children on a plan at 31 March (percentage of all on a plan)",
            "Age",
            [(band.capitalize(), f"cp_age_{band.replace(' ', '_')}") for band in AGE_BANDS],
            years,
            figures,
            indicators,
            chart="stacked_bar",
            of="cp_plans_at_end",
        ),
        _table(
            "cp_timeliness",
            "Initial conferences, reviews and re-referrals (percentages)",
            "Measure",
            [
                ("Initial conferences within 15 working days", "icpc_within_15_days"),
                ("Plan reviews on time", "cp_reviews_on_time"),
                ("Re-referrals within 12 months", "re_referrals_12_months"),
                ("Second or subsequent plans", "second_or_subsequent_plans"),
                ("On a plan for 2 years or more at 31 March", "cp_on_plan_2_years_at_end"),
            ],
            years,
            figures,
            indicators,
            chart="",
            note="From the Children in Need census returns, as the DfE defines each measure.",
            counts=counts,
        ),
    ]


def looked_after_tables(years: Sequence[Year]) -> list[Table]:
    figures, indicators, counts = _figures(years)
    return [
        _table(
            "cla_numbers",
            "Children looked after at 31 March",
            "",
            [
                ("Children looked after", "cla_at_end"),
                ("Rate per 10,000 children", "cla_rate"),
            ],
            years,
            figures,
            indicators,
        ),
        _table(
            "cla_health",
            "Health of children looked after for 12 months or more (percentages)",
            "Measure",
            [
                ("Health assessments up to date", "cla_health_assessments"),
                ("Dental checks up to date", "cla_dental_checks"),
            ],
            years,
            figures,
            indicators,
            chart="",
            note="From the SSDA903 returns; short breaks are not counted, as the DfE counts.",
            counts=counts,
        ),
    ]


def register() -> None:
    report_tables.register(
        section="child_protection",
        module="performance",
        build=child_protection_tables,
        opens=policies.can_view,
    )
    report_tables.register(
        section="children_looked_after",
        module="performance",
        build=looked_after_tables,
        opens=policies.can_view,
    )
