"""Who is told what: the people each step of the process must reach.

A read, kept apart from the services so that the rule "everyone who must know, knows" sits in
one short place: the Independent Chair and the Business Unit hear of every referral at once,
and every statutory partner's RAG member is told and invited to contribute.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from safeguard.core.models import Membership, Person
from safeguard.core.models.organisations import GroupKind
from safeguard.core.roles import Role


def _active() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True)


def with_roles(roles: Iterable[str]) -> QuerySet[Person]:
    return _active().filter(role_assignments__role__in=list(roles)).distinct()


def chair_and_business_unit() -> list[Person]:
    return list(
        with_roles(
            [Role.INDEPENDENT_CHAIR, Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER]
        ).order_by("pk")
    )


def rag_members() -> list[Person]:
    """Statutory partner leads of statutory partners who sit on a Review Advisory Group."""
    in_rag = Membership.objects.filter(
        group__kind=GroupKind.REVIEW_ADVISORY_GROUP, group__active=True
    ).values("person_id")
    return list(
        with_roles([Role.STATUTORY_PARTNER_LEAD])
        .filter(pk__in=in_rag, organisation__statutory_partner=True)
        .order_by("pk")
    )


def decision_makers() -> list[Person]:
    return list(with_roles([Role.LA_DECISION_MAKER]).order_by("pk"))


def everyone_who_must_know() -> list[Person]:
    """Chair, Business Unit, RAG members and LA decision makers, each once."""
    seen: dict[int, Person] = {}
    for person in chair_and_business_unit() + rag_members() + decision_makers():
        seen.setdefault(person.pk, person)
    return list(seen.values())
