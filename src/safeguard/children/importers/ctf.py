"""The DfE Common Transfer File (CTF) XML: pupils joining a school's roll.

Read: ``CTfile/Header/SourceSchool`` and ``DestSchool`` (``URN``, ``LEA``, ``Estab``), and each
``CTFpupilData/Pupil``: ``UPN``, ``Surname``, ``Forename``, ``DOB`` (ISO date), ``Gender`` (or
``Sex`` in later CTF versions: M, F) and the first ``PostCode`` under ``Address``. Namespaces are
ignored. The pupils go on the roll of ``school_urn`` when given; otherwise the destination
school when it is in the register (a transfer in), else the source school (a school sending its
own pupils to the LA). A CTF adds and updates pupils; it never takes anyone off a roll.

Hostile XML is refused before anything is built: any DTD (so any entity declaration, internal
or external) is forbidden by ``defusedxml``, and files over ``MAX_BYTES`` are not read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.db import transaction

from safeguard.children import normalise
from safeguard.children.identifiers import is_valid_upn, normalise_upn
from safeguard.children.importers.common import (
    ImportRejected,
    ImportResult,
    RowError,
    finish_import,
    start_import,
)
from safeguard.children.importers.pupils import (
    PupilRow,
    apply_roll,
    clean_postcode,
    schools_by_urn,
)
from safeguard.children.models import Establishment, ImportKind
from safeguard.core.models import Organisation

MAX_BYTES = 100 * 1024 * 1024


class _LineBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on, so errors can name it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def _parse_xml(data: bytes, name: str) -> tuple[ET.Element, dict[int, int]]:
    if len(data) > MAX_BYTES:
        raise ImportRejected(name, [RowError(0, "-", f"the file is over {MAX_BYTES} bytes")])
    builder = _LineBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise ImportRejected(
            name,
            [RowError(0, "-", "refused: the file declares a DTD or entities (a CTF never does)")],
        ) from None
    except ET.ParseError as error:
        line = error.position[0] if error.position else 0
        raise ImportRejected(
            name, [RowError(line, "-", f"is not well-formed XML ({error})")]
        ) from None
    return root, builder.lines


def parse(data: bytes, *, name: str = "CTF") -> tuple[dict[str, dict[str, str]], list[PupilRow]]:
    """The header's schools and the pupils, or ``ImportRejected`` listing every bad pupil.

    ``school_urn`` of each row is left empty: the caller decides whose roll it is.
    """
    root, lines = _parse_xml(data, name)
    if _local(root.tag) != "CTfile":
        raise ImportRejected(name, [RowError(1, "CTfile", "the root element must be CTfile")])
    header = _child(root, "Header")
    schools = {
        role: {key: _text(_child(header, role), key) for key in ("URN", "LEA", "Estab")}
        for role in ("SourceSchool", "DestSchool")
    }
    pupils_element = _child(root, "CTFpupilData")
    errors: list[RowError] = []
    rows: list[PupilRow] = []
    seen: dict[str, int] = {}
    today = date.today()
    for pupil in list(pupils_element) if pupils_element is not None else []:
        if _local(pupil.tag) != "Pupil":
            continue
        line = lines.get(id(pupil), 0)
        row_errors: list[RowError] = []
        upn = normalise_upn(_text(pupil, "UPN"))
        if not upn:
            row_errors.append(RowError(line, "Pupil/UPN", "is missing; every pupil needs a UPN"))
        elif not is_valid_upn(upn):
            row_errors.append(RowError(line, "Pupil/UPN", f"{upn!r} is not a valid UPN"))
        elif upn in seen:
            row_errors.append(RowError(line, "Pupil/UPN", f"{upn} is already on line {seen[upn]}"))
        else:
            seen[upn] = line
        surname, forename = _text(pupil, "Surname"), _text(pupil, "Forename")
        if not surname:
            row_errors.append(RowError(line, "Pupil/Surname", "is missing"))
        if not forename:
            row_errors.append(RowError(line, "Pupil/Forename", "is missing"))
        dob = None
        try:
            dob = normalise.iso_date(_text(pupil, "DOB"))
        except ValueError as error:
            row_errors.append(RowError(line, "Pupil/DOB", str(error)))
        if dob is not None and dob > today:
            row_errors.append(RowError(line, "Pupil/DOB", f"{dob.isoformat()} is in the future"))
        gender = ""
        raw_gender = _text(pupil, "Gender") or _text(pupil, "Sex")
        try:
            gender = normalise.gender(raw_gender) or ""
        except ValueError as error:
            row_errors.append(RowError(line, "Pupil/Gender", str(error)))
        address = _child(pupil, "Address")
        postcode = ""
        if address is not None:
            found = next((e for e in address.iter() if _local(e.tag) == "PostCode"), None)
            postcode = clean_postcode(found.text if found is not None else None)
        errors.extend(row_errors)
        if not row_errors:
            rows.append(
                PupilRow(
                    line=line,
                    upn=upn,
                    forename=forename[:100],
                    surname=surname[:100],
                    dob=dob,
                    gender=gender,
                    postcode=postcode,
                    school_urn="",
                )
            )
    if not rows and not errors:
        errors.append(RowError(0, "CTFpupilData", "the file holds no Pupil records"))
    if errors:
        raise ImportRejected(name, errors)
    return schools, rows


def _school(details: dict[str, str]) -> Organisation | None:
    if details["URN"]:
        found = schools_by_urn([details["URN"]]).get(details["URN"])
        if found is not None:
            return found
    if details["LEA"] and details["Estab"]:
        establishment = (
            Establishment.objects.select_related("organisation")
            .filter(la_code=details["LEA"], establishment_number=details["Estab"])
            .first()
        )
        if establishment is not None:
            return establishment.organisation
    return None


def import_ctf(
    *, actor: Any, data: bytes, file_name: str, school_urn: str | None = None
) -> ImportResult:
    header_schools, rows = parse(data, name=file_name)
    if school_urn:
        school = schools_by_urn([school_urn]).get(school_urn)
        if school is None:
            raise ImportRejected(
                file_name, [RowError(0, "school", f"no school has URN {school_urn}")]
            )
    else:
        school = _school(header_schools["DestSchool"]) or _school(header_schools["SourceSchool"])
        if school is None:
            raise ImportRejected(
                file_name,
                [
                    RowError(
                        0,
                        "Header",
                        "neither the destination nor the source school is in the register:"
                        " import the GIAS file first, or name the school",
                    )
                ],
            )
    placed = [PupilRow(**{**row.__dict__, "school_urn": school.urn}) for row in rows]
    with transaction.atomic():
        roll_import = start_import(
            kind=ImportKind.CTF, file_name=file_name, data=data, rows=len(placed), actor=actor
        )
        created, updated, _ = apply_roll(
            placed, schools={school.urn: school}, roll_import=roll_import, complete=False
        )
        return finish_import(roll_import, actor=actor, created=created, updated=updated)
