"""Background work of domestic abuse triage, run by the worker. Idempotent."""

from __future__ import annotations

from safeguard.domestic_abuse.services.incidents import encompass_pull, encompass_resends
from safeguard.domestic_abuse.services.people import adults_model_link


def run_encompass_pull() -> None:
    """Every minute: take the Operation Encompass incidents that arrived since the last pass,
    so the police's one send reaches the next working day's board too; then follow the
    police's resends of incidents already taken (a changed victim or perpetrator)."""
    while encompass_pull(limit=500) == 500:
        pass
    encompass_resends(limit=500)


def run_model_linkage() -> None:
    """Every hour: the Splink model over every adult record, so that a victim recorded with a
    missing date of birth, swapped or misspelt names is one person for the next board."""
    adults_model_link()
