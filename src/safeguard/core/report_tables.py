"""The annual report's tables, counted by the modules that keep the records: a registry.

The annual report (``reports``) is built from live records, but the records belong to the
modules (serious incidents to ``reviews``, restraints to ``assurance`` ...). Rather than the
report reaching into every module's models, each module registers, when its app loads, the
tables of the section it answers for; the report orders the sections in the seed's structure and
says plainly when a section has no module to answer for it yet.

A builder is given the financial years to show (the report's years and the year before, for the
year-on-year columns, DESIGN.md 4) and returns tables whose columns it chooses, usually one per
year. Every count of people is a ``Cell`` marked ``small_number`` so that the public version can
show "fewer than 5" (the threshold is the report's setting, not the module's), and may carry the
address of the list of records behind it, which opens only for those entitled (the module's
policy decides on that page, as everywhere).

Added later, optional too: ``Cell.numerator`` / ``denominator`` for a percentage made from
counts, and ``Table.shares`` for columns of shares of one whole (the public version withholds
percentages made from small numbers, and what would give one away).

Added with the report (issue 17, ADR 0018), all optional: ``register(..., opens=)`` says who
may open the module's figure links (the report shows them only to those; without it, to
nobody); ``Table.total_row`` / ``total_column`` say the last row / column is a total, so the
public version also withholds a cell that would give a withheld count away; ``year_table``
makes the usual table, one row per category and one column per year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# The sections of the seed's annual report that modules answer for, in the report's order.
SECTIONS: dict[str, str] = {
    "serious_incidents": "Serious incidents and safeguarding practice reviews",
    "child_protection": "Child protection",
    "children_looked_after": "Children looked after",
    "domestic_abuse": "Domestic abuse",
    "encompass": "Operation Encompass",
    "exploitation": "Child exploitation",
    "secure_settings": "Children in secure settings",
    "child_deaths": "Child deaths",
    "training": "Learning and development",
    "audits": "Multi-agency audits",
    "section_11": "Section 11 and Section 175 self-assessments",
    "escalations": "Concerns resolution (escalation)",
    "funding": "Funding",
}

CHARTS = ("", "bar", "stacked_bar", "line")


@dataclass(frozen=True)
class Year:
    """A financial year, 1 April to 31 March: ``start <= d < end``; ``label`` as "2022/23"."""

    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Cell:
    value: int | Decimal | str | None
    link: str = ""
    small_number: bool = False
    # A percentage (or rate) made from counts: the counts, so that the public version also
    # withholds it where either is a small number ("50%" of 4 children is the 2 children).
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Table:
    """One table of a section; ``chart`` says how the report draws it (as SVG, with the table
    beside it for screen readers), or "" for a table alone."""

    key: str
    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart: str = ""
    note: str = ""
    # The last row (column) is the sum of those above (before it): the public version then
    # suppresses a second cell wherever one suppressed count could be worked out from the total.
    total_row: bool = False
    total_column: bool = False
    # Each column's figures are shares of one whole (percentages adding up to 100): the public
    # version then withholds a second share where one withheld could be worked out from 100.
    shares: bool = False

    def __post_init__(self) -> None:
        if self.chart not in CHARTS:
            raise ValueError(f"Unknown chart {self.chart!r} for table {self.key}")
        for row in self.rows:
            if len(row) != len(self.headings):
                raise ValueError(
                    f"Table {self.key}: a row has {len(row)} cells for "
                    f"{len(self.headings)} headings"
                )


Build = Callable[[Sequence[Year]], list[Table]]
# Whether a person may open the module's figure links (its list pages' own policy, in short):
# the report shows a figure's link only to those it opens for (DESIGN.md 3, "every link shown
# to a person opens for that person"). Without it, the report shows no links of the module.
Opens = Callable[[Any], bool]


@dataclass(frozen=True)
class Section:
    key: str
    module: str
    build: Build
    opens: Opens | None = None

    def may_open(self, actor: Any) -> bool:
        return bool(self.opens is not None and self.opens(actor))


_sections: dict[str, list[Section]] = {}


def register(*, section: str, module: str, build: Build, opens: Opens | None = None) -> None:
    """A module answers for (part of) a section of the report. Several modules may answer for
    one section (their tables follow each other); the same module registering again replaces."""
    if section not in SECTIONS:
        raise ValueError(f"Unknown report section {section!r}: add it to SECTIONS")
    entries = [entry for entry in _sections.get(section, []) if entry.module != module]
    entries.append(Section(section, module, build, opens))
    _sections[section] = entries


def builders(section: str) -> list[Section]:
    """The modules answering for a section; empty means the report says no module does yet."""
    return list(_sections.get(section, []))


def year_table(
    *,
    key: str,
    caption: str,
    first_heading: str,
    years: Sequence[Year],
    rows: Sequence[tuple[str, Sequence[int | Decimal | None]]],
    link: Callable[[Year], str] | None = None,
    small_number: bool = True,
    total: bool = False,
    chart: str = "bar",
    note: str = "",
) -> Table:
    """The usual shape: one row per category, one column per year (``rows`` give a value per
    year, in the order of ``years``), each figure linked to its year's list; ``total`` adds a
    total row (the public version then protects the small counts it could give away)."""
    lines = [
        (
            Cell(label),
            *(
                Cell(value, link(year) if link else "", small_number)
                for year, value in zip(years, values, strict=True)
            ),
        )
        for label, values in rows
    ]
    if total:
        sums = [
            sum((v or 0 for _, values in rows for v in [values[i]]), 0) for i in range(len(years))
        ]
        lines.append(
            (
                Cell("Total"),
                *(
                    Cell(value, link(year) if link else "", small_number)
                    for year, value in zip(years, sums, strict=True)
                ),
            )
        )
    return Table(
        key=key,
        caption=caption,
        headings=(first_heading, *(year.label for year in years)),
        rows=tuple(lines),
        chart=chart,
        note=note,
        total_row=total,
    )
