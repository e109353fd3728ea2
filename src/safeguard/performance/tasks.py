"""Background work of the scorecard; each job is idempotent (several workers may run it)."""

from __future__ import annotations

from django.utils import timezone


def returns_due_and_chase() -> None:
    """Open the clock for each return that fell due, and chase the late ones."""
    from safeguard.performance.services import returns

    now = timezone.now()
    returns.returns_open_due(now=now)
    returns.returns_chase_late(now=now)
