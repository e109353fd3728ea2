"""The stored matching model: validation, audit, history and restore, policy, the command."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from safeguard.children import linkage, selectors, services
from safeguard.children.models import MatchModelVersion
from safeguard.children.policies import Cap
from safeguard.core import audit
from safeguard.core.models import AuditEvent
from safeguard.core.policies import can
from tests import factories
from tests.children.test_match_command import CHILDREN, ROLL, upn

pytestmark = pytest.mark.django_db


def adjusted(**thresholds: float) -> linkage.MatchModel:
    data = linkage.MatchModel.default().to_dict()
    data["thresholds"].update(thresholds)
    return linkage.MatchModel.from_dict(data)


@pytest.fixture
def admin() -> Any:
    return factories.person("business_unit_admin")


def test_with_nothing_stored_the_default_is_in_use() -> None:
    assert selectors.active_match_model() == linkage.MatchModel.default()
    assert selectors.active_version() is None


def test_saving_makes_the_new_version_the_one_in_use(admin: Any) -> None:
    version = services.match_model_save(
        actor=admin, model=adjusted(automatic=0.99), note="  Fewer automatic matches  "
    )
    assert version.active and version.note == "Fewer automatic matches"
    assert version.created_by == admin
    assert selectors.active_match_model().automatic == 0.99
    second = services.match_model_save(actor=admin, model=adjusted(review=0.6), note="Review")
    version.refresh_from_db()
    assert not version.active and second.active
    assert MatchModelVersion.objects.filter(active=True).count() == 1
    assert selectors.active_match_model() == adjusted(review=0.6)


def test_the_audit_row_names_every_changed_value_before_and_after(admin: Any) -> None:
    data = linkage.MatchModel.default().to_dict()
    data["thresholds"]["automatic"] = 0.98
    data["comparisons"]["dob"]["exact"]["u"] = 0.0003
    version = services.match_model_save(
        actor=admin, model=linkage.MatchModel.from_dict(data), note="Tuning"
    )
    event = AuditEvent.objects.get(
        record_type=services.RECORD_TYPE, record_id=str(version.pk), action="create"
    )
    assert event.actor_id == admin.pk
    assert event.changes == {
        "thresholds.automatic": [0.95, 0.98],
        "dob.exact.u": [0.000202, 0.0003],
    }
    assert event.detail == "replaces the default model"
    assert "Tuning" not in event.detail  # the note stays on the version, not in the trail
    assert audit.verify().intact


def test_an_unchanged_model_or_a_missing_note_is_refused_and_stores_nothing(admin: Any) -> None:
    with pytest.raises(ValidationError) as same:
        services.match_model_save(actor=admin, model=linkage.MatchModel.default(), note="No-op")
    assert "same as the one in use" in str(same.value)
    with pytest.raises(ValidationError) as blank:
        services.match_model_save(actor=admin, model=adjusted(automatic=0.97), note="   ")
    assert "note" in blank.value.message_dict
    assert not MatchModelVersion.objects.exists()
    assert not AuditEvent.objects.filter(record_type=services.RECORD_TYPE).exists()


def test_match_model_own_validation_refuses_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="thresholds"):
        adjusted(automatic=0.4, review=0.5)
    data = linkage.MatchModel.default().to_dict()
    data["comparisons"]["gender"]["exact"]["m"] = 0
    with pytest.raises(ValueError, match=r"gender\.exact"):
        linkage.MatchModel.from_dict(data)


def test_restore_adds_a_version_with_the_old_values(admin: Any) -> None:
    first = services.match_model_save(actor=admin, model=adjusted(automatic=0.99), note="One")
    services.match_model_save(actor=admin, model=adjusted(automatic=0.9), note="Two")
    restored = services.match_model_restore(actor=admin, version=first, note="Back to one")
    assert restored.pk not in (first.pk,) and restored.active
    assert restored.restored_from == first and restored.parameters == first.parameters
    assert selectors.active_match_model().automatic == 0.99
    assert MatchModelVersion.objects.count() == 3
    event = AuditEvent.objects.get(record_type=services.RECORD_TYPE, record_id=str(restored.pk))
    assert event.changes == {"thresholds.automatic": [0.9, 0.99]}
    assert event.detail.startswith(f"restores version {first.pk}")
    default_note = services.match_model_restore(
        actor=admin, version=MatchModelVersion.objects.get(note="Two")
    )
    assert default_note.note.startswith("Restored version")


def test_restoring_the_version_in_use_is_refused(admin: Any) -> None:
    version = services.match_model_save(actor=admin, model=adjusted(automatic=0.99), note="One")
    with pytest.raises(ValidationError):
        services.match_model_restore(actor=admin, version=version, note="Again")
    assert MatchModelVersion.objects.count() == 1


def test_a_version_is_never_edited_in_place(admin: Any) -> None:
    version = services.match_model_save(actor=admin, model=adjusted(automatic=0.99), note="One")
    version.note = "Rewritten"
    with pytest.raises(ValueError, match="never edited"):
        version.save()
    version.refresh_from_db()
    assert version.note == "One"


@pytest.mark.parametrize(
    "role", ["la_encompass_coordinator", "la_data_team", "business_unit_officer", "school_dsl"]
)
def test_only_the_business_unit_admin_may_change_the_model(role: str) -> None:
    someone = factories.person(role)
    with pytest.raises(PermissionDenied):
        services.match_model_save(actor=someone, model=adjusted(automatic=0.99), note="No")
    admin = factories.person("business_unit_admin")
    version = services.match_model_save(actor=admin, model=adjusted(automatic=0.99), note="Y")
    with pytest.raises(PermissionDenied):
        services.match_model_restore(actor=someone, version=version, note="No")
    assert MatchModelVersion.objects.count() == 1


def test_who_may_read_the_model() -> None:
    readers = {"business_unit_admin", "la_encompass_coordinator", "la_data_team"}
    for role in (
        "business_unit_admin",
        "la_encompass_coordinator",
        "la_data_team",
        "police_officer",
        "school_dsl",
        "practitioner",
    ):
        someone = factories.person(role)
        assert can(someone, Cap.VIEW_MATCH_MODEL) == (role in readers), role
        assert can(someone, Cap.MANAGE_MATCH_MODEL) == (role == "business_unit_admin"), role


def test_versions_are_listed_only_to_readers(admin: Any) -> None:
    services.match_model_save(actor=admin, model=adjusted(automatic=0.99), note="One")
    assert selectors.match_model_versions(actor=admin).count() == 1
    assert not selectors.match_model_versions(actor=factories.person("police_officer")).exists()


def _run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("children", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as leaving:
        code = int(leaving.code or 0)
    return out.getvalue(), err.getvalue(), code


def test_the_command_prints_and_uses_the_stored_model(admin: Any, tmp_path: Path) -> None:
    roll, children = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll.write_text(ROLL, encoding="utf-8")
    children.write_text(CHILDREN, encoding="utf-8")
    args = ("match", "--roll", str(roll), "--children", str(children))
    before, _, _ = _run(*args)
    assert f"INC-9,{upn(5)}," in before and "automatic" in before
    # An automatic threshold of 1 leaves nothing automatic: the command must follow it.
    services.match_model_save(actor=admin, model=adjusted(automatic=1.0), note="Check all")
    printed, _, _ = _run("model")
    assert linkage.MatchModel.from_json(printed).automatic == 1.0
    after, err, code = _run(*args)
    assert code == 0, err
    assert "automatic" not in after
    assert after.splitlines()[1].startswith(f"INC-9,{upn(5)},") and after.splitlines()[1].endswith(
        ",review"
    )
