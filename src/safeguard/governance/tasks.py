"""Background work of the action plan: chasing overdue actions. Idempotent.

Runs from the worker about hourly; each overdue action's owner is chased at most once a week
(the message's dedupe key carries the ISO week), so running it again is harmless. The e-mail
says only that an action is overdue, with its link: never its words.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Deadline
from safeguard.core.outbox import message_enqueue
from safeguard.governance import rules
from safeguard.governance.models import Action
from safeguard.governance.selectors.recipients import people_to_tell
from safeguard.governance.services._common import MODULE
from safeguard.governance.services.actions import ACTION


def chase_overdue(now: datetime | None = None) -> int:
    """One message a week to the owner of each overdue open action."""
    now = now or timezone.now()
    year, week, _ = london_date(now).isocalendar()
    overdue = Deadline.objects.filter(
        module=MODULE,
        kind="action",
        met_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lt=now,
    )
    ids = [int(d.subject_id) for d in overdue if d.subject_id.isdigit()]
    sent = 0
    for action in Action.objects.filter(pk__in=ids, status__in=rules.OPEN_STATUSES).select_related(
        "owner_person"
    ):
        with transaction.atomic():
            for person in people_to_tell(action):
                message_enqueue(
                    recipient=person,
                    subject="Overdue: an action your organisation owns",
                    body="An action in the partnership's action plan that your organisation owns"
                    " is overdue. Sign in to bring it up to date.",
                    link=f"/governance/actions/{action.pk}",
                    reason="governance.action_overdue",
                    record_type=ACTION,
                    record_id=action.pk,
                    dedupe_key=f"governance:chase-{year}-w{week}:{action.pk}:{person.pk}",
                )
                sent += 1
    return sent
