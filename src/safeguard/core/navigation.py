"""The service navigation. Modules add their own entries when their app loads.

Each entry is shown only to those holding its capability, and the entry whose section holds the
page being read is marked current (``aria-current``): "page" on the entry's own address, "true"
anywhere else inside its section (a person's page is inside "Partnership").

Entries name a group (``NavGroup``: "Cases and reviews", "Administration" ...). A person with a
few entries sees them side by side as they are; one with more than ``MAX_SIDE_BY_SIDE`` (the
Business Unit sees about thirty) sees Home, What is due, one entry per group and their account:
a group of which they hold one entry shows that entry itself, a group of several links to the
group's page (``core:menu``), a list of its links. Plain links throughout: no script needed, and
a screen reader hears a short list instead of thirty items. A group is marked current while the
page read belongs to one of its entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from safeguard.core import policies
from safeguard.core.roles import Capability


@dataclass(frozen=True)
class NavGroup:
    """A heading of the navigation: its address is ``/menu/<slug>``."""

    slug: str
    label: str


CASES = NavGroup("cases", "Cases and reviews")
SCHOOLS = NavGroup("schools", "Schools and Encompass")
PERFORMANCE = NavGroup("performance", "Performance and reports")
PARTNERSHIP = NavGroup("partnership", "Partnership and meetings")
TRAINING = NavGroup("training", "Training and learning")
ADMINISTRATION = NavGroup("administration", "Administration")
# In the order the navigation shows them.
GROUPS: tuple[NavGroup, ...] = (CASES, SCHOOLS, PERFORMANCE, PARTNERSHIP, TRAINING, ADMINISTRATION)

# More entries than this, and they are grouped (a practitioner's handful stays side by side).
MAX_SIDE_BY_SIDE = 9


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str
    # The path prefix of the pages that belong to this entry, when wider than its own address.
    section: str = ""
    # Where the capability alone does not decide (membership of a meeting, say): the module's
    # own policy, so that the menu never offers a page that would answer 403.
    may_open: Callable[[Any], bool] | None = None
    # Where the entry sits when a person's entries are grouped; None: always in the bar.
    group: NavGroup | None = None


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: str  # "page", "true" or "": the value of aria-current


_items: list[NavItem] = [
    NavItem("Home", "core:home", Capability.USE_SERVICE),
    NavItem("What is due", "core:deadlines", Capability.VIEW_DEADLINES),
    NavItem(
        "Partnership",
        "core:organisations",
        Capability.VIEW_PARTNERSHIP,
        "/partnership/",
        group=PARTNERSHIP,
    ),
    NavItem("Notifications", "core:outbox", Capability.VIEW_OUTBOX, group=ADMINISTRATION),
    NavItem("Audit trail", "core:audit", Capability.VIEW_AUDIT, group=ADMINISTRATION),
    NavItem("Bank holidays", "core:holidays", Capability.MANAGE_HOLIDAYS, group=ADMINISTRATION),
    NavItem("API keys", "core:apikeys", Capability.MANAGE_API_KEYS, group=ADMINISTRATION),
]

# Always last, after every module's entries: the person's own sign-in settings.
ACCOUNT = NavItem("Your account", "core:account", Capability.USE_SERVICE, "/account")


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def items() -> list[NavItem]:
    return list(_items)


def _address(item: NavItem) -> str:
    """The entry's address, or "" where its pages are not mounted (an entry to nowhere hides)."""
    try:
        return reverse(item.url_name)
    except NoReverseMatch:
        return ""


def _reach(item: NavItem, url: str, path: str) -> int:
    """How much of ``path`` this entry claims (0: none), so the closest entry wins."""
    if path == url:
        return len(url) + 1
    prefixes = [url.rstrip("/") + "/"] if url != "/" else []
    if item.section:
        prefixes.append(item.section)
    return max((len(p) for p in prefixes if path.startswith(p) or path == p.rstrip("/")), default=0)


def _permitted(person: Any) -> list[tuple[NavItem, str]]:
    """Each entry this person may open, with its address, in the order registered."""
    caps = policies.capabilities(person)
    found = []
    for item in [*_items, ACCOUNT]:
        if item.capability not in caps or (item.may_open and not item.may_open(person)):
            continue
        if url := _address(item):
            found.append((item, url))
    return found


def group_address(group: NavGroup) -> str:
    return reverse("core:menu", args=[group.slug])


def group_by_slug(slug: str) -> NavGroup | None:
    return next((group for group in GROUPS if group.slug == slug), None)


def group_links(person: Any, group: NavGroup) -> list[NavLink]:
    """The entries of ``group`` this person may open (the group's page lists them)."""
    return [NavLink(item.label, url, "") for item, url in _permitted(person) if item.group == group]


def links_for(person: Any, path: str) -> list[NavLink]:
    """The entries this person may open, grouped when there are many, with the current one
    marked for ``path``."""
    permitted = _permitted(person)
    reach = {item: _reach(item, url, path) for item, url in permitted}
    best = max(reach.values(), default=0)

    def current(url: str, claimed: bool) -> str:
        return ("page" if path == url else "true") if claimed else ""

    if len(permitted) <= MAX_SIDE_BY_SIDE:
        return [
            NavLink(item.label, url, current(url, bool(best) and reach[item] == best))
            for item, url in permitted
        ]
    shown: list[NavLink] = []
    last = [(item, url) for item, url in permitted if item is ACCOUNT]
    pinned = [(item, url) for item, url in permitted if item.group is None and item is not ACCOUNT]
    for item, url in pinned:
        shown.append(NavLink(item.label, url, current(url, bool(best) and reach[item] == best)))
    for group in GROUPS:
        members = [(item, url) for item, url in permitted if item.group == group]
        if len(members) == 1:
            item, url = members[0]
            shown.append(NavLink(item.label, url, current(url, bool(best) and reach[item] == best)))
        elif members:
            url = group_address(group)
            claimed = path == url or (bool(best) and any(reach[i] == best for i, _ in members))
            shown.append(NavLink(group.label, url, current(url, claimed)))
    for item, url in last:
        shown.append(NavLink(item.label, url, current(url, bool(best) and reach[item] == best)))
    return shown


# --- Links on an organisation's page, added by modules -------------------------------------------


@dataclass(frozen=True)
class OrganisationLink:
    """A module's page about one organisation (its training approval setting, say), linked from
    the partnership's organisation page. The kernel imports no module, so modules register here;
    ``may_open`` is the module's own policy, so a link is shown only to whom it opens for."""

    label: str
    url_for: Callable[[Any], str]  # the organisation -> the page's address
    may_open: Callable[[Any, Any], bool]  # (person, organisation) -> may they open it
    hint_for: Callable[[Any], str] | None = None  # the organisation -> a short state in words


_organisation_links: list[OrganisationLink] = []


def register_organisation_link(link: OrganisationLink) -> None:
    if link not in _organisation_links:
        _organisation_links.append(link)


def organisation_links(person: Any, organisation: Any) -> list[tuple[str, str, str]]:
    """(label, address, hint) of each registered page this person may open for the organisation."""
    found = []
    for link in _organisation_links:
        if not link.may_open(person, organisation):
            continue
        try:
            url = link.url_for(organisation)
        except NoReverseMatch:
            continue  # a module whose pages are not mounted shows no link
        found.append((link.label, url, link.hint_for(organisation) if link.hint_for else ""))
    return found


# --- Links on the sign-in page, added by modules (self-registration, say) ------------------------

_sign_in_links: list[tuple[str, str]] = []


def register_sign_in_link(label: str, url_name: str) -> None:
    """A public page of a module offered to people who cannot sign in (e.g. training's "ask for
    an account"). The page must be public: everyone on the sign-in page is signed out."""
    if (label, url_name) not in _sign_in_links:
        _sign_in_links.append((label, url_name))


def sign_in_links() -> list[tuple[str, str]]:
    """(label, address) of each registered page that is mounted."""
    found = []
    for label, url_name in _sign_in_links:
        try:
            found.append((label, reverse(url_name)))
        except NoReverseMatch:
            continue
    return found
