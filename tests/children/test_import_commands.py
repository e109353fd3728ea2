"""The import commands: exit 0 with a summary, or exit 2 with every problem and no change."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safeguard.children.models import Pupil
from safeguard.core.models import Organisation
from tests.encompass.data import ctf, ctf_pupil, gias_file, gias_row, roll_file, upn

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_gias_roll_and_ctf_commands(tmp_path: Path) -> None:
    gias = tmp_path / "gias.csv"
    gias.write_bytes(
        gias_file(
            gias_row("900001", "Westmere Primary School"), gias_row("800001", "Far", la="888")
        )
    )
    status, out, _ = _run("children", "import-gias", str(gias), "--la", "999")
    assert status == 0 and "1 created" in out
    roll = tmp_path / "roll.csv"
    roll.write_bytes(roll_file(f"{upn(1)},Robin,Ashdown,2016-03-04,F,,900001\n"))
    assert _run("children", "import-roll", str(roll))[0] == 0
    xml = tmp_path / "in.xml"
    xml.write_bytes(ctf(ctf_pupil(upn(2))))
    status, out, _ = _run("children", "import-ctf", str(xml), "--school", "900001")
    assert status == 0 and "1 created" in out
    assert Pupil.objects.filter(school__urn="900001").count() == 2


def test_a_refused_file_exits_2_listing_problems(tmp_path: Path) -> None:
    gias = tmp_path / "gias.csv"
    gias.write_bytes(gias_file(gias_row("9001", "Bad"), gias_row("900002", "Good")))
    status, _, err = _run("children", "import-gias", str(gias))
    assert status == 2
    assert "line 2, column URN" in err
    assert not Organisation.objects.filter(kind="school").exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    status, _, err = _run("children", "import-roll", str(tmp_path / "nope.csv"))
    assert status == 2 and "cannot be read" in err
