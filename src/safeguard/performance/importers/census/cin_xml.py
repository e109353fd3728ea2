"""Parse a Children in Need census XML file, safely, into the census tables.

The file is untrusted: it is parsed with ``defusedxml`` and any DTD at all is refused, so entity
expansion (the "billion laughs") and external entities (reading local files or the network)
cannot happen; a CIN census file never needs a DTD. Malformed XML, a root that is not the DfE
``Message``, and dates or numbers that do not parse are refused with every problem listed
(file, line, element, reason), and nothing is returned: the caller imports all or nothing.

The layout follows the DfE schema as the data-to-insight validator reads it::

    Message/Header/CollectionDetails/{Collection, Year, ReferenceDate}
    Message/Header/Source/LEA
    Message/Children/Child/ChildIdentifiers/{LAchildID, UPN, PersonBirthDate, ...}
    Message/Children/Child/ChildCharacteristics/Ethnicity
    Message/Children/Child/CINdetails/{CINreferralDate, ..., ReferralNFA}
        CINdetails/Assessments, CINdetails/Section47, CINdetails/ChildProtectionPlans/Reviews

The census has no separate strategy discussion date: ``S47ActualStartDate`` is defined by the
DfE as the date of the strategy discussion that started the section 47 enquiry, so it is kept as
``strategy_discussion_date``, the start of the 15 working day clock to the initial conference.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from safeguard.performance.census.schema import CIN_TABLES, to_arrow
from safeguard.performance.importers.census.problems import CensusFileRefused, Problem

MAX_BYTES = 512 * 1024 * 1024  # a national-scale file is well under this
# The DfE layout is 7 elements deep (Message/Children/Child/CINdetails/ChildProtectionPlans/
# Reviews/CPPreviewDate); a hostile file nested 200,000 deep would exhaust Python's stack when
# the tree is walked, so nesting past this is refused while parsing, before any walk.
MAX_DEPTH = 32


class _TooDeep(Exception):
    pass


class _LineNumberingParser(DefusedXMLParser):
    """Record each element's line so a refused value can say where it is; refuse deep nesting."""

    _depth = 0

    def _start(self, tag: str, attr_list: Any) -> ET.Element:  # type: ignore[override]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep
        element: ET.Element = super()._start(tag, attr_list)  # type: ignore[misc]
        element.set("__line__", str(self.parser.CurrentLineNumber))  # type: ignore[attr-defined]
        return element

    def _end(self, tag: str) -> ET.Element:  # type: ignore[override]
        self._depth -= 1
        element: ET.Element = super()._end(tag)  # type: ignore[misc]
        return element


@dataclass
class _Reader:
    file: str
    problems: list[Problem] = field(default_factory=list)
    child: str | None = None  # the LA child id of the record being read

    def problem(self, element: ET.Element | None, column: str, reason: str) -> None:
        line = int(element.get("__line__", "0")) if element is not None else None
        self.problems.append(Problem(self.file, line or None, column, reason, self.child))

    def text(self, parent: ET.Element | None, tag: str) -> str | None:
        if parent is None:
            return None
        found = parent.find(tag)
        if found is None or found.text is None or not found.text.strip():
            return None
        return found.text.strip()

    def day(self, parent: ET.Element | None, tag: str, *, required: bool = False) -> date | None:
        found = parent.find(tag) if parent is not None else None
        if found is None or not (found.text or "").strip():
            if required:
                self.problem(parent, tag, "is missing; it is required here")
            return None
        return self.day_of(found)

    def day_of(self, element: ET.Element) -> date | None:
        value = (element.text or "").strip()
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(
                element, str(element.tag), f"is not a date in the form YYYY-MM-DD: {value[:20]!r}"
            )
            return None

    def number(self, parent: ET.Element | None, tag: str) -> int | None:
        value = self.text(parent, tag)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.problem(
                parent.find(tag) if parent is not None else None,
                tag,
                f"is not a whole number: {value[:20]!r}",
            )
            return None

    def flag(self, parent: ET.Element | None, tag: str) -> bool | None:
        value = self.text(parent, tag)
        if value is None:
            return None
        if value.lower() in {"1", "true"}:
            return True
        if value.lower() in {"0", "false"}:
            return False
        self.problem(
            parent.find(tag) if parent is not None else None,
            tag,
            f"is not 1/0 or true/false: {value[:20]!r}",
        )
        return None


def _strip_namespaces(root: ET.Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]


def _parse_tree(data: bytes, file: str) -> ET.Element:
    parser = _LineNumberingParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException as refused:
        kind = type(refused).__name__
        raise CensusFileRefused(
            [
                Problem(
                    file,
                    None,
                    "XML",
                    f"refused for safety ({kind}): a CIN census file has "
                    "no DTD or entity declarations",
                )
            ]
        ) from None
    except _TooDeep:
        line = parser.parser.CurrentLineNumber  # type: ignore[attr-defined]
        raise CensusFileRefused(
            [
                Problem(
                    file,
                    line,
                    "XML",
                    f"refused for safety: elements are nested more than {MAX_DEPTH} deep; "
                    "a CIN census file never is",
                )
            ]
        ) from None
    except ET.ParseError as broken:
        line = broken.position[0] if broken.position else None
        raise CensusFileRefused(
            [Problem(file, line, "XML", f"is not well-formed XML: {broken}")]
        ) from None
    _strip_namespaces(root)
    return root


def parse(source: Path | bytes, *, name: str | None = None) -> dict[str, pa.Table]:
    """The census tables of one CIN census file, or ``CensusFileRefused`` with every problem."""
    if isinstance(source, Path):
        file = name or source.name
        if source.stat().st_size > MAX_BYTES:
            raise CensusFileRefused([Problem(file, None, "file", "is larger than 512 MB")])
        data = source.read_bytes()
    else:
        file = name or "CIN census file"
        data = source
    root = _parse_tree(data, file)
    reader = _Reader(file)
    if root.tag != "Message":
        raise CensusFileRefused(
            [Problem(file, 1, root.tag, "the root element must be Message (DfE CIN census)")]
        )
    header = root.find("Header")
    children = root.find("Children")
    if header is None or children is None:
        raise CensusFileRefused(
            [Problem(file, None, "Message", "must contain Header and Children")]
        )
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CIN_TABLES}
    details = header.find("CollectionDetails")
    rows["cin_header"].append(
        {
            "collection": reader.text(details, "Collection"),
            "year": reader.text(details, "Year"),
            "reference_date": reader.day(details, "ReferenceDate"),
            "la_code": reader.text(header.find("Source"), "LEA"),
        }
    )
    for child in children.findall("Child"):
        reader.child = None
        _read_child(reader, child, rows)
    reader.child = None
    if reader.problems:
        raise CensusFileRefused(reader.problems)
    return {table: to_arrow(table, table_rows) for table, table_rows in rows.items()}


def _read_child(r: _Reader, child: ET.Element, rows: dict[str, list[dict[str, Any]]]) -> None:
    ids = child.find("ChildIdentifiers")
    child_id = r.text(ids, "LAchildID")
    if child_id is None:
        r.problem(
            ids if ids is not None else child, "LAchildID", "is missing; every child needs one"
        )
        return
    r.child = child_id
    rows["children"].append(
        {
            "child_id": child_id,
            "upn": r.text(ids, "UPN"),
            "former_upn": r.text(ids, "FormerUPN"),
            "upn_unknown": r.text(ids, "UPNunknown"),
            "birth_date": r.day(ids, "PersonBirthDate"),
            "expected_birth_date": r.day(ids, "ExpectedPersonBirthDate"),
            "gender": r.text(ids, "GenderCurrent") or r.text(ids, "Sex"),
            "death_date": r.day(ids, "PersonDeathDate"),
            "ethnicity": r.text(child.find("ChildCharacteristics"), "Ethnicity"),
        }
    )
    for episode, detail in enumerate(child.findall("CINdetails"), start=1):
        key = {"child_id": child_id, "episode": episode}
        rows["cin_episodes"].append(
            key
            | {
                "referral_date": r.day(detail, "CINreferralDate", required=True),
                "referral_source": r.text(detail, "ReferralSource"),
                "primary_need": r.text(detail, "PrimaryNeedCode"),
                "closure_date": r.day(detail, "CINclosureDate"),
                "closure_reason": r.text(detail, "ReasonForClosure"),
                "referral_nfa": r.flag(detail, "ReferralNFA"),
                "initial_cpc_date": r.day(detail, "DateOfInitialCPC"),
            }
        )
        for number, assessment in enumerate(detail.findall("Assessments"), start=1):
            factors = assessment.find("FactorsIdentifiedAtAssessment")
            codes = [(f.text or "").strip() for f in (factors if factors is not None else [])]
            rows["assessments"].append(
                key
                | {
                    "assessment": number,
                    "start_date": r.day(assessment, "AssessmentActualStartDate"),
                    "authorisation_date": r.day(assessment, "AssessmentAuthorisationDate"),
                    "factors": ",".join(c for c in codes if c) or None,
                }
            )
        for number, enquiry in enumerate(detail.findall("Section47"), start=1):
            rows["section47"].append(
                key
                | {
                    "enquiry": number,
                    "strategy_discussion_date": r.day(enquiry, "S47ActualStartDate", required=True),
                    "icpc_target_date": r.day(enquiry, "InitialCPCtarget"),
                    "icpc_date": r.day(enquiry, "DateOfInitialCPC"),
                    "icpc_not_required": r.flag(enquiry, "ICPCnotRequired"),
                }
            )
        for number, plan in enumerate(detail.findall("ChildProtectionPlans"), start=1):
            rows["cp_plans"].append(
                key
                | {
                    "plan": number,
                    "start_date": r.day(plan, "CPPstartDate", required=True),
                    "end_date": r.day(plan, "CPPendDate"),
                    "initial_category": r.text(plan, "InitialCategoryOfAbuse"),
                    "latest_category": r.text(plan, "LatestCategoryOfAbuse"),
                    "previous_plans": r.number(plan, "NumberOfPreviousCPP"),
                }
            )
            for reviews in plan.findall("Reviews"):
                for review in reviews.findall("CPPreviewDate"):
                    rows["cp_reviews"].append(
                        key | {"plan": number, "review_date": r.day_of(review)}
                    )
