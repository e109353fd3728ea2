"""The audit trail: hashes and links, the database's refusal to change history, and what
verification detects (and, documented here, what it cannot)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from safeguard.core import audit
from safeguard.core.audit import GENESIS, ProblemKind
from safeguard.core.models import AuditChainHead, AuditEvent
from safeguard.core.models.audit import AuditAction
from tests import factories

pytestmark = pytest.mark.django_db

GUARDED = ("core_auditevent", "core_auditchainhead")


@contextmanager
def tampering() -> Iterator[object]:
    """Lift the append-only guard as an owner of the database could, then put it back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test user is a superuser: ordinary triggers do not fire for a replica.
            cursor.execute("SET LOCAL session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET LOCAL session_replication_role = origin")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
            GUARDED,
        )
        saved = cursor.fetchall()
        assert len(saved) == 4, "migration 0002 should have installed four SQLite triggers"
        for name, _sql in saved:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield cursor
        finally:
            for _name, sql in saved:
                cursor.execute(sql)


def _append(count: int) -> list[AuditEvent]:
    return [
        audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=i)
        for i in range(count)
    ]


def _kinds(result: audit.Verification) -> list[tuple[str, int]]:
    return [(p.kind, p.seq) for p in result.problems]


# The chain itself ---------------------------------------------------------------------------


def test_each_row_links_to_the_one_before_and_hashes_its_content():
    before_seq, before_hash = audit.head()
    first, second, third = _append(3)
    assert [first.seq, second.seq, third.seq] == [before_seq + 1, before_seq + 2, before_seq + 3]
    assert first.prev_hash == before_hash
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    expected = audit.row_hash(
        seq=stored.seq,
        occurred_at=stored.occurred_at,
        actor_id=stored.actor_id,
        actor_organisation_id=stored.actor_organisation_id,
        api_key_id=stored.api_key_id,
        action=stored.action,
        record_type=stored.record_type,
        record_id=stored.record_id,
        route=stored.route,
        changes=stored.changes,
        detail=stored.detail,
        prev_hash=stored.prev_hash,
    )
    assert stored.hash == expected and len(expected) == 64
    assert audit.head() == (third.seq, third.hash)


def test_the_first_row_links_to_the_genesis_hash():
    first = _append(1)[0]
    if first.seq == 1:
        assert first.prev_hash == GENESIS
    assert AuditEvent.objects.filter(prev_hash=GENESIS).count() == 1


def test_record_keeps_actor_and_organisation_and_changes():
    someone = factories.person("practitioner")
    event = audit.record(
        action=AuditAction.UPDATE,
        record_type="core.person",
        record_id=someone.pk,
        actor=someone,
        changes=audit.diff(
            {"job_title": "A", "born": date(2010, 1, 2), "score": Decimal("1.50")},
            {"job_title": "B", "born": date(2010, 1, 3), "score": Decimal("1.50")},
        ),
        route="core:person_edit",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == someone.pk
    assert stored.actor_organisation_id == someone.organisation_id
    assert stored.changes == {"born": ["2010-01-02", "2010-01-03"], "job_title": ["A", "B"]}
    assert stored.route == "core:person_edit"
    assert audit.verify().intact


def test_an_untouched_trail_verifies_intact():
    _append(7)
    result = audit.verify(batch_size=3)
    assert result.intact, result.problems
    assert result.rows == AuditEvent.objects.count() >= 7
    assert result.warnings == []


# The database refuses ----------------------------------------------------------------------


def _refused(sql: str, params: list[object] | None = None) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(refused.value)


def test_the_database_refuses_update_and_delete_of_audit_rows():
    event = _append(2)[0]
    assert "append-only" in _refused(
        "UPDATE core_auditevent SET detail = 'x' WHERE id = %s", [event.pk]
    )
    assert "append-only" in _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert "append-only" in _refused("DELETE FROM core_auditchainhead")
    assert AuditEvent.objects.get(pk=event.pk).detail == ""
    assert audit.verify().intact


def test_the_database_refuses_to_rewind_the_chain_head():
    first, second = _append(2)
    assert "move forward" in _refused(
        "UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s", [first.seq, first.hash]
    )
    assert "move forward" in _refused(
        "UPDATE core_auditchainhead SET last_seq = last_seq + 1, last_hash = %s", ["f" * 64]
    )
    assert audit.head() == (second.seq, second.hash)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncate():
    _append(1)
    assert "append-only" in _refused("TRUNCATE core_auditevent")
    assert "append-only" in _refused("TRUNCATE core_auditchainhead CASCADE")


def test_the_orm_has_no_path_to_change_or_remove_a_row():
    event = _append(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.detail = "rewritten"
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.get(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditChainHead.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""
    assert audit.verify().intact


# Verification detects ----------------------------------------------------------------------


def test_verify_detects_a_changed_field():
    rows = _append(4)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET record_id = '999' WHERE seq = %s", [rows[1].seq])
    result = audit.verify()
    assert _kinds(result) == [(ProblemKind.ALTERED, rows[1].seq)]
    assert f"row {rows[1].seq} was altered" in str(result.problems[0])


def test_verify_detects_a_changed_row_whose_hash_was_recomputed():
    rows = _append(4)
    target = AuditEvent.objects.get(pk=rows[1].pk)
    target.detail = "forged"
    forged = audit._event_hash(target)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET detail = 'forged', hash = %s WHERE seq = %s",
            [forged, target.seq],
        )
    assert _kinds(audit.verify()) == [(ProblemKind.LINK_BROKEN, rows[2].seq)]


def test_verify_detects_a_row_removed_from_the_middle():
    rows = _append(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [rows[2].seq])
    result = audit.verify(batch_size=2)
    assert _kinds(result) == [(ProblemKind.REMOVED, rows[2].seq)]
    assert "missing" in str(result.problems[0])


def test_verify_detects_rows_removed_from_the_end():
    rows = _append(4)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= %s", [rows[2].seq])
    result = audit.verify()
    assert _kinds(result) == [(ProblemKind.TAIL_REMOVED, rows[2].seq)]
    assert "removed from the end" in str(result.problems[0])


def test_verify_detects_a_head_rewound_behind_remaining_rows():
    rows = _append(3)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s",
            [rows[1].seq, rows[1].hash],
        )
    assert _kinds(audit.verify()) == [(ProblemKind.BEYOND_HEAD, rows[2].seq)]


def test_verify_detects_a_head_that_does_not_match_the_last_row():
    rows = _append(2)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditchainhead SET last_hash = %s", ["a" * 64])
    assert _kinds(audit.verify()) == [(ProblemKind.HEAD_MISMATCH, rows[1].seq)]


def test_verify_lists_every_problem_not_just_the_first():
    rows = _append(6)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET detail = 'x' WHERE seq = %s", [rows[0].seq])
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [rows[2].seq])
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [rows[5].seq])
    assert _kinds(audit.verify(batch_size=2)) == [
        (ProblemKind.ALTERED, rows[0].seq),
        (ProblemKind.REMOVED, rows[2].seq),
        (ProblemKind.TAIL_REMOVED, rows[5].seq),
    ]


def test_a_cut_tail_with_the_head_rewound_to_match_is_only_caught_by_a_kept_anchor():
    """The documented limit: the chain has no secret, so a consistent cut of the tail (which
    needs the triggers lifted) looks intact. A head kept outside the database catches it."""
    rows = _append(4)
    anchor = audit.head()
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq >= %s", [rows[2].seq])
        cursor.execute(
            "UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s",
            [rows[1].seq, rows[1].hash],
        )
    assert audit.verify().intact  # undetectable by the chain alone
    anchored = audit.verify(anchor=anchor)
    assert _kinds(anchored) == [(ProblemKind.TAIL_REMOVED, rows[2].seq)]


def test_an_anchor_catches_a_tail_recomputed_after_a_change():
    rows = _append(3)
    anchor = audit.head()
    # Rewrite row 2 and every row after it, and the head, as someone with the code could.
    forged_prev = rows[0].hash
    with tampering() as cursor:
        for original in rows[1:]:
            event = AuditEvent.objects.get(pk=original.pk)
            event.detail = "forged"
            event.prev_hash = forged_prev
            new_hash = audit._event_hash(event)
            cursor.execute(
                "UPDATE core_auditevent SET detail = 'forged', prev_hash = %s, hash = %s"
                " WHERE seq = %s",
                [forged_prev, new_hash, event.seq],
            )
            forged_prev = new_hash
        cursor.execute("UPDATE core_auditchainhead SET last_hash = %s", [forged_prev])
    assert audit.verify().intact  # undetectable by the chain alone
    assert _kinds(audit.verify(anchor=anchor)) == [(ProblemKind.LINK_BROKEN, rows[2].seq)]


def test_verify_fails_when_a_guard_is_missing():
    _append(1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
            missing = "core_auditevent_append_only on core_auditevent"
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
            missing = "core_auditevent_no_delete on core_auditevent"
    result = audit.verify()
    assert not result.intact
    assert _kinds(result) == [(ProblemKind.GUARD_MISSING, 0)]
    assert [str(p) for p in result.problems] == [
        f"the append-only guard {missing} is missing: rows can be changed or removed"
    ]
    assert result.warnings == []


# guards_lifted: the one public way to lift the guards (flush, the tests' demo snapshot) -------


def test_guards_lifted_lifts_every_guard_for_the_block_and_puts_them_back():
    _append(1)
    expected = [f"{name} on {table}" for table, name in audit.GUARDS[connection.vendor]]
    with audit.guards_lifted():
        assert audit.missing_guards() == expected
    assert audit.missing_guards() == []
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")


def test_guards_lifted_restores_the_guards_when_the_block_fails():
    _append(1)
    with pytest.raises(RuntimeError), audit.guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        raise RuntimeError("the block failed")
    assert audit.missing_guards() == []
    assert AuditEvent.objects.count() == 1  # the delete was rolled back with the lift
