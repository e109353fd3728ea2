"""Recommendations, actions (owner, due date, evidence), chasing, themes, learning sheets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import LONDON, end_of_day
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.core.selectors.deadlines import deadlines_for
from safeguard.governance.tasks import chase_overdue as chase_plan_overdue
from safeguard.reviews.models import Theme
from safeguard.reviews.services import actions, learning
from safeguard.reviews.tasks import chase_overdue
from tests.reviews.helpers import IN_THE_REVIEW, notified_case, partnership

pytestmark = pytest.mark.django_db


def _action(p, incident, **overrides):
    recommendation = actions.recommendation_add(
        actor=p.bu_officer, incident=incident, text="Strengthen professional curiosity."
    )
    fields = {
        "description": "Deliver briefings to health visitors.",
        "owner_organisation": p.icb,
        "due_on": date(2027, 3, 31),
        "now": IN_THE_REVIEW,
    }
    fields.update(overrides)
    return actions.action_add(actor=p.bu_officer, recommendation=recommendation, **fields)


def test_an_action_has_an_owner_a_clock_and_a_message() -> None:
    p = partnership()
    incident = notified_case(p)
    OutboxMessage.objects.all().delete()
    action = _action(p, incident)
    clock = Deadline.objects.get(kind="action")
    assert clock.owner_organisation == p.icb and clock.due_at == end_of_day(date(2027, 3, 31))
    assert OutboxMessage.objects.get().recipient == p.health_lead
    # It is on the owner's "what is due".
    assert clock in list(deadlines_for(actor=p.health_lead))
    assert clock not in list(deadlines_for(actor=p.lead_outside_rag))
    assert action.status == "not_started"


def test_an_action_without_owner_or_due_date_is_refused() -> None:
    p = partnership()
    incident = notified_case(p)
    with pytest.raises(ValidationError) as error:
        _action(p, incident, owner_organisation=None, due_on=None, description="")
    assert set(error.value.message_dict) == {"owner_organisation", "due_on", "description"}
    assert not Deadline.objects.filter(kind="action").exists()


def test_completion_needs_evidence_and_meets_the_clock() -> None:
    p = partnership()
    action = _action(p, notified_case(p))
    with pytest.raises(ValidationError) as error:
        actions.action_update(actor=p.health_lead, action=action, status="completed")
    assert "evidence_of_completion" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.action_update(actor=p.police_lead, action=action, status="in_progress")
    done = datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
    actions.action_update(
        actor=p.health_lead,
        action=action,
        status="completed",
        evidence_of_completion="Six briefings held.",
        evidence_of_impact="Audit in June.",
        now=done,
    )
    assert Deadline.objects.get(kind="action").met_at == done


def test_overdue_actions_are_chased_once_a_week() -> None:
    p = partnership()
    incident = notified_case(p)
    _action(p, incident, due_on=date(2027, 1, 8))
    OutboxMessage.objects.all().delete()
    late = datetime(2027, 1, 12, 9, 0, tzinfo=LONDON)
    # A review's actions are the shared action plan's: the plan chases them.
    assert chase_plan_overdue(late) == 1
    assert chase_plan_overdue(late) == 1  # queued again, but deduplicated
    assert chase_overdue(late) == 0  # and the reviews module does not chase them twice
    assert OutboxMessage.objects.filter(reason="governance.action_overdue").count() == 1
    message = OutboxMessage.objects.get(reason="governance.action_overdue")
    # The e-mail names neither the case nor the action: a link only.
    assert message.recipient == p.health_lead and incident.reference not in message.body
    assert message.link.endswith(f"/governance/actions/{message.record_id}")
    chase_plan_overdue(datetime(2027, 1, 19, 9, 0, tzinfo=LONDON))
    assert OutboxMessage.objects.filter(reason="governance.action_overdue").count() == 2


def test_a_case_closes_only_when_every_action_is_complete() -> None:
    from safeguard.reviews.models import Incident

    p = partnership()
    incident = notified_case(p)
    action = _action(p, incident)
    Incident.objects.filter(pk=incident.pk).update(status="actions")
    incident.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.case_close(actor=p.bu_officer, incident=incident)
    actions.action_update(
        actor=p.bu_officer, action=action, status="completed", evidence_of_completion="Done."
    )
    assert actions.case_close(actor=p.bu_officer, incident=incident).status == "closed"


def test_themes_are_seeded_and_editable() -> None:
    p = partnership()
    assert Theme.objects.filter(name="Professional curiosity").exists()
    assert Theme.objects.count() == 9
    theme = learning.theme_add(actor=p.bu_officer, name="  Neglect  ")
    assert theme.name == "Neglect"
    with pytest.raises(ValidationError):
        learning.theme_add(actor=p.bu_officer, name="neglect")
    with pytest.raises(PermissionDenied):
        learning.theme_add(actor=p.practitioner, name="Other")
    learning.theme_set_active(actor=p.bu_officer, theme=theme, active=False)
    theme.refresh_from_db()
    assert not theme.active


def test_a_learning_sheet_is_written_published_and_disseminated() -> None:
    p = partnership()
    incident = notified_case(p)
    with pytest.raises(ValidationError) as error:
        learning.learning_sheet_save(
            actor=p.bu_officer,
            incident=incident,
            title="",
            what_happened="",
            good_practice="",
            learning="",
            do_differently="",
        )
    assert set(error.value.message_dict) == {"title", "what_happened", "learning"}
    sheet = learning.learning_sheet_save(
        actor=p.bu_officer,
        incident=incident,
        title="Baby A",
        what_happened="An infant...",
        good_practice="Prompt referral.",
        learning="Curiosity.",
        do_differently="Ask.",
        themes=Theme.objects.filter(name="Professional curiosity"),
    )
    assert sheet.published_at is None
    learning.learning_sheet_publish(actor=p.bu_officer, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.published_at is not None
    done = learning.dissemination_add(
        actor=p.bu_officer,
        sheet=sheet,
        kind="briefing",
        audience="Health visitors",
        held_on=date(2026, 11, 20),
    )
    assert done.sheet == sheet
    with pytest.raises(ValidationError):
        learning.dissemination_add(
            actor=p.bu_officer, sheet=sheet, kind="rumour", audience="", held_on=date(2026, 11, 20)
        )


def test_an_agency_request_is_reminded_once_before_it_is_due() -> None:
    from safeguard.reviews.services import rapid_reviews as rr
    from safeguard.reviews.tasks import remind_due_soon

    p = partnership()
    incident = notified_case(p)
    rr.agency_request_add(
        actor=p.bu_officer,
        incident=incident,
        organisation=p.police,
        due_on=date(2027, 1, 8),
        now=IN_THE_REVIEW,
    )
    assert remind_due_soon(datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)) == 0  # 4 working days
    assert remind_due_soon(datetime(2027, 1, 6, 9, 0, tzinfo=LONDON)) == 1
    remind_due_soon(datetime(2027, 1, 7, 9, 0, tzinfo=LONDON))
    reminders = OutboxMessage.objects.filter(reason="reviews.due_soon_reminder")
    assert reminders.count() == 1 and reminders.get().recipient == p.police_lead
