"""The demo's annual report built from its records (goal: under 30 s, issue 17).

Writes the demo partnership (every module's demo records, as ``safeguard demo`` does), then
builds its published report (the two most recent complete financial years, where the modules'
demo records are) each way, each the median of 3 runs: the page's contents (every registered
section counted, every chart drawn, the HTML rendered), the public version (the same with
small numbers withheld), the whole PDF of the draft (contents and WeasyPrint), the public PDF
made at publication (WeasyPrint on the frozen HTML), and the narrative's Word export. The
seed's period, 2021 to 2023, is timed too for comparison (its contents). Writing the demo is
not timed.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable

RUNS = 3


def _median(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[str]:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its page-by-page progress
    from datetime import date

    from safeguard.core import demo
    from safeguard.core.models import Person
    from safeguard.reports.models import Report
    from safeguard.reports.selectors import contents
    from safeguard.reports.selectors import reports as selectors
    from safeguard.reports.services import builds, narratives, reports, word

    started = time.perf_counter()
    demo.create_demo_partnership()
    written = time.perf_counter() - started
    report = Report.objects.get(status="published")
    officer = Person.objects.filter(
        is_demo=True, role_assignments__role="business_unit_officer"
    ).first()
    seed = reports.report_create(
        actor=officer,
        title="Annual report 2021 to 2023",
        period_start=date(2021, 4, 1),
        period_end=date(2023, 3, 31),
    )

    def page() -> None:
        contents.render_body(contents.build(report, actor=officer, public=False))

    def public() -> None:
        contents.render_public(report)

    def pdf() -> None:
        builds.pdf_bytes(report, actor=officer, public=False)

    def public_pdf() -> None:
        builds.public_pdf_job(report_id=report.pk)

    def docx() -> None:
        word.narrative_docx(
            report=report,
            narratives=selectors.narratives_of(report),
            partners=narratives.statutory_partners(),
            on=date.today(),
        )

    def seed_page() -> None:
        contents.render_body(contents.build(seed, actor=officer, public=False))

    figures = {
        "contents (draft, with links)": _median(page),
        "public version (suppressed)": _median(public),
        "PDF of the draft (contents + WeasyPrint)": _median(pdf),
        "public PDF (frozen HTML + WeasyPrint)": _median(public_pdf),
        "narrative as Word": _median(docx),
        "2021 to 2023 contents (draft)": _median(seed_page),
    }
    lines = [
        f"demo partnership written in {written:.1f} s (not timed below)",
        f"report: {report.title} ({report.period_start} to {report.period_end})",
    ]
    lines += [
        f"{name}: {seconds:.2f} s (median of {RUNS}; goal under 30 s)"
        for name, seconds in figures.items()
    ]
    return lines
