"""The partnership services: each rule, each audit row, each refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit
from safeguard.core.models import (
    AuditEvent,
    Group,
    Membership,
    Organisation,
    Person,
    RoleAssignment,
)
from safeguard.core.services import partnership as services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Person:
    return factories.person("business_unit_admin")


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return excinfo.value.message_dict


def snapshot() -> dict[str, Any]:
    """Everything these services might touch, to show a refusal changed nothing."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "groups": list(Group.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "people": list(Person.objects.order_by("pk").values()),
        "roles": list(RoleAssignment.objects.order_by("pk").values("person_id", "role")),
    }


# Organisations ------------------------------------------------------------------------------


def test_organisation_create_writes_an_audit_row_with_the_new_values(admin):
    school = services.organisation_create(
        actor=admin, name="Hill Primary", kind="school", urn="123456", la_code="873"
    )
    event = last_event()
    assert event.action == "create"
    assert event.record_type == "core.organisation"
    assert event.record_id == str(school.pk)
    assert event.actor_id == admin.pk
    assert event.changes["urn"] == [None, "123456"]
    assert event.changes["kind"] == [None, "school"]
    assert audit.verify().intact


@pytest.mark.parametrize("urn", ["12345", "1234567", "12a456", "ABCDEF"])
def test_urn_must_be_six_digits(admin, urn):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="A school", kind="school", urn=urn)
    assert "urn" in errors_of(excinfo)
    assert not Organisation.objects.filter(name="A school").exists()


def test_urn_only_for_schools(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="A force", kind="police", urn="123456")
    assert "school" in errors_of(excinfo)["urn"][0]


def test_urn_must_be_unique(admin):
    factories.organisation(name="First", kind="school", urn="100001")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="Second", kind="school", urn="100001")
    assert "already" in errors_of(excinfo)["urn"][0]


def test_organisation_needs_a_name_and_a_known_kind(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="  ", kind="spaceship")
    assert set(errors_of(excinfo)) == {"name", "kind"}


def test_organisation_name_unique_within_kind(admin):
    factories.organisation(name="Northtown Council", kind="local_authority")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="northtown council", kind="local_authority")
    assert "name" in errors_of(excinfo)
    # The same name is fine for another kind.
    services.organisation_create(actor=admin, name="Northtown Council", kind="other")


def test_la_code_and_email_are_checked(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=admin, name="X", kind="other", la_code="87", email="not-an-address"
        )
    assert set(errors_of(excinfo)) == {"la_code", "email"}


def test_organisation_update_audits_before_and_after(admin):
    school = factories.organisation(name="Old name", kind="school", urn="222222")
    updated = services.organisation_update(
        actor=admin,
        organisation=school,
        name="New name",
        kind="school",
        statutory_partner=False,
        urn="222222",
    )
    assert updated.name == "New name"
    event = last_event()
    assert event.action == "update"
    assert event.changes == {"name": ["Old name", "New name"]}


def test_organisation_update_keeps_its_own_urn_but_not_anothers(admin):
    factories.organisation(name="Other", kind="school", urn="333333")
    school = factories.organisation(name="Mine", kind="school", urn="444444")
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(
            actor=admin, organisation=school, name="Mine", kind="school", statutory_partner=False,
            urn="333333",
        )  # fmt: skip
    assert "urn" in errors_of(excinfo)
    assert snapshot() == before


def test_changing_a_school_with_a_urn_to_another_kind_is_refused(admin):
    school = factories.organisation(name="Mine", kind="school", urn="555555")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(
            actor=admin, organisation=school, name="Mine", kind="other", statutory_partner=False,
            urn="555555",
        )  # fmt: skip
    assert "urn" in errors_of(excinfo)


def test_organisation_deactivate_and_reactivate(admin):
    org = factories.organisation()
    services.organisation_deactivate(actor=admin, organisation=org)
    org.refresh_from_db()
    assert not org.active
    assert last_event().changes == {"active": [True, False]}
    services.organisation_reactivate(actor=admin, organisation=org)
    org.refresh_from_db()
    assert org.active
    assert last_event().changes == {"active": [False, True]}


def test_an_administrator_cannot_deactivate_their_own_organisation(admin):
    with pytest.raises(ValidationError):
        services.organisation_deactivate(actor=admin, organisation=admin.organisation)
    admin.organisation.refresh_from_db()
    assert admin.organisation.active


# Groups and members -------------------------------------------------------------------------


def test_group_create_and_update_audited(admin):
    group = services.group_create(actor=admin, name="Executive", kind="executive")
    assert last_event().changes["name"] == [None, "Executive"]
    services.group_update(
        actor=admin, group=group, name="Executive", kind="executive", purpose="Leads", active=False
    )
    assert last_event().changes == {"purpose": ["", "Leads"], "active": [True, False]}


def test_group_name_unique_and_kind_known(admin):
    services.group_create(actor=admin, name="CDOP", kind="cdop")
    with pytest.raises(ValidationError) as excinfo:
        services.group_create(actor=admin, name="cdop", kind="nonsense")
    assert set(errors_of(excinfo)) == {"name", "kind"}
    assert Group.objects.count() == 1


def test_membership_add_change_remove_audited(admin):
    group = Group.objects.create(name="RAG", kind="rag")
    member = factories.person("subgroup_member")
    membership = services.membership_add(actor=admin, group=group, person=member, role="chair")
    event = last_event()
    assert (event.action, event.record_type) == ("create", "core.membership")
    assert event.changes["role"] == [None, "chair"]
    assert event.changes["person_id"] == [None, member.pk]

    services.membership_change_role(actor=admin, membership=membership, role="vice_chair")
    assert last_event().changes == {"role": ["chair", "vice_chair"]}

    services.membership_remove(actor=admin, membership=membership)
    event = last_event()
    assert event.action == "delete"
    assert event.changes["role"] == ["vice_chair", None]
    assert not Membership.objects.exists()


def test_membership_rules(admin):
    group = Group.objects.create(name="RAG", kind="rag")
    member = factories.person()
    services.membership_add(actor=admin, group=group, person=member, role="member")
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=admin, group=group, person=member, role="member")
    assert "person" in errors_of(excinfo)
    gone = factories.person(is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=admin, group=group, person=gone, role="emperor")
    assert set(errors_of(excinfo)) == {"person", "role"}
    assert Membership.objects.count() == 1


# People -------------------------------------------------------------------------------------


def test_person_create_has_no_usable_password_and_gets_roles(admin):
    org = factories.organisation()
    person = services.person_create(
        actor=admin,
        email="  New.Person@Example.INVALID ",
        full_name="New Person",
        job_title="DSL",
        organisation=org,
        roles=["school_dsl", "practitioner"],
    )
    assert person.email == "new.person@example.invalid"
    assert not person.has_usable_password()
    assert set(person.role_assignments.values_list("role", flat=True)) == {
        "school_dsl",
        "practitioner",
    }
    assert set(person.role_assignments.values_list("granted_by", flat=True)) == {admin.pk}
    event = last_event()
    assert event.record_type == "core.person"
    assert event.changes["roles"] == [None, ["practitioner", "school_dsl"]]
    # No name or e-mail address in the trail.
    assert "New Person" not in str(event.changes)
    assert "example.invalid" not in str(event.changes)


def test_person_email_unique_case_insensitively(admin):
    factories.person(email="taken@example.invalid")
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            actor=admin,
            email="TAKEN@example.invalid",
            full_name="Someone",
            organisation=factories.organisation(),
            roles=[],
        )
    assert "email" in errors_of(excinfo)
    after = snapshot()
    after["organisations"] = after["organisations"][:-1]  # the fixture's organisation
    assert after == before


def test_person_needs_name_valid_email_and_active_organisation(admin):
    closed = factories.organisation(active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            actor=admin, email="nope", full_name="", organisation=closed, roles=["wizard"]
        )
    assert set(errors_of(excinfo)) >= {"email", "full_name", "organisation"}
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            actor=admin, email="ok@example.invalid", full_name="Ok", organisation=None
        )
    assert "organisation" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            actor=admin,
            email="ok@example.invalid",
            full_name="Ok",
            organisation=factories.organisation(),
            roles=["wizard"],
        )
    assert "roles" in errors_of(excinfo)
    assert not Person.objects.filter(email="ok@example.invalid").exists()


def test_person_update_audits_flags_not_personal_data(admin):
    someone = factories.person(full_name="Before Name")
    new_org = factories.organisation()
    services.person_update(
        actor=admin,
        person=someone,
        email=someone.email,
        full_name="After Name",
        job_title="",
        organisation=new_org,
    )
    someone.refresh_from_db()
    assert someone.full_name == "After Name"
    assert someone.organisation == new_org
    changes = last_event().changes
    assert changes["name_changed"] == [False, True]
    assert "email_changed" not in changes and "job_title_changed" not in changes
    assert changes["organisation_id"][1] == new_org.pk
    assert "After Name" not in str(changes)


def test_person_update_refuses_a_deactivated_organisation(admin):
    someone = factories.person()
    closed = factories.organisation(active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(
            actor=admin,
            person=someone,
            email=someone.email,
            full_name=someone.full_name,
            organisation=closed,
        )
    assert "organisation" in errors_of(excinfo)


def test_person_set_roles_audits_lists(admin):
    someone = factories.person("practitioner")
    services.person_set_roles(actor=admin, person=someone, roles=["school_dsl", "subgroup_member"])
    assert set(someone.role_assignments.values_list("role", flat=True)) == {
        "school_dsl",
        "subgroup_member",
    }
    assert last_event().changes == {"roles": [["practitioner"], ["school_dsl", "subgroup_member"]]}


def test_an_administrator_cannot_remove_their_own_admin_role(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.person_set_roles(actor=admin, person=admin, roles=["practitioner"])
    assert "roles" in errors_of(excinfo)
    assert list(admin.role_assignments.values_list("role", flat=True)) == ["business_unit_admin"]
    # Adding a role to oneself while keeping administrator is fine.
    services.person_set_roles(
        actor=admin, person=admin, roles=["business_unit_admin", "practitioner"]
    )


def test_person_set_password_validates(admin):
    someone = factories.person()
    old_hash = someone.password
    with pytest.raises(ValidationError) as excinfo:
        services.person_set_password(actor=admin, person=someone, password="short")
    assert "password" in errors_of(excinfo)
    someone.refresh_from_db()
    assert someone.password == old_hash
    services.person_set_password(
        actor=admin, person=someone, password="a much longer passphrase 42"
    )
    someone.refresh_from_db()
    assert someone.check_password("a much longer passphrase 42")
    event = last_event()
    assert event.record_type == "core.person"
    assert "passphrase" not in str(event.changes)


def test_deactivated_person_cannot_sign_in(admin):
    someone = factories.person("practitioner")
    services.person_deactivate(actor=admin, person=someone)
    someone.refresh_from_db()
    assert not someone.is_active
    assert last_event().changes == {"is_active": [True, False]}
    assert (
        ModelBackend().authenticate(None, username=someone.email, password=factories.PASSWORD)
        is None
    )
    services.person_reactivate(actor=admin, person=someone)
    someone.refresh_from_db()
    assert someone.is_active


def test_an_administrator_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        services.person_deactivate(actor=admin, person=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_reset_second_factor_removes_devices_and_audits(admin):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    StaticDevice.objects.create(user=someone, name="Recovery codes")
    services.person_reset_second_factor(actor=admin, person=someone)
    assert not TOTPDevice.objects.filter(user=someone).exists()
    assert not StaticDevice.objects.filter(user=someone).exists()
    assert last_event().changes == {"static_devices": [1, 0], "totp_devices": [1, 0]}


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["business_unit_officer", "practitioner", None])
def test_every_service_refuses_without_manage_capability(role):
    actor = factories.person(role) if role else factories.person()
    org = factories.organisation()
    someone = factories.person("practitioner")
    group = Group.objects.create(name="G", kind="other")
    membership = Membership.objects.create(group=group, person=someone, role="member")
    factories.totp_device(someone)
    before = snapshot()
    events = AuditEvent.objects.count()
    calls = [
        lambda: services.organisation_create(actor=actor, name="N", kind="other"),
        lambda: services.organisation_update(
            actor=actor, organisation=org, name="N", kind="other", statutory_partner=False
        ),
        lambda: services.organisation_deactivate(actor=actor, organisation=org),
        lambda: services.organisation_reactivate(actor=actor, organisation=org),
        lambda: services.group_create(actor=actor, name="N", kind="other"),
        lambda: services.group_update(actor=actor, group=group, name="N", kind="other"),
        lambda: services.membership_add(actor=actor, group=group, person=actor, role="member"),
        lambda: services.membership_change_role(actor=actor, membership=membership, role="chair"),
        lambda: services.membership_remove(actor=actor, membership=membership),
        lambda: services.person_create(
            actor=actor, email="x@example.invalid", full_name="X", organisation=org, roles=[]
        ),
        lambda: services.person_update(
            actor=actor, person=someone, email="y@example.invalid", full_name="Y", organisation=org
        ),
        lambda: services.person_set_roles(actor=actor, person=actor, roles=["business_unit_admin"]),
        lambda: services.person_set_password(
            actor=actor, person=someone, password="a much longer passphrase 42"
        ),
        lambda: services.person_deactivate(actor=actor, person=someone),
        lambda: services.person_reactivate(actor=actor, person=someone),
        lambda: services.person_reset_second_factor(actor=actor, person=someone),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before
    assert TOTPDevice.objects.filter(user=someone).exists()
    assert AuditEvent.objects.count() == events


def test_a_deactivated_administrator_can_change_nothing(admin):
    admin.is_active = False
    admin.save()
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=admin, name="N", kind="other")


def test_an_organisations_agency_type_follows_its_kind_unless_set(admin):
    trust = services.organisation_create(actor=admin, name="A Trust", kind="health_trust")
    assert trust.agency_type == "" and trust.reported_agency_type == "health"
    charity = services.organisation_update(
        actor=admin,
        organisation=factories.organisation(name="Charity", kind="third_sector"),
        name="Charity",
        kind="third_sector",
        statutory_partner=False,
        agency_type="health",
    )
    assert charity.reported_agency_type_label == "Health"
    assert last_event().changes == {"agency_type": ["", "health"]}
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(actor=admin, name="B", kind="other", agency_type="army")
    assert "agency_type" in refused.value.message_dict
