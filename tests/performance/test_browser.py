"""The scorecard journey in a real browser, with axe-core checking WCAG 2.2 AA on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safeguard.core.models import Person
from safeguard.performance import demo
from safeguard.performance.models import Indicator, IndicatorException
from tests.browser.harness import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def scorecard(demo_partnership: Any) -> Any:
    demo.add_demo_indicators(seed=2026)
    return demo_partnership


def test_the_data_team_sees_a_concern_explains_it_and_submits_a_value(
    signed_in_page: Any, scorecard: Any
) -> None:
    analyst = Person.objects.get(email="data@demo.invalid")
    page = signed_in_page(analyst)
    page.goto(reverse("performance:scorecard"))
    assert page.locator("h1").inner_text() == "Partnership scorecard"
    assert_accessible(page)
    dental = Indicator.objects.get(code="cla-dental")
    with page.expect_navigation():
        page.locator(".govuk-warning-text").get_by_role(
            "link", name=dental.name, exact=True
        ).click()  # exact: the annual census series "… (census, year to 31 March)" too
    assert page.get_by_role("img", name="XmR chart of").count() == 1
    assert_accessible(page)

    exception = IndicatorException.objects.get(indicator=dental)
    page.goto(reverse("performance:exception_detail", args=[exception.pk]))
    assert_accessible(page)
    page.get_by_label("Explanation for the PMSG").fill("Fewer dentists take new patients.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the explanation").click()
    exception.refresh_from_db()
    assert exception.state == "explained"

    page.goto(reverse("performance:return_submit") + f"?indicator={dental.pk}")
    latest = dental.observations.last()
    page.get_by_label("Period").fill(f"{latest.period_start:%Y-%m}")
    page.get_by_label("Value").fill("140")
    page.get_by_label("Narrative").fill("Checked against the health team's list.")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the value").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)
    page.get_by_label("Value").fill("61.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the value").click()
    latest.refresh_from_db()
    assert str(latest.value) == "61.5000"


@pytest.mark.parametrize(
    "route",
    [
        "performance:indicators",
        "performance:indicator_create",
        "performance:returns",
        "performance:return_upload",
        "performance:exceptions",
    ],
)
def test_the_business_unit_pages_are_accessible(
    signed_in_page: Any, scorecard: Any, route: str
) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.goto(reverse(route))
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_a_refused_form_and_the_comparator_form_are_accessible(
    signed_in_page: Any, scorecard: Any
) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.goto(reverse("performance:indicator_create"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save the indicator").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)
    icpc = Indicator.objects.get(code="icpc-timely")
    page.goto(reverse("performance:comparator_add", args=[icpc.pk]))
    assert_accessible(page)


def test_the_data_team_uploads_a_census_and_watches_the_job_to_its_result(
    signed_in_page: Any, scorecard: Any, settings: Any, tmp_path: Any
) -> None:
    """Issue 11 item 1, in the browser: the upload returns at once with the job page, which
    shows the stage and refreshes itself; the worker imports; the page then shows the result."""
    from pathlib import Path

    from safeguard.core import worker
    from safeguard.core.models import Job

    settings.VAR_DIR = tmp_path
    fixture = Path(__file__).parent / "census" / "fixtures" / "cin_census.xml"
    analyst = Person.objects.get(email="data@demo.invalid")
    page = signed_in_page(analyst)
    page.goto(reverse("performance:records"))
    validate = page.get_by_label("Check the files with the DfE validators", exact=False)
    assert validate.is_checked()  # the validators are on unless the analyst says otherwise
    page.get_by_label("Reporting year").fill("2025")
    page.get_by_label("CIN census file").set_input_files(str(fixture))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    job = Job.objects.get(kind="Census import")
    assert page.url.endswith(reverse("core:job", kwargs={"pk": job.pk}))
    assert page.locator("#job-state").inner_text() == "Waiting to start"
    assert_accessible(page)
    assert worker.run_queued_tasks(worker_id="browser", limit=1) == 1
    page.wait_for_selector("#imported", timeout=15_000)  # the page refreshed itself
    assert page.locator("#job-state").inner_text() == "Finished"
    assert page.locator("#validators-note").count() + page.locator("#findings").count() == 1
    assert_accessible(page)


def test_the_business_unit_creates_an_indicator_from_a_measure_and_sees_its_chart(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    """ADR 0014 in the browser: from the catalogue to the measures, an indicator created from
    "Training attendances" (prefilled), counted by the worker while the job page watches, and
    its XmR chart drawn from the demo's training records."""
    from safeguard.core import worker

    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.goto(reverse("performance:indicators"))
    with page.expect_navigation():
        page.get_by_role("link", name="Count an indicator from Safeguard's records").click()
    assert page.locator("h1").inner_text() == "Indicators counted from Safeguard's records"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Create an indicator from Training attendances").click()
    assert page.get_by_label("Name").input_value() == "Training attendances"
    assert page.locator("#measure-unit").inner_text() == "Count"
    assert_accessible(page)
    page.get_by_label("Code").fill("attendances-from-records")
    page.get_by_label("Quarterly").check()
    page.get_by_label("Owner organisation").select_option(label=admin.organisation.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Create the indicator and count it").click()
    assert "/jobs/" in page.url
    assert worker.run_queued_tasks(worker_id="browser", limit=1) == 1
    page.wait_for_selector("#counted", timeout=15_000)  # the job page refreshed itself
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="See the indicator and its chart").click()
    indicator = Indicator.objects.get(code="attendances-from-records")
    assert indicator.observations.count() >= 4
    assert page.get_by_role("img", name="XmR chart of").count() == 1
    assert page.get_by_role("button", name="Count now").count() == 1
    assert_accessible(page)
