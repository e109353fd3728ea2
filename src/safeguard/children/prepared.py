"""The school roll made ready for matching once, not once an incident (ADR 0027).

Matching a day's incident children against a roll of 500,000 pupils used to read and check the
roll CSV into ``Person`` objects and normalise every pupil again (names folded, nicknames,
postcodes, school names) on each run: about 12 of the 18 seconds end to end, for a roll that
changes once a term. A ``PreparedRoll`` holds the normalised table ``linkage.match`` compares
(``linkage.records_table``) and the UPN of each row; it is written as Parquet under
``SAFEGUARD_VAR_DIR/linkage/`` and named by the roll's digest, so a changed roll (a new file, a
roll import) is prepared afresh and an unchanged one is only loaded.

The digest of a roll CSV is the SHA-256 of its bytes; ``FORMAT`` is part of every name, so a
release that normalises differently never reads a table an older one wrote. A roll file that
was valid when prepared stays valid (the only check that depends on the day, a date of birth in
the future, can only become true of fewer rows as days pass), so a prepared roll is never
re-checked. Nothing here is personal data in a name or a log: files are named by digest only,
and the folder is the service's own (mode 0700).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from safeguard.children.linkage import Person, PreparedRoll, records_table

# Bump when ``linkage.records_table`` or ``normalise`` change what they write: older prepared
# rolls are then ignored (and rebuilt) rather than read.
FORMAT = 1
_KEY = "roll_key"
_CHUNK = 1 << 20


def prepare(people: Sequence[Person], *, digest: str = "") -> PreparedRoll:
    """Normalise the pupils once (the slow, per-pupil Python work)."""
    return PreparedRoll(records_table(people), [p.key for p in people], digest)


def folder() -> Path:
    """Where prepared rolls are kept: ``SAFEGUARD_VAR_DIR/linkage`` (created 0700)."""
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "linkage"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_for(digest: str, where: Path | None = None, *, source: str = "file") -> Path:
    """``source`` is where the roll came from (``file``, ``database``): each keeps its own."""
    return (where or folder()) / f"roll-{source}-v{FORMAT}-{digest}.parquet"


def save(roll: PreparedRoll, path: Path) -> None:
    """Write atomically: a reader never sees half a file, two writers never mix theirs."""
    table = roll.table.append_column(_KEY, pa.array(roll.keys, pa.string()))
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".roll-", suffix=".partial")
    os.close(handle)
    try:
        pq.write_table(table, partial, compression="zstd")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def load(path: Path, *, digest: str = "") -> PreparedRoll:
    table = pq.read_table(path)
    keys = table.column(_KEY).to_pylist()
    return PreparedRoll(table.drop_columns([_KEY]), keys, digest)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (a 500,000-pupil roll is about 40 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def cached(
    digest: str,
    build: Callable[[], Sequence[Person]],
    *,
    source: str = "file",
    where: Path | None = None,
) -> PreparedRoll:
    """The prepared roll of this digest: loaded if kept, else built from ``build()`` (which
    reads and checks the roll, raising its own errors), normalised and kept. Older prepared
    rolls of the same source are removed once a new one is kept."""
    path = path_for(digest, where, source=source)
    if path.exists():
        try:
            return load(path, digest=digest)
        except (OSError, pa.ArrowException):
            path.unlink(missing_ok=True)  # a damaged file is rebuilt, never trusted
    roll = prepare(build(), digest=digest)
    save(roll, path)
    prune(path, source=source)
    return roll


def prune(keep: Path, *, source: str = "file") -> None:
    """Remove every other prepared roll of this source: a pupil who left the roll must not stay
    on disk in a roll nobody uses."""
    for old in keep.parent.glob(f"roll-{source}-v*.parquet"):
        if old != keep:
            old.unlink(missing_ok=True)


def database_roll() -> PreparedRoll:
    """Every UPN on a roll in the database, prepared for matching: built and normalised only
    when the rolls changed (``selectors.roll_version``). A roll import queues this in the
    background (``children.tasks.roll_prepare``), so the first incident after it only loads."""
    from safeguard.children import selectors  # the models: only once Django is set up

    return cached(selectors.roll_version(), selectors.roll_people, source="database")
