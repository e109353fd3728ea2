"""Who may do what with the scorecard: the only place that decides access for this module.

Indicator values are aggregates, so every PMSG member may see all of them. Changing the catalogue
and closing exceptions is the Business Unit's; a return or an explanation comes from the people
of the organisation that owns the indicator (or the Business Unit on its behalf). Record-level
DfE data (the CIN census, SSDA903) names children, so importing it, and seeing what was
imported, is the LA data team's alone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from safeguard.core.policies import can, can_see_all_deadlines

RETURN_KIND, EXCEPTION_KIND = "return", "exception"  # the kinds of this module's deadlines
VIEW = "performance.view"
MANAGE = "performance.manage"
SUBMIT_RETURN = "performance.submit_return"
IMPORT_RECORDS = "performance.import_records"


def can_view(person: Any) -> bool:
    return can(person, VIEW)


def can_manage(person: Any) -> bool:
    return can(person, MANAGE)


def can_submit_for(person: Any, owner_organisation_id: int) -> bool:
    """A return for an indicator: its owner organisation's people, or the Business Unit."""
    if can(person, MANAGE):
        return True
    return can(person, SUBMIT_RETURN) and person.organisation_id == owner_organisation_id


def can_explain(person: Any, exception: Any) -> bool:
    return exception.closed_at is None and can_submit_for(person, exception.owner_organisation_id)


def can_close(person: Any, exception: Any) -> bool:
    return exception.closed_at is None and can(person, MANAGE)


def can_import_records(person: Any) -> bool:
    return can(person, IMPORT_RECORDS)


def export_needs_fresh_second_factor(*, child_details: bool) -> bool:
    """The one rule for this module's downloads (README, "Exports and the second factor").

    A download that carries a child's details (an LA child id, a date of birth: the census
    findings) asks for the second factor again unless it was given in the last
    ``STEP_UP_MINUTES``: a file leaves the audit trail's reach once saved, so whoever takes
    one must be the person at the keyboard now. A download of aggregates only (the scorecard,
    the PMSG pack: counts, rates, agencies' commentary) does not: every scorecard viewer may
    see every figure on screen, the sign-in already took both factors, and each download is
    audited with who took it.
    """
    return child_details


def deadline_access(person: Any) -> Q:
    """Which scorecard deadlines a person sees on "What is due": those whose link opens for them.

    A return clock links to the return form (the owner organisation's submitters, or the
    Business Unit); an exception clock to the exception (any scorecard viewer), shown to those
    who answer it (the owner organisation, the Business Unit) and to those who see every clock.
    """
    if can(person, MANAGE):
        return Q()
    visible = Q(pk__in=[])
    if can(person, SUBMIT_RETURN):
        visible |= Q(owner_organisation_id=person.organisation_id)
    if can(person, VIEW) and can_see_all_deadlines(person):
        visible |= Q(kind=EXCEPTION_KIND)
    return visible
