"""Correcting the action plan: an action is edited (audited, its clock moved), withdrawn with a
reason (its clock stopped, the case free to close), and shown as overdue when it is.

Issue 10: an action "x" due 1 January 2020 showed "Not started" with no overdue mark, could be
neither edited nor withdrawn, and held the case open until completed with invented evidence.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguard.core.clock import end_of_day
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.governance.models import Action
from safeguard.reviews import rules
from safeguard.reviews.models import Incident
from safeguard.reviews.services import actions
from tests.reviews.helpers import IN_THE_REVIEW, notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db


def _action(p, incident, **overrides):
    recommendation = actions.recommendation_add(
        actor=p.bu_officer, incident=incident, text="Strengthen professional curiosity."
    )
    fields = {
        "description": "x",
        "owner_organisation": p.icb,
        "due_on": date(2020, 1, 1),
        "now": IN_THE_REVIEW,
    }
    fields.update(overrides)
    return actions.action_add(actor=p.bu_officer, recommendation=recommendation, **fields)


def test_an_action_past_its_due_date_shows_as_overdue() -> None:
    p = partnership()
    incident = notified_case(p)
    late = _action(p, incident)
    on_time = _action(p, incident, due_on=date(2099, 1, 1), description="later")
    page = signed_in(p.bu_officer).get(reverse("reviews:actions", args=[incident.pk]))
    html = page.content.decode()
    row_late = html.split(f'data-action-status="{late.pk}"')[1].split("</td>")[0]
    row_on_time = html.split(f'data-action-status="{on_time.pk}"')[1].split("</td>")[0]
    assert "Overdue" in row_late and "Overdue" not in row_on_time


def test_the_overdue_rule() -> None:
    today = date(2026, 12, 4)
    assert rules.action_is_overdue(status="not_started", due_on=date(2020, 1, 1), today=today)
    assert rules.action_is_overdue(status="in_progress", due_on=date(2026, 12, 3), today=today)
    assert not rules.action_is_overdue(status="in_progress", due_on=today, today=today)
    assert not rules.action_is_overdue(status="completed", due_on=date(2020, 1, 1), today=today)
    assert not rules.action_is_overdue(status="withdrawn", due_on=date(2020, 1, 1), today=today)


def test_an_edit_is_audited_and_moves_the_clock_to_the_new_owner_and_date() -> None:
    p = partnership()
    action = _action(p, notified_case(p))
    OutboxMessage.objects.all().delete()
    actions.action_edit(
        actor=p.bu_officer,
        action=action,
        description="Deliver briefings to health visitors.",
        owner_organisation=p.police,
        due_on=date(2027, 6, 30),
        now=IN_THE_REVIEW,
    )
    action.refresh_from_db()
    assert action.due_on == date(2027, 6, 30) and action.owner_organisation == p.police
    clock = Deadline.objects.get(kind="action")
    assert clock.due_at == end_of_day(date(2027, 6, 30)) and clock.owner_organisation == p.police
    event = AuditEvent.objects.filter(
        record_type="governance.action", detail="action corrected"
    ).get()
    assert event.changes["due_on"] == ["2020-01-01", "2027-06-30"]
    assert event.changes["owner_organisation_id"] == [p.icb.pk, p.police.pk]
    assert "title_length" in event.changes  # the action's words are the plan's title
    assert "Deliver" not in str(event.changes)  # narratives never enter the audit trail
    assert OutboxMessage.objects.filter(recipient=p.police_lead).exists()
    with pytest.raises(PermissionDenied):
        actions.action_edit(
            actor=p.health_lead,
            action=action,
            description="y",
            owner_organisation=p.icb,
            due_on=date(2027, 1, 1),
        )


def test_a_withdrawn_action_needs_a_reason_stops_its_clock_and_does_not_block_closing() -> None:
    p = partnership()
    incident = notified_case(p)
    action = _action(p, incident)
    Incident.objects.filter(pk=incident.pk).update(status="actions")
    incident.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.case_close(actor=p.bu_officer, incident=incident)
    with pytest.raises(ValidationError) as refused:
        actions.action_withdraw(actor=p.bu_officer, action=action, reason=" ")
    assert "reason" in refused.value.message_dict
    actions.action_withdraw(
        actor=p.bu_officer, action=action, reason="Entered in error.", now=IN_THE_REVIEW
    )
    action.refresh_from_db()
    assert action.status == "withdrawn" and action.withdrawal_reason == "Entered in error."
    assert Deadline.objects.get(kind="action").cancelled_at is not None
    with pytest.raises(ValidationError):
        actions.action_update(
            actor=p.bu_officer, action=action, status="completed", evidence_of_completion="x"
        )
    assert actions.case_close(actor=p.bu_officer, incident=incident).status == "closed"


def test_the_pages_edit_and_withdraw_for_the_business_unit_only() -> None:
    p = partnership()
    incident = notified_case(p)
    action = _action(p, incident)
    client = signed_in(p.bu_officer)
    edit = reverse("reviews:action_edit", args=[incident.pk, action.pk])
    withdraw = reverse("reviews:action_withdraw", args=[incident.pk, action.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"description": "Briefings", "owner_organisation": p.icb.pk, "due_on": "30/06/2027"}
    )
    assert response.status_code == 302
    assert Action.objects.get().due_on == date(2027, 6, 30)
    refused = client.post(withdraw, {"reason": ""})
    assert "Give the reason for withdrawing the action" in refused.content.decode()
    assert client.post(withdraw, {"reason": "No longer needed."}).status_code == 302
    page = client.get(reverse("reviews:actions", args=[incident.pk])).content.decode()
    assert "Withdrawn" in page and "No longer needed." in page
    assert client.get(edit).status_code == 404  # a withdrawn action is not changed
    lead = signed_in(p.health_lead)
    assert lead.get(edit).status_code == 403


def test_a_review_s_actions_are_in_the_partnership_plan_with_their_source() -> None:
    """The plan shows a review's action as a recommendation's, linking to the case's actions
    for those who may see the case; the owning school sees the action, not the case."""
    p = partnership()
    incident = notified_case(p)
    mine = _action(p, incident, owner_organisation=p.school, due_on=date(2099, 1, 1))
    plan = reverse("governance:plan")
    case_actions = reverse("reviews:actions", args=[incident.pk])
    html = signed_in(p.bu_officer).get(plan).content.decode()
    row = html.split(f'data-action="{mine.pk}"')[1].split("</tr>")[0]
    assert "Rapid Review / CSPR recommendation" in row and case_actions in row
    assert "Strengthen professional curiosity." in row  # the recommendation, not the case
    school = signed_in(p.school_dsl).get(plan).content.decode()
    row = school.split(f'data-action="{mine.pk}"')[1].split("</tr>")[0]
    assert "Rapid Review / CSPR recommendation" in row and case_actions not in row
    assert incident.reference not in school
    # The school records progress on the plan's page; the case's own page stays closed to it.
    page = signed_in(p.school_dsl)
    progress = reverse("governance:action_progress", args=[mine.pk])
    page.post(progress, {"text": "Staff briefed", "status": "in_progress"})
    assert Action.objects.get(pk=mine.pk).status == "in_progress"
    assert page.get(case_actions).status_code in (403, 404)
