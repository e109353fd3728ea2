"""A school across the border (LA 873) with a pupil, and a neighbouring partnership covering it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from safeguard.children.importers.gias import import_gias
from safeguard.children.importers.roll import import_roll
from safeguard.core.models import Organisation
from safeguard.encompass.models import Forward, Neighbour
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from safeguard.encompass.services.neighbours import neighbour_save
from tests import factories
from tests.encompass.data import gias_file, gias_row, roll_file, upn
from tests.encompass.helpers import World, child, incident, world

BORDER_URN = "800001"


@dataclass
class Border:
    w: World
    school: Organisation
    admin: Any


def border_world() -> Border:
    w = world()
    import_gias(
        actor=None,
        data=gias_file(gias_row(BORDER_URN, "Northshire Border School", la="873", estab="2003")),
        file_name="gias-border.csv",
    )
    import_roll(
        actor=None,
        data=roll_file(
            f"{upn(5, la='873', estab='2003')},Casey,Evans,2015-07-08,F,NB1 1AA,{BORDER_URN}\n",
            f"{upn(6, la='873', estab='2003')},Drew,Fox,2013-01-09,M,NB2 2BB,{BORDER_URN}\n",
        ),
        file_name="roll-border.csv",
    )
    school = Organisation.objects.get(urn=BORDER_URN)
    assert school.la_code == "873"
    return Border(w=w, school=school, admin=factories.person("business_unit_admin"))


def neighbour(b: Border, **fields: Any) -> Neighbour:
    values: dict[str, Any] = {"name": "Northshire Partnership", "la_codes": "873"}
    values.update(fields)
    return neighbour_save(actor=b.admin, **values)


def casey(ref: str = "P2") -> Any:
    return child(
        ref,
        forename="Casey",
        surname="Evans",
        dob=date(2015, 7, 8),
        gender="F",
        postcode="NB1 1AA",
        voice_of_the_child="Saw the window broken",
    )


def forwarded_incident(b: Border, reference: str = "WM/2026/0700") -> Forward:
    """An incident with one of our children (Robin) and one across the border (Casey)."""
    found, _ = incident_receive(
        actor=b.w.officer, force=b.w.force, data=incident(reference, child("P1"), casey())
    )
    incident_match(incident_id=found.pk)
    return Forward.objects.get(child__incident=found)
