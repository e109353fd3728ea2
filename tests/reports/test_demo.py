"""The demo's funding, priorities and reports: the report for the two most recent complete
financial years published (its tables counted from the modules' demo records), and the report
for the year now running being written, its sections in every state of the workflow."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from safeguard.core.clock import LONDON
from safeguard.governance.models import FundingContribution, Priority
from safeguard.reports.demo import published_period
from safeguard.reports.models import Report, ReportStatus
from safeguard.reports.selectors import contents
from safeguard.reports.services import reports as report_services
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


def test_the_demo_has_funding_priorities_and_reports_in_every_state() -> None:
    summary = demo_snapshot.demo_partnership(seed=2026, now=NOW)
    assert summary.extensions["reports"] > 0
    years = set(FundingContribution.objects.values_list("year_start__year", flat=True))
    assert {2021, 2022} <= years
    assert Priority.objects.count() == 3
    assert all(p.updates.exists() for p in Priority.objects.all())
    published = Report.objects.get(status=ReportStatus.PUBLISHED)
    assert (published.period_start, published.period_end) == (date(2024, 4, 1), date(2026, 3, 31))
    assert published.published_at.date() < NOW.date()
    assert "Funding arrangements" in published.published_html
    draft = Report.objects.get(status=ReportStatus.DRAFT)
    assert (draft.period_start, draft.period_end) == (date(2026, 4, 1), date(2027, 3, 31))
    states = set(draft.narratives.values_list("status", flat=True))
    assert states >= {"draft", "in_review", "reviewed", "signed_off"}
    # Every module's builder counts the demo's records without failing, and finds some.
    shown = contents.build(draft, public=False)
    assert [p.part.key for p in shown.parts if p.failed] == []
    counted = {
        p.part.key
        for p in shown.parts
        for t in p.tables
        for row in t.rows
        for cell in row[1:]
        if cell.numeric and cell.text not in ("0", "No data")
    }
    assert {"funding", "training", "serious_incidents", "child_protection"} <= counted


def test_the_published_period_is_the_last_two_complete_years_already_published() -> None:
    assert published_period(date(2026, 12, 5)) == (date(2024, 4, 1), date(2026, 3, 31))
    assert published_period(date(2027, 3, 31)) == (date(2024, 4, 1), date(2026, 3, 31))
    # In April to early July the latest pair's report is not out yet: the pair before it.
    assert published_period(date(2027, 4, 1)) == (date(2024, 4, 1), date(2026, 3, 31))
    assert published_period(date(2027, 7, 9)) == (date(2024, 4, 1), date(2026, 3, 31))
    assert published_period(date(2027, 7, 10)) == (date(2025, 4, 1), date(2027, 3, 31))


def test_the_demo_report_shows_figures_in_every_section_and_any_period_can_be_built() -> None:
    """Every table section of the published demo report counts some records in its period
    (not only zeros), and the seed's own period, 2021 to 2023, is still built on request."""
    demo_snapshot.demo_partnership(seed=2026, now=NOW)
    published = Report.objects.get(status=ReportStatus.PUBLISHED)
    shown = contents.build(published, public=False)
    labels = [year.label for year in shown.years[1:]]
    starts = {str(year.start.year) for year in shown.years[1:]}

    def in_period(key: str, heading: str) -> bool:
        # a column per year ("2024/25"), or a table per year ("restraints_2024")
        return any(label in heading for label in labels) or key[-4:] in starts

    empty = []
    for part in shown.parts:
        if part.part.kind != "tables":
            continue
        assert part.modules and not part.failed, part.part.key
        counted = [
            cell.text
            for table in part.tables
            for row in table.rows
            for heading, cell in zip(table.headings, row, strict=True)
            if cell.numeric and in_period(table.key, heading)
        ]
        if all(text in ("0", "0.0", "No data") for text in counted):
            empty.append(part.part.key)
            # No figure in the period: the section must say plainly which module has none.
            assert part.empty, f"{part.part.key} shows only zeros and does not say why"
    html = contents.render_body(shown)
    for key in empty:
        part = next(p for p in shown.parts if p.part.key == key)
        assert f"{part.empty[0]} has no records counted from" in html
    # Most sections count the demo's records (those that do not: the closing note says why).
    assert len(empty) <= 2, empty
    unit = published.created_by
    seed = report_services.report_create(
        actor=unit,
        title="Annual report 2021 to 2023",
        period_start=date(2021, 4, 1),
        period_end=date(2023, 3, 31),
    )
    built = contents.build(seed, public=True)
    assert [y.label for y in built.years] == ["2020/21", "2021/22", "2022/23"]
    assert [p.part.key for p in built.parts if p.failed] == []


def test_the_published_report_counts_audits_and_encompass_in_each_year_and_the_year_before():
    """The demo's earlier years (assurance's and Encompass's): every year column of the
    published report's audit and Encompass tables has figures, in the public version too."""
    demo_snapshot.demo_partnership(seed=2026, now=NOW)
    published = Report.objects.get(status=ReportStatus.PUBLISHED)
    for public in (False, True):
        shown = contents.build(published, public=public)
        assert [y.label for y in shown.years] == ["2023/24", "2024/25", "2025/26"]
        for section, key, row in (
            ("audits", "audit_cases", "Audits in the programme"),
            ("audits", "audit_cases", "Cases audited"),
            ("encompass", "encompass_volumes", "Notifications to schools"),
            (
                "encompass",
                "encompass_timeliness",
                "Told before the start of the next school day (%)",
            ),
        ):
            part = next(p for p in shown.parts if p.part.key == section)
            table = next(t for t in part.tables if t.key == key)
            cells = next(r for r in table.rows if r[0].text == row)[1:]
            for cell in cells:
                assert cell.numeric and cell.text not in ("0", "0.0"), (section, row, cell.text)
    # What the public reads is the HTML frozen when the demo published the report, so the
    # report's demo must run after every module's (it ran before assurance's once).
    text = " ".join(re.sub(r"<[^>]+>", " ", published.published_html).split())
    for row in ("Audits in the programme", "Cases audited", "Notifications to schools"):
        figures = re.search(re.escape(row) + r" (\S+) (\S+) (\S+)", text)
        assert figures is not None, row
        assert "0" not in figures.groups(), (row, figures.groups())
