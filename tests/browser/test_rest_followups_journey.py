"""Issues 12, 14 and 15 follow-ups in a real browser, each page checked with axe:
self-registration (a practitioner asks, the Business Unit approves with the second factor), the
deprivation upload as a background job, a learning theme's courses, and the organisation page's
link to the training approval setting."""

from __future__ import annotations

import random
from typing import Any

from django.urls import reverse

from safeguard.child_deaths.demo import synthetic_imd_csv
from safeguard.core import worker
from safeguard.core.models import Group, Membership, Person
from safeguard.reviews.models import Theme
from safeguard.training import services
from safeguard.training.models import AccountRequest
from tests import factories
from tests.browser.harness import assert_accessible, sign_in
from tests.training import helpers


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_practitioner_asks_for_an_account_and_the_business_unit_approves(
    page: Any, transactional_db: None
) -> None:
    unit = factories.organisation(kind="partnership", name="Westmere Business Unit")
    officer = factories.person("business_unit_officer", organisation_obj=unit)
    factories.totp_device(officer)
    factories.organisation(kind="third_sector", name="Harbour Light")

    page.goto(reverse("core:sign_in"))
    with page.expect_navigation():
        page.get_by_role("link", name="No account? Ask for one to book training").click()
    assert_accessible(page)
    _submit(page, "Ask for an account")
    assert page.locator(".govuk-error-summary").count() == 1  # nothing filled in
    assert_accessible(page)
    page.get_by_label("Full name").fill("Sam Newcomer")
    page.get_by_label("Work email address").fill("sam@harbourlight.example")
    page.get_by_label("Your organisation").select_option(label="Harbour Light")
    _submit(page, "Ask for an account")
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    sign_in(page, officer, password=factories.PASSWORD)
    page.goto(reverse("training:account_requests"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Sam Newcomer").click()
    assert_accessible(page)
    _submit(page, "Approve and open the account")
    person = Person.objects.get(email="sam@harbourlight.example")
    assert list(person.role_assignments.values_list("role", flat=True)) == ["practitioner"]
    assert AccountRequest.objects.get().status == "approved"


def test_the_team_uploads_the_deprivation_lookup_and_sees_the_job_finish(
    page: Any, transactional_db: None, tmp_path: Any
) -> None:
    la = factories.organisation(kind="local_authority", name="Westmere Council")
    member = factories.person("subgroup_member", organisation_obj=la)
    factories.totp_device(member)
    cdop = Group.objects.create(name="Child Death Overview Panel", kind="cdop")
    Membership.objects.create(group=cdop, person=member, role="member")
    areas = tmp_path / "File_7.csv"
    areas.write_text(synthetic_imd_csv(random.Random(3)))

    sign_in(page, member, password=factories.PASSWORD)
    page.goto(reverse("child_deaths:analysis"))
    with page.expect_navigation():
        page.get_by_role("link", name="deprivation lookup").click()
    assert_accessible(page)
    page.get_by_label("English Indices of Deprivation file (CSV)").set_input_files(str(areas))
    _submit(page, "Import")
    assert "/jobs/" in page.url
    assert_accessible(page)
    assert worker.run_queued_tasks(worker_id="browser") == 1
    page.reload()
    assert "The deprivation lookup was replaced" in page.content()
    assert_accessible(page)


def test_a_theme_shows_its_courses_and_an_organisation_links_its_approval_setting(
    page: Any, transactional_db: None
) -> None:
    unit = factories.organisation(kind="partnership", name="Westmere Business Unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    factories.totp_device(admin)
    charity = factories.organisation(kind="third_sector", name="Harbour Light")
    theme = Theme.objects.get_or_create(name="Professional curiosity")[0]
    services.course_save(
        actor=admin,
        values={
            **helpers.COURSE_VALUES,
            "title": "Curious conversations",
            "parts": 1,
            "review_themes": ["Professional curiosity"],
        },
    )
    sign_in(page, admin, password=factories.PASSWORD)
    page.goto(reverse("reviews:learning"))
    with page.expect_navigation():
        page.locator("#themes").get_by_role("link", name="Professional curiosity").click()
    assert page.url.endswith(reverse("reviews:theme", kwargs={"pk": theme.pk}))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Curious conversations").click()
    assert page.locator("h1").inner_text().startswith("Curious conversations")

    page.goto(reverse("core:organisation_detail", kwargs={"pk": charity.pk}))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Training: booking approval").click()
    assert page.url.endswith(reverse("training:approval_setting", kwargs={"pk": charity.pk}))


def test_the_board_shows_the_households_children_and_a_resend(
    page: Any, transactional_db: None
) -> None:
    from safeguard.domestic_abuse.models import Agency, AgencyKind, Incident
    from safeguard.domestic_abuse.services.incidents import encompass_pull, encompass_resends
    from tests.domestic_abuse.test_household import _send
    from tests.encompass.helpers import child, london, world

    w = world()
    Agency.objects.create(organisation=w.la, kind=AgencyKind.CHILDRENS_SOCIAL_CARE, on_dramm=True)
    social_worker = factories.person("practitioner", organisation_obj=w.la)
    factories.totp_device(social_worker)
    for n, day in enumerate((5, 8, 13)):
        _send(w, f"B{n}", london(2026, 10, day, 19, 0), child("P1"))
    encompass_pull()
    encompass_resends()
    latest = Incident.objects.get(reference="B2")
    sign_in(page, social_worker, password=factories.PASSWORD)
    page.goto(reverse("domestic_abuse:board", kwargs={"day": f"{latest.board_day:%Y-%m-%d}"}))
    assert page.locator(".sg-household-children").first.inner_text().startswith("Robin Ashdown")
    assert_accessible(page)
