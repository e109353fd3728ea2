"""What waits for a person: the home page's sections, each a few counts that link to a list.

The kernel cannot import a module (DESIGN.md section 2), so each module registers, when its app
loads, a function that answers "what of mine waits for this person?" with a list of
``WorkItem`` (a label, a count, the address of the filtered list), like ``roles.grant`` and
``demo.register_extension``. The function decides with the module's own selectors and policies,
so it offers only what the person may open: a count the person cannot open is not returned.

The kernel registers its own section first: what is overdue and due in the next 7 days, and for
those who run the service, messages that failed to send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguard.core import policies
from safeguard.core.forms.deadlines import DUE_SOON, DUE_SOON_WITHIN
from safeguard.core.models.outbox import OutboxState
from safeguard.core.roles import Capability
from safeguard.core.selectors import deadlines, outbox


@dataclass(frozen=True)
class WorkItem:
    """One line of the home page: "Cases awaiting your decision (2)", linking to those cases."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class WorkSection:
    name: str
    heading: str
    items: tuple[WorkItem, ...]


WorkSource = Callable[[Any], list[WorkItem]]

_sources: list[tuple[str, str, WorkSource]] = []


def register(name: str, heading: str, source: WorkSource) -> None:
    """Add a section to everyone's home page; registering the same name again changes nothing."""
    if all(existing != name for existing, _, _ in _sources):
        _sources.append((name, heading, source))


def _opens_here(url: str) -> bool:
    """Only a path inside the service is shown: never another site, never a script."""
    return url.startswith("/") and not url.startswith("//")


def work_for(person: Any) -> list[WorkSection]:
    """The sections with something in them, in the order they were registered.

    An item with nothing to count is left out, so a section shows only what needs doing.
    """
    sections = []
    for name, heading, source in _sources:
        items = tuple(item for item in source(person) if item.count > 0 and _opens_here(item.url))
        if items:
            sections.append(WorkSection(name, heading, items))
    return sections


# The kernel's own work ------------------------------------------------------------------------

DEADLINES = "deadlines"
DUE_SOON_QUERY = f"due={DUE_SOON}"  # the "What is due" filter for the next 7 days


def deadline_work(person: Any) -> list[WorkItem]:
    """Overdue and due in the next 7 days, counted by the same selector as "What is due"."""
    if not policies.can(person, Capability.VIEW_DEADLINES):
        return []
    now = timezone.now()
    page = reverse("core:deadlines")
    overdue = deadlines.state_counts(actor=person, now=now)["overdue"]
    due_soon = deadlines.count_due_within(actor=person, due_within=DUE_SOON_WITHIN, now=now)
    # The Business Unit and the Chair see every clock: say so, so a count is not read as theirs.
    where = " across the partnership" if policies.can_see_all_deadlines(person) else ""
    return [
        WorkItem(f"Overdue{where}", overdue, f"{page}?state=overdue"),
        WorkItem(f"Due in the next 7 days{where}", due_soon, f"{page}?{DUE_SOON_QUERY}"),
    ]


def service_work(person: Any) -> list[WorkItem]:
    """For those who run the service: messages that could not be sent and need a look."""
    if not policies.can(person, Capability.VIEW_OUTBOX):
        return []
    failed = outbox.messages_visible_to(actor=person, state=OutboxState.FAILED).count()
    return [
        WorkItem(
            "Messages that failed to send",
            failed,
            f"{reverse('core:outbox')}?state={OutboxState.FAILED}",
        )
    ]


register(DEADLINES, "What is due", deadline_work)
register("service", "Running the service", service_work)
