"""The police incident CSV: one row per child, the incident's columns repeated on each row.

Columns (UTF-8 or Windows-1252, header row, any order; no others): ``incident_reference,
occurred_at, kind, location, victim_forename, victim_surname, victim_dob, suspect_forename,
suspect_surname, suspect_dob, child_ref, child_forename, child_surname, child_dob,
child_gender, child_address, child_postcode, child_presence, child_where, child_voice,
child_injuries``, and optionally ``child_school_name`` and ``child_school_urn`` (the school as
the police recorded it: a name, and a URN of six or seven digits or ``EY`` and six digits).
An incident with no children is one row with the child columns empty.
``occurred_at`` is ISO 8601 (``2026-10-23T22:00`` is London time; an offset may be given);
dates are ``YYYY-MM-DD``; ``kind`` is incident or crime; ``child_presence`` is present,
not_present or unknown; ``child_gender`` is M, F or U as in the API (male, female, unknown
are read too). At most ``MAX_CHILDREN`` children per incident.

All or nothing: every problem of every row is listed (line, column, reason) and nothing is
stored unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction

from safeguard.children import normalise
from safeguard.children.importers.common import ImportRejected, RowError, refuse_nul
from safeguard.core.clock import LONDON
from safeguard.core.models import Organisation
from safeguard.encompass.models import Incident
from safeguard.encompass.services.incidents import (
    AdultData,
    ChildData,
    IncidentData,
    incident_receive,
    problems,
)
from safeguard.encompass.services.matching import incident_match

INCIDENT_COLUMNS = ("incident_reference", "occurred_at", "kind", "location")
ADULT_COLUMNS = tuple(
    f"{role}_{part}" for role in ("victim", "suspect") for part in ("forename", "surname", "dob")
)
CHILD_FIELDS = {
    "ref": "child_ref",
    "forename": "child_forename",
    "surname": "child_surname",
    "dob": "child_dob",
    "gender": "child_gender",
    "address": "child_address",
    "postcode": "child_postcode",
    "presence": "child_presence",
    "where_they_were": "child_where",
    "voice_of_the_child": "child_voice",
    "injuries": "child_injuries",
}
# Columns a file may leave out: the school as the police recorded it (ADR 0016).
OPTIONAL_CHILD_FIELDS = {
    "school_name": "child_school_name",
    "school_urn": "child_school_urn",
}
COLUMNS = (*INCIDENT_COLUMNS, *ADULT_COLUMNS, *CHILD_FIELDS.values())
OPTIONAL_COLUMNS = tuple(OPTIONAL_CHILD_FIELDS.values())
MAX_ROWS = 5000


@dataclass
class _Group:
    line: int
    cells: dict[str, str]
    child_lines: list[int] = field(default_factory=list)
    children: list[ChildData] = field(default_factory=list)


def _date(value: str, line: int, column: str, errors: list[RowError]) -> date | None:
    try:
        return normalise.iso_date(value)
    except ValueError as error:
        errors.append(RowError(line, column, str(error)))
        return None


def _moment(value: str, line: int, errors: list[RowError]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        errors.append(
            RowError(line, "occurred_at", f"{value!r} is not a date and time like 2026-10-23T22:00")
        )
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def decode(data: bytes, *, name: str) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252 (Excel's "CSV" on
    Windows); bytes that are neither are refused with what to do about it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        refuse_nul(text, name=name)
        return text
    try:
        text = data.decode("cp1252")
        refuse_nul(text, name=name)
        return text
    except UnicodeDecodeError as error:
        raise ImportRejected(
            name,
            [
                RowError(
                    0,
                    "-",
                    f"the file is neither UTF-8 nor Windows-1252 text (byte {error.start + 1}):"
                    ' save it from the spreadsheet as "CSV UTF-8" and upload it again',
                )
            ],
        ) from None


def parse(text: str, *, name: str = "incidents") -> list[IncidentData]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower().lstrip("\ufeff") for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportRejected(name, [RowError(1, "-", "the file needs a header row")]) from None
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS and c not in OPTIONAL_COLUMNS]
    if missing or unknown:
        raise ImportRejected(
            name,
            [RowError(1, c, "required column is missing from the header") for c in missing]
            + [RowError(1, c or "-", "is not a column of the incident file") for c in unknown],
        )
    errors: list[RowError] = []
    groups: dict[str, _Group] = {}
    rows = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if rows > MAX_ROWS:
                errors.append(RowError(line, "-", f"a file holds at most {MAX_ROWS} rows"))
                break
            if len(cells) != len(header):
                errors.append(RowError(line, "-", f"has {len(cells)} cells, not {len(header)}"))
                continue
            row = {
                column: cells[header.index(column)].strip() if column in header else ""
                for column in (*COLUMNS, *OPTIONAL_COLUMNS)
            }
            _read_row(row, line, groups, errors)
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "-", f"is not valid CSV ({error})"))
    # Every problem at once: the service's checks run even when a row already had one.
    incidents = _build(groups, errors)
    if errors:
        raise ImportRejected(name, errors)
    return incidents


def _read_row(
    row: dict[str, str], line: int, groups: dict[str, _Group], errors: list[RowError]
) -> None:
    reference = row["incident_reference"]
    if not reference:
        errors.append(RowError(line, "incident_reference", "is empty"))
        return
    incident_cells = {c: row[c] for c in (*INCIDENT_COLUMNS, *ADULT_COLUMNS)}
    group = groups.get(reference)
    if group is None:
        group = groups[reference] = _Group(line, incident_cells)
    else:
        for column, value in incident_cells.items():
            if value != group.cells[column]:
                errors.append(
                    RowError(line, column, f"differs from line {group.line} of the same incident")
                )
    child_columns = {**CHILD_FIELDS, **OPTIONAL_CHILD_FIELDS}
    if not any(row[column] for column in child_columns.values()):
        return
    values: dict[str, Any] = {f: row[c] for f, c in child_columns.items()}
    values["dob"] = _date(row["child_dob"], line, "child_dob", errors)
    group.child_lines.append(line)
    group.children.append(ChildData(**values))


def _build(groups: dict[str, _Group], errors: list[RowError]) -> list[IncidentData]:
    incidents = []
    for reference, group in groups.items():
        cells, line = group.cells, group.line
        occurred_at = _moment(cells["occurred_at"], line, errors)
        adults = []
        for role in ("victim", "suspect"):
            forename, surname = cells[f"{role}_forename"], cells[f"{role}_surname"]
            dob = _date(cells[f"{role}_dob"], line, f"{role}_dob", errors)
            if forename or surname or dob:
                adults.append(AdultData(role, forename, surname, dob))
        if occurred_at is None:
            continue
        data = IncidentData(
            reference=reference,
            occurred_at=occurred_at,
            kind=cells["kind"],
            location=cells["location"],
            adults=tuple(adults),
            children=tuple(group.children),
        )
        for key, message in problems(data).items():
            errors.append(_locate(key, message, group, adults))
        incidents.append(data)
    return incidents


def _locate(key: str, message: str, group: _Group, adults: list[AdultData]) -> RowError:
    """Turn a service field name (``children.1.dob``) into the line and column of the file."""
    parts = key.split(".")
    if parts[0] == "children":
        index, name = int(parts[1]), parts[2]
        column = CHILD_FIELDS.get(name) or OPTIONAL_CHILD_FIELDS.get(name, "-")
        return RowError(group.child_lines[index], column, message)
    if parts[0] == "adults":
        adult = adults[int(parts[1])]
        return RowError(group.line, f"{adult.role}_{parts[2]}", message)
    column = "incident_reference" if key == "reference" else key
    return RowError(group.line, column, message)


def incidents_upload(
    *, actor: Any, force: Organisation, data: bytes, file_name: str
) -> list[tuple[Incident, bool]]:
    """Store every incident of the file, or none. Matching follows, outside the transaction."""
    incidents = parse(decode(data, name=file_name), name=file_name)
    with transaction.atomic():
        stored = [incident_receive(actor=actor, force=force, data=item) for item in incidents]
    for incident, _ in stored:
        incident_match(incident_id=incident.pk, actor=actor)
    return stored
