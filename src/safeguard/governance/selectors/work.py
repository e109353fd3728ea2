"""What of the action plan waits for a person, and which of its clocks they may open.

``deadline_access``: an action's clock links to the action's page, so it is listed to those who
may see the action. ``home_work``: the open and overdue actions of the person's organisation
(every organisation's, for the Business Unit), each count linking to the plan filtered to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.work import WorkItem
from safeguard.governance import policies, rules
from safeguard.governance.selectors.actions import ACTION, visible_actions


def deadline_access(actor: Any) -> Q:
    ids = (
        visible_actions(actor)
        .annotate(subject=Cast("pk", output_field=CharField()))
        .values("subject")
    )
    return Q(subject_type=ACTION, subject_id__in=ids)


def home_work(person: Any) -> list[WorkItem]:
    if not policies.can(person, policies.Cap.USE):
        return []
    plan = reverse("governance:plan")
    open_actions = visible_actions(person).filter(status__in=rules.OPEN_STATUSES)
    if policies.sees_all(person):
        label, query = "Overdue actions in the partnership action plan", "overdue=yes"
    else:
        open_actions = open_actions.filter(owner_organisation_id=person.organisation_id)
        label = "Overdue actions your organisation owns"
        query = f"owner={person.organisation_id}&overdue=yes"
    items = [
        WorkItem(
            label,
            open_actions.filter(due_on__lt=london_date(timezone.now())).count(),
            f"{plan}?{query}",
        )
    ]
    if not policies.sees_all(person):
        items.append(
            WorkItem(
                "Open actions your organisation owns",
                open_actions.count(),
                f"{plan}?owner={person.organisation_id}&status=open",
            )
        )
    return items
