"""Every change that grants or widens access asks for the second factor again when it is stale.

Each case posts the change with a lapsed code: nothing changes and the person is sent to the
code page. With a fresh code the same post goes through. A change that grants nothing (a
plain rename) does not ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.core.models import Group, Membership, OutboxMessage, Person
from tests import factories

pytestmark = pytest.mark.django_db

CODE_PAGE = reverse("core:confirm_second_factor")


@pytest.fixture
def admin_client(client_for) -> Client:
    return client_for(factories.person("business_unit_admin"))


@pytest.fixture
def world() -> dict[str, Any]:
    school = factories.organisation(name="Alder School", kind="school", urn="100001")
    other = factories.organisation(name="Birch School", kind="school", urn="100002")
    dsl = factories.person("school_dsl", organisation_obj=school, full_name="Dee Ess")
    group = Group.objects.create(name="Review Advisory Group", kind="rag")
    membership = Membership.objects.create(group=group, person=dsl, role="member")
    outsider = factories.person("practitioner", full_name="Out Sider")
    newcomer = factories.person("practitioner", full_name="New Comer")
    newcomer.set_unusable_password()
    newcomer.save()
    return {
        "school": school,
        "other": other,
        "dsl": dsl,
        "group": group,
        "membership": membership,
        "outsider": outsider,
        "newcomer": newcomer,
    }


def _create_admin(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    data = {
        "full_name": "Ada Newadmin",
        "email": "ada.newadmin@example.invalid",
        "organisation": w["school"].pk,
        "roles": ["business_unit_admin", "data_protection_officer"],
    }
    done = lambda: Person.objects.filter(email="ada.newadmin@example.invalid").exists()  # noqa: E731
    return reverse("core:person_create"), data, done


def _move_person(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    dsl = w["dsl"]
    data = {"full_name": dsl.full_name, "email": dsl.email, "organisation": w["other"].pk}
    done = lambda: Person.objects.get(pk=dsl.pk).organisation_id == w["other"].pk  # noqa: E731
    return reverse("core:person_edit", args=[dsl.pk]), data, done


def _change_kind(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    school = w["school"]
    data = {"name": school.name, "kind": "local_authority"}
    done = lambda: type(school).objects.get(pk=school.pk).kind == "local_authority"  # noqa: E731
    return reverse("core:organisation_edit", args=[school.pk]), data, done


def _add_member(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    data = {"person": w["outsider"].pk, "role": "member"}
    done = lambda: Membership.objects.filter(person=w["outsider"]).exists()  # noqa: E731
    return reverse("core:membership_add", args=[w["group"].pk]), data, done


def _change_member_role(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    membership = w["membership"]
    args = [w["group"].pk, membership.pk]
    done = lambda: Membership.objects.get(pk=membership.pk).role == "chair"  # noqa: E731
    return reverse("core:membership_change_role", args=args), {"role": "chair"}, done


def _invite(w: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    done = lambda: OutboxMessage.objects.filter(recipient=w["newcomer"]).exists()  # noqa: E731
    return reverse("core:person_invite", args=[w["newcomer"].pk]), {}, done


CHANGES = {
    "create a person with roles": _create_admin,
    "move a person to another organisation": _move_person,
    "change an organisation's kind": _change_kind,
    "add a group member": _add_member,
    "change a member's role in a group": _change_member_role,
    "invite a person who has roles": _invite,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_that_widens_access_asks_for_a_fresh_code(admin_client, world, change):
    address, data, done = change(world)
    response = factories.stepped_up(admin_client, lapsed=True).post(address, data)
    assert response.status_code == 302
    assert response["Location"].startswith(CODE_PAGE)
    assert not done()
    # After the code the person comes back to a page they can open with GET.
    [back] = parse_qs(urlsplit(response["Location"]).query)["next"]
    assert admin_client.get(back).status_code == 200

    response = factories.stepped_up(admin_client, lapsed=False).post(address, data)
    assert not response.get("Location", "").startswith(CODE_PAGE)
    assert done()


def test_a_change_that_grants_nothing_does_not_ask(admin_client, world):
    dsl = world["dsl"]
    data = {"full_name": "Dee Renamed", "email": dsl.email, "organisation": dsl.organisation_id}
    factories.stepped_up(admin_client, lapsed=True)
    response = admin_client.post(reverse("core:person_edit", args=[dsl.pk]), data)
    assert response["Location"] == reverse("core:person_detail", args=[dsl.pk])
    assert Person.objects.get(pk=dsl.pk).full_name == "Dee Renamed"
    data = {"full_name": "No Roles", "email": "no.roles@example.invalid"}
    data["organisation"] = world["school"].pk
    response = admin_client.post(reverse("core:person_create"), data)
    assert not response["Location"].startswith(CODE_PAGE)
    assert Person.objects.filter(email="no.roles@example.invalid").exists()
