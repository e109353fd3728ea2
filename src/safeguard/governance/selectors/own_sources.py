"""Governance's own sources of actions: inspection reports, task-and-finish groups and
multi-agency audits (until the assurance module registers its audits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from safeguard.governance import policies
from safeguard.governance.models import Action, Inspection, NamedSource

INSPECTION = "governance.inspection"
TASK_AND_FINISH = "governance.task_and_finish"
AUDIT = "governance.multi_agency_audit"
GROUP_KINDS = {TASK_AND_FINISH: "task_and_finish", AUDIT: "multi_agency_audit"}


def inspection_link(source_id: str) -> str | None:
    return f"/governance/inspections/{source_id}" if source_id.isdigit() else None


def group_link(source_id: str) -> str | None:
    return f"/governance/groups/{source_id}" if source_id.isdigit() else None


def may_view(actor: Any, source_id: str) -> bool:
    """Inspection reports, groups and audits are open to those who see the whole plan."""
    return policies.sees_all(actor)


def visible(actor: Any) -> list[str]:
    """No source ids beyond what the actor already sees: only those who see the whole plan see
    these sources' actions as their source's people."""
    return []


def visible_of(kind: str) -> Callable[[Any], list[str]]:
    """``visible`` answering as ``may_view`` does, for a page that reads it once instead of
    asking per row: every source id of the kind for those who see the whole plan (already
    seeing all, the plan itself has no use for it), none for anyone else."""

    def visible_ids(actor: Any) -> list[str]:
        if not policies.sees_all(actor):
            return []
        return list(
            Action.objects.filter(source_kind=kind)
            .values_list("source_id", flat=True)
            .distinct()
            .order_by()
        )

    return visible_ids


def inspections() -> QuerySet[Inspection]:
    return Inspection.objects.all()


def named_sources() -> QuerySet[NamedSource]:
    return NamedSource.objects.all()


def source_kind_of_group(group: NamedSource) -> str:
    return TASK_AND_FINISH if group.kind == "task_and_finish" else AUDIT
