"""``safeguard census``: indicators and validation through call_command, on the fixtures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguard.core.models import AuditEvent
from safeguard.performance.importers.census import validators

FIXTURES = Path(__file__).parent / "fixtures"
CIN = str(FIXTURES / "cin_census.xml")
SSDA903 = str(FIXTURES / "ssda903")

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("census", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_indicators_as_csv_from_both_files() -> None:
    rows = run(
        "indicators", "--cin", CIN, "--ssda903", SSDA903, "--year", "2025", "--population", "10000"
    )
    values = {row["key"]: row for row in rows}
    assert list(rows[0]) == ["key", "name", "unit", "numerator", "denominator", "value"]
    assert values["cp_plans_at_end"]["value"] == "2.0"
    assert values["cp_plans_rate"]["value"] == "2.0"
    # SYN0001: strategy discussion 2 May 2024, conference 20 May (Monday 6 May a bank holiday:
    # 11 working days): in time. SYN0002: 10 January to 14 February 2025: late.
    assert (
        values["icpc_within_15_days"]["numerator"],
        values["icpc_within_15_days"]["denominator"],
    ) == ("1", "2")
    assert values["plans_lasting_2_years"]["value"] == "100.0"
    assert values["cla_at_end"]["value"] == "2.0"
    assert values["cla_dental_checks"]["value"] == "0.0"
    event = AuditEvent.objects.get(record_type="performance.census")
    assert event.action == "view"
    assert event.changes == {"cin": True, "ssda903": True}


def test_any_date_and_no_population_leaves_rates_empty() -> None:
    values = {r["key"]: r for r in run("indicators", "--cin", CIN, "--date", "2024-05-31")}
    assert values["cp_plans_at_end"]["value"] == "2.0"  # SYN0001, and SYN0003 until 1 June 2024
    assert values["cp_plans_rate"]["value"] == ""
    assert values["cla_at_end"]["value"] == "0.0"


def test_refused_file_lists_its_problems_and_prints_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<!DOCTYPE Message [<!ENTITY a "aaaa">]><Message/>')
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused for safety") as caught:
        call_command("census", "indicators", "--cin", str(bad), "--year", "2025", stdout=out)
    assert caught.value.returncode == 2
    assert out.getvalue() == ""
    assert not AuditEvent.objects.filter(record_type="performance.census").exists()


def test_xml_nested_200000_deep_is_refused_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.xml"
    deep.write_bytes(
        b"<Message><Header/><Children>"
        + b"<a>" * 200_000
        + b"</a>" * 200_000
        + b"</Children></Message>"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="nested more than"):
        call_command("census", "indicators", "--cin", str(deep), "--year", "2025", stdout=out)
    assert out.getvalue() == ""


def test_missing_file_and_bad_arguments_are_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--cin: no such file"):
        call_command("census", "indicators", "--cin", str(tmp_path / "none.xml"), "--year", "2025")
    with pytest.raises(CommandError, match="population"):
        call_command("census", "indicators", "--cin", CIN, "--year", "2025", "--population", "-4")


def test_validate_without_the_environment_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEGUARD_VALIDATORS_VENV", str(tmp_path / "none"))
    with pytest.raises(CommandError, match="validators not installed: run make validators"):
        call_command("census", "validate", "--cin", CIN, "--year", "2025")


@pytest.mark.skipif(
    not (validators.default_venv() / "bin" / "python").is_file(),
    reason="validators not installed: run make validators",
)
def test_validate_prints_the_findings() -> None:
    rows = run("validate", "--cin", CIN, "--year", "2025")
    assert list(rows[0]) == [
        "source",
        "rule",
        "kind",
        "table",
        "column",
        "child_id",
        "row",
        "value",
        "message",
    ]
    assert any(r["rule"] == "8750" and r["child_id"] == "SYN0002" for r in rows)
    event = AuditEvent.objects.get(record_type="performance.census")
    assert event.changes == {"source": "cin", "findings": len(rows)}
