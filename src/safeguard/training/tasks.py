"""Background work of the training module, run by ``safeguard worker``; idempotent."""

from __future__ import annotations

from safeguard.training import services


def send_reminders() -> int:
    """The reminders of the sessions in the next 48 hours (each booking's once: dedupe key)."""
    return services.reminders_send()
