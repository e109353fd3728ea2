"""The Encompass pages and API routes in the permission walk (tests/test_permission_walk.py).

Detail pages of records answer 404 to a role that has the capability but no reason to see
that record (a police user of another force, a DSL of another school): the walk's people all
sit in organisations of their own, so for them those pages are expected to be 404, never 200.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeguard.encompass.policies import Cap

API = {
    "POST /api/v1/encompass/incidents": "encompass:incidents:write",
    "GET /api/v1/encompass/incidents": "encompass:incidents:read",
}
API_PATH_PARAMETERS: dict[str, Any] = {}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    return {
        "encompass:incidents": Route(Cap.VIEW_INCIDENTS),
        "encompass:incident_upload": Route(Cap.SUBMIT),
        "encompass:incident_detail": Route(
            Cap.VIEW_INCIDENTS, kwargs=_pk("encompass_incident"), ok_status=404
        ),
        "encompass:notifications": Route(Cap.VIEW_NOTIFICATIONS),
        "encompass:notification_detail": Route(
            Cap.VIEW_NOTIFICATIONS, kwargs=_pk("encompass_notification"), ok_status=404
        ),
        "encompass:review_queue": Route(Cap.REVIEW_MATCHES),
        "encompass:review_child": Route(Cap.REVIEW_MATCHES, kwargs=_pk("encompass_review_child")),
        # The coordinator's search of every roll for a child in review or on no roll, and the
        # confirm step for a pupil chosen from it.
        "encompass:roll_search": Route(
            Cap.MANAGE_UNMATCHED, kwargs=_pk("encompass_unmatched_child")
        ),
        "encompass:child_link": Route(
            Cap.MANAGE_UNMATCHED,
            kwargs=lambda o: {
                "pk": o["encompass_unmatched_child"].pk,
                "pupil_pk": o["encompass_pupil"].pk,
            },
        ),
        "encompass:unmatched": Route(Cap.MANAGE_UNMATCHED),
        "encompass:unmatched_child": Route(
            Cap.MANAGE_UNMATCHED, kwargs=_pk("encompass_unmatched_child")
        ),
        # Re-routing a misrouted child is the LA coordinator's (the only holder of the
        # capability): any child the police have not withdrawn.
        "encompass:child_reroute": Route(
            Cap.MANAGE_UNMATCHED, kwargs=_pk("encompass_unmatched_child")
        ),
        # The LA words the help shown to schools; a school's DSL manages only its calendar.
        "encompass:school_help": Route(Cap.MANAGE_CALENDARS, signed_in_status={"school_dsl": 403}),
        # A DSL sees its own school's key adults; the LA the schools without a current one.
        "encompass:key_adults": Route(Cap.MANAGE_CALENDARS),
        "encompass:oversight": Route(Cap.VIEW_OVERSIGHT),
        "encompass:calendar": Route(Cap.MANAGE_CALENDARS),
        "encompass:neighbours": Route(Cap.MANAGE_NEIGHBOURS),
        "encompass:neighbour_create": Route(Cap.MANAGE_NEIGHBOURS),
        "encompass:neighbour_edit": Route(Cap.MANAGE_NEIGHBOURS, kwargs=_pk("encompass_neighbour")),
        "encompass:forwards": Route(Cap.VIEW_FORWARDS),
        # The coordinator sees every forward; a police user only their own force's.
        "encompass:forward_detail": Route(
            Cap.VIEW_FORWARDS,
            kwargs=_pk("encompass_forward"),
            ok_status=404,
            signed_in_status={"la_encompass_coordinator": 200},
        ),
        "encompass:forward_action": Route(
            Cap.VIEW_FORWARDS, kwargs=_pk("encompass_forward"), ok_status=405
        ),
        "encompass:unmatched_forward": Route(
            Cap.MANAGE_UNMATCHED, kwargs=_pk("encompass_unmatched_child")
        ),
        # The neighbour's link page: public, and a token that is not one is refused to all.
        "encompass:forwarded_link": Route(
            "public", kwargs=lambda o: {"token": "not-a-token"}, ok_status=404
        ),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.children.models import Pupil
    from safeguard.encompass.models import Forward, Incident, IncidentChild, Neighbour, Notification
    from tests import factories
    from tests.encompass.data import upn

    school = factories.organisation(kind="school", urn="909090", name="Walk school")
    # A school with its own people here is one of the partnership's: a child may be sent to it.
    factories.person("school_dsl", organisation_obj=school)
    force = factories.organisation(kind="police", name="Walk police")
    pupil = Pupil.objects.create(
        upn=upn(900), forename="Walk", surname="Pupil", dob=date(2016, 1, 1), school=school
    )
    now = timezone.now()
    incident = Incident.objects.create(
        force=force, reference="WALK/1", occurred_at=now - timedelta(hours=3), kind="incident"
    )

    def child(ref: str, state: str, with_pupil: bool) -> IncidentChild:
        return IncidentChild.objects.create(
            incident=incident,
            ref=ref,
            forename="Walk",
            surname="Child",
            presence="present",
            match_state=state,
            pupil=pupil if with_pupil else None,
            probability=0.9,
        )

    matched = child("C1", "automatic", True)
    notification = Notification.objects.create(
        child=matched,
        school=school,
        first_recipient="school",
        due_at=now,
        school_due_at=now,
        rule="walk",
        escalate_at=now + timedelta(hours=2),
    )
    neighbour = Neighbour.objects.create(
        name="Walk neighbour", la_codes="999", contact_email="walk-neighbour@example.invalid"
    )
    forward = Forward.objects.create(
        child=child("C4", "automatic", True),
        neighbour=neighbour,
        reason="roll",
        la_code="999",
        due_at=now,
        next_attempt_at=now + timedelta(days=365),
    )
    return {
        "encompass_neighbour": neighbour,
        "encompass_forward": forward,
        "encompass_incident": incident,
        "encompass_notification": notification,
        "encompass_review_child": child("C2", "review", True),
        "encompass_unmatched_child": child("C3", "none", False),
        "encompass_pupil": pupil,
    }


# --- Mine and theirs: two schools and two police forces, each with its own records ----------

# The detail pages that belong to one organisation, with the role of the walk's person in the
# first one: their own record answers 200, the second organisation's 404 with an audit row.
OWNED: dict[str, str] = {
    "encompass:incident_detail": "police_officer",
    "encompass:notification_detail": "school_dsl",
    "encompass:forward_detail": "police_officer",
}


def make_owned() -> dict[str, Any]:
    """Two schools and two forces, each with an incident, a notification and a forward."""
    from safeguard.children.models import Pupil
    from safeguard.encompass.models import Forward, Incident, IncidentChild, Neighbour, Notification
    from tests import factories
    from tests.encompass.data import upn

    now = timezone.now()
    neighbour = Neighbour.objects.create(
        name="Owned neighbour", la_codes="998", contact_email="owned-neighbour@example.invalid"
    )
    records: dict[str, dict[str, Any]] = {}
    for n, side in enumerate(("mine", "theirs")):
        school = factories.organisation(kind="school", urn=f"90800{n}", name=f"School {side}")
        force = factories.organisation(kind="police", name=f"Police {side}")
        pupil = Pupil.objects.create(
            upn=upn(950 + n), forename="Owned", surname="Pupil", dob=date(2016, 1, 1), school=school
        )
        incident = Incident.objects.create(
            force=force,
            reference=f"OWNED/{side}",
            occurred_at=now - timedelta(hours=3),
            kind="incident",
        )

        def child(ref: str, incident: Incident = incident, pupil: Pupil = pupil) -> IncidentChild:
            return IncidentChild.objects.create(
                incident=incident,
                ref=ref,
                forename="Owned",
                surname="Child",
                presence="present",
                match_state="automatic",
                pupil=pupil,
                probability=0.9,
            )

        notification = Notification.objects.create(
            child=child("C1"),
            school=school,
            first_recipient="school",
            due_at=now,
            school_due_at=now,
            rule="walk",
            escalate_at=now + timedelta(hours=2),
        )
        forward = Forward.objects.create(
            child=child("C2"),
            neighbour=neighbour,
            reason="roll",
            la_code="998",
            due_at=now,
            next_attempt_at=now + timedelta(days=365),
        )
        records[side] = {
            "school": school,
            "force": force,
            "incident": incident,
            "notification": notification,
            "forward": forward,
        }
    mine, theirs = records["mine"], records["theirs"]
    officer = factories.person("police_officer", organisation_obj=mine["force"])
    dsl = factories.person("school_dsl", organisation_obj=mine["school"])
    return {
        "encompass:incident_detail": (
            officer,
            {"pk": mine["incident"].pk},
            {"pk": theirs["incident"].pk},
        ),
        "encompass:notification_detail": (
            dsl,
            {"pk": mine["notification"].pk},
            {"pk": theirs["notification"].pk},
        ),
        "encompass:forward_detail": (
            officer,
            {"pk": mine["forward"].pk},
            {"pk": theirs["forward"].pk},
        ),
    }


# Each force's key reads its own incidents, never the other force's.
API_OWNED = ["GET /api/v1/encompass/incidents"]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from safeguard.encompass.models import Incident

    mine = Incident.objects.get(pk=owned["encompass:incident_detail"][1]["pk"])
    theirs = Incident.objects.get(pk=owned["encompass:incident_detail"][2]["pk"])
    return {
        "GET /api/v1/encompass/incidents": {
            "organisation": mine.force,
            "scopes": ["encompass:incidents:read"],
            "mine": f"/api/v1/encompass/incidents?reference={mine.reference}",
            "theirs": f"/api/v1/encompass/incidents?reference={theirs.reference}",
            # A list leaves the other force's incident out rather than refusing.
            "mine_text": mine.reference,
            "theirs_text": theirs.reference,
            "theirs_status": 200,
        }
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST (tests/test_permission_walk.py posts to each as every role)."""
    names = (
        "calendar",
        "forward_action",
        "incident_upload",
        "neighbour_create",
        "neighbour_edit",
        "notification_detail",  # the DSL's acknowledgement
        "unmatched_child",
        "unmatched_forward",
    )
    found = {f"encompass:{name}": Form() for name in names}
    # The LA coordinator sends a child to a school of the partnership (``may_reroute``); the
    # LA words the help for schools (``may_manage_calendar`` with no school: not a DSL). Both
    # posted complete, so that a refused role's POST is tested against one that would save.
    found["encompass:child_reroute"] = Form(
        body=lambda o: {"school_urn": "909090", "reason": "Walk: on the school's roll"}
    )
    # Choosing a candidate (the pupil put forward) or a pupil found by searching the rolls:
    # both would notify the school, so a refused role's POST must change nothing.
    found["encompass:review_child"] = Form(
        body=lambda o: {"decision": str(o["encompass_pupil"].pk), "reason": "Walk"}
    )
    found["encompass:child_link"] = Form(body=lambda o: {"reason": "Walk: same child"})
    found["encompass:school_help"] = Form(
        body=lambda o: {"guidance": "Walk guidance", "helpline": "Walk helpline"}
    )
    return found
