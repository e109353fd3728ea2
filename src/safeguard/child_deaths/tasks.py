"""Background work of the child deaths module (``safeguard worker`` runs it; ADR 0007)."""

from __future__ import annotations

from django_tasks import task

from safeguard.child_deaths.services.deprivation import deprivation_import_job


@task()
def deprivation_import(*, job_id: int, folder: str) -> None:
    """Import the deprivation files kept in ``folder`` (the administrator's upload page)."""
    deprivation_import_job(job_id=job_id, folder=folder)
