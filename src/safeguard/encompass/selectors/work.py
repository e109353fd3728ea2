"""What Encompass shows on the kernel's pages: which of its deadlines a person may open, and
the person's Encompass work for the home page. Registered when the app loads (``apps.py``).

Both answer from the module's own policies, so a deadline or a count is offered only to a
person who can open what it links to (issue 8: "a person sees a deadline only if they can open
what it links to, and every link opens for them").
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse

from safeguard.core.work import WorkItem
from safeguard.encompass import policies
from safeguard.encompass.models import Forward, ForwardState, Notification
from safeguard.encompass.selectors.forwards import RECORD_TYPE as FORWARD
from safeguard.encompass.selectors.forwards import forwards_for
from safeguard.encompass.selectors.incidents import review_queue, unmatched_queue
from safeguard.encompass.selectors.notifications import RECORD_TYPE as NOTIFICATION
from safeguard.encompass.selectors.notifications import notifications_for


def _keys(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows' ids as text, as ``Deadline.subject_id`` holds them (a subquery, not a list)."""
    return rows.order_by().annotate(key=Cast("pk", output_field=CharField())).values("key")


def deadline_access(actor: Any) -> Q:
    """Encompass clocks link to a notification or a forward: a person sees the clock exactly
    when the notification's or forward's page opens for them."""
    notes = policies.notifications_visible(actor, Notification.objects.all())
    forwards = policies.forwards_visible(actor, Forward.objects.all())
    return Q(subject_type=NOTIFICATION, subject_id__in=_keys(notes)) | Q(
        subject_type=FORWARD, subject_id__in=_keys(forwards)
    )


def encompass_work(person: Any) -> list[WorkItem]:
    """The home page's Encompass section: notifications to acknowledge (a school's key adults),
    escalations, matches to review and children on no roll (the LA), failed forwards."""
    items: list[WorkItem] = []
    notifications = reverse("encompass:notifications")
    if policies.can(person, policies.Cap.ACKNOWLEDGE) and policies.is_school_dsl(person):
        waiting = notifications_for(person, open_only=True).filter(school_id=person.organisation_id)
        items.append(WorkItem("Notifications to acknowledge", waiting.count(), notifications))
    if policies.is_coordinator(person) and policies.can(person, policies.Cap.VIEW_NOTIFICATIONS):
        escalated = notifications_for(person, open_only=True).filter(escalated_at__isnull=False)
        items.append(
            WorkItem(
                "Escalated notifications not yet acknowledged", escalated.count(), notifications
            )
        )
    if policies.can(person, policies.Cap.REVIEW_MATCHES):
        items.append(
            WorkItem(
                "Possible matches to review",
                review_queue(person).count(),
                reverse("encompass:review_queue"),
            )
        )
    if policies.can(person, policies.Cap.MANAGE_UNMATCHED):
        items.append(
            WorkItem(
                "Children not found on a school roll",
                unmatched_queue(person).count(),
                reverse("encompass:unmatched"),
            )
        )
    if policies.may_act_on_forward(person):
        failed = forwards_for(person).filter(state=ForwardState.FAILED)
        items.append(
            WorkItem(
                "Cross-border forwards that failed", failed.count(), reverse("encompass:forwards")
            )
        )
    return items
