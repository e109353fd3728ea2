"""A meeting in a real browser (issue 17 part 1): a Business Unit officer schedules a RAG
meeting, the agenda fills from what is due, adds an item and its paper, records attendance
and minutes with an action that appears on the shared action plan. axe-core checks WCAG 2.2
AA on each page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Person
from safeguard.governance.models import Action, Meeting, Paper
from tests.browser.harness import assert_accessible, open_from_menu

pytestmark = pytest.mark.browser


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_meeting_from_schedule_to_minutes_and_an_action_in_the_plan(
    signed_in_page: Any, demo_partnership: Any, tmp_path: Any
) -> None:
    officer = Person.objects.get(email__startswith="officer@", is_demo=True)
    page = signed_in_page(officer)
    today = london_date(timezone.now())
    next_week = today + timedelta(days=7)
    open_from_menu(page, "Meetings")
    assert page.locator("h1").inner_text() == "Meetings"
    assert_accessible(page)

    # 1. Scheduled for next week; a time that is not a time first.
    page.get_by_role("button", name="Schedule a meeting").click()
    page.get_by_label("Group").select_option(label="Review Advisory Group")
    page.get_by_label("Date of the first meeting").fill(next_week.strftime("%d/%m/%Y"))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("nonsense")
    page.get_by_label("Once").check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Venue").fill("Council House, Committee Room 2")
    _submit(page, "Schedule")
    assert "End time must be a real time" in page.content()
    assert page.get_by_label("Venue").input_value() == "Council House, Committee Room 2"
    assert_accessible(page)
    page.get_by_label("End time").fill("12pm")
    _submit(page, "Schedule")
    meeting = Meeting.objects.filter(group__name="Review Advisory Group").latest("pk")
    assert page.url.endswith(reverse("governance:meeting", args=[meeting.pk]))
    assert_accessible(page)

    # 2. The agenda fills from what is due for the RAG: its cases, by reference only.
    page.get_by_role("button", name="Add what is due").click()
    boxes = page.get_by_role("checkbox")
    assert boxes.count() >= 1
    first_case = page.locator("label", has_text="Case SCSI-").first.inner_text()
    page.locator("label", has_text="Case SCSI-").first.click()
    assert_accessible(page)
    _submit(page, "Add to the agenda")
    assert first_case.split(" (")[0] in page.content()

    # 3. An item of the officer's own, with a paper and its cover report.
    page.get_by_role("button", name="Add an agenda item").click()
    page.get_by_label("Agenda item").fill("Learning themes across reviews")
    page.get_by_label("Time needed (minutes)").fill("20")
    _submit(page, "Add the item")
    page.get_by_role("link", name="Add a paper to item 2").click()
    paper_file = tmp_path / "themes.pdf"
    paper_file.write_bytes(b"%PDF-1.4 themes across reviews")
    page.get_by_label("Title of the paper").fill("Themes across this year's reviews")
    page.get_by_label("Purpose").fill("To share the themes emerging from reviews.")
    page.get_by_label("Decision needed").fill("To agree the themes for the learning programme.")
    page.get_by_label("Risks (optional)").fill("Themes drawn from few cases may mislead.")
    page.get_by_label("The paper (optional)").set_input_files(str(paper_file))
    _submit(page, "Add the paper")
    assert page.locator("h1").inner_text() == "Themes across this year's reviews"
    assert "To agree the themes for the learning programme." in page.content()
    assert_accessible(page)
    assert bytes(Paper.objects.get(title__startswith="Themes").content).startswith(b"%PDF")

    # 4. The meeting is held (time passes: moved to this morning), and attendance recorded.
    held = timezone.now() - timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held, ends_at=held + timedelta(hours=1))
    page.goto(reverse("governance:meeting", args=[meeting.pk]))
    page.get_by_role("link", name="Record attendance").click()
    selects = page.locator("select")
    for index in range(selects.count()):
        selects.nth(index).select_option(label="Present" if index % 3 else "Apologies")
    assert_accessible(page)
    _submit(page, "Save attendance")
    assert "Attendance recorded." in page.content()

    # 5. Minutes of item 2, and an action agreed, into the shared action plan.
    page.get_by_role("link", name="Write the minutes of item 2").click()
    page.get_by_label("Summary of the discussion").fill("Members discussed the themes.")
    page.get_by_label("Decisions").fill("Agreed the three themes.")
    _submit(page, "Save the minutes")
    assert "Agreed the three themes." in page.content()
    page.get_by_role("link", name="Add an action from item 2").click()
    owner = Person.objects.filter(is_demo=True, role_assignments__role="statutory_partner_lead")
    lead = owner.first()
    page.get_by_label("Action", exact=True).fill("Add the themes to the training programme")
    page.get_by_label("Owner organisation").select_option(label=lead.organisation.name)
    page.fill("#id_due_on", (today + timedelta(days=45)).strftime("%d/%m/%Y"))
    _submit(page, "Add to the action plan")
    assert "Add the themes to the training programme" in page.content()
    assert_accessible(page)
    action = Action.objects.get(title="Add the themes to the training programme")
    assert action.source_kind == "meeting" and action.source_id == str(meeting.pk)
    meeting.refresh_from_db()
    assert meeting.minutes_status == "draft"

    page.goto(reverse("governance:plan") + "?source=meeting")
    assert "Add the themes to the training programme" in page.content()
    page.get_by_role("link", name="Add the themes to the training programme").click()
    assert "Review Advisory Group" in page.content()
