"""Past cases: a case that happened before the partnership used Safeguard, with its real dates.

A partnership moving onto Safeguard brings its history (the annual report's table covers several
years). The Business Unit records each past case once, by page or by API, with the date of every
step that happened: the LA becoming aware, the referral, the decision and notification, the
Rapid Review's submission, the Panel's response, the CSPR's commissioning, initiation and
publication. The case is counted where its dates fall, takes the reference of the year the LA
became aware, and is marked as recorded afterwards.

Its clocks are opened from the real dates and met on the real dates in the same transaction, so
the timeliness figures count them and no reminder or overdue email is ever sent for a clock
that closed long ago; no one is emailed about a past case at all. A step not yet taken leaves
its clock open, as for any case: the case carries on from where it stands.

Idempotent on the sender's reference (per sending organisation): a repeat returns the first case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models import Deadline, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import (
    deadline_meet,
    deadline_open,
    deadline_open_working_days,
)
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Cspr, Incident, RapidReview
from safeguard.reviews.services._common import (
    INCIDENT,
    MODULE,
    case_link,
    fail,
    refuse_unless,
    state,
    the_local_authority,
    the_rag,
    today,
)
from safeguard.reviews.services.csprs import report_clock_open
from safeguard.reviews.services.receipts import create_once
from safeguard.reviews.services.referrals import _assign_reference, _write

_AUDITED = (
    "status",
    "referring_organisation_id",
    "incident_date",
    "la_aware_on",
    "submitted_at",
    "decision",
    "decided_at",
    "panel_notified_on",
    "recorded_afterwards",
)


def _sender(actor: Any) -> Organisation:
    return actor.organisation  # type: ignore[no-any-return]


def past_case_record(
    *,
    actor: Any,
    sender_reference: str,
    referring_organisation: Organisation,
    values: dict[str, Any],
    children: Sequence[rules.ChildDetails],
    steps: rules.PastSteps,
    agencies: Iterable[Organisation] = (),
    now: datetime | None = None,
) -> tuple[Incident, bool]:
    """Record a past case with its real dates. ``(case, True)`` when made now, ``(first case,
    False)`` when ``sender_reference`` was used before by the actor's organisation.
    """
    refuse_unless(policies.can(actor, policies.Cap.MANAGE))
    now = now or timezone.now()
    on = today(now)
    errors = rules.submission_errors(values=values, children=children, today=on)
    errors.update(rules.past_case_errors(steps=steps, aware_on=values.get("la_aware_on"), today=on))
    if not sender_reference.strip():
        errors["sender_reference"] = "Enter your reference for this case"
    fail(errors)
    agencies = list(agencies)
    return create_once(
        organisation=_sender(actor),
        sender_reference=sender_reference.strip(),
        model=Incident,
        record_type=INCIDENT,
        create=lambda: _create(
            actor=actor,
            referring_organisation=referring_organisation,
            values=values,
            children=children,
            steps=steps,
            agencies=agencies,
        ),
    )


def _create(
    *,
    actor: Any,
    referring_organisation: Organisation,
    values: dict[str, Any],
    children: Sequence[rules.ChildDetails],
    steps: rules.PastSteps,
    agencies: list[Organisation],
) -> Incident:
    aware_on: date = values["la_aware_on"]
    assert steps.decided_on is not None
    incident = Incident(
        referring_organisation=referring_organisation,
        recorded_afterwards=True,
        status=rules.past_case_status(steps),
        submitted_at=start_of_day(steps.referred_on or aware_on),
        decision=steps.decision,
        decision_rationale=steps.rationale.strip(),
        decided_at=end_of_day(steps.decided_on),
        panel_notified_on=steps.panel_notified_on if steps.decision == "notify" else None,
        panel_reference=steps.panel_reference.strip() if steps.decision == "notify" else "",
    )
    incident.save()
    _write(incident, values=values, children=children, agencies=agencies)
    _assign_reference(incident)
    audit.record(
        action=AuditAction.CREATE,
        record_type=INCIDENT,
        record_id=incident.pk,
        actor=actor,
        changes=audit.diff({}, state(incident, _AUDITED)),
        detail="past case recorded afterwards",
    )
    _clock_met(
        actor=actor,
        incident=incident,
        kind="la_decision",
        title=f"LA decision on notifying the Panel: {incident.reference}",
        starts_on=aware_on,
        working_days=rules.DECISION_WORKING_DAYS,
        link=case_link(incident),
        met_on=steps.decided_on,
    )
    if steps.decision == "notify":
        _rapid_review(actor=actor, incident=incident, steps=steps)
    if steps.cspr_commissioned_on is not None:
        _cspr(actor=actor, incident=incident, steps=steps)
    return incident


def _clock_met(
    *,
    actor: Any,
    incident: Incident,
    kind: str,
    title: str,
    starts_on: date,
    working_days: int,
    link: str,
    met_on: date | None,
) -> Deadline:
    """Open a working-day clock from its real start and, if the step was taken, meet it on the
    real day (the end of that day, as the pages record a back-dated step)."""
    clock = deadline_open_working_days(
        module=MODULE,
        kind=kind,
        title=title,
        subject_type=INCIDENT,
        subject_id=incident.pk,
        starts_on=starts_on,
        working_days=working_days,
        owner_organisation=the_local_authority(),
        group=the_rag(),
        link=link,
        actor=actor,
    )
    if met_on is not None:
        clock = deadline_meet(deadline=clock, met_at=end_of_day(met_on), actor=actor)
    return clock


def _rapid_review(*, actor: Any, incident: Incident, steps: rules.PastSteps) -> RapidReview:
    notified_on = steps.panel_notified_on
    assert notified_on is not None
    review = RapidReview.objects.create(
        incident=incident,
        opened_on=notified_on,
        due_on=rules.rapid_review_due(notified_on, holidays.calendar()),
        cspr_recommended=steps.cspr_recommended,
        submitted_on=steps.rapid_review_submitted_on,
        panel_response=steps.panel_response if steps.panel_response_on else "",
        panel_response_on=steps.panel_response_on,
    )
    audit.record(
        action=AuditAction.CREATE,
        record_type="reviews.rapid_review",
        record_id=review.pk,
        actor=actor,
        changes=audit.diff(
            {},
            state(
                review,
                (
                    "incident_id",
                    "opened_on",
                    "due_on",
                    "submitted_on",
                    "panel_response",
                    "panel_response_on",
                ),
            ),
        ),
        detail="past case recorded afterwards",
    )
    _clock_met(
        actor=actor,
        incident=incident,
        kind="rapid_review",
        title=f"Rapid Review to the Panel: {incident.reference}",
        starts_on=notified_on,
        working_days=rules.RAPID_REVIEW_WORKING_DAYS,
        link=case_link(incident) + "/rapid-review",
        met_on=steps.rapid_review_submitted_on,
    )
    return review


def _cspr(*, actor: Any, incident: Incident, steps: rules.PastSteps) -> Cspr:
    assert steps.cspr_commissioned_on is not None
    initiated_on = steps.cspr_initiated_on
    cspr = Cspr.objects.create(
        incident=incident,
        reviewer=steps.cspr_reviewer.strip(),
        terms_of_reference="",
        commissioned_on=steps.cspr_commissioned_on,
        initiated_on=initiated_on,
        publication_due_on=rules.cspr_publication_due(initiated_on) if initiated_on else None,
        published_on=steps.cspr_published_on,
        publication_decision="publish" if steps.cspr_published_on else "",
    )
    audit.record(
        action=AuditAction.CREATE,
        record_type="reviews.cspr",
        record_id=cspr.pk,
        actor=actor,
        changes=audit.diff(
            {},
            state(cspr, ("incident_id", "commissioned_on", "initiated_on", "published_on")),
        ),
        detail="past case recorded afterwards",
    )
    if initiated_on is not None and cspr.publication_due_on is not None:
        clock = deadline_open(
            module=MODULE,
            kind="cspr_publication",
            title=f"CSPR publication: {incident.reference}",
            subject_type=INCIDENT,
            subject_id=incident.pk,
            starts_at=start_of_day(initiated_on),
            due_at=end_of_day(cspr.publication_due_on),
            rule=f"6 calendar months from {initiated_on.day} {initiated_on:%B %Y}",
            owner_organisation=the_local_authority(),
            group=the_rag(),
            link=case_link(incident) + "/cspr",
            actor=actor,
        )
        if steps.cspr_published_on is not None:
            deadline_meet(deadline=clock, met_at=end_of_day(steps.cspr_published_on), actor=actor)
        else:  # still being written: the final report is due to the Panel as for any CSPR
            report_clock_open(actor=actor, incident=incident, cspr=cspr)
    return cspr
