"""The demo partnership's action plan: filled in after the other modules' demo records."""

from __future__ import annotations


def add_demo_actions(*, seed: int) -> int:
    return 0
