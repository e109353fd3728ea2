"""CSV in and out for ``safeguard spc``: a ``date,value`` series in, one reading per point out.

Reading is all or nothing: a problem with the header raises :class:`SpcInputError` at once;
otherwise every bad row is listed (line, column, reason), one per line of the message, like the
other importers, and nothing is written. Values are parsed as ``Decimal`` so that the SPC engine
compares them exactly as written. Rows may come in any date order: they are sorted by date
(a partner's export is often newest first), and a date that appears twice is refused, since
two readings for one period means the extract is wrong, not that one of them should win.

Numbers are printed to 10 significant digits, without exponent or float noise; this rounding is
for printing only, the engine never rounds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction

from safeguard.performance.spc import SpcResult

COLUMNS = ("date", "value")
OUTPUT_COLUMNS = (
    "date",
    "value",
    "mean",
    "lower_limit",
    "upper_limit",
    "special_cause",
    "variation",
    "assurance",
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")  # what the README promises: no exponent
_LARGEST_EXPONENT = 50  # beyond 1e50 a value is a broken extract, and exact sums get slow
_PRINT = Context(prec=10)


class SpcInputError(ValueError):
    """The CSV cannot be read as a series; the message says where and why."""


@dataclass(frozen=True)
class Reading:
    when: date
    value: Decimal


def read_series(text: str) -> list[Reading]:
    """Parse ``date,value`` CSV text (header required) into readings sorted by date."""
    text = text.removeprefix("\ufeff")  # a byte order mark, as spreadsheets write
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [(number, row) for number, row in enumerate(reader, 1) if row]
    except csv.Error as error:  # a stray carriage return, a cell over the csv module's limit
        # Found by tests/test_importers_fuzz.py: the command used to end in a traceback.
        raise SpcInputError(f"line {reader.line_num}: not valid CSV ({error})") from None
    if not rows:
        raise SpcInputError("the file is empty: expected a header line 'date,value' and rows")
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    if _looks_like_data(names):
        raise SpcInputError("line 1: missing header: the first line must be 'date,value'")
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise SpcInputError(
            f"line {header_line}: unknown column(s) {', '.join(repr(u) for u in unknown)}:"
            " the columns must be date and value"
        )
    missing = [name for name in COLUMNS if name not in names]
    if missing or len(names) != len(COLUMNS):
        what = f"missing column(s) {', '.join(missing)}" if missing else "a column appears twice"
        raise SpcInputError(f"line {header_line}: {what}: the columns must be date and value")
    date_at, value_at = names.index("date"), names.index("value")

    readings: list[Reading] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    for line, row in rows[1:]:
        if len(row) != len(COLUMNS):
            problems.append(f"line {line}: expected 2 fields (date,value), found {len(row)}")
            continue
        when = value = None
        try:
            when = _date(row[date_at].strip(), line)
        except SpcInputError as problem:
            problems.append(str(problem))
        try:
            value = _value(row[value_at].strip(), line)
        except SpcInputError as problem:
            problems.append(str(problem))
        if when is not None and when in seen:
            problems.append(
                f"line {line}: date {when.isoformat()} appears twice (also on line {seen[when]})"
            )
            continue
        if when is not None:
            seen[when] = line
        if when is not None and value is not None:
            readings.append(Reading(when, value))
    if problems:
        raise SpcInputError("\n".join(problems))
    if len(readings) < 2:
        raise SpcInputError(f"at least 2 rows are needed, found {len(readings)}")
    return sorted(readings, key=lambda reading: reading.when)


def recalculation_indices(readings: Sequence[Reading], starts: Sequence[date]) -> list[int]:
    """Each date starts a new period at the first reading dated on or after it."""
    indices: list[int] = []
    for start in starts:
        index = next((i for i, r in enumerate(readings) if r.when >= start), None)
        if index is None:
            raise SpcInputError(f"--recalculate-from {start.isoformat()}: no point on or after it")
        if index == 0:
            raise SpcInputError(
                f"--recalculate-from {start.isoformat()}: on or before the first point,"
                " so there is no earlier period"
            )
        if index in indices:
            raise SpcInputError(
                f"--recalculate-from {start.isoformat()}: starts at the same point as another"
            )
        indices.append(index)
    return sorted(indices)


def write_result(readings: Sequence[Reading], result: SpcResult) -> str:
    """The output CSV, one row per reading in date order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for reading, point in zip(readings, result.points, strict=True):
        period = result.periods[point.period]
        writer.writerow(
            [
                reading.when.isoformat(),
                format_number(reading.value),
                format_number(period.mean),
                format_number(period.lower_limit),
                format_number(period.upper_limit),
                point.special_cause.value,
                point.variation.value,
                "" if point.assurance is None else point.assurance.value,
            ]
        )
    return out.getvalue()


def format_number(number: Fraction | Decimal) -> str:
    """10 significant digits, plain notation, no trailing zeros, no negative zero."""
    exact = Fraction(number)
    rounded = _PRINT.divide(Decimal(exact.numerator), Decimal(exact.denominator))
    if rounded.is_zero():
        return "0"
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD); ``ValueError`` otherwise."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def parse_number(text: str) -> Decimal:
    """A finite decimal number as written; ``ValueError`` otherwise."""
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    number = Decimal(text)
    if not number.is_zero() and abs(number.adjusted()) > _LARGEST_EXPONENT:
        raise ValueError(f"{text!r} is out of range")
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"{text!r} is not a plain decimal number: write it without an exponent")
    return number


def _date(text: str, line: int) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise SpcInputError(f"line {line}, column date: {error}") from None


def _value(text: str, line: int) -> Decimal:
    if not text:
        raise SpcInputError(f"line {line}, column value: the value is empty")
    try:
        return parse_number(text)
    except ValueError as error:
        raise SpcInputError(f"line {line}, column value: {error}") from None


def _looks_like_data(names: Sequence[str]) -> bool:
    return any(_ISO_DATE.fullmatch(name) for name in names)
