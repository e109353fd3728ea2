"""The service navigation. Modules add their own entries when their app loads."""

from __future__ import annotations

from dataclasses import dataclass

from safeguard.core.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str


_items: list[NavItem] = [
    NavItem("Home", "core:home", Capability.USE_SERVICE),
    NavItem("What is due", "core:deadlines", Capability.VIEW_DEADLINES),
    NavItem("Partnership", "core:organisations", Capability.VIEW_PARTNERSHIP),
    NavItem("Notifications", "core:outbox", Capability.VIEW_OUTBOX),
    NavItem("Audit trail", "core:audit", Capability.VIEW_AUDIT),
    NavItem("Bank holidays", "core:holidays", Capability.MANAGE_HOLIDAYS),
    NavItem("API keys", "core:apikeys", Capability.MANAGE_API_KEYS),
]


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def items() -> list[NavItem]:
    return list(_items)
