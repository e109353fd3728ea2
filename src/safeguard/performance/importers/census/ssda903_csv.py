"""Read an SSDA903 return (the looked-after children CSV tables) into the census tables.

A return is a folder of CSV files named as the DfE names them: ``header.csv`` and
``episodes.csv`` are required, ``reviews.csv`` and ``oc2.csv`` (health and dental checks of
children looked after for 12 months) are read when present. Dates are DD/MM/YYYY as the DfE
specifies (YYYY-MM-DD is accepted too). Every bad cell is reported with its file, line, column
and reason, and nothing is returned unless every row is good.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from safeguard.performance.census.schema import SSDA903_TABLES, empty, to_arrow
from safeguard.performance.importers.census.problems import CensusFileRefused, Problem

Converter = Callable[[str], Any]


def _day(value: str) -> date:
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, layout).date()
        except ValueError:
            continue
    raise ValueError("is not a date in the form DD/MM/YYYY")


def _flag(value: str) -> bool:
    if value in {"1", "0"}:
        return value == "1"
    raise ValueError("must be 1 or 0")


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError("is not a whole number") from None


def _text(value: str) -> str:
    return value


# file -> (table, required columns, {DfE column: (our column, converter)})
FILES: dict[str, tuple[str, frozenset[str], dict[str, tuple[str, Converter]]]] = {
    "header.csv": (
        "cla_children",
        frozenset({"CHILD", "SEX", "DOB"}),
        {
            "CHILD": ("child_id", _text),
            "SEX": ("sex", _text),
            "DOB": ("birth_date", _day),
            "UPN": ("upn", _text),
        },
    ),
    "episodes.csv": (
        "cla_episodes",
        frozenset({"CHILD", "DECOM", "DEC"}),
        {
            "CHILD": ("child_id", _text),
            "DECOM": ("start_date", _day),
            "RNE": ("reason_new_episode", _text),
            "LS": ("legal_status", _text),
            "CIN": ("cin_category", _text),
            "PLACE": ("placement", _text),
            "DEC": ("end_date", _day),
            "REC": ("reason_ended", _text),
        },
    ),
    "reviews.csv": (
        "cla_reviews",
        frozenset({"CHILD", "REVIEW"}),
        {
            "CHILD": ("child_id", _text),
            "REVIEW": ("review_date", _day),
            "REVIEW_CODE": ("review_code", _text),
        },
    ),
    "oc2.csv": (
        "cla_health",
        frozenset({"CHILD", "HEALTH_ASSESSMENT", "TEETH_CHECK"}),
        {
            "CHILD": ("child_id", _text),
            "HEALTH_CHECK": ("health_check", _flag),
            "IMMUNISATIONS": ("immunisations", _flag),
            "TEETH_CHECK": ("teeth_check", _flag),
            "HEALTH_ASSESSMENT": ("health_assessment", _flag),
            "SDQ_SCORE": ("sdq_score", _whole),
        },
    ),
}
REQUIRED_FILES = ("header.csv", "episodes.csv")
# Cells that must not be empty, beyond the columns that must be present.
NOT_EMPTY = {"CHILD", "DECOM", "DOB", "REVIEW"}


def parse(folder: Path) -> dict[str, pa.Table]:
    """The SSDA903 tables of one return folder, or ``CensusFileRefused`` with every problem."""
    if not folder.is_dir():
        raise CensusFileRefused([Problem(str(folder), None, "folder", "is not a folder")])
    problems: list[Problem] = []
    tables = {name: empty(name) for name in SSDA903_TABLES}
    for file_name in REQUIRED_FILES:
        if not (folder / file_name).is_file():
            problems.append(Problem(file_name, None, "file", "is missing; it is required"))
    for file_name, (table, required, columns) in FILES.items():
        path = folder / file_name
        if path.is_file():
            rows = _read(path, required, columns, problems)
            tables[table] = to_arrow(table, rows)
    if problems:
        raise CensusFileRefused(problems)
    return tables


def _read(
    path: Path,
    required: frozenset[str],
    columns: dict[str, tuple[str, Converter]],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(name, None, "file", "is not UTF-8 text"))
        return []
    reader = csv.DictReader(text.splitlines())
    try:
        present = {c.strip().upper() for c in (reader.fieldnames or [])}
    except csv.Error as error:
        problems.append(Problem(name, 1, "file", f"is not valid CSV ({error})"))
        return []
    missing = sorted(required - present)
    for column in missing:
        problems.append(Problem(name, 1, column, "column is missing from the header row"))
    if missing:
        return []
    try:
        return _rows(name, reader, columns, problems)
    except csv.Error as error:  # e.g. a cell longer than the csv module's limit
        problems.append(Problem(name, reader.line_num, "file", f"is not valid CSV ({error})"))
        return []


def _rows(
    name: str,
    reader: csv.DictReader[str],
    columns: dict[str, tuple[str, Converter]],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    rows = []
    for line, raw in enumerate(reader, start=2):
        if None in raw:  # DictReader files the cells beyond the header under None
            problems.append(Problem(name, line, "row", "has more cells than the header row"))
            continue
        cells = {(k or "").strip().upper(): (v or "").strip() for k, v in raw.items()}
        row: dict[str, Any] = {}
        for column, (ours, convert) in columns.items():
            value = cells.get(column, "")
            if not value:
                if column in NOT_EMPTY:
                    problems.append(Problem(name, line, column, "is empty; it is required"))
                row[ours] = None
                continue
            try:
                row[ours] = convert(value)
            except ValueError as bad:
                problems.append(Problem(name, line, column, f"{bad}: {value[:20]!r}"))
        rows.append(row)
    return rows
