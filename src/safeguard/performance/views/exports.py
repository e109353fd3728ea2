"""The scorecard as a spreadsheet (openpyxl) and as a PDF (WeasyPrint, from the same template)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from safeguard.performance.views.presenting import Line

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
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # text that starts with "=" is text here, never a formula
                cell.data_type = "s"
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
