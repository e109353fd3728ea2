"""Who may do what in the kernel. The only place that decides access to kernel records."""

from __future__ import annotations

from typing import Any

from safeguard.core.roles import Capability, capabilities_of


def capabilities(person: Any) -> frozenset[str]:
    if person is None or not getattr(person, "is_authenticated", False):
        return frozenset()
    if not person.is_active:
        return frozenset()
    return capabilities_of(person.role_codes)


def can(person: Any, capability: str) -> bool:
    return capability in capabilities(person)


def can_see_all_deadlines(person: Any) -> bool:
    return can(person, Capability.VIEW_ALL_DEADLINES)


def can_view_job(person: Any, job: Any) -> bool:
    """A background job's page: the person who started it, and those holding the capability the
    module named for it (e.g. the rest of the LA data team for a census import)."""
    if not can(person, Capability.USE_SERVICE):
        return False
    if job.started_by_id is not None and job.started_by_id == person.pk:
        return True
    return bool(job.view_capability) and can(person, job.view_capability)
