"""The DRAMM's decisions and the closing of a day's board."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies
from safeguard.domestic_abuse.models import Board, Decision, Incident, Outcome, ReferralSource
from safeguard.domestic_abuse.services.marac import referral_make
from safeguard.domestic_abuse.services.sittings import board_attendance_record

BOARD = "domestic_abuse.board"
DECISION = "domestic_abuse.decision"


def board_open(*, day: date) -> Board:
    board, _ = Board.objects.get_or_create(day=day)
    return board


def decision_record(
    *,
    actor: Any,
    incident: Incident,
    outcome: str,
    rationale: str,
    agreed_by: Sequence[Organisation],
) -> Decision:
    """The three agencies' decision on one case of the board (once; the board must be open).

    A referral to MARAC makes the referral at once, on the board's day, for the next meeting.
    """
    if not policies.may_decide(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if outcome not in set(Outcome.values):
        errors["outcome"] = "Choose the decision"
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the decision"
    if not agreed_by:
        errors["agreed_by"] = "Choose the agencies that agreed"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        board = board_open(day=incident.board_day)
        if board.closed_at is not None:
            raise ValidationError({"outcome": "This day's board is closed"})
        if Decision.objects.filter(incident=incident).exists():
            raise ValidationError({"outcome": "This case already has a decision"})
        decision = Decision.objects.create(
            board=board,
            incident=incident,
            outcome=outcome,
            rationale=rationale.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        decision.agreed_by.set(agreed_by)
        audit.record(
            action=AuditAction.CREATE,
            record_type=DECISION,
            record_id=decision.pk,
            actor=actor,
            changes={"incident": incident.pk, "outcome": outcome},
        )
        if outcome == Outcome.MARAC:
            referral_make(
                actor=actor,
                incident=incident,
                source=ReferralSource.DRAMM,
                reason=rationale,
                referred_on=incident.board_day,
            )
    return decision


def board_close(*, actor: Any, day: date, attendees: Sequence[Person]) -> Board:
    if not policies.may_decide(actor):
        raise PermissionDenied
    if not attendees:
        raise ValidationError({"attendees": "Choose who attended"})
    if day > london_date(timezone.now()):
        raise ValidationError({"attendees": "A day's board is closed on its day or later"})
    with transaction.atomic():
        board = Board.objects.select_for_update().filter(day=day).first() or board_open(day=day)
        if board.closed_at is not None:
            raise ValidationError({"attendees": "This day's board is already closed"})
        board.closed_at = timezone.now()
        board.closed_by = actor
        board.save(update_fields=["closed_at", "closed_by"])
        board.attendees.set(attendees)
        board_attendance_record(actor=actor, board=board, attendees=attendees)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=BOARD,
            record_id=board.pk,
            actor=actor,
            changes={"closed": True, "attendees": sorted(p.pk for p in attendees)},
        )
    return board
