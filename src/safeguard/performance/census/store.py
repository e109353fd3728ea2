"""Keep the census tables as Parquet files under a folder the caller owns, all or nothing.

``save`` writes the whole new set (the tables given, plus the tables already there that the
import does not replace) into a fresh sibling folder, and only when every file is written does it
swap that folder into place. A failure at any point leaves the previous data exactly as it was.
``connect`` opens an in-memory DuckDB whose views read those files (a table never imported reads
as empty), so the indicators run over the same SQL whether data came from a file just parsed
(``attach``) or from the store.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from safeguard.performance.census.schema import TABLES, empty


def save(folder: Path, tables: dict[str, pa.Table]) -> None:
    """Replace the named tables in ``folder`` (created if absent) atomically as a set."""
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown census tables: {', '.join(unknown)}")
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        con = duckdb.connect()
        try:
            for name in TABLES:
                target = staging / f"{name}.parquet"
                if name in tables:
                    table = tables[name].cast(TABLES[name])
                    con.register("incoming", table)
                    con.execute(f"COPY incoming TO '{_sql_path(target)}' (FORMAT parquet)")
                    con.unregister("incoming")
                elif (folder / f"{name}.parquet").is_file():
                    shutil.copy2(folder / f"{name}.parquet", target)
        finally:
            con.close()
        _swap(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` where ``folder`` is; the old folder is removed only once the new is in."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    os.rmdir(retired)
    os.rename(folder, retired)
    try:
        os.rename(staging, folder)
    except BaseException:
        os.rename(retired, folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per census table, reading the Parquet in ``folder``."""
    con = duckdb.connect()
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if path.is_file():
            # names come from TABLES and the path is quoted: no outside text reaches the SQL
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_path(path)}')")  # noqa: S608
        else:
            con.register(f"{name}_empty", empty(name))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_empty")  # noqa: S608
    return con


def attach(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over tables just parsed (absent tables read as empty)."""
    con = duckdb.connect()
    for name in TABLES:
        table = tables.get(name, empty(name))
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
    return con
