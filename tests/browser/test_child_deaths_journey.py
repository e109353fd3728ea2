"""Issue 14's journey in a real browser: an unexpected death notified by the hospital (and again
by the police, another agency, who see only their acknowledgement), the Joint Agency Response
with its home-visit clock, reporting forms from three agencies with the national form's poverty
and barriers questions, the designated doctor's review with its category and modifiable
factors, and the analysis page counting it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguard.child_deaths.models import Death, Review
from safeguard.core.models import Deadline, Person
from tests import factories
from tests.browser.harness import assert_accessible, open_from_menu, sign_in
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
        open_from_menu(page, "Notify a child death")
        page.fill("#id_full_name", "Willow Journeychild")
        page.fill("#id_born_on", "14/05/2026")
        page.check("#id_gender")  # the first choice: female
        page.fill("#id_home_postcode", "WM1 1AB")
        page.fill("#id_died_on", died.strftime("%d/%m/%Y"))
        page.fill("#id_died_time", died.strftime("%H:%M"))
        page.check("#id_place")  # hospital
        page.check("input[name=expected][value=no]")
        page.check("input[name=suspected_home_stillbirth][value=no]")
        page.fill("#id_what_is_known", "Collapsed at home, taken to the emergency department.")
        assert_accessible(page)
        _submit(page, "Notify the panel")
        death = Death.objects.get()
        assert page.get_by_text(death.reference).is_visible()
        assert "Willow" not in page.content()

        # 1b. The police, another agency, notify the same death: linked, and they see only
        # their acknowledgement with the partnership's reference.
        police = as_(p.officer)
        police.goto(reverse("child_deaths:notify"))
        police.fill("#id_full_name", "Willow Journeychild")
        police.fill("#id_born_on", "14/05/2026")
        police.check("#id_gender")
        police.fill("#id_died_on", died.strftime("%d/%m/%Y"))
        police.fill("#id_died_time", died.strftime("%H:%M"))
        police.check("input[name=place][value=home]")
        police.check("input[name=expected][value=no]")
        police.check("input[name=suspected_home_stillbirth][value=not_known]")
        _submit(police, "Notify the panel")
        assert Death.objects.count() == 1 and death.notifications.count() == 2
        assert police.get_by_text(death.reference).is_visible()
        assert "Willow" not in police.content()
        police.goto(reverse("child_deaths:death", args=[death.pk]))
        assert "Willow" not in police.content()

        # 2. The team: the JAR's home-visit clock, then the visit recorded.
        page = as_(p.member)
        open_from_menu(page, "Child deaths")
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
            if person == p.social_worker:
                # The national form's questions since April 2021: the LA knew of both.
                agency.check("input[name=poverty][value=yes]")
                agency.check("input[name=barriers][value=yes]")
                agency.check("input[name=barrier_kinds][value=language]")
                agency.fill("#id_barriers_detail", "No interpreter was booked.")
            else:
                agency.check("input[name=poverty][value=not_known]")
                agency.check("input[name=barriers][value=no]")
            if person == p.nurse:
                assert_accessible(agency)
            _submit(agency, "Send the form")
        assert death.reporting_forms.filter(returned_at__isnull=False).count() == 3

        # 4. The review meeting (a CDOP member), and the panel's review recorded by the
        # designated doctor, starting from the agencies' answers on poverty and barriers.
        page = as_(p.member)
        page.goto(reverse("child_deaths:meeting", args=[death.pk]))
        page.fill("#id_held_on", today)
        _submit(page, "Save")
        page = as_(p.doctor)
        open_from_menu(page, "Child deaths")
        page.get_by_role("link", name=death.reference).click()
        page.get_by_role("link", name="Record the panel's review").click()
        assert (
            page.locator("#agencies-answers")
            .inner_text()
            .startswith("Of 3 reporting forms that answered: 1 said the child lived in poverty")
        )
        assert page.is_checked("input[name=poverty][value=yes]")
        assert page.is_checked("input[name=barrier_kinds][value=language]")
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
        assert (review.poverty, review.barriers, review.barrier_kinds) == (
            "yes",
            "yes",
            ["language"],
        )
        assert review.completed_by_id == p.doctor.pk
        assert page.get_by_text("Modifiable factors identified").is_visible()

        # 5. The analysis counts it.
        page.goto(reverse("child_deaths:analysis"))
        assert page.locator("#deaths-total").inner_text() == "1"
        assert page.locator("#reviews-total").inner_text() == "1"
        row = page.locator("#table-category tr", has_text="Trauma and other external factors")
        assert row.locator("td").first.inner_text() == "1"
        row = page.locator("#table-poverty tr", has_text="Yes")
        assert row.locator("td").first.inner_text() == "1"
        assert_accessible(page)
    finally:
        for context in contexts:
            context.close()
