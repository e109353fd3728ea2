"""The report's contents are counted from live records: a changed record changes the figure;
the public version withholds small numbers and has no links; a section no module answers for
says so; the draft links a figure only for those its module lets open it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from safeguard.child_deaths.models import Death
from safeguard.core.clock import LONDON
from safeguard.core.models import Group, Membership
from safeguard.core.models.organisations import GroupKind, OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.services import funding
from safeguard.reports.selectors import contents
from tests import factories
from tests.reports import helpers

pytestmark = pytest.mark.django_db

_references = iter(range(1, 10_000))


def _death(day: date, decile: int | None = 3) -> Death:
    return Death.objects.create(
        reference=f"CD-T-{next(_references)}",
        panel="cdop",
        full_name="Test Child",
        born_on=date(2015, 1, 1),
        gender="female",
        deprivation_decile=decile,
        died_at=datetime(day.year, day.month, day.day, 12, tzinfo=LONDON),
        place="hospital",
        expected=False,
        created_at=timezone.now(),
    )


def _table(shown: contents.Contents, section: str, key: str) -> contents.ShownTable:
    part = next(p for p in shown.parts if p.part.key == section)
    return next(t for t in part.tables if t.key == key)


def _cell(table: contents.ShownTable, row: str, heading: str) -> contents.ShownCell:
    column = table.headings.index(heading)
    return next(r for r in table.rows if r[0].text == row)[column]


def test_the_years_are_the_period_and_the_year_before():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    assert [y.label for y in contents.report_years(report)] == ["2020/21", "2021/22", "2022/23"]


def test_a_changed_record_changes_the_report_figure():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    before = _table(contents.build(report, public=False), "child_deaths", "cd_volumes")
    assert _cell(before, "Deaths of children", "2022/23").text == "0"
    _death(date(2022, 6, 1))
    _death(date(2021, 5, 1))
    after = _table(contents.build(report, public=False), "child_deaths", "cd_volumes")
    assert _cell(after, "Deaths of children", "2022/23").text == "1"
    assert _cell(after, "Deaths of children", "2021/22").text == "1"


def test_a_funding_contribution_shows_in_the_funding_section():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    police = factories.organisation(kind=OrganisationKind.POLICE, statutory_partner=True)
    funding.funding_record(
        actor=unit,
        organisation=police,
        year_start=date(2022, 9, 1),  # any day of the year means that financial year
        amount=Decimal("26102"),
        funds="The Business Unit's staff",
    )
    table = _table(contents.build(report, public=False), "funding", "funding_by_partner")
    assert _cell(table, police.name, "2022/23 (£)").text == "26,102"
    assert _cell(table, "Total", "2022/23 (£)").text == "26,102"
    assert table.chart_svg.startswith("<svg")


def test_the_public_version_withholds_small_counts_and_links_nothing():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    for n in range(2):
        _death(date(2022, 5, 2 + n), decile=1)
    for n in range(7):
        _death(date(2022, 7, 1 + n), decile=9)
    public = contents.build(report, public=True)
    table = _table(public, "child_deaths", "cd_deprivation")
    assert _cell(table, "Decile 1 (most deprived)", "2022/23").text == "fewer than 5"
    # the total row would give the 2 away with the 7 shown: the 7 is withheld too
    assert _cell(table, "Decile 9", "2022/23").text == "withheld"
    assert _cell(table, "Total", "2022/23").text == "9"
    assert table.withheld
    assert all(not cell.link for row in table.rows for cell in row)
    draft = _table(
        contents.build(report, public=False, actor=unit), "child_deaths", "cd_deprivation"
    )
    assert _cell(draft, "Decile 1 (most deprived)", "2022/23").text == "2"


def test_a_figure_links_only_for_those_its_module_lets_open_it():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    _death(date(2022, 6, 1))
    member = factories.person(Role.SUBGROUP_MEMBER.value)
    cdop = Group.objects.create(name="Child Death Overview Panel", kind=GroupKind.CDOP)
    Membership.objects.create(group=cdop, person=member)
    theirs = _table(
        contents.build(report, public=False, actor=member), "child_deaths", "cd_volumes"
    )
    assert _cell(theirs, "Deaths of children", "2022/23").link.startswith("/child-deaths/analysis")
    mine = _table(contents.build(report, public=False, actor=unit), "child_deaths", "cd_volumes")
    assert _cell(mine, "Deaths of children", "2022/23").link == ""


def test_a_section_no_module_answers_for_says_so():
    unit = helpers.business_unit()
    report = helpers.report(unit)
    shown = contents.build(report, public=False)
    assert [p.part.key for p in shown.parts if p.failed] == []  # every builder counted
    exploitation = next(p for p in shown.parts if p.part.key == "exploitation")
    assert exploitation.waiting or exploitation.modules
    html = contents.render_body(shown)
    if exploitation.waiting:
        assert "No module answers for this section yet" in html
    assert "Serious incidents and safeguarding practice reviews" in html


def test_a_module_whose_figures_link_says_who_may_open_them():
    """A link nobody is allowed to see is a figure nobody can trace: every module that puts
    links in its tables says whose they are (``opens``); the others link nothing."""
    from safeguard.core import report_tables

    years = [report_tables.Year(date(2022, 4, 1), date(2023, 4, 1), "2022/23")]
    for section in report_tables.SECTIONS:
        for entry in report_tables.builders(section):
            if entry.opens is not None:
                continue
            links = [
                cell.link for table in entry.build(years) for row in table.rows for cell in row
            ]
            assert not any(links), f"{entry.module} links its {section} figures for no one"


def _age_profile(shares: dict[str, str], plans: int) -> None:
    """The census-fed indicators for 2022/23: children on a plan, and each age band's share."""
    from tests.performance import helpers as performance

    owner = factories.organisation(kind=OrganisationKind.LOCAL_AUTHORITY)
    on_plan = performance.indicator(
        owner, census_key="cp_plans_at_end", unit="count", frequency="annual"
    )
    performance.series(on_plan, [plans], start=date(2022, 4, 1))
    for band, share in shares.items():
        target = performance.indicator(
            owner, census_key=f"cp_age_{band.replace(' ', '_')}", frequency="annual"
        )
        performance.series(target, [share], start=date(2022, 4, 1))


def test_a_timeliness_or_health_percentage_carries_its_counts_and_a_small_one_is_withheld():
    """ADR 0024 for the scorecard's own percentages: a census import's figure carries the
    counts it was made from (the import's narrative says "41 of 52"), so the public version
    withholds 75% of 4 initial conferences as it would the 3 themselves, and shows 79% of 52;
    the draft shows both. A percentage submitted as a bare value has no counts and is shown."""
    from tests.performance import helpers as performance

    owner = factories.organisation(kind=OrganisationKind.LOCAL_AUTHORITY)

    def fed(census_key: str, value: str, narrative: str, source: str = "records") -> None:
        target = performance.indicator(owner, census_key=census_key, frequency="annual")
        (observation,) = performance.series(target, [value], start=date(2022, 4, 1))
        observation.narrative = narrative
        observation.source = source
        observation.save(update_fields=["narrative", "source"])

    import_said = (
        "Computed from the record-level data of import 7 for the year ending 31 March 2023"
    )
    fed("icpc_within_15_days", "75", f"{import_said}: 3 of 4.")
    fed("cp_reviews_on_time", "78.8", f"{import_said}: 41 of 52.")
    fed("cla_health_assessments", "50", f"{import_said}: 2 of 4.")
    fed("cla_dental_checks", "90", "Submitted on the return form.", source="form")
    unit = helpers.business_unit()
    report = helpers.report(unit)
    public = contents.build(report, public=True)
    draft = contents.build(report, public=False, actor=unit)
    timely = "Initial conferences within 15 working days"
    public_timely = _table(public, "child_protection", "cp_timeliness")
    draft_timely = _table(draft, "child_protection", "cp_timeliness")
    assert _cell(public_timely, timely, "2022/23").text == "not shown: small numbers"
    assert _cell(draft_timely, timely, "2022/23").text == "75"
    reviews = "Plan reviews on time"
    assert _cell(public_timely, reviews, "2022/23").text == "78.8"
    health = _table(public, "children_looked_after", "cla_health")
    assert _cell(health, "Health assessments up to date", "2022/23").text == (
        "not shown: small numbers"
    )
    assert _cell(health, "Dental checks up to date", "2022/23").text == "90"


def test_a_percentage_of_a_small_number_is_not_shown_and_its_chart_leaves_it_out():
    """1.5% of 200 children on a plan is 3 children: not shown in the public version, and the
    next smallest share withheld too (the shares add up to 100); the chart is drawn from what
    the table shows, so it hides the same."""
    from safeguard.core.report_tables import Cell, Table

    _age_profile(
        {
            "unborn": "1.5",
            "under 1": "8.5",
            "1 to 4": "25",
            "5 to 9": "30",
            "10 to 15": "25",
            "16 and over": "10",
        },
        plans=200,
    )
    unit = helpers.business_unit()
    report = helpers.report(unit)
    public = _table(contents.build(report, public=True), "child_protection", "cp_age_profile")
    assert _cell(public, "Unborn", "2022/23").text == "not shown: small numbers"
    assert _cell(public, "Under 1", "2022/23").text == "withheld"  # 100 less the rest
    assert _cell(public, "5 to 9", "2022/23").text == "30"
    draft = _table(
        contents.build(report, public=False, actor=unit), "child_protection", "cp_age_profile"
    )
    assert _cell(draft, "Unborn", "2022/23").text == "1.5"
    # The public chart is exactly the chart of the public table's shown figures.
    shown_rows = tuple(
        tuple(
            Cell(None if cell.withheld or not cell.numeric else Decimal(cell.text.replace(",", "")))
            if c
            else Cell(cell.text)
            for c, cell in enumerate(row)
        )
        for row in public.rows
    )
    redrawn = contents.show_table(
        Table(
            key="redrawn",
            caption="",
            headings=public.headings,
            rows=shown_rows,
            chart="stacked_bar",
        ),
        public=False,
        threshold=5,
        links=False,
    )
    assert public.chart_svg == redrawn.chart_svg
    assert public.chart_svg != draft.chart_svg
