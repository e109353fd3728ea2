"""The partnership pages through real HTTP: who may reach them, filters, forms and bad input."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import (
    AuditEvent,
    Group,
    Membership,
    Organisation,
    Person,
    RoleAssignment,
)
from tests import factories

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, Any]:
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "groups": list(Group.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "people": list(Person.objects.order_by("pk").values()),
        "roles": list(RoleAssignment.objects.order_by("pk").values("person_id", "role")),
    }


@pytest.fixture
def world() -> dict[str, Any]:
    """One of everything, so every page has a record to show."""
    org = factories.organisation(name="Northtown Council", statutory_partner=True)
    someone = factories.person("practitioner", organisation_obj=org, full_name="Pat Example")
    group = Group.objects.create(name="Executive", kind="executive")
    membership = Membership.objects.create(group=group, person=someone, role="member")
    return {"org": org, "person": someone, "group": group, "membership": membership}


def recently_confirmed(client: Client) -> Client:
    """As if the second factor had just been given again, for the sensitive pages."""
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def admin_client(client_for) -> Client:
    return recently_confirmed(client_for(factories.person("business_unit_admin")))


VIEW_PAGES = [
    ("core:organisations", None),
    ("core:organisation_detail", "org"),
    ("core:groups", None),
    ("core:group_detail", "group"),
    ("core:people", None),
    ("core:person_detail", "person"),
]
EDIT_PAGES = [
    ("core:organisation_create", None),
    ("core:organisation_edit", "org"),
    ("core:group_create", None),
    ("core:group_edit", "group"),
    ("core:person_create", None),
    ("core:person_edit", "person"),
    ("core:person_roles", "person"),
    ("core:person_password", "person"),
    ("core:person_reset_second_factor", "person"),
]
POST_ONLY = [
    ("core:organisation_deactivate", "org"),
    ("core:organisation_reactivate", "org"),
    ("core:membership_add", "group"),
    ("core:person_deactivate", "person"),
    ("core:person_reactivate", "person"),
]


def url(world: dict[str, Any], name: str, key: str | None) -> str:
    return reverse(name, args=[world[key].pk]) if key else reverse(name)


def membership_urls(world: dict[str, Any]) -> list[str]:
    args = [world["group"].pk, world["membership"].pk]
    return [
        reverse("core:membership_change_role", args=args),
        reverse("core:membership_remove", args=args),
    ]


# Who may reach what -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), VIEW_PAGES + EDIT_PAGES)
def test_anonymous_is_sent_to_sign_in(client, world, name, key):
    response = client.get(url(world, name, key))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize(("name", "key"), VIEW_PAGES + EDIT_PAGES)
def test_practitioner_is_refused(client_for, world, name, key):
    response = client_for(factories.person("practitioner")).get(url(world, name, key))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "key"), VIEW_PAGES + EDIT_PAGES)
def test_administrator_sees_every_page(admin_client, world, name, key):
    response = admin_client.get(url(world, name, key))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize(("name", "key"), VIEW_PAGES)
def test_officer_may_view(client_for, world, name, key):
    response = client_for(factories.person("business_unit_officer")).get(url(world, name, key))
    assert response.status_code == 200
    # No buttons that lead to a refusal.
    assert "Add a" not in response.content.decode()
    assert "Deactivate" not in response.content.decode()


def test_officer_may_change_nothing(client_for, world):
    officer = client_for(factories.person("business_unit_officer"))
    before = snapshot()
    for name, key in EDIT_PAGES:
        assert officer.get(url(world, name, key)).status_code == 403, name
        assert officer.post(url(world, name, key), {"name": "X"}).status_code == 403, name
    for name, key in POST_ONLY:
        assert officer.post(url(world, name, key)).status_code == 403, name
    for address in membership_urls(world):
        assert officer.post(address, {"role": "chair"}).status_code == 403
    assert snapshot() == before


def test_unknown_ids_are_404(admin_client, world):
    for name, key in VIEW_PAGES + EDIT_PAGES:
        if key:
            assert admin_client.get(reverse(name, args=[999999])).status_code == 404, name
    for name, _key in POST_ONLY:
        assert admin_client.post(reverse(name, args=[999999])).status_code == 404, name
    other_group = Group.objects.create(name="Other", kind="other")
    address = reverse("core:membership_remove", args=[other_group.pk, world["membership"].pk])
    assert admin_client.post(address).status_code == 404
    assert Membership.objects.filter(pk=world["membership"].pk).exists()


def test_post_only_actions_refuse_get(admin_client, world):
    for name, key in POST_ONLY:
        assert admin_client.get(url(world, name, key)).status_code == 405


# Organisations ------------------------------------------------------------------------------


def test_organisation_filters_and_search(admin_client):
    factories.organisation(name="Hill Primary", kind="school", urn="100001")
    factories.organisation(name="Old Primary", kind="school", active=False)
    factories.organisation(name="County Police", kind="police", statutory_partner=True)
    address = reverse("core:organisations")

    def names(**query: str) -> str:
        return admin_client.get(address, query).content.decode()

    page = names(kind="school")
    assert "Hill Primary" in page and "Old Primary" in page and "County Police" not in page
    page = names(kind="school", active="yes")
    assert "Hill Primary" in page and "Old Primary" not in page
    page = names(statutory_partner="yes")
    assert "County Police" in page and "Hill Primary" not in page
    page = names(q="hill")
    assert "Hill Primary" in page and "County Police" not in page
    page = names(q="100001")
    assert "Hill Primary" in page and "Old Primary" not in page


def test_organisations_are_paginated(admin_client):
    for n in range(120):
        factories.organisation(name=f"School {n:03}", kind="school", urn=f"{200000 + n}")
    address = reverse("core:organisations")
    first = admin_client.get(address, {"kind": "school"}).content.decode()
    assert "School 000" in first and "School 050" not in first
    assert "Showing 1 to 50 of 120" in first
    assert "kind=school&amp;page=2" in first
    third = admin_client.get(address, {"kind": "school", "page": "3"}).content.decode()
    assert "School 119" in third and "School 000" not in third


def test_create_organisation(admin_client):
    response = admin_client.post(
        reverse("core:organisation_create"),
        {"name": "Brook School", "kind": "school", "urn": "654321", "la_code": "873"},
    )
    school = Organisation.objects.get(name="Brook School")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:organisation_detail", args=[school.pk])
    assert school.urn == "654321"
    assert AuditEvent.objects.filter(record_type="core.organisation", action="create").exists()


def test_create_organisation_bad_input_changes_nothing(admin_client):
    factories.organisation(name="Taken", kind="school", urn="111111")
    before = snapshot()
    response = admin_client.post(
        reverse("core:organisation_create"),
        {"name": "", "kind": "police", "urn": "111111", "email": "nonsense"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_name"' in page and "Enter the organisation" in page
    assert 'href="#id_urn"' in page
    assert 'href="#id_email"' in page
    assert "(error)" in page  # the page title says so too
    assert snapshot() == before


def test_edit_organisation(admin_client, world):
    org = world["org"]
    address = reverse("core:organisation_edit", args=[org.pk])
    assert "Northtown Council" in admin_client.get(address).content.decode()
    response = admin_client.post(
        address, {"name": "Northtown Borough", "kind": "local_authority", "la_code": "999"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.la_code, org.statutory_partner) == ("Northtown Borough", "999", False)
    before = snapshot()
    response = admin_client.post(address, {"name": "Northtown", "kind": "", "la_code": "1"})
    assert response.status_code == 400
    assert 'href="#id_kind"' in response.content.decode()
    assert 'href="#id_la_code"' in response.content.decode()
    assert snapshot() == before


def test_organisation_detail_lists_its_people(admin_client, world):
    page = admin_client.get(
        reverse("core:organisation_detail", args=[world["org"].pk])
    ).content.decode()
    assert "Pat Example" in page
    assert "govuk-summary-list" in page


def test_deactivate_organisation_and_refusal_for_own(client_for, world):
    admin = factories.person("business_unit_admin")
    browser = client_for(admin)
    response = browser.post(reverse("core:organisation_deactivate", args=[world["org"].pk]))
    assert response.status_code == 302
    world["org"].refresh_from_db()
    assert not world["org"].active
    response = browser.post(reverse("core:organisation_deactivate", args=[admin.organisation_id]))
    assert response.status_code == 400
    assert "your own organisation" in response.content.decode()
    admin.organisation.refresh_from_db()
    assert admin.organisation.active


# Groups -------------------------------------------------------------------------------------


def test_group_create_edit_and_list(admin_client):
    response = admin_client.post(
        reverse("core:group_create"), {"name": "CDOP", "kind": "cdop", "purpose": "Reviews"}
    )
    group = Group.objects.get(name="CDOP")
    assert response.status_code == 302
    assert "CDOP" in admin_client.get(reverse("core:groups")).content.decode()
    response = admin_client.post(
        reverse("core:group_edit", args=[group.pk]), {"name": "CDOP", "kind": "cdop"}
    )
    group.refresh_from_db()
    assert response.status_code == 302 and not group.active  # the box was left unticked
    before = snapshot()
    response = admin_client.post(reverse("core:group_create"), {"name": "cdop", "kind": "x"})
    assert response.status_code == 400
    assert 'href="#id_name"' in response.content.decode()
    assert snapshot() == before


def test_group_detail_shows_members(admin_client, world):
    page = admin_client.get(reverse("core:group_detail", args=[world["group"].pk])).content.decode()
    assert "Pat Example" in page and "Northtown Council" in page
    assert '<th scope="col" class="govuk-table__header">Role in group</th>' in page


def test_add_change_remove_member(admin_client, world):
    group = world["group"]
    newcomer = factories.person("subgroup_member", full_name="Sam Newcomer")
    detail = reverse("core:group_detail", args=[group.pk])
    assert "Sam Newcomer" in admin_client.get(detail).content.decode()  # offered in the select
    response = admin_client.post(
        reverse("core:membership_add", args=[group.pk]),
        {"person": newcomer.pk, "role": "chair"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(group=group, person=newcomer)
    assert membership.role == "chair"
    args = [group.pk, membership.pk]
    admin_client.post(reverse("core:membership_change_role", args=args), {"role": "adviser"})
    membership.refresh_from_db()
    assert membership.role == "adviser"
    admin_client.post(reverse("core:membership_remove", args=args))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_bad_member_input_changes_nothing(admin_client, world):
    group = world["group"]
    before = snapshot()
    add = reverse("core:membership_add", args=[group.pk])
    for data in [
        {"person": "", "role": "member"},
        {"person": world["person"].pk, "role": "member"},  # already a member
        {"person": "999999", "role": "member"},
        {"person": factories.person().pk, "role": "emperor"},
    ]:
        response = admin_client.post(add, data)
        assert response.status_code == 400, data
        assert "govuk-error-summary" in response.content.decode()
    args = [group.pk, world["membership"].pk]
    response = admin_client.post(reverse("core:membership_change_role", args=args), {"role": "x"})
    assert response.status_code == 400
    assert "Select the person&#x27;s role in the group" in response.content.decode()
    after = snapshot()
    after["people"] = after["people"][:-1]
    after["organisations"] = after["organisations"][:-1]
    assert after == before


# People -------------------------------------------------------------------------------------


def test_people_filters_and_search(admin_client, world):
    other = factories.organisation(name="Elsewhere")
    factories.person("school_dsl", organisation_obj=other, full_name="Dana Lead")
    factories.person("practitioner", full_name="Gone Person", is_active=False)
    address = reverse("core:people")

    def page(**query: Any) -> str:
        return admin_client.get(address, query).content.decode()

    assert "Dana Lead" in page(organisation=other.pk) and "Pat Example" not in page(
        organisation=other.pk
    )
    result = page(role="school_dsl")
    assert "Dana Lead" in result and "Pat Example" not in result
    result = page(active="no")
    assert "Gone Person" in result and "Dana Lead" not in result
    result = page(q="dana")
    assert "Dana Lead" in result and "Pat Example" not in result
    assert admin_client.get(address, {"organisation": "nonsense"}).status_code == 200


def test_create_person_with_roles(admin_client, world):
    page = admin_client.get(reverse("core:person_create")).content.decode()
    assert "govuk-checkboxes__hint" in page  # each role explained
    response = admin_client.post(
        reverse("core:person_create"),
        {
            "full_name": "Robin New",
            "email": "Robin.New@Example.invalid",
            "job_title": "DSL",
            "organisation": world["org"].pk,
            "roles": ["school_dsl", "subgroup_member"],
        },
    )
    person = Person.objects.get(email="robin.new@example.invalid")
    assert response.status_code == 302
    assert person.role_codes == {"school_dsl", "subgroup_member"}
    assert not person.has_usable_password()


def test_create_person_bad_input_changes_nothing(admin_client, world):
    closed = factories.organisation(name="Closed", active=False)
    before = snapshot()
    response = admin_client.post(
        reverse("core:person_create"),
        {
            "full_name": "",
            "email": world["person"].email.upper(),
            "organisation": closed.pk,  # not offered: only active organisations are
            "roles": ["emperor"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_organisation"' in page and 'href="#id_roles"' in page
    assert snapshot() == before
    response = admin_client.post(
        reverse("core:person_create"),
        {"full_name": "", "email": world["person"].email.upper(), "organisation": world["org"].pk},
    )
    page = response.content.decode()
    assert 'href="#id_email"' in page and 'href="#id_full_name"' in page
    # Errors are listed in the order of the fields on the page.
    assert page.index('href="#id_full_name"') < page.index('href="#id_email"')
    assert "already uses this email" in page
    assert snapshot() == before


def test_edit_person(admin_client, world):
    someone = world["person"]
    address = reverse("core:person_edit", args=[someone.pk])
    response = admin_client.post(
        address,
        {
            "full_name": "Pat Changed",
            "email": someone.email,
            "job_title": "Lead",
            "organisation": world["org"].pk,
        },
    )
    assert response.status_code == 302
    someone.refresh_from_db()
    assert (someone.full_name, someone.job_title) == ("Pat Changed", "Lead")
    before = snapshot()
    response = admin_client.post(address, {"full_name": "X", "email": "bad", "organisation": ""})
    assert response.status_code == 400
    assert snapshot() == before


def test_person_detail_shows_roles_groups_and_second_factor(admin_client, world):
    someone = world["person"]
    address = reverse("core:person_detail", args=[someone.pk])
    page = admin_client.get(address).content.decode()
    assert "Practitioner" in page and "Executive" in page
    assert "Second factor set up" in page
    factories.totp_device(someone)
    page = admin_client.get(address).content.decode()
    assert "Reset second factor" in page
    assert AuditEvent.objects.filter(
        action="view", record_type="core.person", record_id=str(someone.pk)
    ).exists()


def test_set_roles_page(client_for, world):
    admin = factories.person("business_unit_admin")
    browser = recently_confirmed(client_for(admin))
    someone = world["person"]
    response = browser.post(
        reverse("core:person_roles", args=[someone.pk]), {"roles": ["school_dsl"]}
    )
    assert response.status_code == 302
    assert set(someone.role_assignments.values_list("role", flat=True)) == {"school_dsl"}
    before = snapshot()
    response = browser.post(reverse("core:person_roles", args=[admin.pk]), {"roles": []})
    assert response.status_code == 400
    assert "own Business Unit administrator role" in response.content.decode()
    assert snapshot() == before


def test_set_password_page(admin_client, world):
    someone = world["person"]
    address = reverse("core:person_password", args=[someone.pk])
    before = snapshot()
    response = admin_client.post(address, {"password": "123"})
    assert response.status_code == 400
    assert 'href="#id_password"' in response.content.decode()
    assert snapshot() == before
    response = admin_client.post(address, {"password": "a much longer passphrase 42"})
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.check_password("a much longer passphrase 42")


def test_deactivated_person_loses_their_session(client_for, world):
    someone = factories.person("business_unit_officer")
    their_browser = Client()
    factories.signed_in(their_browser, someone)
    assert their_browser.get(reverse("core:organisations")).status_code == 200
    admin_client = client_for(factories.person("business_unit_admin"))
    response = admin_client.post(reverse("core:person_deactivate", args=[someone.pk]))
    assert response.status_code == 302
    after = their_browser.get(reverse("core:organisations"))
    assert after.status_code == 302 and after["Location"].startswith("/sign-in")
    admin_client.post(reverse("core:person_reactivate", args=[someone.pk]))
    someone.refresh_from_db()
    assert someone.is_active


def test_administrator_cannot_deactivate_themselves(client_for):
    admin = factories.person("business_unit_admin")
    response = client_for(admin).post(reverse("core:person_deactivate", args=[admin.pk]))
    assert response.status_code == 400
    assert "your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_reset_second_factor_page(admin_client, world):
    someone = world["person"]
    factories.totp_device(someone)
    address = reverse("core:person_reset_second_factor", args=[someone.pk])
    assert "Warning" in admin_client.get(address).content.decode()
    assert TOTPDevice.objects.filter(user=someone).exists()  # the GET asks; only the POST resets
    assert admin_client.post(address).status_code == 302
    assert not TOTPDevice.objects.filter(user=someone).exists()


@pytest.mark.parametrize(
    "name", ["core:person_roles", "core:person_password", "core:person_reset_second_factor"]
)
def test_sensitive_changes_ask_for_the_second_factor_again(client_for, world, name):
    someone = world["person"]
    factories.totp_device(someone)
    browser = client_for(factories.person("business_unit_admin"))  # no recent confirmation
    before = snapshot()
    address = reverse(name, args=[someone.pk])
    response = browser.post(
        address, {"roles": ["business_unit_admin"], "password": "a much longer passphrase 42"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:confirm_second_factor"))
    assert snapshot() == before
    assert TOTPDevice.objects.filter(user=someone).exists()
