"""Secure settings: monthly returns (a clock a month for each setting) and incident reviews.

A month's return is due on the 10th working day of the next month; the worker opens each
month's clocks (``returns_due_open``, idempotent), and submitting meets the clock. A return may
be corrected: the audit row keeps the figures before and after (they name no child).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.assurance import policies, rules
from safeguard.assurance.models import IncidentReview, MonthlyReturn
from safeguard.assurance.services._common import (
    KIND_MONTHLY,
    MODULE,
    RETURN,
    RETURN_DUE,
    REVIEW,
    fail,
    meet,
    record,
    refuse_unless,
    state,
)
from safeguard.core import holidays
from safeguard.core.clock import end_of_day, london_date, start_of_day
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_open
from safeguard.governance.models import Action
from safeguard.governance.services.actions import action_create

SOURCE_KIND = "assurance.incident_review"


def month_key(organisation_id: int, month: date) -> str:
    return f"{organisation_id}:{month:%Y-%m}"


def return_link(organisation_id: int, month: date) -> str:
    return f"/assurance/secure-settings/{organisation_id}/returns/{month:%Y-%m}"


def review_link(review: IncidentReview) -> str:
    return f"/assurance/secure-settings/reviews/{review.pk}"


def secure_settings() -> list[Organisation]:
    return list(Organisation.objects.filter(kind="secure_setting", active=True).order_by("name"))


def returns_due_open(*, month: date, actor: Any = None) -> int:
    """Open (or leave) the clock of every active secure setting's return for ``month``."""
    month = rules.first_of_month(month)
    due_on = rules.return_due(month, holidays.calendar())
    opened = 0
    for organisation in secure_settings():
        done = MonthlyReturn.objects.filter(organisation=organisation, month=month).exists()
        deadline = deadline_open(
            module=MODULE,
            kind=KIND_MONTHLY,
            title=f"Secure setting's monthly return for {month:%B %Y}",
            subject_type=RETURN_DUE,
            subject_id=month_key(organisation.pk, month),
            starts_at=start_of_day(rules.next_month(month)),
            due_at=end_of_day(due_on),
            rule=f"{rules.RETURN_WORKING_DAYS} working days after the month ends",
            owner_organisation=organisation,
            link=return_link(organisation.pk, month),
            actor=actor,
        )
        opened += 1
        if done and deadline.met_at is None:
            found = MonthlyReturn.objects.get(organisation=organisation, month=month)
            meet(
                kind=KIND_MONTHLY,
                subject_type=RETURN_DUE,
                subject_id=month_key(organisation.pk, month),
                at=found.submitted_at,
                actor=actor,
            )
    return opened


def open_last_month() -> int:
    """The worker's periodic job: last month's clocks, opened once (reopening changes nothing)."""
    today = london_date(timezone.now())
    return returns_due_open(month=rules.previous_month(rules.first_of_month(today)))


def return_submit(
    *,
    actor: Any,
    organisation: Organisation,
    month: date,
    figures: dict[str, int | None],
    narrative: str = "",
    now: datetime | None = None,
) -> MonthlyReturn:
    """Submit (or correct) a month's figures; blank figures do not apply to the setting."""
    refuse_unless(policies.can_submit_return(actor, organisation))
    at = now or timezone.now()
    month = rules.first_of_month(month)
    errors: dict[str, str] = {}
    if month > rules.first_of_month(london_date(at)):
        errors["month"] = "A return cannot be for a month that has not started"
    for name in rules.FIGURE_FIELDS:
        value = figures.get(name)
        if value is not None and value < 0:
            errors[name] = f"{rules.FIGURE_LABELS[name]} must be 0 or more"
    if all(figures.get(name) is None for name in rules.FIGURE_FIELDS):
        errors[rules.FIGURE_FIELDS[0]] = "Enter at least one figure"
    soft, force = figures.get("soft_force_pre_detention"), figures.get("force_pre_detention")
    if soft is not None and force is not None and soft > force:
        errors["soft_force_pre_detention"] = (
            "Children with soft physical force only must be no more than children with force used"
        )
    fail(errors)
    fields = (*rules.FIGURE_FIELDS, "month", "organisation_id")
    with transaction.atomic():
        found = MonthlyReturn.objects.filter(organisation=organisation, month=month).first()
        before = state(found, fields, ("narrative",)) if found else {}
        if found is None:
            found = MonthlyReturn(organisation=organisation, month=month)
        for name in rules.FIGURE_FIELDS:
            setattr(found, name, figures.get(name))
        found.narrative = narrative.strip()
        found.submitted_at = at
        found.submitted_by = actor
        found.save()
        record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=RETURN,
            record=found,
            actor=actor,
            changes={"before": before, "after": state(found, fields, ("narrative",))},
        )
        meet(
            kind=KIND_MONTHLY,
            subject_type=RETURN_DUE,
            subject_id=month_key(organisation.pk, month),
            at=at,
            actor=actor,
        )
    return found


def incident_review_record(
    *,
    actor: Any,
    organisation: Organisation | None,
    title: str,
    reviewed_on: date | None,
    reviewed_by: str,
    summary: str,
    learning: str,
    now: datetime | None = None,
) -> IncidentReview:
    refuse_unless(policies.manages(actor))
    errors: dict[str, str] = {}
    if organisation is None or not policies.is_secure_setting(organisation):
        errors["organisation"] = "Choose the secure setting"
    for name, value, message in (
        ("title", title, "Enter the title"),
        ("reviewed_by", reviewed_by, "Enter who reviewed the incident"),
        ("summary", summary, "Enter what happened"),
        ("learning", learning, "Enter the learning"),
    ):
        if not value.strip():
            errors[name] = message
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review"
    fail(errors)
    assert organisation is not None and reviewed_on is not None
    with transaction.atomic():
        review = IncidentReview.objects.create(
            organisation=organisation,
            title=title.strip(),
            reviewed_on=reviewed_on,
            reviewed_by=reviewed_by.strip(),
            summary=summary.strip(),
            learning=learning.strip(),
            created_at=now or timezone.now(),
            created_by=actor,
        )
        record(
            action=AuditAction.CREATE,
            record_type=REVIEW,
            record=review,
            actor=actor,
            changes=state(review, ("organisation_id", "reviewed_on"), ("summary", "learning")),
        )
    return review


def review_action_add(
    *,
    actor: Any,
    review: IncidentReview,
    title: str,
    owner: Organisation | None,
    due_on: date | None,
    now: datetime | None = None,
) -> Action:
    refuse_unless(policies.manages(actor))
    return action_create(
        actor=actor,
        source_kind=SOURCE_KIND,
        source_id=review.pk,
        title=title,
        owner_organisation=owner,
        due_on=due_on,
        source_title=review.title,
        now=now,
    )
