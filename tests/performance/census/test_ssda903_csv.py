"""Reading an SSDA903 return folder: the fixture, and every bad row reported with its place."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from safeguard.performance.importers.census import ssda903_csv
from safeguard.performance.importers.census.problems import CensusFileRefused

FIXTURE = Path(__file__).parent / "fixtures" / "ssda903"


def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "return"
    shutil.copytree(FIXTURE, folder)
    return folder


def refusal(folder: Path) -> list:
    with pytest.raises(CensusFileRefused) as caught:
        ssda903_csv.parse(folder)
    return caught.value.problems


def test_fixture_reads_every_table() -> None:
    tables = ssda903_csv.parse(FIXTURE)
    assert {n: t.num_rows for n, t in tables.items()} == {
        "cla_children": 3,
        "cla_episodes": 4,
        "cla_reviews": 2,
        "cla_health": 1,
    }
    episode = tables["cla_episodes"].to_pylist()[0]
    assert episode == {
        "child_id": "SYN9001",
        "start_date": date(2023, 1, 10),
        "reason_new_episode": "S",
        "legal_status": "C2",
        "cin_category": "N1",
        "placement": "U1",
        "end_date": date(2023, 6, 5),
        "reason_ended": "X1",
    }
    health = tables["cla_health"].to_pylist()[0]
    assert health["health_assessment"] is True
    assert health["teeth_check"] is False
    assert health["sdq_score"] == 12


def test_optional_files_may_be_absent(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "oc2.csv").unlink()
    (folder / "reviews.csv").unlink()
    tables = ssda903_csv.parse(folder)
    assert tables["cla_health"].num_rows == 0
    assert tables["cla_episodes"].num_rows == 4


def test_required_files_must_be_present(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "episodes.csv").unlink()
    problems = refusal(folder)
    assert [(p.file, p.column) for p in problems] == [("episodes.csv", "file")]


def test_missing_column_is_named(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "header.csv").write_text("CHILD,SEX\nSYN1,1\n")
    problems = refusal(folder)
    assert [(p.file, p.line, p.column) for p in problems] == [("header.csv", 1, "DOB")]


def test_every_bad_cell_is_listed_with_file_line_and_column(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,DEC,REC\n"
        "SYN9001,10/01/2023,S,C2,N1,U1,,\n"
        "SYN9002,2023-13-45,S,C2,N1,U1,,\n"
        ",01/02/2023,S,C2,N1,U1,31/02/2023,E11\n"
    )
    (folder / "oc2.csv").write_text("CHILD,HEALTH_ASSESSMENT,TEETH_CHECK\nSYN9001,yes,1\n")
    problems = refusal(folder)
    assert {(p.file, p.line, p.column) for p in problems} == {
        ("episodes.csv", 3, "DECOM"),
        ("episodes.csv", 4, "CHILD"),
        ("episodes.csv", 4, "DEC"),
        ("oc2.csv", 2, "HEALTH_ASSESSMENT"),
    }
    reasons = {p.column: p.reason for p in problems}
    assert "DD/MM/YYYY" in reasons["DECOM"]
    assert "1 or 0" in reasons["HEALTH_ASSESSMENT"]


def test_not_a_folder_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path / "absent")[0].reason == "is not a folder"


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "header.csv").write_bytes(b"CHILD,SEX,DOB\n\xff\xfe,1,01/01/2010\n")
    assert refusal(folder)[0].reason == "is not UTF-8 text"
