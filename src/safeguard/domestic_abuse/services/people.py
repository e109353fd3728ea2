"""A person's confirmation or split of two adult records, audited, and the full relink."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import linkage, policies
from safeguard.domestic_abuse.models import Adult, Incident, LinkDecision, ModelLink, Referral

LINK = "domestic_abuse.link"


def link_decide(*, actor: Any, left: Adult, right: Adult, same: bool, reason: str) -> LinkDecision:
    """Confirm two records as one person, or split them; the groups are recomputed."""
    if not policies.may_link(actor):
        raise PermissionDenied
    if left.pk == right.pk:
        raise ValidationError({"right": "Choose another record"})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason"})
    with transaction.atomic():
        decision = LinkDecision.objects.create(
            left=left,
            right=right,
            same=same,
            reason=reason.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=LINK,
            record_id=decision.pk,
            actor=actor,
            changes={"left": left.pk, "right": right.pk, "same": same},
        )
        adults_relink()
    return decision


def adults_relink() -> int:
    """Regroup every adult record (the rules plus every person's decision); returns how many
    records changed person. Incidents and referrals follow their records."""
    rows = list(
        Adult.objects.values_list("pk", "forename", "surname", "dob", "postcode", "person_key")
    )
    groups = linkage.link(
        [
            linkage.Adult(id=r[0], forename=r[1], surname=r[2], dob=r[3], postcode=r[4])
            for r in rows
        ],
        _decisions(),
        ModelLink.objects.values_list("left_id", "right_id"),
    )
    changed = [(r[0], groups[r[0]]) for r in rows if groups[r[0]] != r[5]]
    if changed:
        with transaction.atomic():
            _write_keys(changed)
            _follow()
    return len(changed)


def _decisions() -> list[linkage.Decision]:
    return [
        linkage.Decision(left=d[0], right=d[1], same=d[2])
        for d in LinkDecision.objects.order_by("decided_at", "pk").values_list(
            "left_id", "right_id", "same"
        )
    ]


def _write_keys(changed: list[tuple[int, int]]) -> None:
    """Set many records' person at once: a temporary table joined in one UPDATE (a row-by-row
    ``bulk_update`` took most of the time of a city's relink). Parameterised throughout."""
    table = connection.ops.quote_name(Adult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE da_relink (id integer PRIMARY KEY, person_key integer)"
        )
        try:
            cursor.executemany("INSERT INTO da_relink (id, person_key) VALUES (%s, %s)", changed)
            cursor.execute(
                f"UPDATE {table} SET person_key = (SELECT r.person_key FROM da_relink r "  # noqa: S608 (a table name from the model)
                f"WHERE r.id = {table}.id) WHERE id IN (SELECT id FROM da_relink)"
            )
        finally:
            cursor.execute("DROP TABLE da_relink")


def _follow() -> None:
    """Each incident's victim and perpetrator are its first such record's person; each
    referral's, its incident's."""

    def first(role: str) -> Subquery:
        return Subquery(
            Adult.objects.filter(incident=OuterRef("pk"), role=role)
            .order_by("pk")
            .values("person_key")[:1]
        )

    Incident.objects.update(victim_key=first("victim"), perpetrator_key=first("perpetrator"))
    of_incident = Incident.objects.filter(pk=OuterRef("incident_id"))
    Referral.objects.filter(incident__victim_key__isnull=False).update(
        victim_key=Subquery(of_incident.values("victim_key")[:1]),
        perpetrator_key=Subquery(of_incident.values("perpetrator_key")[:1]),
    )


def adults_model_link() -> tuple[int, int]:
    """Score every adult record with the Splink model, keep its pairs (replacing the last run's)
    and regroup. Returns (pairs kept, records that changed person). The worker runs it every
    hour (``domestic_abuse_model_linkage``); idempotent: the same records give the same pairs."""
    rows = list(Adult.objects.values_list("pk", "forename", "surname", "dob", "postcode", "gender"))
    adults = [
        linkage.Adult(id=r[0], forename=r[1], surname=r[2], dob=r[3], postcode=r[4], gender=r[5])
        for r in rows
    ]
    # Keep only what the rules and people's decisions do not already say: the best pair between
    # two groups the rules leave apart (a city's repeat victims would otherwise give hundreds of
    # thousands of pairs inside groups already joined).
    groups = linkage.link(adults, _decisions())
    best: dict[tuple[int, int], tuple[int, int, float]] = {}
    for left, right, p in linkage.model_pairs(adults):
        ends = (min(groups[left], groups[right]), max(groups[left], groups[right]))
        if ends[0] != ends[1] and (ends not in best or p > best[ends][2]):
            best[ends] = (left, right, p)
    pairs = sorted(best.values())
    now = timezone.now()
    with transaction.atomic():
        ModelLink.objects.all().delete()
        ModelLink.objects.bulk_create(
            (
                ModelLink(left_id=left, right_id=right, probability=p, found_at=now)
                for left, right, p in pairs
            ),
            batch_size=5000,
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=LINK,
            record_id="model",
            changes={"records": len(rows), "pairs": len(pairs)},
            detail="adults linked by the model",
        )
        changed = adults_relink()
    return len(pairs), changed
