"""The demo's funding, priorities and reports: a published 2021 to 2023 report and one being
written, its sections in every state of the workflow."""

from __future__ import annotations

from datetime import datetime

import pytest

from safeguard.core.clock import LONDON
from safeguard.governance.models import FundingContribution, Priority
from safeguard.reports.models import Report, ReportStatus
from safeguard.reports.selectors import contents
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
    assert published.period_start.year == 2021 and published.period_end.year == 2023
    assert "Funding arrangements" in published.published_html
    draft = Report.objects.get(status=ReportStatus.DRAFT)
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
