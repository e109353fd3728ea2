"""Making Data Count icons (issue 11 item 4) and percentage limits kept within 0 to 100."""

from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from safeguard.performance import icons, rules
from tests import factories
from tests.performance import helpers

SVG = "{http://www.w3.org/2000/svg}"


def _parts(svg: str) -> tuple[str, str, set[str]]:
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and root.get("role") == "img"
    assert root.get("aria-label") == title.text
    letters = {t.text or "" for t in root.iter(f"{SVG}text")}
    ring = root.find(f"{SVG}circle")
    assert ring is not None
    return title.text or "", ring.get("stroke") or "", letters


@pytest.mark.parametrize(
    ("variation", "high", "colour", "letter"),
    [
        ("common_cause", False, icons.GREY, set()),
        ("improvement", True, icons.BLUE, {"H"}),
        ("improvement", False, icons.BLUE, {"L"}),
        ("concern", True, icons.ORANGE, {"H"}),
        ("concern", False, icons.ORANGE, {"L"}),
        ("neutral_high", True, icons.PURPLE, {"H"}),
        ("neutral_low", False, icons.PURPLE, {"L"}),
    ],
)
def test_each_variation_has_its_icon(variation, high, colour, letter) -> None:
    title, ring, letters = _parts(icons.variation_icon(variation, high=high, label="Words"))
    assert (title, ring, letters) == ("Words", colour, letter)


@pytest.mark.parametrize(
    ("assurance", "colour", "letter"),
    [("pass", icons.BLUE, "P"), ("fail", icons.ORANGE, "F"), ("inconsistent", icons.GREY, "?")],
)
def test_each_assurance_has_its_icon(assurance, colour, letter) -> None:
    title, ring, letters = _parts(icons.assurance_icon(assurance, label="A & B"))
    assert (title, ring, letters) == ("A & B", colour, {letter})


def test_percentage_limits_are_clipped_and_others_are_not() -> None:
    assert rules.clip(104.2, "percentage") == 100.0
    assert rules.clip(-3.5, "percentage") == 0.0
    assert rules.clip(55.0, "percentage") == 55.0
    assert rules.clip(-3.5, "count") == -3.5


@pytest.mark.django_db
def test_the_pages_show_the_icons_and_clipped_limits(client_for) -> None:
    owner = factories.organisation()
    indicator = helpers.indicator(owner, polarity="up", target=90)
    # near 100% with a wide spread: the computed upper limit passes 100
    helpers.series(indicator, [99, 92, 100, 95, 99, 91, 100, 94, 98, 99, 93, 100])
    client = client_for(factories.person("subgroup_member"))
    card = client.get(reverse("performance:scorecard")).content.decode()
    row = re.search(rf'data-indicator="{indicator.code}">.*?</tr>', card, re.S)
    assert row is not None
    assert row.group(0).count('role="img" aria-label="') >= 2  # variation and assurance
    page = client.get(reverse("performance:indicator_detail", kwargs={"pk": indicator.pk}))
    content = page.content.decode()
    assert 'aria-label="Common cause variation"' in content
    uppers = re.findall(r"\b1\d\d\.\d\d\b", content)
    assert not [u for u in uppers if float(u) > 100], uppers
    assert "100.00" in content
