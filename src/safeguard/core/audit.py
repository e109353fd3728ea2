"""The append-only, hash-chained audit trail.

There is deliberately no function here that updates or deletes a row. ``record`` takes a lock
on the chain head (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers itself),
so appends from many processes form one chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core.context import current_api_key_id, current_route
from safeguard.core.models import AuditChainHead, AuditEvent
from safeguard.core.models.audit import AuditAction

GENESIS = "0" * 64


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_organisation_id: int | None,
    api_key_id: int | None,
    action: str,
    record_type: str,
    record_id: str,
    route: str,
    changes: dict[str, Any],
    detail: str,
    prev_hash: str,
) -> str:
    content = _canonical(
        {
            "seq": seq,
            "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_organisation_id": actor_organisation_id,
            "api_key_id": api_key_id,
            "action": action,
            "record_type": record_type,
            "record_id": record_id,
            "route": route,
            "changes": changes,
            "detail": detail,
        }
    )
    return hashlib.sha256(prev_hash.encode() + content).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    return row_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_organisation_id=event.actor_organisation_id,
        api_key_id=event.api_key_id,
        action=event.action,
        record_type=event.record_type,
        record_id=event.record_id,
        route=event.route,
        changes=event.changes,
        detail=event.detail,
        prev_hash=event.prev_hash,
    )


def record(
    *,
    action: str,
    record_type: str,
    record_id: object = "",
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    detail: str = "",
    route: str | None = None,
) -> AuditEvent:
    """Append one row. ``detail`` and ``changes`` must carry ids and codes, not narratives."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    org_id = getattr(actor, "organisation_id", None) if actor_id is not None else None
    # Round-trip through JSON so the stored value hashes the same when read back.
    clean_changes = json.loads(_canonical(changes or {}))
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_organisation_id=org_id,
            api_key_id=current_api_key_id.get(),
            action=AuditAction(action).value,
            record_type=record_type,
            record_id=str(record_id),
            route=(route if route is not None else current_route.get())[:200],
            changes=clean_changes,
            detail=detail[:300],
            prev_hash=head.last_hash,
        )
        event.hash = _event_hash(event)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_view(*, actor: Any, record_type: str, record_id: object) -> AuditEvent:
    """Selectors call this for every read of a child's (or any person's) record."""
    return record(
        action=AuditAction.VIEW, record_type=record_type, record_id=record_id, actor=actor
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as {"field": [before, after]}, for an UPDATE row."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


@dataclass
class Verification:
    rows: int
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(*, batch_size: int = 5000) -> Verification:
    """Walk the whole chain: every row's hash, every link, no gap, and the head at the tail."""
    problems: list[str] = []
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            count += 1
            if event.seq != expected_seq:
                problems.append(
                    f"rows {expected_seq} to {event.seq - 1} are missing (removed from the trail)"
                )
                prev_hash = event.prev_hash
            if event.prev_hash != prev_hash:
                problems.append(f"row {event.seq} does not link to the row before it")
            if _event_hash(event) != event.hash:
                problems.append(f"row {event.seq} was altered after it was written")
            prev_hash = event.hash
            expected_seq = event.seq + 1
            last_id = event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS
    if head_seq != last_id:
        problems.append(
            f"the chain head records {head_seq} rows but the trail ends at row {last_id}"
            " (rows removed from the end, or the head was rewound)"
        )
    elif head_hash != prev_hash:
        problems.append("the chain head does not match the last row")
    return Verification(rows=count, problems=problems)
