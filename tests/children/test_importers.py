"""GIAS, roll CSV and CTF imports: all or nothing, every bad row listed, hostile XML refused."""

from __future__ import annotations

import pytest

from safeguard.children.importers import ImportRejected
from safeguard.children.importers.ctf import import_ctf
from safeguard.children.importers.gias import import_gias
from safeguard.children.importers.roll import import_roll
from safeguard.children.models import Establishment, Pupil, RollImport
from safeguard.core.models import AuditEvent, Organisation
from tests import factories
from tests.encompass.data import ctf, ctf_pupil, gias_file, gias_row, roll_file, upn

pytestmark = pytest.mark.django_db


def _schools() -> None:
    import_gias(
        actor=None,
        data=gias_file(
            gias_row("900001", "Westmere Primary School", estab="2001"),
            gias_row("900002", "Harrow Lane Academy", estab="2002", phase="Secondary"),
        ),
        file_name="gias.csv",
    )


# --- GIAS ---------------------------------------------------------------------------------


def test_gias_creates_schools_with_their_register_details() -> None:
    result = import_gias(
        actor=None,
        data=gias_file(
            gias_row("900001", "Westmere Primary School"),
            gias_row("900003", "Old Mill Infants", status="Closed"),
            gias_row("800001", "Elsewhere School", la="888"),
        ),
        file_name="gias.csv",
        la_codes=["999"],
    )
    assert (result.created, result.updated) == (2, 0)
    school = Organisation.objects.get(urn="900001")
    assert (school.kind, school.name, school.la_code, school.active) == (
        "school",
        "Westmere Primary School",
        "999",
        True,
    )
    assert Organisation.objects.get(urn="900003").active is False
    assert not Organisation.objects.filter(urn="800001").exists()
    details = Establishment.objects.get(urn="900001")
    assert (details.phase, details.type_of_establishment, details.establishment_number) == (
        "Primary",
        "Community school",
        "2001",
    )
    assert AuditEvent.objects.filter(record_type="children.roll_import").count() == 1


def test_gias_again_updates_instead_of_duplicating() -> None:
    _schools()
    result = import_gias(
        actor=None,
        data=gias_file(gias_row("900001", "Westmere Primary School", status="Closed")),
        file_name="gias2.csv",
    )
    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.filter(urn="900001").count() == 1
    assert Organisation.objects.get(urn="900001").active is False
    assert Establishment.objects.get(urn="900001").status == "Closed"


def test_gias_adopts_a_hand_made_school_and_disambiguates_a_shared_name() -> None:
    hand_made = factories.organisation(kind="school", name="Westmere Primary School")
    import_gias(
        actor=None,
        data=gias_file(
            gias_row("900001", "Westmere Primary School"),
            gias_row("900004", "St Mary's Primary School", estab="2004"),
            gias_row("900005", "St Mary's Primary School", estab="2005"),
        ),
        file_name="gias.csv",
    )
    hand_made.refresh_from_db()
    assert hand_made.urn == "900001"
    assert Organisation.objects.get(urn="900005").name == "St Mary's Primary School (900005)"


def test_gias_reads_windows_1252() -> None:
    data = gias_file(gias_row("900006", "Ysgol Gymraeg Dewi Sant")).replace(
        b"Dewi Sant", "Dewi Sant \u2013 Caerdydd".encode("cp1252")
    )
    import_gias(actor=None, data=data, file_name="gias.csv")
    assert Organisation.objects.get(urn="900006").name.endswith("\u2013 Caerdydd")


def test_gias_with_bad_rows_lists_every_one_and_changes_nothing() -> None:
    data = gias_file(
        gias_row("900001", "Good School"),
        gias_row("12345", "Short URN School"),
        gias_row("900001", "Repeat School", la="99"),
    )
    with pytest.raises(ImportRejected) as caught:
        import_gias(actor=None, data=data, file_name="gias.csv")
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {(3, "URN"), (4, "URN"), (4, "LA (code)")}
    assert not Organisation.objects.filter(kind="school").exists()
    assert not RollImport.objects.exists()


def test_gias_without_a_required_column_names_it() -> None:
    with pytest.raises(ImportRejected) as caught:
        import_gias(actor=None, data=b"URN,EstablishmentName\n900001,A\n", file_name="g.csv")
    columns = {e.column for e in caught.value.errors}
    assert "LA (code)" in columns and "EstablishmentStatus (name)" in columns


# --- roll CSV -----------------------------------------------------------------------------


def test_roll_csv_puts_pupils_on_their_schools_rolls() -> None:
    _schools()
    result = import_roll(
        actor=None,
        data=roll_file(
            f"{upn(1)},Robin,Ashdown,2016-03-04,F,wm12bb,900001\n",
            f"{upn(2)},Sam,Birch,2012-11-30,,,900002\n",
        ),
        file_name="roll.csv",
    )
    assert result.created == 2
    robin = Pupil.objects.get(upn=upn(1))
    assert (robin.forename, robin.surname, str(robin.dob), robin.gender, robin.postcode) == (
        "Robin",
        "Ashdown",
        "2016-03-04",
        "F",
        "WM1 2BB",
    )
    assert robin.school.urn == "900001"
    assert Pupil.objects.get(upn=upn(2)).gender == ""


def test_roll_csv_is_the_whole_roll_of_each_school_it_names() -> None:
    _schools()
    import_roll(
        actor=None,
        data=roll_file(
            f"{upn(1)},Robin,Ashdown,2016-03-04,F,,900001\n",
            f"{upn(2)},Sam,Birch,2016-05-01,M,,900001\n",
            f"{upn(3)},Ali,Cole,2011-01-01,M,,900002\n",
        ),
        file_name="roll.csv",
    )
    result = import_roll(
        actor=None,
        data=roll_file(f"{upn(1)},Robin,Ashdown-Reed,2016-03-04,F,,900001\n"),
        file_name="roll2.csv",
    )
    assert (result.created, result.updated, result.left_roll) == (0, 1, 1)
    assert Pupil.objects.get(upn=upn(1)).surname == "Ashdown-Reed"
    assert Pupil.objects.get(upn=upn(2)).on_roll is False
    assert Pupil.objects.get(upn=upn(3)).on_roll is True  # the other school was not named


def test_roll_csv_with_bad_rows_lists_every_one_including_unknown_schools() -> None:
    _schools()
    data = roll_file(
        f"{upn(1)},Robin,Ashdown,2016-03-04,F,,900001\n",
        "A999200126001,Sam,Birch,2016-13-01,Q,,900001\n",
        f"{upn(3)},Ali,Cole,2011-01-01,M,,777777\n",
    )
    with pytest.raises(ImportRejected) as caught:
        import_roll(actor=None, data=data, file_name="roll.csv")
    found = {(e.line, e.column) for e in caught.value.errors}
    assert {(3, "upn"), (3, "dob"), (3, "gender"), (4, "school_urn")} <= found
    assert not Pupil.objects.exists()


def test_roll_csv_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ImportRejected):
        import_roll(actor=None, data=b"upn,forename\n\xff\xfe\n", file_name="roll.csv")


# --- CTF ----------------------------------------------------------------------------------


def test_ctf_adds_pupils_to_the_destination_school() -> None:
    _schools()
    data = ctf(
        ctf_pupil(upn(1)) + ctf_pupil(upn(2), forename="Sam", gender="M", postcode="wm13cc"),
        dest_urn="900002",
        source_urn="900001",
    )
    result = import_ctf(actor=None, data=data, file_name="in.xml")
    assert result.created == 2
    sam = Pupil.objects.get(upn=upn(2))
    assert (sam.forename, sam.gender, sam.postcode, sam.school.urn) == (
        "Sam",
        "M",
        "WM1 3CC",
        "900002",
    )


def test_ctf_finds_the_school_by_la_and_establishment_number() -> None:
    _schools()
    import_ctf(actor=None, data=ctf(ctf_pupil(upn(1))), file_name="in.xml")
    assert Pupil.objects.get(upn=upn(1)).school.urn == "900002"  # DestSchool 999/2002


def test_ctf_with_bad_pupils_lists_each_with_its_line() -> None:
    _schools()
    data = ctf(
        ctf_pupil(upn(1)) + "\n" + ctf_pupil("BADUPN", dob="04/03/2016") + ctf_pupil(upn(1)),
        dest_urn="900001",
    )
    with pytest.raises(ImportRejected) as caught:
        import_ctf(actor=None, data=data, file_name="in.xml")
    errors = caught.value.errors
    assert {e.column for e in errors} == {"Pupil/UPN", "Pupil/DOB"}
    assert all(e.line > 10 for e in errors)
    assert not Pupil.objects.exists()


BILLION_LAUGHS = """<!DOCTYPE CTfile [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>"""


def test_ctf_with_entity_expansion_is_refused_safely() -> None:
    _schools()
    data = ctf(ctf_pupil(upn(1), surname="&lol3;"), dest_urn="900001", prolog=BILLION_LAUGHS)
    with pytest.raises(ImportRejected) as caught:
        import_ctf(actor=None, data=data, file_name="in.xml")
    assert "DTD" in caught.value.errors[0].reason
    assert not Pupil.objects.exists()


def test_ctf_with_external_entity_is_refused() -> None:
    prolog = '<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    data = ctf(ctf_pupil(upn(1), surname="&x;"), dest_urn="900001", prolog=prolog)
    with pytest.raises(ImportRejected):
        import_ctf(actor=None, data=data, file_name="in.xml")


def test_malformed_xml_is_refused_with_its_line() -> None:
    with pytest.raises(ImportRejected) as caught:
        import_ctf(actor=None, data=b"<CTfile>\n<Header>\n</CTfile>", file_name="in.xml")
    assert caught.value.errors[0].line == 3


def test_ctf_for_an_unknown_school_is_refused() -> None:
    data = ctf(ctf_pupil(upn(1)), dest_urn="123456")
    with pytest.raises(ImportRejected) as caught:
        import_ctf(actor=None, data=data, file_name="in.xml")
    assert caught.value.errors[0].column == "Header"
