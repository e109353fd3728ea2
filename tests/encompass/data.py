"""Synthetic test data shared by the Encompass and child index tests: never a real child."""

from __future__ import annotations

from safeguard.children.identifiers import upn_check_letter

GIAS_HEADER = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,"
    "TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),Postcode\n"
)


def upn(serial: int, la: str = "999", estab: str = "2001") -> str:
    body = f"{la}{estab}26{serial:03d}"
    return upn_check_letter(body) + body


def gias_row(
    urn: str,
    name: str,
    *,
    la: str = "999",
    estab: str = "2001",
    status: str = "Open",
    phase: str = "Primary",
    kind: str = "Community school",
) -> str:
    return f'{urn},{la},Westmere,{estab},"{name}",{kind},{status},{phase},WM1 1AA\n'


def gias_file(*rows: str) -> bytes:
    return (GIAS_HEADER + "".join(rows)).encode()


ROLL_HEADER = "upn,forename,surname,dob,gender,postcode,school_urn\n"


def roll_file(*rows: str) -> bytes:
    return (ROLL_HEADER + "".join(rows)).encode()


def ctf(pupils: str, *, dest_urn: str = "", source_urn: str = "", prolog: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>24.0</CTFversion>
    <SourceSchool><LEA>999</LEA><Estab>2001</Estab><URN>{source_urn}</URN></SourceSchool>
    <DestSchool><LEA>999</LEA><Estab>2002</Estab><URN>{dest_urn}</URN></DestSchool>
  </Header>
  <CTFpupilData>
{pupils}
  </CTFpupilData>
</CTfile>
""".encode()


def ctf_pupil(
    upn_value: str,
    surname: str = "Ashdown",
    forename: str = "Robin",
    dob: str = "2016-03-04",
    gender: str = "F",
    postcode: str = "WM1 2BB",
) -> str:
    return f"""    <Pupil>
      <UPN>{upn_value}</UPN>
      <Surname>{surname}</Surname>
      <Forename>{forename}</Forename>
      <DOB>{dob}</DOB>
      <Gender>{gender}</Gender>
      <Address><BS7666Address><PAON>1</PAON><Street>High Street</Street>
      <PostCode>{postcode}</PostCode></BS7666Address></Address>
    </Pupil>"""
