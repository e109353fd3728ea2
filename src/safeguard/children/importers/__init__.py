"""File formats that fill the child index: GIAS establishments, school rolls (CSV and CTF XML).

Each importer is all or nothing: it reads the whole file, lists every bad row (line, column,
reason) in ``ImportRejected`` and writes nothing, or writes everything in one transaction.
"""

from safeguard.children.importers.common import ImportRejected, ImportResult

__all__ = ["ImportRejected", "ImportResult"]
