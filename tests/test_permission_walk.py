"""The permission walk: every page and every API route, requested as every role.

The expected answer for each route is written here, independently of the views: the capability a
page needs (so the roles that may see it follow from ``core/roles.py``), or ``PUBLIC``. A route
missing from the table fails the walk, so a new page cannot arrive without its expectation.
Any response other than the expected one fails: 200 for a role that may, 403 for a role that may
not, a redirect to sign in for an anonymous visitor, and 401/403 for the API without the key or
scope.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.roles import Capability, Role, roles_with
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = "public"


@dataclass
class Route:
    capability: str  # a Capability, or PUBLIC
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    # What a permitted GET answers, when not 200 (a POST-only route answers 405).
    ok_status: int = 200
    # Public pages may answer a signed-in visitor differently (e.g. sign-in redirects home).
    anonymous_status: int | None = None
    signed_in_status: dict[str, int] = field(default_factory=dict)


def _pk(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda objects: {"pk": objects[name].pk}


def _membership(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["group"].pk, "membership_pk": objects["membership"].pk}


_VIEW, _MANAGE = Capability.VIEW_PARTNERSHIP, Capability.MANAGE_PARTNERSHIP
PARTNERSHIP_PAGES: dict[str, Route] = {
    "core:organisations": Route(_VIEW),
    "core:organisation_detail": Route(_VIEW, kwargs=_pk("organisation")),
    "core:organisation_create": Route(_MANAGE),
    "core:organisation_edit": Route(_MANAGE, kwargs=_pk("organisation")),
    "core:organisation_deactivate": Route(_MANAGE, kwargs=_pk("organisation"), ok_status=405),
    "core:organisation_reactivate": Route(_MANAGE, kwargs=_pk("organisation"), ok_status=405),
    "core:groups": Route(_VIEW),
    "core:group_create": Route(_MANAGE),
    "core:group_detail": Route(_VIEW, kwargs=_pk("group")),
    "core:group_edit": Route(_MANAGE, kwargs=_pk("group")),
    "core:membership_add": Route(_MANAGE, kwargs=_pk("group"), ok_status=405),
    "core:membership_change_role": Route(_MANAGE, kwargs=_membership, ok_status=405),
    "core:membership_remove": Route(_MANAGE, kwargs=_membership, ok_status=405),
    "core:people": Route(_VIEW),
    "core:person_create": Route(_MANAGE),
    "core:person_detail": Route(_VIEW, kwargs=_pk("member")),
    "core:person_edit": Route(_MANAGE, kwargs=_pk("member")),
    "core:person_roles": Route(_MANAGE, kwargs=_pk("member")),
    "core:person_password": Route(_MANAGE, kwargs=_pk("member")),
    "core:person_reset_second_factor": Route(_MANAGE, kwargs=_pk("member")),
    "core:person_deactivate": Route(_MANAGE, kwargs=_pk("member"), ok_status=405),
    "core:person_reactivate": Route(_MANAGE, kwargs=_pk("member"), ok_status=405),
    "core:person_invite": Route(_MANAGE, kwargs=_pk("member"), ok_status=405),
}

PAGES: dict[str, Route] = {
    **PARTNERSHIP_PAGES,
    "core:home": Route(Capability.USE_SERVICE),
    "core:healthz": Route(PUBLIC),
    "core:sign_in": Route(PUBLIC, signed_in_status={"*": 302}),
    "core:sign_out": Route(PUBLIC, ok_status=405),
    "core:second_factor": Route(PUBLIC, anonymous_status=302, signed_in_status={"*": 302}),
    "core:sign_in_recovery_code": Route(PUBLIC, anonymous_status=302, signed_in_status={"*": 302}),
    "core:enrol": Route(PUBLIC, anonymous_status=302, signed_in_status={"*": 302}),
    "core:recovery_codes": Route(PUBLIC, anonymous_status=302, signed_in_status={"*": 302}),
    "core:account": Route(Capability.USE_SERVICE),
    "core:set_password": Route(PUBLIC, kwargs=lambda o: {"uidb64": "MA", "token": "0-0"}),
    "core:forgot_password": Route(PUBLIC),
    "core:audit": Route(Capability.VIEW_AUDIT),
    "core:audit_record": Route(
        Capability.VIEW_AUDIT, kwargs=lambda o: {"record_type": "core.person", "record_id": "1"}
    ),
    "core:audit_person": Route(Capability.VIEW_AUDIT, kwargs=lambda o: {"person_id": 1}),
    "core:confirm_second_factor": Route(Capability.USE_SERVICE),
    "core:new_recovery_codes": Route(Capability.USE_SERVICE),
    "core:deadlines": Route(Capability.VIEW_DEADLINES),
    "core:holidays": Route(Capability.MANAGE_HOLIDAYS),
    "core:holiday_add": Route(Capability.MANAGE_HOLIDAYS),
    "core:apikeys": Route(Capability.MANAGE_API_KEYS),
    "core:outbox": Route(Capability.VIEW_OUTBOX),
    "core:outbox_message": Route(Capability.VIEW_OUTBOX, kwargs=_pk("outbox_message")),
    "core:outbox_retry": Route(
        Capability.MANAGE_PARTNERSHIP, kwargs=_pk("outbox_message"), ok_status=405
    ),
    "core:apikey_create": Route(Capability.MANAGE_API_KEYS),
    "core:apikey_revoke": Route(Capability.MANAGE_API_KEYS, kwargs=_pk("apikey")),
}


# Modules add their own expectations in ``tests/<module>/walk.py``: PAGES and API dicts like the
# ones above, API_PATH_PARAMETERS, and ``make_objects(*, admin, organisation) -> dict`` for the
# records their routes point at.
MODULE_WALKS = []
for _module in ("children", "reviews", "encompass", "performance"):
    try:
        _walk_module = importlib.import_module(f"tests.{_module}.walk")
    except ModuleNotFoundError:
        continue
    MODULE_WALKS.append(_walk_module)
    PAGES.update(getattr(_walk_module, "PAGES", {}))
    if hasattr(_walk_module, "pages"):
        PAGES.update(_walk_module.pages(Route, _pk))


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            prefix = f"{namespace}{ns}:" if ns else namespace
            if ns == "api" or str(entry.pattern).startswith("api/"):
                continue  # the API is walked through its OpenAPI document below
            yield from _walk(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def page_routes() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


@pytest.fixture
def objects(db: None) -> dict[str, Any]:
    """One record of each kind a route can point at."""
    from django.db import transaction

    from safeguard.core.models import Group, Membership
    from safeguard.core.outbox import message_enqueue
    from safeguard.core.services.apikeys import apikey_create

    org = factories.organisation(name="Walk organisation")
    admin = factories.person("business_unit_admin", organisation_obj=org)
    key, _ = apikey_create(
        actor=admin, organisation=org, name="Walk key", scopes=["partnership:read"]
    )
    with transaction.atomic():
        outbox_message = message_enqueue(
            to_address="walk@example.invalid",
            subject="Walk",
            reason="walk",
            body="Something needs your attention.",
            dedupe_key="walk:1",
        )
    member = factories.person("practitioner", organisation_obj=org)
    group = Group.objects.create(name="Walk group", kind="other")
    membership = Membership.objects.create(group=group, person=member, role="member")
    found = {
        "organisation": org,
        "admin": admin,
        "apikey": key,
        "outbox_message": outbox_message,
        "group": group,
        "member": member,
        "membership": membership,
    }
    for module in MODULE_WALKS:
        if hasattr(module, "make_objects"):
            found.update(module.make_objects(admin=admin, organisation=org))
    return found


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    walkers = {role.value: factories.person(role.value) for role in Role}
    walkers["no role"] = factories.person()
    return walkers


def _client_for(person: Any) -> Client:
    client = factories.signed_in(Client(), person)
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()  # sensitive pages: second factor just given
    session.save()
    return client


def test_every_page_has_an_expectation() -> None:
    routes = page_routes()
    missing = sorted(set(routes) - set(PAGES))
    stale = sorted(set(PAGES) - set(routes))
    assert not missing, f"pages with no expected permissions in the walk: {missing}"
    assert not stale, f"expectations for pages that no longer exist: {stale}"


def test_every_page_declares_the_capability_the_walk_expects() -> None:
    for name, pattern in page_routes().items():
        declared = getattr(pattern.callback, "required_capability", "missing")
        if hasattr(pattern.callback, "view_class"):
            declared = getattr(pattern.callback.view_class, "required_capability", declared)
        expected = None if PAGES[name].capability == PUBLIC else PAGES[name].capability
        assert declared == expected, f"{name} declares {declared!r}, the walk expects {expected!r}"


def test_walk_every_page_as_every_role(objects: dict[str, Any], people: dict[str, Any]) -> None:
    failures = []
    clients = {label: _client_for(person) for label, person in people.items()}
    for name, route in sorted(PAGES.items()):
        url = reverse(name, kwargs=route.kwargs(objects))
        anonymous = Client().get(url)
        if route.capability == PUBLIC:
            expected_anon = route.anonymous_status or route.ok_status
            if anonymous.status_code != expected_anon:
                failures.append(f"anonymous GET {name}: {anonymous.status_code} != {expected_anon}")
        elif anonymous.status_code != 302 or "/sign-in" not in anonymous["Location"]:
            failures.append(f"anonymous GET {name}: {anonymous.status_code}, not sent to sign in")
        allowed = roles_with(route.capability) if route.capability != PUBLIC else None
        for label, client in clients.items():
            response = client.get(url)
            if route.capability == PUBLIC:
                expected = route.signed_in_status.get(
                    label, route.signed_in_status.get("*", route.ok_status)
                )
            elif allowed and label in allowed:
                # A role may hold the capability yet not be entitled to this record: 404.
                expected = route.signed_in_status.get(label, route.ok_status)
            else:
                expected = 403
            if response.status_code != expected:
                failures.append(f"{label} GET {name}: {response.status_code} != {expected}")
    assert not failures, "\n".join(failures)


# --- The API -------------------------------------------------------------------------------------

# Each route of the OpenAPI document, with the scope a key needs (None: any valid key).
API: dict[str, str | None] = {
    "GET /api/v1/whoami": None,
    "GET /api/v1/organisations": "partnership:read",
    "GET /api/v1/organisations/{organisation_id}": "partnership:read",
}
API_PATH_PARAMETERS = {"organisation_id": lambda objects: objects["organisation"].pk}
for _walk_module in MODULE_WALKS:
    API.update(getattr(_walk_module, "API", {}))
    API_PATH_PARAMETERS.update(getattr(_walk_module, "API_PATH_PARAMETERS", {}))


def _api_paths() -> dict[str, str]:
    from safeguard.api import api

    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        for method in operations:
            found[f"{method.upper()} {path}"] = path
    return found


def test_every_api_route_has_an_expectation() -> None:
    routes = set(_api_paths())
    missing = sorted(routes - set(API))
    stale = sorted(set(API) - routes)
    assert not missing, f"API routes with no expected permissions in the walk: {missing}"
    assert not stale, f"expectations for API routes that no longer exist: {stale}"


def test_walk_every_api_route_with_every_kind_of_key(objects: dict[str, Any]) -> None:
    """No key: 401. A key without the route's scope: 403. A key with every scope: 200."""
    from safeguard.core.api.auth import is_scope, register_scope, scopes
    from safeguard.core.services.apikeys import apikey_create

    if not is_scope("walk:nothing"):
        register_scope("walk:nothing", "Grants no route: the permission walk's bare key")
    admin, org = objects["admin"], objects["organisation"]
    _, bare = apikey_create(actor=admin, organisation=org, name="Bare", scopes=["walk:nothing"])
    every = [scope.name for scope in scopes()]
    with factories.scopes_unlimited():  # one key with every scope, whatever its kind may hold
        _, full = apikey_create(actor=admin, organisation=org, name="All scopes", scopes=every)
    failures = []
    for route, scope in sorted(API.items()):
        method, path = route.split(" ", 1)
        if method != "GET":
            continue  # writes are walked by their modules' own tests with valid bodies
        url = path
        for name, value in API_PATH_PARAMETERS.items():
            url = url.replace("{" + name + "}", str(value(objects)))
        client = Client()
        checks = [(None, 401), (bare, 403 if scope else 200), (full, 200)]
        for key, expected in checks:
            headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
            status = client.get(url, **headers).status_code
            if status != expected:
                who = "no key" if key is None else ("bare key" if key == bare else "full key")
                failures.append(f"{who} {route}: {status} != {expected}")
    assert not failures, "\n".join(failures)
