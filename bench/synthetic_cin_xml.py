"""A synthetic CIN census XML file of any number of children, for the import benchmark.

Written here from the DfE's published CIN census schema, independently of the parser measured
(``performance.importers.census.cin_xml``). Every identifier and date is made up from a seeded
random generator: never a real child. About a third of the children have a section 47 enquiry,
a sixth a child protection plan (some ended, some open at 31 March), some a closed episode
and a second referral; a few UPNs are malformed so that the validators have findings to report.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<!-- Synthetic children only: every identifier and date here is made up. -->
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Safeguard bench</SoftwareCode>
      <Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-04-10T09:00:00</DateTime></Source>
  </Header>
  <Children>
"""
FOOTER = "  </Children>\n</Message>\n"
ETHNICITIES = ("WBRI", "WOTH", "MWBC", "ASIN", "BAFR", "CHNE", "OOTH", "NOBT")
SOURCES = ("1A", "1B", "2A", "3A", "3B", "4", "5A", "5B", "6", "7", "8", "9", "10")
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
ABUSE = ("NEG", "PHY", "EMO", "SAB", "MUL")


def _day(chance: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=chance.randrange(max(1, (end - start).days)))


def _child(number: int, year: int, chance: random.Random) -> str:
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    born = _day(chance, date(year - 17, 4, 1), date(year - 1, 1, 1))
    upn = f"A{999000000000 + number:012d}" if chance.random() > 0.01 else f"BAD{number}"
    referral = _day(chance, start - timedelta(days=900), end - timedelta(days=20))
    parts = [
        "    <Child>\n",
        f"      <ChildIdentifiers><LAchildID>BEN{number:07d}</LAchildID><UPN>{upn}</UPN>"
        f"<PersonBirthDate>{born}</PersonBirthDate>"
        f"<GenderCurrent>{chance.choice('12')}</GenderCurrent></ChildIdentifiers>\n",
        f"      <ChildCharacteristics><Ethnicity>{chance.choice(ETHNICITIES)}</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>\n",
        "      <CINdetails>\n",
        f"        <CINreferralDate>{referral}</CINreferralDate>"
        f"<ReferralSource>{chance.choice(SOURCES)}</ReferralSource>"
        f"<PrimaryNeedCode>{chance.choice(NEEDS)}</PrimaryNeedCode>\n",
    ]
    closed = chance.random() < 0.4
    closure = min(end, referral + timedelta(days=chance.randrange(30, 700)))
    if closed and closure >= start:
        parts.append(
            f"        <CINclosureDate>{closure}</CINclosureDate>"
            "<ReasonForClosure>RC1</ReasonForClosure>\n"
        )
    parts.append("        <ReferralNFA>0</ReferralNFA>\n")
    assessed = referral + timedelta(days=chance.randrange(1, 5))
    parts.append(
        f"        <Assessments><AssessmentActualStartDate>{assessed}</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>"
        f"{assessed + timedelta(days=chance.randrange(5, 50))}</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments>\n"
    )
    if chance.random() < 0.33:
        s47 = referral + timedelta(days=chance.randrange(0, 10))
        target = s47 + timedelta(days=21)
        icpc = s47 + timedelta(days=chance.randrange(5, 30))
        parts.append(
            f"        <Section47><S47ActualStartDate>{s47}</S47ActualStartDate>"
            f"<InitialCPCtarget>{target}</InitialCPCtarget>"
            f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>"
            "<ICPCnotRequired>false</ICPCnotRequired></Section47>\n"
        )
        if chance.random() < 0.5:
            abuse = chance.choice(ABUSE)
            ended = icpc + timedelta(days=chance.randrange(60, 900))
            plan_end = f"<CPPendDate>{ended}</CPPendDate>" if ended <= end else ""
            review = icpc + timedelta(days=90)
            reviews = (
                f"<Reviews><CPPreviewDate>{review}</CPPreviewDate></Reviews>"
                if review <= end
                else ""
            )
            parts.append(
                f"        <ChildProtectionPlans><CPPstartDate>{icpc}</CPPstartDate>{plan_end}"
                f"<InitialCategoryOfAbuse>{abuse}</InitialCategoryOfAbuse>"
                f"<LatestCategoryOfAbuse>{abuse}</LatestCategoryOfAbuse>"
                f"<NumberOfPreviousCPP>{chance.choice('0001')}</NumberOfPreviousCPP>"
                f"{reviews}</ChildProtectionPlans>\n"
            )
    parts.append("      </CINdetails>\n    </Child>\n")
    return "".join(parts)


def generate(path: Path, *, children: int, year: int, seed: int = 50_000) -> Path:
    chance = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(year=year))
        for number in range(1, children + 1):
            out.write(_child(number, year, chance))
        out.write(FOOTER)
    return path


def cached(root: Path, *, children: int, year: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"cin-{year}-{children}.xml"
    if not path.is_file():
        generate(path, children=children, year=year)
    return path
