"""Writing pupils to the rolls, shared by the CSV and CTF importers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from safeguard.children import normalise
from safeguard.children.importers.common import RowError
from safeguard.children.models import Pupil, RollImport
from safeguard.core.models import Organisation
from safeguard.core.models.organisations import OrganisationKind

FIELDS = ("forename", "surname", "dob", "gender", "postcode")
BATCH = 2000


@dataclass(frozen=True)
class PupilRow:
    line: int
    upn: str
    forename: str
    surname: str
    dob: date | None
    gender: str
    postcode: str
    school_urn: str


def clean_postcode(value: str | None) -> str:
    return (normalise.postcode(value) or "")[:8]


def schools_by_urn(urns: Iterable[str]) -> dict[str, Organisation]:
    return {
        org.urn: org
        for org in Organisation.objects.filter(kind=OrganisationKind.SCHOOL, urn__in=set(urns))
    }


def school_errors(
    rows: Iterable[tuple[int, str]], schools: dict[str, Organisation], column: str
) -> list[RowError]:
    """A row whose school is not in the register cannot be placed on any roll."""
    errors = []
    for line, urn in rows:
        if not urn:
            errors.append(RowError(line, column, "is empty; every pupil needs a school URN"))
        elif urn not in schools:
            errors.append(
                RowError(line, column, f"no school has URN {urn}: import the GIAS file first")
            )
    return errors


def apply_roll(
    rows: list[PupilRow],
    *,
    schools: dict[str, Organisation],
    roll_import: RollImport,
    complete: bool,
) -> tuple[int, int, int]:
    """Create or update each pupil; with ``complete``, the file is each named school's whole
    roll, so that school's pupils missing from it are marked off roll. Returns the counts."""
    school_ids = {schools[row.school_urn].pk for row in rows}
    existing = {(p.school_id, p.upn): p for p in Pupil.objects.filter(school_id__in=school_ids)}
    to_create: list[Pupil] = []
    to_update: list[Pupil] = []
    present: set[int] = set()
    for row in rows:
        school = schools[row.school_urn]
        values = {
            "forename": row.forename,
            "surname": row.surname,
            "dob": row.dob,
            "gender": row.gender,
            "postcode": row.postcode,
        }
        pupil = existing.get((school.pk, row.upn))
        if pupil is None:
            to_create.append(
                Pupil(upn=row.upn, school=school, roll_import=roll_import, on_roll=True, **values)
            )
            continue
        present.add(pupil.pk)
        if pupil.on_roll and all(getattr(pupil, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(pupil, name, value)
        pupil.on_roll = True
        pupil.roll_import = roll_import
        to_update.append(pupil)
    Pupil.objects.bulk_create(to_create, batch_size=BATCH)
    Pupil.objects.bulk_update(
        to_update, [*FIELDS, "on_roll", "roll_import", "updated_at"], batch_size=BATCH
    )
    left = 0
    if complete:
        gone = [p.pk for p in existing.values() if p.on_roll and p.pk not in present]
        for start in range(0, len(gone), BATCH):
            left += Pupil.objects.filter(pk__in=gone[start : start + BATCH]).update(
                on_roll=False, roll_import=roll_import
            )
    return len(to_create), len(to_update), left
