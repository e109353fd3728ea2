"""Referral: drafts, submission, who is told, and the LA decision clock."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import end_of_day
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.reviews.models import Incident
from safeguard.reviews.services.referrals import (
    referral_receive,
    referral_save_draft,
    referral_submit,
)
from tests.reviews.helpers import (
    DECISION_DUE,
    ON_AWARENESS_DAY,
    child,
    partnership,
    referral_values,
)

pytestmark = pytest.mark.django_db


def _draft(p, **values):
    return referral_save_draft(
        actor=p.practitioner,
        values=referral_values(**values),
        children=[child()],
        agencies=[p.police, p.la],
        now=ON_AWARENESS_DAY,
    )


def test_a_draft_is_saved_with_a_reference_and_audited_without_narrative() -> None:
    p = partnership()
    incident = _draft(p)
    assert incident.status == "draft"
    assert incident.reference == f"SCSI-{incident.created_at:%Y}-{incident.pk:04d}"
    assert incident.children.get().full_name == "Ava Testchild"
    row = AuditEvent.objects.get(record_type="reviews.incident", action="create")
    assert row.actor_id == p.practitioner.pk
    assert "Ava" not in str(row.changes) and "Infant" not in str(row.changes)
    assert row.changes["summary_length"] == [None, len(incident.summary)]
    assert not OutboxMessage.objects.exists()


def test_a_draft_may_be_incomplete_but_not_hold_five_children() -> None:
    p = partnership()
    draft = referral_save_draft(
        actor=p.practitioner, values={"summary": "Started"}, children=[], now=ON_AWARENESS_DAY
    )
    assert draft.status == "draft"
    with pytest.raises(ValidationError) as error:
        referral_save_draft(
            actor=p.practitioner,
            values={},
            children=[child()] * 5,
            incident=draft,
            now=ON_AWARENESS_DAY,
        )
    assert "children" in error.value.message_dict
    assert draft.children.count() == 0


def test_only_the_author_changes_a_draft() -> None:
    p = partnership()
    incident = _draft(p)
    with pytest.raises(PermissionDenied):
        referral_save_draft(actor=p.other_practitioner, values={}, children=[], incident=incident)
    with pytest.raises(PermissionDenied):
        referral_submit(actor=p.bu_officer, incident=incident, now=ON_AWARENESS_DAY)


def test_someone_who_may_not_refer_is_refused() -> None:
    from tests import factories

    partnership()
    dpo = factories.person("data_protection_officer")
    with pytest.raises(PermissionDenied):
        referral_save_draft(actor=dpo, values={}, children=[])
    assert not Incident.objects.filter(referrer=dpo).exists()


def test_submission_starts_the_clock_and_tells_everyone_who_must_know() -> None:
    p = partnership()
    incident = referral_submit(actor=p.practitioner, incident=_draft(p), now=ON_AWARENESS_DAY)
    assert incident.status == "awaiting_decision"
    clock = Deadline.objects.get(module="reviews", kind="la_decision")
    assert clock.due_at == end_of_day(DECISION_DUE)  # Tuesday 29 December 2026
    assert clock.owner_organisation == p.la
    assert clock.group == p.rag
    assert incident.reference in clock.title and "Ava" not in clock.title
    told = {m.recipient_id: m for m in OutboxMessage.objects.all()}
    for person in (p.chair, p.bu_officer, p.decision_maker):
        assert told[person.pk].reason == "reviews.referral_submitted"
    for lead in (p.police_lead, p.health_lead, p.la_lead):
        assert told[lead.pk].reason == "reviews.contribution_invited"
    assert p.lead_outside_rag.pk not in told
    assert p.other_practitioner.pk not in told
    for message in told.values():
        assert "Ava" not in message.body and "Infant" not in message.body
        assert message.link.endswith(f"/reviews/cases/{incident.pk}")


def test_an_incomplete_referral_is_refused_and_nothing_changes() -> None:
    p = partnership()
    draft = _draft(p, summary="", harm="")
    with pytest.raises(ValidationError) as error:
        referral_submit(actor=p.practitioner, incident=draft, now=ON_AWARENESS_DAY)
    assert set(error.value.message_dict) == {"summary", "harm"}
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Deadline.objects.exists() and not OutboxMessage.objects.exists()


def test_awareness_in_the_future_is_refused() -> None:
    p = partnership()
    with pytest.raises(ValidationError) as error:
        _draft(p, la_aware_on=date(2026, 12, 19))
    assert "la_aware_on" in error.value.message_dict
    assert not Incident.objects.exists()


def test_a_submitted_referral_can_no_longer_be_edited() -> None:
    p = partnership()
    incident = referral_submit(actor=p.practitioner, incident=_draft(p), now=ON_AWARENESS_DAY)
    with pytest.raises(PermissionDenied):
        referral_save_draft(actor=p.practitioner, values={}, children=[], incident=incident)
    with pytest.raises(PermissionDenied):
        referral_submit(actor=p.practitioner, incident=incident, now=ON_AWARENESS_DAY)


def test_a_partner_system_referral_is_idempotent_on_its_reference() -> None:
    p = partnership()
    first, created = referral_receive(
        organisation=p.police,
        sender_reference="NICHE-1",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    again, created_again = referral_receive(
        organisation=p.police,
        sender_reference="NICHE-1",
        values=referral_values(),
        children=[child()],
        now=ON_AWARENESS_DAY,
    )
    assert created and not created_again and first.pk == again.pk
    assert first.status == "awaiting_decision" and first.referrer is None
    assert Incident.objects.count() == 1
    assert Deadline.objects.filter(kind="la_decision").count() == 1
    messages = OutboxMessage.objects.count()
    assert messages == 6  # chair, BU officer, decision maker and three RAG leads, once each
