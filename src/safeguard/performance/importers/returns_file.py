"""Return files in: CSV or XLSX with the columns ``indicator, period, value, narrative``.

This module only reads a file into rows; ``services.returns.observations_import`` judges them
(all or nothing). A file that cannot be read, or whose header is not the expected one, is refused
here with a line and column, before any row is judged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from safeguard.performance.services.returns import ImportRefused, ReturnRow, RowError

COLUMNS = ("indicator", "period", "value", "narrative")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}"
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()


def _shown(cell: Any) -> Any:
    """A cell's value as the sheet shows it: 87.5% is stored as 0.875 and means 87.5."""
    value = getattr(cell, "value", None)
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        return Decimal(repr(value)) * 100
    return value


def _check_header(header: list[str]) -> None:
    found = [h.strip().lower() for h in header]
    if tuple(found) != COLUMNS:
        raise ImportRefused(
            [
                RowError(
                    1,
                    "header",
                    "The columns must be exactly: "
                    + ", ".join(COLUMNS)
                    + f" (found: {', '.join(h or '(blank)' for h in found) or 'none'})",
                )
            ]
        )


def _rows(records: list[list[str]]) -> list[ReturnRow]:
    if not records:
        raise ImportRefused([RowError(1, "file", "The file is empty")])
    _check_header(records[0])
    rows: list[ReturnRow] = []
    errors: list[RowError] = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines (often at the end of a sheet) carry nothing
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(
                [RowError(line, "file", f"A file may have at most {MAX_ROWS} rows")]
            )
        if any(cell.strip() for cell in record[len(COLUMNS) :]):
            errors.append(RowError(line, "file", "The row has more than 4 columns"))
            continue
        cells = (record + [""] * len(COLUMNS))[: len(COLUMNS)]
        rows.append(ReturnRow(line, *cells))
    if errors:
        raise ImportRefused(errors)
    return rows


def read_csv(data: bytes) -> list[ReturnRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([RowError(1, "file", "The CSV file must be UTF-8 text")]) from None
    if "\x00" in text:  # a binary file, or a spreadsheet saved wrongly; PostgreSQL refuses NUL
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRefused(
            [RowError(line, "file", 'The file contains a NUL character: save it as "CSV UTF-8"')]
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRefused(
            [RowError(1, "file", f"The CSV file cannot be read: {error}")]
        ) from None
    return _rows(records)


def read_xlsx(data: bytes) -> list[ReturnRow]:
    from openpyxl import load_workbook

    unreadable = ImportRefused([RowError(1, "file", "The file is not a readable XLSX workbook")])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise unreadable from None
    except Exception:
        # A damaged workbook makes openpyxl raise whatever its XML reader meets (ParseError,
        # TypeError, AttributeError ...; found by tests/test_importers_fuzz.py): it is still
        # just an unreadable file, never a server error.
        raise unreadable from None
    records: list[list[str]] = []
    try:
        if not book.worksheets:
            raise unreadable
        sheet = book.worksheets[0]
        # Stop reading past the limit: a sheet may claim a million rows.
        for row in sheet.iter_rows(max_row=MAX_ROWS + 2):
            records.append([_cell(_shown(c)) for c in row])
    except ImportRefused:
        raise
    except Exception:  # a damaged sheet part is read lazily, row by row (as above)
        raise unreadable from None
    finally:
        book.close()
    return _rows(records)


def read_upload(name: str, stream: IO[bytes], size: int) -> list[ReturnRow]:
    """Read an uploaded file by its extension. Raises ``ImportRefused``."""
    if size > MAX_BYTES:
        raise ImportRefused([RowError(1, "file", "The file must be smaller than 5 MB")])
    data = stream.read()
    lower = name.lower()
    if lower.endswith(".csv"):
        return read_csv(data)
    if lower.endswith(".xlsx"):
        return read_xlsx(data)
    raise ImportRefused([RowError(1, "file", "The file must be a CSV or an XLSX file")])
