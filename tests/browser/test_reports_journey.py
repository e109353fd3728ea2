"""The annual report in a real browser (issue 17): the Business Unit writes a section and sends
it to its owner; the owner approves it; each statutory partner signs it off; the Business Unit
publishes the report, and the published version reads with its small numbers withheld, for
anyone at its public address without signing in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from safeguard.core.roles import Role
from safeguard.governance.services import funding, priorities
from safeguard.reports.models import Report, ReportStatus
from tests import factories
from tests.browser.harness import assert_accessible, sign_in
from tests.reports import helpers


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_section_written_reviewed_signed_off_and_the_report_published(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    unit = helpers.business_unit()
    leads = helpers.partners()
    chair = factories.person(Role.INDEPENDENT_CHAIR.value, full_name="Jo Chair")
    for person in (unit, chair, *leads.values()):
        factories.totp_device(person)
    report = helpers.report(unit)
    section = helpers.narrative(report, "key_learning")
    for item in report.narratives.exclude(pk=section.pk):
        helpers.signed_off(unit, leads, item, chair)
    contexts: list[Any] = []

    def as_(person: Any) -> Any:
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return sign_in(context.new_page(), person, password=factories.PASSWORD)

    try:
        # 1. The Business Unit writes the section and names its owner.
        bu = as_(unit)
        bu.goto(reverse("reports:report", kwargs={"pk": report.pk}))
        assert_accessible(bu)
        with bu.expect_navigation():
            bu.locator("#narratives").get_by_role(
                "link", name="Key learning from this report"
            ).click()
        with bu.expect_navigation():
            bu.get_by_role("button", name="Write the section").click()
        bu.get_by_label("Text of the section").fill("Meet children's needs earlier.")
        bu.get_by_label("Owner (reviews the section)").select_option(
            label=f"{chair.full_name}, {chair.organisation.name}"
        )
        _submit(bu, "Save the section")
        _submit(bu, f"Send to {chair.full_name} for review")
        assert "With its owner for review" in bu.locator("#narrative-status").inner_text()

        # 2. The owner approves it.
        owner = as_(chair)
        owner.goto(reverse("reports:narrative", kwargs={"pk": section.pk}))
        with owner.expect_navigation():
            owner.get_by_role("button", name="Review the section").click()
        owner.get_by_label(
            "Approve the section: it goes to the statutory partners to sign off"
        ).check()
        _submit(owner, "Save your review")
        assert "Reviewed" in owner.locator("#narrative-status").inner_text()

        # 3. Each statutory partner signs it off.
        for lead in leads.values():
            partner = as_(lead)
            partner.goto(reverse("reports:narrative", kwargs={"pk": section.pk}))
            _submit(partner, f"Sign off for {lead.organisation.name}")
        partner.reload()
        assert "Signed off" in partner.locator("#narrative-status").inner_text()

        # 4. The Business Unit publishes; the published version is there to read.
        bu.goto(reverse("reports:report", kwargs={"pk": report.pk}))
        _submit(bu, "Publish the report")
        assert bu.url.endswith(reverse("reports:published", kwargs={"pk": report.pk}))
        assert "Meet children's needs earlier." in bu.content()
        assert_accessible(bu)
        assert Report.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED

        # 4b. Anyone reads it at its public address, without signing in.
        public = browser.new_context(bypass_csp=True, base_url=live_server.url)
        contexts.append(public)
        visitor = public.new_page()
        visitor.goto(reverse("reports:public_list"))
        with visitor.expect_navigation():
            visitor.get_by_role("link", name=report.title).click()
        assert "Meet children's needs earlier." in visitor.content()
        assert "The PDF of this report is being prepared." in visitor.content()
        assert_accessible(visitor)

        # 5. The funding and priority pages the report's sections come from.
        funding.funding_record(
            actor=unit,
            organisation=leads["police"].organisation,
            year_start=date(2022, 4, 1),
            amount=Decimal("26102"),
            funds="Multi-agency audits",
        )
        priority = priorities.priority_create(
            actor=unit,
            title="Exploitation",
            lead_organisation=leads["police"].organisation,
            starts_on=date(2021, 4, 1),
        )
        priorities.progress_record(
            actor=unit, priority=priority, on=date(2022, 6, 1), text="Screening tool agreed."
        )
        for name, kwargs in (
            ("governance:funding", {}),
            ("governance:priorities", {}),
            ("governance:priority", {"pk": priority.pk}),
        ):
            bu.goto(reverse(name, kwargs=kwargs))
            assert_accessible(bu)
    finally:
        for context in contexts:
            context.close()
