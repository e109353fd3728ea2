"""The partnership action plan's pages through real HTTP: the plan with its filters, sources
and overdue marks, the CSV, an action's page with its history, and the forms' messages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from safeguard.core.models import AuditEvent
from safeguard.governance.models import Action, Inspection
from safeguard.governance.selectors.own_sources import INSPECTION, TASK_AND_FINISH
from safeguard.governance.services.actions import action_create
from safeguard.governance.services.own_sources import group_create, inspection_create
from tests import factories
from tests.governance.helpers import TEST_SOURCE, partnership, signed_in

pytestmark = pytest.mark.django_db


def _plan(p):
    jtai = inspection_create(
        actor=p.bu_officer, kind="ofsted_jtai", title="JTAI: neglect", reported_on=date(2026, 6, 1)
    )
    group = group_create(
        actor=p.bu_officer, kind="task_and_finish", name="Neglect T&F", started_on=date(2026, 1, 5)
    )
    late = action_create(
        actor=p.bu_officer,
        source_kind=INSPECTION,
        source_id=jtai.pk,
        title="Embed the neglect toolkit",
        owner_organisation=p.icb,
        due_on=date(2020, 1, 1),
    )
    later = action_create(
        actor=p.bu_officer,
        source_kind=TASK_AND_FINISH,
        source_id=group.pk,
        title="Publish the neglect guidance",
        owner_organisation=p.police,
        due_on=date(2099, 1, 1),
    )
    return jtai, group, late, later


def _row(html, action):
    return html.split(f'data-action="{action.pk}"')[1].split("</tr>")[0]


def test_the_business_unit_sees_every_source_and_the_overdue_mark() -> None:
    p = partnership()
    jtai, _group, late, later = _plan(p)
    html = signed_in(p.bu_officer).get(reverse("governance:plan")).content.decode()
    assert "Overdue" in _row(html, late) and "Overdue" not in _row(html, later)
    assert "working day" in _row(html, late)
    assert f'href="/governance/inspections/{jtai.pk}"' in _row(html, late)
    assert "Inspection recommendation" in _row(html, late)
    assert "Task-and-finish group" in _row(html, later)


def test_the_plan_filters_by_source_owner_status_and_overdue() -> None:
    p = partnership()
    _, _, late, later = _plan(p)
    client = signed_in(p.bu_officer)
    url = reverse("governance:plan")

    def shown(**query):
        html = client.get(url, query).content.decode()
        return {a for a in (late, later) if f'data-action="{a.pk}"' in html}

    assert shown(source=INSPECTION) == {late}
    assert shown(owner=p.police.pk) == {later}
    assert shown(overdue="yes") == {late}
    assert shown(status="completed") == set()
    assert shown(status="open") == {late, later}


def test_an_owner_sees_only_its_organisation_s_actions_without_the_source_link() -> None:
    p = partnership()
    jtai, _, late, later = _plan(p)
    html = signed_in(p.icb_lead).get(reverse("governance:plan")).content.decode()
    assert f'data-action="{late.pk}"' in html and f'data-action="{later.pk}"' not in html
    assert f"/governance/inspections/{jtai.pk}" not in html
    assert (
        signed_in(p.icb_lead).get(reverse("governance:action", args=[later.pk])).status_code == 404
    )
    assert AuditEvent.objects.filter(
        action="denied", record_type="governance.action", record_id=str(later.pk)
    ).exists()


def test_people_without_the_plan_see_nothing() -> None:
    p = partnership()
    _plan(p)
    assert signed_in(p.practitioner).get(reverse("governance:plan")).status_code == 403


def test_the_csv_has_the_filtered_actions_in_words() -> None:
    p = partnership()
    _, _, _late, _later = _plan(p)
    client = factories.stepped_up(signed_in(p.bu_officer))
    response = client.get(reverse("governance:plan_csv"), {"overdue": "yes"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Action"
    assert [r[0] for r in rows[1:]] == ["Embed the neglect toolkit"]
    assert rows[1][1] == "Inspection recommendation" and rows[1][5] == "Not started"
    assert rows[1][4] == "1 January 2020"


def test_a_formula_in_a_title_is_quoted_in_the_csv() -> None:
    p = partnership()
    action_create(
        actor=p.bu_officer,
        source_kind=TEST_SOURCE,
        source_id=1,
        title="=HYPERLINK(1)",
        owner_organisation=p.icb,
        due_on=date(2027, 1, 1),
    )
    client = factories.stepped_up(signed_in(p.bu_officer))
    body = client.get(reverse("governance:plan_csv")).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_edit_then_withdraw_an_action_and_read_its_history() -> None:
    p = partnership()
    _, _, late, _ = _plan(p)
    client = signed_in(p.bu_officer)
    edit = reverse("governance:action_edit", args=[late.pk])
    bad = client.post(edit, {"title": "", "owner_organisation": p.icb.pk, "due_on": "31/02/2027"})
    assert bad.status_code == 200
    assert "Enter what the action is" in bad.content.decode()
    assert "must be a real date" in bad.content.decode()
    ok = client.post(
        edit, {"title": "Embed the toolkit", "owner_organisation": p.icb.pk, "due_on": "31/3/2027"}
    )
    assert ok.status_code == 302
    late.refresh_from_db()
    assert late.due_on == date(2027, 3, 31)
    missing = client.post(reverse("governance:action_withdraw", args=[late.pk]), {"reason": ""})
    assert "Give the reason for withdrawing the action" in missing.content.decode()
    client.post(reverse("governance:action_withdraw", args=[late.pk]), {"reason": "Superseded"})
    late.refresh_from_db()
    assert late.status == "withdrawn"
    page = client.get(reverse("governance:action", args=[late.pk])).content.decode()
    assert "Superseded" in page
    history = page.partition(">History</h2>")[2]
    assert history.index("Created") < history.index("Corrected") < history.index("Withdrawn")


def test_the_owner_records_progress_and_completes_through_the_pages() -> None:
    p = partnership()
    _, _, late, _ = _plan(p)
    client = signed_in(p.icb_lead)
    progress = reverse("governance:action_progress", args=[late.pk])
    assert "Progress made" in client.get(progress).content.decode()
    client.post(progress, {"text": "Toolkit launched", "status": "in_progress"})
    complete = reverse("governance:action_complete", args=[late.pk])
    empty = client.post(complete, {"evidence": ""})
    assert "Give the evidence that the action is complete" in empty.content.decode()
    client.post(complete, {"evidence": "Audit shows use in 9 of 10 cases"})
    late.refresh_from_db()
    assert late.status == "completed"
    page = client.get(reverse("governance:action", args=[late.pk])).content.decode()
    assert "Toolkit launched" in page and "Audit shows use" in page
    # A completed action takes no more progress: its pages are gone.
    assert client.get(progress).status_code == 404


def test_the_business_unit_enters_an_inspection_and_its_recommendations() -> None:
    p = partnership()
    client = signed_in(p.bu_officer)
    bad = client.post(reverse("governance:inspection_add"), {"kind": "", "title": ""})
    assert "Choose the kind of inspection" in bad.content.decode()
    response = client.post(
        reverse("governance:inspection_add"),
        {"kind": "hmicfrs", "title": "PEEL 2026", "reported_on": "1/10/2026"},
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("governance:inspection", args=[inspection.pk])
    client.post(
        reverse("governance:inspection_action_add", args=[inspection.pk]),
        {
            "title": "Improve the quality of referrals",
            "owner_organisation": p.police.pk,
            "due_on": "1/4/2027",
        },
    )
    action = Action.objects.get()
    assert action.source_kind == INSPECTION and action.source_id == str(inspection.pk)
    assert action.source_title == "HMICFRS inspection, October 2026"
    page = client.get(reverse("governance:inspection", args=[inspection.pk])).content.decode()
    assert "Improve the quality of referrals" in page
    # Others may not enter inspections.
    assert signed_in(p.icb_lead).get(reverse("governance:inspection_add")).status_code == 403
