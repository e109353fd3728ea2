"""Grading scales of multi-agency case audits: Ofsted's four grades by default, or the
partnership's own (ordered grades with their wording, and the lowest grade that still counts as
good enough). A change is a new version of the scale's name: a tool written on a version keeps
it, so past audits keep the grades they were graded on. Audit rows carry codes and counts only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.assurance import policies, rules
from safeguard.assurance.models import GradingScale
from safeguard.assurance.services._common import SCALE, fail, record, refuse_unless
from safeguard.core.models.audit import AuditAction


def _as_json(scale: rules.Scale) -> list[dict[str, str]]:
    return [{"key": g.key, "label": g.label, "wording": g.wording} for g in scale.grades]


def ofsted_scale() -> GradingScale:
    """The default scale, Ofsted's four grades (seeded by migration 0003; put back here if a
    test's truncation or a fresh database lost it, so a tool always has a scale to start from)."""
    found = GradingScale.objects.filter(name=rules.OFSTED_SCALE_NAME).order_by("version").first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return GradingScale.objects.create(
                name=rules.OFSTED_SCALE_NAME,
                version=1,
                grades=_as_json(rules.OFSTED),
                good_enough=rules.OFSTED.good_enough,
                created_at=timezone.now(),
            )
    except IntegrityError:  # another request seeded it first
        return GradingScale.objects.get(name=rules.OFSTED_SCALE_NAME, version=1)


def latest_scales() -> list[GradingScale]:
    """The newest version of each scale, the ones a new tool may choose; Ofsted's first."""
    ofsted_scale()
    newest: dict[str, GradingScale] = {}
    for scale in GradingScale.objects.order_by("name", "-version"):
        newest.setdefault(scale.name, scale)
    return sorted(newest.values(), key=lambda s: (s.name != rules.OFSTED_SCALE_NAME, s.name))


def scale_save(
    *,
    actor: Any,
    name: str,
    grades: str,
    lowest_good_enough: str,
    now: datetime | None = None,
) -> GradingScale:
    """A new version of a scale by name (the first version when the name is new)."""
    refuse_unless(policies.manages(actor))
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = "Enter the scale's name"
    elif len(name) > 200:
        errors["name"] = "The scale's name must be 200 characters or fewer"
    parsed: rules.Scale | None = None
    try:
        parsed = rules.parse_scale(grades, lowest_good_enough)
    except ValueError as error:
        message = str(error)
        field = "lowest_good_enough" if "good enough" in message else "grades"
        errors[field] = message
    fail(errors)
    assert parsed is not None
    with transaction.atomic():
        latest = GradingScale.objects.filter(name=name).aggregate(n=Max("version"))["n"]
        scale = GradingScale.objects.create(
            name=name,
            version=(latest or 0) + 1,
            grades=_as_json(parsed),
            good_enough=parsed.good_enough,
            created_at=now or timezone.now(),
            created_by=actor,
        )
        record(
            action=AuditAction.CREATE,
            record_type=SCALE,
            record=scale,
            actor=actor,
            changes={
                "version": scale.version,
                "grades": list(parsed.keys),
                "good_enough": parsed.good_enough,
            },
        )
    return scale
