"""What the annual report shows, read now from the records: its parts in the seed's order,
each narrative as written, each section's tables from the modules that answer for it
(``core.report_tables``), the priorities from governance, with the charts drawn.

The draft version links each figure to the list behind it, for those the module lets open it;
the public version has no links and withholds small numbers (``rules.suppress``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone

from safeguard.core import report_tables, svg_charts
from safeguard.core.clock import london_date
from safeguard.core.report_tables import Cell, Table, Year
from safeguard.governance import financial_years
from safeguard.governance.selectors import priorities as priority_selectors
from safeguard.reports import rules, structure
from safeguard.reports.models import Narrative, Report

logger = logging.getLogger("safeguard.reports")

NO_DATA = "No data"


@dataclass(frozen=True)
class ShownCell:
    text: str
    link: str = ""
    numeric: bool = False
    withheld: bool = False


@dataclass(frozen=True)
class ShownTable:
    key: str
    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[ShownCell, ...], ...]
    chart_svg: str
    note: str
    withheld: bool  # some cell was withheld: the table says why


@dataclass(frozen=True)
class ShownPriority:
    title: str
    lead: str
    description: str
    evidence: tuple[tuple[str, str], ...]  # (title, link or "")
    updates: tuple[tuple[date, str], ...]


@dataclass
class ShownPart:
    part: structure.Part
    anchor: str
    narrative: Narrative | None = None
    tables: list[ShownTable] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # The modules (by name) that answered with no record counted in any year shown.
    empty: list[str] = field(default_factory=list)
    priorities: list[ShownPriority] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        """A table section no module answers for yet."""
        return self.part.kind == structure.TABLES and not self.modules


@dataclass
class Contents:
    report: Report
    public: bool
    years: list[Year]
    parts: list[ShownPart]
    built_at: datetime

    @property
    def period_label(self) -> str:
        start, end = self.report.period_start, self.report.period_end
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"

    @property
    def waiting(self) -> list[str]:
        return [p.part.title for p in self.parts if p.waiting]

    @property
    def years_label(self) -> str:
        """ "2023/24 to 2025/26": every year the tables show."""
        if not self.years:
            return ""
        return f"{self.years[0].label} to {self.years[-1].label}"


def report_years(report: Report) -> list[Year]:
    """The report's financial years and the one before, for the year-on-year columns."""
    opens = financial_years.financial_years(report.period_start, report.period_end)
    if not opens:
        return []
    opens = [date(opens[0].year - 1, 4, 1), *opens]
    return [
        Year(start, date(start.year + 1, 4, 1), financial_years.financial_year_label(start))
        for start in opens
    ]


def _text(value: object) -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _numeric(value: object) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def _chart(table: Table, values: list[list[float | None]]) -> str:
    """Columns that hold numbers become the categories (the years, usually) and each row a
    series; a total row is left out of the picture."""
    if not table.chart or not table.rows:
        return ""
    rows = list(table.rows[:-1] if table.total_row else table.rows)
    columns = [
        c
        for c in range(1, len(table.headings))
        if any(_numeric(row[c].value) for row in rows)
        and not (table.total_column and c == len(table.headings) - 1)
    ]
    if not columns:
        return ""
    categories = [table.headings[c] for c in columns]
    series = [(_text(row[0].value), [values[r][c] for c in columns]) for r, row in enumerate(rows)]
    if table.chart == "line":
        return svg_charts.line_chart(categories=categories, series=series)
    return svg_charts.bar_chart(
        categories=categories, series=series, stacked=table.chart == "stacked_bar"
    )


def show_table(table: Table, *, public: bool, threshold: int, links: bool) -> ShownTable:
    grid = [[cell.value for cell in row] for row in table.rows]
    small = [[cell.small_number for cell in row] for row in table.rows]
    fractions = [[_fraction(cell) for cell in row] for row in table.rows]
    withheld = (
        rules.suppress(
            grid,
            small,
            threshold=threshold,
            total_row=table.total_row,
            total_column=table.total_column,
            fractions=fractions,
            shares=table.shares,
        )
        if public
        else rules.Suppression(frozenset(), frozenset())
    )
    rows: list[tuple[ShownCell, ...]] = []
    values: list[list[float | None]] = []
    for r, row in enumerate(table.rows):
        shown: list[ShownCell] = []
        numbers: list[float | None] = []
        for c, cell in enumerate(row):
            numbers.append(float(cell.value) if _numeric(cell.value) else None)  # type: ignore[arg-type]
            if (r, c) in withheld.primary and fractions[r][c] is not None:
                shown.append(ShownCell(rules.NOT_SHOWN, numeric=True, withheld=True))
                numbers[-1] = None
            elif (r, c) in withheld.primary:
                shown.append(ShownCell(rules.fewer_than(threshold), numeric=True, withheld=True))
                numbers[-1] = None
            elif (r, c) in withheld.secondary:
                shown.append(ShownCell(rules.WITHHELD, numeric=True, withheld=True))
                numbers[-1] = None
            else:
                shown.append(
                    ShownCell(
                        _text(cell.value),
                        link=cell.link if links and _linkable(cell) else "",
                        numeric=_numeric(cell.value),
                    )
                )
        rows.append(tuple(shown))
        values.append(numbers)
    return ShownTable(
        key=table.key,
        caption=table.caption,
        headings=table.headings,
        rows=tuple(rows),
        chart_svg=_chart(table, values),
        note=table.note,
        withheld=bool(withheld.cells),
    )


def _fraction(cell: Cell) -> rules.Fraction | None:
    if cell.numerator is None and cell.denominator is None:
        return None
    return (cell.numerator, cell.denominator)


def _counts_anything(tables: list[Table]) -> bool:
    """Some figure is not zero (a label column, text and "no data" are not figures)."""
    return any(
        _numeric(cell.value) and cell.value != 0
        for table in tables
        for row in table.rows
        for cell in row[1:]
    )


def _module_name(module: str) -> str:
    """The module's name as people know it ("Operation Encompass"), never its code."""
    try:
        return str(apps.get_app_config(module).verbose_name)
    except LookupError:
        return "The module answering for it"


def _linkable(cell: Cell) -> bool:
    return bool(cell.link) and cell.value is not None


def _priorities(report: Report, actor: Any, public: bool) -> list[ShownPriority]:
    found = []
    for priority in priority_selectors.current_between(report.period_start, report.period_end):
        lines = priority_selectors.evidence_lines(actor=actor, priority=priority)
        lead = priority.lead_organisation.name
        if priority.lead_person is not None and not public:
            lead = f"{priority.lead_person.full_name}, {lead}"
        found.append(
            ShownPriority(
                title=priority.title,
                lead=lead,
                description=priority.description,
                evidence=tuple(
                    (line.title, "" if public and line.link.startswith("/") else line.link)
                    for line in lines
                ),
                updates=tuple(
                    (u.on, u.text)
                    for u in priority_selectors.updates_between(
                        priority, report.period_start, report.period_end
                    )
                ),
            )
        )
    return found


def _quiet(done: int, total: int, title: str) -> None:
    return None


def build(
    report: Report,
    *,
    actor: Any = None,
    public: bool,
    progress: Callable[[int, int, str], None] = _quiet,
    now: datetime | None = None,
) -> Contents:
    """Every part of the report, counted now. ``progress(done, total, title)`` is told after
    each part (the job page shows it). A module whose builder fails does not sink the report:
    its section says it could not be counted, and the log says which module (no figures)."""
    years = report_years(report)
    narratives = {n.key: n for n in report.narratives.select_related("owner")}
    parts: list[ShownPart] = []
    for index, part in enumerate(structure.PARTS):
        shown = ShownPart(part=part, anchor=structure.anchor(part))
        if part.kind == structure.NARRATIVE:
            shown.narrative = narratives.get(part.key)
        elif part.kind == structure.PRIORITIES:
            shown.priorities = _priorities(report, actor, public)
        else:
            for section in report_tables.builders(part.key):
                shown.modules.append(section.module)
                links = not public and actor is not None and section.may_open(actor)
                try:
                    tables = section.build(years)
                except Exception as error:
                    logger.warning(
                        "report section %s of module %s failed: %s",
                        part.key,
                        section.module,
                        type(error).__name__,
                    )
                    shown.failed.append(section.module)
                    continue
                if not _counts_anything(tables):
                    shown.empty.append(_module_name(section.module))
                shown.tables += [
                    show_table(t, public=public, threshold=report.threshold, links=links)
                    for t in tables
                ]
        parts.append(shown)
        progress(index + 1, len(structure.PARTS), part.title)
    return Contents(
        report=report,
        public=public,
        years=years,
        parts=parts,
        built_at=now or timezone.now(),
    )


def render_body(contents: Contents) -> str:
    """The report's body as HTML: the same markup on the page, in the PDF and when published."""
    return render_to_string("reports/_body.html", {"contents": contents})


def render_public(report: Report, *, now: datetime | None = None) -> str:
    return render_body(build(report, public=True, now=now))


def printed_on(contents: Contents) -> str:
    day = london_date(contents.built_at)
    return f"{day.day} {day:%B %Y}"


def waiting_sections() -> list[str]:
    """The report's table sections that no module answers for yet (docs and closing notes)."""
    return [
        p.title
        for p in structure.PARTS
        if p.kind == structure.TABLES and not report_tables.builders(p.key)
    ]
