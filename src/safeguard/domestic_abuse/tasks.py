"""Background work of domestic abuse triage, run by the worker. Idempotent."""

from __future__ import annotations

from safeguard.domestic_abuse.services.incidents import encompass_pull, encompass_resends


def run_encompass_pull() -> None:
    """Every minute: take the Operation Encompass incidents that arrived since the last pass,
    so the police's one send reaches the next working day's board too; then follow the
    police's resends of incidents already taken (a changed victim or perpetrator)."""
    while encompass_pull(limit=500) == 500:
        pass
    encompass_resends(limit=500)
