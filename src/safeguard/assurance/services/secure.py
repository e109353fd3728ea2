"""Secure settings: monthly returns (a clock a month for each setting) and incident reviews.

A month's return is due on the 10th working day of the next month. Its clock opens when the
month ends: the worker's daily job and its first run at start-up catch up every owed clock that
is missing (``returns_due_catch_up``, idempotent), so an overdue return shows however long the
worker was stopped, without a page that lists clocks ever writing one. Submitting meets the
clock. A return may be corrected: the audit row keeps the figures before and after (they name
no child).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
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
from safeguard.core.models import Deadline, Organisation
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


def _open_month(organisation: Organisation, month: date, due_on: date, actor: Any) -> None:
    """Open (or leave) one setting's clock for one month, met at once if the return is in.

    Two callers at once (two workers, or a worker and the demo) may both open it: the
    clock's key is unique, so the second's insert fails inside its own savepoint and is left.
    """
    key = month_key(organisation.pk, month)
    try:
        with transaction.atomic():
            deadline = deadline_open(
                module=MODULE,
                kind=KIND_MONTHLY,
                title=f"Secure setting's monthly return for {month:%B %Y}",
                subject_type=RETURN_DUE,
                subject_id=key,
                starts_at=start_of_day(rules.next_month(month)),
                due_at=end_of_day(due_on),
                rule=f"{rules.RETURN_WORKING_DAYS} working days after the month ends",
                owner_organisation=organisation,
                link=return_link(organisation.pk, month),
                actor=actor,
            )
    except IntegrityError:
        return
    if deadline.met_at is None:
        found = MonthlyReturn.objects.filter(organisation=organisation, month=month).first()
        if found is not None:
            meet(
                kind=KIND_MONTHLY,
                subject_type=RETURN_DUE,
                subject_id=key,
                at=found.submitted_at,
                actor=actor,
            )


def returns_due_open(*, month: date, actor: Any = None) -> int:
    """Open (or leave) the clock of every active secure setting's return for ``month``."""
    month = rules.first_of_month(month)
    due_on = rules.return_due(month, holidays.calendar())
    settings = secure_settings()
    for organisation in settings:
        _open_month(organisation, month, due_on, actor)
    return len(settings)


def _monthly_clocks() -> Any:
    return Deadline.objects.filter(module=MODULE, kind=KIND_MONTHLY, subject_type=RETURN_DUE)


def returns_due_catch_up(*, today: date | None = None, actor: Any = None) -> int:
    """Open every clock a secure setting owes and lacks (``rules.months_owed``): the months
    since its first return or clock, up to last month. Idempotent, so it can run whenever: by
    the worker daily and at its start. Returns how many
    clocks it opened."""
    today = today or london_date(timezone.now())
    calendar = holidays.calendar()
    opened = 0
    for organisation in secure_settings():
        have = set(
            _monthly_clocks()
            .filter(subject_id__startswith=f"{organisation.pk}:")
            .values_list("subject_id", flat=True)
        )
        known = [
            MonthlyReturn.objects.filter(organisation=organisation).aggregate(m=Min("month"))["m"],
            *(_month_of(key) for key in have),
        ]
        first_known = min((m for m in known if m is not None), default=None)
        for month in rules.months_owed(today=today, first_known=first_known):
            if month_key(organisation.pk, month) not in have:
                _open_month(organisation, month, rules.return_due(month, calendar), actor)
                opened += 1
    return opened


def _month_of(key: str) -> date | None:
    _, _, month = key.partition(":")
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError:
        return None


def open_last_month() -> int:
    """The worker's periodic job (daily, and at the worker's start): every owed clock missing,
    last month's included (reopening changes nothing)."""
    return returns_due_catch_up()


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
