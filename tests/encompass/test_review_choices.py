"""The review queue's choices: any pupil put forward (not only the best) or none of these with
a reason; and the coordinator's search of every roll by name and date of birth, whose chosen
pupil is confirmed beside the police record like a UPN entered by hand."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.children.models import Pupil
from safeguard.core.models import AuditEvent
from safeguard.encompass.models import IncidentChild, LaOutcome, MatchState, Notification
from safeguard.encompass.services.incidents import incident_receive
from tests import factories
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db


def _in_review(w, **fields):  # type: ignore[no-untyped-def]
    """A child the matching put forward two pupils for, the wrong one first."""
    found, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("RV1", child(**fields))
    )
    kid = found.children.get()
    wrong = Pupil.objects.get(upn__endswith="26004")  # Jordan Dale, Harrow Lane
    right = Pupil.objects.get(upn__endswith="26001")  # Robin Ashdown, Westmere Primary
    IncidentChild.objects.filter(pk=kid.pk).update(
        match_state=MatchState.REVIEW, pupil=wrong, probability=0.6, candidates=[wrong.pk, right.pk]
    )
    return kid, wrong, right


def test_the_reviewer_chooses_the_second_candidate_and_its_school_is_told(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    kid, _wrong, right = _in_review(w)
    client = client_for(w.coordinator)
    queue = client.get("/encompass/review/").content.decode()
    assert "Harrow Lane Academy<br>Westmere Primary School" in queue  # both candidates' schools
    page = client.get(f"/encompass/review/{kid.pk}/").content.decode()
    # Both pupils side by side with the police record, each field marked.
    assert "Candidate 1: Jordan Dale" in page and "Candidate 2: Robin Ashdown" in page
    assert page.count("govuk-tag--red") >= 3 and page.count("govuk-tag--green") >= 5
    assert "Harrow Lane Academy" in page and "Westmere Primary School" in page
    assert ">M<" not in page and ">F<" not in page  # genders as words, not codes
    assert AuditEvent.objects.filter(record_type="children.pupil", record_id=str(right.pk)).exists()
    response = client.post(f"/encompass/review/{kid.pk}/", {"decision": str(right.pk)})
    assert response.status_code == 302
    kid.refresh_from_db()
    assert (kid.match_state, kid.pupil_id) == (MatchState.CONFIRMED, right.pk)
    assert list(Notification.objects.filter(child=kid).values_list("school", flat=True)) == [
        w.school.pk
    ]


def test_a_pupil_not_put_forward_cannot_be_chosen_from_the_review(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    kid, _, _ = _in_review(w)
    stranger = Pupil.objects.get(upn__endswith="26002")
    client = client_for(w.coordinator)
    response = client.post(f"/encompass/review/{kid.pk}/", {"decision": str(stranger.pk)})
    assert response.status_code == 200
    kid.refresh_from_db()
    assert kid.match_state == MatchState.REVIEW and not Notification.objects.exists()


def test_a_candidate_born_another_day_needs_a_reason(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    kid, _, right = _in_review(w, dob=date(2016, 3, 5))
    client = client_for(w.coordinator)
    refused = client.post(f"/encompass/review/{kid.pk}/", {"decision": str(right.pk)})
    assert refused.status_code == 200
    assert "date of birth differs" in refused.content.decode()
    assert not Notification.objects.exists()
    client.post(
        f"/encompass/review/{kid.pk}/",
        {"decision": str(right.pk), "reason": "Mother confirmed the date; police typo"},
    )
    kid.refresh_from_db()
    assert kid.match_state == MatchState.CONFIRMED
    assert kid.match_reason == "Mother confirmed the date; police typo"


def test_none_of_these_needs_a_reason_and_sends_the_child_to_the_la_list(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    kid, _, _ = _in_review(w)
    client = client_for(w.coordinator)
    refused = client.post(f"/encompass/review/{kid.pk}/", {"decision": "none"})
    assert "Enter why none of these pupils is the child" in refused.content.decode()
    kid.refresh_from_db()
    assert kid.match_state == MatchState.REVIEW
    client.post(f"/encompass/review/{kid.pk}/", {"decision": "none", "reason": "Family moved away"})
    kid.refresh_from_db()
    assert (kid.match_state, kid.pupil_id, kid.match_reason) == (
        MatchState.NONE,
        None,
        "Family moved away",
    )
    assert f"/encompass/unmatched/{kid.pk}/" in client.get("/encompass/unmatched/").content.decode()
    assert not Notification.objects.exists()


def test_the_coordinator_searches_the_rolls_and_links_a_child_on_no_roll(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("RS1", child(forename="ROBYN", surname="Ashdown-Kerr", dob=None)),
    )
    kid = found.children.get()
    IncidentChild.objects.filter(pk=kid.pk).update(match_state=MatchState.NONE)
    client = client_for(w.coordinator)
    assert (
        f"/encompass/children/{kid.pk}/search/"
        in client.get(f"/encompass/unmatched/{kid.pk}/").content.decode()
    )
    empty = client.get(f"/encompass/children/{kid.pk}/search/", {"search": "1"})
    assert "Enter a surname or a date of birth" in empty.content.decode()
    before = AuditEvent.objects.filter(record_type="children.pupil").count()
    page = client.get(
        f"/encompass/children/{kid.pk}/search/",
        {"search": "1", "surname": "ashdown", "dob": "4/3/2016"},
    ).content.decode()
    robin = Pupil.objects.get(upn__endswith="26001")
    assert "Robin Ashdown" in page and "4 March 2016" in page and "Westmere Primary School" in page
    assert "Samuel" not in page
    assert AuditEvent.objects.filter(record_type="children.pupil").count() == before + 1
    link = f"/encompass/children/{kid.pk}/link/{robin.pk}/"
    assert link in page
    confirm = client.get(link).content.decode()
    assert "Robin" in confirm and "ROBYN" in confirm
    assert 'govuk-tag--yellow">Similar' in confirm  # ROBYN for Robin, Ashdown-Kerr for Ashdown
    linked = client.post(link, {})
    assert linked.status_code == 302, linked.content.decode()[-3000:]
    kid.refresh_from_db()
    assert (kid.match_state, kid.pupil_id, kid.la_outcome) == (
        MatchState.CONFIRMED,
        robin.pk,
        LaOutcome.FOUND_ON_ROLL,
    )
    assert Notification.objects.filter(child=kid, school=w.school).exists()


def test_a_pupil_chosen_from_the_search_born_another_day_needs_a_reason(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(
        actor=w.officer, force=w.force, data=incident("RS2", child(dob=date(2015, 3, 4)))
    )
    kid = found.children.get()
    IncidentChild.objects.filter(pk=kid.pk).update(match_state=MatchState.NONE)
    robin = Pupil.objects.get(upn__endswith="26001")
    client = client_for(w.coordinator)
    link = f"/encompass/children/{kid.pk}/link/{robin.pk}/"
    assert "date of birth differs" in client.get(link).content.decode()
    refused = client.post(link, {})
    assert (
        refused.status_code == 200
        and "enter why this is the same child" in refused.content.decode()
    )
    assert not Notification.objects.exists()
    assert (
        client.post(link, {"reason": "Same child: police recorded the year wrong"}).status_code
        == 302
    )
    kid.refresh_from_db()
    assert kid.match_state == MatchState.CONFIRMED


def test_only_the_coordinator_searches_the_rolls(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("RS3", child()))
    kid = found.children.get()
    IncidentChild.objects.filter(pk=kid.pk).update(match_state=MatchState.NONE)
    url = f"/encompass/children/{kid.pk}/search/?search=1&surname=Ashdown"
    assert client_for(w.dsl).get(url).status_code == 403
    # A child already settled is no longer searchable for: 404 and a refusal in the trail.
    IncidentChild.objects.filter(pk=kid.pk).update(la_outcome=LaOutcome.UNDER_SCHOOL_AGE)
    coordinator = factories.person("la_encompass_coordinator", organisation_obj=w.la)
    assert client_for(coordinator).get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="denied", record_type="encompass.incident_child", record_id=str(kid.pk)
    ).exists()
