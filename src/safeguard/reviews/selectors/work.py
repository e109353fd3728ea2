"""What of this module waits for a person, and which of its clocks they may open.

Two answers the kernel asks every module for, registered when the app loads (``apps``):

- ``deadline_access``: a filter on the kernel's deadlines, so that *What is due* lists a reviews
  clock only to those who can open the page it links to, and every link it lists opens. A case's
  clocks (decision, Rapid Review, CSPR publication) link to the case's pages, so they follow
  ``policies.can_see_case`` (its actions' clocks are the action plan's, ``governance``); an
  agency request links to the request page, which the asked agency answers
  (``policies.can_answer_request``) while the Rapid Review is open.
- ``home_work``: the home page's counts, each linking to a list the person can open.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.work import WorkItem
from safeguard.reviews import policies
from safeguard.reviews.models import (
    AgencyRequest,
    Contribution,
    Incident,
    LearningSheet,
    Status,
)
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services._common import INCIDENT

AGENCY_REQUEST = "reviews.agency_request"
LEARNING_IS_NEW_FOR = timedelta(days=365)


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The records' primary keys as text, the form ``Deadline.subject_id`` holds them in."""
    return queryset.annotate(subject=Cast("pk", output_field=CharField())).values("subject")


def visible_incidents(actor: Any) -> QuerySet[Incident]:
    """The submitted cases whose pages this person may open (``policies.can_see_case``)."""
    if not policies.can(actor, policies.Cap.USE):
        return Incident.objects.none()
    submitted = Incident.objects.exclude(status=Status.DRAFT)
    if policies.sees_every_case(actor):
        return submitted
    return submitted.filter(referrer_id=actor.pk)


def agency_requests_for(actor: Any) -> QuerySet[AgencyRequest]:
    """The requests this person may answer now: their own agency's while its Rapid Review is
    open; every open one for the Business Unit. Soonest due first."""
    requests = AgencyRequest.objects.filter(rapid_review__incident__status=Status.RAPID_REVIEW)
    if policies.can(actor, policies.Cap.MANAGE):
        pass
    elif policies.can(actor, policies.Cap.USE):
        requests = requests.filter(organisation_id=actor.organisation_id)
    else:
        return AgencyRequest.objects.none()
    return requests.select_related("organisation", "rapid_review__incident").order_by(
        "received_on", "due_on", "pk"
    )


def agency_request_for(*, actor: Any, pk: int, request_pk: int) -> AgencyRequest:
    """One request to answer, or 404. The view is audited against the request (the page shows
    the case reference and the agency, never the child's details)."""
    asked = (
        AgencyRequest.objects.select_related("organisation", "rapid_review__incident")
        .filter(pk=request_pk, rapid_review__incident_id=pk)
        .first()
    )
    if asked is None or not policies.can_answer_request(
        actor, asked.rapid_review.incident, asked.organisation_id
    ):
        case_selectors.refused(actor, AGENCY_REQUEST, request_pk)
        raise Http404
    audit.record_view(actor=actor, record_type=AGENCY_REQUEST, record_id=asked.pk)
    return asked


def deadline_access(actor: Any) -> Q:
    """The reviews deadlines this person may see: those whose link opens for them."""
    cases = visible_incidents(actor)
    return Q(subject_type=INCIDENT, subject_id__in=_ids(cases)) | Q(
        subject_type=AGENCY_REQUEST, subject_id__in=_ids(agency_requests_for(actor))
    )


def home_work(person: Any) -> list[WorkItem]:
    """Cases awaiting the person's decision or their agency's view, and the information their
    agency has been asked for; each a count linking to a list the person can open."""
    items: list[WorkItem] = []
    cases = reverse("reviews:cases")
    awaiting = visible_incidents(person).filter(status=Status.AWAITING_DECISION)
    if policies.can(person, policies.Cap.DECIDE):
        items.append(
            WorkItem(
                "Serious incident referrals awaiting your decision",
                awaiting.count(),
                f"{cases}?status={Status.AWAITING_DECISION}",
            )
        )
    elif policies.can(person, policies.Cap.CONTRIBUTE) and policies.sees_every_case(person):
        answered = Contribution.objects.filter(organisation_id=person.organisation_id)
        items.append(
            WorkItem(
                "Serious incident referrals awaiting your agency's view",
                awaiting.exclude(pk__in=answered.values("incident_id")).count(),
                f"{cases}?status={Status.AWAITING_DECISION}",
            )
        )
    asked = agency_requests_for(person).filter(received_on__isnull=True)
    label = (
        "Rapid Review information requests awaiting an answer"
        if policies.can(person, policies.Cap.MANAGE)
        else "Rapid Review information requested from your organisation"
    )
    if policies.can(person, policies.Cap.USE):
        items.append(WorkItem(label, asked.count(), reverse("reviews:agency_requests")))
    if policies.can(person, policies.Cap.VIEW_LEARNING):
        # Learning reaches practice only when practitioners read it (the annual report's
        # dissemination): every agency's staff see what the partnership published lately.
        recent = timezone.now() - LEARNING_IS_NEW_FOR
        items.append(
            WorkItem(
                "Learning from reviews published in the last 12 months",
                LearningSheet.objects.filter(published_at__gte=recent).count(),
                reverse("reviews:learning"),
            )
        )
    return items
