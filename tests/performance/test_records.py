"""Census imports by the LA data team: through the page, all or nothing, onto the scorecard."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.core import navigation, worker
from safeguard.core.models import AuditEvent
from safeguard.performance import policies
from safeguard.performance.importers.census import upload as census_upload
from safeguard.performance.importers.census import validators
from safeguard.performance.models import Observation, RecordImport
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "census" / "fixtures"
CIN = (FIXTURES / "cin_census.xml").read_bytes()
SSDA903 = {p.name: p.read_bytes() for p in (FIXTURES / "ssda903").glob("*.csv")}
URL = "/performance/records"
YEAR_2024_25 = date(2024, 4, 1)  # the annual period holding the year ending 31 March 2025
# Identifiers and dates of the synthetic fixture: none may reach the audit trail.
PERSONAL = ("SYN0001", "SYN9001", "A999999999001", "2015-06-01", "cin_census.xml")


@pytest.fixture(autouse=True)
def census_folder(settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "census"


@pytest.fixture
def council():
    return factories.organisation(name="Westmere Council", kind="local_authority")


@pytest.fixture
def analyst(council):
    return factories.person("la_data_team", organisation_obj=council)


@pytest.fixture
def on_plan(council):
    """Children on a plan at 31 March, an annual count whose latest value is 2023-24."""
    indicator = helpers.indicator(
        council,
        code="cp-children",
        name="Children on a child protection plan",
        unit="count",
        polarity="neither",
        frequency="annual",
        census_key="cp_plans_at_end",
    )
    helpers.series(indicator, [615, 620, 612, 618, 611, 616, 619, 614], start=date(2016, 4, 1))
    return indicator


@pytest.fixture
def looked_after(council):
    indicator = helpers.indicator(
        council,
        code="cla-children",
        unit="count",
        polarity="neither",
        frequency="annual",
        census_key="cla_at_end",
    )
    helpers.series(indicator, [1330, 1340], start=date(2022, 4, 1))
    return indicator


def _series(indicator) -> list[tuple[date, Decimal, str]]:
    return list(
        Observation.objects.filter(indicator=indicator)
        .order_by("period_start")
        .values_list("period_start", "value", "narrative")
    )


def _post(client, *, year: str = "2025", cin: bytes | None = CIN, ssda903=None, **extra):
    """Upload, let a worker run the queued import, and open the job page the upload led to."""
    data: dict = {"year": year, "population": "", **extra}
    if cin is not None:
        data["cin_file"] = SimpleUploadedFile("cin_census.xml", cin, "application/xml")
    if ssda903 is not None:
        data["ssda903_files"] = ssda903
    response = client.post(URL, data)
    if response.status_code != 302:
        return response
    assert response.url.startswith("/jobs/")
    worker.run_queued_tasks(worker_id="test")
    return client.get(response.url)


def _csvs(files: dict[str, bytes] = SSDA903) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, data, "text/csv") for name, data in files.items()]


def _latest_on_scorecard(client, code: str) -> str:
    page = client.get(reverse("performance:scorecard")).content.decode()
    row = re.search(rf'data-indicator="{code}">.*?</tr>', page, re.S)
    assert row is not None
    cell = re.search(r'<td class="govuk-table__cell">(.*?)<br>', row.group(0), re.S)
    assert cell is not None
    return cell.group(1).strip()


def test_the_page_is_the_data_teams_alone(client, client_for, analyst) -> None:
    assert client.get(URL).status_code == 302
    member = factories.person("subgroup_member")
    assert client_for(member).get(URL).status_code == 403
    lead = factories.person("statutory_partner_lead")
    assert client_for(lead).get(URL).status_code == 403
    page = client_for(analyst).get(URL)
    assert page.status_code == 200
    assert "Census imports" in page.content.decode()
    viewed = AuditEvent.objects.get(action="view", record_type="performance.record_import")
    assert viewed.actor_id == analyst.pk


def test_the_data_team_finds_the_page_in_the_navigation() -> None:
    item = next(i for i in navigation.items() if i.url_name == "performance:records")
    assert item.capability == policies.IMPORT_RECORDS
    assert policies.can_import_records(factories.person("la_data_team"))
    assert not policies.can_import_records(factories.person("business_unit_admin"))


def test_a_census_import_changes_the_scorecard(client_for, analyst, on_plan) -> None:
    member = client_for(factories.person("subgroup_member"))
    assert _latest_on_scorecard(member, "cp-children") == "614"
    response = _post(client_for(analyst), validate="")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="imported"' in content
    assert "The DfE validators were not asked for" in content
    observation = Observation.objects.get(indicator=on_plan, period_start=YEAR_2024_25)
    assert observation.value == 2
    assert observation.source == "records"
    assert observation.submitted_by == analyst
    assert "SYN" not in observation.narrative
    assert _latest_on_scorecard(member, "cp-children") == "2"
    record = RecordImport.objects.get()
    assert (record.outcome, record.year, record.kinds) == ("imported", 2025, "cin")
    assert record.indicators_updated == 1
    assert record.row_counts["cp_plans"] == 3
    assert (census_folder_of() / "cp_plans.parquet").is_file()
    assert "Before" in content and "614" not in content  # the period had no value before


def census_folder_of() -> Path:
    from safeguard.performance.services.records import census_folder

    return census_folder()


def test_an_import_feeds_only_the_returns_it_brings(client_for, analyst, on_plan, looked_after):
    before = _series(looked_after)
    _post(client_for(analyst), validate="")
    assert _series(looked_after) == before  # a CIN census alone: no zero for looked after
    _post(client_for(analyst), cin=None, ssda903=_csvs(), validate="")
    assert Observation.objects.get(indicator=looked_after, period_start=YEAR_2024_25).value == 2


def test_an_ssda903_set_as_one_zip(client_for, analyst, looked_after) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in SSDA903.items():
            archive.writestr(f"return/{name}", data)
    upload = SimpleUploadedFile("ssda903.zip", buffer.getvalue(), "application/zip")
    response = _post(client_for(analyst), cin=None, ssda903=[upload], validate="")
    assert 'id="imported"' in response.content.decode()
    assert Observation.objects.filter(indicator=looked_after, source="records").count() == 1


def test_a_bad_upload_lists_every_problem_and_changes_nothing(
    client_for, analyst, on_plan, looked_after, census_folder
) -> None:
    _post(client_for(analyst), validate="")  # a good import first: it must survive
    stored = {p.name: p.read_bytes() for p in census_folder.glob("*.parquet")}
    series = (_series(on_plan), _series(looked_after))
    bad_cin = CIN.replace(b"<CPPstartDate>2024-05-20", b"<CPPstartDate>20/05/2024", 1).replace(
        b"<CINreferralDate>2024-05-01", b"<CINreferralDate>1 May", 1
    )
    bad_903 = dict(SSDA903) | {"episodes.csv": SSDA903["episodes.csv"].replace(b"10/01/2023", b"")}
    response = _post(client_for(analyst), cin=bad_cin, ssda903=_csvs(bad_903), validate="")
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "Nothing was changed" in content
    problems = re.findall(
        r"<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">"
        r"(.*?)</td><td class=\"govuk-table__cell\">(.*?)</td>"
        r"<td class=\"govuk-table__cell\">(.*?)</td>",
        content,
    )
    files = [p[0] for p in problems]
    assert files.count("CIN census file") == 2
    assert "episodes.csv" in files
    assert ("episodes.csv", "2", "DECOM") in problems
    assert (_series(on_plan), _series(looked_after)) == series
    assert {p.name: p.read_bytes() for p in census_folder.glob("*.parquet")} == stored
    refused = RecordImport.objects.get(outcome="refused")
    assert refused.problem_count == 3
    assert refused.kinds == "cin,ssda903"


def test_a_year_not_yet_ended_is_refused(client_for, analyst, on_plan) -> None:
    before = _series(on_plan)
    content = _post(client_for(analyst), year="2030", validate="").content.decode()
    assert "has not ended yet" in content
    assert _series(on_plan) == before
    assert not (census_folder_of()).exists()


def test_an_upload_needs_a_file(client_for, analyst) -> None:
    content = _post(client_for(analyst), cin=None, validate="").content.decode()
    assert "Choose a CIN census file, SSDA903 files, or both" in content
    assert not RecordImport.objects.exists()


def test_hostile_xml_is_refused(client_for, analyst, on_plan) -> None:
    before = _series(on_plan)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "ha">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<Message>&c;</Message>"
    )
    external = b'<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message>&x;</Message>'
    for hostile in (laughs, external):
        content = _post(client_for(analyst), cin=hostile, validate="").content.decode()
        assert "refused for safety" in content
        assert "root:" not in content
    assert _series(on_plan) == before
    assert RecordImport.objects.filter(outcome="refused").count() == 2


def _zip(members: dict[str, bytes | int]) -> SimpleUploadedFile:
    """A ZIP whose int members are that many zero bytes, written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, int):
                with archive.open(name, "w", force_zip64=True) as member:
                    block = b"\0" * (1024 * 1024)
                    for _ in range(data // len(block)):
                        member.write(block)
            else:
                archive.writestr(name, data)
    return SimpleUploadedFile("ssda903.zip", buffer.getvalue(), "application/zip")


def test_xml_nested_200000_deep_is_refused_with_a_message(client_for, analyst, on_plan) -> None:
    before = _series(on_plan)
    deep = (
        b"<Message><Header/><Children>"
        + b"<a>" * 200_000
        + b"</a>" * 200_000
        + b"</Children></Message>"
    )
    response = _post(client_for(analyst), cin=deep, validate="")
    assert response.status_code == 200
    assert "nested more than" in response.content.decode()
    assert _series(on_plan) == before
    assert RecordImport.objects.filter(outcome="refused").count() == 1


def test_a_zip_bomb_is_refused(client_for, analyst, looked_after) -> None:
    before = _series(looked_after)
    bomb = _zip({"header.csv": census_upload.MAX_UNCOMPRESSED + 1024 * 1024})
    assert bomb.size < 2 * 1024 * 1024
    content = _post(client_for(analyst), cin=None, ssda903=[bomb], validate="").content.decode()
    assert "unpacks to more than 256 MB; refused" in content
    many = _zip({f"file{n}.csv": b"x" for n in range(census_upload.MAX_MEMBERS + 1)})
    content = _post(client_for(analyst), cin=None, ssda903=[many], validate="").content.decode()
    assert f"has more than {census_upload.MAX_MEMBERS} files; refused" in content
    assert _series(looked_after) == before
    refused = RecordImport.objects.filter(outcome="refused", kinds="ssda903")
    assert refused.count() == 2
    assert (
        AuditEvent.objects.filter(
            record_type="performance.record_import", record_id__in=[str(r.pk) for r in refused]
        ).count()
        == 2
    )


def test_a_zip_that_lies_about_its_size_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.csv", b"\0" * (8 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    # claim 10 bytes uncompressed, in the local header and in the central directory
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at : at + 4] = (10).to_bytes(4, "little")
    problems: list = []
    files = census_upload.read_ssda903(
        [census_upload.Upload("ssda903.zip", len(data), io.BytesIO(bytes(data)))], problems
    )
    assert files == {}
    assert [(p.column, p.reason) for p in problems] == [
        ("header.csv", "cannot be unpacked (damaged or encrypted)")
    ]


def test_audit_rows_carry_no_personal_data(client_for, analyst, on_plan) -> None:
    _post(client_for(analyst), validate="")
    _post(client_for(analyst), cin=CIN.replace(b"2024-05-20", b"bad", 1), validate="")
    rows = AuditEvent.objects.filter(record_type="performance.record_import")
    assert rows.filter(action="create").count() == 2
    for event in AuditEvent.objects.all():
        text = f"{event.changes} {event.detail} {event.route}"
        for personal in PERSONAL:
            assert personal not in text
    created = rows.get(action="create", detail="record-level DfE data imported")
    assert created.changes["rows"]["children"] == 3
    assert created.changes["indicators_updated"] == 1


def test_the_list_of_imports_shows_counts_not_children(client_for, analyst, on_plan) -> None:
    _post(client_for(analyst), validate="")
    content = client_for(analyst).get(URL).content.decode()
    assert 'id="imports"' in content
    assert "Imported" in content
    assert "CIN census" in content
    assert "SYN0001" not in content


@pytest.mark.skipif(
    not (validators.default_venv() / "bin" / "python").is_file(),
    reason="validators not installed: run make validators",
)
def test_the_validators_findings_are_shown(client_for, analyst, on_plan) -> None:
    content = _post(client_for(analyst), validate="on").content.decode()
    assert 'id="imported"' in content
    assert 'id="findings"' in content
    assert RecordImport.objects.get().finding_count is not None


def test_without_the_validators_the_page_says_so(client_for, analyst, on_plan, monkeypatch):
    monkeypatch.setenv("SAFEGUARD_VALIDATORS_VENV", "/nonexistent/validators")
    content = _post(client_for(analyst), validate="on").content.decode()
    assert "The DfE validators are not installed on this server" in content
    assert RecordImport.objects.get().finding_count is None


def test_the_demo_catalogue_takes_the_fixture_file(client_for) -> None:
    from safeguard.performance import demo

    la = factories.organisation(kind="local_authority", statutory_partner=True)
    for kind in ("police", "secure_setting", "partnership"):
        factories.organisation(kind=kind)
    demo.add_demo_indicators(seed=2026, today=date(2026, 11, 26))
    analyst = factories.person("la_data_team", organisation_obj=la)
    client = client_for(analyst)
    assert f'href="{URL}"' in client.get(reverse("performance:scorecard")).content.decode()
    children = demo.Indicator.objects.get(code="cp-children-year")
    monthly = list(_series(demo.Indicator.objects.get(code="cp-children")))
    before = Observation.objects.get(indicator=children, period_start=YEAR_2024_25).value
    content = _post(client, ssda903=_csvs(), validate="").content.decode()
    assert 'id="imported"' in content
    after = Observation.objects.get(indicator=children, period_start=YEAR_2024_25)
    assert (before, after.value, after.source) != (after.value, 2, "records")
    assert after.value == 2
    fed = set(
        Observation.objects.filter(source="records").values_list("indicator__code", flat=True)
    )
    # the fixture has no plan that ended 12 to 24 months before 31 March: a percentage of
    # nobody is no value, so that one series alone is left as it was
    assert set(demo.CENSUS_KEYS) - fed == {"re-referred-after-plan-year"}
    assert RecordImport.objects.get().indicators_updated == len(demo.CENSUS_KEYS) - 1
    assert "Children on a child protection plan (census, year to 31 March)</a>" in content
    assert _series(demo.Indicator.objects.get(code="cp-children")) == monthly  # never fed


def test_the_demo_backfills_definitions_of_an_older_demo(council) -> None:
    from safeguard.performance import demo

    for kind in ("local_authority", "police", "secure_setting", "partnership"):
        factories.organisation(kind=kind, statutory_partner=kind == "local_authority")
    demo.add_demo_indicators(seed=2026, today=date(2026, 11, 26))
    demo.Indicator.objects.update(census_key="")
    demo.add_demo_indicators(seed=2026, today=date(2026, 11, 26))
    assert demo.Indicator.objects.get(code="cla-dental-year").census_key == "cla_dental_checks"
    assert demo.Indicator.objects.exclude(census_key="").count() == len(demo.CENSUS_KEYS)


def test_rates_use_the_population_given_or_the_catalogues(client_for, analyst, council) -> None:
    rate = helpers.indicator(
        council,
        frequency="annual",
        unit="rate_per_10000",
        child_population=10_000,
        polarity="neither",
        census_key="cp_plans_rate",
    )
    _post(client_for(analyst), validate="")
    march = {"indicator": rate, "period_start": YEAR_2024_25}
    assert Observation.objects.get(**march).value == 2  # 2 children per 10,000 of 10,000
    _post(client_for(analyst), population="1000", validate="")
    assert Observation.objects.get(**march).value == 20
    assert "child population of 1000" in Observation.objects.get(**march).narrative


def test_the_catalogue_refuses_a_definition_of_another_unit(council) -> None:
    from django.core.exceptions import ValidationError

    from safeguard.performance.services import catalogue

    admin = factories.person("business_unit_admin")
    fields = {
        "code": "on-plan",
        "name": "On a plan",
        "unit": "percentage",
        "polarity": "neither",
        "frequency": "annual",  # a census figure is for the year (issue 11 item 2)
        "owner_organisation": council,
    }
    with pytest.raises(ValidationError) as refused:
        catalogue.indicator_create(actor=admin, census_key="cp_plans_at_end", **fields)
    assert "census_key" in refused.value.message_dict
    with pytest.raises(ValidationError):
        catalogue.indicator_create(actor=admin, census_key="made_up", **fields)
    made = catalogue.indicator_create(
        actor=admin, census_key="icpc_within_15_days", **fields | {"code": "icpc"}
    )
    assert made.census_key == "icpc_within_15_days"


def test_an_upload_returns_at_once_and_the_worker_imports_it(client_for, analyst, on_plan):
    client = client_for(analyst)
    data = {"year": "2025", "population": "", "validate": "on"}
    data["cin_file"] = SimpleUploadedFile("cin_census.xml", CIN, "application/xml")
    response = client.post(URL, data)
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    assert not RecordImport.objects.exists()  # nothing parsed or validated in the request
    waiting = client.get(response.url).content.decode()
    assert "Census import" in waiting and "Waiting to start" in waiting
    assert worker.run_queued_tasks(worker_id="test") == 1
    done = client.get(response.url).content.decode()
    assert 'id="imported"' in done
    assert '<dd class="govuk-summary-list__value" id="job-rows">' in done
    assert RecordImport.objects.get().outcome == "imported"
    kept = census_folder_of().parent / "uploads"
    assert not any(kept.iterdir())  # the upload is not kept once imported


def test_the_same_files_sent_again_are_recognised(client_for, analyst, on_plan) -> None:
    client = client_for(analyst)
    first = _post(client, validate="")
    assert 'id="imported"' in first.content.decode()
    data = {"year": "2025", "population": "", "validate": ""}
    data["cin_file"] = SimpleUploadedFile("renamed.xml", CIN, "application/xml")
    again = client.post(URL, data, follow=True)
    content = again.content.decode()
    assert "These files were uploaded before, for the same year" in content
    assert "Nothing was imported again" in content
    assert RecordImport.objects.count() == 1
    assert worker.run_queued_tasks(worker_id="test") == 0
    other_year = _post(client, year="2024", validate="")
    assert "These files were uploaded before" not in other_year.content.decode()


def test_a_census_figure_never_lands_in_a_monthly_series(client_for, analyst, council) -> None:
    """Issue 11 item 2: a monthly series of an older catalogue keeps its returns only."""
    monthly = helpers.indicator(
        council, unit="count", polarity="neither", census_key="cp_plans_at_end"
    )
    helpers.series(monthly, [615, 620, 612, 618, 611, 616, 619, 614], start=date(2024, 7, 1))
    before = _series(monthly)
    content = _post(client_for(analyst), validate="").content.decode()
    assert 'id="imported"' in content
    assert _series(monthly) == before  # no "March 2025" point moving the mean and limits
    assert not Observation.objects.filter(source="records").exists()


def test_the_catalogue_gives_a_definition_to_an_annual_series_only(council) -> None:
    from django.core.exceptions import ValidationError

    from safeguard.performance.services import catalogue

    admin = factories.person("business_unit_admin")
    fields = {
        "code": "on-plan",
        "name": "On a plan",
        "unit": "count",
        "polarity": "neither",
        "owner_organisation": council,
        "census_key": "cp_plans_at_end",
    }
    for frequency in ("monthly", "quarterly"):
        with pytest.raises(ValidationError) as refused:
            catalogue.indicator_create(actor=admin, frequency=frequency, **fields)
        assert "Annual (financial year)" in refused.value.message_dict["census_key"][0]
    made = catalogue.indicator_create(actor=admin, frequency="annual", **fields)
    assert made.fed_by_census


def test_a_census_fed_series_takes_no_returns(council, on_plan) -> None:
    from django.core.exceptions import ValidationError

    from safeguard.performance import selectors
    from safeguard.performance.services import returns

    lead = factories.person("statutory_partner_lead", organisation_obj=council)
    row = returns.ReturnRow(
        line=1, indicator="cp-children", period="2024-04", value="600", narrative="From a return"
    )
    with pytest.raises(returns.ImportRefused) as refused:
        returns.observations_import(actor=lead, rows=[row])
    assert refused.value.errors[0].reason == returns.COMPUTED_FROM_RECORDS
    with pytest.raises(ValidationError):
        returns.observation_submit(
            actor=lead,
            indicator=on_plan,
            period_start=date(2024, 4, 1),
            value=Decimal(600),
            narrative="From a form",
        )
    assert on_plan not in selectors.submittable_indicators(actor=lead)


def test_the_annual_report_figures_come_from_the_census_with_their_comparators(
    client_for, analyst, council
) -> None:
    """Issue 11 item 3: on a plan at 31 March for 2 years or more, and re-referral after a
    plan ended, are catalogue definitions an annual indicator can take, shown with their
    comparators (the annual report compares the first with metropolitan boroughs)."""
    from safeguard.performance.census.keys import KEYS
    from safeguard.performance.models import Comparator

    assert {"cp_on_plan_2_years_at_end", "re_referred_after_plan"} <= set(KEYS)
    long = helpers.indicator(
        council,
        name="On a plan at 31 March for 2 years or more",
        polarity="down",
        frequency="annual",
        census_key="cp_on_plan_2_years_at_end",
    )
    Comparator.objects.create(
        indicator=long, kind="metropolitan_boroughs", year=2024, value=4.3, source="DfE CIN 2024"
    )
    Comparator.objects.create(
        indicator=long, kind="england", year=2024, value=4.0, source="DfE CIN 2024"
    )
    _post(client_for(analyst), validate="")
    assert Observation.objects.get(indicator=long, period_start=YEAR_2024_25).source == "records"
    page = client_for(factories.person("subgroup_member")).get(reverse("performance:scorecard"))
    row = re.search(rf'data-indicator="{long.code}">.*?</tr>', page.content.decode(), re.S)
    assert row is not None
    assert "Metropolitan boroughs: 4.3%" in row.group(0)
    assert "England: 4.0%" in row.group(0)
    assert "Statistical neighbours: Not published" in row.group(0)
