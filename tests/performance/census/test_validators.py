"""The data-to-insight validators, run in their own environment.

The real validators run only where ``.venv-validators`` exists (``make validators``); without
it those tests skip and say so, and the wrapper's own message is tested instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.performance.importers.census import validators
from safeguard.performance.importers.census.problems import CensusFileRefused

FIXTURES = Path(__file__).parent / "fixtures"
HAVE_VALIDATORS = (validators.default_venv() / "bin" / "python").is_file()
needs_validators = pytest.mark.skipif(
    not HAVE_VALIDATORS,
    reason=f"validators not installed at {validators.default_venv()}: run make validators",
)


def test_missing_environment_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(validators.ValidatorsUnavailable, match="run make validators"):
        validators.validate_cin(FIXTURES / "cin_census.xml", year=2025, venv=tmp_path / "none")
    with pytest.raises(validators.ValidatorsUnavailable, match="validators not installed"):
        validators.validate_ssda903(FIXTURES / "ssda903", year=2025, venv=tmp_path / "none")


def test_environment_variable_chooses_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEGUARD_VALIDATORS_VENV", str(tmp_path / "elsewhere"))
    assert validators.default_venv() == tmp_path / "elsewhere"


def test_without_the_variable_the_environment_is_at_the_root_of_the_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The module's depth in the tree decides ``default_venv``: moving it must not move this."""
    monkeypatch.delenv("SAFEGUARD_VALIDATORS_VENV", raising=False)
    checkout = Path(__file__).resolve().parents[3]
    assert (checkout / "pyproject.toml").is_file()
    assert validators.default_venv() == checkout / ".venv-validators"


def test_hostile_file_is_refused_before_any_validator_runs(tmp_path: Path) -> None:
    hostile = tmp_path / "census.xml"
    hostile.write_text('<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message/>')
    with pytest.raises(CensusFileRefused):
        validators.validate_cin(hostile, year=2025, venv=tmp_path / "none")


def test_a_broken_environment_is_reported_not_crashed(tmp_path: Path) -> None:
    venv = tmp_path / "broken"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text(
        "#!/bin/sh\necho 'ModuleNotFoundError: No module named cin_validator' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    with pytest.raises(validators.ValidatorsUnavailable, match="run make validators"):
        validators.validate_cin(FIXTURES / "cin_census.xml", year=2025, venv=venv)


@needs_validators
def test_real_cin_validator_reports_the_fixture_problems() -> None:
    findings = validators.validate_cin(FIXTURES / "cin_census.xml", year=2025)
    by_rule = {(f.rule, f.child_id, f.column) for f in findings}
    # The unborn child's sex is not U, and the fixture's UPNs have no valid check letter.
    assert ("8750", "SYN0002", "ExpectedPersonBirthDate") in by_rule
    assert ("1510", "SYN0001", "UPN") in by_rule
    assert {f.kind for f in findings} <= {"Error", "Query"}
    upn = next(f for f in findings if f.rule == "1510")
    assert upn.value == "A999999999001"
    assert upn.table == "ChildIdentifiers"
    assert all(f.source == "cin" for f in findings)


@needs_validators
def test_real_903_validator_reports_the_fixture_problems() -> None:
    findings = validators.validate_ssda903(FIXTURES / "ssda903", year=2025)
    assert findings
    # SYN9003 is on a short break (V3) with no end date, beyond the 17 days allowed.
    assert any(f.rule == "365" and f.child_id == "SYN9003" for f in findings)
    assert all(f.source == "ssda903" for f in findings)


def test_the_time_limit_grows_with_the_file() -> None:
    assert validators.timeout_for(0) == validators.TIMEOUT_SECONDS
    assert validators.timeout_for(1) == validators.TIMEOUT_SECONDS + validators.SECONDS_PER_MB
    assert validators.timeout_for(1_000_000, base=10, per_mb=2) == 12
    assert validators.timeout_for(1_000_001, base=10, per_mb=2) == 14
    # a 75 MB file (a large LA's CIN census) has over half an hour
    assert validators.timeout_for(75_000_000) >= 900 + 75 * 30


def _slow_python(tmp_path: Path, seconds: float) -> Path:
    venv = tmp_path / "slow"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text(f"#!/bin/sh\nsleep {seconds}\necho '{{\"findings\": []}}'\n")
    fake.chmod(0o755)
    return venv


def test_a_validator_past_its_limit_is_stopped_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validators, "BEAT_SECONDS", 0.2)
    beats: list[int] = []
    with pytest.raises(validators.ValidatorsUnavailable, match="did not finish within 1 seconds"):
        validators.validate_cin(
            FIXTURES / "cin_census.xml",
            year=2025,
            venv=_slow_python(tmp_path, 30),
            timeout=1,
            beat=lambda: beats.append(1),
        )
    assert len(beats) >= 3  # the job's heartbeat went on while the validator ran


def test_a_slow_validator_within_its_limit_beats_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validators, "BEAT_SECONDS", 0.2)
    beats: list[int] = []
    findings = validators.validate_cin(
        FIXTURES / "cin_census.xml",
        year=2025,
        venv=_slow_python(tmp_path, 1),
        timeout=20,
        beat=lambda: beats.append(1),
    )
    assert findings == []
    assert beats
