"""Run the data-to-insight validators (``csc-validator-be-cin``, ``csc-validator-be-903``).

They pin pandas < 2, numpy < 1.25 and an old ``govuk-bank-holidays``, so they live in a virtual
environment of their own, ``.venv-validators/`` (``make validators`` builds it from
``requirements-validators.txt``), and are run as a separate process: ``validator_runner.py``,
executed by that environment's Python, prints their findings as JSON and this module turns it
into rows. Their own ``run`` commands print a pandas DataFrame for people (cut short when long)
and import pytest, which is not among their dependencies, so the runner makes the same calls
they make and prints JSON instead.

The CIN file is parsed safely by ``cin_xml`` before it is ever handed over: the validator reads
XML with the standard library, so a hostile file must be refused here first.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safeguard.performance.importers.census import cin_xml, ssda903_csv

RUNNER = Path(__file__).with_name("validator_runner.py")
TIMEOUT_SECONDS = 900  # the least a run may take, however small the file
SECONDS_PER_MB = 120  # and this much more per MB of input: a large LA's file takes minutes
BEAT_SECONDS = 30  # how often ``beat`` is called while the validator runs
SSDA903_FILES = (
    "header.csv",
    "episodes.csv",
    "reviews.csv",
    "oc2.csv",
    "oc3.csv",
    "ad1.csv",
    "missing.csv",
    "placed_for_adoption.csv",
    "previous_permanence.csv",
    "uasc.csv",
    "sw_episodes.csv",
)


class ValidatorsUnavailable(Exception):
    """The validators' environment is missing or broken; the message says how to fix it."""


@dataclass(frozen=True)
class Finding:
    source: str  # "cin" or "ssda903"
    rule: str
    kind: str  # "Error" or "Query" as the validator classes it
    message: str
    table: str | None
    column: str | None
    child_id: str | None
    row: int | None  # 0-based row of the validator's table, as it reports it
    value: str | None


def default_venv() -> Path:
    """``$SAFEGUARD_VALIDATORS_VENV`` or ``.venv-validators`` at the root of the checkout."""
    configured = os.environ.get("SAFEGUARD_VALIDATORS_VENV")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[5] / ".venv-validators"


def python_of(venv: Path | None = None) -> Path:
    python = (venv or default_venv()) / "bin" / "python"
    if not python.is_file():
        raise ValidatorsUnavailable(f"validators not installed: run make validators (no {python})")
    return python


def timeout_for(
    size_bytes: int, *, base: int = TIMEOUT_SECONDS, per_mb: int = SECONDS_PER_MB
) -> int:
    """Seconds a validator run may take on ``size_bytes`` of input: ``base`` plus ``per_mb``
    for each started MB. A fixed limit either cut a large LA's file short or let a stuck run
    hold a worker for as long as the largest file could need."""
    megabytes = -(-max(size_bytes, 0) // 1_000_000)
    return base + per_mb * megabytes


def _no_beat() -> None:
    return None


def validate_cin(
    path: Path,
    *,
    year: int,
    venv: Path | None = None,
    timeout: int | None = None,
    beat: Callable[[], None] = _no_beat,
) -> list[Finding]:
    """Findings of the CIN validator for the collection year ending March ``year``.

    ``timeout`` defaults to ``timeout_for`` the file's size; ``beat`` is called every
    ``BEAT_SECONDS`` while the validator runs (a background job's heartbeat)."""
    cin_xml.parse(path)  # refuses hostile or malformed XML before the validator sees it
    limit = timeout if timeout is not None else timeout_for(path.stat().st_size)
    return _run("cin", [str(year), str(path.resolve())], venv, limit, beat)


def validate_ssda903(
    folder: Path,
    *,
    year: int,
    la_code: str | None = None,
    venv: Path | None = None,
    timeout: int | None = None,
    beat: Callable[[], None] = _no_beat,
) -> list[Finding]:
    """Findings of the SSDA903 validator for the files of a return folder."""
    ssda903_csv.parse(folder)
    files = [str((folder / name).resolve()) for name in SSDA903_FILES if (folder / name).is_file()]
    size = sum(Path(name).stat().st_size for name in files)
    limit = timeout if timeout is not None else timeout_for(size)
    return _run("ssda903", [str(year), la_code or "-", "--", *files], venv, limit, beat)


def _wait(
    process: subprocess.Popen[str], *, timeout: int, beat: Callable[[], None]
) -> tuple[str, str]:
    """The process's output, beating while it runs; ``TimeoutExpired`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        try:
            return process.communicate(timeout=max(0.01, min(BEAT_SECONDS, left)))
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                process.kill()
                process.communicate()
                raise
            beat()


def _run(
    source: str, args: list[str], venv: Path | None, timeout: int, beat: Callable[[], None]
) -> list[Finding]:
    python = python_of(venv)
    with subprocess.Popen(  # noqa: S603 (a fixed program and argument list, no shell)
        [str(python), "-I", str(RUNNER), source, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            stdout, stderr = _wait(process, timeout=timeout, beat=beat)
        except subprocess.TimeoutExpired:
            raise ValidatorsUnavailable(
                f"the {source} validator did not finish within {timeout} seconds"
            ) from None
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["no message"])[-1]
        if "ModuleNotFoundError" in last:
            raise ValidatorsUnavailable(f"validators not installed: run make validators ({last})")
        raise ValidatorsUnavailable(f"the {source} validator failed: {last}")
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        raise ValidatorsUnavailable(f"the {source} validator printed no report") from None
    return [
        Finding(
            source=source,
            rule=str(item.get("rule") or ""),
            kind=str(item.get("kind") or ""),
            message=str(item.get("message") or ""),
            table=item.get("table"),
            column=item.get("column"),
            child_id=item.get("child_id"),
            row=item.get("row"),
            value=item.get("value"),
        )
        for item in report["findings"]
    ]
