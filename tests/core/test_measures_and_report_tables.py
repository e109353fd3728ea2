"""The two registries modules fill for the scorecard and the annual report refuse bad entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from safeguard.core import measures, report_tables
from safeguard.core.report_tables import Cell, Table, Year


@pytest.fixture(autouse=True)
def _registries_restored() -> object:
    """These tests register a made-up module; the real modules' entries are put back after."""
    saved_measures = dict(measures._measures)
    saved_sections = {key: list(value) for key, value in report_tables._sections.items()}
    yield
    measures._measures.clear()
    measures._measures.update(saved_measures)
    report_tables._sections.clear()
    report_tables._sections.update(saved_sections)


def _count(start: date, end: date) -> Decimal | None:
    return Decimal((end - start).days)


def test_a_measure_is_found_by_key_and_counts_a_period() -> None:
    measure = measures.Measure(
        key="testmodule.days",
        name="Days in the period",
        definition="The number of days",
        unit="count",
        polarity="neither",
        theme="other",
        count=_count,
    )
    measures.register(measure)
    found = measures.get("testmodule.days")
    assert found is measure
    assert found.count(date(2026, 4, 1), date(2026, 5, 1)) == Decimal(30)
    assert measure in measures.all_measures()


@pytest.mark.parametrize(
    "changes",
    [
        {"key": "nodot"},
        {"unit": "hours"},
        {"polarity": "sideways"},
        {"theme": "x"},
        {"frequencies": ()},
        {"frequencies": ("weekly",)},
    ],
)
def test_a_measure_with_an_unknown_word_is_refused(changes: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "key": "testmodule.x",
        "name": "X",
        "definition": "",
        "unit": "count",
        "polarity": "up",
        "theme": "other",
        "count": _count,
    }
    fields.update(changes)
    with pytest.raises(ValueError):
        measures.Measure(**fields)  # type: ignore[arg-type]


def test_a_section_keeps_one_entry_per_module_and_refuses_unknown_sections() -> None:
    year = Year(date(2022, 4, 1), date(2023, 4, 1), "2022/23")

    def first(years: object) -> list[Table]:
        return []

    def second(years: object) -> list[Table]:
        return [
            Table(
                "t", "Caption", ("Year", "Count"), ((Cell(year.label), Cell(3, small_number=True)),)
            )
        ]

    report_tables.register(section="funding", module="testmodule", build=first)
    report_tables.register(section="funding", module="testmodule", build=second)
    entries = [entry for entry in report_tables.builders("funding") if entry.module == "testmodule"]
    assert len(entries) == 1 and entries[0].build([year])[0].rows[0][1].value == 3
    with pytest.raises(ValueError):
        report_tables.register(section="not_a_section", module="testmodule", build=first)


def test_a_table_row_must_fit_its_headings() -> None:
    with pytest.raises(ValueError):
        Table("t", "Caption", ("A", "B"), ((Cell(1),),))
    with pytest.raises(ValueError):
        Table("t", "Caption", ("A",), ((Cell(1),),), chart="pie")
