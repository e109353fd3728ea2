"""Issue 9, the review queue: a list people can work, and a review that shows at a glance
where the police record and the pupil agree."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguard.children.models import Pupil
from safeguard.encompass import rules
from safeguard.encompass.models import IncidentChild, MatchState
from safeguard.encompass.services.incidents import incident_receive
from tests import factories
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db


def test_initials_ages_and_agreements() -> None:
    assert rules.initials("robin", "Ashdown") == "R A"
    assert rules.initials("", "") == "Not recorded"
    assert rules.age_on(date(2016, 3, 4), date(2026, 3, 3)) == 9
    assert rules.age_on(date(2016, 3, 4), date(2026, 3, 4)) == 10
    assert rules.age_on(None, date(2026, 3, 4)) is None
    rows = rules.agreements(
        {"forename": "Robin", "surname": "ASHDOWN", "dob": "4 March 2016", "postcode": ""},
        {"forename": "Robyn", "surname": "Ashdown", "dob": "4 March 2016", "postcode": "WM1"},
    )
    verdicts = {r.label: r.verdict for r in rows}
    assert verdicts == {
        "Forename": "Similar",  # one letter wrong
        "Surname": "Same",
        "Date of birth": "Same",
        "Gender": "Not recorded",
        "Postcode": "Not recorded",
    }


def test_the_queue_lists_initials_age_date_and_school_and_the_review_highlights() -> None:
    w = world()
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("Q1", child(forename="Robyn", dob=date(2016, 3, 5))),
    )
    kid = IncidentChild.objects.get(incident=found)
    IncidentChild.objects.filter(pk=kid.pk).update(
        match_state=MatchState.REVIEW,
        pupil=Pupil.objects.get(forename="Robin"),
        probability=0.82,
    )
    client = factories.signed_in(Client(), w.coordinator)
    queue = client.get("/encompass/review/").content.decode()
    assert "R A" in queue and ">10<" in queue and "13 October 2026" in queue
    assert "Westmere Primary School" in queue and f"Child {kid.pk}<" not in queue
    review = client.get(f"/encompass/review/{kid.pk}/").content.decode()
    assert 'govuk-tag--red">Differs' in review  # the date of birth
    assert review.count('govuk-tag--red">Differs') == 1
    assert 'govuk-tag--yellow">Similar' in review  # Robyn for Robin
    assert 'govuk-tag--green">Same' in review


def test_the_la_words_the_help_shown_with_each_notification() -> None:
    from safeguard.encompass.models import Notification
    from safeguard.encompass.services.matching import incident_match

    w = world()
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("H1", child()))
    incident_match(incident_id=found.pk)
    note = Notification.objects.get(child__incident=found)
    school = factories.signed_in(Client(), w.dsl)
    page = school.get(f"/encompass/notifications/{note.pk}/").content.decode()
    assert "Help for your school" in page and "0204 513 9990" in page  # the national default
    assert school.get("/encompass/help/").status_code == 403  # a school cannot change it
    la = factories.signed_in(Client(), w.coordinator)
    saved = la.post(
        "/encompass/help/",
        {"guidance": "Call the Westmere early help hub on 0100 000 0000.", "helpline": "Ring us."},
    )
    assert saved.status_code == 302
    page = school.get(f"/encompass/notifications/{note.pk}/").content.decode()
    assert "Westmere early help hub" in page and "Ring us." in page


def test_names_and_dates_nearly_the_same_are_similar() -> None:
    def verdicts(police: dict[str, str], pupil: dict[str, str]) -> dict[str, str]:
        return {r.label: r.verdict for r in rules.agreements(police, pupil)}

    swapped = verdicts(
        {"forename": "ASHDOWN", "surname": "ROBIN"}, {"forename": "Robin", "surname": "Ashdown"}
    )
    assert swapped["Forename"] == swapped["Surname"] == "Similar"
    assert verdicts({"forename": "Alfie"}, {"forename": "Alfred"})["Forename"] == "Similar"
    assert verdicts({"surname": "Jones"}, {"surname": "Smith-Jones"})["Surname"] == "Similar"
    assert verdicts({"surname": "Murohy"}, {"surname": "Murphy"})["Surname"] == "Similar"
    assert verdicts({"surname": "Patel"}, {"surname": "Murphy"})["Surname"] == "Differs"
    assert verdicts({"dob": "3 April 2016"}, {"dob": "4 March 2016"})["Date of birth"] == "Similar"
    assert verdicts({"dob": "5 March 2016"}, {"dob": "4 March 2016"})["Date of birth"] == "Differs"
