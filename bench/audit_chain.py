"""How fast the audit trail appends and verifies, and how verification grows with its length."""

from __future__ import annotations

import statistics
import time

from django.db import connection

from safeguard.core import audit
from safeguard.core.models import AuditChainHead, AuditEvent

SIZES = [10_000, 50_000, 100_000]


def _append(count: int) -> float:
    started = time.perf_counter()
    for i in range(count):
        audit.record(action="view", record_type="bench.record", record_id=i)
    return time.perf_counter() - started


def _verify_seconds(repeats: int = 3) -> tuple[float, int]:
    times = []
    rows = 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = audit.verify()
        times.append(time.perf_counter() - started)
        assert result.intact, result.problems
        rows = result.rows
    return statistics.median(times), rows


def run() -> list[str]:
    lines = []
    rates = [2000 / _append(2000) for _ in range(3)]
    lines.append(
        f"append: median {statistics.median(rates):,.0f} rows/s over 3 runs of 2,000 "
        f"({connection.vendor})"
    )
    for size in SIZES:
        missing = size - AuditEvent.objects.count()
        if missing > 0:
            _bulk_extend(missing)
        seconds, rows = _verify_seconds()
        lines.append(
            f"verify {rows:>7,} rows: median {seconds:.2f} s ({rows / seconds:,.0f} rows/s)"
        )
    return lines


def _bulk_extend(count: int) -> None:
    """Append quickly but honestly: the same chain computation as ``audit.record``, in bulk."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        batch = []
        seq, prev = head.last_seq, head.last_hash
        for i in range(count):
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=timezone.now(),
                action="view",
                record_type="bench.record",
                record_id=str(i),
                changes={},
                prev_hash=prev,
            )
            event.hash = audit._event_hash(event)
            prev = event.hash
            batch.append(event)
        AuditEvent.objects.bulk_create(batch, batch_size=2000)
        head.last_seq, head.last_hash = seq, prev
        head.save()
