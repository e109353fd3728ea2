"""The PMSG pack: what the performance subgroup takes to its meeting, as XLSX and as PDF.

For each indicator: its XmR chart, its data (value, mean, limits, special cause, narrative), the
variation and assurance in Making Data Count words and icons, the owner's narrative of the
latest value, and its open exceptions with the owner's answer; a cover with the meeting, the
period the figures run to, and the contents. Built in the background (``tasks.scorecard_pack``,
ADR 0007): thirty XmR charts and a PDF take longer than a page should. The files are kept
under ``VAR_DIR/exports/pack-<job>`` (owner-only) for the person who asked; the download page
serves them and audits each download.

Everything in the pack is an aggregate or an agency's commentary on one, never a child's
record: see ``policies.export_needs_fresh_second_factor`` for what that means for step-up.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.services import jobs
from safeguard.performance import charts, exports, periods, policies, presenting, selectors
from safeguard.performance.agenda import next_meeting_on

PACK_JOB = "PMSG pack"
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS["pdf"] = "application/pdf"


def _figures_to(lines: list[presenting.Line]) -> str:
    latest = [(line.row.latest.period_start, line) for line in lines if line.row.latest]
    if not latest:
        return "No figures yet"
    start, line = max(latest, key=lambda pair: pair[0])
    return periods.label(start, line.row.indicator.frequency)


def _quiet(done: int) -> None:
    return None


def pack_contents(
    *, actor: Any, now: datetime | None = None, drawn: Callable[[int], None] = _quiet
) -> presenting.Pack:
    """Everything the pack shows, read as ``actor`` may see it (aggregates: the scorecard's).

    ``drawn(n)`` is told after each chart: the job page counts them."""
    today = london_date(now or timezone.now())
    rows = selectors.scorecard(actor=actor)
    lines = [presenting.line(row) for row in rows]
    open_exceptions: dict[int, list[dict[str, str]]] = defaultdict(list)
    for exception in selectors.exceptions(actor=actor, open_only=True).order_by("period_start"):
        open_exceptions[exception.indicator_id].append(presenting.exception_row(exception))
    items = []
    for line in lines:
        indicator = line.row.indicator
        svg = charts.xmr_chart(
            line.row.reading, title=indicator.name, target=indicator.target, unit=indicator.unit
        )
        latest = line.row.latest
        items.append(
            presenting.PackIndicator(
                line=line,
                chart_svg=svg or "",
                chart_alt=charts.describe(line.row.reading, title=indicator.name),
                table=presenting.series_table(line.row),
                narrative=latest.narrative if latest else "",
                exceptions=open_exceptions[indicator.pk],
            )
        )
        drawn(len(items))
    held_on = next_meeting_on(today)  # the scorecard's own dates or governance's meetings
    title = (
        f"Performance pack for the PMSG meeting on {held_on:%-d %B %Y}"
        if held_on
        else "Performance pack for the PMSG"
    )
    return presenting.Pack(
        title=title,
        meeting=held_on,
        figures_to=_figures_to(lines),
        printed_on=today,
        indicators=items,
    )


def exports_folder() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def pack_folder(job_id: int) -> Path:
    return exports_folder() / f"pack-{int(job_id)}"


def pack_file(job_id: int, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise ValueError(f"no such format: {fmt}")
    return pack_folder(job_id) / f"pack.{fmt}"


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def pack_build_job(*, job_id: int) -> None:
    """The background half of "Make the PMSG pack": both files, progress on the job page.

    Idempotent: a job already taken is left alone; a rerun writes the same files again.
    """
    job = jobs.job_claim(job_id)
    if job is None:
        return
    with jobs.reporting_failure(job_id):
        if not policies.can_view(job.started_by):
            jobs.job_failed(
                job_id, failure="The person who asked for the pack may no longer see the scorecard."
            )
            return
        jobs.job_progress(job_id, stage="Reading the scorecard and drawing the charts")
        pack = pack_contents(
            actor=job.started_by, drawn=lambda done: jobs.job_progress(job_id, rows_read=done)
        )
        jobs.job_progress(job_id, stage="Writing the spreadsheet", rows_read=len(pack.indicators))
        xlsx = exports.pack_xlsx(pack)
        jobs.job_progress(job_id, stage="Writing the PDF")
        html = render_to_string("performance/pack_pdf.html", {"pack": pack})
        pdf = exports.pdf_from_html(html, base_url=settings.SITE_URL + "/")
        folder = pack_folder(job_id)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder.parent, 0o700)
        _write(folder / "pack.xlsx", xlsx)
        _write(folder / "pack.pdf", pdf)
        jobs.job_succeeded(
            job_id,
            result={
                "indicators": len(pack.indicators),
                "title": pack.title,
                "figures_to": pack.figures_to,
                "xlsx_url": reverse("performance:pack_file", kwargs={"pk": job_id, "fmt": "xlsx"}),
                "pdf_url": reverse("performance:pack_file", kwargs={"pk": job_id, "fmt": "pdf"}),
            },
            result_template="performance/pack_result.html",
            result_url=reverse("performance:scorecard"),
            result_label="Back to the scorecard",
        )
