"""Putting a child's notification right: withdrawing it, and sending it to the right school.

Two ways a notification stops: the police withdraw the child (a resend without them), or the
LA finds it went to the wrong place (a neighbour that claimed our school, a wrong match) and
re-routes the child to the right local school. Either way the school that had it is told that
it was withdrawn, with no details, its clocks stop, and it no longer escalates. A forward to a
neighbour is withdrawn too: its link stops working.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Deadline, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_cancel
from safeguard.encompass import policies
from safeguard.encompass.models import Forward, ForwardState, IncidentChild, Notification
from safeguard.encompass.selectors.forwards import RECORD_TYPE as FORWARD
from safeguard.encompass.selectors.forwards import is_own_school
from safeguard.encompass.selectors.notifications import coordinators, key_adults
from safeguard.encompass.services.notifications import MODULE, RECORD_TYPE, link, notifications_at

CHILD = "encompass.incident_child"
WITHDRAWN_SUBJECT = "An Operation Encompass notification has been withdrawn"
WITHDRAWN_BODY = (
    "An Operation Encompass notification for your school has been withdrawn. You do not need"
    " to act on it. Sign in to see which one."
)
REASON_LIMIT = 1000


def _stop_clocks(*, subject_type: str, subject_id: int, actor: Any) -> None:
    """Cancel the record's clocks still running; a met clock stays as it was met."""
    for clock in Deadline.objects.filter(
        module=MODULE,
        subject_type=subject_type,
        subject_id=str(subject_id),
        cancelled_at__isnull=True,
        met_at__isnull=True,
    ):
        deadline_cancel(deadline=clock, actor=actor)


def notification_withdraw(*, notification: Notification, actor: Any, why: str) -> bool:
    """Withdraw one notification (in the caller's transaction); False if it already was.

    ``why`` is a code for the audit trail ("police" or "rerouted"), never the reason's text.
    """
    current = Notification.objects.select_for_update().get(pk=notification.pk)
    if current.withdrawn_at is not None:
        return False
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    audit.record(
        action=AuditAction.UPDATE,
        record_type=RECORD_TYPE,
        record_id=current.pk,
        actor=actor,
        changes={"withdrawn_at": [None, current.withdrawn_at.isoformat()]},
        detail=f"withdrawn: {why}",
    )
    _stop_clocks(subject_type=RECORD_TYPE, subject_id=current.pk, actor=actor)
    people = key_adults(current.school) or coordinators()
    for person in people:
        message_enqueue(
            recipient=person,
            subject=WITHDRAWN_SUBJECT,
            body=WITHDRAWN_BODY,
            link=link(current),
            reason="encompass_withdrawn",
            record_type=RECORD_TYPE,
            record_id=current.pk,
            dedupe_key=f"encompass:notification:{current.pk}:withdrawn:{person.pk}",
        )
    return True


def forward_withdraw(*, forward: Forward, actor: Any) -> bool:
    """Stop a forward to a neighbour (in the caller's transaction): no more tries, no link."""
    current = Forward.objects.select_for_update().get(pk=forward.pk)
    if current.state == ForwardState.WITHDRAWN:
        return False
    before = current.state
    current.state = ForwardState.WITHDRAWN
    current.link_nonce = ""
    current.link_code_hash = ""
    current.link_revoked_at = timezone.now()
    current.locked_by, current.locked_until = "", None
    current.save()
    audit.record(
        action=AuditAction.UPDATE,
        record_type=FORWARD,
        record_id=current.pk,
        actor=actor,
        changes={"state": [before, ForwardState.WITHDRAWN]},
        detail="withdrawn",
    )
    _stop_clocks(subject_type=FORWARD, subject_id=current.pk, actor=actor)
    return True


def child_withdrawn(*, child: IncidentChild, actor: Any) -> None:
    """The police left the child out of a resend: every notification and forward of theirs
    is withdrawn (in the caller's transaction)."""
    for notification in Notification.objects.filter(child=child, withdrawn_at__isnull=True):
        notification_withdraw(notification=notification, actor=actor, why="police")
    for forward in Forward.objects.filter(child=child).exclude(state=ForwardState.WITHDRAWN):
        forward_withdraw(forward=forward, actor=actor)


def child_reroute(
    *, actor: Any, child: IncidentChild, school_urn: str, reason: str
) -> Notification:
    """The LA sends a misrouted or forwarded child to the right school of this partnership.

    Every other live notification of the child is withdrawn (its school told, without details)
    and every forward withdrawn (its link stops); the chosen school is notified at once with the
    usual clocks. The reason is kept on the child for whoever checks the decision later.
    """
    if not policies.may_reroute(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    # A school's DfE URN or an early years setting's Ofsted URN, as the register keeps them.
    urn = "".join(school_urn.split()).upper()
    school = (
        Organisation.objects.filter(urn=urn, kind=OrganisationKind.SCHOOL, active=True).first()
        if urn
        else None
    )
    if not urn:
        errors["school_urn"] = (
            "Enter the URN of the school or early years setting the child attends"
        )
    elif school is None:
        errors["school_urn"] = "No open school or early years setting in the register has this URN"
    elif not is_own_school(school):
        errors["school_urn"] = (
            "This school is not one of this partnership's: forward the child to its partnership"
        )
    text = reason.strip()
    if not text:
        errors["reason"] = "Enter why the child is sent to this school"
    elif len(text) > REASON_LIMIT:
        errors["reason"] = f"Reason must be {REASON_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    assert school is not None
    with transaction.atomic():
        current = (
            IncidentChild.objects.select_for_update().select_related("incident").get(pk=child.pk)
        )
        if current.withdrawn:
            raise ValidationError({"school_urn": "The police have withdrawn this child"})
        if Notification.objects.filter(
            child=current, school=school, withdrawn_at__isnull=True
        ).exists():
            raise ValidationError({"school_urn": "This school already has the notification"})
        if Notification.objects.filter(child=current, school=school).exists():
            raise ValidationError(
                {"school_urn": "This school's notification was withdrawn: ask the police to resend"}
            )
        for other in Notification.objects.filter(child=current, withdrawn_at__isnull=True):
            notification_withdraw(notification=other, actor=actor, why="rerouted")
        for forward in Forward.objects.filter(child=current).exclude(state=ForwardState.WITHDRAWN):
            forward_withdraw(forward=forward, actor=actor)
        current.match_reason = text
        current.save(update_fields=["match_reason"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=CHILD,
            record_id=current.pk,
            actor=actor,
            changes={"rerouted_to_school_id": [None, school.pk], "match_reason": [False, True]},
            detail="re-routed to a local school",
        )
        [notification] = notifications_at(child=current, schools=[school], actor=actor)
    return notification
