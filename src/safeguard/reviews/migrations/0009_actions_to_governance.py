"""Move the reviews module's actions into the shared action plan (safeguard.governance).

Each action becomes a governance ``Action`` of the source kind ``reviews.recommendation`` with
the same id where it is free (so the reviews pages' and the API's action ids still answer),
its status, evidence and withdrawal kept, its creation and last change dated from the audit
trail, and ``carried_from`` naming its earlier audit rows so the action's history shows them.
Its clock moves with it (same deadline row, now the plan's), and API receipts follow it.
"""

from django.core.management.color import no_style
from django.db import migrations

SOURCE = "reviews.recommendation"
LABEL = "Rapid Review / CSPR recommendation"
TITLE_LENGTH = 300


def _title_and_detail(text):
    text = text.strip()
    if len(text) <= TITLE_LENGTH:
        return text, ""
    return text[: TITLE_LENGTH - 1].rstrip() + "\u2026", text


def forward(apps, schema_editor):
    Old = apps.get_model("reviews", "Action")
    New = apps.get_model("governance", "Action")
    Deadline = apps.get_model("core", "Deadline")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Person = apps.get_model("core", "Person")
    Receipt = apps.get_model("reviews", "ApiReceipt")
    moved = False
    for old in Old.objects.select_related("recommendation").order_by("pk"):
        events = AuditEvent.objects.filter(
            record_type="reviews.action", record_id=str(old.pk)
        ).exclude(action__in=("view", "denied"))
        first = events.order_by("seq").first()
        last = events.order_by("-seq").first()
        created_by = (
            first.actor_id
            if first is not None and Person.objects.filter(pk=first.actor_id).exists()
            else None
        )
        title, detail = _title_and_detail(old.description)
        words = " ".join(old.recommendation.text.split())
        if len(words) > TITLE_LENGTH:
            words = words[: TITLE_LENGTH - 1] + "\u2026"
        free = not New.objects.filter(pk=old.pk).exists()
        new = New(
            title=title or "Action",
            description=detail,
            source_kind=SOURCE,
            source_id=str(old.recommendation_id),
            source_title=words,
            owner_organisation_id=old.owner_organisation_id,
            due_on=old.due_on,
            status=old.status,
            completion_evidence=old.evidence_of_completion,
            evidence_of_impact=old.evidence_of_impact,
            completed_on=old.completed_on
            or (old.due_on if old.status == "completed" else None),
            withdrawal_reason=old.withdrawn_reason,
            withdrawn_on=old.withdrawn_on,
            created_by_id=created_by,
            changed_by_id=created_by,
            carried_from=f"reviews.action:{old.pk}",
        )
        if free:
            new.pk = old.pk
            moved = True
        if first is not None:
            new.created_at = first.occurred_at
        if last is not None:
            new.changed_at = last.occurred_at
        new.save(force_insert=True)
        Deadline.objects.filter(
            module="reviews", kind="action", subject_type="reviews.action", subject_id=str(old.pk)
        ).update(
            module="governance",
            subject_type="governance.action",
            subject_id=str(new.pk),
            link=f"/governance/actions/{new.pk}",
            title=f"Action {new.pk}: {LABEL}",
        )
        Receipt.objects.filter(record_type="reviews.action", record_id=old.pk).update(
            record_type="governance.action", record_id=new.pk
        )
    if moved:
        # Ids given explicitly: PostgreSQL's sequence must move past them.
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [New]):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_learning_full_text_search"),
        ("governance", "0002_progress_sender_reference"),
        ("core", "0004_background_jobs"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
