"""The live API against its own OpenAPI document, with schemathesis (property-based).

The document is loaded from the app itself (WSGI, in-process, against the test database), and
every operation is called with data generated from it, valid and invalid, by a key of an
organisation of a fitting kind that holds every scope that kind may hold. It fails on a server
error, a status code the document does not list, a response that does not match its schema,
valid input refused as invalid or invalid input accepted, and a route that ignores a missing
key. Bounded and derandomised: the same cases each run, inside a couple of minutes on 2 cores.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from safeguard.core import scope_holders
from safeguard.core.api import auth
from safeguard.core.services.apikeys import apikey_create
from safeguard.wsgi import application
from tests import factories
from tests.performance import helpers
from tests.reviews.helpers import notified_case, partnership

EXAMPLES = 12
# The kinds whose systems call the API, in the order a key is chosen for an operation.
KINDS = ("police", "local_authority", "partnership")


def scopes_for(kind: str) -> list[str]:
    """Every scope an organisation of ``kind`` may hold (the registry's own rule)."""
    return [
        scope.name
        for scope in auth.scopes()
        if (holders := scope_holders.kinds_for(scope.name)) is None or kind in holders
    ]


_NEEDS = re.compile(r"Needs the scope `([^`]+)`")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
cases_run: list[str] = []
answers: Counter[int] = Counter()


@dataclass
class World:
    keys: dict[str, str]  # a bearer header value per kind of organisation
    known: dict[str, str]  # path parameters that name real records


@pytest.fixture
def world(db: Any) -> World:
    """A partnership with a case notified to the Panel and an indicator with a series, and for
    each kind a key with every scope of that kind."""
    p = partnership()
    incident = notified_case(p)
    indicator = helpers.indicator(p.la, code="icpc")
    helpers.series(indicator, [80, 82, 79, 81, 80, 82])
    admin = factories.person("business_unit_admin")
    organisations = {"partnership": p.chair.organisation, "local_authority": p.la}
    organisations["police"] = p.police
    keys = {}
    for kind in KINDS:
        _, full = apikey_create(
            actor=admin, organisation=organisations[kind], name="All", scopes=scopes_for(kind)
        )
        keys[kind] = f"Bearer {full}"
    return World(keys=keys, known={"incident_reference": incident.reference, "code": "icpc"})


def _key_for(operation: Any, keys: dict[str, str]) -> str:
    """The key of the kind of organisation whose system calls this operation."""
    needed = _NEEDS.search(operation.definition.raw.get("description", ""))
    if needed is None:
        return keys["police"]
    kind = next(k for k in KINDS if needed[1] in scopes_for(k))
    return keys[kind]


@pytest.fixture(scope="module", autouse=True)
def report() -> Any:
    # Called through WSGI, Django would close the test's connection at the end of each request
    # (its test client disconnects these handlers for the same reason): on PostgreSQL that ends
    # the transaction the test runs in.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(answers.items()))
    print(f"\nschemathesis: {len(set(cases_run))} operations, {len(cases_run)} cases ({statuses})")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_its_contract(case: Any, world: World) -> None:
    cases_run.append(case.operation.label)
    if case.meta is None or not case.meta.generation.mode.is_negative:
        # Valid cases name the real case and indicator, so responses with bodies are checked
        # against their schemas too, not only the 404s of references made up.
        for name, value in world.known.items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    response = case.call_and_validate(
        headers={"Authorization": _key_for(case.operation, world.keys)},
        # Valid by the document is not always acceptable: a reference that names nothing is
        # 404, a date in the future 422. Every other check runs.
        excluded_checks=[positive_data_acceptance],
    )
    answers[response.status_code] += 1
