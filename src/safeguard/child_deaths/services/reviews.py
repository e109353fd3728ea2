"""The child death review meeting and the panel's review: category (the highest that applies),
modifiable factors by domain and the conclusion, learning, and completion.

The panel's analysis of each death, drawing on the meeting's report, to confirm the cause, find
contributory factors and identify learning, is a CDOP function under the guidance's paragraph
5.2.1 (as quoted by Hertfordshire SCP's procedure; docs/child-deaths.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, ReportingForm, Review, Status
from safeguard.child_deaths.services import _common
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models.audit import AuditAction


def _review(death: Death) -> Review:
    review, _ = Review.objects.select_for_update().get_or_create(death=death)
    return review


def cdr_meeting_record(*, actor: Any, death: Death, held_on: date) -> Review:
    """The child death review meeting of the professionals who knew the child."""
    _common.refuse_unless(policies.can_change_death(actor, death))
    if held_on < london_date(death.died_at):
        _common.fail({"held_on": "The meeting date must be on or after the date of death"})
    with transaction.atomic():
        review = _review(death)
        before = review.cdr_meeting_on
        review.cdr_meeting_on = held_on
        review.save(update_fields=["cdr_meeting_on"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.REVIEW,
            record_id=review.pk,
            actor=actor,
            changes={"cdr_meeting_on": [_common.iso(before), held_on.isoformat()]},
        )
        _common.status_set(death=death, status=Status.CDR_MEETING, actor=actor)
    return review


def review_complete(
    *,
    actor: Any,
    death: Death,
    panel_meeting_on: date,
    categories: list[str],
    findings: dict[str, rules.DomainFinding],
    learning: str,
    poverty: str,
    barriers: str,
    barrier_kinds: list[str] | None = None,
    now: datetime | None = None,
) -> Review:
    """Record the panel's review and complete it. Open reporting-form clocks stop. The panel
    answers the reporting form's poverty and barriers questions itself, having read the
    agencies' answers (``agencies_answers``)."""
    _common.refuse_unless(policies.can_change_death(actor, death))
    kinds = sorted(set(barrier_kinds or ()))
    errors: dict[str, str] = {}
    if not categories:
        errors["categories"] = "Select every category of death that applies"
    errors.update(rules.finding_problems(findings))
    errors.update(rules.social_problems(poverty=poverty, barriers=barriers, barrier_kinds=kinds))
    if panel_meeting_on < london_date(death.died_at):
        errors["panel_meeting_on"] = "The panel date must be on or after the date of death"
    if not learning.strip():
        errors["learning"] = "Enter the learning from this death, or say there is none"
    _common.fail(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        review = _review(death)
        review.panel_meeting_on = panel_meeting_on
        review.category = rules.category_of(categories)
        review.findings = {
            code: {"level": f.level, "modifiable": f.modifiable} for code, f in findings.items()
        }
        review.conclusion = rules.conclusion(findings)
        review.learning = learning.strip()
        review.poverty = poverty
        review.barriers = barriers
        review.barrier_kinds = kinds
        review.completed_at = moment
        review.completed_by = _common.person_of(actor)
        review.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.REVIEW,
            record_id=review.pk,
            actor=actor,
            changes={
                **_common.state(
                    review, ("panel_meeting_on", "category", "conclusion", "poverty", "barriers")
                ),
                "barrier_kinds": kinds,
                "findings": review.findings,
                "completed_at": moment.isoformat(),
                **_common.text_marks(review, ("learning",)),
            },
        )
        forms = ReportingForm.objects.filter(death=death).values_list("pk", flat=True)
        _common.cancel_open(subject_type=_common.FORM, subject_ids=list(forms), actor=actor)
        _common.cancel_open(subject_type=_common.DEATH, subject_ids=[death.pk], actor=actor)
        _common.status_set(death=death, status=Status.COMPLETE, actor=actor)
    return review
