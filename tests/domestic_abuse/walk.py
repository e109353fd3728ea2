"""The domestic abuse pages and API routes in the permission walk (tests/test_permission_walk.py).

The walk's people sit in organisations of their own, none of them a DRAMM or MARAC agency: a
role with the capability but no membership is refused the board and meeting lists (403) and
gets 404 for a record (an audit row of the attempt). Members' answers are asserted in
tests/domestic_abuse/test_pages.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from safeguard.domestic_abuse.policies import Cap

_BOARD_ROLES = ("police_officer", "practitioner")
_MARAC_ROLES = ("police_officer", "practitioner", "statutory_partner_lead")
WALK_REFERENCE = "WALK-DA-1"


def _all(roles: tuple[str, ...], status: int) -> dict[str, int]:
    return {role: status for role in roles}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    day = lambda o: {"day": o["da_day"]}  # noqa: E731
    return {
        "domestic_abuse:board_today": Route(Cap.BOARD, signed_in_status=_all(_BOARD_ROLES, 403)),
        "domestic_abuse:board": Route(
            Cap.BOARD, kwargs=day, signed_in_status=_all(_BOARD_ROLES, 403)
        ),
        "domestic_abuse:board_close": Route(
            Cap.BOARD, kwargs=day, signed_in_status=_all(_BOARD_ROLES, 403)
        ),
        "domestic_abuse:decide": Route(
            Cap.BOARD, kwargs=_pk("da_incident"), signed_in_status=_all(_BOARD_ROLES, 403)
        ),
        "domestic_abuse:incident": Route(
            Cap.BOARD, kwargs=_pk("da_incident"), signed_in_status=_all(_BOARD_ROLES, 404)
        ),
        "domestic_abuse:dash": Route(
            Cap.BOARD, kwargs=_pk("da_incident"), signed_in_status=_all(_BOARD_ROLES, 404)
        ),
        "domestic_abuse:refer": Route(
            Cap.MARAC, kwargs=_pk("da_incident"), signed_in_status=_all(_MARAC_ROLES, 403)
        ),
        "domestic_abuse:link": Route(
            Cap.BOARD, kwargs=_pk("da_adult"), signed_in_status=_all(_BOARD_ROLES, 403)
        ),
        "domestic_abuse:marac": Route(Cap.MARAC, signed_in_status=_all(_MARAC_ROLES, 403)),
        # The population behind the MARAC rate: the Business Unit's, kept and audited.
        "domestic_abuse:adult_women": Route(Cap.MANAGE),
        "domestic_abuse:marac_meeting": Route(
            Cap.MARAC,
            kwargs=lambda o: {"day": o["da_meeting"]},
            signed_in_status=_all(_MARAC_ROLES, 403),
        ),
        "domestic_abuse:referral": Route(
            Cap.MARAC, kwargs=_pk("da_referral"), signed_in_status=_all(_MARAC_ROLES, 404)
        ),
        # The walk's DSL sits in no school: an empty form (no pupils), never another's pupil.
        "domestic_abuse:home_education_new": Route(Cap.NOTICE_SEND),
        "domestic_abuse:home_education": Route(Cap.NOTICE_READ),
        "domestic_abuse:home_education_notice": Route(Cap.NOTICE_READ, kwargs=_pk("da_notice")),
    }


def _incident(organisation: Any, reference: str) -> Any:
    from safeguard.core.clock import LONDON
    from safeguard.domestic_abuse.services.incidents import (
        AdultData,
        IncidentData,
        incident_receive,
    )

    incident, _ = incident_receive(
        actor=None,
        organisation=organisation,
        data=IncidentData(
            reference=reference,
            occurred_at=datetime(2026, 3, 6, 21, 0, tzinfo=LONDON),
            adults=(
                AdultData(role="victim", forename="Walk", surname="Victim", dob=date(1990, 1, 1)),
                AdultData(role="perpetrator", forename="Walk", surname="Perpetrator"),
            ),
        ),
    )
    return incident


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    """An incident of the walk's organisation (its key reads it), referred to the MARAC by a
    DRAMM member of an agency of the walk's own."""
    from safeguard.domestic_abuse.models import Agency, AgencyKind, ReferralSource
    from safeguard.domestic_abuse.services.marac import referral_make
    from tests import factories

    incident = _incident(organisation, WALK_REFERENCE)
    police = factories.organisation(kind="police", name="Walk DA police")
    Agency.objects.create(organisation=police, kind=AgencyKind.POLICE, on_dramm=True)
    member = factories.person("police_officer", organisation_obj=police)
    referral = referral_make(
        actor=member, incident=incident, source=ReferralSource.AGENCY, reason="Walk"
    )
    from safeguard.children.models import Pupil
    from safeguard.domestic_abuse.services.home_education import notice_send

    school = factories.organisation(kind="school", urn="906321", name="Walk DA school")
    dsl = factories.person("school_dsl", organisation_obj=school)
    pupil = Pupil.objects.create(
        upn="A123456789012", forename="Walk", surname="Pupil", dob=date(2015, 1, 1), school=school
    )
    notice = notice_send(
        actor=dsl, pupil=pupil, leaving_on=date(2026, 3, 20), aware_of_abuse="not_known"
    )
    return {
        "da_notice": notice,
        "da_incident": incident,
        "da_adult": incident.adults.first(),
        "da_referral": referral,
        "da_day": incident.board_day.isoformat(),
        "da_meeting": referral.meeting.held_on.isoformat(),
    }


API: dict[str, str | None] = {
    "POST /api/v1/domestic-abuse/incidents": "domestic_abuse:incidents:write",
    "GET /api/v1/domestic-abuse/incidents/{reference}": "domestic_abuse:incidents:write",
    "POST /api/v1/domestic-abuse/incidents/{reference}/dash": "domestic_abuse:incidents:write",
}
API_PATH_PARAMETERS: dict[str, Any] = {
    "reference": lambda objects: objects["da_incident"].reference
}


def forms(Form: Any) -> dict[str, Any]:
    names = (
        "board_close",
        "decide",
        "dash",
        "refer",
        "link",
        "referral",
        "home_education_new",
        "adult_women",
    )
    return {f"domestic_abuse:{name}": Form() for name in names}


# A force's key reads and sends DASH results for its own incidents only.
API_OWNED = [
    "GET /api/v1/domestic-abuse/incidents/{reference}",
    "POST /api/v1/domestic-abuse/incidents/{reference}/dash",
]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from safeguard.domestic_abuse.rules import QUESTION_CODES
    from tests import factories

    mine = factories.organisation(kind="police", name="Owned DA force")
    theirs = factories.organisation(kind="police", name="Other DA force")
    _incident(mine, "OWNED-DA-1")
    _incident(theirs, "OTHER-DA-1")
    body = {"answers": {code: "no" for code in QUESTION_CODES}}
    return {
        "GET /api/v1/domestic-abuse/incidents/{reference}": {
            "organisation": mine,
            "scopes": ["domestic_abuse:incidents:write"],
            "mine": "/api/v1/domestic-abuse/incidents/OWNED-DA-1",
            "theirs": "/api/v1/domestic-abuse/incidents/OTHER-DA-1",
        },
        "POST /api/v1/domestic-abuse/incidents/{reference}/dash": {
            "organisation": mine,
            "scopes": ["domestic_abuse:incidents:write"],
            "mine": "/api/v1/domestic-abuse/incidents/OWNED-DA-1/dash",
            "theirs": "/api/v1/domestic-abuse/incidents/OTHER-DA-1/dash",
            "body": body,
        },
    }
