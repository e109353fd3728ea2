"""Returns: one value by form, many by file (all or nothing), clocks and chasing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.performance.models import Observation
from safeguard.performance.services import returns
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return factories.organisation(name="Owner council")


@pytest.fixture
def lead(owner):
    return factories.person("la_data_team", organisation_obj=owner)


def _submit(client, indicator, **changes):
    data = {"indicator": str(indicator.pk), "period": "2026-09", "value": "87.5"}
    data["narrative"] = "Fewer conferences were late after the new rota."
    data.update(changes)
    return client.post(reverse("performance:return_submit"), data)


def test_the_owner_submits_a_value_with_narrative(client_for, owner, lead) -> None:
    indicator = helpers.indicator(owner, unit="percentage")
    client = client_for(lead)
    page = client.get(reverse("performance:return_submit"), {"indicator": indicator.pk})
    assert f'<option value="{indicator.pk}" selected>' in page.content.decode()
    response = _submit(client, indicator)
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.value == Decimal("87.5")
    assert observation.period_start == date(2026, 9, 1)
    assert observation.submitted_by == lead
    event = AuditEvent.objects.get(record_type="performance.observation")
    assert event.changes["value"] == [None, "87.5"]
    assert "rota" not in str(event.changes)  # the narrative stays out of the audit row


@pytest.mark.parametrize(
    ("unit", "changes", "field", "message"),
    [
        ("percentage", {"value": "100.1"}, "value", "A percentage cannot be more than 100"),
        ("count", {"value": "-1"}, "value", "Value cannot be negative"),
        ("count", {"value": "3.5"}, "value", "A count must be a whole number"),
        ("count", {"value": "lots"}, "value", "Value must be a number"),
        ("percentage", {"narrative": "  "}, "narrative", "Enter the narrative"),
        ("percentage", {"period": "2026-9"}, "period", "Period must be a year and month"),
    ],
)
def test_a_value_its_unit_forbids_is_refused(
    client_for, owner, lead, unit, changes, field, message
) -> None:
    indicator = helpers.indicator(owner, unit=unit)
    response = _submit(client_for(lead), indicator, **changes)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in content
    assert message in content
    assert not Observation.objects.exists()


def test_a_quarterly_value_must_start_a_quarter(client_for, owner, lead) -> None:
    indicator = helpers.indicator(owner, frequency="quarterly")
    response = _submit(client_for(lead), indicator, period="2026-08")
    assert "January, April, July or October" in response.content.decode()
    assert not Observation.objects.exists()


def test_another_organisation_cannot_submit_for_the_indicator(client_for, owner) -> None:
    indicator = helpers.indicator(owner)
    stranger = factories.person("statutory_partner_lead")
    response = _submit(client_for(stranger), indicator)
    assert "Select the indicator from the list" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_second_value_for_the_period_replaces_the_first_and_is_audited(
    client_for, owner, lead
) -> None:
    indicator = helpers.indicator(owner)
    client = client_for(lead)
    _submit(client, indicator, value="80")
    _submit(client, indicator, value="82")
    assert Observation.objects.get().value == Decimal("82")
    update = AuditEvent.objects.get(record_type="performance.observation", action="update")
    assert update.changes["value"] == ["80", "82"]


# --- Files ---------------------------------------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("return.csv", text.encode(), content_type="text/csv")


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("return.xlsx", out.getvalue())


def test_a_good_csv_is_imported_whole(client_for, owner, lead) -> None:
    helpers.indicator(owner, code="icpc", unit="percentage")
    helpers.indicator(owner, code="cpp", unit="count")
    text = (
        "indicator,period,value,narrative\n"
        "icpc,2026-08,84%,Improving\n"
        "icpc,2026-09,86.5,Improving again\n"
        'cpp,2026-09,"1,204",Stable\n'
    )
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": _csv(text)})
    assert response.status_code == 302
    values = dict(
        Observation.objects.values_list("indicator__code", "value").filter(
            period_start=date(2026, 9, 1)
        )
    )
    assert values == {"icpc": Decimal("86.5"), "cpp": Decimal("1204")}
    assert Observation.objects.count() == 3


def test_a_file_with_bad_rows_lists_every_one_and_changes_nothing(client_for, owner, lead) -> None:
    icpc = helpers.indicator(owner, code="icpc", unit="percentage")
    helpers.indicator(owner, code="cpp", unit="count")
    helpers.indicator(factories.organisation(), code="theirs")
    helpers.series(icpc, [80], start=date(2026, 8, 1))
    text = (
        "indicator,period,value,narrative\n"
        "icpc,2026-08,99,A correction\n"  # good, but must not be saved
        "icpc,2026-09,101,Too high\n"
        "cpp,2026-09,-3,Negative\n"
        "nope,2026-09,3,Unknown\n"
        "theirs,2026-09,3,Not ours\n"
        "icpc,2026-10,50,\n"
        "icpc,2026-08,70,Same period as line 2\n"
    )
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": _csv(text)})
    content = response.content.decode()
    assert response.status_code == 200
    assert "6 problems" in content
    expected = [
        ("3", "value", "A percentage cannot be more than 100"),
        ("4", "value", "Value cannot be negative"),
        ("5", "indicator", "No active indicator has this code"),
        ("6", "indicator", "Your organisation does not own this indicator"),
        ("7", "narrative", "Enter a narrative"),
        ("8", "period", "Same indicator and period as line 2"),
    ]
    for line, column, reason in expected:
        assert (
            f'<td class="govuk-table__cell">{line}</td><td class="govuk-table__cell">{column}</td>'
            f'<td class="govuk-table__cell">{reason}'
        ) in content
    assert list(Observation.objects.values_list("value", flat=True)) == [Decimal("80")]


def test_an_xlsx_with_the_wrong_columns_is_refused(client_for, owner, lead) -> None:
    helpers.indicator(owner, code="icpc")
    upload = _xlsx([["indicator", "month", "value"], ["icpc", "2026-09", 80]])
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": upload})
    assert "The columns must be exactly: indicator, period, value, narrative" in (
        response.content.decode()
    )
    assert not Observation.objects.exists()


def test_a_good_xlsx_is_imported_with_dates_and_numbers(client_for, owner, lead) -> None:
    helpers.indicator(owner, code="icpc", unit="percentage")
    upload = _xlsx(
        [
            ["Indicator", "Period", "Value", "Narrative"],
            ["icpc", datetime(2026, 9, 1), 86.5, "Improving"],
            [None, None, None, None],
        ]
    )
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": upload})
    assert response.status_code == 302
    assert Observation.objects.get().value == Decimal("86.5")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("return.txt", b"indicator,period,value,narrative\n", "must be a CSV or an XLSX"),
        ("return.xlsx", b"not a zip", "not a readable XLSX"),
        ("return.csv", b"\xff\xfe\x00bad", "must be UTF-8"),
        ("return.csv", b"indicator,period,value,narrative\n", "no rows of values"),
    ],
)
def test_an_unreadable_file_is_refused(client_for, owner, lead, name, content, message) -> None:
    upload = SimpleUploadedFile(name, content)
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": upload})
    assert message in response.content.decode()
    assert not Observation.objects.exists()


# --- Clocks and chasing ---------------------------------------------------------------------


NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def test_the_return_clock_opens_when_the_period_ends_and_shows_on_what_is_due(
    client_for, owner, lead
) -> None:
    indicator = helpers.indicator(owner, name="ICPC within 15 working days")
    assert returns.returns_open_due(now=NOW) == 1
    assert returns.returns_open_due(now=NOW) == 0  # idempotent
    deadline = Deadline.objects.get(module="performance", kind="return")
    assert deadline.subject_id == f"{indicator.pk}:2026-09"
    assert deadline.owner_organisation == owner
    # 10 working days after Wednesday 30 September 2026: Wednesday 14 October.
    assert deadline.due_at.date() == date(2026, 10, 14)
    page = client_for(lead).get(reverse("core:deadlines"))
    assert "Return: ICPC within 15 working days, September 2026" in page.content.decode()


def test_late_returns_are_chased_weekly_until_the_value_comes(client_for, owner, lead) -> None:
    indicator = helpers.indicator(owner)
    factories.person("subgroup_member", organisation_obj=owner)  # cannot submit: not chased
    returns.returns_open_due(now=NOW)
    assert returns.returns_chase_late(now=NOW) == 1
    assert returns.returns_chase_late(now=NOW + timedelta(hours=5)) == 1  # same week: deduped
    assert OutboxMessage.objects.count() == 1
    message = OutboxMessage.objects.get()
    assert message.recipient == lead
    assert indicator.name not in message.body
    returns.returns_chase_late(now=NOW + timedelta(days=7))
    assert OutboxMessage.objects.count() == 2
    _submit(client_for(lead), indicator, period="2026-09", value="90")
    deadline = Deadline.objects.get(module="performance", kind="return")
    assert deadline.met_at is not None
    assert returns.returns_chase_late(now=NOW + timedelta(days=14)) == 0


def test_the_returns_page_lists_what_my_organisation_owes(client_for, owner, lead) -> None:
    mine = helpers.indicator(owner, name="Mine")
    helpers.series(mine, [1, 2], start=date(2020, 1, 1))
    helpers.indicator(factories.organisation(), name="Not mine")
    content = client_for(lead).get(reverse("performance:returns")).content.decode()
    assert "Mine" in content
    assert "Not mine" not in content


def test_a_period_that_has_not_ended_is_refused(client_for, owner, lead) -> None:
    indicator = helpers.indicator(owner, code="icpc")
    response = _submit(client_for(lead), indicator, period="2099-01")
    assert "The period has not ended yet" in response.content.decode()
    text = "indicator,period,value,narrative\nicpc,2099-01,50,Future\n"
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": _csv(text)})
    assert "The period has not ended yet" in response.content.decode()
    assert not Observation.objects.exists()


def test_rows_with_extra_cells_are_each_listed(client_for, owner, lead) -> None:
    helpers.indicator(owner, code="icpc")
    text = (
        "indicator,period,value,narrative\n"
        "icpc,2026-08,50,Fine,extra\n"
        "icpc,2026-09,50,Fine\n"
        "icpc,2026-10,50,Fine,,more\n"
    )
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": _csv(text)})
    content = response.content.decode()
    assert "2 problems" in content
    assert content.count("The row has more than 4 columns") == 2
    assert not Observation.objects.exists()


def test_the_worker_job_is_registered_and_idempotent(owner, lead) -> None:
    from safeguard.core import worker
    from safeguard.performance import tasks

    assert "performance_returns" in {job.name for job in worker.periodic_jobs()}
    helpers.indicator(owner)
    tasks.returns_due_and_chase()
    counts = (Deadline.objects.count(), OutboxMessage.objects.count())
    tasks.returns_due_and_chase()
    assert counts[0] == 1
    assert (Deadline.objects.count(), OutboxMessage.objects.count()) == counts


def test_a_percentage_formatted_cell_is_read_as_the_sheet_shows_it(client_for, owner, lead) -> None:
    helpers.indicator(owner, code="icpc", unit="percentage")
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "period", "value", "narrative"])
    sheet.append(["icpc", "2026-09", 0.875, "Shown as 87.5%"])
    sheet["C2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("return.xlsx", out.getvalue())
    response = client_for(lead).post(reverse("performance:return_upload"), {"file": upload})
    assert response.status_code == 302
    assert Observation.objects.get().value == Decimal("87.5")


def test_values_computed_from_records_are_saved_with_their_source(owner, lead) -> None:
    from safeguard.performance.models import ObservationSource

    helpers.indicator(owner, code="cpp", unit="count")
    rows = [returns.ReturnRow(1, "cpp", "2026-09", "611", "Computed from CIN census import 7")]
    assert returns.observations_import(actor=lead, rows=rows, source=ObservationSource.RECORDS)
    assert Observation.objects.get().source == "records"
