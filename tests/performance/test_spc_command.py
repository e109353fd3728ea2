"""``safeguard spc``: through call_command, and once through the real installed executable."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguard.performance.importers.spc_csv import format_number

SAFEGUARD = str(Path(sys.executable).with_name("safeguard"))
HEADER = "date,value,mean,lower_limit,upper_limit,special_cause,variation,assurance"
TRIAL_NOTE = "note: fewer than 12 points: limits are trial limits"


def months(values, year: int = 2024) -> str:
    """A date,value CSV with one row per month from January."""
    rows = [f"{year + i // 12}-{i % 12 + 1:02d}-01,{v}" for i, v in enumerate(values)]
    return "\n".join(["date,value", *rows]) + "\n"


def run(tmp_path: Path, text: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("spc", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def refused(tmp_path: Path, text: str, *args: str) -> str:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("spc", str(path), *args, stdout=out, stderr=io.StringIO())
    assert caught.value.returncode == 2
    assert out.getvalue() == ""  # no partial output
    return str(caught.value)


# --- output -------------------------------------------------------------------------------------


def test_the_output_is_one_row_per_point_with_every_column(tmp_path: Path) -> None:
    out, err = run(tmp_path, months([10, 12, 11, 15]))
    assert out.splitlines() == [
        HEADER,
        "2024-01-01,10,12,5.793333333,18.20666667,none,common_cause,",
        "2024-02-01,12,12,5.793333333,18.20666667,none,common_cause,",
        "2024-03-01,11,12,5.793333333,18.20666667,none,common_cause,",
        "2024-04-01,15,12,5.793333333,18.20666667,none,common_cause,",
    ]
    assert err.strip() == TRIAL_NOTE


def test_numbers_are_printed_without_float_noise(tmp_path: Path) -> None:
    out, _ = run(tmp_path, months(["0.1", "0.2", "0.3"]))
    first = rows(out)[0]
    assert (first["value"], first["mean"]) == ("0.1", "0.2")
    assert first["upper_limit"] == "0.466"  # 0.2 + 2.66 x 0.1, exactly


@pytest.mark.parametrize(
    ("number", "printed"),
    [
        (Fraction(1, 3), "0.3333333333"),
        (Fraction(-2, 3), "-0.6666666667"),
        (Fraction(0), "0"),
        (Decimal("-0.000"), "0"),
        (Decimal("12.50"), "12.5"),
        (Decimal("1234567890123"), "1234567890000"),
        (Decimal("0.00000025"), "0.00000025"),
        (Fraction(7), "7"),
    ],
)
def test_format_number(number, printed) -> None:
    assert format_number(number) == printed


def test_a_value_exactly_on_the_limit_is_compared_as_written(tmp_path: Path) -> None:
    series = [11, 13, 12, 11, 10, 13, 10, 11, 10, 10, 10, 11, 10, 11, 15]
    last = rows(run(tmp_path, months(series))[0])[-1]
    assert (last["upper_limit"], last["special_cause"]) == ("15", "none")
    nudged = rows(run(tmp_path, months([*series[:-1], "15.0000001"]))[0])[-1]
    assert nudged["special_cause"] == "above_upper_limit"


def test_special_causes_and_variation_follow_the_direction(tmp_path: Path) -> None:
    series = [4, 0, 4, 0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 4, 0, 4]
    up = rows(run(tmp_path, months(series))[0])
    down = rows(run(tmp_path, months(series), "--improvement", "down")[0])
    neither = rows(run(tmp_path, months(series), "--improvement", "neither")[0])
    assert [r["special_cause"] for r in up][3:17] == ["run_increasing"] * 8 + ["run_decreasing"] * 6
    assert (up[5]["variation"], down[5]["variation"], neither[5]["variation"]) == (
        "improvement",
        "concern",
        "neutral_high",
    )
    assert (up[12]["variation"], down[12]["variation"], neither[12]["variation"]) == (
        "concern",
        "improvement",
        "neutral_low",
    )
    assert up[0]["variation"] == "common_cause"


@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("up", "14", "fail"),
        ("down", "14", "pass"),
        ("up", "7", "pass"),
        ("down", "7", "fail"),
        ("up", "10", "inconsistent"),
        ("neither", "14", ""),
    ],
)
def test_assurance_column(tmp_path: Path, improvement, target, assurance) -> None:
    # mean 10.5, mean moving range 1: limits 7.84 and 13.16
    out, err = run(tmp_path, months([10, 11] * 6), "--improvement", improvement, "--target", target)
    assert {r["assurance"] for r in rows(out)} == {assurance}
    assert err == ""  # 12 points: not trial limits


def test_unsorted_rows_are_sorted_by_date(tmp_path: Path) -> None:
    text = "date,value\n2024-03-01,3\n2024-01-01,1\n2024-02-01,2\n"
    out, _ = run(tmp_path, text)
    assert [(r["date"], r["value"]) for r in rows(out)] == [
        ("2024-01-01", "1"),
        ("2024-02-01", "2"),
        ("2024-03-01", "3"),
    ]


def test_header_order_case_spaces_and_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    out, _ = run(tmp_path, "\ufeff Value , DATE\n5,2024-01-01\n\n7,2024-02-01\n")
    assert [(r["date"], r["value"]) for r in rows(out)] == [
        ("2024-01-01", "5"),
        ("2024-02-01", "7"),
    ]


def test_recalculate_from_gives_two_periods(tmp_path: Path) -> None:
    text = months([10, 11] * 6 + [20, 21] * 6)
    out, err = run(tmp_path, text, "--recalculate-from", "2025-01-01", "--target", "15")
    result = rows(out)
    assert {(r["mean"], r["lower_limit"], r["upper_limit"]) for r in result[:12]} == {
        ("10.5", "7.84", "13.16")
    }
    assert {(r["mean"], r["lower_limit"], r["upper_limit"]) for r in result[12:]} == {
        ("20.5", "17.84", "23.16")
    }
    assert {r["special_cause"] for r in result} == {"none"}
    assert [r["assurance"] for r in result] == ["fail"] * 12 + ["pass"] * 12
    assert err == ""
    # Without it, the step change is special cause throughout.
    assert "none" not in {r["special_cause"] for r in rows(run(tmp_path, text)[0])}


def test_recalculate_from_a_date_between_points_starts_at_the_next(tmp_path: Path) -> None:
    text = months([10, 11] * 6 + [20, 21] * 6)
    out, _ = run(tmp_path, text, "--recalculate-from", "2024-12-15")
    assert rows(out)[12]["mean"] == "20.5"


def test_a_short_period_prints_the_trial_note(tmp_path: Path) -> None:
    text = months([10, 11] * 6 + [20, 21] * 3)
    _, err = run(tmp_path, text, "--recalculate-from", "2025-01-01")
    assert err.strip() == TRIAL_NOTE


def test_eleven_points_are_trial_limits_and_twelve_are_not(tmp_path: Path) -> None:
    assert run(tmp_path, months([10, 11] * 5 + [10]))[1].strip() == TRIAL_NOTE
    assert run(tmp_path, months([10, 11] * 6))[1] == ""


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        ("2024-01-01,1\n2024-02-01,2\n", "line 1: missing header"),
        ("date,value,notes\n2024-01-01,1,x\n", "unknown column(s) 'notes'"),
        ("when,value\n2024-01-01,1\n", "unknown column(s) 'when'"),
        ("date\n2024-01-01\n", "missing column(s) value"),
        ("date,value,value\n2024-01-01,1,2\n", "a column appears twice"),
        ("date,date\n2024-01-01,2024-01-02\n", "missing column(s) value"),
        ("date,value\n2024-01-01,1\n01/02/2024,2\n", "line 3, column date: '01/02/2024'"),
        (
            "date,value\n2024-01-01,1\n2024-02-30,2\n",
            "line 3, column date: '2024-02-30' is not a real",
        ),
        (
            "date,value\n2024-01-01,1\n2024-02-01,ten\n",
            "line 3, column value: 'ten' is not a number",
        ),
        ("date,value\n2024-01-01,1\n2024-02-01,NaN\n", "line 3, column value: 'NaN'"),
        ("date,value\n2024-01-01,1\n2024-02-01,1_000\n", "'1_000' is not a number"),
        ("date,value\n2024-01-01,1\n2024-02-01,1e400\n", "'1e400' is out of range"),
        ("date,value\n2024-01-01,1\n2024-02-01,\n", "line 3, column value: the value is empty"),
        ("date,value\n2024-01-01,1\n2024-02-01,2,3\n", "line 3: expected 2 fields"),
        (
            "date,value\n2024-01-01,1\n2024-02-01,2\n2024-01-01,3\n",
            "line 4: date 2024-01-01 appears twice (also on line 2)",
        ),
        ("date,value\n2024-01-01,1\n", "at least 2 rows are needed, found 1"),
        ("date,value\n", "at least 2 rows are needed, found 0"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path: Path, text, message) -> None:
    assert message in refused(tmp_path, text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--recalculate-from", "2023-06-01"], "on or before the first point"),
        (["--recalculate-from", "2024-01-01"], "on or before the first point"),
        (["--recalculate-from", "2030-01-01"], "no point on or after it"),
        (["--recalculate-from", "2024-04-01"], "every period needs at least 2 points"),
        (
            ["--recalculate-from", "2024-02-01", "--recalculate-from", "2024-01-15"],
            "starts at the same point as another",
        ),
    ],
)
def test_bad_recalculation_dates_are_refused(tmp_path: Path, args, message) -> None:
    assert message in refused(tmp_path, months([1, 2, 3, 4]), *args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "lots"], "'lots' is not a number"),
        (["--recalculate-from", "June"], "'June' is not a date"),
        (["--improvement", "sideways"], "invalid choice"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, args, message) -> None:
    path = tmp_path / "series.csv"
    path.write_text(months([1, 2, 3]), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("spc", str(path), *args, stdout=io.StringIO())


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as caught:
        call_command("spc", str(tmp_path / "absent.csv"), stdout=io.StringIO())
    assert caught.value.returncode == 2


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_bytes(b"date,value\n2024-01-01,\xff\n")
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("spc", str(path), stdout=io.StringIO())


# --- the real executable ------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEGUARD_", "DATABASE_URL"))}
    env.update(SAFEGUARD_ENV="test", SAFEGUARD_VAR_DIR=str(tmp_path))
    return env


def test_the_installed_command_writes_csv_and_the_note(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text(months([10, 12, 11, 15, 30]), encoding="utf-8")
    result = subprocess.run(
        [SAFEGUARD, "spc", str(path), "--improvement", "down", "--target", "100"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == HEADER
    assert result.stdout.splitlines()[5] == ("2024-05-01,30,15.6,0.97,30.23,none,common_cause,pass")
    assert result.stderr.strip() == TRIAL_NOTE


def test_the_installed_command_exits_2_on_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text("date,value\n2024-01-01,1\n2024-01-01,2\n", encoding="utf-8")
    result = subprocess.run(
        [SAFEGUARD, "spc", str(path)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "date 2024-01-01 appears twice" in result.stderr


def test_the_installed_command_reads_standard_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAFEGUARD, "spc", "-", "--improvement", "neither"],
        input=months([10, 11] * 6),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(rows(result.stdout)) == 12
    assert result.stderr == ""


def test_every_bad_row_is_listed_not_only_the_first(tmp_path: Path) -> None:
    """Issue 11 item 6: like the other importers, list every bad row."""
    text = (
        "date,value\n2024-01-01,1\n2024-02-30,2\n2024-03-01,ten\n2024-04-01,1,2\n"
        "2024-05-01,4\n2024-05-01,5\n"
    )
    message = refused(tmp_path, text)
    for expected in (
        "line 3, column date",
        "line 4, column value: 'ten' is not a number",
        "line 5: expected 2 fields",
        "line 7: date 2024-05-01 appears twice (also on line 6)",
    ):
        assert expected in message


def test_an_exponent_is_refused_as_the_readme_promises_plain_decimals(tmp_path: Path) -> None:
    message = refused(tmp_path, "date,value\n2024-01-01,1\n2024-02-01,1e3\n")
    assert "line 3, column value: '1e3' is not a plain decimal number" in message
