"""Issue 8 items 2 and 9 for Encompass: a person sees an Encompass deadline only if its link
opens for them, and the home page counts their Encompass work with links that open."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguard.core.selectors.deadlines import visible_deadlines
from safeguard.core.work import work_for
from safeguard.encompass.models import Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import factories
from tests.encompass.helpers import child, incident, london, world

pytestmark = pytest.mark.django_db


def _robin_and_samuel(w):  # type: ignore[no-untyped-def]
    samuel = child(
        "P2",
        forename="Samuel",
        surname="Birch",
        dob=date(2012, 11, 30),
        gender="M",
        postcode="WM1 3CC",
    )
    found, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("D1", child(), samuel)
    )
    incident_match(incident_id=found.pk)
    return found


def test_each_person_sees_the_encompass_deadlines_they_can_open_and_every_link_opens() -> None:
    w = world()
    _robin_and_samuel(w)
    mine = Notification.objects.get(school=w.school)
    theirs = Notification.objects.get(school=w.other_school)
    Notification.objects.filter(pk=theirs.pk).update(escalated_at=london(2026, 10, 14, 10, 45))
    seen = {
        person: set(
            visible_deadlines(actor=person)
            .filter(module="encompass")
            .values_list("subject_id", flat=True)
        )
        for person in (w.dsl, w.other_dsl, w.coordinator, w.officer)
    }
    assert seen[w.dsl] == {str(mine.pk)}
    assert seen[w.other_dsl] == {str(theirs.pk)}
    assert seen[w.coordinator] == {str(theirs.pk)}  # escalated only
    assert seen[w.officer] == set()
    for person in (w.dsl, w.other_dsl, w.coordinator):
        client = factories.signed_in(Client(), person)
        for clock in visible_deadlines(actor=person).filter(module="encompass"):
            assert client.get(clock.link).status_code == 200, (person, clock.link)


def test_the_home_page_counts_encompass_work_with_links_that_open() -> None:
    w = world()
    _robin_and_samuel(w)
    sections = {s.name: s for s in work_for(w.dsl)}
    items = {i.label: i for i in sections["encompass"].items}
    assert items["Notifications to acknowledge"].count == 1
    client = factories.signed_in(Client(), w.dsl)
    assert client.get(items["Notifications to acknowledge"].url).status_code == 200
    assert "encompass" not in {s.name for s in work_for(w.officer)}
