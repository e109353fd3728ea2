"""Found by tracing the load run's 403 (issue 18): a death's page linked the actions from its
learning to the action plan's action page, which needs the plan's capability; the designated
doctor (a practitioner, on the team) got 403. The team's practitioners now see the titles
unlinked; a member who may open the plan keeps the links, and every link shown opens."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.child_deaths.models import Death
from safeguard.child_deaths.services.actions import SOURCE_KIND
from safeguard.governance.models import Action
from tests import factories
from tests.child_deaths.helpers import notify_body, partnership

pytestmark = pytest.mark.django_db

_ACTION_LINK = re.compile(r'href="(/governance/actions/\d+)"')


@pytest.mark.parametrize(("who", "linked"), [("doctor", False), ("member", True)])
def test_a_deaths_actions_are_linked_only_for_those_the_action_page_opens_for(
    who: str, linked: bool
) -> None:
    p = partnership()
    died = timezone.localtime() - timedelta(hours=5)
    notified = factories.signed_in(Client(), p.nurse).post(
        "/child-deaths/notify", notify_body(died)
    )
    assert notified.status_code == 302
    death = Death.objects.get()
    action = Action.objects.create(
        title="Safer sleep briefing for health visitors",
        source_kind=SOURCE_KIND,
        source_id=str(death.pk),
        owner_organisation=p.hospital,
        due_on=date(2027, 3, 31),
    )
    client = factories.signed_in(Client(), getattr(p, who))
    page = client.get(f"/child-deaths/deaths/{death.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Safer sleep briefing for health visitors" in html
    shown = _ACTION_LINK.findall(html)
    assert (f"/governance/actions/{action.pk}" in shown) is linked
    for url in shown:
        assert client.get(url).status_code == 200
