"""The child deaths module's part of the permission walk (merged by tests/test_permission_walk.py).

The walk's people belong to no Child Death Overview Panel group, so every page of a death
answers 404 to the roles that hold the capability (the role allows it, membership gives the
reason); the lists and the analysis open but show nothing. An acknowledgement and a reporting
form are their own organisation's: the walk's people are each of another organisation, so 404.
tests/child_deaths/test_pages.py asserts what the team sees.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from safeguard.child_deaths.policies import GRANTS, Cap
from safeguard.core.clock import LONDON


def _holders(capability: str) -> list[str]:
    return [role for role, caps in GRANTS.items() if capability in caps]


def _not_theirs(capability: str) -> dict[str, int]:
    return dict.fromkeys(_holders(capability), 404)


def pages(Route: Any, _pk: Any) -> dict[str, Any]:
    death = _pk("child_deaths_death")
    return {
        "child_deaths:notify": Route(Cap.NOTIFY),
        "child_deaths:acknowledgement": Route(
            Cap.NOTIFY,
            kwargs=_pk("child_deaths_notification"),
            signed_in_status=_not_theirs(Cap.NOTIFY),
        ),
        "child_deaths:deaths": Route(Cap.REVIEW),
        "child_deaths:analysis": Route(Cap.REVIEW),
        "child_deaths:analysis_csv": Route(Cap.REVIEW),
        "child_deaths:dataset_csv": Route(Cap.REVIEW),
        "child_deaths:forms": Route(Cap.REPORT),
        # The Business Unit (IMPORT_DEPRIVATION) or the team; the walk's other holders of the
        # team's capability belong to no CDOP-kind group: 403.
        "child_deaths:deprivation": Route(
            Cap.REVIEW,
            signed_in_status={
                role: 403
                for role in _holders(Cap.REVIEW)
                if role not in _holders(Cap.IMPORT_DEPRIVATION)
            },
        ),
        "child_deaths:reporting_form": Route(
            Cap.REPORT, kwargs=_pk("child_deaths_form"), signed_in_status=_not_theirs(Cap.REPORT)
        ),
        **{
            f"child_deaths:{name}": Route(
                Cap.REVIEW, kwargs=death, signed_in_status=_not_theirs(Cap.REVIEW)
            )
            for name in ("death", "jar", "request_forms", "meeting", "review", "action_add")
        },
    }


def _details(name: str, died_at: datetime) -> Any:
    from safeguard.child_deaths.services.notifications import NotifiedDeath

    return NotifiedDeath(
        full_name=name,
        born_on=date(2025, 3, 1),
        died_at=died_at,
        place="hospital",
        expected=False,
        gender="female",
        what_is_known="Walk",
    )


def make_objects(*, admin: Any, organisation: Any) -> dict[str, Any]:
    """An unexpected death notified by the walk's organisation, and its form asked of it."""
    from safeguard.child_deaths.services.notifications import notification_receive
    from safeguard.child_deaths.services.reporting import form_request
    from safeguard.core.models import Group, Membership
    from tests import factories

    died_at = datetime.now(LONDON) - timedelta(days=2)
    notification, _ = notification_receive(
        actor=admin,
        organisation=organisation,
        details=_details("Walk Child", died_at),
        sender_reference="WALK-1",
    )
    member = factories.person("subgroup_member", organisation_obj=organisation)
    panel = Group.objects.create(name="Walk CDOP", kind="cdop")
    Membership.objects.create(group=panel, person=member, role="member")
    form = form_request(actor=member, death=notification.death, organisation=organisation)
    return {
        "child_deaths_death": notification.death,
        "child_deaths_notification": notification,
        "child_deaths_form": form,
    }


API: dict[str, str | None] = {
    "POST /api/v1/child-deaths/notifications": "child_deaths:notify",
    "GET /api/v1/child-deaths/notifications/{sender_reference}": "child_deaths:notify",
}
API_PATH_PARAMETERS: dict[str, Any] = {"sender_reference": lambda objects: "WALK-1"}


OWNED: dict[str, str] = {
    # An agency sees its own notification's acknowledgement and answers its own form.
    "child_deaths:acknowledgement": "practitioner",
    "child_deaths:reporting_form": "practitioner",
}


def make_owned() -> dict[str, Any]:
    from safeguard.child_deaths.services.notifications import notification_receive
    from safeguard.child_deaths.services.reporting import form_request
    from safeguard.core.models import Group, Membership
    from tests import factories

    hospitals = [
        factories.organisation(kind="health_trust", name=f"Owned hospital {side}")
        for side in ("mine", "theirs")
    ]
    notifiers = [factories.person("practitioner", organisation_obj=h) for h in hospitals]
    died_at = datetime.now(LONDON) - timedelta(days=3)
    notifications = [
        notification_receive(
            actor=notifier,
            organisation=notifier.organisation,
            details=_details(f"Owned Child{n}", died_at - timedelta(days=5 * n)),
            sender_reference=f"OWNED-{n}",
        )[0]
        for n, notifier in enumerate(notifiers)
    ]
    member = factories.person("subgroup_member", organisation_obj=hospitals[0])
    panel = Group.objects.create(name="Owned CDOP", kind="cdop")
    Membership.objects.create(group=panel, person=member, role="member")
    forms = [
        form_request(actor=member, death=notifications[0].death, organisation=hospital)
        for hospital in hospitals
    ]
    return {
        "child_deaths:acknowledgement": (
            notifiers[0],
            {"pk": notifications[0].pk},
            {"pk": notifications[1].pk},
        ),
        "child_deaths:reporting_form": (notifiers[0], {"pk": forms[0].pk}, {"pk": forms[1].pk}),
    }


API_OWNED = ["GET /api/v1/child-deaths/notifications/{sender_reference}"]


def make_owned_api(owned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    notifier, _, _ = owned["child_deaths:acknowledgement"]
    return {
        "GET /api/v1/child-deaths/notifications/{sender_reference}": {
            "organisation": notifier.organisation,
            "scopes": ["child_deaths:notify"],
            "mine": "/api/v1/child-deaths/notifications/OWNED-0",
            "theirs": "/api/v1/child-deaths/notifications/OWNED-1",
        },
    }


def forms(Form: Any) -> dict[str, Any]:
    names = (
        "notify",
        "jar",
        "request_forms",
        "meeting",
        "review",
        "reporting_form",
        "action_add",
        "deprivation",
    )
    return {f"child_deaths:{name}": Form() for name in names}


# An export of personal data: with a lapsed second factor the page asks for it again.
SENSITIVE_READS = {"child_deaths:dataset_csv"}
