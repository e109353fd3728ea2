"""The PMSG pack (XLSX and PDF, built in the background) and when a download steps up."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safeguard.core import worker
from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import AuditEvent, Job
from safeguard.performance import policies
from safeguard.performance.models import IndicatorException
from safeguard.performance.services.records import IMPORT_JOB
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db

STEADY = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80]


@pytest.fixture
def member():
    return factories.person("subgroup_member")


@pytest.fixture
def card(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    owner = factories.organisation(name="Westmere Council")
    icpc = helpers.indicator(
        owner,
        code="icpc",
        name="ICPCs within 15 working days",
        theme="child_protection",
        target=Decimal("90"),
        definition="Initial conferences held within 15 working days of the strategy discussion",
    )
    helpers.series(icpc, [*STEADY, 11.4])
    now = timezone.now()
    IndicatorException.objects.create(
        indicator=icpc,
        period_start=date(2025, 1, 1),
        special_cause="below_lower_limit",
        owner_organisation=owner,
        opened_at=now,
        due_at=now + timedelta(days=10),
        explanation="Two conference chairs were off sick in January.",
        explained_at=now,
    )
    restraints = helpers.indicator(
        owner, code="restraints", name="Restraints", theme="secure_settings", unit="count"
    )
    helpers.series(restraints, [72, 88, 76, 78, 62, 42, 58, 67, 90, 65, 105, 81])
    helpers.indicator(owner, code="new", name="A new indicator", theme="training")
    helpers.pmsg_meeting(date.today() + timedelta(days=20))
    return {"icpc": icpc}


def _make_pack(client) -> Job:
    response = client.post(reverse("performance:pack_start"))
    assert response.status_code == 302
    job = Job.objects.get(kind="PMSG pack")
    assert response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    assert job.state == "queued"  # the request returned at once: the worker makes the pack
    assert worker.run_queued_tasks(worker_id="test") == 1
    job.refresh_from_db()
    assert job.state == "succeeded", job.failure
    return job


def test_the_pack_is_made_in_the_background_and_downloads_as_xlsx(client_for, member, card):
    client = client_for(member)
    job = _make_pack(client)
    page = client.get(reverse("core:job", kwargs={"pk": job.pk})).content.decode()
    assert "The pack is ready" in page and "3 indicators" in page
    xlsx_url = reverse("performance:pack_file", kwargs={"pk": job.pk, "fmt": "xlsx"})
    assert xlsx_url in page
    response = client.get(xlsx_url)  # aggregates: no fresh second factor asked for
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "Contents"
    cover = [row for row in book["Contents"].iter_rows(values_only=True)]
    assert cover[0][0].startswith("Performance pack for the PMSG meeting on ")
    assert cover[1][0] == "Figures up to January 2025"
    assert {"icpc", "restraints", "new"} <= set(book.sheetnames)
    icpc = book["icpc"]
    cells = [row for row in icpc.iter_rows(values_only=True)]
    facts = {row[0]: row[1] for row in cells if row and row[0]}
    assert facts["Variation (Making Data Count)"] == "Special cause concern"
    assert facts["Owner's narrative of the latest value"] == "Test narrative"
    assert facts["Owner"] == "Westmere Council"
    values = [row[1] for row in cells if row[0] == "January 2025"]
    assert values[0] == pytest.approx(11.4)
    assert any(row[4] == "Two conference chairs were off sick in January." for row in cells)
    assert len(icpc._charts) == 1  # value, mean and limits drawn as a line chart
    assert len(book["new"]._charts) == 0  # no values, no chart
    event = AuditEvent.objects.get(action="export", record_type="performance.pack")
    assert event.actor_id == member.pk and event.detail == "xlsx, 3 indicators"


def test_the_pack_downloads_as_pdf(client_for, member, card):
    client = client_for(member)
    job = _make_pack(client)
    response = client.get(reverse("performance:pack_file", kwargs={"pk": job.pk, "fmt": "pdf"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert len(content) > 10_000  # charts and tables, not an empty page


def test_the_pdf_has_a_cover_contents_and_each_indicators_chart_and_exceptions(member, card):
    from django.template.loader import render_to_string

    from safeguard.performance.services import pack

    contents = pack.pack_contents(actor=member)
    html = render_to_string("performance/pack_pdf.html", {"pack": contents})
    assert "Figures up to January 2025" in html
    assert html.count('href="#indicator-') == 3  # the contents, with page numbers
    assert html.count('<img class="chart" src="data:image/svg+xml;base64,') == 2
    assert "Two conference chairs were off sick in January." in html
    assert 'alt="Special cause concern"' not in html  # the words are beside the icon
    assert "<strong>Variation:</strong> Special cause concern" in html
    from weasyprint import HTML

    document = HTML(string=html).render()
    assert len(document.pages) >= 4  # the cover, then a page (or more) per indicator


def test_someone_else_cannot_download_my_pack(client_for, member, card):
    job = _make_pack(client_for(member))
    other = factories.person("subgroup_member")
    url = reverse("performance:pack_file", kwargs={"pk": job.pk, "fmt": "xlsx"})
    assert client_for(other).get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="denied", record_type="core.job", record_id=str(job.pk), actor_id=other.pk
    ).exists()
    assert not AuditEvent.objects.filter(action="export", actor_id=other.pk).exists()


def test_making_the_pack_is_a_post(client_for, member):
    assert client_for(member).get(reverse("performance:pack_start")).status_code == 405


def test_the_export_rule_steps_up_for_a_childs_details_only():
    assert policies.export_needs_fresh_second_factor(child_details=True)
    assert not policies.export_needs_fresh_second_factor(child_details=False)


def test_every_download_of_the_module_says_what_it_carries():
    from django.urls import get_resolver

    from safeguard.performance.views import downloads, scorecard

    carried = {
        "scorecard_xlsx": scorecard.scorecard_xlsx,
        "scorecard_pdf": scorecard.scorecard_pdf,
        "pack_file": downloads.pack_file,
        "census_findings": downloads.census_findings,
    }
    assert {name: view.carries_child_details for name, view in carried.items()} == {
        "scorecard_xlsx": False,
        "scorecard_pdf": False,
        "pack_file": False,
        "census_findings": True,
    }
    assert get_resolver()


def _import_job(analyst) -> Job:
    now = timezone.now()
    return Job.objects.create(
        kind=IMPORT_JOB,
        started_by=analyst,
        view_capability=policies.IMPORT_RECORDS,
        state="succeeded",
        stage="Finished",
        result={
            "findings": [
                {
                    "source": "cin",
                    "rule": "8500",
                    "kind": "Error",
                    "child_id": "SYN0001",
                    "table": "ChildIdentifiers",
                    "column": "UPN",
                    "message": "=UPN invalid",
                }
            ]
        },
        created_at=now,
        finished_at=now,
    )


def test_the_census_findings_name_children_so_their_download_steps_up(client_for):
    analyst = factories.person("la_data_team")
    job = _import_job(analyst)
    client = client_for(analyst)
    url = reverse("performance:census_findings", kwargs={"pk": job.pk})
    stale = client.get(url)
    assert stale.status_code == 302
    assert reverse("core:confirm_second_factor") in stale["Location"]
    assert not AuditEvent.objects.filter(action="export").exists()
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    fresh = client.get(url)
    assert fresh.status_code == 200
    rows = list(csv.reader(io.StringIO(fresh.content.decode())))
    assert rows[0][3] == "Child (LA child id)"
    assert rows[1][3] == "SYN0001"
    assert rows[1][6] == "'=UPN invalid"  # never a formula in a spreadsheet
    assert AuditEvent.objects.filter(
        action="export", record_type="core.job", record_id=str(job.pk)
    ).exists()


def test_the_scorecard_downloads_without_a_fresh_code(client_for, member, card):
    response = client_for(member).get(reverse("performance:scorecard_xlsx"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="export", actor_id=member.pk).exists()


def test_the_page_lists_a_thousand_findings_and_the_csv_keeps_every_one(settings, tmp_path):
    """A large LA's file can have a hundred thousand findings: the job keeps the first 1,000
    for its page and the count; the CSV kept for the download has all of them."""
    from safeguard.performance.importers.census import validators
    from safeguard.performance.models import RecordImport
    from safeguard.performance.services import records

    settings.VAR_DIR = tmp_path
    findings = [
        validators.Finding("cin", "8500", "Error", "bad", "T", "UPN", f"SYN{n:05d}", n, "x")
        for n in range(2500)
    ]
    record = RecordImport(pk=1, year=2025, indicators_updated=0)
    result = records._result(records.ImportResult(record=record, findings=findings))
    assert len(result["findings"]) == records.FINDINGS_SHOWN
    assert result["finding_count"] == 2500
    records._keep_findings(7, findings)
    kept = records.findings_file(7)
    rows = list(csv.reader(io.StringIO(kept.read_text())))
    assert len(rows) == 2501 and rows[-1][3] == "SYN02499"
    assert kept.stat().st_mode & 0o777 == 0o600
