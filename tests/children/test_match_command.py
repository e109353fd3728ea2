from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from safeguard.children.identifiers import upn_check_letter
from safeguard.children.linkage import MatchModel

pytestmark = pytest.mark.django_db

EXECUTABLE = Path(sys.executable).parent / "safeguard"


def upn(serial: int) -> str:
    body = f"{800000000000 + serial:012d}"
    return upn_check_letter(body) + body


ROLL = f"""upn,forename,surname,dob,gender,postcode,school_urn
{upn(1)},William,Smith,2015-03-14,M,ZZ1 1AB,100001
{upn(2)},Grace,Smith,2012-11-02,F,ZZ1 1AB,100001
{upn(3)},Jack,Brown,2016-06-21,M,ZZ2 4CD,100002
{upn(4)},Amelia,Brown,2016-06-21,F,ZZ2 4CD,100002
{upn(5)},Eleanor,Whitworth,2011-02-07,F,ZZ3 9EF,100003
"""
CHILDREN = """ref,forename,surname,dob,gender,postcode
INC-9,Ellie,Whitworth,2011-02-07,F,zz39ef
INC-2,Bill,Smith,2015-03-14,,
INC-5,Theodore,Nakamura,2014-05-17,M,ZZ9 9XY
INC-3,Amelia,Brown,2016-06-21,F,ZZ2 4CD
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    roll, children = tmp_path / "roll.csv", tmp_path / "children.csv"
    roll.write_text(ROLL, encoding="utf-8")
    children.write_text(CHILDREN, encoding="utf-8")
    return roll, children


def run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("children", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as leaving:
        code = int(leaving.code or 0)
    return out.getvalue(), err.getvalue(), code


def test_match_writes_one_row_per_child_in_input_order(files: tuple[Path, Path]) -> None:
    roll, children = files
    out, err, code = run("match", "--roll", str(roll), "--children", str(children))
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["ref", "upn", "probability", "decision"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("INC-9", upn(5), "automatic"),
        ("INC-2", upn(1), "automatic"),
        ("INC-5", "", "none"),
        ("INC-3", upn(4), "automatic"),
    ]
    for row in rows[1:]:
        whole, _, decimals = row[2].partition(".")
        assert whole in {"0", "1"} and len(decimals) == 4
    assert float(rows[1][2]) >= 0.95
    assert rows[3][2] == "0.0000"


def test_an_adjusted_model_changes_the_decisions(files: tuple[Path, Path], tmp_path: Path) -> None:
    roll, children = files
    printed, _, _ = run("model")
    data = json.loads(printed)
    assert MatchModel.from_dict(data) == MatchModel.default()
    data["thresholds"] = {"automatic": 1.0, "review": 1.0}
    model = tmp_path / "model.json"
    model.write_text(json.dumps(data), encoding="utf-8")
    out, _, code = run(
        "match", "--roll", str(roll), "--children", str(children), "--model", str(model)
    )
    assert code == 0
    decisions = [row[3] for row in csv.reader(io.StringIO(out))][1:]
    assert "automatic" not in decisions


def test_bad_files_list_every_problem_and_write_nothing(
    tmp_path: Path,
) -> None:
    bad_roll = tmp_path / "bad_roll.csv"
    bad_roll.write_text(ROLL + f"{upn(1)},Again,Smith,2015-13-01,Q,,\n", encoding="utf-8")
    bad_children = tmp_path / "bad_children.csv"
    bad_children.write_text("ref,forename,surname,dob,gender\nA,x,y,,\n", encoding="utf-8")
    bad_model = tmp_path / "model.json"
    bad_model.write_text('{"thresholds": {}}', encoding="utf-8")
    out, err, code = run(
        "match",
        "--roll",
        str(bad_roll),
        "--children",
        str(bad_children),
        "--model",
        str(bad_model),
    )
    assert (out, code) == ("", 2)
    assert "line 7, column upn" in err and "already on line 2" in err
    assert "line 7, column dob" in err
    assert "line 7, column gender" in err
    assert "line 1, column postcode: required column is missing" in err
    assert "model.json: the model is missing" in err
    # personal data stays out of the messages: the bad forename is not echoed
    assert "Again" not in err


def test_missing_file_is_a_clear_error(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, children = files
    out, err, code = run(
        "match", "--roll", str(tmp_path / "absent.csv"), "--children", str(children)
    )
    assert (out, code) == ("", 2)
    assert "absent.csv" in err and "cannot be read" in err


def test_the_installed_executable(files: tuple[Path, Path]) -> None:
    roll, children = files
    env = {**os.environ, "SAFEGUARD_ENV": "test"}
    done = subprocess.run(
        [str(EXECUTABLE), "children", "match", "--roll", str(roll), "--children", str(children)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ref,upn,probability,decision"
    assert lines[1].startswith(f"INC-9,{upn(5)},") and lines[1].endswith(",automatic")
    assert lines[3] == "INC-5,,0.0000,none"
    failed = subprocess.run(
        [str(EXECUTABLE), "children", "match", "--roll", str(children), "--children", str(roll)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert "required column is missing" in failed.stderr
