"""Setting the partnership's priorities, linking evidence to them and recording progress.

The Executive sets the priorities; the Business Unit records them with their lead, links the
evidence that shows progress (a review, an audit, an indicator: a record by its kind and id as
``governance.sources`` knows it, or an address), and the lead or the Business Unit records dated
progress updates. The annual report's priority sections are built from these rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.governance import policies, sources
from safeguard.governance.models import Priority, PriorityEvidence, PriorityUpdate
from safeguard.governance.services._common import (
    fail,
    person_of,
    refuse_unless,
    state,
    text_marks,
    today,
)

PRIORITY = "governance.priority"
EVIDENCE = "governance.priority_evidence"
UPDATE = "governance.priority_update"


def priority_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    lead_organisation: Organisation | None,
    lead_person: Person | None = None,
    starts_on: date | None,
    ends_on: date | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Priority:
    refuse_unless(policies.may_manage_priorities(actor))
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the priority"
    if lead_organisation is None:
        errors["lead_organisation"] = "Choose the lead organisation"
    if (
        lead_person is not None
        and lead_organisation is not None
        and lead_person.organisation_id != lead_organisation.pk
    ):
        errors["lead_person"] = "The lead must be a person of the lead organisation"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the priority was set"
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the date it was set"
    fail(errors)
    assert lead_organisation is not None and starts_on is not None
    with transaction.atomic():
        priority = Priority.objects.create(
            title=title.strip(),
            description=description.strip(),
            lead_organisation=lead_organisation,
            lead_person=lead_person,
            starts_on=starts_on,
            ends_on=ends_on,
            position=position or (Priority.objects.count() + 1),
            created_at=now or timezone.now(),
            created_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=PRIORITY,
            record_id=priority.pk,
            actor=actor,
            changes={
                **state(
                    priority,
                    ("lead_organisation_id", "lead_person_id", "starts_on", "ends_on", "position"),
                ),
                **text_marks(priority, ("title", "description")),
            },
        )
    return priority


def evidence_add(
    *,
    actor: Any,
    priority: Priority,
    title: str,
    source_kind: str = "",
    source_id: str = "",
    url: str = "",
    now: datetime | None = None,
) -> PriorityEvidence:
    """Link one piece of evidence: a record (kind and id) or an address, not neither."""
    refuse_unless(policies.may_manage_priorities(actor))
    source_kind, source_id, url = source_kind.strip(), source_id.strip(), url.strip()
    errors = {}
    if not title.strip():
        errors["title"] = "Enter what the evidence is"
    if source_kind and sources.get(source_kind) is None:
        errors["source_kind"] = "Choose a kind of record from the list"
    if bool(source_kind) != bool(source_id):
        errors["source_id"] = "Enter the record's number as well as its kind"
    if not source_kind and not url:
        errors["url"] = "Enter the address of the evidence, or choose a record"
    if url and not (url.startswith("/") or url.startswith("https://")):
        errors["url"] = "Enter an address starting with https:// or a page of Safeguard (/...)"
    fail(errors)
    with transaction.atomic():
        evidence = PriorityEvidence.objects.create(
            priority=priority,
            title=title.strip(),
            source_kind=source_kind,
            source_id=source_id,
            url=url,
            added_at=now or timezone.now(),
            added_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=EVIDENCE,
            record_id=evidence.pk,
            actor=actor,
            changes=state(evidence, ("priority_id", "source_kind", "source_id")),
        )
    return evidence


def progress_record(
    *,
    actor: Any,
    priority: Priority,
    on: date | None,
    text: str,
    now: datetime | None = None,
) -> PriorityUpdate:
    """The lead or the Business Unit records what has been done, as of ``on``."""
    refuse_unless(policies.may_update_priority(actor, priority))
    moment = now or timezone.now()
    errors = {}
    if on is None:
        errors["on"] = "Enter the date of the update"
    elif on > today(moment):
        errors["on"] = "The date of the update must be today or in the past"
    if not text.strip():
        errors["text"] = "Enter the progress made"
    fail(errors)
    assert on is not None
    with transaction.atomic():
        update = PriorityUpdate.objects.create(
            priority=priority,
            on=on,
            text=text.strip(),
            recorded_at=moment,
            recorded_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=UPDATE,
            record_id=update.pk,
            actor=actor,
            changes={**state(update, ("priority_id", "on")), **text_marks(update, ("text",))},
        )
    return update
