"""The import commands' work, callable from ``safeguard import_gias`` / ``import_roll`` /
``import_ctf`` and from the ``safeguard children import-*`` subcommands alike.

Each returns the exit status: 0 imported, 2 the file was refused (every problem on standard
error, nothing written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from safeguard.children.importers.common import ImportRejected, ImportResult, RowError

BAD_INPUT = 2


class Writer(Protocol):
    """Standard output or error: a file, or a management command's OutputWrapper."""

    def write(self, msg: str, /) -> object: ...


def _run(path: str, stdout: Writer, stderr: Writer, work: Callable[[bytes], ImportResult]) -> int:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        stderr.write(f"{path}: cannot be read ({error.strerror})\n")
        return BAD_INPUT
    try:
        result = work(data)
    except ImportRejected as rejected:
        stderr.write(f"{rejected}\n")
        return BAD_INPUT
    stdout.write(f"{path}: {result.summary()}\n")
    return 0


def run_gias(path: str, *, la_codes: Sequence[str] = (), stdout: Writer, stderr: Writer) -> int:
    from safeguard.children.importers.gias import import_gias

    return _run(
        path,
        stdout,
        stderr,
        lambda data: import_gias(actor=None, data=data, file_name=path, la_codes=la_codes),
    )


def run_roll(path: str, *, stdout: Writer, stderr: Writer) -> int:
    from safeguard.children.importers.roll import import_roll

    return _run(
        path, stdout, stderr, lambda data: import_roll(actor=None, data=data, file_name=path)
    )


def run_ctf(path: str, *, school_urn: str | None = None, stdout: Writer, stderr: Writer) -> int:
    from safeguard.children.importers.ctf import import_ctf

    return _run(
        path,
        stdout,
        stderr,
        lambda data: import_ctf(actor=None, data=data, file_name=path, school_urn=school_urn),
    )


__all__ = ["BAD_INPUT", "RowError", "run_ctf", "run_gias", "run_roll"]
