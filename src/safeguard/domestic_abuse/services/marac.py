"""MARAC referrals, the fortnightly meetings they go to, each agency's research, outcomes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.models import Incident, Referral, Research
from safeguard.domestic_abuse.services.sittings import marac_meeting_on
from safeguard.governance.models import Action
from safeguard.governance.services.actions import action_create

REFERRAL = "domestic_abuse.referral"
# The kind of source MARAC actions have in the shared action plan (governance).
ACTION_SOURCE = "domestic_abuse.marac_referral"
RESEARCH = "domestic_abuse.research"
# The first MARAC of the partnership's fortnightly cycle; every meeting is 14 days on from it.
DEFAULT_ANCHOR = date(2025, 1, 8)


def marac_anchor() -> date:
    return getattr(settings, "DOMESTIC_ABUSE_MARAC_ANCHOR", DEFAULT_ANCHOR)


def _facts(referral: Referral) -> rules.ReferralFacts:
    return rules.ReferralFacts(
        id=referral.pk,
        referred_on=referral.referred_on,
        victim=referral.victim_key,
        perpetrator=referral.perpetrator_key,
        incident=referral.incident_id,
    )


def referral_make(
    *,
    actor: Any,
    incident: Incident,
    source: str,
    reason: str,
    referred_on: date | None = None,
) -> Referral:
    """Refer the incident's victim to the next MARAC that leaves time for research."""
    if not policies.may_refer(actor):
        raise PermissionDenied
    if incident.victim_key is None:
        raise ValidationError({"incident": "The incident names no victim"})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the referral"})
    day = referred_on or london_date(timezone.now())
    held_on = rules.meeting_for_referral(day, marac_anchor(), holidays.calendar())
    with transaction.atomic():
        if Referral.objects.filter(incident=incident).exists():
            raise ValidationError({"reason": "This incident is already referred to the MARAC"})
        earlier = Referral.objects.filter(victim_key=incident.victim_key)
        facts = rules.IncidentFacts(
            id=incident.pk,
            occurred_on=london_date(incident.occurred_at),
            victim=incident.victim_key,
            perpetrator=incident.perpetrator_key,
        )
        meeting = marac_meeting_on(actor=actor, day=held_on)
        referral = Referral.objects.create(
            incident=incident,
            victim_key=incident.victim_key,
            perpetrator_key=incident.perpetrator_key,
            referred_on=day,
            source=source,
            referred_by=actor.organisation,
            reason=reason.strip(),
            repeat=rules.is_marac_repeat(facts, [_facts(r) for r in earlier]),
            meeting=meeting,
            created_at=timezone.now(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=REFERRAL,
            record_id=referral.pk,
            actor=actor,
            changes={"incident": incident.pk, "meeting": str(held_on), "source": source},
        )
    return referral


def research_record(*, actor: Any, referral: Referral, findings: str) -> Research:
    """The actor's agency's research for the referral; recorded again, it replaces the last."""
    if not policies.may_research(actor):
        raise PermissionDenied
    if not findings.strip():
        raise ValidationError({"findings": "Enter what your agency knows of the household"})
    with transaction.atomic():
        row, created = Research.objects.update_or_create(
            referral=referral,
            organisation_id=actor.organisation_id,
            defaults={
                "findings": findings.strip(),
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type=RESEARCH,
            record_id=row.pk,
            actor=actor,
            changes={"referral": referral.pk},
        )
    return row


def outcome_record(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    if not policies.is_marac_member(actor):
        raise PermissionDenied
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the MARAC's outcome"})
    with transaction.atomic():
        referral.outcome = outcome.strip()
        referral.outcome_at = timezone.now()
        referral.save(update_fields=["outcome", "outcome_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=REFERRAL,
            record_id=referral.pk,
            actor=actor,
            changes={"outcome": True},
        )
    return referral


def marac_action_add(
    *, actor: Any, referral: Referral, title: str, owner: Organisation | None, due_on: date | None
) -> Action:
    """An action agreed at the MARAC, owned by one agency, on the shared action plan: its
    clock is on the owner's "What is due" and overdue actions are chased there."""
    if not policies.is_marac_member(actor):
        raise PermissionDenied
    held = referral.meeting.held_on
    return action_create(
        actor=actor,
        source_kind=ACTION_SOURCE,
        source_id=referral.pk,
        title=title,
        owner_organisation=owner,
        due_on=due_on,
        source_title=f"MARAC of {held.day} {held:%B %Y}",
    )
