"""The documented school roll CSV: ``upn,forename,surname,dob,gender,postcode,school_urn``.

The file is read by ``safeguard.children.roll_csv`` (the same reader as ``safeguard children
match``), then each row's school must be in the register. The file is the whole roll of every
school it names: a pupil of such a school who is not in the file is marked off roll.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from safeguard.children import roll_csv
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
from safeguard.children.models import ImportKind


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
    pupils: list[roll_csv.Pupil] = []
    try:
        pupils = roll_csv.read_roll(io.StringIO(text, newline=""), name=name)
    except roll_csv.CsvError as error:
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
