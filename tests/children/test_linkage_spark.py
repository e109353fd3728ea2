"""Splink's Spark backend gives the decisions, pupils and probabilities of DuckDB (ADR 0026).

The tests that run Spark need Java: without ``java`` on the PATH they are skipped, saying so.
One Spark session serves the whole module and is stopped at its end.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench import police_records
from django.core.management import call_command

from safeguard.children import linkage, linkage_spark
from safeguard.children.identifiers import upn_check_letter

NO_JAVA = "the Spark backend needs Java 17 or later and there is no java on the PATH"


@pytest.fixture(scope="module")
def spark() -> Iterator[None]:
    if shutil.which("java") is None:
        pytest.skip(NO_JAVA)
    try:
        yield
    finally:
        linkage_spark.stop()


def person(record: police_records.Record, household: str | None = None) -> linkage.Person:
    return linkage.Person(
        key=record.key,
        forename=record.forename or None,
        surname=record.surname or None,
        dob=record.dob,
        gender=record.gender or None,
        postcode=record.postcode or None,
        household=household or None,
        school_urns=(record.school_urn,) if record.school_urn else (),
        school_names=(record.school_name,) if record.school_name else (),
    )


@pytest.fixture(scope="module")
def records() -> tuple[list[linkage.Person], list[linkage.Person]]:
    """A 2,000-pupil roll; 60 children drawn alone and 100 named with their households."""
    pupils = police_records.roll(2_000)
    alone = police_records.incident_children(pupils, 60)
    households = police_records.household_incidents(pupils, 100)
    children = [person(c) for c in alone.children]
    children += [person(c, households.incident.get(c.key)) for c in households.children]
    return children, [person(p) for p in pupils]


def small_roll_model() -> linkage.MatchModel:
    """The default model counting term frequencies on a roll this small."""
    data = linkage.MatchModel.default().to_dict()
    data["prior"]["min_roll_size"] = 1_000
    return linkage.MatchModel.from_dict(data)


def test_spark_gives_the_decisions_pupils_and_probabilities_of_duckdb(
    spark: None, records: tuple[list[linkage.Person], list[linkage.Person]]
) -> None:
    # Term frequencies counted (the roll reaches the model's minimum), households weighed and
    # schools compared: every part of the scoring runs on Spark. (The command's test below runs
    # a roll too short for term frequencies.)
    children, roll = records
    model = small_roll_model()
    on_duckdb = linkage.match(children, roll, model, backend=linkage.DUCKDB)
    on_spark = linkage.match(children, roll, model, backend=linkage.SPARK)
    assert [(m.ref, m.decision, m.upn, m.candidates) for m in on_spark] == [
        (m.ref, m.decision, m.upn, m.candidates) for m in on_duckdb
    ]
    for duck, sparked in zip(on_duckdb, on_spark, strict=True):
        assert sparked.probability == pytest.approx(duck.probability, abs=1e-9, rel=1e-6)
        assert sparked.candidate_probabilities == pytest.approx(
            duck.candidate_probabilities, abs=1e-9, rel=1e-6
        )
    # The data reach every decision and the households' second scoring, so the comparison
    # above is not of empty lists.
    assert {m.decision for m in on_duckdb} == set(linkage.DECISIONS)


def upn(serial: int) -> str:
    body = f"{800000000000 + serial:012d}"
    return upn_check_letter(body) + body


ROLL = f"""upn,forename,surname,dob,gender,postcode,school_urn
{upn(1)},William,Smith,2015-03-14,M,ZZ1 1AB,100001
{upn(2)},Grace,Smith,2012-11-02,F,ZZ1 1AB,100001
{upn(3)},Eleanor,Whitworth,2011-02-07,F,ZZ3 9EF,100003
"""
CHILDREN = """ref,forename,surname,dob,gender,postcode
INC-9,Ellie,Whitworth,2011-02-07,F,zz39ef
INC-5,Theodore,Nakamura,2014-05-17,M,ZZ9 9XY
"""


def run_match(tmp_path: Path, *extra: str) -> tuple[list[list[str]], str]:
    (tmp_path / "roll.csv").write_text(ROLL, encoding="utf-8")
    (tmp_path / "children.csv").write_text(CHILDREN, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "children",
        "match",
        "--roll",
        str(tmp_path / "roll.csv"),
        "--children",
        str(tmp_path / "children.csv"),
        *extra,
        stdout=out,
        stderr=err,
    )
    return list(csv.reader(io.StringIO(out.getvalue()))), err.getvalue()


@pytest.mark.django_db
def test_the_match_command_takes_the_spark_backend(spark: None, tmp_path: Path) -> None:
    on_duckdb, _ = run_match(tmp_path)
    on_spark, err = run_match(tmp_path, "--backend", "spark")
    assert err == ""
    assert on_spark == on_duckdb
    assert [row[3] for row in on_spark[1:]] == ["automatic", "none"]


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend 'sqlite'"):
        linkage.match([linkage.Person("c", "A", "B", None, None, None)], [], backend="sqlite")


def test_the_comparisons_are_rewritten_in_sparks_sql() -> None:
    settings = linkage_spark.spark_settings(
        linkage.splink_settings(linkage.MatchModel.default(), 50_000)
    )
    conditions = " ".join(
        level["sql_condition"]
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
    )
    for duckdb_only in ("jaro_winkler_similarity(", "list_has_any(", "len(", "date_diff("):
        assert duckdb_only not in conditions
    assert "abs(datediff(dob_r, dob_l)) <= 366" in conditions
    assert "arrays_overlap(school_urns_l, school_urns_r)" in conditions
    assert "size(school_urns_l) = 0" in conditions
    assert (
        "(CASE WHEN forename_l IS NULL OR forename_r IS NULL THEN NULL"
        " ELSE jaro_winkler(forename_l, forename_r) END) >= 0.92"
    ) in conditions
    assert (
        "(CASE WHEN surname_l IS NULL OR surname_r IS NULL THEN NULL"
        " ELSE damerau_levenshtein(surname_l, surname_r) END) <= 1"
    ) in conditions
