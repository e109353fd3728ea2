"""Demo assurance records (filled below)."""

from __future__ import annotations


def add_demo_assurance(*, seed: int) -> int:
    return 0
