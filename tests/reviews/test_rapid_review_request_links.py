"""Found by the load run (issue 18): the Rapid Review page linked every agency's request to
everyone who sees the case, but a request's page opens only for the asked agency and the
Business Unit, and only while the review is open. A RAG member of another agency got 404.
Each request is now linked only for those its page opens for; every link shown opens."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from safeguard.reviews.models import Incident
from safeguard.reviews.services.rapid_reviews import agency_request_add
from tests.reviews.helpers import IN_THE_REVIEW, notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db

_REQUEST_LINK = re.compile(r'href="(/reviews/cases/\d+/rapid-review/requests/\d+)"')


def _asked_police_and_health() -> tuple[object, Incident, dict[str, int]]:
    p = partnership()
    incident = notified_case(p)
    asked = {
        name: agency_request_add(
            actor=p.bu_officer,
            incident=incident,
            organisation=organisation,
            due_on=date(2027, 1, 13),
            now=IN_THE_REVIEW,
        ).pk
        for name, organisation in (("police", p.police), ("health", p.icb))
    }
    return p, incident, asked


def _request_url(incident: Incident, pk: int) -> str:
    return reverse("reviews:rr_request", kwargs={"pk": incident.pk, "request_pk": pk})


@pytest.mark.parametrize(
    ("who", "linked"),
    [
        ("bu_officer", {"police", "health"}),
        ("police_lead", {"police"}),
        ("health_lead", {"health"}),
        ("la_lead", set()),
        ("chair", set()),
    ],
)
def test_a_request_is_linked_only_for_those_its_page_opens_for(who: str, linked: set[str]) -> None:
    p, incident, asked = _asked_police_and_health()
    client = signed_in(getattr(p, who))
    page = client.get(reverse("reviews:rapid_review", kwargs={"pk": incident.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anyshire Police" in html and "Anyshire ICB" in html
    shown = set(_REQUEST_LINK.findall(html))
    assert shown == {_request_url(incident, asked[name]) for name in linked}
    for url in shown:
        assert client.get(url).status_code == 200
    for name in set(asked) - linked:
        assert client.get(_request_url(incident, asked[name])).status_code == 404


def test_once_the_review_has_moved_on_no_request_is_linked() -> None:
    p, incident, asked = _asked_police_and_health()
    Incident.objects.filter(pk=incident.pk).update(status="cspr")
    client = signed_in(p.bu_officer)
    page = client.get(reverse("reviews:rapid_review", kwargs={"pk": incident.pk}))
    assert page.status_code == 200
    assert _REQUEST_LINK.findall(page.content.decode()) == []
    assert client.get(_request_url(incident, asked["police"])).status_code == 404
