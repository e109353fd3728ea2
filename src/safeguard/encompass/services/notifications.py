"""Telling schools: opening notifications with their clocks, acknowledging, reminding, escalating.

Each matched child gives one notification per school whose roll holds the child. Two clocks go
on "what is due": the police duty (the school must have it before the next school day starts,
met when the notification is made available) and the school's acknowledgement (due at the
escalation moment, a set time after the school day starts). E-mails say only that a
notification is waiting, with a link: the content is read in the service.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.children.models import Pupil
from safeguard.core import audit
from safeguard.core.models import Deadline, Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.encompass import policies, rules
from safeguard.encompass.models import FirstRecipient, ForwardReason, IncidentChild, Notification
from safeguard.encompass.selectors.calendars import notification_plan_for
from safeguard.encompass.selectors.forwards import covering
from safeguard.encompass.selectors.notifications import coordinators, key_adults
from safeguard.encompass.services import forwarding

RECORD_TYPE = "encompass.notification"
MODULE = "encompass"
SUBJECT = "An Operation Encompass notification is waiting"
BODY = "A notification for your school is waiting in Safeguard. Sign in to read it."
LA_BODY = "An Operation Encompass notification needs the LA's attention. Sign in to read it."


def escalate_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "ENCOMPASS_ESCALATE_AFTER_MINUTES", 120))


def link(notification: Notification) -> str:
    return f"/encompass/notifications/{notification.pk}/"


def _tell(people: list[Person], notification: Notification, *, step: str, body: str = BODY) -> None:
    for person in people:
        message_enqueue(
            recipient=person,
            subject=SUBJECT,
            body=body,
            link=link(notification),
            reason=f"encompass_{step}",
            record_type=RECORD_TYPE,
            record_id=notification.pk,
            dedupe_key=f"encompass:notification:{notification.pk}:{step}:{person.pk}",
        )


def notifications_open(*, child: IncidentChild, actor: Any = None) -> list[Notification]:
    """One notification per school whose roll holds the matched child. Runs in the caller's
    transaction or its own; opening twice changes nothing."""
    if child.pupil_id is None:
        raise ValueError("only a matched child is notified")
    upn = Pupil.objects.get(pk=child.pupil_id).upn
    schools = Organisation.objects.filter(
        pk__in=Pupil.objects.filter(upn=upn, on_roll=True).values("school_id")
    )
    opened = []
    with transaction.atomic():
        for school in schools:
            neighbour = covering(school.la_code)
            if neighbour is not None:
                # A school across the border: its partnership tells it, not us.
                forwarding.forward_open(
                    child=child,
                    neighbour=neighbour,
                    reason=ForwardReason.ROLL,
                    school_urn=school.urn,
                    la_code=school.la_code,
                    actor=actor,
                )
                continue
            if Notification.objects.filter(child=child, school=school).exists():
                continue
            opened.append(_open_one(child, school, actor))
    return opened


def _open_one(child: IncidentChild, school: Organisation, actor: Any) -> Notification:
    incident_at = child.incident.occurred_at
    plan, effective, gap = notification_plan_for(incident_at, school)
    first = plan.steps[0]
    adults = key_adults(school)
    now = timezone.now()
    notification = Notification.objects.create(
        child=child,
        school=school,
        first_recipient=first.recipient.value,
        due_at=first.due_at,
        school_due_at=plan.next_school_day_starts,
        rule=first.rule[:200],
        out_of_school_time=plan.out_of_school_time,
        no_key_adult=not adults,
        calendar_gap=gap,
        escalate_at=plan.next_school_day_starts + escalate_after(),
    )
    audit.record(
        action=AuditAction.CREATE,
        record_type=RECORD_TYPE,
        record_id=notification.pk,
        actor=actor,
        changes={
            "child_id": [None, child.pk],
            "school_id": [None, school.pk],
            "first_recipient": [None, notification.first_recipient],
            "due_at": [None, notification.due_at.isoformat()],
            "school_due_at": [None, notification.school_due_at.isoformat()],
        },
    )
    duty = deadline_open(
        module=MODULE,
        kind="school_told",
        title="Encompass: school told before the next school day",
        subject_type=RECORD_TYPE,
        subject_id=notification.pk,
        starts_at=min(incident_at, now),
        due_at=max(first.due_at, min(incident_at, now)),
        rule=first.rule[:200],
        owner_organisation=school,
        link=link(notification),
        actor=actor,
    )
    deadline_meet(deadline=duty, met_at=now, actor=actor)
    deadline_open(
        module=MODULE,
        kind="acknowledgement",
        title="Encompass: acknowledge the notification",
        subject_type=RECORD_TYPE,
        subject_id=notification.pk,
        starts_at=now,
        due_at=max(notification.escalate_at, now),
        rule=f"{int(escalate_after().total_seconds() // 60)} minutes after the school day starts",
        owner_organisation=school,
        link=link(notification),
        actor=actor,
    )
    if first.recipient == rules.Recipient.SCHOOL:
        _tell(
            adults or coordinators(), notification, step="first", body=BODY if adults else LA_BODY
        )
        notification.school_reminded_at = now
        notification.save(update_fields=["school_reminded_at"])
    elif first.recipient == rules.Recipient.ON_DUTY_KEY_ADULT:
        _tell([effective.on_duty_key_adult], notification, step="first")
        notification.school_reminded_at = now
        notification.save(update_fields=["school_reminded_at"])
    else:
        contact = effective.la_holiday_contact
        _tell([contact] if contact else coordinators(), notification, step="first", body=LA_BODY)
    return notification


def notification_acknowledge(
    *, actor: Any, notification: Notification, support_given: str
) -> Notification:
    """The school's key adult records that they have it and the support the school gives."""
    if not policies.may_acknowledge(actor, notification):
        raise PermissionDenied
    support = support_given.strip()
    if not support:
        raise ValidationError({"support_given": "Enter the support the school is giving the child"})
    if len(support) > 5000:
        raise ValidationError({"support_given": "Support given must be 5,000 characters or fewer"})
    now = timezone.now()
    with transaction.atomic():
        current = Notification.objects.select_for_update().get(pk=notification.pk)
        if current.acknowledged_at is not None:
            raise ValidationError({"support_given": "This notification is already acknowledged"})
        current.acknowledged_at = now
        current.acknowledged_by = actor
        current.support_given = support
        current.save(update_fields=["acknowledged_at", "acknowledged_by", "support_given"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={"acknowledged_at": [None, now.isoformat()], "support_given": [False, True]},
        )
        clock = Deadline.objects.filter(
            module=MODULE,
            kind="acknowledgement",
            subject_type=RECORD_TYPE,
            subject_id=str(current.pk),
        ).first()
        if clock is not None:
            deadline_meet(deadline=clock, met_at=now, actor=actor)
    return current


def notifications_remind_schools(*, now: datetime | None = None) -> int:
    """Tell the school's key adults at the start of the school day, when the LA's holiday
    contact had it first."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        first_recipient=FirstRecipient.LA_HOLIDAY_CONTACT,
        school_reminded_at__isnull=True,
        school_due_at__lte=now,
    ).select_related("school")
    count = 0
    for notification in due:
        with transaction.atomic():
            current = Notification.objects.select_for_update().get(pk=notification.pk)
            if current.school_reminded_at is not None:
                continue
            adults = key_adults(notification.school)
            _tell(
                adults or coordinators(), current, step="school", body=BODY if adults else LA_BODY
            )
            current.school_reminded_at = now
            current.save(update_fields=["school_reminded_at"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                changes={"school_reminded_at": [None, now.isoformat()]},
            )
            count += 1
    return count


def notifications_escalate(*, now: datetime | None = None) -> int:
    """Send each notification still unacknowledged at its escalation moment to the LA."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, escalate_at__lte=now
    )
    count = 0
    for notification in due:
        with transaction.atomic():
            current = Notification.objects.select_for_update().get(pk=notification.pk)
            if current.escalated_at is not None or current.acknowledged_at is not None:
                continue
            current.escalated_at = now
            current.save(update_fields=["escalated_at"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                changes={"escalated_at": [None, now.isoformat()]},
            )
            _tell(coordinators(), current, step="escalated", body=LA_BODY)
            count += 1
    return count
