"""The files of a census upload: a CIN census XML, and an SSDA903 set as CSV files or one ZIP.

An upload is untrusted. A ZIP is opened with caps that a ZIP bomb cannot pass: at most
``MAX_MEMBERS`` members, none nested in a folder of folders, each named as an SSDA903 file, and
at most ``MAX_UNCOMPRESSED`` bytes in all, counted as the bytes are actually inflated (the sizes
a ZIP declares can lie). Every problem is listed (file, reason), as the parsers do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from safeguard.performance.importers.census.problems import Problem
from safeguard.performance.importers.census.validators import SSDA903_FILES

MAX_UPLOAD = 512 * 1024 * 1024  # the CIN parser's own ceiling
MAX_MEMBERS = 20
MAX_UNCOMPRESSED = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    name: str
    size: int
    content: BinaryIO


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name.strip().lower()


def read_cin(upload: Upload, problems: list[Problem]) -> bytes | None:
    """The bytes of the CIN census file, or None with a problem listed."""
    if upload.size > MAX_UPLOAD:
        problems.append(Problem("CIN census file", None, "file", "is larger than 512 MB"))
        return None
    data = upload.content.read(MAX_UPLOAD + 1)
    if not data.strip():
        problems.append(Problem("CIN census file", None, "file", "is empty"))
        return None
    return data


def read_ssda903(uploads: Iterable[Upload], problems: list[Problem]) -> dict[str, bytes]:
    """The SSDA903 files by their DfE names (``header.csv`` ...), from CSV files or one ZIP."""
    files: dict[str, bytes] = {}
    items = list(uploads)
    for upload in items:
        name = _basename(upload.name)
        if name.endswith(".zip"):
            if len(items) > 1:
                problems.append(
                    Problem(name, None, "file", "send either one ZIP or the CSV files, not both")
                )
                continue
            files |= _unzip(name, upload, problems)
            continue
        _add(files, name, upload.content, upload.size, problems)
    return files


def _add(
    files: dict[str, bytes], name: str, content: BinaryIO, size: int, problems: list[Problem]
) -> None:
    if name not in SSDA903_FILES:
        problems.append(
            Problem(name, None, "file", "is not an SSDA903 file name, such as header.csv")
        )
        return
    if name in files:
        problems.append(Problem(name, None, "file", "was sent twice"))
        return
    if size > MAX_UNCOMPRESSED:
        problems.append(Problem(name, None, "file", "is larger than 256 MB"))
        return
    files[name] = content.read(MAX_UNCOMPRESSED + 1)


def _unzip(zip_name: str, upload: Upload, problems: list[Problem]) -> dict[str, bytes]:
    if upload.size > MAX_UPLOAD:
        problems.append(Problem(zip_name, None, "file", "is larger than 512 MB"))
        return {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.content.read(MAX_UPLOAD + 1)))
    except (zipfile.BadZipFile, OSError):
        problems.append(Problem(zip_name, None, "file", "is not a ZIP file that can be opened"))
        return {}
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            problems.append(
                Problem(zip_name, None, "file", f"has more than {MAX_MEMBERS} files; refused")
            )
            return {}
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED:
            problems.append(Problem(zip_name, None, "file", "unpacks to more than 256 MB; refused"))
            return {}
        files: dict[str, bytes] = {}
        budget = MAX_UNCOMPRESSED
        for member in members:
            name = _basename(member.filename)
            if name not in SSDA903_FILES or name in files:
                _add(files, name, io.BytesIO(), 0, problems)  # lists the right problem
                continue
            try:
                data = _inflate(archive, member, budget)
            except ValueError as refused:
                problems.append(Problem(zip_name, None, name, str(refused)))
                return {}
            budget -= len(data)
            files[name] = data
        return files


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes; ValueError as soon as they pass ``budget`` (whatever it declared)."""
    parts: list[bytes] = []
    total = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > budget:
                    raise ValueError("unpacks to more than 256 MB; refused")
                parts.append(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise ValueError("cannot be unpacked (damaged or encrypted)") from None
    return b"".join(parts)
