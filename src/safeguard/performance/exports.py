"""The scorecard and the PMSG pack as spreadsheets (openpyxl) and PDFs (WeasyPrint).

Text is written as text: a cell that starts with "=" (an indicator name, a narrative) is never
a formula when the spreadsheet is opened.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from safeguard.performance import rules
from safeguard.performance.presenting import Line, Pack, PackIndicator

HEADERS = [
    "Theme",
    "Indicator",
    "Code",
    "Unit",
    "Which way is better",
    "Owner",
    "Latest period",
    "Latest value",
    "Target",
    "Comparator year",
    "England",
    "Statistical neighbours",
    "Region",
    "Variation",
    "Assurance",
    "Open exceptions",
]


def scorecard_xlsx(lines: Sequence[Line]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Scorecard"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in lines:
        indicator = item.row.indicator
        sheet.append(
            [
                item.theme,
                indicator.name,
                indicator.code,
                indicator.get_unit_display(),  # type: ignore[attr-defined]
                indicator.get_polarity_display(),  # type: ignore[attr-defined]
                indicator.owner_organisation.name,
                item.latest_period,
                float(item.row.latest.value) if item.row.latest else None,
                float(indicator.target) if indicator.target is not None else None,
                item.row.comparator_year,
                *[
                    float(c.value) if (c := item.row.comparators.get(kind)) else None
                    for kind in ("england", "statistical_neighbours", "region")
                ],
                item.variation,
                item.assurance,
                item.row.open_exceptions,
            ]
        )
    _no_formulas(sheet)
    sheet.freeze_panes = "C2"
    for column, width in zip(
        "ABCDEFGHIJKLMNOP",
        (22, 50, 24, 18, 18, 36, 16, 12, 10, 10, 10, 12, 10, 40, 40, 10),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def _no_formulas(sheet: Worksheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # text that starts with "=" is text here, never a formula
                cell.data_type = "s"


def _sheet_name(code: str, taken: set[str]) -> str:
    """An Excel sheet name (31 characters, none of []:*?/\\) unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "-", code)[:28] or "Indicator"
    name, number = base, 2
    while name.lower() in taken:
        name = f"{base[:26]}-{number}"
        number += 1
    taken.add(name.lower())
    return name


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


DATA_HEADINGS = (
    "Period",
    "Value",
    "Mean",
    "Lower process limit",
    "Upper process limit",
    "Special cause",
    "Variation",
    "Narrative",
)
EXCEPTION_HEADINGS = (
    "Period",
    "Special cause",
    "State",
    "Explanation due",
    "Owner's explanation",
    "Explained",
)


def _indicator_sheet(sheet: Worksheet, item: PackIndicator, contents: str) -> None:
    line = item.line
    indicator = line.row.indicator
    bold = Font(bold=True)
    sheet.append([indicator.name])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Back to the contents"])
    sheet["A2"].hyperlink = f"#'{contents}'!A1"
    sheet["A2"].font = Font(color="1D70B8", underline="single")
    comparators = "; ".join(f"{c['label']}: {c['value']}" for c in line.comparators)
    facts = [
        ("Theme", line.theme),
        ("Owner", indicator.owner_organisation.name),
        ("Definition", indicator.definition),
        ("Which way is better", indicator.get_polarity_display()),  # type: ignore[attr-defined]
        ("Latest", f"{line.latest_value} ({line.latest_period})"),
        ("Target", line.target),
        ("Variation (Making Data Count)", line.variation),
        ("Why", line.why),
        ("Assurance (Making Data Count)", line.assurance),
        ("Comparators", comparators),
        ("Owner's narrative of the latest value", item.narrative),
    ]
    for label, value in facts:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append(["Data"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
    sheet.append(list(DATA_HEADINGS))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    header_row = sheet.max_row
    result = line.row.reading.result
    for index, (observation, shown) in enumerate(
        zip(line.row.observations, item.table, strict=True)
    ):
        point = result.points[index] if result else None
        sheet.append(
            [
                shown["period"],
                float(observation.value),
                _number(point.mean) if point else None,
                _number(rules.clip(point.lower_limit, indicator.unit)) if point else None,
                _number(rules.clip(point.upper_limit, indicator.unit)) if point else None,
                shown["cause"],
                shown["variation"],
                shown["narrative"],
            ]
        )
    last_row = sheet.max_row
    if last_row > header_row + 1:
        chart = LineChart()
        chart.title = indicator.name[:80]
        chart.y_axis.title = indicator.get_unit_display()  # type: ignore[attr-defined]
        chart.x_axis.title = "Period"
        chart.height, chart.width = 8, 18
        values = Reference(sheet, min_col=2, max_col=5, min_row=header_row, max_row=last_row)
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row))
        sheet.add_chart(chart, "J3")
    sheet.append([])
    sheet.append(["Open exceptions"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
    if not item.exceptions:
        sheet.append(["None open"])
    else:
        sheet.append(list(EXCEPTION_HEADINGS))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for exception in item.exceptions:
            sheet.append(
                [
                    exception[key]
                    for key in ("period", "cause", "state", "due", "explanation", "explained")
                ]
            )
    for column, width in zip("ABCDEFGH", (34, 14, 12, 14, 14, 30, 30, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _no_formulas(sheet)


def pack_xlsx(pack: Pack) -> bytes:
    """The pack as a workbook: a contents sheet (the cover), then a sheet per indicator with
    its facts, data, a line chart of value, mean and limits, and its open exceptions."""
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Contents"
    cover.append([pack.title])
    cover["A1"].font = Font(bold=True, size=16)
    cover.append([f"Figures up to {pack.figures_to}"])
    cover.append([f"Printed on {pack.printed_on:%-d %B %Y}"])
    cover.append([])
    headings = [
        "Theme",
        "Indicator",
        "Latest",
        "Period",
        "Variation",
        "Assurance",
        "Open exceptions",
    ]
    cover.append(headings)
    for cell in cover[cover.max_row]:
        cell.font = Font(bold=True)
    taken = {"contents"}
    for item in pack.indicators:
        line = item.line
        name = _sheet_name(line.row.indicator.code, taken)
        _indicator_sheet(book.create_sheet(name), item, "Contents")
        cover.append(
            [
                line.theme,
                line.row.indicator.name,
                line.latest_value,
                line.latest_period,
                line.variation,
                line.assurance,
                len(item.exceptions),
            ]
        )
        link = cover.cell(row=cover.max_row, column=2)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1D70B8", underline="single")
    for column, width in zip("ABCDEFG", (24, 60, 14, 16, 40, 40, 10), strict=True):
        cover.column_dimensions[column].width = width
    _no_formulas(cover)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
