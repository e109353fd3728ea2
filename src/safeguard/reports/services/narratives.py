"""The narrative workflow: draft -> review by the section's owner -> sign-off by each statutory
partner (then the report may be published, ``reports.report_publish``).

Each step is one transaction with its audit row (the text itself is not copied into the audit
trail, only its length: the document's history is its versions of status and who moved them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.reports import policies, rules
from safeguard.reports.models import Narrative, NarrativeStatus, SignOff
from safeguard.reports.services._common import NARRATIVE, SIGN_OFF, fail, refuse_unless


def statutory_partners() -> list[Organisation]:
    """The organisations whose sign-off every section needs (the LA, police and health)."""
    return list(Organisation.objects.filter(statutory_partner=True, active=True).order_by("pk"))


def _locked(narrative: Narrative) -> Narrative:
    return Narrative.objects.select_for_update().select_related("report").get(pk=narrative.pk)


def _moved(actor: Any, narrative: Narrative, before: str, **extra: Any) -> None:
    audit.record(
        action=AuditAction.UPDATE,
        record_type=NARRATIVE,
        record_id=narrative.pk,
        actor=actor,
        changes={"status": [before, narrative.status], **extra},
    )


def narrative_write(
    *,
    actor: Any,
    narrative: Narrative,
    body: str,
    owner: Person | None = None,
    now: datetime | None = None,
) -> Narrative:
    """The Business Unit writes (or rewrites) a draft section, and may name its owner."""
    with transaction.atomic():
        narrative = _locked(narrative)
        refuse_unless(policies.may_write(actor, narrative))
        errors = {}
        if owner is not None and not policies.may_own(owner):
            errors["owner"] = "Choose someone who can open the draft report"
        fail(errors)
        before = {"body_length": len(narrative.body), "owner_id": narrative.owner_id}
        narrative.body = body.strip()
        if owner is not None:
            narrative.owner = owner
        narrative.changed_at = now or timezone.now()
        narrative.changed_by = actor
        narrative.save(update_fields=["body", "owner", "changed_at", "changed_by"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=NARRATIVE,
            record_id=narrative.pk,
            actor=actor,
            changes=audit.diff(
                before, {"body_length": len(narrative.body), "owner_id": narrative.owner_id}
            ),
        )
    return narrative


def narrative_submit(*, actor: Any, narrative: Narrative, now: datetime | None = None) -> Narrative:
    """Send a written draft to its owner for review."""
    with transaction.atomic():
        narrative = _locked(narrative)
        refuse_unless(policies.may_write(actor, narrative))
        if not rules.may_submit(narrative.status, narrative.body):
            fail({"body": "Write the section before sending it for review"})
        narrative.status = NarrativeStatus.IN_REVIEW
        narrative.review_comment = ""
        narrative.changed_at = now or timezone.now()
        narrative.changed_by = actor
        narrative.save(update_fields=["status", "review_comment", "changed_at", "changed_by"])
        _moved(actor, narrative, rules.DRAFT)
    return narrative


def narrative_review(
    *,
    actor: Any,
    narrative: Narrative,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> Narrative:
    """The owner approves the section (it goes for sign-off) or sends it back with a reason."""
    with transaction.atomic():
        narrative = _locked(narrative)
        refuse_unless(policies.may_review(actor, narrative))
        if not approve and not comment.strip():
            fail({"comment": "Say what needs to change before it can be approved"})
        moment = now or timezone.now()
        narrative.status = NarrativeStatus.REVIEWED if approve else NarrativeStatus.DRAFT
        narrative.review_comment = "" if approve else comment.strip()
        narrative.reviewed_at = moment if approve else None
        narrative.changed_at = moment
        narrative.changed_by = actor
        narrative.save(
            update_fields=["status", "review_comment", "reviewed_at", "changed_at", "changed_by"]
        )
        _moved(actor, narrative, rules.IN_REVIEW)
    return narrative


def narrative_sign_off(*, actor: Any, narrative: Narrative, now: datetime | None = None) -> SignOff:
    """One statutory partner signs the reviewed section off; the last one's sign-off marks
    the section signed off."""
    with transaction.atomic():
        narrative = _locked(narrative)
        signed = set(narrative.sign_offs.values_list("organisation_id", flat=True))
        refuse_unless(policies.may_sign(actor, narrative, signed))
        organisation = policies.signs_for(actor)
        sign_off = SignOff.objects.create(
            narrative=narrative,
            organisation=organisation,
            signed_by=actor,
            signed_at=now or timezone.now(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=SIGN_OFF,
            record_id=sign_off.pk,
            actor=actor,
            changes={"narrative_id": narrative.pk, "organisation_id": organisation.pk},
        )
        signed.add(organisation.pk)
        required = {partner.pk for partner in statutory_partners()}
        if rules.signed_by_all(signed, required):
            narrative.status = NarrativeStatus.SIGNED_OFF
            narrative.save(update_fields=["status"])
            _moved(actor, narrative, rules.REVIEWED)
    return sign_off
