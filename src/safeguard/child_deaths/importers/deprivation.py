"""The English Indices of Deprivation file and the postcode lookup, read all or nothing.

Areas: the official CSV of the English Indices of Deprivation (IoD2019 "File 7", one row per
Lower-layer Super Output Area), by its official column names: ``LSOA code (2011)`` (or
``(2021)`` for a later release), ``LSOA name (2011)``, and the columns beginning
``Index of Multiple Deprivation (IMD) Rank`` and ``Index of Multiple Deprivation (IMD) Decile``
(the official headers continue "(where 1 is most deprived ...)"). Other columns are ignored.

Postcodes: the ONS National Statistics Postcode Lookup CSV, by its column names ``pcds`` (the
postcode) and ``lsoa11`` (or ``lsoa21``).

A file with any bad row is refused whole, with every bad row listed (line, column, reason).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from safeguard.children import normalise

LSOA_CODES = ("LSOA code (2011)", "LSOA code (2021)")
LSOA_NAMES = ("LSOA name (2011)", "LSOA name (2021)")
RANK_PREFIX = "Index of Multiple Deprivation (IMD) Rank"
DECILE_PREFIX = "Index of Multiple Deprivation (IMD) Decile"
POSTCODE = "pcds"
POSTCODE_LSOA = ("lsoa11", "lsoa21")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


class FileRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


MAX_RANK = 1_000_000  # England has about 33,000 LSOAs: a larger rank is a broken file


def check_text(text: str) -> str:
    """Refuse a NUL character: it marks a binary file, and PostgreSQL cannot store one (a row
    holding one failed the whole import with a server error: tests/test_importers_fuzz.py)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileRefused([RowError(line, "", "contains a NUL character: is it a CSV file?")])
    return text


def _rows_or_refuse(reader: csv.DictReader[str]) -> list[tuple[int, dict[str, Any]]]:
    """Every row with its line; a file the csv module cannot read (a stray carriage return, a
    cell over its length limit) is refused with the line, not left to fail as a server error."""
    try:
        return list(enumerate(reader, start=2))
    except csv.Error as error:
        raise FileRefused([RowError(reader.line_num, "", f"not valid CSV ({error})")]) from None


def _reader(text: str) -> csv.DictReader[str]:
    return csv.DictReader(io.StringIO(text.lstrip("\ufeff")))


def _header(reader: csv.DictReader[str]) -> list[str]:
    try:
        return list(reader.fieldnames or [])
    except csv.Error as error:
        raise FileRefused([RowError(1, "", f"not valid CSV ({error})")]) from None


def _pick(header: list[str], names: tuple[str, ...], prefix: str = "") -> str | None:
    for name in names:
        if name in header:
            return name
    if prefix:
        return next((h for h in header if h.startswith(prefix)), None)
    return None


def read_areas(text: str) -> list[dict[str, Any]]:
    reader = _reader(check_text(text))
    header = _header(reader)
    columns = {
        "lsoa_code": _pick(header, LSOA_CODES),
        "lsoa_name": _pick(header, LSOA_NAMES),
        "imd_rank": _pick(header, (), RANK_PREFIX),
        "imd_decile": _pick(header, (), DECILE_PREFIX),
    }
    missing = [name for name, column in columns.items() if column is None]
    if missing:
        wanted = {
            "lsoa_code": LSOA_CODES[0],
            "lsoa_name": LSOA_NAMES[0],
            "imd_rank": RANK_PREFIX,
            "imd_decile": DECILE_PREFIX,
        }
        raise FileRefused([RowError(1, wanted[name], "column missing") for name in missing])
    rows, errors, seen = [], [], set()
    for line, raw in _rows_or_refuse(reader):
        code = (raw.get(columns["lsoa_code"] or "") or "").strip()
        name = (raw.get(columns["lsoa_name"] or "") or "").strip()
        if not (len(code) == 9 and code[0] == "E" and code[1:].isdigit() and code.isascii()):
            errors.append(RowError(line, columns["lsoa_code"] or "", "not an English LSOA code"))
            continue
        if code in seen:
            errors.append(RowError(line, columns["lsoa_code"] or "", "repeated LSOA code"))
            continue
        seen.add(code)
        try:
            rank = int((raw.get(columns["imd_rank"] or "") or "").strip())
            if rank < 1:
                raise ValueError
        except ValueError:
            errors.append(RowError(line, columns["imd_rank"] or "", "not a whole number from 1"))
            continue
        if rank > MAX_RANK:
            errors.append(RowError(line, columns["imd_rank"] or "", f"more than {MAX_RANK:,}"))
            continue
        try:
            decile = int((raw.get(columns["imd_decile"] or "") or "").strip())
            if not 1 <= decile <= 10:
                raise ValueError
        except ValueError:
            errors.append(RowError(line, columns["imd_decile"] or "", "not a decile from 1 to 10"))
            continue
        rows.append(
            {"lsoa_code": code, "lsoa_name": name[:100], "imd_rank": rank, "imd_decile": decile}
        )
    if errors:
        raise FileRefused(errors)
    return rows


def read_postcodes(text: str) -> list[tuple[str, str]]:
    reader = _reader(check_text(text))
    header = _header(reader)
    lsoa_column = _pick(header, POSTCODE_LSOA)
    if POSTCODE not in header or lsoa_column is None:
        raise FileRefused(
            [
                RowError(
                    1, POSTCODE if POSTCODE not in header else POSTCODE_LSOA[0], "column missing"
                )
            ]
        )
    rows, errors, seen = [], [], set()
    for line, raw in _rows_or_refuse(reader):
        postcode = normalise.postcode(raw.get(POSTCODE) or "")
        lsoa = (raw.get(lsoa_column) or "").strip()
        if postcode is None or " " not in postcode:
            errors.append(RowError(line, POSTCODE, "not a postcode"))
            continue
        if not lsoa:
            continue  # the lookup leaves some postcodes without an area (e.g. large users)
        # Any UK area code (E01..., W01..., S01..., pseudo-codes): letters and digits, at most 9
        # (longer ones failed the import with a server error on PostgreSQL).
        if not (len(lsoa) <= 9 and lsoa.isascii() and lsoa.isalnum()):
            errors.append(RowError(line, lsoa_column, "not an area code"))
            continue
        if postcode in seen:
            errors.append(RowError(line, POSTCODE, "repeated postcode"))
            continue
        seen.add(postcode)
        rows.append((postcode, lsoa))
    if errors:
        raise FileRefused(errors)
    return rows
