"""The people's part of matching: confirming or rejecting grey-zone matches (the review
queue), and the LA's follow-up of children on no roll (the unmatched queue)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.children import selectors as children_selectors
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


def match_reject(*, actor: Any, child: IncidentChild, reason: str = "") -> IncidentChild:
    """A person finds none of the pupils put forward is the child: with the reason, the child
    goes to the LA's list of children on no roll (under school age, not found, and so on)."""
    if not policies.can(actor, policies.Cap.REVIEW_MATCHES):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why none of these pupils is the child"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Reason must be 1,000 characters or fewer"})
    with transaction.atomic():
        current = _locked(child)
        if current.match_state != MatchState.REVIEW:
            raise ValidationError({"decision": "This match is no longer waiting for review"})
        before_pupil = current.pupil_id
        current.match_state = MatchState.NONE
        current.pupil = None
        current.matched_by = actor
        current.matched_at = timezone.now()
        current.match_reason = reason
        current.save(
            update_fields=["match_state", "pupil", "matched_by", "matched_at", "match_reason"]
        )
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


def _dob_reason(child: IncidentChild, pupil: Pupil, reason: str) -> str:
    """A pupil born on another day than the police record says may still be the child (a
    typing slip), but only with the person's reason, kept on the child."""
    reason = reason.strip()
    if child.dob and pupil.dob and child.dob != pupil.dob and not reason:
        raise ValidationError(
            {
                "reason": "The pupil's date of birth differs from the police record's: "
                "enter why this is the same child"
            }
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": "Reason must be 1,000 characters or fewer"})
    return reason


def child_link_pupil(
    *, actor: Any, child: IncidentChild, pupil_id: int, reason: str = ""
) -> IncidentChild:
    """A person links the child to a pupil they chose: any candidate of the review, or a pupil
    the LA coordinator found by searching the rolls. The pupil's school is told at once.

    A child waiting for review needs the review capability; a child on the LA's list of
    children on no roll (no outcome yet) needs the unmatched capability, and gets the outcome
    "found on a school roll".
    """
    pupil = Pupil.objects.filter(pk=pupil_id, on_roll=True).select_related("school").first()
    if pupil is None:
        raise ValidationError({"pupil": "Choose a pupil who is on a school roll"})
    reason = _dob_reason(child, pupil, reason)
    with transaction.atomic():
        current = _locked(child)
        if current.withdrawn:
            raise ValidationError({"pupil": "The police have withdrawn this child"})
        if current.match_state == MatchState.REVIEW:
            if not policies.can(actor, policies.Cap.REVIEW_MATCHES):
                raise PermissionDenied
        elif current.match_state == MatchState.NONE and not current.la_outcome:
            if not policies.can(actor, policies.Cap.MANAGE_UNMATCHED):
                raise PermissionDenied
        else:
            raise ValidationError({"pupil": "This child is no longer waiting for a match"})
        before = [current.match_state, current.pupil_id]
        now = timezone.now()
        fields = ["match_state", "pupil", "matched_by", "matched_at", "match_reason"]
        if current.match_state == MatchState.NONE:
            current.la_outcome = LaOutcome.FOUND_ON_ROLL
            current.la_outcome_at = now
            current.la_outcome_by = actor
            fields += ["la_outcome", "la_outcome_at", "la_outcome_by"]
        current.match_state = MatchState.CONFIRMED
        current.pupil = pupil
        current.matched_by = actor
        current.matched_at = now
        current.match_reason = reason
        current.save(update_fields=fields)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={
                "match_state": [before[0], MatchState.CONFIRMED],
                "pupil_id": [before[1], pupil.pk],
            },
        )
        notifications_open(child=current, actor=actor)
    return current


def _not_in_a_setting(child: IncidentChild) -> None:
    """ "Under school age" is for a child in no setting: a child of the same name and date of
    birth on an early years setting's roll is to be matched to it, and the setting told."""
    if not (child.surname and child.dob):
        return
    settings = children_selectors.early_years_setting_ids()
    found = [
        pupil
        for pupil in children_selectors.pupils_search(
            forename=child.forename, surname=child.surname, dob=child.dob
        )
        if pupil.school_id in settings
    ]
    if found:
        raise ValidationError(
            {
                "outcome": f"A child of this name and date of birth is on the roll of "
                f"{found[0].school.name}, an early years setting: search the rolls and match "
                "the child to it"
            }
        )


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
    if outcome == LaOutcome.UNDER_SCHOOL_AGE:
        _not_in_a_setting(child)
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
