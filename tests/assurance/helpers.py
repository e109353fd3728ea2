"""Assurance records for tests, made through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeguard.assurance.services import assessments, escalations
from safeguard.children.models import Pupil
from safeguard.core.models import Organisation
from tests import factories

_n = iter(range(1, 10**6))

STANDARDS = [
    ("Senior management commitment", "A named lead at board level"),
    ("Safe recruitment", ""),
    ("Listening to children", "How children's views shape services"),
]


def pupil(**fields: Any) -> Pupil:
    n = next(_n)
    school = fields.pop("school", None) or factories.organisation(
        kind="school", urn=f"{900000 + n}", name=f"Test school {n}"
    )
    values = {
        "upn": f"A{n:012d}",
        "forename": "Ada",
        "surname": f"Testchild{n}",
        "dob": date(2015, 3, 1),
        "school": school,
        **fields,
    }
    return Pupil.objects.create(**values)


def escalation(raiser: Any, other: Organisation, *, child: Pupil | None = None) -> Any:
    return escalations.escalation_raise(
        actor=raiser,
        pupil=child or pupil(),
        other_organisation=other,
        theme="threshold",
        decision="Referral closed with no further action",
        concern="Three incidents in a month; the school sees more.",
    )


def templates(admin: Any) -> None:
    for kind in ("section_11", "section_175", "faith_third_sector"):
        assessments.template_save(
            actor=admin, kind=kind, title=f"Standards {kind}", standards=STANDARDS
        )


def round_for(admin: Any, organisations: list[Organisation], *, year: int = 2026) -> Any:
    if not assessments.latest_template("section_11"):
        templates(admin)
    return assessments.round_open(
        actor=admin,
        title=f"Section 11 audit {year}",
        year=year,
        returns_due_on=timezone.localdate() + timedelta(days=30),
        organisations=organisations,
    )


def ratings_for(assessment: Any, rag: str = "amber") -> dict[int, tuple[str, str]]:
    return {s.pk: (rag, "Policy and training records") for s in assessment.template.standards.all()}
