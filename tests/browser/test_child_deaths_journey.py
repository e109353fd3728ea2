"""Issue 14's journey in a real browser: an unexpected death notified by the hospital, the Joint
Agency Response with its home-visit clock, reporting forms from three agencies, the CDOP review
with its category and modifiable factors, and the analysis page counting it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguard.child_deaths.models import Death, Review
from safeguard.core.models import Deadline, Person
from tests import factories
from tests.browser.harness import assert_accessible, sign_in
from tests.child_deaths.helpers import partnership


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_unexpected_death_from_notification_to_analysis(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    p = partnership()
    contexts: list[Any] = []
    pages: dict[int, Any] = {}

    def as_(person: Person) -> Any:
        if person.pk not in pages:
            factories.totp_device(person)
            context = browser.new_context(bypass_csp=True, base_url=live_server.url)
            context.set_default_timeout(15_000)
            contexts.append(context)
            pages[person.pk] = sign_in(context.new_page(), person, password=factories.PASSWORD)
        return pages[person.pk]

    died = timezone.localtime() - timedelta(hours=4)
    today = timezone.localdate().strftime("%d/%m/%Y")
    try:
        # 1. The hospital notifies an unexpected death.
        page = as_(p.nurse)
        page.get_by_role("link", name="Notify a child death").first.click()
        page.fill("#id_full_name", "Willow Journeychild")
        page.fill("#id_born_on", "14/05/2026")
        page.check("#id_gender")  # the first choice: female
        page.fill("#id_home_postcode", "WM1 1AB")
        page.fill("#id_died_on", died.strftime("%d/%m/%Y"))
        page.fill("#id_died_time", died.strftime("%H:%M"))
        page.check("#id_place")  # hospital
        page.check("input[name=expected][value=no]")
        page.fill("#id_what_is_known", "Collapsed at home, taken to the emergency department.")
        assert_accessible(page)
        _submit(page, "Notify the panel")
        death = Death.objects.get()
        assert page.get_by_text(death.reference).is_visible()
        assert "Willow" not in page.content()

        # 2. The team: the JAR's home-visit clock, then the visit recorded.
        page = as_(p.member)
        page.get_by_role("link", name="Child deaths").first.click()
        page.get_by_role("link", name=death.reference).click()
        assert page.get_by_text(
            "48 hours from the start of the Joint Agency Response"
        ).first.is_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Record a step of the Joint Agency Response").click()
        page.check("input[name=triggers][value=sudden_no_cause]")
        page.select_option("#id_step", "jar_home_visit")
        visit = timezone.localtime() - timedelta(hours=1)
        page.fill("#id_on", visit.strftime("%d/%m/%Y"))
        page.fill("#id_at", visit.strftime("%H:%M"))
        assert_accessible(page)
        _submit(page, "Save")
        home_visit = Deadline.objects.get(kind="jar_home_visit")
        assert home_visit.met_at is not None and home_visit.met_at <= home_visit.due_at

        # 3. Forms asked of three agencies; each returns its own.
        page.get_by_role("link", name="Ask agencies for reporting forms").click()
        for organisation in (p.hospital, p.police, p.la):
            page.check(f"input[name=organisations][value='{organisation.pk}']")
        _submit(page, "Ask")
        for person in (p.nurse, p.officer, p.social_worker):
            agency = as_(person)
            agency.goto(reverse("child_deaths:forms"))
            agency.get_by_role("link", name=death.reference).click()
            agency.fill("#id_involvement", f"Known to {person.organisation.name}.")
            if person == p.nurse:
                assert_accessible(agency)
            _submit(agency, "Send the form")
        assert death.reporting_forms.filter(returned_at__isnull=False).count() == 3

        # 4. The review meeting and the panel's review.
        page = as_(p.member)
        page.goto(reverse("child_deaths:meeting", args=[death.pk]))
        page.fill("#id_held_on", today)
        _submit(page, "Save")
        page.goto(reverse("child_deaths:review", args=[death.pk]))
        page.fill("#id_panel_meeting_on", today)
        page.check("input[name=categories][value=sudden_unexpected_unexplained]")
        page.check("input[name=categories][value=trauma_external]")
        for domain, level in (
            ("intrinsic", "none"),
            ("social", "contributory"),
            ("physical", "contributory"),
            ("service", "not_known"),
        ):
            page.check(f"input[name=level_{domain}][value={level}]")
        page.check("#id_modifiable_physical")
        page.fill("#id_learning", "Safe sleep advice at every contact.")
        assert_accessible(page)
        _submit(page, "Complete the review")
        review = Review.objects.get(death=death)
        assert review.category == "trauma_external" and review.conclusion == "modifiable"
        assert page.get_by_text("Modifiable factors identified").is_visible()

        # 5. The analysis counts it.
        page.goto(reverse("child_deaths:analysis"))
        assert page.locator("#deaths-total").inner_text() == "1"
        assert page.locator("#reviews-total").inner_text() == "1"
        row = page.locator("#table-category tr", has_text="Trauma and other external factors")
        assert row.locator("td").first.inner_text() == "1"
        assert_accessible(page)
    finally:
        for context in contexts:
            context.close()
