"""Make the audit trail append-only in the database itself, not only in the code.

The hash chain *detects* tampering; these triggers *refuse* it, so neither a bug nor a careless
``UPDATE`` at a database prompt can change history. On both databases:

* ``core_auditevent`` refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL);
* ``core_auditchainhead`` refuses DELETE (and TRUNCATE), and may only move forward, to a row that
  exists with that very hash, so the tail cannot be cut off by rewinding the head.

An owner of the tables can still lift the triggers (that is what ``safeguard flush`` does outside
production); the chain is what notices. On SQLite, a later migration that rebuilds
``core_auditevent`` (Django remakes the table for most changes) drops its triggers, and must
re-create them: ``safeguard audit verify`` warns when a guard is missing.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION safeguard_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION safeguard_audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id <> OLD.id OR NEW.last_seq <= OLD.last_seq OR NOT EXISTS (
            SELECT 1 FROM core_auditevent WHERE seq = NEW.last_seq AND hash = NEW.last_hash
        ) THEN
            RAISE EXCEPTION
                'the audit chain head may only move forward to the newest audit row'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION safeguard_audit_append_only()
    """,
    """
    CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard_audit_append_only()
    """,
    """
    CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION safeguard_audit_append_only()
    """,
    """
    CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION safeguard_audit_append_only()
    """,
    """
    CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION safeguard_audit_head_forward_only()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS safeguard_audit_head_forward_only()",
    "DROP FUNCTION IF EXISTS safeguard_audit_append_only()",
]

SQLITE_FORWARD = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on core_auditevent refused');
    END
    """,
    """
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on core_auditevent refused');
    END
    """,
    """
    CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on core_auditchainhead');
    END
    """,
    """
    CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead
    WHEN NEW.id <> OLD.id OR NEW.last_seq <= OLD.last_seq OR NOT EXISTS (
        SELECT 1 FROM core_auditevent WHERE seq = NEW.last_seq AND hash = NEW.last_hash
    )
    BEGIN
        SELECT RAISE(ABORT, 'the audit chain head may only move forward to the newest audit row');
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The head row exists from the start, so two first appends cannot race to create it.
    head = apps.get_model("core", "AuditChainHead")
    head.objects.using(schema_editor.connection.alias).get_or_create(pk=1)
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
