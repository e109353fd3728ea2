"""Children of one incident are matched together (ADR 0009), through the Encompass service.

A family whose surname changed and who moved keeps only the forename and date of birth of the
roll: alone, that child is a namesake among many. Named beside a brother found at the family's
roll address, the service must send it to that address's pupil.
"""

from __future__ import annotations

import itertools
import string
from datetime import date

import pytest

from safeguard.children.importers.roll import import_roll
from safeguard.children.models import Pupil
from safeguard.encompass.models import IncidentChild, MatchState
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests.encompass.data import roll_file, upn
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db

FORENAMES = ["Amir", "Bella", "Caleb", "Daisy", "Ethan", "Freya", "Gabriel", "Hana", "Isaac"]
SURNAMES = ["Okafor", "Nowak", "Patel", "Quinn", "Reyes", "Sato", "Turner", "Usman", "Vance"]


def _crowd() -> list[str]:
    """Pupils at their own addresses, with a namesake of the moved child born the same day."""
    rows = []
    names = itertools.product(FORENAMES, SURNAMES)
    letters = itertools.product(string.ascii_uppercase, repeat=2)
    for serial, ((forename, surname), pair) in enumerate(zip(names, letters, strict=False), 10):
        born = date(2012 + serial % 6, 1 + serial % 12, 1 + serial % 28)
        postcode = f"WM4 {serial % 9}{''.join(pair)}"
        rows.append(f"{upn(serial)},{forename},{surname},{born},M,{postcode},900001\n")
    rows.append(f"{upn(200)},Leo,Marsh,2018-05-09,M,WM8 1QQ,900001\n")
    return rows


def test_a_moved_child_is_found_through_the_brother_named_with_him() -> None:
    w = world()
    family = [
        f"{upn(150)},Mia,Fox,2015-02-11,F,WM9 9ZZ,900001\n",
        f"{upn(151)},Leo,Fox,2018-05-09,M,WM9 9ZZ,900001\n",
    ]
    import_roll(actor=None, data=roll_file(*_crowd(), *family), file_name="roll.csv")
    data = incident(
        "R-HOUSE",
        child("P1", forename="Mia", surname="Fox", dob=date(2015, 2, 11), postcode="WM9 9ZZ"),
        child("P2", forename="Leo", surname="Grant", dob=date(2018, 5, 9), postcode="WM7 2AB"),
    )
    found, _ = incident_receive(actor=w.officer, force=w.force, data=data)
    incident_match(incident_id=found.pk)

    leo = IncidentChild.objects.get(incident=found, ref="P2")
    assert leo.match_state == MatchState.AUTOMATIC
    assert leo.pupil == Pupil.objects.get(upn=upn(151))
