"""The English Indices of Deprivation lookup: areas (LSOAs) with their IMD decile and the
postcodes in each, imported all or nothing by an administrator (``importers.deprivation``)."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.importers.deprivation import (
    FileRefused,
    RowError,
    check_text,
    read_areas,
    read_postcodes,
)
from safeguard.child_deaths.models import Death, DeprivationArea, PostcodeArea
from safeguard.child_deaths.services import _common
from safeguard.children import normalise
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.core.services import jobs


def decile_of(postcode: str) -> int | None:
    code = normalise.postcode(postcode)
    if code is None:
        return None
    lsoa = PostcodeArea.objects.filter(postcode=code).values_list("lsoa_code", flat=True).first()
    if lsoa is None:
        return None
    return rules.decile_for(
        code,
        postcode_areas={code: lsoa},
        area_deciles=dict(
            DeprivationArea.objects.filter(lsoa_code=lsoa).values_list("lsoa_code", "imd_decile")
        ),
    )


def deprivation_replace(
    *, actor: Any, areas: list[dict[str, Any]], postcodes: list[tuple[str, str]]
) -> int:
    """Replace the lookup with a new file's rows and work out every death's decile again.
    Returns how many deaths changed decile. The rows were checked by the importer."""
    with transaction.atomic():
        if areas:
            DeprivationArea.objects.all().delete()
            DeprivationArea.objects.bulk_create(DeprivationArea(**area) for area in areas)
        if postcodes:
            PostcodeArea.objects.all().delete()
            PostcodeArea.objects.bulk_create(
                PostcodeArea(postcode=postcode, lsoa_code=lsoa) for postcode, lsoa in postcodes
            )
        changed = 0
        for death in Death.objects.all():
            decile = decile_of(death.home_postcode)
            if decile != death.deprivation_decile:
                death.deprivation_decile = decile
                death.save(update_fields=["deprivation_decile"])
                changed += 1
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.AREA,
            actor=actor,
            changes={"areas": len(areas), "postcodes": len(postcodes), "deaths": changed},
        )
    return changed


# --- The import as a background job (the administrator's page) --------------------------------

IMPORT_JOB = "Deprivation lookup import"
PROBLEM_HEADINGS = ("File", "Line", "Column", "Problem")
AREAS_FILE = "areas.csv"
POSTCODES_FILE = "postcodes.csv"
_FILE_NAMES = {AREAS_FILE: "Indices of Deprivation file", POSTCODES_FILE: "Postcode lookup"}


def uploads_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "deprivation"


def upload_fingerprint(*, areas: bytes | None, postcodes: bytes | None) -> str:
    """The same two files hash the same, so a second upload leads to the first job."""
    digest = hashlib.sha256(b"deprivation")
    for name, data in ((AREAS_FILE, areas), (POSTCODES_FILE, postcodes)):
        if data is not None:
            digest.update(name.encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def upload_keep(*, areas: bytes | None, postcodes: bytes | None) -> Path:
    """Put the files where the worker reads them: a fresh folder only this account can read."""
    folder = uploads_folder() / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    for name, data in ((AREAS_FILE, areas), (POSTCODES_FILE, postcodes)):
        if data is None:
            continue
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
    return folder


def _text(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            [RowError(1, "", "the file is not UTF-8 text (save it as CSV UTF-8)")]
        ) from None
    return check_text(text)


def deprivation_import_job(*, job_id: int, folder: str) -> None:
    """The background half of the upload page: read both files all or nothing, then replace the
    lookup and work out every death's decile again. Idempotent (a job already taken is left
    alone); the kept files are deleted whatever happens. Progress by stage and rows read."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    kept = Path(folder)
    back = reverse("child_deaths:deprivation")
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
            if job.started_by is None or not policies.may_import_deprivation(job.started_by):
                jobs.job_failed(
                    job_id,
                    failure="The person who started the import may no longer replace the "
                    "deprivation lookup, so nothing was imported.",
                )
                return
            problems: list[list[object]] = []
            areas: list[dict[str, Any]] = []
            postcodes: list[tuple[str, str]] = []
            for name in (AREAS_FILE, POSTCODES_FILE):
                jobs.job_progress(job_id, stage=f"Reading the {_FILE_NAMES[name].lower()}")
                try:
                    text = _text(kept / name)
                    if text is None:
                        continue
                    if name == AREAS_FILE:
                        areas = read_areas(text)
                    else:
                        postcodes = read_postcodes(text)
                except FileRefused as refused:
                    problems += [
                        [_FILE_NAMES[name], e.line, e.column, e.reason] for e in refused.errors
                    ]
                jobs.job_progress(job_id, rows_read=len(areas) + len(postcodes))
            if problems:
                count = len(problems)
                jobs.job_failed(
                    job_id,
                    failure=f"The files were not imported: {count} problem"
                    f"{'s' if count != 1 else ''}, listed below. Nothing was changed.",
                    problem_headings=PROBLEM_HEADINGS,
                    problems=problems,
                    result_url=back,
                    result_label="Back to the deprivation lookup",
                )
                return
            jobs.job_progress(job_id, stage="Replacing the lookup and working out deciles again")
            changed = deprivation_replace(actor=job.started_by, areas=areas, postcodes=postcodes)
        finally:
            shutil.rmtree(kept, ignore_errors=True)
        jobs.job_succeeded(
            job_id,
            result={"areas": len(areas), "postcodes": len(postcodes), "deaths_changed": changed},
            result_template="child_deaths/deprivation_result.html",
            result_url=back,
            result_label="Back to the deprivation lookup",
        )


def lookup_state() -> dict[str, Any]:
    """How many areas and postcodes the lookup holds, and how many deaths have a decile."""
    return {
        "areas": DeprivationArea.objects.count(),
        "postcodes": PostcodeArea.objects.count(),
        "deaths_with_decile": Death.objects.filter(deprivation_decile__isnull=False).count(),
    }
