"""The scorecard page, the page of one indicator, and the exports."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import AuditEvent
from safeguard.performance.models import Comparator
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db

STEADY = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80]


@pytest.fixture
def member():
    return factories.person("subgroup_member")


@pytest.fixture
def card():
    owner = factories.organisation(name="Westmere Council")
    icpc = helpers.indicator(
        owner,
        code="icpc",
        name="ICPCs within 15 working days",
        theme="child_protection",
        target=Decimal("90"),
    )
    helpers.series(icpc, [*STEADY, 11.4])
    Comparator.objects.create(
        indicator=icpc, kind="england", year=2022, value=Decimal("78.1"), source="DfE CIN 2023"
    )
    restraints = helpers.indicator(
        owner,
        code="restraints",
        name="Restraints in the secure setting",
        theme="secure_settings",
        unit="count",
        polarity="down",
    )
    helpers.series(restraints, [72, 88, 76, 78, 62, 42, 58, 67, 90, 65, 105, 81])
    helpers.indicator(owner, code="new", name="A new indicator", theme="training")
    return {"icpc": icpc, "restraints": restraints}


def _step_up(client) -> None:
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()


def test_the_scorecard_shows_every_indicator_and_which_signal_concern(
    client_for, member, card
) -> None:
    response = client_for(member).get(reverse("performance:scorecard"))
    content = response.content.decode()
    assert response.status_code == 200
    for caption in ("Child protection", "Secure settings", "Learning and development"):
        assert f'govuk-table__caption--m">{caption}</caption>' in content
    assert "1 indicator signals a special cause concern" in content
    assert "ICPCs within 15 working days</a> (below the lower limit)" in content
    icpc_row = content.split('data-indicator="icpc"')[1].split("</tr>")[0]
    assert "11.4%" in icpc_row and "January 2025" in icpc_row
    assert "England: 78.1%" in icpc_row and "Statistical neighbours: Not published" in icpc_row
    assert "Special cause concern" in icpc_row
    assert "Consistently" in icpc_row or "Inconsistent" in icpc_row
    assert 'alt="Trend of ICPCs within 15 working days, Jan 2024 to Jan 2025"' in icpc_row
    new_row = content.split('data-indicator="new"')[1].split("</tr>")[0]
    assert "No value" in new_row and "Not enough values" in new_row
    assert "style=" not in content


def test_the_indicator_page_has_its_chart_and_the_same_data_as_a_table(
    client_for, member, card
) -> None:
    response = client_for(member).get(
        reverse("performance:indicator_detail", args=[card["icpc"].pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert '<img class="sg-chart" src="data:image/svg+xml;base64,' in content
    assert 'alt="XmR chart of ICPCs within 15 working days: 13 values' in content
    table = content.split('id="series"')[1].split("</table>")[0]
    assert table.count('<tr class="govuk-table__row">') == 14  # header + 13 values
    assert "Below the lower limit (special cause concern)" in table
    assert "DfE CIN 2023" in content
    assert "style=" not in content


def test_an_unknown_indicator_is_not_found(client_for, member) -> None:
    response = client_for(member).get(reverse("performance:indicator_detail", args=[999]))
    assert response.status_code == 404


def test_the_scorecard_exports_to_xlsx_and_the_export_is_audited(client_for, member, card) -> None:
    client = client_for(member)
    _step_up(client)
    response = client.get(reverse("performance:scorecard_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="scorecard-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Theme", "Indicator", "Code")
    by_code = {row[2]: row for row in rows[1:]}
    assert set(by_code) == {"icpc", "restraints", "new"}
    assert by_code["icpc"][7] == pytest.approx(11.4)
    assert by_code["icpc"][10] == pytest.approx(78.1)
    assert by_code["icpc"][13] == "Special cause concern"
    event = AuditEvent.objects.get(action="export", record_type="performance.scorecard")
    assert event.actor_id == member.pk


def test_the_scorecard_exports_to_pdf(client_for, member, card) -> None:
    client = client_for(member)
    _step_up(client)
    response = client.get(reverse("performance:scorecard_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", detail__startswith="pdf").count() == 1


def test_limits_recalculated_from_a_period_are_said_on_the_page(client_for, member) -> None:
    owner = factories.organisation()
    shifted = helpers.indicator(owner, name="Shifted", limits_from=date(2024, 7, 1))
    helpers.series(shifted, [10, 11, 10, 12, 11, 10, 30, 31, 29, 30, 31, 30])
    content = (
        client_for(member)
        .get(reverse("performance:indicator_detail", args=[shifted.pk]))
        .content.decode()
    )
    assert "Limits recalculated from July 2024" in content


def test_text_that_looks_like_a_formula_stays_text_in_the_spreadsheet(client_for, member) -> None:
    owner = factories.organisation()
    helpers.indicator(owner, code="formula", name='=HYPERLINK("http://x.invalid","y")')
    client = client_for(member)
    _step_up(client)
    sheet = load_workbook(io.BytesIO(client.get(reverse("performance:scorecard_xlsx")).content))
    cell = sheet.active["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_a_gap_is_a_gap_on_the_chart() -> None:
    """Issue 11 item 2: no line is drawn across missing periods."""
    from safeguard.performance import charts

    starts = [date(2024, 1, 1), date(2024, 2, 1), date(2024, 12, 1), date(2025, 1, 1)]
    gaps = [date(2024, month, 1) for month in range(3, 12)]
    assert charts.runs(starts, gaps) == [slice(0, 2), slice(2, 4)]
    assert charts.runs(starts[:2], []) == [slice(0, 2)]
    assert charts.runs([], []) == []
