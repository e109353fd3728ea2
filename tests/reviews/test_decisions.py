"""The LA's decision: only its decision maker, a rationale either way, then the Rapid Review."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import end_of_day
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.reviews.models import RapidReview
from safeguard.reviews.services.decisions import incident_decide, rapid_review_open
from safeguard.reviews.services.referrals import referral_save_draft, referral_submit
from tests.reviews.helpers import (
    ON_AWARENESS_DAY,
    ON_DECISION_DAY,
    child,
    partnership,
    referral_values,
)

pytestmark = pytest.mark.django_db


def submitted(p):
    draft = referral_save_draft(
        actor=p.practitioner, values=referral_values(), children=[child()], now=ON_AWARENESS_DAY
    )
    return referral_submit(actor=p.practitioner, incident=draft, now=ON_AWARENESS_DAY)


def test_notify_records_the_panel_date_meets_the_clock_and_opens_the_rapid_review() -> None:
    p = partnership()
    incident = submitted(p)
    OutboxMessage.objects.all().delete()
    incident = incident_decide(
        actor=p.decision_maker,
        incident=incident,
        decision="notify",
        rationale="Meets the criteria: suspected abuse, serious harm.",
        panel_notified_on=date(2026, 12, 22),
        panel_reference="CSPRP-123",
        now=ON_DECISION_DAY,
    )
    assert incident.status == "rapid_review"
    assert incident.panel_reference == "CSPRP-123"
    decision_clock = Deadline.objects.get(kind="la_decision")
    assert decision_clock.met_at == ON_DECISION_DAY
    review = RapidReview.objects.get(incident=incident)
    # 15 working days after Tuesday 22 December 2026: 23, 24, 29, 30, 31 Dec, 4-8, 11-15 Jan.
    assert review.due_on == date(2027, 1, 15)
    assert Deadline.objects.get(kind="rapid_review").due_at == end_of_day(date(2027, 1, 15))
    told = set(OutboxMessage.objects.values_list("recipient_id", flat=True))
    assert {p.police_lead.pk, p.health_lead.pk, p.la_lead.pk, p.chair.pk, p.practitioner.pk} <= told
    assert all("Meets" not in m.body for m in OutboxMessage.objects.all())


def test_do_not_notify_closes_the_question_without_a_rapid_review() -> None:
    p = partnership()
    incident = incident_decide(
        actor=p.decision_maker,
        incident=submitted(p),
        decision="do_not_notify",
        rationale="Harm was accidental; no abuse or neglect suspected after enquiry.",
        panel_notified_on=date(2026, 12, 22),
        now=ON_DECISION_DAY,
    )
    assert incident.status == "not_notified"
    assert incident.panel_notified_on is None
    assert not RapidReview.objects.exists()


@pytest.mark.parametrize("who", ["bu_officer", "chair", "la_lead", "practitioner"])
def test_nobody_but_the_decision_maker_decides(who) -> None:
    p = partnership()
    incident = submitted(p)
    with pytest.raises(PermissionDenied):
        incident_decide(
            actor=getattr(p, who),
            incident=incident,
            decision="do_not_notify",
            rationale="r",
            now=ON_DECISION_DAY,
        )
    incident.refresh_from_db()
    assert incident.decision == "" and incident.status == "awaiting_decision"


def test_a_decision_without_rationale_is_refused_and_changes_nothing() -> None:
    p = partnership()
    incident = submitted(p)
    with pytest.raises(ValidationError) as error:
        incident_decide(
            actor=p.decision_maker,
            incident=incident,
            decision="notify",
            rationale=" ",
            panel_notified_on=date(2026, 12, 22),
            now=ON_DECISION_DAY,
        )
    assert "rationale" in error.value.message_dict
    incident.refresh_from_db()
    assert incident.status == "awaiting_decision"
    assert Deadline.objects.get(kind="la_decision").met_at is None


def test_a_case_is_decided_once() -> None:
    p = partnership()
    incident = incident_decide(
        actor=p.decision_maker,
        incident=submitted(p),
        decision="do_not_notify",
        rationale="r",
        now=ON_DECISION_DAY,
    )
    with pytest.raises(ValidationError):
        incident_decide(
            actor=p.decision_maker,
            incident=incident,
            decision="notify",
            rationale="r",
            panel_notified_on=date(2026, 12, 22),
            now=ON_DECISION_DAY,
        )


def test_a_rapid_review_before_a_notification_is_refused() -> None:
    p = partnership()
    incident = submitted(p)
    with pytest.raises(ValidationError) as error:
        rapid_review_open(actor=p.bu_officer, incident=incident)
    assert "incident" in error.value.message_dict
    assert not RapidReview.objects.exists()
