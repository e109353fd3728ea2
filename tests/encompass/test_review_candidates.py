"""Issue 9: a review shows every plausible pupil (up to five, each at least 1% probable), each
one beside the police record field by field with its school and how probable the matching found
it, so a coordinator can pick the right one by keyboard or screen reader."""

from __future__ import annotations

import re

import pytest

from safeguard.children import linkage
from safeguard.children.importers.roll import import_roll
from safeguard.children.models import Pupil
from safeguard.encompass.models import IncidentChild, MatchState, Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests.encompass.data import roll_file, upn
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db

WORLD_ROLL = (
    f"{upn(1)},Robin,Ashdown,2016-03-04,F,WM1 2BB,900001\n",
    f"{upn(2)},Samuel,Birch,2012-11-30,M,WM1 3CC,900002\n",
    f"{upn(3)},Alex,Cole,2017-06-15,M,WM2 4DD,900001\n",
    f"{upn(4)},Jordan,Dale,2013-02-20,F,WM3 5EE,900002\n",
)


def _namesakes(count: int) -> None:
    """``count`` pupils called Casey Morgan born the same day, at two schools and as many
    addresses: a child recorded by that name alone could be any of them."""
    rows = [
        f"{upn(100 + n)},Casey,Morgan,2015-07-01,F,WM{n + 1} {n + 1}AB,"
        f"{'900001' if n % 2 else '900002'}\n"
        for n in range(count)
    ]
    import_roll(actor=None, data=roll_file(*WORLD_ROLL, *rows), file_name="roll.csv")


def _ambiguous(w):  # type: ignore[no-untyped-def]
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident(
            "RC1",
            child(forename="Casey", surname="Morgan", dob=None, gender="", postcode=""),
        ),
    )
    incident_match(incident_id=found.pk)
    return found.children.get()


def test_the_matching_keeps_up_to_five_candidates_with_their_probabilities() -> None:
    w = world()
    _namesakes(7)
    kid = _ambiguous(w)
    assert kid.match_state == MatchState.REVIEW
    assert len(kid.candidates) == linkage.MAX_CANDIDATES == 5
    assert len(kid.candidate_probabilities) == 5
    assert kid.candidate_probabilities == sorted(kid.candidate_probabilities, reverse=True)
    assert all(p >= linkage.CANDIDATE_FLOOR for p in kid.candidate_probabilities)
    assert kid.pupil_id == kid.candidates[0]


def test_the_review_shows_each_candidate_apart_and_any_can_be_chosen(client_for) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _namesakes(7)
    kid = _ambiguous(w)
    client = client_for(w.coordinator)
    page = client.get(f"/encompass/review/{kid.pk}/").content.decode()
    for number in range(1, 6):
        # A heading per candidate, reached from a list of links at the top.
        heading = f'id="candidate-{number}">Candidate {number}: Casey Morgan'
        assert f'<h2 class="govuk-heading-m" {heading}' in page
        assert f'href="#candidate-{number}"' in page
        assert f"Candidate {number} beside the police record" in page  # each table's caption
    assert "Candidate 6" not in page
    assert len(re.findall(r"Match probability 0\.\d{3}", page)) == 5
    assert page.count("On the roll of ") == 5
    # Every field of each candidate with its verdict: 6 rows (5 details and the school) each.
    assert page.count('<th scope="row" class="govuk-table__header">') == 30
    # The choices are labelled radios (keyboard and screen reader), one per candidate and none.
    radios = re.findall(r'<input class="govuk-radios__input" id="([^"]+)" name="decision"', page)
    assert len(radios) == 6
    for radio in radios:
        assert f'for="{radio}"' in page
    fourth = Pupil.objects.get(pk=kid.candidates[3])
    assert f"Candidate 4: Casey Morgan, {fourth.school.name}" in page
    response = client.post(
        f"/encompass/review/{kid.pk}/",
        {"decision": str(fourth.pk)},
    )
    assert response.status_code == 302
    kid = IncidentChild.objects.get(pk=kid.pk)
    assert (kid.match_state, kid.pupil_id) == (MatchState.CONFIRMED, fourth.pk)
    assert Notification.objects.get(child=kid).school_id == fourth.school_id


def test_an_unlikely_runner_up_is_not_shown() -> None:
    """A pupil far less probable than the floor is not put before the reviewer."""
    w = world()
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("RC2", child(forename="Robyn", dob=None, postcode="")),
    )
    incident_match(incident_id=found.pk)
    kid = found.children.get()
    assert all(p >= linkage.CANDIDATE_FLOOR for p in kid.candidate_probabilities[1:])
    assert len(kid.candidates) == len(kid.candidate_probabilities)
