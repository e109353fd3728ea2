"""Background work of the annual report; each task is idempotent (ADR 0007)."""

from __future__ import annotations

from django_tasks import task

from safeguard.reports.services import builds


@task()
def report_pdf(*, job_id: int, report_id: int, public: bool) -> None:
    """Count every section, draw the charts and set the PDF, for the person who asked."""
    builds.report_pdf_job(job_id=job_id, report_id=report_id, public=public)


@task()
def report_public_pdf(*, report_id: int) -> None:
    """The published report's PDF for its public address (made once, at publication)."""
    builds.public_pdf_job(report_id=report_id)
