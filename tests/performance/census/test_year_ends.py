"""All period ends in one pass give, period by period, exactly what one period at a time gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bench import synthetic_census

from safeguard.core.clock import HolidayDataExhausted, WorkingCalendar
from safeguard.performance.census import indicators, store, year_ends
from safeguard.performance.importers.census import cin_xml, ssda903_csv

FIXTURES = Path(__file__).parent / "fixtures"
CALENDAR = WorkingCalendar.of(
    {date(2021, 5, 3), date(2022, 6, 2), date(2023, 5, 8), date(2024, 12, 25), date(2025, 5, 5)},
    covers_from=date(2012, 1, 1),
    covers_until=date(2028, 12, 31),
)
YEAR_ENDS = [indicators.year_end(year) for year in range(2021, 2026)]


def _one_by_one(con, ends: list[date], population: int | None) -> dict[date, list]:
    return {
        end: indicators.compute(con, period_end=end, population=population, calendar=CALENDAR)
        for end in ends
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_census.generate(tmp_path_factory.mktemp("census") / "data", 20_000)


@pytest.mark.parametrize(
    "ends",
    [
        YEAR_ENDS,
        [date(2024, 2, 29), date(2023, 9, 30), date(2025, 3, 31)],  # any last days, any order
        [date(2022, 3, 31)],
    ],
)
def test_synthetic_records_give_the_same_figures_in_one_pass(synthetic: Path, ends) -> None:
    con = store.connect(synthetic)
    try:
        together = year_ends.compute_many(
            con, period_ends=ends, population=12_000, calendar=CALENDAR
        )
        apart = _one_by_one(con, ends, 12_000)
    finally:
        con.close()
    assert list(together) == sorted(ends)
    assert together == apart
    assert any(item.numerator for result in together.values() for item in result)


def test_the_fixture_files_give_the_same_figures_in_one_pass() -> None:
    tables = cin_xml.parse(FIXTURES / "cin_census.xml") | ssda903_csv.parse(FIXTURES / "ssda903")
    con = store.attach(tables)
    try:
        ends = [*YEAR_ENDS, date(2026, 3, 31)]
        together = year_ends.compute_many(con, period_ends=ends, population=None, calendar=CALENDAR)
        assert together == _one_by_one(con, ends, None)
    finally:
        con.close()


def test_empty_data_and_no_periods() -> None:
    con = store.attach({})
    try:
        assert year_ends.compute_many(con, period_ends=[], population=1, calendar=CALENDAR) == {}
        together = year_ends.compute_many(
            con, period_ends=YEAR_ENDS, population=1, calendar=CALENDAR
        )
        assert together == _one_by_one(con, YEAR_ENDS, 1)
    finally:
        con.close()


def test_counting_past_the_holiday_data_still_refuses_to_guess() -> None:
    short = WorkingCalendar.of(set(), covers_from=date(2012, 1, 1), covers_until=date(2024, 12, 31))
    tables = cin_xml.parse(FIXTURES / "cin_census.xml")
    con = store.attach(tables)
    try:
        with pytest.raises(HolidayDataExhausted):
            year_ends.compute_many(con, period_ends=YEAR_ENDS, population=1, calendar=short)
    finally:
        con.close()
