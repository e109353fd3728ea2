"""Splink's scoring of children against a roll on Spark, local mode (ADR 0026). Pure of Django.

``linkage.match(..., backend="spark")`` comes here for Splink's predict alone: the children, the
roll and the term frequency tables that ``linkage`` prepared in DuckDB are handed to Spark as
Arrow, Splink scores every blocked pair there, and the pairs come back to the same DuckDB
connection as Arrow, where the household evidence, the normalising and the ranking run exactly
as on the DuckDB path. So both backends share every step but the one that grows with the roll,
and the same model gives the same decisions on either.

The comparisons are written once, in DuckDB's SQL (``linkage.LEVELS``); ``spark_sql`` rewrites
the few functions that Spark names otherwise. Jaro-Winkler and Damerau-Levenshtein come from
the similarity jar Splink ships for Spark 4 (``similarity_jar_location``), which Splink's
``SparkAPI`` registers as ``jaro_winkler`` and ``damerau_levenshtein``.

pyspark and Splink's Spark modules are imported only here and only when a match asks for
Spark: the rest of the service never needs Java. The session is created on first use and kept
for the life of the process (starting a JVM takes seconds); ``stop`` ends it. Spark's web UI is
off: it would show the records being linked to anyone who can reach its port.

Settings, from the environment (read when the session starts):

* ``SAFEGUARD_SPARK_MASTER``: the Spark master, default ``local[2]`` (this machine, two cores).
* ``SAFEGUARD_SPARK_MEMORY``: the driver's memory (local mode runs everything in the driver),
  default ``2g``; a roll of a few million pupils wants ``4g`` or more.
* ``SAFEGUARD_SPARK_PARTITIONS``: shuffle partitions, default 4 (two per core); Spark's own
  default of 200 spends more time scheduling empty tasks than scoring on one machine.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from itertools import count
from typing import Any

import duckdb

_lock = threading.Lock()
_session: Any = None
_names = count()

# DuckDB's spelling -> Spark's, for the functions ``linkage.LEVELS`` uses. ``len`` of a list is
# ``size`` of an array; ``date_diff('day', a, b)`` is ``datediff(b, a)``.
_FUNCTIONS = {
    "list_has_any": "arrays_overlap",
    "len": "size",
}
_DATE_DIFF = re.compile(r"date_diff\('day',\s*(\w+),\s*(\w+)\)")
# The jar's similarity functions are Java code handed a null as it is; DuckDB's give null for a
# null argument, and so do these once guarded.
_SIMILARITY = re.compile(r"\b(jaro_winkler_similarity|damerau_levenshtein)\((\w+),\s*(\w+)\)")
_JAR_NAMES = {
    "jaro_winkler_similarity": "jaro_winkler",
    "damerau_levenshtein": "damerau_levenshtein",
}


def _guarded(found: re.Match[str]) -> str:
    name, left, right = found.groups()
    return (
        f"(CASE WHEN {left} IS NULL OR {right} IS NULL THEN NULL"
        f" ELSE {_JAR_NAMES[name]}({left}, {right}) END)"
    )


# The columns of Splink's predictions that ``linkage`` reads.
_COLUMNS = ["source_dataset_l", "unique_id_l", "unique_id_r", "match_weight"]


def spark_sql(condition: str) -> str:
    """One comparison level's condition, from DuckDB's SQL to Spark's."""
    condition = _DATE_DIFF.sub(r"datediff(\2, \1)", condition)
    condition = _SIMILARITY.sub(_guarded, condition)
    for duckdb_name, spark_name in _FUNCTIONS.items():
        condition = re.sub(rf"\b{duckdb_name}\(", f"{spark_name}(", condition)
    return condition


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of Splink settings built for DuckDB (``linkage.splink_settings``), for Spark."""
    comparisons = [
        {
            **comparison,
            "comparison_levels": [
                {**level, "sql_condition": spark_sql(level["sql_condition"])}
                for level in comparison["comparison_levels"]
            ],
        }
        for comparison in settings["comparisons"]
    ]
    return {**settings, "comparisons": comparisons}


def session() -> Any:
    """The process's local Spark session, started on first use."""
    global _session
    with _lock:
        if _session is None:
            _session = _start()
        return _session


def _start() -> Any:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    partitions = os.environ.get("SAFEGUARD_SPARK_PARTITIONS", "4")
    spark = (
        SparkSession.builder.master(os.environ.get("SAFEGUARD_SPARK_MASTER", "local[2]"))
        .appName("safeguard-linkage")
        .config("spark.driver.memory", os.environ.get("SAFEGUARD_SPARK_MEMORY", "2g"))
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # py4j says at INFO when each connection closes, and does so while Python exits, when the
    # logging streams are already closed: a traceback on every run that used Spark.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return spark


def stop() -> None:
    """End the session (its JVM); the next match on Spark starts another."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None


def predictions(
    connection: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    *,
    term_frequency_columns: Sequence[str],
) -> str:
    """Score the tables ``children`` and ``roll`` of ``connection`` (and ``tf_<column>`` of
    each term frequency column) with Splink on Spark; the name of the table of ``connection``
    that now holds Splink's predictions (the columns ``linkage`` reads).

    One linkage at a time per process: Splink names its Spark views after the tables, so two
    at once would read each other's.
    """
    from splink import Linker, SparkAPI

    spark = session()
    with _lock:
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        tables = {"children": "a_children", "roll": "b_roll"}

        def frame(table: str) -> Any:
            return spark.createDataFrame(
                connection.sql(f"SELECT * FROM {table}").to_arrow_table()  # noqa: S608 - ours
            )

        try:
            linker = Linker(
                [db_api.register(frame(table), table_name=name) for table, name in tables.items()],
                spark_settings(settings),
                log_level=logging.WARNING,
            )
            for column in term_frequency_columns:
                linker.table_management.register_term_frequency_lookup(
                    db_api.register(frame(f"tf_{column}"), table_name=f"tf_{column}_lookup"),
                    column,
                )
            predicted = linker.inference.predict(warning_mode="never")
            found = predicted.as_spark_dataframe().select(*_COLUMNS).toArrow()
        finally:
            # Splink refuses to register a table under a name already taken: the next link
            # (the household pairs, the next match) registers the same names.
            for view in [*tables.values(), *(f"tf_{c}_lookup" for c in term_frequency_columns)]:
                spark.catalog.dropTempView(view)
            spark.catalog.clearCache()
    name = f"spark_predictions_{next(_names)}"
    connection.register(name, found)
    return name
