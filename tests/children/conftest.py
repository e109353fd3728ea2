"""Prepared rolls (``safeguard.children.prepared``) go to a folder of each test's own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _var_dir(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"
