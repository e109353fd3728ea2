"""Deadline reminders: one email when a deadline is due within 2 working days, one when overdue.

A periodic worker job. It writes outbox rows only, keyed ``deadline:<id>:due-soon`` and
``deadline:<id>:overdue`` (with ``:organisation`` added for the copy to the owner
organisation's mailbox), so each is sent at most once however often the job runs and however
many workers run it at the same time: a second enqueue of the same key returns the first row.

Who hears: the deadline's owner person (if the account is active) and the owner organisation's
contact address (if it has one). The email carries the due date and the title only (titles
never name a child) and links to the deadline's page, or to the deadlines list.

A deadline already overdue by more than ``OVERDUE_LOOKBACK`` when the job first sees it gets no
email: switching reminders on, or a worker back after a long outage, must not send one for
every old clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguard.core import holidays, worker
from safeguard.core.clock import HolidayDataExhausted, is_end_of_day, london_date
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.core.outbox import message_enqueue

logger = logging.getLogger("safeguard.reminders")

JOB_NAME = "deadline_reminders"
EVERY_SECONDS = 15 * 60
DUE_SOON_WORKING_DAYS = 2
OVERDUE_LOOKBACK = timedelta(days=7)
# Wider than 2 working days can ever reach (Christmas and an added holiday or two included):
# only a cheap first cut, the working-day count decides.
_LOOKAHEAD = timedelta(days=21)

DUE_SOON = "due-soon"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Reminder:
    deadline: Deadline
    kind: str  # DUE_SOON or OVERDUE


def _when(deadline: Deadline) -> str:
    due = deadline.due_at.astimezone(timezone.get_default_timezone())
    day = f"{due:%A} {due.day} {due:%B %Y}"
    return day if is_end_of_day(deadline.due_at) else f"{day} at {due:%H:%M}"


def _link(deadline: Deadline) -> str:
    link = deadline.link
    if (link.startswith("/") and not link.startswith("//")) or link.startswith(
        settings.SITE_URL + "/"
    ):
        return link
    return reverse("core:deadlines")


def reminders_due(*, now: datetime) -> list[Reminder]:
    """Which open deadlines are due soon or overdue at ``now``, by the working-day calendar."""
    today = london_date(now)
    calendar = holidays.calendar()
    open_deadlines = (
        Deadline.objects.filter(
            cancelled_at__isnull=True,
            met_at__isnull=True,
            due_at__gte=now - OVERDUE_LOOKBACK,
            due_at__lte=now + _LOOKAHEAD,
        )
        .filter(
            Q(owner_person__isnull=False, owner_person__is_active=True)
            | (Q(owner_organisation__isnull=False) & ~Q(owner_organisation__email=""))
        )
        .select_related("owner_person", "owner_organisation")
        .order_by("due_at", "pk")
    )
    found: list[Reminder] = []
    for deadline in open_deadlines:
        if deadline.due_at < now:
            found.append(Reminder(deadline, OVERDUE))
            continue
        try:
            days_left = calendar.working_days_between(today, london_date(deadline.due_at))
        except HolidayDataExhausted:
            logger.error("deadline %s: holiday data exhausted, no reminder", deadline.pk)
            continue
        if days_left <= DUE_SOON_WORKING_DAYS:
            found.append(Reminder(deadline, DUE_SOON))
    return found


def _messages(reminder: Reminder) -> list[dict[str, Any]]:
    deadline, kind = reminder.deadline, reminder.kind
    if kind == DUE_SOON:
        subject = "A deadline is due soon"
        body = f"A deadline is due on {_when(deadline)}: {deadline.title}"
    else:
        subject = "A deadline is overdue"
        body = f"A deadline was due on {_when(deadline)} and is overdue: {deadline.title}"
    common: dict[str, Any] = {
        "subject": subject,
        "body": body,
        "link": _link(deadline),
        "reason": f"deadline.{kind}",
        "record_type": "core.deadline",
        "record_id": deadline.pk,
    }
    key = f"deadline:{deadline.pk}:{kind}"
    wanted: list[dict[str, Any]] = []
    person = deadline.owner_person
    if person is not None and person.is_active and person.email:
        wanted.append({**common, "recipient": person, "dedupe_key": key})
    organisation = deadline.owner_organisation
    if organisation is not None and organisation.email:
        wanted.append(
            {**common, "to_address": organisation.email, "dedupe_key": f"{key}:organisation"}
        )
    return wanted


def send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Queue every reminder not yet queued; returns how many new messages were queued."""
    moment = now or timezone.now()
    wanted = [m for r in reminders_due(now=moment) for m in _messages(r)]
    keys = [str(m["dedupe_key"]) for m in wanted]
    queued = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    made = 0
    for message in wanted:
        if message["dedupe_key"] in queued:
            continue
        # One transaction each: a bad row (an address the outbox refuses) stops only itself.
        try:
            with transaction.atomic():
                if OutboxMessage.objects.filter(dedupe_key=message["dedupe_key"]).exists():
                    continue  # another worker was first
                message_enqueue(**message)
        except Exception as exc:  # one bad reminder must not stop the rest
            logger.error(
                "deadline reminder %s not queued: %s", message["dedupe_key"], type(exc).__name__
            )
            continue
        made += 1
    return made


def register() -> None:
    """Called from ``CoreConfig.ready()``: every worker runs the job every few minutes."""
    worker.register_periodic(JOB_NAME, send_deadline_reminders, EVERY_SECONDS)
