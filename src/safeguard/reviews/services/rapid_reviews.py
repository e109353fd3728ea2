"""The Rapid Review: agency information, the review itself, sign-off, submission, the Panel.

Each involved agency is asked for its individual agency summary and chronology with its own due
date (a clock on "what is due", owned by that agency, with a message to its people). The three
statutory partners sign off; the review goes to the Panel (which meets the 15-working-day clock)
and the Panel's response is recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.reviews import policies, rules
from safeguard.reviews.models import (
    AgencyRequest,
    Incident,
    RapidReview,
    SignOff,
    Status,
)
from safeguard.reviews.selectors import recipients
from safeguard.reviews.services._common import (
    INCIDENT,
    MODULE,
    case_link,
    fail,
    open_deadline,
    refuse_unless,
    state,
    tell,
    text_marks,
    today,
)

RAPID_REVIEW = "reviews.rapid_review"
AGENCY_REQUEST = "reviews.agency_request"
SIGN_OFF = "reviews.sign_off"


def _review_of(incident: Incident) -> RapidReview:
    review = RapidReview.objects.select_for_update().filter(incident=incident).first()
    if review is None:
        raise ValidationError(
            {"incident": "A Rapid Review opens only after the LA has notified the Panel"}
        )
    return review


def _require_open(incident: Incident) -> None:
    if incident.status != Status.RAPID_REVIEW:
        raise ValidationError({"incident": "The Rapid Review of this case is not open"})


def statutory_partners() -> list[Organisation]:
    """The organisations whose sign-off a Rapid Review needs (LA, police and ICB)."""
    return list(Organisation.objects.filter(statutory_partner=True, active=True).order_by("pk"))


def agency_people(organisation: Organisation) -> list[Person]:
    """Who hears of a request to an agency: its RAG members, or failing them its leads."""
    members = [p for p in recipients.rag_members() if p.organisation_id == organisation.pk]
    if members:
        return members
    return list(recipients.with_roles(["statutory_partner_lead"]).filter(organisation=organisation))


def agency_request_add(
    *,
    actor: Any,
    incident: Incident,
    organisation: Organisation,
    due_on: date,
    now: datetime | None = None,
) -> AgencyRequest:
    """Ask one agency for its summary and chronology by ``due_on``; once per agency."""
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if due_on < today(now):
        errors["due_on"] = "The due date must be today or later"
    fail(errors)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _require_open(incident)
        review = _review_of(incident)
        if AgencyRequest.objects.filter(rapid_review=review, organisation=organisation).exists():
            raise ValidationError(
                {"organisation": "This agency has already been asked for its information"}
            )
        request = AgencyRequest.objects.create(
            rapid_review=review, organisation=organisation, due_on=due_on
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=AGENCY_REQUEST,
            record_id=request.pk,
            actor=actor,
            changes=audit.diff(
                {}, state(request, ("rapid_review_id", "organisation_id", "due_on"))
            ),
        )
        deadline_open(
            module=MODULE,
            kind="agency_information",
            title=f"Agency summary and chronology for {incident.reference}",
            subject_type=AGENCY_REQUEST,
            subject_id=request.pk,
            starts_at=min(now or timezone.now(), start_of_day(due_on)),
            due_at=end_of_day(due_on),
            rule=f"Requested by the Business Unit, due {due_on.day} {due_on:%B %Y}",
            owner_organisation=organisation,
            link=case_link(incident) + f"/rapid-review/requests/{request.pk}",
            actor=actor,
        )
        people = agency_people(organisation)
        body = (
            f"The Rapid Review of {incident.reference} asks your agency for its individual"
            f" agency summary and chronology by {due_on.day} {due_on:%B %Y}."
            " Sign in to provide them."
        )
        link = case_link(incident) + f"/rapid-review/requests/{request.pk}"
        if people:
            tell(
                people=people,
                subject=f"Rapid Review {incident.reference}: information requested",
                body=body,
                link=link,
                reason="reviews.agency_information_requested",
                record_type=AGENCY_REQUEST,
                record_id=request.pk,
                event="requested",
            )
        elif organisation.email:
            from safeguard.core.outbox import message_enqueue

            message_enqueue(
                to_address=organisation.email,
                subject=f"Rapid Review {incident.reference}: information requested",
                body=body,
                link=link,
                reason="reviews.agency_information_requested",
                record_type=AGENCY_REQUEST,
                record_id=request.pk,
                dedupe_key=f"reviews:requested:{AGENCY_REQUEST}:{request.pk}:org",
            )
    return request


def agency_request_receive(
    *,
    actor: Any,
    request: AgencyRequest,
    summary: str,
    chronology: str,
    received_on: date | None = None,
    now: datetime | None = None,
) -> AgencyRequest:
    """Record an agency's summary and chronology; meets that agency's clock."""
    incident = request.rapid_review.incident
    refuse_unless(policies.can_answer_request(actor, incident, request.organisation_id))
    return _receive(actor, request, summary, chronology, received_on, now)


def agency_information_receive(
    *,
    organisation: Organisation,
    request: AgencyRequest,
    summary: str,
    chronology: str,
    now: datetime | None = None,
) -> AgencyRequest:
    """A partner system answers its own agency's request, as its organisation."""
    incident = request.rapid_review.incident
    if request.organisation_id != organisation.pk or incident.status != Status.RAPID_REVIEW:
        raise PermissionDenied
    return _receive(None, request, summary, chronology, None, now)


def _receive(
    actor: Any,
    request: AgencyRequest,
    summary: str,
    chronology: str,
    received_on: date | None,
    now: datetime | None,
) -> AgencyRequest:
    received_on = received_on or today(now)
    errors = {}
    if not summary.strip():
        errors["summary"] = "Enter the individual agency summary"
    if not chronology.strip():
        errors["chronology"] = "Enter the chronology"
    if received_on > today(now):
        errors["received_on"] = "The date received must be today or earlier"
    fail(errors)
    marks = ("summary", "chronology")
    with transaction.atomic():
        request = AgencyRequest.objects.select_for_update().get(pk=request.pk)
        before = {**state(request, ("received_on",)), **text_marks(request, marks)}
        request.summary = summary.strip()
        request.chronology = chronology.strip()
        request.received_on = received_on
        request.save()
        after = {**state(request, ("received_on",)), **text_marks(request, marks)}
        if before != after:
            audit.record(
                action=AuditAction.UPDATE,
                record_type=AGENCY_REQUEST,
                record_id=request.pk,
                actor=actor,
                changes=audit.diff(before, after),
            )
        clock = open_deadline(
            kind="agency_information", subject_type=AGENCY_REQUEST, subject_id=request.pk
        )
        if clock is not None:
            moment = now or timezone.now()
            met_at = end_of_day(received_on) if received_on < today(moment) else moment
            deadline_meet(deadline=clock, met_at=met_at, actor=actor)
    return request


_REVIEW_FIELDS = ("cspr_recommended", "regulation_11_criteria")
_REVIEW_TEXT = (
    "immediate_actions",
    "learning",
    "cspr_rationale",
    "lived_experience",
    "race_ethnicity_culture",
)


def rapid_review_record(
    *,
    actor: Any,
    incident: Incident,
    immediate_actions: str,
    learning: str,
    cspr_recommended: bool | None,
    regulation_11_criteria: list[str],
    cspr_rationale: str,
    lived_experience: str = "",
    race_ethnicity_culture: str = "",
) -> RapidReview:
    """The review's findings and its decision on a local CSPR, against the criteria.

    Working Together 2023 asks a Rapid Review to keep the child's lived experience in view and to
    consider how race, ethnicity and culture shaped the child's experience and the practice
    around them (chapter 5; paragraph not verified): the page prompts for both.
    """
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    unknown = [c for c in regulation_11_criteria if c not in rules.REGULATION_11_CRITERIA]
    if unknown:
        errors["regulation_11_criteria"] = "Choose criteria from the list"
    if cspr_recommended and not regulation_11_criteria:
        errors["regulation_11_criteria"] = "Choose the criteria a local CSPR would meet"
    if cspr_recommended is not None and not cspr_rationale.strip():
        errors["cspr_rationale"] = "Give the rationale for the decision on a local CSPR"
    fail(errors)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _require_open(incident)
        review = _review_of(incident)
        if review.sign_offs.exists():
            raise ValidationError(
                {"incident": "The review has been signed off: it can no longer be changed"}
            )
        before = {**state(review, _REVIEW_FIELDS), **text_marks(review, _REVIEW_TEXT)}
        review.immediate_actions = immediate_actions.strip()
        review.learning = learning.strip()
        review.cspr_recommended = cspr_recommended
        review.regulation_11_criteria = sorted(set(regulation_11_criteria))
        review.cspr_rationale = cspr_rationale.strip()
        review.lived_experience = lived_experience.strip()
        review.race_ethnicity_culture = race_ethnicity_culture.strip()
        review.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RAPID_REVIEW,
            record_id=review.pk,
            actor=actor,
            changes=audit.diff(
                before, {**state(review, _REVIEW_FIELDS), **text_marks(review, _REVIEW_TEXT)}
            ),
        )
    return review


def rapid_review_sign_off(*, actor: Any, incident: Incident) -> SignOff:
    """A statutory partner signs the review off, for the actor's own organisation."""
    refuse_unless(policies.can_sign_off(actor, incident))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _require_open(incident)
        review = _review_of(incident)
        if review.cspr_recommended is None:
            raise ValidationError(
                {"incident": "Record the decision on a local CSPR before signing off"}
            )
        existing = SignOff.objects.filter(
            rapid_review=review, organisation=actor.organisation
        ).first()
        if existing is not None:
            return existing
        sign_off = SignOff.objects.create(
            rapid_review=review, organisation=actor.organisation, signed_by=actor
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=SIGN_OFF,
            record_id=sign_off.pk,
            actor=actor,
            changes=audit.diff({}, state(sign_off, ("rapid_review_id", "organisation_id"))),
        )
    return sign_off


def missing_sign_offs(review: RapidReview) -> list[Organisation]:
    signed = set(review.sign_offs.values_list("organisation_id", flat=True))
    return [org for org in statutory_partners() if org.pk not in signed]


def rapid_review_submit(
    *, actor: Any, incident: Incident, submitted_on: date, now: datetime | None = None
) -> RapidReview:
    """Send the signed-off review to the Panel: meets the 15-working-day clock."""
    refuse_unless(policies.can_manage(actor, incident))
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _require_open(incident)
        review = _review_of(incident)
        errors = {}
        missing = missing_sign_offs(review)
        if missing:
            names = ", ".join(org.name for org in missing)
            errors["incident"] = f"Every statutory partner must sign off first: waiting for {names}"
        if submitted_on > today(now):
            errors["submitted_on"] = "The date submitted must be today or earlier"
        elif submitted_on < review.opened_on:
            errors["submitted_on"] = "The date submitted cannot be before the review opened"
        fail(errors)
        before = {"status": incident.status, "submitted_on": None}
        review.submitted_on = submitted_on
        review.save(update_fields=["submitted_on"])
        incident.status = Status.RAPID_REVIEW_SUBMITTED
        incident.save(update_fields=["status"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes=audit.diff(
                before, {"status": incident.status, "submitted_on": submitted_on.isoformat()}
            ),
            detail="Rapid Review submitted to the Panel",
        )
        clock = open_deadline(kind="rapid_review", subject_type=INCIDENT, subject_id=incident.pk)
        if clock is not None:
            met_at = end_of_day(submitted_on) if submitted_on < today(now) else now
            deadline_meet(deadline=clock, met_at=met_at, actor=actor)
        tell(
            people=recipients.everyone_who_must_know(),
            subject=f"Rapid Review {incident.reference} submitted to the Panel",
            body=f"The Rapid Review of {incident.reference} has been submitted to the National"
            " Panel. Sign in for details.",
            link=case_link(incident),
            reason="reviews.rapid_review_submitted",
            record_type=INCIDENT,
            record_id=incident.pk,
            event="rr_submitted",
        )
    return review


def panel_response_record(
    *,
    actor: Any,
    incident: Incident,
    response: str,
    responded_on: date,
    comments: str = "",
    now: datetime | None = None,
) -> RapidReview:
    """The Panel's response: it agrees a local CSPR should be carried out (the case moves to its
    CSPR), it will undertake a national review, or no review is needed (the case moves to actions
    and learning), or it asks for more information (the review stays with the Panel, and a later
    response replaces this one)."""
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if response not in rules.PANEL_RESPONSES:
        errors["response"] = "Choose the Panel's response"
    if responded_on > today(now):
        errors["responded_on"] = "The date of the response must be today or earlier"
    fail(errors)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.RAPID_REVIEW_SUBMITTED:
            raise ValidationError({"incident": "The Rapid Review has not been submitted"})
        review = _review_of(incident)
        if responded_on < (review.submitted_on or responded_on):
            fail({"responded_on": "The response cannot be before the review was submitted"})
        # A local CSPR the partnership did not recommend still goes ahead (regulation 11(d):
        # the Panel concluded a local review may be more appropriate).
        previous = review.panel_response
        review.panel_response = response
        review.panel_response_on = responded_on
        review.panel_comments = comments.strip()
        review.save()
        before = {"status": incident.status}
        incident.status = rules.status_after_panel_response(response)
        incident.save(update_fields=["status"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RAPID_REVIEW,
            record_id=review.pk,
            actor=actor,
            changes={
                "panel_response": [previous, response],
                "panel_response_on": [None, responded_on.isoformat()],
                "status": [before["status"], incident.status],
            },
        )
    return review
