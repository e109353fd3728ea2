"""The roll prepared once for matching (ADR 0027): loaded when unchanged, rebuilt when changed,
and matched exactly as the list of pupils it was made from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safeguard.children import linkage, prepared
from safeguard.children.importers import roll as roll_csv
from safeguard.children.importers.roll import CsvError, read_children_file, read_roll_file
from tests.children.test_match_command import CHILDREN, ROLL, upn


def _files(tmp_path: Path, roll: str = ROLL) -> tuple[Path, Path]:
    roll_path, children_path = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll_path.write_text(roll, encoding="utf-8")
    children_path.write_text(CHILDREN, encoding="utf-8")
    return roll_path, children_path


def test_a_prepared_roll_matches_as_the_pupils_it_was_made_from(tmp_path: Path) -> None:
    roll_path, children_path = _files(tmp_path)
    children = read_children_file(children_path)
    people = [pupil.person for pupil in read_roll_file(roll_path)]
    ready = roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    assert len(ready) == len(people) == 5
    assert ready.keys == [p.key for p in people]
    assert linkage.match(children, ready) == linkage.match(children, people)
    assert any(m.decision == linkage.AUTOMATIC for m in linkage.match(children, ready))


def test_an_unchanged_roll_is_loaded_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roll_path, _ = _files(tmp_path)
    first = roll_csv.prepared_roll_file(roll_path, where=tmp_path)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the roll was read again")

    monkeypatch.setattr(roll_csv, "read_roll_file", refuse)
    again = roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    assert again.digest == first.digest
    assert again.keys == first.keys
    assert again.table.equals(first.table)


def test_a_changed_roll_is_prepared_afresh_and_the_old_one_removed(tmp_path: Path) -> None:
    roll_path, _ = _files(tmp_path)
    first = roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    roll_path.write_text(ROLL + f"{upn(6)},Noah,Patel,2014-01-09,M,ZZ4 1GH,100001\n")
    second = roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    assert second.digest != first.digest
    assert second.keys[-1] == upn(6)
    kept = sorted(p.name for p in tmp_path.glob("roll-*.parquet"))
    assert kept == [prepared.path_for(second.digest, tmp_path).name]


def test_a_damaged_prepared_roll_is_rebuilt(tmp_path: Path) -> None:
    roll_path, _ = _files(tmp_path)
    first = roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    prepared.path_for(first.digest, tmp_path).write_bytes(b"not parquet")
    assert roll_csv.prepared_roll_file(roll_path, where=tmp_path).keys == first.keys


def test_a_bad_roll_gives_the_readers_own_problems_and_keeps_nothing(tmp_path: Path) -> None:
    bad = ROLL + "A00000000000,Noah,Patel,2014-13-09,X,ZZ4 1GH,100001\n"
    roll_path, _ = _files(tmp_path, bad)
    with pytest.raises(CsvError) as direct:
        read_roll_file(roll_path)
    with pytest.raises(CsvError) as through:
        roll_csv.prepared_roll_file(roll_path, where=tmp_path)
    assert [str(e) for e in through.value.errors] == [str(e) for e in direct.value.errors]
    assert len(through.value.errors) == 2  # the UPN and the date
    assert not list(tmp_path.glob("roll-*.parquet"))


def test_a_missing_roll_file_says_it_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="cannot be read"):
        roll_csv.prepared_roll_file(tmp_path / "absent.csv", where=tmp_path)


@pytest.mark.django_db
def test_the_database_rolls_version_changes_with_every_change_matching_reads() -> None:
    from safeguard.children.models import Pupil
    from safeguard.children.selectors import roll_version
    from tests import factories

    school = factories.organisation(kind="school", urn="900001")
    first = Pupil.objects.create(
        upn=upn(1), forename="Robin", surname="Hale", postcode="ZZ1 1AB", school=school
    )
    before = roll_version()
    ready = prepared.database_roll()
    assert ready.keys == [upn(1)] and ready.digest == before
    assert prepared.database_roll().table.equals(ready.table)
    seen = {before}
    second = Pupil.objects.create(upn=upn(2), forename="Jo", surname="Hale", school=school)
    assert roll_version() not in seen
    seen.add(roll_version())
    for change in (
        lambda: first.save(update_fields=["forename", "updated_at"]),
        lambda: Pupil.objects.filter(pk=second.pk).update(on_roll=False),
        lambda: school.__class__.objects.filter(pk=school.pk).update(name="Hale Lane Primary"),
    ):
        change()
        assert roll_version() not in seen
        seen.add(roll_version())
    assert prepared.database_roll().keys == [upn(1)]


@pytest.mark.django_db
def test_a_roll_import_prepares_the_rolls_in_the_background(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first incident after a roll import only loads the prepared roll: the import queued
    its preparation, and the worker did it."""
    from safeguard.children.selectors import roll_version
    from safeguard.core import worker
    from tests import factories
    from tests.encompass.data import roll_file

    factories.organisation(kind="school", urn="900001")
    with django_capture_on_commit_callbacks(execute=True):
        roll_csv.import_roll(
            actor=None,
            data=roll_file(f"{upn(1)},Robin,Ashdown,2016-03-04,F,,900001\n"),
            file_name="roll.csv",
        )
    assert not prepared.path_for(roll_version(), source="database").exists()
    assert worker.run_queued_tasks(worker_id="test") == 1
    assert prepared.path_for(roll_version(), source="database").exists()

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the rolls were prepared again")

    monkeypatch.setattr(prepared, "prepare", refuse)
    assert prepared.database_roll().keys == [upn(1)]
