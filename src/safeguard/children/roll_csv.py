"""Read the school roll CSV and the children CSV, all or nothing, with every bad row listed.

The roll format (documented in the README): UTF-8 CSV with a header row holding at least
``upn,forename,surname,dob,gender,postcode,school_urn`` in any order (other columns are
ignored). The children format: ``ref,forename,surname,dob,gender,postcode``. Dates are ISO 8601
(``YYYY-MM-DD``); gender is M, F or U (or the words male, female, unknown); an empty cell means
unknown. A UPN must carry a valid check letter and appear once; a ref must appear once.

A file with one bad row is rejected whole: matching half a roll would quietly send a
notification to nobody, so the caller gets every problem at once to fix them in one pass.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from safeguard.children import normalise
from safeguard.children.identifiers import is_valid_upn, normalise_upn
from safeguard.children.linkage import Person

ROLL_COLUMNS = ("upn", "forename", "surname", "dob", "gender", "postcode", "school_urn")
CHILDREN_COLUMNS = ("ref", "forename", "surname", "dob", "gender", "postcode")
MAX_ERRORS = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


class CsvError(ValueError):
    """Every problem found in a file; nothing from the file was used."""

    def __init__(self, name: str, errors: list[RowError]) -> None:
        self.name = name
        self.errors = errors
        shown = "\n".join(f"  {error}" for error in errors[:MAX_ERRORS])
        more = len(errors) - MAX_ERRORS
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(f"{name}: {len(errors)} problem(s), nothing was read\n{shown}")


@dataclass(frozen=True)
class Pupil:
    """A row of the roll: the pupil as linkage sees it (key = UPN) and their school."""

    person: Person
    school_urn: str | None


def read_roll(
    lines: Iterable[str], *, name: str = "roll", today: date | None = None
) -> list[Pupil]:
    pupils: list[Pupil] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row, row_errors in _rows(lines, ROLL_COLUMNS, errors):
        upn = normalise_upn(row["upn"])
        if not upn:
            row_errors.append(RowError(line, "upn", "is empty; every pupil needs a UPN"))
        elif not is_valid_upn(upn):
            row_errors.append(
                RowError(line, "upn", f"{upn!r} is not a valid UPN (shape or check letter)")
            )
        elif upn in seen:
            row_errors.append(RowError(line, "upn", f"{upn} is already on line {seen[upn]}"))
        else:
            seen[upn] = line
        person = _person(upn, row, line, row_errors, today or date.today())
        errors.extend(row_errors)
        if not row_errors and person is not None:
            pupils.append(Pupil(person, row["school_urn"].strip() or None))
    if errors:
        raise CsvError(name, errors)
    return pupils


def read_children(
    lines: Iterable[str], *, name: str = "children", today: date | None = None
) -> list[Person]:
    children: list[Person] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row, row_errors in _rows(lines, CHILDREN_COLUMNS, errors):
        ref = row["ref"].strip()
        if not ref:
            row_errors.append(RowError(line, "ref", "is empty; every child needs a ref"))
        elif ref in seen:
            row_errors.append(RowError(line, "ref", f"{ref!r} is already on line {seen[ref]}"))
        else:
            seen[ref] = line
        person = _person(ref, row, line, row_errors, today or date.today())
        errors.extend(row_errors)
        if not row_errors and person is not None:
            children.append(person)
    if errors:
        raise CsvError(name, errors)
    return children


def read_roll_file(path: str | Path, *, today: date | None = None) -> list[Pupil]:
    return _read_file(path, lambda lines: read_roll(lines, name=str(path), today=today))


def read_children_file(path: str | Path, *, today: date | None = None) -> list[Person]:
    return _read_file(path, lambda lines: read_children(lines, name=str(path), today=today))


def _read_file(path: str | Path, reader: Callable[[Iterable[str]], T]) -> T:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return reader(handle)
    except UnicodeDecodeError:
        raise CsvError(str(path), [RowError(0, "-", "the file is not UTF-8 text")]) from None
    except OSError as error:
        raise CsvError(
            str(path), [RowError(0, "-", f"cannot be read ({error.strerror})")]
        ) from None


def _rows(
    lines: Iterable[str], columns: tuple[str, ...], errors: list[RowError]
) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
    """(line number, cells by column, a list for that row's errors) for each data row."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        errors.append(RowError(1, "-", "the file is empty; it needs a header row"))
        return
    except csv.Error as error:
        errors.append(RowError(1, "-", f"is not valid CSV ({error})"))
        return
    names = [cell.strip().lower().lstrip("\ufeff") for cell in header]
    missing = [column for column in columns if column not in names]
    for column in missing:
        errors.append(RowError(1, column, "required column is missing from the header"))
    if missing:
        return
    where = {column: names.index(column) for column in columns}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(RowError(reader.line_num, "-", f"is not valid CSV ({error})"))
            return
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            errors.append(
                RowError(line, "-", f"has {len(cells)} cells where the header has {len(names)}")
            )
            continue
        yield line, {column: cells[index] for column, index in where.items()}, []


def _person(
    key: str, row: dict[str, str], line: int, row_errors: list[RowError], today: date
) -> Person | None:
    dob: date | None = None
    gender: str | None = None
    try:
        dob = normalise.iso_date(row["dob"])
    except ValueError as error:
        row_errors.append(RowError(line, "dob", str(error)))
    if dob is not None and dob > today:
        row_errors.append(RowError(line, "dob", f"{dob.isoformat()} is in the future"))
    try:
        gender = normalise.gender(row["gender"])
    except ValueError as error:
        row_errors.append(RowError(line, "gender", str(error)))
    if row_errors:
        return None
    return Person(
        key=key,
        forename=row["forename"].strip() or None,
        surname=row["surname"].strip() or None,
        dob=dob,
        gender=gender,
        postcode=row["postcode"].strip() or None,
    )
