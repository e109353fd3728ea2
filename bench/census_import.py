"""A CIN census upload of 50,000 children with the DfE validators on, as the worker runs it.

Issue 11: a real LA's file took the web request past its timeout. This times the whole
background job the upload page queues (``tasks.census_import``: parse, the data-to-insight
validators in their own environment, the indicators, storing, the scorecard) from the queued
task to the finished job, on a synthetic file (``bench/synthetic_cin_xml.py``, cached under
``bench/out/``; generating it is not timed). Wall seconds and CPU seconds (this process plus
the validator's process), median of ``SAFEGUARD_BENCH_IMPORT_REPEATS`` runs (default 3).
Set ``SAFEGUARD_BENCH_IMPORT_CHILDREN`` for another size, ``SAFEGUARD_BENCH_IMPORT_VALIDATE=0``
to leave the validators out. Without ``make validators`` the
validators are skipped and the figures say so.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

from bench import synthetic_cin_xml

CHILDREN = 50_000
YEAR = 2025
OUT = Path(__file__).resolve().parent / "out"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run() -> list[str]:
    from safeguard.core import worker
    from safeguard.core.models import Job, Organisation, Person, RoleAssignment
    from safeguard.core.roles import Role
    from safeguard.core.services import jobs
    from safeguard.performance import tasks
    from safeguard.performance.importers.census import validators
    from safeguard.performance.services import records

    children = int(os.environ.get("SAFEGUARD_BENCH_IMPORT_CHILDREN", CHILDREN))
    repeats = int(os.environ.get("SAFEGUARD_BENCH_IMPORT_REPEATS", 3))
    validate = os.environ.get("SAFEGUARD_BENCH_IMPORT_VALIDATE", "1") != "0"
    path = synthetic_cin_xml.cached(OUT, children=children, year=YEAR)
    data = path.read_bytes()
    org = Organisation.objects.create(name="Bench LA", kind="local_authority")
    analyst = Person.objects.create_user(
        email="bench-analyst@example.invalid", password="x" * 16, organisation=org, full_name="A"
    )
    RoleAssignment.objects.create(person=analyst, role=Role.LA_DATA_TEAM)
    walls, cpus, outcome = [], [], ""
    for _ in range(repeats):
        folder = records.upload_keep(cin=data, ssda903=None)
        job = jobs.job_start(
            actor=analyst,
            kind=records.IMPORT_JOB,
            task=tasks.census_import,
            task_kwargs={
                "year": YEAR,
                "population": 60_000,
                "validate": validate,
                "folder": str(folder),
            },
        )
        wall, cpu = time.perf_counter(), _cpu()
        worker.run_queued_tasks(worker_id="bench", limit=1)
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
        done = Job.objects.get(pk=job.pk)
        findings = done.result.get("finding_count", len(done.result.get("findings", [])))
        note = done.result.get("validators_note", "")
        outcome = (
            f"{done.state}; {done.rows_read} rows read; {findings} validator findings"
            + (f"; {note}" if note else "")
            + (f"; {done.failure}" if done.failure else "")
        )
    have = (validators.default_venv() / "bin" / "python").is_file()
    return [
        f"file: {children} children, {len(data) / 1e6:.1f} MB; validators "
        + (
            "off (SAFEGUARD_BENCH_IMPORT_VALIDATE=0)"
            if not validate
            else "on"
            if have
            else "NOT INSTALLED (make validators)"
        ),
        f"import job: {statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s CPU"
        f" (median of {repeats}; runs {', '.join(f'{w:.1f}' for w in walls)} s)",
        f"last run: {outcome[:300]}",
    ]
