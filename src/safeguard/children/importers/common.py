"""What every importer shares: the rejection with its row errors, the result, the audit row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from safeguard.children import tasks
from safeguard.children.models import RollImport
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction

MAX_SHOWN = 1000
RECORD_TYPE = "children.roll_import"

__all__ = [
    "ImportRejected",
    "ImportResult",
    "RowError",
    "decode_text",
    "finish_import",
    "nul_problem",
    "refuse_nul",
    "start_import",
]


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the line, the column (or ``-`` for the whole row), and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


class ImportRejected(ValueError):
    """Every problem found in a file; nothing from the file was written."""

    def __init__(self, name: str, errors: list[RowError]) -> None:
        self.name = name
        self.errors = sorted(errors, key=lambda e: (e.line, e.column))
        shown = "\n".join(f"  {error}" for error in self.errors[:MAX_SHOWN])
        more = len(self.errors) - MAX_SHOWN
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(f"{name}: {len(self.errors)} problem(s), nothing was imported\n{shown}")


@dataclass(frozen=True)
class ImportResult:
    roll_import: RollImport
    created: int
    updated: int
    left_roll: int = 0

    def summary(self) -> str:
        text = f"import {self.roll_import.pk}: {self.created} created, {self.updated} updated"
        if self.left_roll:
            text += f", {self.left_roll} marked off roll"
        return text


def decode_text(data: bytes, *, name: str, fallback: str | None = None) -> str:
    """UTF-8 (with or without a byte order mark), else ``fallback`` (GIAS files are cp1252)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fallback is None:
            raise ImportRejected(name, [RowError(0, "-", "the file is not UTF-8 text")]) from None
        text = data.decode(fallback, errors="replace")
    refuse_nul(text, name=name)
    return text


def nul_problem(text: str) -> RowError | None:
    """A NUL character never belongs in a text file (it marks a binary file, or a spreadsheet
    saved in the wrong format), and PostgreSQL cannot store one: such a file would fail half
    way through with a server error (found by tests/test_importers_fuzz.py). Refuse it first."""
    at = text.find("\x00")
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    return RowError(
        line, "-", 'contains a NUL character: save the file as "CSV UTF-8" and upload it again'
    )


def refuse_nul(text: str, *, name: str) -> None:
    problem = nul_problem(text)
    if problem is not None:
        raise ImportRejected(name, [problem])


def start_import(*, kind: str, file_name: str, data: bytes, rows: int, actor: Any) -> RollImport:
    """The import row, written first so that every pupil row can point at it."""
    return RollImport.objects.create(
        kind=kind,
        file_name=file_name[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def finish_import(
    roll_import: RollImport, *, actor: Any, created: int, updated: int, left_roll: int = 0
) -> ImportResult:
    """Store the counts and audit the import: who brought which file (by digest), what changed.

    One audit row per file rather than per pupil: a roll holds thousands of pupils, and every
    pupil row names the import that last wrote it, so each change is still traceable.
    """
    roll_import.created, roll_import.updated, roll_import.left_roll = created, updated, left_roll
    roll_import.save(update_fields=["created", "updated", "left_roll"])
    audit.record(
        action=AuditAction.CREATE,
        record_type=RECORD_TYPE,
        record_id=roll_import.pk,
        actor=actor,
        changes={
            "kind": [None, roll_import.kind],
            "sha256": [None, roll_import.sha256],
            "rows": [None, roll_import.rows],
            "created": [None, created],
            "updated": [None, updated],
            "left_roll": [None, left_roll],
        },
    )
    # The changed rolls are prepared for matching in the background once this commits.
    transaction.on_commit(tasks.roll_prepare.enqueue)
    return ImportResult(roll_import, created, updated, left_roll)
