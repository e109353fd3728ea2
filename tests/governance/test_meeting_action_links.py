"""Found by the load run (issue 18): a meeting's page linked its actions, and its agenda's
"action update" items, to the plan's action page for people who may not open the plan (a
police officer or a practitioner on a group), who then got 403. They now see the titles
unlinked; those who may open the plan keep the links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import Group, Membership
from safeguard.governance.models import Action, Meeting
from safeguard.governance.services.meetings import SOURCE_KIND
from tests import factories
from tests.governance.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "linked"), [("police_officer", False), ("business_unit_officer", True)]
)
def test_a_meetings_actions_are_linked_only_for_those_who_may_open_the_plan(
    role: str, linked: bool
) -> None:
    police = factories.organisation(kind="police", name="Anyshire Police", statutory_partner=True)
    member = factories.person(role, organisation_obj=police)
    group = Group.objects.create(name="Missing children subgroup", kind="subgroup")
    Membership.objects.create(group=group, person=member)
    starts = timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(
        group=group, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    action = Action.objects.create(
        title="Share the return-home interview figures",
        source_kind=SOURCE_KIND,
        source_id=str(meeting.pk),
        owner_organisation=police,
        due_on=date.today() + timedelta(days=30),
    )
    client = signed_in(member)
    page = client.get(f"/governance/meetings/{meeting.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Share the return-home interview figures" in html
    assert (f'href="/governance/actions/{action.pk}"' in html) is linked
    if linked:
        assert client.get(f"/governance/actions/{action.pk}").status_code == 200
    else:
        assert client.get(f"/governance/actions/{action.pk}").status_code == 403
