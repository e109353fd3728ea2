"""Training the matching model on the partnership's own records: Splink's u by random
sampling and m by expectation maximisation, stored as a new audited version."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from safeguard.children import linkage, selectors, services, training
from safeguard.children.models import MatchModelVersion
from safeguard.core.models import AuditEvent
from tests import factories
from tests.children.test_linkage import upn
from tests.children.test_match_model_pages import signed_in

pytestmark = pytest.mark.django_db

FORENAMES = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Ella",
    "Finn",
    "Gia",
    "Hal",
    "Iris",
    "Jon",
    "Kit",
    "Lola",
    "Max",
    "Nia",
    "Otto",
    "Pia",
    "Rex",
    "Sia",
]
SURNAMES = [
    "Abbot",
    "Brook",
    "Crane",
    "Drake",
    "Eames",
    "Frost",
    "Grove",
    "Hale",
    "Irwin",
    "Joyce",
    "Keane",
    "Lowe",
    "Marsh",
]


def small_roll(size: int = 400) -> list[linkage.Person]:
    rng = random.Random(5)
    return [
        linkage.Person(
            upn(1000 + n),
            rng.choice(FORENAMES),
            rng.choice(SURNAMES) + rng.choice(["", "ley", "ton", "field"]),
            date(2010, 1, 1) + timedelta(days=rng.randrange(3000)),
            rng.choice("MF"),
            f"ZZ{rng.randint(1, 20)} {rng.randint(1, 9)}AB",
        )
        for n in range(size)
    ]


def incident_children(roll: list[linkage.Person], count: int = 150) -> list[linkage.Person]:
    """Pupils as police records show them: most clean, some with a typo, a swapped name, no
    date of birth or a new postcode."""
    rng = random.Random(6)
    children = []
    for n, pupil in enumerate(rng.sample(roll, count)):
        record = replace(pupil, key=f"C{n}")
        match n % 6:
            case 1:
                record = replace(record, forename=(record.forename or "") + "e")
            case 2:
                record = replace(record, forename=record.surname, surname=record.forename)
            case 3:
                record = replace(record, dob=None)
            case 4:
                record = replace(record, postcode="ZZ99 9ZZ")
        children.append(record)
    return children


@pytest.fixture
def admin() -> Any:
    return factories.person("business_unit_admin")


def test_training_changes_m_and_u_and_reports_the_decisions() -> None:
    roll = small_roll()
    before = linkage.MatchModel.default()
    result = training.train(incident_children(roll), roll, before, max_pairs=20_000)
    moved = [c for c in result.changes if c.m_after != c.m_before]
    assert len(moved) >= 5
    # Splink found the swapped names in the training children: a higher m than the default.
    swapped = next(c for c in result.changes if (c.comparison, c.level) == ("surname", "swapped"))
    assert swapped.m_after > swapped.m_before
    assert all(c.m_after >= training.M_FLOOR for c in result.changes)
    # Thresholds and prior are the partnership's choice, never trained.
    assert (result.model.automatic, result.model.review) == (before.automatic, before.review)
    assert sum(result.decisions_after.values()) == sum(result.decisions_before.values()) == 150


def test_training_needs_enough_children() -> None:
    roll = small_roll(50)
    with pytest.raises(ValueError, match="at least 20 incident children"):
        training.train(roll[:5], roll, linkage.MatchModel.default())


def test_training_stores_a_new_active_version_with_what_changed(admin: Any) -> None:
    roll = small_roll()
    version = services.match_model_train(
        actor=admin,
        children=incident_children(roll),
        roll=roll,
        note="Trained on the autumn term's incidents",
        max_pairs=20_000,
    )
    assert version.active and MatchModelVersion.objects.count() == 1
    assert selectors.active_match_model() == linkage.MatchModel.from_dict(version.parameters)
    assert selectors.active_match_model() != linkage.MatchModel.default()
    levels = {(row["comparison"], row["level"]): row for row in version.training["levels"]}
    assert (
        levels[("surname", "swapped")]["m_after"]
        == version.parameters["comparisons"]["surname"]["swapped"]["m"]
    )
    event = AuditEvent.objects.get(record_type=services.RECORD_TYPE, record_id=str(version.pk))
    assert "trained on 150 incident children" in event.detail


def test_only_those_who_manage_the_model_may_train_it() -> None:
    roll = small_roll()
    with pytest.raises(PermissionDenied):
        services.match_model_train(
            actor=factories.person("school_dsl"),
            children=incident_children(roll),
            roll=roll,
            note="No",
        )
    assert not MatchModelVersion.objects.exists()


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_the_command_trains_and_prints_before_and_after(tmp_path: Path, capsys: Any) -> None:
    roll = small_roll()

    def cells(p: linkage.Person) -> list[str]:
        dob = p.dob.isoformat() if p.dob else ""
        return [p.key, p.forename or "", p.surname or "", dob, p.gender or "", p.postcode or ""]

    roll_file = _write(
        tmp_path / "roll.csv",
        ["upn", "forename", "surname", "dob", "gender", "postcode", "school_urn"],
        [[*cells(p), "100001"] for p in roll],
    )
    children_file = _write(
        tmp_path / "children.csv",
        ["ref", "forename", "surname", "dob", "gender", "postcode"],
        [cells(c) for c in incident_children(roll)],
    )
    with pytest.raises(SystemExit) as exited:
        call_command(
            "children",
            "train-model",
            "--children",
            str(children_file),
            "--roll",
            str(roll_file),
            "--note",
            "Autumn term",
            "--max-pairs",
            "20000",
        )
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "is now in use, trained on 150 incident children and a roll of 400 pupils" in out
    assert "surname,swapped," in out
    assert MatchModelVersion.objects.get(active=True).note == "Autumn term"


def test_the_page_shows_what_the_training_changed(admin: Any) -> None:
    roll = small_roll()
    version = services.match_model_train(
        actor=admin,
        children=incident_children(roll),
        roll=roll,
        note="Autumn term",
        max_pairs=20_000,
    )
    html = signed_in(admin).get(reverse("children:match_model")).content.decode()
    assert "What the latest training changed" in html
    assert f"Version {version.pk} was estimated on" in html
    assert "from 150 incident children against a roll of 400 pupils" in html
    assert "Matched automatically" in html and "Sent to a person to review" in html
    swapped = version.parameters["comparisons"]["surname"]["swapped"]["m"]
    assert f">{swapped}<" in html
