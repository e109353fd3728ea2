"""The command refuses to run in an environment older than the checkout's lock file."""

from __future__ import annotations

import os
from pathlib import Path

from safeguard.cli import stale_environment


def test_a_lock_newer_than_the_install_is_refused_with_the_fix(tmp_path: Path) -> None:
    lock, marker = tmp_path / "requirements.lock", tmp_path / ".installed"
    marker.write_text("")
    lock.write_text("")
    os.utime(marker, (1_000, 1_000))
    os.utime(lock, (2_000, 2_000))
    assert "make install" in stale_environment(lock, marker)


def test_an_install_after_the_lock_or_no_checkout_runs(tmp_path: Path) -> None:
    lock, marker = tmp_path / "requirements.lock", tmp_path / ".installed"
    lock.write_text("")
    assert stale_environment(lock, marker) == ""  # no marker: not a make-installed checkout
    marker.write_text("")
    os.utime(lock, (1_000, 1_000))
    os.utime(marker, (2_000, 2_000))
    assert stale_environment(lock, marker) == ""
