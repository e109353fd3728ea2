"""The DfE register of establishments (GIAS) CSV: creates or updates school organisations.

GIAS downloads ("establishment fields" extract) carry many columns; these are read, by their
GIAS header names: ``URN``, ``EstablishmentName``, ``LA (code)``, ``EstablishmentStatus (name)``,
``PhaseOfEducation (name)``, ``TypeOfEstablishment (name)``, and when present
``EstablishmentNumber``, ``LA (name)`` and ``Postcode``. GIAS writes Windows-1252, so a file
that is not UTF-8 is read as that. ``la_codes`` keeps only the establishments of those local
authorities (the partnership's own and its neighbours').

A school is found by URN; failing that, a school organisation of the same name without a URN
(one made by hand) is adopted. Two different schools may share a name across England ("St
Mary's Catholic Primary School"), while organisation names are unique, so a clash gets the URN
appended to the name. Open schools are active; closed ones inactive, never deleted.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from safeguard.children.importers.common import (
    ImportRejected,
    ImportResult,
    RowError,
    decode_text,
    finish_import,
    start_import,
)
from safeguard.children.models import Establishment, ImportKind
from safeguard.core.models import Organisation
from safeguard.core.models.organisations import OrganisationKind

URN = "URN"
NAME = "EstablishmentName"
LA_CODE = "LA (code)"
STATUS = "EstablishmentStatus (name)"
PHASE = "PhaseOfEducation (name)"
TYPE = "TypeOfEstablishment (name)"
REQUIRED = (URN, NAME, LA_CODE, STATUS, PHASE, TYPE)
OPTIONAL = ("EstablishmentNumber", "LA (name)", "Postcode")
OPEN_STATUSES = frozenset({"Open", "Open, but proposed to close"})
_URN = re.compile(r"^[0-9]{6}$")
_LA = re.compile(r"^[0-9]{3}$")
_ESTAB = re.compile(r"^[0-9]{4}$")
NAME_LIMIT = 200


@dataclass(frozen=True)
class EstablishmentRow:
    """One establishment as the file describes it."""

    urn: str
    name: str
    la_code: str
    status: str
    phase: str
    type_of_establishment: str
    establishment_number: str = ""
    la_name: str = ""
    postcode: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def parse(
    text: str, *, name: str = "GIAS file", la_codes: Iterable[str] = ()
) -> list[EstablishmentRow]:
    """Every establishment in the file (of ``la_codes`` if given), or ``ImportRejected``."""
    wanted = {code.strip() for code in la_codes if code.strip()}
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[RowError] = []
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise ImportRejected(
            name, [RowError(1, "-", "the file is empty; it needs a header row")]
        ) from None
    except csv.Error as error:
        raise ImportRejected(name, [RowError(1, "-", f"is not valid CSV ({error})")]) from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportRejected(
            name,
            [RowError(1, c, "required GIAS column is missing from the header") for c in missing],
        )
    where = {column: header.index(column) for column in (*REQUIRED, *OPTIONAL) if column in header}
    found: list[EstablishmentRow] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(
                    RowError(
                        line, "-", f"has {len(cells)} cells where the header has {len(header)}"
                    )
                )
                continue
            row = {column: cells[index].strip() for column, index in where.items()}
            if wanted and row[LA_CODE] not in wanted:
                continue
            row_errors = _check(row, line, seen)
            errors.extend(row_errors)
            if not row_errors:
                seen[row[URN]] = line
                found.append(
                    EstablishmentRow(
                        urn=row[URN],
                        name=row[NAME],
                        la_code=row[LA_CODE],
                        status=row[STATUS],
                        phase=row[PHASE],
                        type_of_establishment=row[TYPE],
                        establishment_number=row.get("EstablishmentNumber", ""),
                        la_name=row.get("LA (name)", "")[:100],
                        postcode=row.get("Postcode", "").upper()[:8],
                    )
                )
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "-", f"is not valid CSV ({error})"))
    if errors:
        raise ImportRejected(name, errors)
    return found


def _check(row: dict[str, str], line: int, seen: dict[str, int]) -> list[RowError]:
    errors = []
    urn = row[URN]
    if not _URN.match(urn):
        errors.append(RowError(line, URN, f"{urn!r} is not a URN (6 digits)"))
    elif urn in seen:
        errors.append(RowError(line, URN, f"{urn} is already on line {seen[urn]}"))
    if not row[NAME]:
        errors.append(RowError(line, NAME, "is empty; every establishment needs a name"))
    elif len(row[NAME]) > NAME_LIMIT - 9:
        errors.append(RowError(line, NAME, f"is longer than {NAME_LIMIT - 9} characters"))
    if not _LA.match(row[LA_CODE]):
        errors.append(RowError(line, LA_CODE, f"{row[LA_CODE]!r} is not an LA code (3 digits)"))
    if not row[STATUS]:
        errors.append(RowError(line, STATUS, "is empty"))
    number = row.get("EstablishmentNumber", "")
    if number and not _ESTAB.match(number):
        errors.append(
            RowError(line, "EstablishmentNumber", f"{number!r} is not an establishment number")
        )
    return errors


def import_gias(
    *, actor: Any, data: bytes, file_name: str, la_codes: Iterable[str] = ()
) -> ImportResult:
    """Create or update a school organisation (and its GIAS details) for every establishment."""
    text = decode_text(data, name=file_name, fallback="cp1252")
    establishments = parse(text, name=file_name, la_codes=la_codes)
    with transaction.atomic():
        roll_import = start_import(
            kind=ImportKind.GIAS,
            file_name=file_name,
            data=data,
            rows=len(establishments),
            actor=actor,
        )
        created, updated = _apply(establishments)
        return finish_import(roll_import, actor=actor, created=created, updated=updated)


def _apply(establishments: list[EstablishmentRow]) -> tuple[int, int]:
    by_urn = {
        org.urn: org for org in Organisation.objects.filter(urn__in=[e.urn for e in establishments])
    }
    in_file = Counter(e.name for e in establishments)
    created = updated = 0
    for item in establishments:
        org = by_urn.get(item.urn) or _adoptable(item.name)
        name = _unique_name(item, org, shared=in_file[item.name] > 1)
        values = {
            "name": name,
            "kind": OrganisationKind.SCHOOL,
            "urn": item.urn,
            "la_code": item.la_code,
            "active": item.is_open,
        }
        if org is None:
            org = Organisation.objects.create(**values)
            created += 1
        else:
            changed = [field for field, value in values.items() if getattr(org, field) != value]
            if changed:
                for field in changed:
                    setattr(org, field, values[field])
                org.save(update_fields=changed)
                updated += 1
        Establishment.objects.update_or_create(
            organisation=org,
            defaults={
                "urn": item.urn,
                "la_code": item.la_code,
                "la_name": item.la_name,
                "establishment_number": item.establishment_number,
                "phase": item.phase,
                "type_of_establishment": item.type_of_establishment,
                "status": item.status,
                "postcode": item.postcode,
            },
        )
    return created, updated


def _adoptable(name: str) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.SCHOOL, urn="", name=name).first()


def _unique_name(item: EstablishmentRow, org: Organisation | None, *, shared: bool) -> str:
    """The GIAS name, unless another organisation of the kind has it: then "name (URN)"."""
    clash = Organisation.objects.filter(kind=OrganisationKind.SCHOOL, name=item.name)
    if org is not None:
        clash = clash.exclude(pk=org.pk)
    if shared or clash.exists():
        return f"{item.name} ({item.urn})"
    return item.name
