"""The append-only, hash-chained audit trail.

There is deliberately no function here that updates or deletes a row, and the database refuses
both (triggers from migration 0002). ``record`` takes a lock on the chain head (``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite every transaction begins IMMEDIATE, which serialises writers),
so appends from many processes form one chain.

What verification can and cannot see. The chain has no secret: it proves that rows were not
changed *by someone who did not also rewrite every later row and the head*. It detects a changed
row, a row removed from the middle, rows removed from the end (the head still counts them) and a
head rewound behind rows that remain. It cannot detect, on its own, rows removed from the end
together with a head rewound to match (the triggers refuse that rewind, but an owner who lifts
them can), nor a whole tail recomputed after a change. Against those, keep the head elsewhere
(``safeguard audit head`` prints it; ``audit verify --anchor SEQ:HASH`` checks a kept one).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from safeguard.core.context import current_api_key_id, current_route
from safeguard.core.models import AuditChainHead, AuditEvent
from safeguard.core.models.audit import AuditAction

GENESIS = "0" * 64


# One encoder for every row: json.dumps with options would build a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _canonical(values: dict[str, Any]) -> bytes:
    return _ENCODER.encode(values).encode()


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


def record_views(*, actor: Any, record_type: str, record_ids: Iterable[object]) -> list[AuditEvent]:
    """One view row per record of a list, appended under one lock of the chain head: a list
    of 40 children is 40 rows as before, but one lock and one insert instead of 40 of each,
    so that reading a long list does not hold up every other writer (issue 18, under load)."""
    ids = [str(record_id) for record_id in record_ids]
    if not ids:
        return []
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    org_id = getattr(actor, "organisation_id", None) if actor_id is not None else None
    route = current_route.get()[:200]
    api_key_id = current_api_key_id.get()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev_hash = head.last_seq, head.last_hash
        events = []
        for record_id in ids:
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=timezone.now(),
                actor_id=actor_id,
                actor_organisation_id=org_id,
                api_key_id=api_key_id,
                action=AuditAction.VIEW.value,
                record_type=record_type,
                record_id=record_id,
                route=route,
                changes={},
                detail="",
                prev_hash=prev_hash,
            )
            event.hash = _event_hash(event)
            prev_hash = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.last_seq = seq
        head.last_hash = prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return events


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as {"field": [before, after]}, for an UPDATE row."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# The database guards that migration 0002 installs, by vendor: (table, trigger).
GUARDS: dict[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (
        ("core_auditevent", "core_auditevent_append_only"),
        ("core_auditevent", "core_auditevent_no_truncate"),
        ("core_auditchainhead", "core_auditchainhead_no_delete"),
        ("core_auditchainhead", "core_auditchainhead_no_truncate"),
        ("core_auditchainhead", "core_auditchainhead_forward_only"),
    ),
    "sqlite": (
        ("core_auditevent", "core_auditevent_no_update"),
        ("core_auditevent", "core_auditevent_no_delete"),
        ("core_auditchainhead", "core_auditchainhead_no_delete"),
        ("core_auditchainhead", "core_auditchainhead_forward_only"),
    ),
}


_GUARDED_TABLES = ("core_auditevent", "core_auditchainhead")


@contextmanager
def guards_lifted(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Lift the append-only guards for the block, inside one transaction, and put them back.

    For the two callers that must empty the trail outside production: ``flush`` (test teardown,
    a demo reset) and the tests' demo snapshot. The block runs in a transaction (a savepoint
    when one is already open): the guards are put back before it commits, so no other session
    ever sees the trail unguarded, and if the block raises, the rollback restores them. Never
    call this from a service: emptying the audit trail is never routine (``flush`` refuses in
    production). PostgreSQL's user triggers are disabled; SQLite's are dropped and recreated
    from their saved SQL. A database without the audit tables (not yet migrated) is left alone.
    """
    target = connections[using]
    with transaction.atomic(using=using):
        saved = _lift(target)
        yield
        _restore(target, saved)


def _lift(target: Any) -> list[str]:
    """Disable (PostgreSQL) or drop (SQLite, returning their SQL) the audit triggers."""
    if not set(_GUARDED_TABLES) <= set(target.introspection.table_names()):
        return []
    with target.cursor() as cursor:
        if target.vendor == "postgresql":
            for table in _GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            return ["postgresql"]
        if target.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN (%s, %s)",
                _GUARDED_TABLES,
            )
            found = cursor.fetchall()
            for name, _sql in found:
                cursor.execute(f'DROP TRIGGER "{name}"')
            return [sql for _name, sql in found]
    return []


def _restore(target: Any, saved: list[str]) -> None:
    with target.cursor() as cursor:
        if saved == ["postgresql"]:
            for table in _GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif target.vendor == "sqlite":
            for sql in saved:
                cursor.execute(sql)


class ProblemKind:
    ALTERED = "altered"
    REMOVED = "removed"
    TAIL_REMOVED = "tail_removed"
    LINK_BROKEN = "link_broken"
    HEAD_MISMATCH = "head_mismatch"
    BEYOND_HEAD = "beyond_head"
    GUARD_MISSING = "guard_missing"


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Verification:
    rows: int
    problems: list[Problem] = field(default_factory=list)
    # Notes that do not make the trail untrustworthy. A missing append-only trigger is not one
    # of them: with the guard off the trail can be rewritten, so it is a problem.
    warnings: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_organisation_id",
    "api_key_id",
    "action",
    "record_type",
    "record_id",
    "route",
    "changes",
    "detail",
    "prev_hash",
    "hash",
)


def _walk(head_seq: int, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """Rows up to the head in seq order, a batch per query (keyset paging, no OFFSET)."""
    after = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(seq__gt=after, seq__lte=head_seq)
            .order_by("seq")
            .values_list(*_COLUMNS)[:batch_size]
        )
        if not batch:
            return
        yield from batch
        after = batch[-1][0]


def missing_guards() -> list[str]:
    """The append-only triggers that should exist on this database but do not."""
    expected = GUARDS.get(connection.vendor, ())
    if not expected:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        present = {(table, name) for table, name in cursor.fetchall()}
    return [f"{name} on {table}" for table, name in expected if (table, name) not in present]


def head() -> tuple[int, str]:
    """The newest link (seq, hash): keep it outside the database to anchor a later verify."""
    found = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return found if found else (0, GENESIS)


def _check_anchor(anchor: tuple[int, str], head_seq: int) -> Problem | None:
    seq, kept_hash = anchor
    if seq == 0:
        return None
    if head_seq < seq:
        return Problem(
            ProblemKind.TAIL_REMOVED,
            head_seq + 1,
            f"the chain head is at row {head_seq}, behind the kept anchor at row {seq}:"
            " rows were removed from the end and the head rewound",
        )
    stored = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored is not None and stored != kept_hash:
        return Problem(
            ProblemKind.LINK_BROKEN,
            seq,
            f"row {seq} no longer has the hash kept as the anchor (the chain was rewritten)",
        )
    return None  # a missing anchored row is already reported by the walk


def verify(*, batch_size: int = 5000, anchor: tuple[int, str] | None = None) -> Verification:
    """Walk the whole chain: every row's hash, every link, no gap, and the head at the tail.

    The head is read first, so rows appended while the walk runs are left for the next run
    instead of being mistaken for tampering.
    """
    problems: list[Problem] = []
    head_seq, head_hash = head()
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    last_seq = 0
    for row in _walk(head_seq, batch_size):
        seq, stored_prev, stored_hash = row[0], row[11], row[12]
        count += 1
        if seq != expected_seq:
            first, last = expected_seq, seq - 1
            span = f"row {first} is" if first == last else f"rows {first} to {last} are"
            problems.append(
                Problem(ProblemKind.REMOVED, first, f"{span} missing (removed from the trail)")
            )
            prev_hash = stored_prev
        computed = row_hash(**dict(zip(_COLUMNS[:-1], row[:-1], strict=True)))
        if computed != stored_hash:
            problems.append(
                Problem(ProblemKind.ALTERED, seq, f"row {seq} was altered after it was written")
            )
        elif stored_prev != prev_hash:
            problems.append(
                Problem(
                    ProblemKind.LINK_BROKEN,
                    seq,
                    f"row {seq} does not link to the row before it (the chain was rewritten)",
                )
            )
        prev_hash = stored_hash
        expected_seq = seq + 1
        last_seq = seq
    if last_seq != head_seq:
        first = last_seq + 1
        problems.append(
            Problem(
                ProblemKind.TAIL_REMOVED,
                first,
                f"the chain head records {head_seq} rows but the trail ends at row {last_seq}:"
                f" rows {first} to {head_seq} were removed from the end",
            )
        )
    elif head_hash != prev_hash:
        problems.append(
            Problem(
                ProblemKind.HEAD_MISMATCH,
                head_seq,
                f"the chain head does not match row {head_seq} (the row or the head was altered)",
            )
        )
    # Rows past the head that the head, read again now, still does not cover: the head was
    # rewound behind them. Appends move row and head in one transaction, so none is in flight.
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    head_now = AuditChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
    if newest > head_now:
        problems.append(
            Problem(
                ProblemKind.BEYOND_HEAD,
                head_now + 1,
                f"rows {head_now + 1} to {newest} lie beyond the chain head (the head was rewound)",
            )
        )
    if anchor is not None and (anchored := _check_anchor(anchor, head_seq)) is not None:
        problems.append(anchored)
    problems.extend(
        Problem(
            ProblemKind.GUARD_MISSING,
            0,
            f"the append-only guard {guard} is missing: rows can be changed or removed",
        )
        for guard in missing_guards()
    )
    return Verification(rows=count, problems=problems)
