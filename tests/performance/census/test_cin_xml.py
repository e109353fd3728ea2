"""Parsing the CIN census XML: the synthetic fixture, hostile XML refused, bad values reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safeguard.performance.importers.census import cin_xml
from safeguard.performance.importers.census.problems import CensusFileRefused

FIXTURE = Path(__file__).parent / "fixtures" / "cin_census.xml"

MINIMAL = """<?xml version="1.0"?>
<Message>
  <Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>SYN1</LAchildID>
        <PersonBirthDate>{birth}</PersonBirthDate></ChildIdentifiers>
      <CINdetails><CINreferralDate>{referral}</CINreferralDate>
        <ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>
          <NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def refusal(data: bytes) -> CensusFileRefused:
    with pytest.raises(CensusFileRefused) as caught:
        cin_xml.parse(data, name="upload.xml")
    return caught.value


def test_fixture_parses_into_every_table() -> None:
    tables = cin_xml.parse(FIXTURE)
    counts = {name: table.num_rows for name, table in tables.items()}
    assert counts == {
        "cin_header": 1,
        "children": 3,
        "cin_episodes": 4,
        "assessments": 1,
        "section47": 2,
        "cp_plans": 3,
        "cp_reviews": 2,
    }
    header = tables["cin_header"].to_pylist()[0]
    assert header["reference_date"] == date(2025, 3, 31)
    assert header["la_code"] == "999"
    first = tables["section47"].to_pylist()[0]
    assert first["child_id"] == "SYN0001"
    assert first["strategy_discussion_date"] == date(2024, 5, 2)
    assert first["icpc_date"] == date(2024, 5, 20)
    assert first["icpc_not_required"] is False
    plans = tables["cp_plans"].to_pylist()
    assert [p["previous_plans"] for p in plans] == [0, 1, 0]
    assert plans[2]["end_date"] == date(2024, 6, 1)
    reviews = tables["cp_reviews"].to_pylist()
    assert [r["review_date"] for r in reviews] == [date(2024, 8, 15), date(2025, 2, 1)]
    episodes = tables["cin_episodes"].to_pylist()
    assert [(e["child_id"], e["episode"]) for e in episodes][-2:] == [
        ("SYN0003", 1),
        ("SYN0003", 2),
    ]
    assert episodes[-1]["referral_nfa"] is True
    unborn = tables["children"].to_pylist()[1]
    assert unborn["birth_date"] is None
    assert unborn["expected_birth_date"] == date(2025, 6, 1)
    assert tables["assessments"].to_pylist()[0]["factors"] == "2A,3A"


def test_namespaced_file_reads_the_same() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "<Message>", '<Message xmlns="http://www.dfe.gov.uk/CS/CIN">'
    )
    assert cin_xml.parse(text.encode())["cp_plans"].num_rows == 3


def test_billion_laughs_is_refused_without_expanding() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Header/><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""
    error = refusal(bomb)
    assert "refused for safety" in str(error)
    assert error.problems[0].file == "upload.xml"


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("NOT FOR YOU")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY leak SYSTEM "file://{secret}">]>
<Message><Header/><Children><Child><ChildIdentifiers><LAchildID>&leak;</LAchildID>
</ChildIdentifiers></Child></Children></Message>""".encode()
    error = refusal(xxe)
    assert "refused for safety" in str(error)
    assert "NOT FOR YOU" not in str(error)


def test_any_dtd_is_refused() -> None:
    error = refusal(b'<?xml version="1.0"?><!DOCTYPE Message><Message/>')
    assert "no DTD" in str(error)


def test_malformed_xml_is_refused_with_its_line() -> None:
    error = refusal(b"<Message>\n<Header>\n</Message>")
    assert error.problems[0].line == 3
    assert "not well-formed" in error.problems[0].reason


def test_wrong_root_and_missing_sections_are_refused() -> None:
    assert "root element must be Message" in str(refusal(b"<Return/>"))
    assert "must contain Header and Children" in str(refusal(b"<Message><Header/></Message>"))


def test_every_bad_value_is_listed_with_line_and_element() -> None:
    data = MINIMAL.format(birth="31/12/2015", referral="2024-13-01", previous="two").encode()
    problems = refusal(data).problems
    found = {(p.column, p.line) for p in problems}
    assert found == {("PersonBirthDate", 8), ("CINreferralDate", 9), ("NumberOfPreviousCPP", 11)}
    assert all(p.file == "upload.xml" for p in problems)


def test_good_minimal_file_parses() -> None:
    data = MINIMAL.format(birth="2015-12-31", referral="2024-05-01", previous="2").encode()
    tables = cin_xml.parse(data)
    assert tables["children"].to_pylist()[0]["birth_date"] == date(2015, 12, 31)
    assert tables["cp_plans"].to_pylist()[0]["previous_plans"] == 2


def test_missing_required_dates_and_ids_are_reported() -> None:
    data = (
        b"<Message><Header/><Children>"
        b"<Child><ChildIdentifiers/></Child>"
        b"<Child><ChildIdentifiers><LAchildID>SYN2</LAchildID></ChildIdentifiers>"
        b"<CINdetails><ChildProtectionPlans/></CINdetails></Child>"
        b"</Children></Message>"
    )
    columns = sorted(p.column for p in refusal(data).problems)
    assert columns == ["CINreferralDate", "CPPstartDate", "LAchildID"]


def test_a_problem_names_the_child_and_the_element_not_only_the_line() -> None:
    """Issue 11 item 6: a CIN census is often one long line; say whose record is at fault."""
    one_line = (
        b"<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails>"
        b"</Header><Children><Child><ChildIdentifiers><LAchildID>SYN0042</LAchildID>"
        b"</ChildIdentifiers><CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        b"<ChildProtectionPlans><CPPstartDate>20/05/2024</CPPstartDate></ChildProtectionPlans>"
        b"</CINdetails></Child></Children></Message>"
    )
    with pytest.raises(CensusFileRefused) as refused:
        cin_xml.parse(one_line)
    (problem,) = refused.value.problems
    assert (problem.child, problem.column) == ("SYN0042", "CPPstartDate")
    assert "child SYN0042, CPPstartDate" in str(problem)
