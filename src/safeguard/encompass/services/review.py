"""The people's part of matching: confirming or rejecting grey-zone matches (the review
queue), and the LA's follow-up of children on no roll (the unmatched queue)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.children.identifiers import is_valid_upn, normalise_upn
from safeguard.children.models import Pupil
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import IncidentChild, LaOutcome, MatchState
from safeguard.encompass.services.matching import RECORD_TYPE
from safeguard.encompass.services.notifications import notifications_open


def _locked(child: IncidentChild) -> IncidentChild:
    return IncidentChild.objects.select_for_update().select_related("incident").get(pk=child.pk)


def match_confirm(*, actor: Any, child: IncidentChild) -> IncidentChild:
    """A person confirms the suggested pupil: the school is notified."""
    if not policies.can(actor, policies.Cap.REVIEW_MATCHES):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(child)
        if current.match_state != MatchState.REVIEW:
            raise ValidationError({"decision": "This match is no longer waiting for review"})
        current.match_state = MatchState.CONFIRMED
        current.matched_by = actor
        current.matched_at = timezone.now()
        current.save(update_fields=["match_state", "matched_by", "matched_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={"match_state": [MatchState.REVIEW, MatchState.CONFIRMED]},
        )
        notifications_open(child=current, actor=actor)
    return current


def match_reject(*, actor: Any, child: IncidentChild) -> IncidentChild:
    """A person rejects the suggested pupil: the child goes to the LA's unmatched queue."""
    if not policies.can(actor, policies.Cap.REVIEW_MATCHES):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(child)
        if current.match_state != MatchState.REVIEW:
            raise ValidationError({"decision": "This match is no longer waiting for review"})
        before_pupil = current.pupil_id
        current.match_state = MatchState.NONE
        current.pupil = None
        current.matched_by = actor
        current.matched_at = timezone.now()
        current.save(update_fields=["match_state", "pupil", "matched_by", "matched_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={
                "match_state": [MatchState.REVIEW, MatchState.NONE],
                "pupil_id": [before_pupil, None],
            },
        )
    return current


def la_outcome_record(
    *,
    actor: Any,
    child: IncidentChild,
    outcome: str,
    upn: str = "",
    checked_upn: str = "",
    reason: str = "",
) -> IncidentChild:
    """The LA records what it found for a child on no roll. "Found on a school roll" with the
    pupil's UPN matches the child by hand and notifies the school.

    A UPN alone is never enough: the person must first have been shown who that UPN is (the
    page passes it back as ``checked_upn``), and a date of birth that differs from the police
    record's needs a reason, kept on the child.
    """
    if not policies.can(actor, policies.Cap.MANAGE_UNMATCHED):
        raise PermissionDenied
    if outcome not in LaOutcome.values or outcome == LaOutcome.OPEN:
        raise ValidationError({"outcome": "Choose what the LA found"})
    pupil = None
    if outcome == LaOutcome.FOUND_ON_ROLL:
        value = normalise_upn(upn)
        if not is_valid_upn(value):
            raise ValidationError({"upn": "Enter the pupil's UPN (13 characters, check letter)"})
        pupil = Pupil.objects.filter(upn=value, on_roll=True).first()
        if pupil is None:
            raise ValidationError({"upn": "No pupil on a roll has this UPN"})
        if normalise_upn(checked_upn) != value:
            raise ValidationError(
                {"upn": "Check the pupil this UPN belongs to before matching the child"}
            )
        if child.dob and pupil.dob and child.dob != pupil.dob and not reason.strip():
            raise ValidationError(
                {
                    "reason": "The pupil's date of birth differs from the police record's: "
                    "enter why this is the same child"
                }
            )
        if len(reason) > 1000:
            raise ValidationError({"reason": "Reason must be 1,000 characters or fewer"})
    with transaction.atomic():
        current = _locked(child)
        if current.match_state != MatchState.NONE or current.la_outcome:
            raise ValidationError({"outcome": "This child is no longer in the LA's queue"})
        current.la_outcome = outcome
        current.la_outcome_at = timezone.now()
        current.la_outcome_by = actor
        fields = ["la_outcome", "la_outcome_at", "la_outcome_by"]
        if pupil is not None:
            current.pupil = pupil
            current.match_state = MatchState.CONFIRMED
            current.matched_by = actor
            current.matched_at = current.la_outcome_at
            current.match_reason = reason.strip()
            fields += ["pupil", "match_state", "matched_by", "matched_at", "match_reason"]
        current.save(update_fields=fields)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={"la_outcome": ["", outcome], "pupil_id": [None, current.pupil_id]},
        )
        if pupil is not None:
            notifications_open(child=current, actor=actor)
    return current
