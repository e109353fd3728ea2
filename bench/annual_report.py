"""The demo's annual report built from its records (goal: under 30 s, issue 17).

Writes the demo partnership (every module's demo records, as ``safeguard demo`` does), then
builds its 2021 to 2023 report three ways, each the median of 3 runs: the page's contents
(every registered section counted, every chart drawn, the HTML rendered), the public version
(the same with small numbers withheld), and the whole PDF job (contents and WeasyPrint).
Writing the demo is not timed.
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
    from safeguard.core import demo
    from safeguard.core.models import Person
    from safeguard.reports.models import Report
    from safeguard.reports.selectors import contents
    from safeguard.reports.services import builds

    started = time.perf_counter()
    demo.create_demo_partnership()
    written = time.perf_counter() - started
    report = Report.objects.get(title="Annual report 2021 to 2023")
    officer = Person.objects.filter(
        is_demo=True, role_assignments__role="business_unit_officer"
    ).first()

    def page() -> None:
        contents.render_body(contents.build(report, actor=officer, public=False))

    def public() -> None:
        contents.render_public(report)

    def pdf() -> None:
        builds.pdf_bytes(report, actor=officer, public=False)

    figures = {
        "contents (draft, with links)": _median(page),
        "public version (suppressed)": _median(public),
        "PDF (contents + WeasyPrint)": _median(pdf),
    }
    lines = [f"demo partnership written in {written:.1f} s (not timed below)"]
    lines += [
        f"{name}: {seconds:.2f} s (median of {RUNS}; goal under 30 s)"
        for name, seconds in figures.items()
    ]
    return lines
