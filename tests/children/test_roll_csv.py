from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safeguard.children.identifiers import upn_check_letter
from safeguard.children.importers.common import RowError
from safeguard.children.importers.roll import (
    CsvError,
    read_children,
    read_children_file,
    read_roll,
    read_roll_file,
)

TODAY = date(2026, 11, 26)


def upn(serial: int) -> str:
    body = f"{800000000000 + serial:012d}"
    return upn_check_letter(body) + body


def lines(text: str) -> list[str]:
    return text.strip().splitlines(keepends=True)


def errors_of(call) -> list[RowError]:  # type: ignore[no-untyped-def]
    with pytest.raises(CsvError) as caught:
        call()
    return caught.value.errors


def test_reads_a_good_roll_with_columns_in_any_order_and_extras() -> None:
    text = f"""
school_urn,UPN,surname,forename,dob,gender,postcode,year_group
100001,{upn(1)},Smith,William,2015-03-14,M,zz1 1ab,5
100002,{upn(2).lower()},O'Brien,Katie,,,,
"""
    first, second = read_roll(lines(text), today=TODAY)
    assert first.school_urn == "100001"
    assert first.person.key == upn(1)
    assert (first.person.forename, first.person.surname) == ("William", "Smith")
    assert first.person.dob == date(2015, 3, 14)
    assert first.person.gender == "M"
    assert first.person.postcode == "zz1 1ab"  # normalised at matching, kept as given here
    assert second.person.key == upn(2)  # UPNs are upper-cased
    assert (second.person.dob, second.person.gender, second.person.postcode) == (None, None, None)


def test_every_bad_row_is_listed_and_nothing_is_returned() -> None:
    bad_check = ("A" if upn(3)[0] != "A" else "B") + upn(3)[1:]
    text = f"""
upn,forename,surname,dob,gender,postcode,school_urn
{upn(1)},William,Smith,2015-03-14,M,ZZ1 1AB,100001
{upn(2)},Grace,Smith,14/03/2015,F,ZZ1 1AB,100001
{bad_check},Jack,Brown,2016-06-21,M,ZZ2 4CD,100002
{upn(1)},Amelia,Brown,2016-06-21,Q,ZZ2 4CD,100002
,Eleanor,Whitworth,2030-01-01,F,ZZ3 9EF,100003
{upn(5)},Alfred,Patel,2019-08-30,M
"""
    found = errors_of(lambda: read_roll(lines(text), today=TODAY))
    assert [(e.line, e.column) for e in found] == [
        (3, "dob"),
        (4, "upn"),
        (5, "upn"),
        (5, "gender"),
        (6, "upn"),
        (6, "dob"),
        (7, "-"),
    ]
    reasons = {(e.line, e.column): e.reason for e in found}
    assert "YYYY-MM-DD" in reasons[(3, "dob")]
    assert "check letter" in reasons[(4, "upn")]
    assert "already on line 2" in reasons[(5, "upn")]
    assert "unknown gender code" in reasons[(5, "gender")]
    assert "is empty" in reasons[(6, "upn")]
    assert "in the future" in reasons[(6, "dob")]
    assert "5 cells" in reasons[(7, "-")]


def test_missing_columns_are_named() -> None:
    found = errors_of(lambda: read_roll(lines("upn,forename,dob,gender,postcode\n"), today=TODAY))
    assert [(e.line, e.column) for e in found] == [(1, "surname"), (1, "school_urn")]
    assert all("missing" in e.reason for e in found)


def test_empty_file_is_an_error() -> None:
    assert [e.line for e in errors_of(lambda: read_children([], today=TODAY))] == [1]


def test_message_lists_every_problem_with_line_and_column() -> None:
    text = "ref,forename,surname,dob,gender,postcode\nA,x,y,2015-02-30,M,\nA,x,y,,,\n"
    with pytest.raises(CsvError) as caught:
        read_children(lines(text), name="kids.csv", today=TODAY)
    message = str(caught.value)
    assert message.startswith("kids.csv: 2 problem(s), nothing was read")
    assert "line 2, column dob: '2015-02-30' is not a real date" in message
    assert "line 3, column ref: 'A' is already on line 2" in message


def test_reads_children_keeping_order_and_unknowns() -> None:
    text = """
ref,forename,surname,dob,gender,postcode
INC-2,Bill,Smith,2015-03-14,male,
INC-1,,,,U,ZZ1 1AB

INC-3,Ellie,Whitworth,2011-02-07,F,ZZ3 9EF
"""
    children = read_children(lines(text), today=TODAY)
    assert [c.key for c in children] == ["INC-2", "INC-1", "INC-3"]
    assert children[0].gender == "M"
    assert children[1].forename is None and children[1].gender is None
    assert children[1].postcode == "ZZ1 1AB"


def test_children_need_a_ref() -> None:
    text = "ref,forename,surname,dob,gender,postcode\n ,Bill,Smith,,,\n"
    [error] = errors_of(lambda: read_children(lines(text), today=TODAY))
    assert (error.line, error.column) == (2, "ref")


def test_files_utf8_with_bom_and_unreadable_files(tmp_path: Path) -> None:
    good = tmp_path / "children.csv"
    good.write_text("ref,forename,surname,dob,gender,postcode\nA,Zoë,Smith,,,\n", "utf-8-sig")
    [child] = read_children_file(good, today=TODAY)
    assert child.forename == "Zoë"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("upn,forename\nX,Zo\xeb\n".encode("latin-1"))
    assert "not UTF-8" in errors_of(lambda: read_roll_file(latin))[0].reason
    assert "cannot be read" in errors_of(lambda: read_roll_file(tmp_path / "absent.csv"))[0].reason


def test_a_newline_inside_a_quoted_cell_keeps_line_numbers_true() -> None:
    text = 'ref,forename,surname,dob,gender,postcode\nA,"Mary\nJane",Smith,,,\nB,x,y,1.1.2015,,\n'
    [error] = errors_of(lambda: read_children(lines(text), today=TODAY))
    assert (error.line, error.column) == (4, "dob")
