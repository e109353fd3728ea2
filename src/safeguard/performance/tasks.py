"""Background work of the scorecard; each job is idempotent (several workers may run it).

``census_import`` is a ``django-tasks`` task: the census upload page queues it and returns at
once; ``safeguard worker`` runs it (DESIGN.md section 3, ADR 0007).
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safeguard.performance.services import counting, pack, records, returns


def returns_due_and_chase() -> None:
    """Open the clock for each return that fell due, and chase the late ones."""
    now = timezone.now()
    returns.returns_open_due(now=now)
    returns.returns_chase_late(now=now)


@task()
def census_import(
    *, job_id: int, year: int, population: int | None, validate: bool, folder: str
) -> None:
    """Parse, validate, store and feed the indicators from an upload kept in ``folder``."""
    records.records_import_job(
        job_id=job_id, year=year, population=population, validate=validate, folder=folder
    )


@task()
def scorecard_pack(*, job_id: int) -> None:
    """Build the PMSG pack (XLSX and PDF) for the person who asked."""
    pack.pack_build_job(job_id=job_id)


def measures_count() -> None:
    """Count every indicator linked to a measure of Safeguard's records (hourly, idempotent)."""
    counting.measures_count_all()


@task()
def measures_count_job(*, job_id: int, indicator_ids: list[int]) -> None:
    """The "Count now" job: count the chosen linked indicators for the person who asked."""
    counting.count_job(job_id=job_id, indicator_ids=indicator_ids)
