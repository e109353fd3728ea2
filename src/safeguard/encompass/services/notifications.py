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
from safeguard.core.models import Deadline, Organisation, OutboxMessage, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.outbox import OutboxState
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.encompass import policies, rules
from safeguard.encompass.models import ForwardReason, IncidentChild, Notification
from safeguard.encompass.selectors.calendars import notification_plan_for
from safeguard.encompass.selectors.forwards import covering_school
from safeguard.encompass.selectors.notifications import coordinators, key_adults
from safeguard.encompass.services import forwarding

RECORD_TYPE = "encompass.notification"
MODULE = "encompass"
SUBJECT = "An Operation Encompass notification is waiting"
BODY = "A notification for your school is waiting in Safeguard. Sign in to read it."
LA_BODY = "An Operation Encompass notification needs the LA's attention. Sign in to read it."
ESCALATION_SUBJECT = "Escalation: an Operation Encompass notification is not acknowledged"
ESCALATION_BODY = (
    "This is an escalation. A school has not acknowledged an Operation Encompass notification"
    " by its deadline. Sign in to contact the school and act on it."
)


def escalate_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "ENCOMPASS_ESCALATE_AFTER_MINUTES", 120))


def link(notification: Notification) -> str:
    return f"/encompass/notifications/{notification.pk}/"


def _tell(
    people: list[Person],
    notification: Notification,
    *,
    step: str,
    body: str = BODY,
    subject: str = SUBJECT,
) -> None:
    for person in people:
        message_enqueue(
            recipient=person,
            subject=subject,
            body=body,
            link=link(notification),
            reason=f"encompass_{step.split('-')[0]}",
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
            neighbour = covering_school(school)
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


def notifications_at(
    *, child: IncidentChild, schools: list[Organisation], actor: Any = None
) -> list[Notification]:
    """Notify these schools of the child, whatever the rolls say (the LA's re-routing)."""
    with transaction.atomic():
        return [_open_one(child, school, actor) for school in schools]


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
    # The police duty: the school has it before its next school day starts. It is met when the
    # message to the school's key adults is delivered (``notifications_mark_told``), not now.
    school_rule = f"before the next school day starts ({rules.when(plan.next_school_day_starts)})"
    deadline_open(
        module=MODULE,
        kind="school_told",
        title="Encompass: school told before the next school day",
        subject_type=RECORD_TYPE,
        subject_id=notification.pk,
        starts_at=min(incident_at, now),
        due_at=max(plan.next_school_day_starts, min(incident_at, now)),
        rule=school_rule[:200],
        owner_organisation=school,
        link=link(notification),
        actor=actor,
    )
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
    # Sent as soon as it is matched: the school's key adults at once, whatever the day. On a
    # weekend or holiday the on-duty key adult or the LA's holiday contact is told as well, so
    # that someone acts before the school opens; the school is reminded at the start of its day
    # if nobody has opened it by then.
    _tell(adults or coordinators(), notification, step="first", body=BODY if adults else LA_BODY)
    if first.recipient == rules.Recipient.ON_DUTY_KEY_ADULT:
        on_duty = effective.on_duty_key_adult
        if on_duty not in adults:
            _tell([on_duty], notification, step="holiday")
    elif first.recipient == rules.Recipient.LA_HOLIDAY_CONTACT:
        contact = effective.la_holiday_contact
        _tell([contact] if contact else coordinators(), notification, step="holiday", body=LA_BODY)
    if not plan.out_of_school_time:
        notification.school_reminded_at = now
        notification.save(update_fields=["school_reminded_at"])
    return notification


def _school_clock(notification: Notification, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE,
        kind=kind,
        subject_type=RECORD_TYPE,
        subject_id=str(notification.pk),
        cancelled_at__isnull=True,
    ).first()


def notifications_mark_told(*, now: datetime | None = None) -> int:
    """Record when each school was told: when the first message to it was delivered.

    "Told" is the outbox's sent state, never a queued message, so the police duty's clock is
    met at the moment of delivery (late if the mail went out after the school day started).
    Returns how many notifications were newly marked.
    """
    waiting = Notification.objects.filter(told_at__isnull=True, withdrawn_at__isnull=True)
    sent = (
        OutboxMessage.objects.filter(
            record_type=RECORD_TYPE,
            reason__in=["encompass_first", "encompass_school"],
            state=OutboxState.SENT,
            record_id__in=[str(pk) for pk in waiting.values_list("pk", flat=True)[:2000]],
        )
        .order_by("sent_at")
        .values_list("record_id", "sent_at")
    )
    first_sent: dict[int, datetime] = {}
    for record_id, sent_at in sent:
        if sent_at is not None:
            first_sent.setdefault(int(record_id), sent_at)
    count = 0
    for pk, sent_at in first_sent.items():
        with transaction.atomic():
            current = Notification.objects.select_for_update().get(pk=pk)
            if current.told_at is not None:
                continue
            current.told_at = sent_at
            current.save(update_fields=["told_at"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                changes={"told_at": [None, sent_at.isoformat()]},
            )
            clock = _school_clock(current, "school_told")
            if clock is not None:
                deadline_meet(deadline=clock, met_at=sent_at, actor=None)
            count += 1
    return count


def notification_viewed(*, actor: Any, notification: Notification) -> None:
    """The first time one of the school's key adults opens it: ``first_viewed_at``. Nobody
    else's opening counts (the LA coordinator reading an escalation is not the school)."""
    if notification.first_viewed_at is not None or not policies.may_acknowledge(
        actor, notification
    ):
        return
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, first_viewed_at__isnull=True
        ).update(first_viewed_at=now)
        if updated:
            notification.first_viewed_at = now
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=notification.pk,
                actor=actor,
                changes={"first_viewed_at": [None, now.isoformat()]},
            )


def notification_acknowledge(
    *, actor: Any, notification: Notification, support_given: str
) -> Notification:
    """The school's key adult records that they have it and the support the school gives."""
    if not policies.may_acknowledge(actor, notification):
        raise PermissionDenied
    if notification.withdrawn_at is not None:
        raise ValidationError({"support_given": "This notification was withdrawn"})
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
    """Remind the school's key adults at the start of the school day of a notification sent in
    a weekend or holiday that nobody at the school has opened yet."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        out_of_school_time=True,
        school_reminded_at__isnull=True,
        school_due_at__lte=now,
        first_viewed_at__isnull=True,
        acknowledged_at__isnull=True,
        withdrawn_at__isnull=True,
    ).select_related("school")
    count = 0
    for notification in due:
        with transaction.atomic():
            current = Notification.objects.select_for_update().get(pk=notification.pk)
            if current.school_reminded_at is not None or current.first_viewed_at is not None:
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
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        withdrawn_at__isnull=True,
        escalate_at__lte=now,
    )
    count = 0
    for notification in due:
        with transaction.atomic():
            current = Notification.objects.select_for_update().get(pk=notification.pk)
            if (
                current.escalated_at is not None
                or current.acknowledged_at is not None
                or current.withdrawn_at is not None
            ):
                continue
            current.escalated_at = now
            current.save(update_fields=["escalated_at"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                changes={"escalated_at": [None, now.isoformat()]},
            )
            _tell(
                coordinators(),
                current,
                step="escalated",
                body=ESCALATION_BODY,
                subject=ESCALATION_SUBJECT,
            )
            count += 1
    return count


def escalation_act(
    *, actor: Any, notification: Notification, action: str, note: str = ""
) -> Notification:
    """The LA coordinator acts on an escalated notification: records the call to the school
    (what was agreed), or sends it to the school's key adults again. (Reassigning to another
    school is ``routing.child_reroute``.) Audited; the note's text stays off the audit row."""
    if not policies.may_reroute(actor) or notification.escalated_at is None:
        raise PermissionDenied
    if notification.withdrawn_at is not None or notification.acknowledged_at is not None:
        raise ValidationError({"action": "This notification no longer needs the LA to act"})
    now = timezone.now()
    with transaction.atomic():
        current = Notification.objects.select_for_update().get(pk=notification.pk)
        if action == "call":
            text = note.strip()
            if not text:
                raise ValidationError({"note": "Enter who you spoke to and what was agreed"})
            if len(text) > 2000:
                raise ValidationError({"note": "Note must be 2,000 characters or fewer"})
            current.la_call_note = text
            current.la_called_at = now
            current.save(update_fields=["la_call_note", "la_called_at"])
            changes: dict[str, list[object]] = {"la_called_at": [None, now.isoformat()]}
        elif action == "resend":
            current.resent_count += 1
            current.save(update_fields=["resent_count"])
            adults = key_adults(current.school)
            _tell(
                adults or coordinators(),
                current,
                step=f"resent-{current.resent_count}",
                body=BODY if adults else LA_BODY,
            )
            changes = {"resent_count": [current.resent_count - 1, current.resent_count]}
        else:
            raise ValidationError({"action": "Choose what to do"})
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes=changes,
            detail=f"escalation: {action}",
        )
    return current
