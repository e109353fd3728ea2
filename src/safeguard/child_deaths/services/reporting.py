"""Reporting forms: one asked of each agency that knew the child, with a deadline in working
days and the kernel's reminders (the clock is owned by the asked agency, so its mailbox hears
when the form is due soon and when it is overdue: a reference and a link, nothing more).
Supplementary forms by circumstance are structured answers (``rules.SUPPLEMENTARY_FORMS``).
Collecting information about each death from the professionals who knew the child is a CDOP
function under the guidance's paragraph 5.2.1 (as quoted by Hertfordshire SCP's procedure); the
15 working days are the partnership's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, ReportingForm, Status
from safeguard.child_deaths.services import _common
from safeguard.core import audit, holidays
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_open_working_days

KIND = "reporting_form"


def form_request(
    *, actor: Any, death: Death, organisation: Organisation, now: datetime | None = None
) -> ReportingForm:
    """Ask one agency for its form (once: asking again returns the first request)."""
    _common.refuse_unless(policies.can_change_death(actor, death))
    moment = now or timezone.now()
    with transaction.atomic():
        existing = ReportingForm.objects.filter(death=death, organisation=organisation).first()
        if existing is not None:
            return existing
        starts_on = london_date(moment)
        form = ReportingForm.objects.create(
            death=death,
            organisation=organisation,
            requested_at=moment,
            due_on=holidays.add_working_days(starts_on, rules.REPORTING_FORM_WORKING_DAYS),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=_common.FORM,
            record_id=form.pk,
            actor=actor,
            changes=_common.state(form, ("death_id", "organisation_id", "due_on")),
        )
        deadline_open_working_days(
            module=_common.MODULE,
            kind=KIND,
            title=f"Child death reporting form for {death.reference}",
            subject_type=_common.FORM,
            subject_id=form.pk,
            starts_on=starts_on,
            working_days=rules.REPORTING_FORM_WORKING_DAYS,
            owner_organisation=organisation,
            link=_common.form_link(form),
            actor=actor,
        )
        if organisation.email:
            message_enqueue(
                to_address=organisation.email,
                subject="Your agency is asked for a child death reporting form",
                body=f"Please complete the reporting form for child death {death.reference}.",
                link=_common.form_link(form),
                reason="child_deaths.form_requested",
                record_type=_common.FORM,
                record_id=form.pk,
                dedupe_key=f"child_deaths:form-requested:{form.pk}",
            )
        _common.status_set(death=death, status=Status.GATHERING, actor=actor)
    return form


def form_return(
    *,
    actor: Any,
    form: ReportingForm,
    involvement: str,
    concerns: str = "",
    poverty: str,
    barriers: str,
    barrier_kinds: list[str] | None = None,
    barriers_detail: str = "",
    supplementary_kind: str = "",
    supplementary: dict[str, str] | None = None,
    now: datetime | None = None,
) -> ReportingForm:
    """The agency's answers; the clock is met when the form first comes back. The poverty and
    barriers questions are the national reporting form's since April 2021 (rules.py)."""
    _common.refuse_unless(policies.can_answer_form(actor, form))
    answers = {k: str(v).strip() for k, v in (supplementary or {}).items()}
    kinds = sorted(set(barrier_kinds or ()))
    errors: dict[str, str] = {}
    if not involvement.strip():
        errors["involvement"] = "Enter your agency's involvement with the child and family"
    errors.update(rules.social_problems(poverty=poverty, barriers=barriers, barrier_kinds=kinds))
    if supplementary_kind:
        errors.update(rules.supplementary_problems(supplementary_kind, answers))
    _common.fail(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        form = ReportingForm.objects.select_for_update().get(pk=form.pk)
        first = form.returned_at is None
        form.involvement = involvement.strip()
        form.concerns = concerns.strip()
        form.supplementary_kind = supplementary_kind
        form.supplementary = answers if supplementary_kind else {}
        form.poverty = poverty
        form.barriers = barriers
        form.barrier_kinds = kinds
        form.barriers_detail = barriers_detail.strip() if barriers == rules.YES else ""
        if first:
            form.returned_at = moment
        form.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.FORM,
            record_id=form.pk,
            actor=actor,
            changes={
                "returned_at": _common.iso(form.returned_at),
                "supplementary_kind": supplementary_kind,
                "poverty": poverty,
                "barriers": barriers,
                "barrier_kinds": kinds,
                **_common.text_marks(form, ("involvement", "concerns", "barriers_detail")),
            },
        )
        if first:
            _common.meet(
                kind=KIND, subject_type=_common.FORM, subject_id=form.pk, at=moment, actor=actor
            )
            _common.tell_team(
                subject="A child death reporting form came back",
                body=f"An agency returned its reporting form for {form.death.reference}.",
                link=_common.death_link(form.death),
                reason="child_deaths.form_returned",
                record=form.death,
                event=f"form-returned-{form.pk}",
            )
    return form
