"""Secure settings: monthly returns and their clocks, corrections kept in the audit trail,
incident reviews with actions, the restraint-by-month table, and the kernel registries (the
scorecard's measures and the annual report's tables)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.assurance import rules
from safeguard.assurance.models import MonthlyReturn
from safeguard.assurance.services import secure as services
from safeguard.core import measures, report_tables
from safeguard.core.models import Deadline
from safeguard.core.models.audit import AuditEvent
from safeguard.core.report_tables import Year
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = factories.organisation(kind="partnership", name="The partnership")
    yoi = factories.organisation(kind="secure_setting", name="Hill YOI")
    custody = factories.organisation(kind="secure_setting", name="Custody suite")
    return {
        "yoi": yoi,
        "custody": custody,
        "admin": factories.person("business_unit_admin", organisation_obj=unit),
        "keeper": factories.person("practitioner", organisation_obj=yoi),
        "sergeant": factories.person("practitioner", organisation_obj=custody),
        "outsider": factories.person("practitioner"),
        "chair": factories.person("independent_chair", organisation_obj=unit),
    }


def test_the_month_clocks_open_once_for_every_setting_and_a_return_meets_its_own(world) -> None:
    month = date(2026, 10, 1)
    assert services.returns_due_open(month=month) == 2
    assert services.returns_due_open(month=month) == 2
    clocks = Deadline.objects.filter(module="assurance", kind="monthly_return")
    assert clocks.count() == 2
    services.return_submit(
        actor=world["keeper"],
        organisation=world["yoi"],
        month=month,
        figures={"restraints_main_site": 72, "restraints_specialist_unit": 7},
    )
    met = {c.owner_organisation_id: c.met_at is not None for c in clocks}
    assert met == {world["yoi"].pk: True, world["custody"].pk: False}
    mine = clocks.get(owner_organisation=world["yoi"])
    assert mine.link == f"/assurance/secure-settings/{world['yoi'].pk}/returns/2026-10"
    assert mine.due_at.date() >= date(2026, 11, 13)


def test_a_setting_returns_its_own_figures_only(world) -> None:
    with pytest.raises(PermissionDenied):
        services.return_submit(
            actor=world["sergeant"],
            organisation=world["yoi"],
            month=date(2026, 9, 1),
            figures={"restraints_main_site": 1},
        )
    with pytest.raises(PermissionDenied):
        services.return_submit(
            actor=world["outsider"],
            organisation=world["yoi"],
            month=date(2026, 9, 1),
            figures={"restraints_main_site": 1},
        )


def test_bad_figures_are_refused_with_messages(world) -> None:
    with pytest.raises(ValidationError) as raised:
        services.return_submit(
            actor=world["sergeant"],
            organisation=world["custody"],
            month=date(2026, 9, 1),
            figures={"force_pre_detention": 3, "soft_force_pre_detention": 5},
        )
    assert "soft_force_pre_detention" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.return_submit(
            actor=world["sergeant"],
            organisation=world["custody"],
            month=date(2026, 9, 1),
            figures={},
        )
    assert "restraints_main_site" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.return_submit(
            actor=world["sergeant"],
            organisation=world["custody"],
            month=date(2099, 1, 1),
            figures={"custody_arrests": 3},
        )


def test_a_correction_keeps_the_figures_before_in_the_audit_trail(world) -> None:
    month = date(2026, 8, 1)
    for value in (60, 62):
        services.return_submit(
            actor=world["keeper"],
            organisation=world["yoi"],
            month=month,
            figures={"restraints_main_site": value},
        )
    assert MonthlyReturn.objects.get().restraints_main_site == 62
    row = AuditEvent.objects.filter(record_type="assurance.monthly_return", action="update").get()
    assert row.changes["before"]["restraints_main_site"] == 60


def test_the_return_page_keeps_what_was_typed_on_a_mistake(world, client) -> None:
    factories.signed_in(client, world["keeper"])
    url = reverse("assurance:return", kwargs={"pk": world["yoi"].pk, "month": "2026-07"})
    bad = client.post(url, {"restraints_main_site": "lots", "restraints_specialist_unit": "9"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Restraints at the main site must be a whole number" in page
    assert 'value="9"' in page
    assert client.post(url, {"restraints_main_site": "70"}).status_code == 302
    assert (
        client.get(
            reverse("assurance:return", kwargs={"pk": world["yoi"].pk, "month": "July"})
        ).status_code
        == 404
    )
    factories.signed_in(client, world["sergeant"])
    assert client.get(url).status_code == 404


def test_incident_review_with_an_action(world, client) -> None:
    review = services.incident_review_record(
        actor=world["admin"],
        organisation=world["yoi"],
        title="Leg restraints during transfer",
        reviewed_on=date(2026, 6, 1),
        reviewed_by="Youth Custody Service",
        summary="Restraints kept on in hospital",
        learning="Review restraints at handover",
    )
    with pytest.raises(PermissionDenied):
        services.incident_review_record(
            actor=world["keeper"],
            organisation=world["yoi"],
            title="x",
            reviewed_on=date(2026, 6, 1),
            reviewed_by="x",
            summary="x",
            learning="x",
        )
    factories.signed_in(client, world["admin"])
    url = reverse("assurance:review", kwargs={"pk": review.pk})
    due = (date.today() + timedelta(days=40)).strftime("%d/%m/%Y")
    response = client.post(
        url, {"title": "Handover checklist", "owner": world["yoi"].pk, "due_on": due}
    )
    assert response.status_code == 302
    factories.signed_in(client, world["keeper"])
    assert "Handover checklist" in client.get(url).content.decode()
    factories.signed_in(client, world["sergeant"])
    assert client.get(url).status_code == 404


def _year(world) -> None:
    for month, main, unit in zip(
        rules.financial_year_months(2021),
        (72, 88, 76, 78, 62, 42, 58, 67, 90, 65, 105, 81),
        (7, 8, 11, 9, 8, 29, 6, 8, 10, 22, 42, 28),
        strict=True,
    ):
        services.return_submit(
            actor=world["admin"],
            organisation=world["yoi"],
            month=month,
            figures={"restraints_main_site": main, "restraints_specialist_unit": unit},
        )


def test_the_annual_reports_restraint_table_from_the_returns(world, client) -> None:
    _year(world)
    factories.signed_in(client, world["chair"])
    page = client.get(reverse("assurance:restraints"), {"year": "2021"}).content.decode()
    assert "Hill YOI, main site" in page
    assert ">105<" in page
    [build] = report_tables.builders("secure_settings")
    tables = build.build([Year(date(2021, 4, 1), date(2022, 4, 1), "2021/22")])
    restraints = tables[0]
    assert restraints.headings[1:] == rules.MONTH_NAMES
    assert [c.value for c in restraints.rows[0][1:]] == [
        72,
        88,
        76,
        78,
        62,
        42,
        58,
        67,
        90,
        65,
        105,
        81,
    ]
    assert restraints.rows[1][0].value == "Hill YOI, specialist unit"


def test_one_measure_per_figure_counts_the_returns_and_a_gap_stays_a_gap(world) -> None:
    _year(world)
    for name in rules.FIGURE_FIELDS:
        measure = measures.get(f"assurance.{name}")
        assert measure is not None and measure.theme == "secure_settings"
    main = measures.get("assurance.restraints_main_site")
    assert main is not None
    assert main.count(date(2022, 2, 1), date(2022, 3, 1)) == Decimal(105)
    assert main.count(date(2021, 4, 1), date(2022, 4, 1)) == Decimal(884)
    assert main.count(date(2019, 1, 1), date(2019, 2, 1)) is None
    arrests = measures.get("assurance.custody_arrests")
    assert arrests is not None
    assert arrests.count(date(2021, 4, 1), date(2022, 4, 1)) is None


def test_every_section_the_module_answers_for_builds(world) -> None:
    years = [
        Year(date(2025, 4, 1), date(2026, 4, 1), "2025/26"),
        Year(date(2026, 4, 1), date(2027, 4, 1), "2026/27"),
    ]
    for section in ("audits", "escalations", "section_11", "secure_settings"):
        builders = [b for b in report_tables.builders(section) if b.module == "assurance"]
        assert builders, section
        tables = builders[0].build(years)
        assert tables and all(len(t.rows[0]) == len(t.headings) for t in tables if t.rows)


# --- Clocks caught up without the worker ----------------------------------------------------------


def _months_back(n: int) -> date:
    month = rules.first_of_month(date.today())
    for _ in range(n):
        month = rules.previous_month(month)
    return month


def test_the_catch_up_opens_every_owed_return_and_listing_them_writes_nothing(
    world, client
) -> None:
    """No worker ran for months: the Hill YOI's return four months ago is in, the three since
    are not. The worker's catch-up (at its start, and daily) opens their clocks once; "What is
    due" then shows the two older ones overdue, and listing them writes nothing."""
    first = _months_back(4)
    services.return_submit(
        actor=world["keeper"],
        organisation=world["yoi"],
        month=first,
        figures={"restraints_main_site": 70},
        now=timezone.make_aware(datetime.combine(rules.next_month(first), time(10))),
    )
    assert not Deadline.objects.filter(kind="monthly_return").exists()
    factories.signed_in(client, world["keeper"])
    client.get(reverse("core:deadlines"))
    assert not Deadline.objects.filter(kind="monthly_return").exists()
    # The YOI's four months (the first met at once by its return) and the custody suite's one.
    assert services.open_last_month() == 5
    page = client.get(reverse("core:deadlines") + "?state=overdue").content.decode()
    for back in (3, 2):
        assert f"Secure setting&#x27;s monthly return for {_months_back(back):%B %Y}" in page
    clocks = Deadline.objects.filter(kind="monthly_return")
    mine = clocks.filter(owner_organisation=world["yoi"])
    assert sorted(c.subject_id for c in mine) == [
        services.month_key(world["yoi"].pk, _months_back(n)) for n in (4, 3, 2, 1)
    ]
    assert mine.get(subject_id=services.month_key(world["yoi"].pk, first)).met_at is not None
    # The custody suite is new to the service: it owes last month's return only.
    assert [c.subject_id for c in clocks.filter(owner_organisation=world["custody"])] == [
        services.month_key(world["custody"].pk, _months_back(1))
    ]
    before = AuditEvent.objects.count()
    client.get(reverse("core:deadlines"))
    client.get("/")
    assert clocks.count() == 5 and AuditEvent.objects.count() == before
    assert services.returns_due_catch_up() == 0


def test_the_worker_job_catches_up_and_never_reaches_past_the_limit(world) -> None:
    from safeguard.core import worker

    long_ago = _months_back(rules.CATCH_UP_MONTHS + 6)
    services.return_submit(
        actor=world["keeper"],
        organisation=world["yoi"],
        month=long_ago,
        figures={"restraints_main_site": 70},
    )
    [job] = [j for j in worker.periodic_jobs() if j.name == "assurance_monthly_returns"]
    job.func()
    yoi = Deadline.objects.filter(kind="monthly_return", owner_organisation=world["yoi"])
    assert yoi.count() == rules.CATCH_UP_MONTHS
    assert not yoi.filter(subject_id=services.month_key(world["yoi"].pk, long_ago)).exists()
    job.func()
    assert Deadline.objects.filter(kind="monthly_return").count() == rules.CATCH_UP_MONTHS + 1
