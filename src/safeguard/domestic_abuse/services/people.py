"""A person's confirmation or split of two adult records, audited, and the full relink."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import linkage, policies
from safeguard.domestic_abuse.models import Adult, Incident, LinkDecision, Referral

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
        [
            linkage.Decision(left=d[0], right=d[1], same=d[2])
            for d in LinkDecision.objects.order_by("decided_at", "pk").values_list(
                "left_id", "right_id", "same"
            )
        ],
    )
    changed = [Adult(pk=r[0], person_key=groups[r[0]]) for r in rows if groups[r[0]] != r[5]]
    Adult.objects.bulk_update(changed, ["person_key"], batch_size=1000)
    if changed:
        _follow()
    return len(changed)


def _follow() -> None:
    victim: dict[int, int] = {}
    perpetrator: dict[int, int] = {}
    for incident_id, role, key in Adult.objects.order_by("-pk").values_list(
        "incident_id", "role", "person_key"
    ):
        (victim if role == "victim" else perpetrator)[incident_id] = key
    incidents = list(Incident.objects.only("pk", "victim_key", "perpetrator_key"))
    for incident in incidents:
        incident.victim_key = victim.get(incident.pk)
        incident.perpetrator_key = perpetrator.get(incident.pk)
    Incident.objects.bulk_update(incidents, ["victim_key", "perpetrator_key"], batch_size=1000)
    referrals = list(Referral.objects.select_related("incident"))
    for referral in referrals:
        referral.victim_key = referral.incident.victim_key or referral.victim_key
        referral.perpetrator_key = referral.incident.perpetrator_key
    Referral.objects.bulk_update(referrals, ["victim_key", "perpetrator_key"], batch_size=1000)
