"""Background work of the children's records; each task is idempotent (ADR 0007)."""

from __future__ import annotations

from django_tasks import task

from safeguard.children import prepared


@task()
def roll_prepare() -> None:
    """Prepare the rolls for matching after an import changed them (ADR 0027), so that the
    first incident afterwards only loads them. Nothing to do when they are already prepared."""
    prepared.database_roll()
