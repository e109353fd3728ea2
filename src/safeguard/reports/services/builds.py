"""Building the report's PDF in the background (ADR 0007): every module's tables counted, the
charts drawn and WeasyPrint set the pages, which takes longer than a page should wait.

The draft PDF is for those who see drafts (with the figures as they stand, not suppressed: it
does not leave the partnership's leaders); the public PDF is the published version, suppressed.
The file is kept under ``VAR_DIR/exports/report-<job>/`` (owner-only) for the person who asked;
the download page serves it and audits each download.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from safeguard.core.services import jobs
from safeguard.reports import policies
from safeguard.reports.models import Report
from safeguard.reports.selectors import contents

BUILD_JOB = "Annual report PDF"


def build_folder(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "exports" / f"report-{int(job_id)}"


def build_file(job_id: int) -> Path:
    return build_folder(job_id) / "report.pdf"


def public_pdf_file(report_id: int) -> Path:
    """The published report's PDF, made once at publication, served to anyone."""
    return Path(settings.VAR_DIR) / "published" / f"report-{int(report_id)}.pdf"


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def pdf_bytes(report: Report, *, actor: object, public: bool, job_id: int | None = None) -> bytes:
    """The PDF of the draft (counted now) or of the public version (as it was published)."""
    from weasyprint import HTML

    def told(done: int, total: int, title: str) -> None:
        if job_id is not None:
            jobs.job_progress(job_id, stage=f"Counting: {title}", rows_read=done)

    if public:
        body = report.published_html
    else:
        body = contents.render_body(
            contents.build(report, actor=actor, public=False, progress=told)
        )
    if job_id is not None:
        jobs.job_progress(job_id, stage="Setting the pages of the PDF")
    html = render_to_string(
        "reports/report_pdf.html",
        {"report": report, "body": body, "public": public},
    )
    return HTML(string=html, base_url=settings.SITE_URL + "/").write_pdf()


def report_pdf_job(*, job_id: int, report_id: int, public: bool) -> None:
    """The background half of "Make the PDF". Idempotent: a job already taken is left alone."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    with jobs.reporting_failure(job_id):
        report = Report.objects.filter(pk=report_id).first()
        if report is None or not policies.may_build(job.started_by, report, public=public):
            jobs.job_failed(job_id, failure="The person who asked may no longer see this report.")
            return
        jobs.job_progress(job_id, stage="Counting the report's figures")
        data = pdf_bytes(report, actor=job.started_by, public=public, job_id=job_id)
        folder = build_folder(job_id)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, mode=0o700)
        _write(build_file(job_id), data)
        jobs.job_succeeded(
            job_id,
            result={
                "title": report.title,
                "public": public,
                "pdf_url": reverse("reports:pdf_file", kwargs={"pk": job_id}),
            },
            result_template="reports/build_result.html",
            result_url=reverse(
                "reports:published" if public else "reports:report", kwargs={"pk": report.pk}
            ),
            result_label="Back to the report",
        )


def public_pdf_job(*, report_id: int) -> None:
    """Make the published report's PDF for its public address, from the HTML frozen at
    publication. Idempotent: run again, it writes the same document; a report that is not
    (or no longer) published gets none. Written beside and renamed, so a reader never gets
    half a file."""
    report = Report.objects.filter(pk=report_id, status="published").first()
    if report is None:
        return
    data = pdf_bytes(report, actor=None, public=True)
    target = public_pdf_file(report.pk)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_suffix(".pdf.part")
    _write(partial, data)
    partial.replace(target)
