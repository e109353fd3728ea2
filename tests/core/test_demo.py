"""The synthetic demo partnership: deterministic, complete, and never where it does not belong."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit, demo
from safeguard.core.models import (
    AuditEvent,
    Group,
    Membership,
    Organisation,
    Person,
    RoleAssignment,
)
from safeguard.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

GROUPS = {
    "Executive",
    "Children and Young People Partnership",
    "Performance Management Subgroup",
    "Learning and Development Subgroup",
    "Multi-Agency Child Exploitation (MACE) Subgroup",
    "Review Advisory Group",
    "Child Death Overview Panel",
    "Education Safeguarding Subgroup",
    "Health Subgroup",
}


def _empty_database() -> None:
    Membership.objects.all().delete()
    Group.objects.all().delete()
    TOTPDevice.objects.all().delete()
    RoleAssignment.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.all().delete()


def test_the_same_seed_gives_the_same_partnership_and_another_seed_does_not():
    first = demo.create_demo_partnership(seed=2026, with_modules=False)
    assert demo.database_digest() == first.digest
    _empty_database()
    again = demo.create_demo_partnership(seed=2026, with_modules=False)
    assert again.digest == first.digest
    assert demo.database_digest() == first.digest
    assert demo.plan_demo_partnership(seed=7).digest() != first.digest


def test_the_digest_is_the_same_in_another_process_with_another_hash_seed():
    """Set or dict ordering that leaked into the plan would show up here, not in one process."""
    script = (
        "import django; django.setup(); from safeguard.core import demo; "
        "print(demo.plan_demo_partnership(seed=2026).digest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "safeguard.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == demo.plan_demo_partnership(seed=2026).digest()


def test_one_sign_in_per_role_with_short_addresses():
    summary = demo.create_demo_partnership()
    assert sorted(s.role for s in summary.sign_ins) == sorted(role.value for role in Role)
    for role in Role:
        holders = Person.objects.filter(role_assignments__role=role, is_demo=True)
        assert holders.exists(), role
    assert {s.email for s in summary.sign_ins} >= {
        "admin@demo.invalid",
        "chair@demo.invalid",
        "dsl@demo.invalid",
        "police@demo.invalid",
        "dpo@demo.invalid",
    }
    assert demo.sign_ins() == summary.sign_ins
    admin = Person.objects.get(email="admin@demo.invalid")
    assert admin.role_codes == {Role.BUSINESS_UNIT_ADMIN}
    assert admin.check_password(demo.PASSWORD)


def test_about_two_hundred_schools_with_unique_six_digit_urns_clear_of_real_ones():
    demo.create_demo_partnership()
    schools = Organisation.objects.filter(kind="school")
    assert 190 <= schools.count() <= 210
    urns = [school.urn for school in schools]
    assert len(set(urns)) == len(urns)
    assert all(re.fullmatch(r"9\d{5}", urn) for urn in urns)
    assert set(schools.values_list("la_code", flat=True)) == {"999"}
    names = set(schools.values_list("name", flat=True))
    assert any(name.endswith("Primary School") for name in names)
    assert any(name.endswith(("Academy", "High School")) for name in names)
    assert any("Special School" in name for name in names)
    assert any("Pupil Referral Unit" in name for name in names)
    assert any(name.endswith("College") for name in names)


def test_the_partners_groups_and_school_dsls_are_there():
    demo.create_demo_partnership()
    statutory = Organisation.objects.filter(statutory_partner=True)
    assert set(statutory.values_list("kind", flat=True)) == {"local_authority", "police", "icb"}
    assert Organisation.objects.filter(kind="health_trust").count() == 2
    assert Organisation.objects.filter(kind="third_sector").count() == 3
    assert Organisation.objects.filter(kind="secure_setting").count() == 2
    assert Organisation.objects.filter(kind="probation").count() == 1
    assert set(Group.objects.values_list("name", flat=True)) == GROUPS
    for group in Group.objects.all():
        assert group.memberships.filter(role="chair").count() == 1, group.name
        assert group.memberships.count() >= 4, group.name
    for school in Organisation.objects.filter(kind="school"):
        assert school.people.filter(role_assignments__role=Role.SCHOOL_DSL).exists(), school.pk
    # Every address is undeliverable by construction.
    assert not Person.objects.exclude(email__endswith="demo.invalid").exists()
    assert not Organisation.objects.exclude(email__endswith="demo.invalid").exists()


def test_every_demo_person_has_a_confirmed_device_that_gives_working_codes():
    demo.create_demo_partnership()
    people = Person.objects.filter(is_demo=True)
    assert people.count() == Person.objects.count()
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert devices.count() == people.count()
    assert set(devices.values_list("user_id", flat=True)) == set(
        people.values_list("pk", flat=True)
    )
    assert len(set(devices.values_list("key", flat=True))) == devices.count()
    device = devices.get(user__email="admin@demo.invalid")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    assert device.verify_token(f"{code:06d}")


def test_creation_is_audited_and_the_chain_still_verifies():
    summary = demo.create_demo_partnership()
    event = AuditEvent.objects.get(record_type="core.demo_partnership")
    assert event.action == "create"
    assert event.changes["digest"] == summary.digest
    assert audit.verify().intact


def test_refused_when_the_database_already_has_organisations():
    factories.organisation(name="An existing agency")
    with pytest.raises(demo.DemoRefused, match="already holds organisations"):
        demo.create_demo_partnership()
    assert Organisation.objects.count() == 1
    assert not Person.objects.exists()


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(demo.DemoRefused, match="production"):
        demo.create_demo_partnership()
    assert not Organisation.objects.exists()
    with pytest.raises(CommandError, match="production"):
        call_command("demo")
    with pytest.raises(CommandError, match="production"):
        call_command("demo", "--sign-ins")


def test_the_command_creates_prints_sign_ins_and_refuses_a_second_time(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "admin@demo.invalid" in out
    assert demo.PASSWORD in out
    assert "200 schools" in out
    with pytest.raises(CommandError, match="already holds organisations"):
        call_command("demo")
    call_command("demo", "--sign-ins")
    again = capsys.readouterr().out
    for role in Role:
        assert role.label in again


def test_sign_ins_without_a_demo_partnership_say_so():
    with pytest.raises(CommandError, match="no demo partnership"):
        call_command("demo", "--sign-ins")
