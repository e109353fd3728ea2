"""What training work waits for a person on the home page; training opens no clocks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from safeguard.core.work import WorkItem
from safeguard.training import policies, selectors
from safeguard.training.policies import Cap


def deadline_access(actor: Any) -> Q:
    """Training keeps no statutory clocks: none of its deadlines exist to be shown."""
    return Q(pk__in=[])


def home_work(person: Any) -> list[WorkItem]:
    if not policies.can(person, Cap.BOOK):
        return []
    items = []
    evaluations = selectors.evaluations_due(actor=person).count()
    if evaluations:
        items.append(
            WorkItem("Training sessions to evaluate", evaluations, reverse("training:my_bookings"))
        )
    approvals = selectors.awaiting_my_approval(actor=person).count()
    if approvals:
        items.append(
            WorkItem(
                "Training bookings awaiting your approval", approvals, reverse("training:approvals")
            )
        )
    for session in selectors.registers_due(actor=person)[:3]:
        items.append(
            WorkItem(
                f"Register to take: {session.course.title}, part {session.part}",
                1,
                reverse("training:register", kwargs={"pk": session.pk}),
            )
        )
    return items
