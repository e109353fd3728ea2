"""The report's pages through the Django test client: the workflow as its people click it, the
PDF built in the background and downloaded by whoever asked, the published version, and
governance's funding and priority pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core import worker
from safeguard.core.models import Job
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.models import FundingContribution, Priority
from safeguard.reports.models import NarrativeStatus
from tests import factories
from tests.reports import helpers

pytestmark = pytest.mark.django_db


def test_the_workflow_through_the_pages(client, client_for):
    unit = helpers.business_unit()
    leads = helpers.partners()
    report = helpers.report(unit)
    item = helpers.narrative(report, "key_learning")
    owner = factories.person(Role.INDEPENDENT_CHAIR.value)
    client_for(unit)
    response = client.post(
        reverse("reports:narrative_write", kwargs={"pk": item.pk}),
        {"body": "Early help first.", "owner": owner.pk},
    )
    assert response.status_code == 302
    client.post(reverse("reports:narrative_submit", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert item.status == NarrativeStatus.IN_REVIEW and item.owner == owner
    # The writer is not the owner: the review page refuses them.
    assert (
        client.get(reverse("reports:narrative_review", kwargs={"pk": item.pk})).status_code == 403
    )
    client_for(owner)
    empty = client.post(reverse("reports:narrative_review", kwargs={"pk": item.pk}), {})
    assert "Choose whether to approve the section or send it back" in empty.content.decode()
    client.post(
        reverse("reports:narrative_review", kwargs={"pk": item.pk}), {"decision": "approve"}
    )
    for lead in leads.values():
        client_for(lead)
        page = client.get(reverse("reports:narrative", kwargs={"pk": item.pk})).content.decode()
        assert f"Sign off for {lead.organisation.name}" in page
        client.post(reverse("reports:narrative_sign_off", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert item.status == NarrativeStatus.SIGNED_OFF


def test_the_draft_page_shows_every_section_and_the_pdf_is_built_in_the_background(
    client, client_for
):
    unit = helpers.business_unit()
    report = helpers.report(unit)
    client_for(unit)
    page = client.get(reverse("reports:report", kwargs={"pk": report.pk})).content.decode()
    assert "Serious incidents and safeguarding practice reviews" in page
    assert "Funding arrangements" in page
    assert '<table class="govuk-table sg-report-table" id="table-si_referrals_by_agency">' in page
    response = client.post(reverse("reports:pdf_start", kwargs={"pk": report.pk}))
    job = Job.objects.get(kind="Annual report PDF")
    assert response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    assert job.state == "queued"
    assert worker.run_queued_tasks(worker_id="test") == 1
    job.refresh_from_db()
    assert job.state == "succeeded", job.failure
    download = client.get(reverse("reports:pdf_file", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Another person's PDF is not theirs to download.
    client_for(helpers.business_unit())
    assert client.get(reverse("reports:pdf_file", kwargs={"pk": job.pk})).status_code == 404


def test_the_public_reads_only_the_published_report(client, client_for):
    unit = helpers.business_unit()
    leads = helpers.partners()
    chair = factories.person(Role.INDEPENDENT_CHAIR.value)
    report = helpers.report(unit)
    practitioner = factories.person(Role.PRACTITIONER.value)
    client_for(practitioner)
    assert client.get(reverse("reports:report", kwargs={"pk": report.pk})).status_code == 403
    assert client.get(reverse("reports:published", kwargs={"pk": report.pk})).status_code == 404
    for item in report.narratives.all():
        helpers.signed_off(unit, leads, item, chair)
    client_for(unit)
    assert client.post(reverse("reports:publish", kwargs={"pk": report.pk})).status_code == 302
    client_for(practitioner)
    page = client.get(reverse("reports:published", kwargs={"pk": report.pk})).content.decode()
    assert "Independent Chair" in page and "Published on" in page
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Read the published report" in listing


def test_funding_and_priorities_pages(client, client_for):
    unit = helpers.business_unit()
    police = factories.organisation(kind=OrganisationKind.POLICE, statutory_partner=True)
    client_for(unit)
    bad = client.post(reverse("governance:funding_add"), {"amount": "lots"})
    assert "Enter the amount as a number" in bad.content.decode()
    client.post(
        reverse("governance:funding_add"),
        {
            "organisation": police.pk,
            "year_start": "2022-04-01",
            "amount": "26102",
            "funds": "Audits",
        },
    )
    assert FundingContribution.objects.get().amount == 26102
    page = client.get(reverse("governance:funding")).content.decode()
    assert "£26,102" in page and "<svg" in page
    client.post(
        reverse("governance:priority_add"),
        {"title": "Vulnerable learners", "lead_organisation": police.pk, "starts_on": "1/4/2021"},
    )
    priority = Priority.objects.get()
    client.post(
        reverse("governance:priority_progress", kwargs={"pk": priority.pk}),
        {"on": "1/5/2022", "text": "Review scoped."},
    )
    page = client.get(reverse("governance:priority", kwargs={"pk": priority.pk})).content.decode()
    assert "Review scoped." in page and "1 May 2022" in page
    practitioner = factories.person(Role.PRACTITIONER.value)
    client_for(practitioner)
    assert client.get(reverse("governance:funding")).status_code == 403
    assert client.get(reverse("governance:priorities")).status_code == 200
    assert (
        client.get(reverse("governance:priority_progress", kwargs={"pk": priority.pk})).status_code
        == 403
    )


def test_evidence_links_only_for_those_the_page_opens_for(client, client_for):
    from datetime import date

    from safeguard.governance.services import priorities

    unit = helpers.business_unit()
    priority = priorities.priority_create(
        actor=unit,
        title="Exploitation",
        lead_organisation=unit.organisation,
        starts_on=date(2021, 4, 1),
    )
    priorities.evidence_add(
        actor=unit, priority=priority, title="The scorecard", url="/performance/"
    )
    priorities.evidence_add(
        actor=unit, priority=priority, title="Published guidance", url="https://example.invalid/g"
    )
    url = reverse("governance:priority", kwargs={"pk": priority.pk})
    client_for(unit)
    page = client.get(url).content.decode()
    assert 'href="/performance/"' in page and 'href="https://example.invalid/g"' in page
    client_for(factories.person(Role.PRACTITIONER.value))
    page = client.get(url).content.decode()
    assert "The scorecard" in page and 'href="/performance/"' not in page
    assert 'href="https://example.invalid/g"' in page
