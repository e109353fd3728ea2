"""Files that hold personal data or live links are created owner-only (0600; folders 0700).

The SQLite database holds every record; the development mail folder holds set-password links
that open accounts. Both are made before anything writes to them, with the owner's permissions
only, whatever the process's umask. No Django import here: settings calls this as it loads.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Make ``path`` (and missing parents) if needed, and leave it readable by its owner only."""
    folder = Path(path)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` empty if it is missing, and leave it readable by its owner only."""
    file = Path(path)
    descriptor = os.open(file, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(descriptor)
    file.chmod(FILE_MODE)
    return file


def sqlite_database(name: object) -> None:
    """An SQLite database file, owner-only before SQLite first opens it (not in memory)."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:"):
        return
    path = Path(text)
    if not path.parent.exists():
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    private_file(path)
