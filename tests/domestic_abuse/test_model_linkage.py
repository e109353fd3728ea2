"""Issue 12 c: adults deduplicated with Splink (the children module's machinery as a dedupe)
beside the rules, so that "3 or more incidents involving the same victim in 12 months" survives
name variants: capitals, swapped names, a missing date of birth with a misspelt name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse import linkage
from safeguard.domestic_abuse.models import Incident, ModelLink
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.incidents import AdultData, IncidentData, incident_receive
from safeguard.domestic_abuse.services.people import adults_model_link, adults_relink, link_decide
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db

VARIANTS = (
    ("Joanne", "Bloggs", date(1990, 4, 17), "WM1 2AB"),  # as first recorded
    ("BLOGGS", "JOANNE", date(1990, 4, 17), ""),  # capitals, names swapped
    ("joanne", "blogs", None, "wm1 2ab"),  # no date of birth, surname misspelt
)


def _receive(w, n, victim, when):
    data = IncidentData(
        reference=f"V{n}",
        occurred_at=when,
        adults=(
            AdultData(
                role="victim",
                forename=victim[0],
                surname=victim[1],
                dob=victim[2],
                postcode=victim[3],
                gender="F",
            ),
            AdultData(role="perpetrator", forename="Mark", surname="Hollis", dob=date(1988, 1, 2)),
        ),
    )
    with clock_at(when):
        incident, _ = incident_receive(actor=None, organisation=w.police, data=data)
    return incident


def test_the_model_finds_a_victim_the_rules_miss_and_the_escalation_follows():
    w = helpers.world()
    for n, victim in enumerate(VARIANTS):
        _receive(w, n, victim, FRIDAY_EVENING - timedelta(days=60 * (2 - n)))
    third = Incident.objects.get(reference="V2")
    # The rules join the first two (swapped names, same date of birth) but not the third.
    assert len({i.victim_key for i in Incident.objects.all()}) == 2
    assert board_cases(day=MONDAY) == []
    pairs, changed = adults_model_link()
    assert pairs == 1 and changed >= 1  # one pair joins the two groups the rules left apart
    assert len({i.victim_key for i in Incident.objects.all()}) == 1
    found = {
        c.incident.reference: [f.criterion for f in c.findings] for c in board_cases(day=MONDAY)
    }
    assert found == {"V2": ["potential_escalation"]}
    assert third.pk in {c.incident.pk for c in board_cases(day=MONDAY)}
    assert AuditEvent.objects.filter(
        record_type="domestic_abuse.link", detail="adults linked by the model"
    ).exists()
    # Idempotent: the same records give the same pairs and nobody changes person.
    assert adults_model_link()[1] == 0
    # A person's split stands against the model too, and the relink keeps the model's pairs.
    victims = {i.reference: i.adults.get(role="victim") for i in Incident.objects.all()}
    link_decide(
        actor=w.social_worker,
        left=victims["V0"],
        right=victims["V2"],
        same=False,
        reason="Different women",
    )
    keys = {r: Incident.objects.get(reference=r).victim_key for r in ("V0", "V1", "V2")}
    assert keys["V0"] == keys["V1"] != keys["V2"]
    assert ModelLink.objects.exists() and adults_relink() == 0


def test_the_model_keeps_apart_namesakes_born_years_apart():
    rows = [
        linkage.Adult(1, "Joanne", "Bloggs", date(1990, 4, 17), "WM1 2AB", "F"),
        linkage.Adult(2, "Joanne", "Bloggs", date(1961, 3, 3), "WM4 4AA", "F"),
        linkage.Adult(3, "Mark", "Hollis", date(1988, 1, 2), "WM1 2AB", "M"),
        linkage.Adult(4, "Mark", "Hollis", date(2010, 6, 1), "WM1 2AB", "M"),  # his son
        linkage.Adult(5, "Jo", "Bloggs", date(1990, 4, 17), "", ""),  # a nickname
        linkage.Adult(6, "Joanne", "Bloggs", date(1990, 4, 18), "WM1 2AB", "F"),  # a day out
    ]
    pairs = {(a, b) for a, b, _ in linkage.model_pairs(rows)}
    # Jo (a nickname, no postcode) and the day-out record are joined through record 1.
    assert pairs == {(1, 5), (1, 6)}
    groups = linkage.link(rows, model_pairs=pairs)
    assert groups == {1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 1}


def test_names_swapped_count_once_so_a_namesake_born_elsewhere_stays_apart():
    rows = [
        linkage.Adult(1, "Grace", "Jones", date(1967, 6, 13), "ZZ20 2FE", "F"),
        linkage.Adult(2, "Jones", "Grace", date(1978, 6, 13), "ZZ96 2BN", "F"),  # another woman
        linkage.Adult(3, "JONES", "GRACE", date(1967, 6, 13), "", "F"),  # her, swapped
    ]
    assert {(a, b) for a, b, _ in linkage.model_pairs(rows)} == {(1, 3)}


def test_every_level_of_the_adults_model_has_its_trained_parameters():
    from safeguard.domestic_abuse import adult_model

    for comparison, levels in adult_model.LEVELS.items():
        named = [level for level, _ in levels if level != "null"]
        assert list(adult_model.PARAMETERS[comparison]) == named
        for m, u in adult_model.PARAMETERS[comparison].values():
            assert 0 < m <= 1 and 0 < u <= 1
    settings = adult_model.splink_settings()
    assert settings["link_type"] == "dedupe_only"
    surname = next(c for c in settings["comparisons"] if c["output_column_name"] == "surname")
    swapped = next(x for x in surname["comparison_levels"] if x["label_for_charts"] == "swapped")
    assert swapped["m_probability"] == swapped["u_probability"]  # counted once, in the forename
