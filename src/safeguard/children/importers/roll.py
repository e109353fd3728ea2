"""The documented school roll CSV, and the children CSV that ``safeguard children match`` links.

The roll format (documented in the README): UTF-8 CSV with a header row holding at least
``upn,forename,surname,dob,gender,postcode,school_urn`` in any order (other columns are
ignored; an optional ``school_name`` is the school's name, compared with a school the police
recorded). The children format: ``ref,forename,surname,dob,gender,postcode``, and optionally
``incident`` (the police incident reference: children of one incident are weighed together as
a household, see ``linkage.household``) and ``school_urn``, ``school_name`` (the school the
police recorded: a URN of six or seven digits or ``EY`` and six digits, and/or a name; ADR
0016).
Dates are ISO 8601 (``YYYY-MM-DD``); gender is M, F or U (or the words male, female,
unknown); an empty cell means unknown. A UPN must carry a valid check letter and appear
once; a ref must appear once.

A file with one bad row is rejected whole: matching half a roll would quietly send a
notification to nobody, so the caller gets every problem at once to fix them in one pass.

``read_roll`` and ``read_children`` only read (``safeguard children match`` stores nothing);
``import_roll`` reads the roll with the same reader, then each row's school must be in the
register. The file is the whole roll of every school it names: a pupil of such a school who is
not in the file is marked off roll.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

from safeguard.children import normalise, prepared
from safeguard.children.identifiers import is_valid_upn, normalise_upn
from safeguard.children.importers.common import (
    ImportRejected,
    ImportResult,
    RowError,
    decode_text,
    finish_import,
    start_import,
)
from safeguard.children.importers.pupils import (
    PupilRow,
    apply_roll,
    clean_postcode,
    school_errors,
    schools_by_urn,
)
from safeguard.children.linkage import Person, PreparedRoll
from safeguard.children.models import ImportKind

ROLL_COLUMNS = ("upn", "forename", "surname", "dob", "gender", "postcode", "school_urn")
CHILDREN_COLUMNS = ("ref", "forename", "surname", "dob", "gender", "postcode")
ROLL_OPTIONAL_COLUMNS = ("school_name",)
CHILDREN_OPTIONAL_COLUMNS = ("incident", "school_urn", "school_name")
MAX_ERRORS = 1000
T = TypeVar("T")


# --- reading the roll and the children (stores nothing) -----------------------------------


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
    today = today or date.today()  # once, not once a row: a roll has 500,000 rows
    for line, row, row_errors in _rows(lines, ROLL_COLUMNS, errors, optional=ROLL_OPTIONAL_COLUMNS):
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
        person = _person(upn, row, line, row_errors, today)
        errors.extend(row_errors)
        if not row_errors and person is not None:
            urn = row["school_urn"].strip() or None
            school = row.get("school_name", "").strip()
            person = replace(
                person,
                school_urns=(urn,) if urn else (),
                school_names=(school,) if school else (),
            )
            pupils.append(Pupil(person, urn))
    if errors:
        raise CsvError(name, errors)
    return pupils


def read_children(
    lines: Iterable[str], *, name: str = "children", today: date | None = None
) -> list[Person]:
    children: list[Person] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    today = today or date.today()
    for line, row, row_errors in _rows(
        lines, CHILDREN_COLUMNS, errors, optional=CHILDREN_OPTIONAL_COLUMNS
    ):
        ref = row["ref"].strip()
        if not ref:
            row_errors.append(RowError(line, "ref", "is empty; every child needs a ref"))
        elif ref in seen:
            row_errors.append(RowError(line, "ref", f"{ref!r} is already on line {seen[ref]}"))
        else:
            seen[ref] = line
        person = _person(ref, row, line, row_errors, today)
        urn: str | None = None
        try:
            urn = normalise.school_urn(row.get("school_urn"))
        except ValueError as error:
            row_errors.append(RowError(line, "school_urn", str(error)))
        school_name = row.get("school_name", "").strip()
        errors.extend(row_errors)
        if not row_errors and person is not None:
            incident = row.get("incident", "").strip() or None
            children.append(
                replace(
                    person,
                    household=incident,
                    school_urns=(urn,) if urn else (),
                    school_names=(school_name,) if school_name else (),
                )
            )
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
    lines: Iterable[str],
    columns: tuple[str, ...],
    errors: list[RowError],
    *,
    optional: tuple[str, ...] = (),
) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
    """(line number, cells by column, a list for that row's errors) for each data row; an
    ``optional`` column is in the row only when the header has it."""
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
    where = {column: names.index(column) for column in (*columns, *optional) if column in names}
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


# --- importing the roll into the register -------------------------------------------------


def _school_cells(text: str) -> list[tuple[int, str]]:
    """(line, school_urn) of each data row, read independently so its errors join the rest."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower().lstrip("\ufeff") for cell in next(reader)]
        if "school_urn" not in header:
            return []
        index = header.index("school_urn")
        found = []
        for cells in reader:
            if any(cell.strip() for cell in cells) and len(cells) == len(header):
                found.append((reader.line_num, cells[index].strip()))
        return found
    except (StopIteration, csv.Error):
        return []


def parse(text: str, *, name: str = "roll") -> list[PupilRow]:
    cells = _school_cells(text)
    schools = schools_by_urn(urn for _, urn in cells)
    errors = school_errors(cells, schools, "school_urn")
    pupils: list[Pupil] = []
    try:
        pupils = read_roll(io.StringIO(text, newline=""), name=name)
    except CsvError as error:
        errors.extend(error.errors)
    if errors:
        raise ImportRejected(name, _dedupe(errors))
    rows = []
    for (line, urn), pupil in zip(cells, pupils, strict=True):
        person = pupil.person
        rows.append(
            PupilRow(
                line=line,
                upn=person.key,
                forename=(person.forename or "")[:100],
                surname=(person.surname or "")[:100],
                dob=person.dob,
                gender=person.gender or "",
                postcode=clean_postcode(person.postcode),
                school_urn=urn,
            )
        )
    return rows


def _dedupe(errors: list[RowError]) -> list[RowError]:
    return list(dict.fromkeys(errors))


def import_roll(*, actor: Any, data: bytes, file_name: str) -> ImportResult:
    rows = parse(decode_text(data, name=file_name), name=file_name)
    schools = schools_by_urn(row.school_urn for row in rows)
    with transaction.atomic():
        roll_import = start_import(
            kind=ImportKind.ROLL_CSV, file_name=file_name, data=data, rows=len(rows), actor=actor
        )
        created, updated, left = apply_roll(
            rows, schools=schools, roll_import=roll_import, complete=True
        )
        return finish_import(
            roll_import, actor=actor, created=created, updated=updated, left_roll=left
        )


def prepared_roll_file(path: str | Path, *, where: Path | None = None) -> PreparedRoll:
    """The roll CSV at ``path``, prepared for matching (ADR 0027): read and checked here (every
    validation message as ``read_roll_file`` gives it) only when this file's bytes were never
    prepared; otherwise only loaded."""
    try:
        digest = prepared.file_digest(path)
    except OSError:
        read_roll_file(path)  # says why the file cannot be read, as ``CsvError``
        raise
    return prepared.cached(
        digest, lambda: [pupil.person for pupil in read_roll_file(path)], where=where
    )
