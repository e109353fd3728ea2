"""Test data, made by the tests themselves: synthetic names only."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import Organisation, Person, RoleAssignment
from safeguard.core.roles import Role

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple 7"


def organisation(**fields: Any) -> Organisation:
    n = next(_counter)
    fields.setdefault("name", f"Test organisation {n}")
    fields.setdefault("kind", "local_authority")
    return Organisation.objects.create(**fields)


def person(*roles: str, organisation_obj: Organisation | None = None, **fields: Any) -> Person:
    n = next(_counter)
    fields.setdefault("email", f"person{n}@example.invalid")
    fields.setdefault("full_name", f"Test Person {n}")
    org = organisation_obj or organisation()
    someone = Person.objects.create_user(password=PASSWORD, organisation=org, **fields)
    for role in roles:
        RoleAssignment.objects.create(person=someone, role=Role(role))
    return someone


def totp_device(someone: Person) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=someone, name="Authenticator app", defaults={"confirmed": True}
    )
    return device


def signed_in(client: Client, someone: Person) -> Client:
    """A client signed in with both factors, as after a real sign-in."""
    client.force_login(someone)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(someone).persistent_id
    session.save()
    return client


def stepped_up(client: Client, *, lapsed: bool = False) -> Client:
    """The second factor given again just now, or (``lapsed``) longer ago than the step-up."""
    session = client.session
    age = settings.STEP_UP_MINUTES * 60 + 1 if lapsed else 0
    session[STEP_UP_SESSION_KEY] = time.time() - age
    session.save()
    return client


@contextlib.contextmanager
def scopes_unlimited(*scopes: str) -> Iterator[None]:
    """Lift the organisation-kind limits of ``scopes`` (all scopes when none are named) while a
    test makes a key the service would now refuse: a key made before its scopes were limited,
    which the API must still refuse when it is used (defence in depth)."""
    from safeguard.core import scope_holders

    saved = dict(scope_holders._holders)
    try:
        for scope in scopes or list(saved):
            scope_holders._holders.pop(scope, None)
        yield
    finally:
        scope_holders._holders.clear()
        scope_holders._holders.update(saved)
