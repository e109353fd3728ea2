"""The Parquet store: a round trip, and all or nothing when an import fails part way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from safeguard.performance.census import store
from safeguard.performance.census.schema import to_arrow
from safeguard.performance.importers.census import cin_xml, ssda903_csv

FIXTURES = Path(__file__).parent / "fixtures"


def count(folder: Path, table: str) -> int:
    con = store.connect(folder)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608
    finally:
        con.close()


def test_round_trip_and_absent_tables_read_empty(tmp_path: Path) -> None:
    folder = tmp_path / "census"
    store.save(folder, cin_xml.parse(FIXTURES / "cin_census.xml"))
    assert count(folder, "cp_plans") == 3
    assert count(folder, "cla_episodes") == 0
    con = store.connect(folder)
    rows = con.execute("SELECT review_date FROM cp_reviews ORDER BY 1").fetchall()
    con.close()
    assert rows == [(date(2024, 8, 15),), (date(2025, 2, 1),)]


def test_a_second_import_keeps_the_tables_it_does_not_replace(tmp_path: Path) -> None:
    folder = tmp_path / "census"
    store.save(folder, cin_xml.parse(FIXTURES / "cin_census.xml"))
    store.save(folder, ssda903_csv.parse(FIXTURES / "ssda903"))
    assert count(folder, "cp_plans") == 3
    assert count(folder, "cla_episodes") == 4
    store.save(folder, {"cp_plans": to_arrow("cp_plans", [])})
    assert count(folder, "cp_plans") == 0
    assert count(folder, "children") == 3


def test_failure_part_way_leaves_the_previous_data_and_no_debris(tmp_path: Path) -> None:
    folder = tmp_path / "census"
    store.save(folder, cin_xml.parse(FIXTURES / "cin_census.xml"))
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    good_children = to_arrow("children", [{"child_id": "NEW1"}])
    # written after "children" (schema order), and its dates cannot be cast: the save fails late
    bad_plans = pa.table({"child_id": ["X"], "start_date": ["not a date"]})
    with pytest.raises(Exception):  # noqa: B017 (any failure must leave the data alone)
        store.save(folder, {"children": good_children, "cp_plans": bad_plans})
    after = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["census"]
    assert count(folder, "children") == 3


def test_unknown_table_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown census tables: pupils"):
        store.save(tmp_path / "census", {"pupils": pa.table({"a": [1]})})
    assert not (tmp_path / "census").exists()
