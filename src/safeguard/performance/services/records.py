"""Record-level DfE data in: parse, validate, keep, count, and feed the scorecard, all or nothing.

The LA's data team uploads a CIN census XML and/or an SSDA903 set for a DfE year. Every file is
parsed before anything is kept; one problem anywhere and nothing changes (neither the stored
records nor any indicator) and every problem is listed. A good upload replaces the census
tables it brings (``census.store.save`` under ``VAR_DIR / "census"``), and the indicators counted
from them go into the series of each catalogue indicator whose ``census_key`` names them, through
``observations_import`` with ``source=RECORDS``, in the period of that indicator containing the
year end. Only the indicators of the returns in this upload are fed: a CIN census alone leaves
the looked-after series alone. Audit rows and the ``RecordImport`` row carry counts, never a
child's identifier or a file name (file names can carry identifying text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import HolidayDataExhausted, london_date
from safeguard.core.models.audit import AuditAction
from safeguard.core.services import jobs
from safeguard.performance import periods, policies, rules
from safeguard.performance.census import indicators, keys, store
from safeguard.performance.importers.census import cin_xml, ssda903_csv, validators
from safeguard.performance.importers.census.problems import CensusFileRefused, Problem
from safeguard.performance.models import (
    CENSUS_FED,
    Indicator,
    Observation,
    ObservationSource,
    RecordImport,
    RecordImportOutcome,
)
from safeguard.performance.services.returns import ImportRefused, ReturnRow, observations_import

RECORD_IMPORT = "performance.record_import"
FINDINGS_SHOWN = 1000  # the job page lists these; the CSV download has every finding
FINDING_HEADINGS = ("Source", "Rule", "Kind", "Child (LA child id)", "Table", "Column", "Message")
FINDING_KEYS = ("source", "rule", "kind", "child_id", "table", "column", "message")
IMPORT_JOB = "Census import"
PROBLEM_HEADINGS = ("File", "Line", "Element or column", "Problem", "Child (LA child id)")
Progress = Callable[..., None]


def _no_progress(**_: object) -> None:
    return None


def census_folder() -> Path:
    return Path(settings.VAR_DIR) / "census"


@dataclass(frozen=True)
class Change:
    indicator: Indicator
    period_start: date
    before: Decimal | None
    after: Decimal


@dataclass
class ImportResult:
    record: RecordImport
    changes: list[Change] = field(default_factory=list)
    findings: list[validators.Finding] = field(default_factory=list)
    validators_note: str = ""


class RecordsRefused(Exception):
    """Nothing was imported; ``problems`` lists every reason, ``record`` is the refused row."""

    def __init__(self, problems: list[Problem], record: RecordImport) -> None:
        self.problems = problems
        self.record = record
        super().__init__(f"{len(problems)} problems; nothing imported")


def _parse(
    cin: bytes | None, ssda903: dict[str, bytes] | None, workdir: Path
) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Both returns parsed, with the problems of both: one bad file does not hide the other's."""
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    if cin is not None:
        (workdir / "cin.xml").write_bytes(cin)
        try:
            tables |= cin_xml.parse(cin, name="CIN census file")
        except CensusFileRefused as refused:
            problems += refused.problems
    if ssda903 is not None:
        folder = workdir / "ssda903"
        folder.mkdir()
        for name, data in ssda903.items():
            (folder / name).write_bytes(data)
        try:
            tables |= ssda903_csv.parse(folder)
        except CensusFileRefused as refused:
            problems += refused.problems
    return tables, problems


def validators_timeout(size_bytes: int) -> int:
    """The validators' time limit for this much input, from the settings (README)."""
    return validators.timeout_for(
        size_bytes,
        base=settings.CENSUS_VALIDATORS_TIMEOUT_SECONDS,
        per_mb=settings.CENSUS_VALIDATORS_SECONDS_PER_MB,
    )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(item.stat().st_size for item in path.iterdir()) if path.is_dir() else 0


def _validate(
    *, workdir: Path, year: int, cin: bool, ssda903: bool, progress: Progress = _no_progress
) -> tuple[list[validators.Finding], str]:
    """The data-to-insight validators' findings, or a plain note of why there are none.

    ``progress()`` with no fields is the job's heartbeat while a validator runs."""
    try:
        validators.python_of()
    except validators.ValidatorsUnavailable:
        return [], (
            "The DfE validators are not installed on this server (make validators), so the "
            "files were not checked against the DfE's rules."
        )
    findings: list[validators.Finding] = []
    try:
        if cin:
            findings += validators.validate_cin(
                workdir / "cin.xml",
                year=year,
                timeout=validators_timeout(_size(workdir / "cin.xml")),
                beat=progress,
            )
        if ssda903:
            if cin:
                progress(stage="Checking the SSDA903 files against the DfE's rules")
            findings += validators.validate_ssda903(
                workdir / "ssda903",
                year=year,
                timeout=validators_timeout(_size(workdir / "ssda903")),
                beat=progress,
            )
    except validators.ValidatorsUnavailable as error:
        return findings, f"The DfE validators could not run: {error}."
    return findings, ""


def _rows(
    results: list[indicators.Indicator],
    kinds: set[str],
    year: int,
    import_id: int,
    population: int | None,
) -> tuple[list[ReturnRow], dict[int, date]]:
    """A row of values per catalogue indicator the import can feed; and its period."""
    by_key = {item.key: item for item in results}
    targets = Indicator.objects.filter(CENSUS_FED, active=True).order_by("pk")
    rows: list[ReturnRow] = []
    periods_of: dict[int, date] = {}
    end = indicators.year_end(year)
    for number, indicator in enumerate(targets, start=1):
        found = by_key.get(indicator.census_key)
        known = keys.KEYS.get(indicator.census_key)
        if found is None or known is None or known[1] not in kinds:
            continue
        value = found.value
        of = "" if found.denominator is None else f" of {found.denominator}"
        if found.unit == "rate_per_10000":
            people = population or indicator.child_population
            if not people:
                continue
            value = round(10_000.0 * found.numerator / people, 1)
            of = f" per 10,000 of a child population of {people}"
        if value is None:  # a percentage of nobody: no value to give
            continue
        start = periods.containing(end, indicator.frequency)
        periods_of[indicator.pk] = start
        rows.append(
            ReturnRow(
                line=number,
                indicator=indicator.code,
                period=periods.short(start),
                value=str(value),
                narrative=(
                    f"Computed from the record-level data of import {import_id} for the year "
                    f"ending {end:%d %B %Y}: {found.numerator}{of}."
                ),
            )
        )
    return rows, periods_of


def records_import(
    *,
    actor: Any,
    year: int,
    population: int | None,
    cin: bytes | None = None,
    ssda903: dict[str, bytes] | None = None,
    validate: bool = True,
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Import one upload whole, or raise ``RecordsRefused`` listing every problem.

    ``progress(stage=..., rows_read=..., problems=...)`` is told each step, for the job page.
    """
    if not policies.can_import_records(actor):
        raise PermissionDenied
    moment = now or timezone.now()
    kinds = {kind for kind, given in (("cin", cin), ("ssda903", ssda903)) if given is not None}
    if not kinds:
        raise ValueError("an upload needs a CIN census file or an SSDA903 set")
    with tempfile.TemporaryDirectory(prefix="safeguard-census-") as tmp:
        workdir = Path(tmp)
        progress(stage="Reading the files")
        tables, problems = _parse(cin, ssda903, workdir)
        progress(
            rows_read=sum(table.num_rows for table in tables.values()),
            problems=[_cells(p) for p in problems],
        )
        end = indicators.year_end(year)
        if end >= london_date(moment):
            problems.append(
                Problem("year", None, "year", f"the year ending {end:%d %B %Y} has not ended yet")
            )
        if problems:
            raise RecordsRefused(
                problems, record_import_refused(actor, year, kinds, problems, moment)
            )
        if validate:
            progress(stage="Checking the files against the DfE's rules (the validators)")
        findings, note = (
            _validate(
                workdir=workdir,
                year=year,
                cin="cin" in kinds,
                ssda903="ssda903" in kinds,
                progress=progress,
            )
            if validate
            else ([], "The DfE validators were not asked for.")
        )
    progress(stage="Counting the indicators")
    con = store.attach(tables)
    try:
        results = indicators.compute(
            con, period_end=end, population=population, calendar=holidays.calendar()
        )
    except HolidayDataExhausted as error:
        problem = Problem("CIN census file", None, "dates", str(error))
        raise RecordsRefused(
            [problem], record_import_refused(actor, year, kinds, [problem], moment)
        ) from None
    finally:
        con.close()
    counts = {name: table.num_rows for name, table in sorted(tables.items())}
    rows: list[ReturnRow] = []
    progress(stage="Storing the records and updating the scorecard")
    try:
        with transaction.atomic():
            record = RecordImport.objects.create(
                imported_by=actor,
                imported_at=moment,
                year=year,
                kinds=",".join(sorted(kinds)),
                row_counts=counts,
                finding_count=len(findings) if validate and not note else None,
                outcome=RecordImportOutcome.IMPORTED,
            )
            rows, periods_of = _rows(results, kinds, year, record.pk, population)
            before = {
                o.indicator_id: o.value
                for o in Observation.objects.filter(indicator_id__in=periods_of)
                if periods_of.get(o.indicator_id) == o.period_start
            }
            updated = (
                observations_import(
                    actor=actor, rows=rows, now=moment, source=ObservationSource.RECORDS
                )
                if rows
                else 0
            )
            record.indicators_updated = updated
            record.save(update_fields=["indicators_updated"])
            audit.record(
                action=AuditAction.CREATE,
                record_type=RECORD_IMPORT,
                record_id=record.pk,
                actor=actor,
                changes={
                    "year": year,
                    "kinds": record.kinds,
                    "rows": counts,
                    "indicators_updated": updated,
                },
                detail="record-level DfE data imported",
            )
            store.save(census_folder(), tables)  # last: a failure here rolls all of it back
    except ImportRefused as refused:
        codes = {row.line: row.indicator for row in rows}
        problems = [
            Problem(f"indicator {codes.get(error.line, '?')}", None, error.column, error.reason)
            for error in refused.errors
        ]
        raise RecordsRefused(
            problems, record_import_refused(actor, year, kinds, problems, moment)
        ) from None
    changes = [
        Change(
            indicator=indicator,
            period_start=periods_of[indicator.pk],
            before=before.get(indicator.pk),
            after=Observation.objects.get(
                indicator=indicator, period_start=periods_of[indicator.pk]
            ).value,
        )
        for indicator in Indicator.objects.filter(pk__in=periods_of).order_by("theme", "name")
    ]
    return ImportResult(record=record, changes=changes, findings=findings, validators_note=note)


def record_import_refused(
    actor: Any, year: int, kinds: set[str], problems: list[Problem], moment: datetime
) -> RecordImport:
    """Keep the attempt (counts only) and audit it; nothing else changed. The page calls it
    too, for an upload refused before parsing (a ZIP bomb, a wrong file name)."""
    with transaction.atomic():
        record = RecordImport.objects.create(
            imported_by=actor,
            imported_at=moment,
            year=year,
            kinds=",".join(sorted(kinds)),
            problem_count=len(problems),
            outcome=RecordImportOutcome.REFUSED,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=RECORD_IMPORT,
            record_id=record.pk,
            actor=actor,
            changes={"year": year, "kinds": record.kinds, "problems": len(problems)},
            detail="record-level DfE data refused; nothing imported",
        )
    return record


def _cells(problem: Problem) -> tuple[str, str, str, str, str]:
    line = "" if problem.line is None else str(problem.line)
    return (problem.file, line, problem.column, problem.reason, problem.child or "")


def uploads_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def upload_fingerprint(
    *,
    year: int,
    population: int | None,
    validate: bool,
    cin: bytes | None,
    ssda903: dict[str, bytes] | None,
) -> str:
    """The same files for the same year (and population, and validation) hash the same."""
    digest = hashlib.sha256(f"{year}|{population}|{validate}".encode())
    if cin is not None:
        digest.update(b"cin" + hashlib.sha256(cin).digest())
    for name, data in sorted((ssda903 or {}).items()):
        digest.update(name.encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def upload_keep(*, cin: bytes | None, ssda903: dict[str, bytes] | None) -> Path:
    """Put the upload where the worker reads it: a fresh folder only this account can read."""
    folder = uploads_folder() / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(folder.parent, 0o700)

    def write(path: Path, data: bytes) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)

    if cin is not None:
        write(folder / "cin.xml", cin)
    if ssda903 is not None:
        (folder / "ssda903").mkdir(mode=0o700)
        for name, data in ssda903.items():
            write(folder / "ssda903" / name, data)
    return folder


def _read_kept(folder: Path) -> tuple[bytes | None, dict[str, bytes] | None]:
    cin_path = folder / "cin.xml"
    cin = cin_path.read_bytes() if cin_path.is_file() else None
    set_folder = folder / "ssda903"
    ssda903 = (
        {path.name: path.read_bytes() for path in sorted(set_folder.iterdir())}
        if set_folder.is_dir()
        else None
    )
    return cin, ssda903


def _finding(f: validators.Finding) -> dict[str, str]:
    return {
        "source": f.source,
        "rule": f.rule,
        "kind": f.kind,
        "child_id": f.child_id or "",
        "table": f.table or "",
        "column": f.column or "",
        "message": f.message,
    }


def _text(cell: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def findings_csv(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows([_text(cell) for cell in row] for row in rows)
    return out.getvalue()


def findings_file(job_id: int) -> Path:
    """Every finding of a census import job, as CSV: kept for the download (it names children,
    so owner-only, and only the LA data team may download it)."""
    return Path(settings.VAR_DIR) / "exports" / f"census-findings-{int(job_id)}.csv"


def _keep_findings(job_id: int, findings: list[validators.Finding]) -> None:
    path = findings_file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    rows = ([_finding(f)[key] for key in FINDING_KEYS] for f in findings)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
        out.write(findings_csv(FINDING_HEADINGS, rows))


def _result(result: ImportResult) -> dict[str, Any]:
    """What the job page shows when the import is done, as JSON."""
    return {
        "record": {
            "pk": result.record.pk,
            "indicators_updated": result.record.indicators_updated,
            "year": result.record.year,
        },
        "changes": [
            {
                "indicator_pk": c.indicator.pk,
                "indicator_name": c.indicator.name,
                "period": periods.label(c.period_start, c.indicator.frequency),
                "before": rules.display(c.before, c.indicator.unit),
                "after": rules.display(c.after, c.indicator.unit),
            }
            for c in result.changes
        ],
        "findings": [_finding(f) for f in result.findings[:FINDINGS_SHOWN]],
        "finding_count": len(result.findings),
        "validators_note": result.validators_note,
    }


def records_import_job(
    *, job_id: int, year: int, population: int | None, validate: bool, folder: str
) -> None:
    """The background half of an upload: import the kept files and report on the job page.

    Idempotent: a job already taken is left alone. The kept files are deleted whatever happens.
    """
    job = jobs.job_claim(job_id)
    if job is None:
        return
    kept = Path(folder)
    back = reverse("performance:records")
    with jobs.reporting_failure(job_id):
        try:
            if kept.parent != uploads_folder() or not kept.is_dir():
                jobs.job_failed(
                    job_id,
                    failure="The uploaded files are no longer on the server: upload them again.",
                    result_url=back,
                    result_label="Upload again",
                )
                return
            cin, ssda903 = _read_kept(kept)
            try:
                result = records_import(
                    actor=job.started_by,
                    year=year,
                    population=population,
                    cin=cin,
                    ssda903=ssda903,
                    validate=validate,
                    progress=lambda **step: jobs.job_progress(job_id, **step),
                )
            except PermissionDenied:
                jobs.job_failed(
                    job_id,
                    failure="The person who started the import may no longer import census "
                    "data, so nothing was imported.",
                )
                return
            except RecordsRefused as refused:
                count = len(refused.problems)
                jobs.job_failed(
                    job_id,
                    failure=f"The upload was not imported: {count} problem"
                    f"{'s' if count != 1 else ''}, listed below. Nothing was changed.",
                    problem_headings=PROBLEM_HEADINGS,
                    problems=[_cells(p) for p in refused.problems],
                    result_url=back,
                    result_label="Back to census imports",
                )
                return
        finally:
            shutil.rmtree(kept, ignore_errors=True)
        if result.findings:
            _keep_findings(job_id, result.findings)
        jobs.job_succeeded(
            job_id,
            result=_result(result),
            result_template="performance/records_result.html",
            result_url=back,
            result_label="See every census import and the indicators they feed",
        )
