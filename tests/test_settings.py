"""The production posture: checked by starting the real command with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

SAFEGUARD = str(Path(sys.executable).with_name("safeguard"))


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # A clean environment: nothing of the test run's own (the browser tests relax Django's async
    # guard while they run, which a deploy check rightly refuses).
    skip = ("SAFEGUARD_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(
        SAFEGUARD_ENV="production",
        SAFEGUARD_SECRET_KEY=secrets.token_urlsafe(60),
        SAFEGUARD_ALLOWED_HOSTS="safeguard.example.invalid",
        SAFEGUARD_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def test_deploy_check_is_clean_in_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAFEGUARD, "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_mode_cannot_be_enabled_in_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAFEGUARD, "check"],
        env=_production_env(tmp_path, SAFEGUARD_DEMO="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SAFEGUARD_DEMO cannot be enabled" in result.stderr


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SAFEGUARD_SECRET_KEY"]
    result = subprocess.run(
        [SAFEGUARD, "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SAFEGUARD_SECRET_KEY must be set" in result.stderr
