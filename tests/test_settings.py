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


def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    for weak in ("x", "short-but-random-" + secrets.token_urlsafe(8), "ab" * 40):
        result = subprocess.run(
            [SAFEGUARD, "check"],
            env=_production_env(tmp_path, SAFEGUARD_SECRET_KEY=weak),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0, weak
        assert "SAFEGUARD_SECRET_KEY is too weak for production" in result.stderr
        assert "at least 50 random characters with at least 5 different ones" in result.stderr


def test_a_new_sqlite_database_is_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "db.sqlite3"
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run(
        ["sh", "-c", f"umask 022 && {SAFEGUARD} migrate --no-input -v 0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert database.stat().st_size > 0
    for made in database.parent.iterdir():
        assert made.stat().st_mode & 0o077 == 0, made
