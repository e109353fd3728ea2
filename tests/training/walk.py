"""The training module's part of the permission walk (merged by tests/test_permission_walk.py).

Every role may book, so most pages open for everyone signed in with a role. A booking is its
booker's alone: the walk's people did not make the walk's booking, so its pages answer 404. A
register opens for the Business Unit (and a session's trainers, tested in test_pages.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from safeguard.core.roles import Role
from safeguard.training.policies import Cap

_BUSINESS_UNIT = {Role.BUSINESS_UNIT_ADMIN.value, Role.BUSINESS_UNIT_OFFICER.value}


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    course = _pk("training_course")
    session = _pk("training_session")
    booking = _pk("training_booking")
    return {
        "training:catalogue": Route(Cap.BOOK),
        "training:course": Route(Cap.BOOK, kwargs=course),
        "training:course_add": Route(Cap.MANAGE),
        "training:course_edit": Route(Cap.MANAGE, kwargs=course),
        "training:session_add": Route(Cap.MANAGE, kwargs=course),
        "training:session": Route(Cap.BOOK, kwargs=session),
        "training:session_cancel": Route(Cap.MANAGE, kwargs=session),
        "training:book": Route(Cap.BOOK, kwargs=session),
        "training:register": Route(
            Cap.BOOK,
            kwargs=_pk("training_past_session"),
            signed_in_status={role.value: 404 for role in Role if role.value not in _BUSINESS_UNIT},
        ),
        "training:my_bookings": Route(Cap.BOOK),
        "training:booking_cancel": Route(Cap.BOOK, kwargs=booking, ok_status=404),
        "training:booking_ics": Route(Cap.BOOK, kwargs=booking, ok_status=404),
        "training:evaluate": Route(Cap.BOOK, kwargs=booking, ok_status=404),
        "training:follow_up": Route(Cap.BOOK, kwargs=booking, ok_status=404),
        # Nobody of the walk completed the course: no certificate.
        "training:certificate": Route(Cap.BOOK, kwargs=course, ok_status=404),
        "training:approvals": Route(Cap.BOOK),
        "training:approve": Route(Cap.BOOK, kwargs=booking, ok_status=404),
        "training:trainers": Route(Cap.MANAGE),
        "training:trainer_add": Route(Cap.MANAGE),
        "training:figures": Route(Cap.VIEW_FIGURES),
        "training:needs": Route(Cap.MANAGE),
        "training:needs_summary": Route(Cap.MANAGE, kwargs=_pk("training_survey")),
        "training:needs_answer": Route(Cap.BOOK, kwargs=_pk("training_survey")),
        "training:approval_setting": Route(Cap.MANAGE, kwargs=_pk("organisation")),
        "training:approval_settings": Route(Cap.MANAGE),
        # Self-registration: the request page is public (signed in, it sends you to training);
        # the requests are the Business Unit's (and named approvers', tested in
        # test_registration.py).
        "training:request_account": Route("public", signed_in_status={"*": 302}),
        "training:request_account_sent": Route("public"),
        "training:account_requests": Route(
            Cap.BOOK,
            signed_in_status={role.value: 403 for role in Role if role.value not in _BUSINESS_UNIT},
        ),
        "training:account_request": Route(
            Cap.BOOK,
            kwargs=_pk("training_account_request"),
            signed_in_status={role.value: 404 for role in Role if role.value not in _BUSINESS_UNIT},
        ),
    }


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    from safeguard.training import services
    from tests.training import helpers

    course = helpers.course(admin)
    session = helpers.session(admin, course, days=30)
    past = helpers.session(admin, course, days=-1)
    helpers.past_booking(admin, past)
    booking = services.booking_make(actor=admin, session=session)
    survey = services.needs_survey_send(
        actor=admin, title="Walk needs", closes_on=date.today() + timedelta(days=30)
    )
    from safeguard.training.services import registration

    registration.account_request_make(
        full_name="Walk Requester",
        email="walk-requester@example.invalid",
        job_title="",
        organisation=organisation,
        place="walk",
    )
    from safeguard.training.models import AccountRequest

    return {
        "training_account_request": AccountRequest.objects.get(
            email="walk-requester@example.invalid"
        ),
        "training_survey": survey,
        "training_course": course,
        "training_session": session,
        "training_past_session": past,
        "training_booking": booking,
    }


def forms(Form: Any) -> dict[str, Any]:
    """The pages that take a POST, each posted complete where a body is needed."""
    names = (
        "course_edit",
        "session_cancel",
        "book",
        "register",
        "booking_cancel",
        "evaluate",
        "follow_up",
        "approve",
    )
    found = {f"training:{name}": Form() for name in names}
    found["training:course_add"] = Form(
        body=lambda o: {
            "title": "Walk course",
            "kind": "core",
            "outcomes": "Walk",
            "audience": "Walk",
            "length": "1 hour",
            "parts": "1",
            "delivery_modes": ["online"],
            "last_updated_on": "05/01/2026",
        }
    )
    found["training:session_add"] = Form(
        body=lambda o: {
            "part": "1",
            "day": "05/01/2030",
            "starts": "09:30",
            "ends": "12:00",
            "mode": "online",
            "joining_link": "https://meet.example.invalid/walk",
            "capacity": "5",
        }
    )
    found["training:needs"] = Form(
        body=lambda o: {"title": "Walk needs 2", "closes_on": "05/01/2099"}
    )
    found["training:needs_answer"] = Form(
        body=lambda o: {"people": "4", "preferred_mode": "online", "trainers_offered": "1"}
    )
    found["training:approval_setting"] = Form(
        body=lambda o: {"approval_required": "on", "approver": o["member"].pk}
    )
    # Approving opens an account with a role, so it asks for the second factor again; the walk's
    # people other than the Business Unit are refused first (404), so the step-up is tested in
    # test_registration.py rather than marked sensitive here.
    found["training:account_request"] = Form(body=lambda o: {"refuse": "1", "reason": "Walk"})
    found["training:request_account"] = Form()
    found["training:trainer_add"] = Form(
        body=lambda o: {"person": o["member"].pk, "courses": [o["training_course"].pk]}
    )
    return found


# A booking belongs to its booker: another's answers 404 and the attempt is audited.
OWNED: dict[str, str] = {
    "training:booking_cancel": "practitioner",
    "training:evaluate": "practitioner",
    "training:booking_ics": "practitioner",
}


def make_owned() -> dict[str, Any]:
    from safeguard.training import services
    from tests import factories
    from tests.training import helpers

    unit = factories.organisation(kind="partnership", name="Owned training unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    course = helpers.course(admin, title="Owned course", parts=1)
    session = helpers.session(admin, course, days=20)
    charities = [
        factories.organisation(kind="third_sector", name=f"Owned charity {side}")
        for side in ("mine", "theirs")
    ]
    people = [factories.person("practitioner", organisation_obj=c) for c in charities]
    bookings = [services.booking_make(actor=p, session=session) for p in people]
    return {name: (people[0], {"pk": bookings[0].pk}, {"pk": bookings[1].pk}) for name in OWNED}
