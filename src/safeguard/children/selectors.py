"""Reads of the child index: the matching model in use and its history.

``active_match_model`` is what live matching and ``safeguard children match`` both use, so a
list checked from the command line is decided exactly as an incident would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db.models import QuerySet

from safeguard.children import linkage, policies
from safeguard.children.models import MatchModelVersion, Pupil
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction

ROLL = "children.school_roll"


def active_version() -> MatchModelVersion | None:
    return MatchModelVersion.objects.filter(active=True).select_related("created_by").first()


def active_match_model() -> linkage.MatchModel:
    """The stored model an administrator made active, or the code's default when none is."""
    parameters = (
        MatchModelVersion.objects.filter(active=True).values_list("parameters", flat=True).first()
    )
    if parameters is None:
        return linkage.MatchModel.default()
    return linkage.MatchModel.from_dict(parameters)


def match_with_active_model(
    children: Sequence[linkage.Person], roll: linkage.Roll
) -> list[linkage.Match]:
    """``linkage.match`` with the model in use: the matcher live matching plugs in."""
    return linkage.match(children, roll, active_match_model())


def roll_version() -> str:
    """A digest that changes whenever the rolls matching reads change: the pupils on a roll
    (how many, which: the sum of their ids), the latest change to any of them (``updated_at``),
    the latest import (an import marks leavers off roll without touching ``updated_at``) and
    the name of every school with pupils. A prepared roll is named by it (ADR 0027), so a roll
    import or an edited pupil makes the next match prepare the roll afresh."""
    import hashlib

    from django.db.models import Count, Max, Sum

    from safeguard.children.models import RollImport

    pupils = Pupil.objects.filter(on_roll=True).aggregate(
        count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at")
    )
    latest = RollImport.objects.aggregate(latest=Max("pk"))["latest"]
    schools = sorted(
        Pupil.objects.filter(on_roll=True).values_list("school_id", "school__name").distinct()
    )
    text = repr((pupils["count"], pupils["ids"], str(pupils["changed"]), latest, schools))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def roll_people() -> list[linkage.Person]:
    """Every UPN on a roll once, as linkage sees it (with the school of every roll it is on: a
    dual-registered child has two), in UPN order: the roll that live matching is prepared from
    (``prepared.database_roll``) and that ``safeguard children train-model`` trains against
    (neither is a person's read)."""
    people: dict[str, linkage.Person] = {}
    rows = (
        Pupil.objects.filter(on_roll=True)
        .order_by("upn", "pk")
        .values_list(
            "upn", "forename", "surname", "dob", "gender", "postcode", "school__urn", "school__name"
        )
    )
    for upn, forename, surname, dob, gender, postcode, urn, name in rows.iterator(
        chunk_size=10_000
    ):
        found = people.get(upn)
        urns, names = ((urn,) if urn else ()), ((name,) if name else ())
        if found is not None:
            people[upn] = replace(
                found,
                school_urns=found.school_urns + urns,
                school_names=found.school_names + names,
            )
            continue
        people[upn] = linkage.Person(
            upn,
            forename or None,
            surname or None,
            dob,
            gender or None,
            postcode or None,
            school_urns=urns,
            school_names=names,
        )
    return list(people.values())


def match_model_versions(*, actor: Any) -> QuerySet[MatchModelVersion]:
    """Every version, newest first, for those who may read the model; none for anyone else."""
    rows = MatchModelVersion.objects.select_related("created_by").order_by("-pk")
    return rows if policies.can_view_match_model(actor) else rows.none()


def latest_trained_version(*, actor: Any) -> MatchModelVersion | None:
    """The newest version made by ``safeguard children train-model``, if any."""
    return match_model_versions(actor=actor).exclude(training={}).first()


def match_model_version(*, actor: Any, pk: int) -> MatchModelVersion | None:
    return match_model_versions(actor=actor).filter(pk=pk).first()


def pupils_search(
    *, forename: str = "", surname: str = "", dob: Any = None, limit: int = 50
) -> list[Pupil]:
    """Pupils on any roll by name and date of birth, for a person to find a child the matching
    missed. Names match case-blind from their start or as a part of a double-barrelled or
    spaced name; a date of birth matches exactly. Callers decide who may search and audit
    every pupil they show (this function only reads)."""
    from django.db.models import Q

    rows = Pupil.objects.filter(on_roll=True)
    if forename.strip():
        rows = rows.filter(forename__istartswith=forename.strip())
    if surname.strip():
        value = surname.strip()
        rows = rows.filter(
            Q(surname__istartswith=value)
            | Q(surname__icontains=f"-{value}")
            | Q(surname__icontains=f" {value}")
        )
    if dob is not None:
        rows = rows.filter(dob=dob)
    return list(rows.select_related("school").order_by("surname", "forename", "dob", "pk")[:limit])


def early_years_setting_ids() -> set[int]:
    """The organisations that are early years settings (nurseries, pre-schools), not schools:
    those the register marks so (with an Ofsted URN) and those a GIAS-style record calls so."""
    from safeguard.children.models import EARLY_YEARS_TYPE, Establishment
    from safeguard.core.models import Organisation

    return set(
        Establishment.objects.filter(type_of_establishment=EARLY_YEARS_TYPE).values_list(
            "organisation_id", flat=True
        )
    ) | set(Organisation.objects.filter(early_years=True).values_list("pk", flat=True))


def own_school_roll(*, actor: Any, purpose: str = "") -> list[Pupil]:
    """The pupils on the roll of the actor's own school, by surname, for a DSL to choose one.

    Applies ``policies.may_read_roll_of`` (anyone else gets an empty list and the refusal is
    audited) and audits the read as one row: the school, how many pupils were listed and for
    what (``purpose``, a code such as ``home_education_notice``), never the names.
    """
    school_id = getattr(actor, "organisation_id", None)
    if not policies.may_read_roll_of(actor, school_id):
        audit.record(
            action=AuditAction.DENIED,
            record_type=ROLL,
            record_id=school_id or "",
            actor=actor,
            detail=purpose,
        )
        return []
    pupils = list(
        Pupil.objects.filter(school_id=school_id, on_roll=True).order_by(
            "surname", "forename", "pk"
        )
    )
    audit.record(
        action=AuditAction.VIEW,
        record_type=ROLL,
        record_id=school_id,
        actor=actor,
        changes={"pupils": len(pupils)},
        detail=purpose,
    )
    return pupils
