"""Every importer fuzzed: arbitrary bytes, and files shaped like the real thing but wrong.

The contract of an importer (DESIGN.md, "all or nothing"): a file is either imported whole or
refused with the importer's own clear error (line, column, reason), and a refused file changes
no row. So for each importer and each generated file, the only outcomes allowed are "imported"
and "refused with <its refusal type>"; any other exception is a crash (a 500 page, a job that
fails with no reason given), and a refusal after which any of the importer's tables changed is a
partial import.

The importers: the children index (GIAS register, school roll CSV, Common Transfer File XML, the
``children`` command's CSVs), Encompass's police incident CSV, the scorecard's return files (CSV
and XLSX), the census upload (CIN census XML, SSDA903 CSVs or ZIP), ``safeguard spc``'s series
CSV, and child deaths' deprivation files (Indices of Deprivation, postcode lookup).

Files are built from the importer's real columns and from good sample rows, with cells swapped
for hostile values (NUL, quotes, stray carriage returns, huge numbers, very long cells, other
scripts' digits), columns dropped, doubled or added, rows too short or too long, and other
encodings. ``make test`` tries a modest number per importer; set ``SAFEGUARD_FUZZ_EXAMPLES``
(e.g. 2000) for a longer run.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from safeguard.child_deaths.importers.deprivation import (
    FileRefused,
    RowError,
    read_areas,
    read_postcodes,
)
from safeguard.child_deaths.services.deprivation import deprivation_replace
from safeguard.children.importers import ImportRejected
from safeguard.children.importers.ctf import import_ctf
from safeguard.children.importers.gias import import_gias
from safeguard.children.importers.roll import CsvError, import_roll, read_children, read_roll
from safeguard.encompass.importers.incident_csv import COLUMNS as INCIDENT_COLUMNS
from safeguard.encompass.importers.incident_csv import incidents_upload
from safeguard.performance.importers import returns_file
from safeguard.performance.importers.census import cin_xml, ssda903_csv
from safeguard.performance.importers.census import upload as census_upload
from safeguard.performance.importers.census.problems import CensusFileRefused, Problem
from safeguard.performance.importers.spc_csv import SpcInputError, read_series
from safeguard.performance.services.returns import ImportRefused, observations_import
from tests import factories
from tests.encompass.data import GIAS_HEADER, ROLL_HEADER, ctf, ctf_pupil, gias_row, upn

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the test's database is shared by its examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --- Files ---------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        '"',
        '""',
        "a\rb",
        "a\nb",
        "\ufeff",
        '=HYPERLINK("http://x")',
        "-1",
        "0",
        "9" * 40,
        "1e400",
        "NaN",
        "-0.0",
        "٣",  # another script's digit: str.isdigit() says yes, int() reads it
        "²",  # a digit to str.isdigit(), not to int()
        "2026-02-30",
        "0000-00-00",
        "31/12/9999",
        "9999-12-31T23:59:59+14:00",
        "x" * 300,
        "y" * 140_000,  # larger than the csv module's field limit
        "<Pupil>",
        "&amp;",
        "]]>",
        "Zoë O'Brien-Łukasz",
        "\u202e",
    ]
)
CELL = st.one_of(HOSTILE, st.text(max_size=12), st.from_regex(r"[0-9A-Z/ -]{0,12}", fullmatch=True))
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


def _write(rows: Iterable[list[str]], quoting: bool) -> str:
    if quoting:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()
    # Unquoted, as a hand-made file might be: commas and quotes inside cells break the shape.
    return "".join(",".join(row) + "\n" for row in rows)


@st.composite
def csv_files(draw: st.DrawFn, header: list[str], good_rows: list[list[str]]) -> bytes:
    """A CSV on the importer's columns: the header kept, shuffled, cut or added to; rows that are
    good, good with cells swapped for hostile ones, too short or too long; some encoding."""
    columns = list(header)
    shape = draw(st.sampled_from(["as is", "shuffled", "dropped", "doubled", "extra", "blank"]))
    if shape == "shuffled":
        columns = draw(st.permutations(columns))
    elif shape == "dropped" and columns:
        columns.pop(draw(st.integers(0, len(columns) - 1)))
    elif shape == "doubled" and columns:
        columns.append(draw(st.sampled_from(columns)))
    elif shape == "extra":
        columns.append(draw(CELL))
    elif shape == "blank":
        columns = []
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 5))):
        row = list(draw(st.sampled_from(good_rows))) if good_rows else []
        row = (row + [""] * len(header))[: len(header)]
        for index in draw(st.lists(st.integers(0, max(len(row) - 1, 0)), max_size=3)):
            if row:
                row[index] = draw(CELL)
        cut = draw(st.sampled_from(["whole", "short", "long"]))
        if cut == "short" and row:
            row = row[:-1]
        elif cut == "long":
            row = [*row, draw(CELL)]
        rows.append(row)
    text = _write([columns, *rows], draw(st.booleans()))
    return text.encode(draw(ENCODING), errors="replace")


def files(header: list[str], good_rows: list[list[str]]) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=600), csv_files(header, good_rows))


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


# --- The contract --------------------------------------------------------------------------------


def _counts(model_list: list[type[models.Model]]) -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in model_list}


def _models_of(*labels: str, but: Iterable[str] = ()) -> list[type[models.Model]]:
    left_out = set(but)
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in left_out
    ]


def all_or_nothing(
    run: Callable[[], object],
    refusals: tuple[type[BaseException], ...],
    tables: list[type[models.Model]],
) -> str:
    """Run an import: "imported", or "refused" with nothing changed; anything else fails."""
    before = _counts(tables)
    try:
        run()
    except refusals as refused:
        assert str(refused).strip(), "a refusal must say why"
        assert _counts(tables) == before, "a refused file changed rows: a partial import"
        event("refused, nothing changed")  # counted by --hypothesis-show-statistics
        return "refused"
    event("imported")
    return "imported"


CHILDREN_TABLES = ["children", "core"]
# The audit trail and the sign-in machinery are written by imports that succeed, never by a
# refusal; the tables are counted all the same.


@pytest.fixture
def unit_admin() -> Any:
    return factories.person("business_unit_admin")


@pytest.fixture
def schools() -> None:
    import_gias(
        actor=None,
        data=(GIAS_HEADER + gias_row("900001", "Westmere Primary School")).encode(),
        file_name="gias.csv",
    )


# --- The children index --------------------------------------------------------------------------

ROLL_GOOD = [
    _cells(f"{upn(1)},Robin,Ashdown,2016-03-04,F,WM1 2BB,900001"),
    _cells(f"{upn(2)},Sam,Birch,2012-11-30,,,900001"),
]


@FUZZ
@given(data=files(_cells(ROLL_HEADER.strip()), ROLL_GOOD))
# Found: a NUL in a cell failed the whole import with a server error on PostgreSQL.
@example(data=(ROLL_HEADER + f"{upn(1)},Rob\x00in,Ashdown,2016-03-04,F,,900001\n").encode())
def test_the_roll_csv(schools: None, data: bytes) -> None:
    all_or_nothing(
        lambda: import_roll(actor=None, data=data, file_name="roll.csv"),
        (ImportRejected,),
        _models_of(*CHILDREN_TABLES),
    )


GIAS_GOOD = [_cells(gias_row("900002", "Harrow Lane Academy", estab="2002").strip())]


@FUZZ
@given(data=files(_cells(GIAS_HEADER.strip()), GIAS_GOOD))
@example(data=(GIAS_HEADER + gias_row("900003", "Old\x00 Mill School")).encode())
def test_the_gias_register(data: bytes) -> None:
    all_or_nothing(
        lambda: import_gias(actor=None, data=data, file_name="gias.csv", la_codes=["999"]),
        (ImportRejected,),
        _models_of(*CHILDREN_TABLES),
    )


XML_HOSTILE = st.sampled_from(
    ["", "&", "<", "]]>", "&amp;", "<b>x</b>", "\x00", "x" * 200, "2016-02-30", "04/03/2016"]
)


@st.composite
def ctf_files(draw: st.DrawFn) -> bytes:
    values = {
        "upn_value": draw(st.sampled_from([upn(1), upn(2), "BADUPN"]) | XML_HOSTILE),
        "surname": draw(st.just("Ashdown") | XML_HOSTILE),
        "forename": draw(st.just("Robin") | XML_HOSTILE),
        "dob": draw(st.just("2016-03-04") | XML_HOSTILE),
        "gender": draw(st.sampled_from(["F", "M", "X"]) | XML_HOSTILE),
        "postcode": draw(st.just("WM1 2BB") | XML_HOSTILE),
    }
    pupils = ctf_pupil(**values) * draw(st.integers(0, 2))
    data = ctf(pupils, dest_urn=draw(st.sampled_from(["900001", "", "123", "<"])))
    cut = draw(st.integers(0, len(data)))
    return data if draw(st.booleans()) else data[:cut]


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), ctf_files()))
def test_the_common_transfer_file(schools: None, data: bytes) -> None:
    all_or_nothing(
        lambda: import_ctf(actor=None, data=data, file_name="pupils.xml"),
        (ImportRejected,),
        _models_of(*CHILDREN_TABLES),
    )


CHILDREN_GOOD = [_cells("C1,Robin,Ashdown,2016-03-04,F,WM1 2BB")]


@FUZZ
@given(data=files(["ref", "forename", "surname", "dob", "gender", "postcode"], CHILDREN_GOOD))
def test_the_children_commands_csvs(data: bytes) -> None:
    """``safeguard children`` reads a roll and a children file (it stores nothing)."""
    text = data.decode("utf-8", errors="replace")
    for read in (read_children, read_roll):
        try:
            read(io.StringIO(text, newline=""), name="file.csv")
        except CsvError as refused:
            assert str(refused).strip()


# --- Encompass: the police incident CSV ----------------------------------------------------------

INCIDENT_GOOD = [
    _cells(
        "WM/UP/0001,2026-10-13T19:00,incident,1 High St,Kim,Ashdown,1988-01-02,Lee,Ashdown,"
        "1985-05-06,P1,Robin,Ashdown,2016-03-04,F,1 High St,WM1 2BB,present,Bedroom,"
        "Heard shouting,"
    ),
    _cells("WM/UP/0002,2026-10-14T20:00,crime,2 Low Rd,Jo,Birch,1980-01-01,,,,,,,,,,,,,,"),
]


@FUZZ
@given(data=files(list(INCIDENT_COLUMNS), INCIDENT_GOOD))
@example(data=(",".join(INCIDENT_COLUMNS) + "\n" + ",".join(INCIDENT_GOOD[1])).encode())
@example(
    data=(
        ",".join(INCIDENT_COLUMNS) + "\n" + ",".join(INCIDENT_GOOD[1]).replace("Jo", "J\x00o")
    ).encode()
)
def test_the_police_incident_csv(police: Any, data: bytes) -> None:
    actor, force = police
    all_or_nothing(
        lambda: incidents_upload(actor=actor, force=force, data=data, file_name="incidents.csv"),
        # The page shows both: the file's problems, and a service rule the file broke.
        (ImportRejected, ValidationError),
        _models_of("encompass", "children"),
    )


@pytest.fixture
def police() -> tuple[Any, Any]:
    force = factories.organisation(name="Westmere Police", kind="police")
    return factories.person("police_officer", organisation_obj=force), force


# --- Performance: return files, the census, the SPC command --------------------------------------


RETURN_GOOD = [["children-seen", "2025-04", "12", "Fine"], ["children-seen", "2025-05", "1.5", ""]]


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _good_xlsx() -> bytes:
    """Made once: a workbook records when it was saved, and the examples must be repeatable."""
    return _xlsx([["indicator", "period", "value", "narrative"], *RETURN_GOOD])


@st.composite
def broken_xlsx(draw: st.DrawFn) -> bytes:
    """A real workbook with one of its parts replaced by junk, or cut short."""
    data = _good_xlsx()
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data)))]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    junk = draw(st.binary(max_size=200) | st.sampled_from([b"", b"<worksheet/>", b"<?xml"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            if name == victim and draw(st.booleans()):
                continue  # the part left out
            target.writestr(name, junk if name == victim else source.read(name))
    return out.getvalue()


@FUZZ
@given(
    name=st.sampled_from(["return.csv", "return.xlsx", "return.txt"]),
    data=st.one_of(files(list(returns_file.COLUMNS), RETURN_GOOD), broken_xlsx()),
)
# Found: a workbook whose sheet is not XML raised ParseError (a server error).
@example(name="return.xlsx", data=b"")
@example(name="return.csv", data=b"indicator,period,value,narrative\nx,2025-04,1,a\x00b\n")
def test_the_scorecard_return_files(unit_admin: Any, name: str, data: bytes) -> None:
    actor = unit_admin

    def run() -> None:
        rows = returns_file.read_upload(name, io.BytesIO(data), len(data))
        observations_import(actor=actor, rows=rows)

    all_or_nothing(run, (ImportRefused,), _models_of("performance"))


CIN_HOSTILE = st.sampled_from(
    ["", "&", "<", "x", "-1", "9" * 30, "2020-02-30", "1", "0", "true", "\u00e9", "]]>"]
)


CENSUS_FIXTURES = Path(__file__).parent / "performance" / "census" / "fixtures"
CIN_SAMPLE = (CENSUS_FIXTURES / "cin_census.xml").read_text(encoding="utf-8")
_TEXT_NODE = re.compile(r">([^<>]+)<")


@st.composite
def cin_files(draw: st.DrawFn) -> bytes:
    """The real sample census with some values swapped for hostile ones, or cut short."""
    spots = [m.span(1) for m in _TEXT_NODE.finditer(CIN_SAMPLE) if m.group(1).strip()]
    chosen = sorted(set(draw(st.lists(st.sampled_from(spots), max_size=4))), reverse=True)
    text = CIN_SAMPLE
    for begin, finish in chosen:
        text = text[:begin] + draw(CIN_HOSTILE) + text[finish:]
    data = text.encode()
    return data if draw(st.booleans()) else data[: draw(st.integers(0, len(data)))]


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), cin_files()))
def test_the_cin_census_xml(data: bytes) -> None:
    """The census import reads its files before it writes anything (``records_import``)."""
    try:
        cin_xml.parse(data, name="CIN census file")
    except CensusFileRefused as refused:
        assert refused.problems


def _sample(name: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((CENSUS_FIXTURES / "ssda903" / name).read_text())))
    return rows[0], rows[1:]


SSDA903_GOOD = {
    name: _sample(name) for name in ("header.csv", "episodes.csv", "reviews.csv", "oc2.csv")
}


@st.composite
def ssda903_sets(draw: st.DrawFn) -> dict[str, bytes]:
    chosen = draw(st.sets(st.sampled_from(sorted(SSDA903_GOOD)), min_size=0, max_size=2))
    return {
        name: draw(files(*SSDA903_GOOD[name]) if draw(st.booleans()) else st.binary(max_size=300))
        for name in sorted(chosen)
    }


@FUZZ
@given(given_files=ssda903_sets(), zipped=st.booleans())
# Found: a row with more cells than the header raised AttributeError (a server error).
@example(
    given_files={"header.csv": b"CHILD,SEX,DOB\nC1,1,01/01/2015,extra\n", "episodes.csv": b""},
    zipped=False,
)
def test_the_ssda903_files_and_zip(given_files: dict[str, bytes], zipped: bool) -> None:
    problems: list[Problem] = []
    if zipped:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in given_files.items():
                archive.writestr(name, data)
        archive_bytes = out.getvalue()
        uploads = [
            census_upload.Upload("return.zip", len(archive_bytes), io.BytesIO(archive_bytes))
        ]
    else:
        uploads = [
            census_upload.Upload(name, len(data), io.BytesIO(data))
            for name, data in given_files.items()
        ]
    read = census_upload.read_ssda903(uploads, problems)
    with tempfile.TemporaryDirectory() as folder:
        for name, data in read.items():
            (Path(folder) / name).write_bytes(data)
        try:
            ssda903_csv.parse(Path(folder))
        except CensusFileRefused as refused:
            assert refused.problems


@FUZZ
@given(data=files(["date", "value"], [["2025-01-01", "3"], ["2025-02-01", "4.5"]]))
# Found: a carriage return inside a cell ended the command in a csv.Error traceback.
@example(data=b"date,value\n2025-01-01,3\r4\n")
def test_the_spc_series_csv(data: bytes) -> None:
    """``safeguard spc`` reads its file as UTF-8 text and refuses anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # the command says so before reading (its own test covers the wording)
    try:
        read_series(text)
    except SpcInputError as refused:
        assert str(refused).strip()


# --- Child deaths: the deprivation lookup --------------------------------------------------------

AREAS_HEADER = [
    "LSOA code (2011)",
    "LSOA name (2011)",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
]
AREAS_GOOD = [["E01000001", "City of London 001A", "29199", "9"]]
POSTCODES_GOOD = [["WM1 2BB", "E01000001"]]


@FUZZ
@given(
    areas=files(AREAS_HEADER, AREAS_GOOD) | st.none(),
    postcodes=files(["pcds", "lsoa11"], POSTCODES_GOOD) | st.none(),
)
# Found: a stray carriage return (csv.Error), a 10-character area code or a NUL (server errors
# on PostgreSQL), a rank beyond any database integer.
@example(areas=(",".join(AREAS_HEADER) + "\nE01\r000001,A,1,1\n").encode(), postcodes=None)
@example(areas=None, postcodes=b"pcds,lsoa11\nWM1 2BB,E010000011\n")
@example(areas=None, postcodes=b"pcds,lsoa11\nWM1 2BB,E0100\x000\n")
@example(
    areas=(",".join(AREAS_HEADER) + "\nE01000001,A," + "9" * 30 + ",1\n").encode(),
    postcodes=None,
)
def test_the_deprivation_files(
    unit_admin: Any, areas: bytes | None, postcodes: bytes | None
) -> None:
    """As the import job reads them (UTF-8 only), then replaces the lookup."""
    actor = unit_admin

    def text(data: bytes | None) -> str | None:
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FileRefused([RowError(1, "", "the file is not UTF-8 text")]) from error

    def run() -> None:
        area_text, postcode_text = text(areas), text(postcodes)
        read_a = read_areas(area_text) if area_text is not None else []
        read_p = read_postcodes(postcode_text) if postcode_text is not None else []
        deprivation_replace(actor=actor, areas=read_a, postcodes=read_p)

    all_or_nothing(run, (FileRefused,), _models_of("child_deaths"))
