"""The shared action plan's services: any source feeds it, each change is audited, each action
is a clock on "What is due", and only the owner, the source's people and the Business Unit act.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import end_of_day
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.governance.models import Action, ActionProgress
from safeguard.governance.selectors.actions import (
    history,
    open_action_count,
    visible_actions,
)
from safeguard.governance.services.actions import (
    action_complete,
    action_create,
    action_progress_add,
    action_update,
    action_withdraw,
)
from tests.governance.helpers import NOW, SOURCE_PEOPLE, TEST_SOURCE, partnership

pytestmark = pytest.mark.django_db


def _action(p, **overrides):
    fields = {
        "actor": p.bu_officer,
        "source_kind": TEST_SOURCE,
        "source_id": 7,
        "title": "Refresh the neglect strategy",
        "owner_organisation": p.icb,
        "due_on": date(2027, 3, 31),
        "now": NOW,
    }
    fields.update(overrides)
    return action_create(**fields)


def _clock(action):
    return Deadline.objects.get(
        module="governance", subject_type="governance.action", subject_id=str(action.pk)
    )


def test_creating_an_action_opens_its_clock_and_tells_the_owner() -> None:
    p = partnership()
    action = _action(p)
    clock = _clock(action)
    assert clock.due_at == end_of_day(date(2027, 3, 31))
    assert clock.owner_organisation == p.icb
    assert clock.link == f"/governance/actions/{action.pk}"
    told = OutboxMessage.objects.filter(record_type="governance.action", record_id=str(action.pk))
    assert [m.recipient_id for m in told] == [p.icb_lead.pk]
    created = AuditEvent.objects.get(record_type="governance.action", action="create")
    assert created.changes["source_kind"] == [None, TEST_SOURCE]
    # Free text goes to the audit trail by length only.
    assert "Refresh" not in str(created.changes)


def test_an_action_needs_a_title_an_owner_and_a_due_date() -> None:
    p = partnership()
    with pytest.raises(ValidationError) as error:
        _action(p, title=" ", owner_organisation=None, due_on=None)
    assert set(error.value.message_dict) == {"title", "owner_organisation", "due_on"}
    assert not Action.objects.exists()


def test_an_owner_person_must_belong_to_the_owner_organisation() -> None:
    p = partnership()
    with pytest.raises(ValidationError) as error:
        _action(p, owner_person=p.police_lead)
    assert "owner_person" in error.value.message_dict
    action = _action(p, owner_person=p.icb_lead)
    assert _clock(action).owner_person == p.icb_lead


def test_only_the_business_unit_or_the_source_s_managers_create() -> None:
    p = partnership()
    for outsider in (p.icb_lead, p.chair, p.practitioner):
        with pytest.raises(PermissionDenied):
            _action(p, actor=outsider)
    assert not Action.objects.exists()


def test_a_correction_is_audited_with_before_and_after_and_moves_the_clock() -> None:
    p = partnership()
    action = _action(p)
    action_update(
        actor=p.bu_officer,
        action=action,
        title="Refresh the neglect strategy and toolkit",
        owner_organisation=p.police,
        due_on=date(2027, 6, 30),
        now=NOW,
    )
    event = AuditEvent.objects.filter(detail="action corrected").get()
    assert event.changes["due_on"] == ["2027-03-31", "2027-06-30"]
    assert event.changes["owner_organisation_id"] == [p.icb.pk, p.police.pk]
    assert "title_length" in event.changes
    clock = _clock(action)
    assert clock.due_at == end_of_day(date(2027, 6, 30)) and clock.owner_organisation == p.police
    assert OutboxMessage.objects.filter(recipient=p.police_lead).count() == 1


def test_a_correction_of_the_same_length_still_shows_in_the_audit() -> None:
    p = partnership()
    action = _action(p, title="abc")
    action_update(
        actor=p.bu_officer,
        action=action,
        title="xyz",
        owner_organisation=p.icb,
        due_on=action.due_on,
        now=NOW,
    )
    assert AuditEvent.objects.get(detail="action corrected").changes["title_changed"] == [
        False,
        True,
    ]


def test_the_owner_records_progress_and_completes_with_evidence() -> None:
    p = partnership()
    action = _action(p)
    action_progress_add(
        actor=p.icb_lead, action=action, text="Draft shared with the subgroup", now=NOW
    )
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert ActionProgress.objects.get(action=action).on == date(2026, 12, 4)
    with pytest.raises(ValidationError):
        action_complete(actor=p.icb_lead, action=action, evidence=" ", now=NOW)
    action_complete(actor=p.icb_lead, action=action, evidence="Signed off 3 December", now=NOW)
    action.refresh_from_db()
    assert action.status == "completed" and action.completed_on == date(2026, 12, 4)
    assert _clock(action).met_at == NOW
    whats = [line.what for line in history(action)]
    assert whats == ["Created", "Progress recorded", "Completed"]


def test_another_organisation_may_not_progress_or_complete() -> None:
    p = partnership()
    action = _action(p)
    with pytest.raises(PermissionDenied):
        action_progress_add(actor=p.police_lead, action=action, text="Not ours", now=NOW)
    with pytest.raises(PermissionDenied):
        action_complete(actor=p.police_lead, action=action, evidence="Not ours", now=NOW)
    action.refresh_from_db()
    assert action.status == "not_started"


def test_progress_cannot_be_dated_in_the_future() -> None:
    p = partnership()
    action = _action(p)
    with pytest.raises(ValidationError) as error:
        action_progress_add(
            actor=p.icb_lead, action=action, text="Soon", on=date(2026, 12, 5), now=NOW
        )
    assert "on" in error.value.message_dict


def test_withdrawing_needs_a_reason_stops_the_clock_and_frees_the_source() -> None:
    p = partnership()
    action = _action(p)
    assert open_action_count(source_kind=TEST_SOURCE, source_ids=["7"]) == 1
    with pytest.raises(ValidationError):
        action_withdraw(actor=p.bu_officer, action=action, reason="", now=NOW)
    with pytest.raises(PermissionDenied):
        action_withdraw(actor=p.icb_lead, action=action, reason="Ours to drop?", now=NOW)
    action_withdraw(actor=p.bu_officer, action=action, reason="Superseded by the JTAI", now=NOW)
    action.refresh_from_db()
    assert action.status == "withdrawn" and action.withdrawn_on == date(2026, 12, 4)
    assert _clock(action).cancelled_at is not None
    assert open_action_count(source_kind=TEST_SOURCE, source_ids=["7"]) == 0
    with pytest.raises(PermissionDenied):
        action_update(
            actor=p.bu_officer,
            action=action,
            title="Again",
            owner_organisation=p.icb,
            due_on=action.due_on,
        )


def test_a_completed_action_is_not_withdrawn() -> None:
    p = partnership()
    action = _action(p)
    action_complete(actor=p.icb_lead, action=action, evidence="Done", now=NOW)
    with pytest.raises(ValidationError):
        action_withdraw(actor=p.bu_officer, action=action, reason="Changed our minds", now=NOW)


def test_who_sees_which_actions() -> None:
    p = partnership()
    icb_action = _action(p)
    police_action = _action(p, owner_organisation=p.police, source_id=8)
    assert set(visible_actions(p.bu_officer)) == {icb_action, police_action}
    assert set(visible_actions(p.chair)) == {icb_action, police_action}
    assert set(visible_actions(p.icb_lead)) == {icb_action}
    assert set(visible_actions(p.school_dsl)) == set()
    assert set(visible_actions(p.practitioner)) == set()
    # The source's own people see its actions, whoever owns them.
    SOURCE_PEOPLE.add(p.school_dsl.pk)
    try:
        assert set(visible_actions(p.school_dsl)) == {icb_action, police_action}
    finally:
        SOURCE_PEOPLE.discard(p.school_dsl.pk)
