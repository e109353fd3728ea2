"""The partnership action plan in a real browser (issue 10 point 3): the plan shows every
source; the Business Unit enters an inspection and its recommendation, corrects one action and
withdraws another; the owner records progress and completes theirs; overdue shows as overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Person
from safeguard.governance.models import Action, Inspection
from tests.browser.harness import assert_accessible, open_from_menu, sign_in


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_the_action_plan_from_every_source_with_an_edited_and_a_withdrawn_action(
    browser: Any, live_server: Any, demo_partnership: Any
) -> None:
    officer = Person.objects.get(email__startswith="officer@", is_demo=True)
    health = Person.objects.get(
        is_demo=True, role_assignments__role="statutory_partner_lead", organisation__kind="icb"
    )
    contexts: list[Any] = []

    def as_(person: Person) -> Any:
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return sign_in(context.new_page(), person)

    today = london_date(timezone.now())
    later = (today + timedelta(days=40)).strftime("%d/%m/%Y")
    try:
        # 1. The plan shows every source, and the overdue action as overdue.
        bu = as_(officer)
        open_from_menu(bu, "Action plan")
        assert bu.url.endswith(reverse("governance:plan"))
        assert_accessible(bu)
        # The plan runs to several pages once every module adds its actions: each source is
        # chosen in the filter, as a subgroup chair would, and its actions are there.
        for label in (
            "Rapid Review / CSPR recommendation",
            "Inspection recommendation",
            "Task-and-finish group",
        ):
            bu.get_by_label("Source").select_option(label=label)
            _submit(bu, "Filter")
            sources = bu.locator("td[data-source]").all_inner_texts()
            assert sources and all(label in text for text in sources), label
        bu.get_by_label("Source").select_option(label="Any source")
        bu.get_by_label("Overdue").select_option(label="Overdue only")
        _submit(bu, "Filter")
        statuses = bu.locator("td[data-action-status]").all_inner_texts()
        assert statuses and all("Overdue" in text for text in statuses)

        # 2. An inspection report and its recommendation, owned by the ICB.
        bu.goto(reverse("governance:inspections"))
        bu.get_by_role("button", name="Enter an inspection report").click()
        _submit(bu, "Save the report")  # nothing entered: GOV.UK messages, nothing saved
        assert "Choose the kind of inspection" in bu.content()
        assert_accessible(bu)
        bu.get_by_label("Care Quality Commission (CQC) inspection").check()
        bu.get_by_label("Title of the report").fill("CQC review of health services for children")
        bu.fill("#id_reported_on", today.strftime("%d/%m/%Y"))
        _submit(bu, "Save the report")
        inspection = Inspection.objects.get(kind="cqc")
        bu.get_by_role("button", name="Add a recommendation").click()
        bu.get_by_label("Action", exact=True).fill("Review the transition to adult services")
        bu.get_by_label("Owner organisation").select_option(label=health.organisation.name)
        bu.fill("#id_due_on", later)
        _submit(bu, "Add to the action plan")
        assert bu.url.endswith(reverse("governance:inspection", args=[inspection.pk]))
        action = Action.objects.get(source_kind="governance.inspection", source_id=inspection.pk)

        # 3. Corrected: a new due date, audited, shown in the history.
        bu.goto(reverse("governance:action", args=[action.pk]))
        bu.get_by_role("link", name="Change the action").click()
        new_due = today + timedelta(days=70)
        bu.fill("#id_due_on", new_due.strftime("%d/%m/%Y"))
        _submit(bu, "Save changes")
        assert f"{new_due.day} {new_due:%B %Y}" in bu.content()
        history = bu.locator("table", has_text="Corrected")
        assert history.count() == 1

        # 4. Another action withdrawn, with its reason.
        other = Action.objects.filter(
            source_kind="governance.task_and_finish", status="in_progress"
        ).first()
        assert other is not None
        bu.goto(reverse("governance:action", args=[other.pk]))
        bu.get_by_role("link", name="Withdraw the action").click()
        _submit(bu, "Withdraw action")
        assert "Give the reason for withdrawing the action" in bu.content()
        bu.get_by_label("Why is the action withdrawn?").fill("Merged into the ICB's own plan.")
        _submit(bu, "Withdraw action")
        assert "Merged into the ICB" in bu.content()
        assert "Withdrawn" in bu.locator(f"[data-action-status='{other.pk}']").inner_text()
        assert_accessible(bu)

        # 5. The owner records progress and completes, with evidence.
        owner = as_(health)
        owner.goto(reverse("governance:plan"))
        owner.get_by_label("Source").select_option(label="Inspection recommendation")
        _submit(owner, "Filter")
        owner.get_by_role("link", name="Review the transition to adult services").click()
        owner.get_by_role("button", name="Record progress").click()
        owner.get_by_label("Progress made").fill("Pathway drafted with the adult trust.")
        _submit(owner, "Save progress")
        owner.get_by_role("button", name="Mark as complete").click()
        owner.get_by_label("Evidence that the action is complete").fill("Pathway signed off.")
        _submit(owner, "Mark as complete")
        assert "Pathway drafted" in owner.content() and "Pathway signed off." in owner.content()
        assert_accessible(owner)
        action.refresh_from_db()
        assert action.status == "completed"
        # The owner sees their organisation's actions and, as a RAG member, the reviews' ones:
        # not the police's inspection recommendations, and no link to the inspection report.
        owner.goto(reverse("governance:plan") + "?source=governance.inspection")
        assert "Review the transition to adult services" in owner.content()
        assert "Improve the quality of referrals" not in owner.content()
        assert reverse("governance:inspection", args=[inspection.pk]) not in owner.content()
    finally:
        for context in contexts:
            context.close()
