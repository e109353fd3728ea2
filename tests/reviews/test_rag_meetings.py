"""A meeting on a case is a governance meeting of the RAG (issue 17, ADR 0025).

Through the pages: the Business Unit records an extraordinary RAG meeting on a case; the
meeting is the RAG's in governance, with the case as its agenda item (by reference only), the
case's minutes as that item's, attendance by organisation recorded on governance's page and
shown on the case, and the item's link to the case shown only to those who may open it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from safeguard.core.models import Deadline, Membership
from safeguard.governance.models import AgendaItem, Attendance
from safeguard.governance.models import Meeting as Sitting
from safeguard.reviews.models import Meeting
from safeguard.reviews.services.referrals import referral_save_draft, referral_submit
from tests import factories
from tests.reviews.helpers import child, partnership, referral_values, signed_in

pytestmark = pytest.mark.django_db

HELD = date.today() - timedelta(days=1)


def _submitted(p):
    values = referral_values(incident_date=date(2026, 11, 1), la_aware_on=date(2026, 11, 2))
    draft = referral_save_draft(actor=p.practitioner, values=values, children=[child()])
    return referral_submit(actor=p.practitioner, incident=draft)


def _record(bu, incident, **overrides):
    data = {
        "kind": "extraordinary_rag",
        "held_on": f"{HELD:%d/%m/%Y}",
        "starts": "14:00",
        "invited_professionals": "Health visitor",
        "minutes": "All partners agree the criteria are met.",
    }
    data.update(overrides)
    return bu.post(reverse("reviews:meeting_add", kwargs={"pk": incident.pk}), data)


def test_a_case_meeting_is_a_meeting_of_the_rag_with_the_case_on_its_agenda() -> None:
    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    assert _record(bu, incident).status_code == 302

    meeting = Meeting.objects.get()
    sitting = meeting.sitting
    assert sitting.group == p.rag
    assert sitting.starts_at.hour in (14, 13)  # 14:00 London (13:00 UTC in summer)
    item = AgendaItem.objects.get(meeting=sitting)
    assert item.key == f"incident:{incident.pk}" and item.kind == "reviews.cases"
    assert item.title == f"Case {incident.reference}: Extraordinary RAG meeting"
    assert "Ava" not in item.title  # the child is never named on an agenda
    # The case's minutes are the item's, and they are the meeting's draft minutes, with the
    # clock for their approval at the RAG's next meeting.
    assert item.discussion == "All partners agree the criteria are met."
    assert meeting.minutes == item.discussion
    assert Sitting.objects.get().minutes_status == "draft"
    assert Deadline.objects.filter(
        module="meetings", kind="minutes", subject_id=str(sitting.pk)
    ).exists()

    # The meeting's page is governance's: the RAG's members see it, with the case linked.
    page = signed_in(p.police_lead).get(f"/governance/meetings/{sitting.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert incident.reference in body and f"/reviews/cases/{incident.pk}" in body


def test_the_case_is_linked_on_the_agenda_only_for_those_who_may_open_it() -> None:
    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    _record(bu, incident)
    sitting = Meeting.objects.get().sitting
    # A practitioner who sits on the RAG sees the meeting, but not a case they may not open.
    member = factories.person("practitioner", organisation_obj=p.school)
    Membership.objects.create(group=p.rag, person=member)
    page = signed_in(member).get(f"/governance/meetings/{sitting.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert incident.reference in body
    assert f"/reviews/cases/{incident.pk}" not in body
    assert signed_in(member).get(f"/reviews/cases/{incident.pk}").status_code == 404
    # Someone outside the RAG does not see the meeting at all.
    outsider = factories.person("practitioner", organisation_obj=p.school)
    assert signed_in(outsider).get(f"/governance/meetings/{sitting.pk}").status_code == 404


def test_attendance_recorded_on_the_meeting_shows_on_the_case() -> None:
    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    _record(bu, incident)
    sitting = Meeting.objects.get().sitting
    response = bu.post(
        f"/governance/meetings/{sitting.pk}/attendance",
        {f"organisation_{p.police.pk}": "present", f"organisation_{p.icb.pk}": "apologies"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Attendance.objects.filter(meeting=sitting).count() == 2
    case = bu.get(reverse("reviews:case", kwargs={"pk": incident.pk})).content.decode()
    assert "Anyshire Police: present" in case and "Anyshire ICB: apologies" in case
    assert f'href="/governance/meetings/{sitting.pk}"' in case


def test_changing_the_date_moves_the_meeting_and_minutes_wait_for_it() -> None:
    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    coming = date.today() + timedelta(days=14)
    # Minutes of a meeting still to come are refused, naming the field; nothing is made.
    early = _record(bu, incident, held_on=f"{coming:%d/%m/%Y}")
    assert early.status_code == 200
    assert "Minutes are written once the meeting has been held" in early.content.decode()
    assert not Meeting.objects.exists() and not Sitting.objects.exists()
    assert _record(bu, incident, held_on=f"{coming:%d/%m/%Y}", minutes="").status_code == 302
    meeting = Meeting.objects.get()
    later = coming + timedelta(days=7)
    url = reverse("reviews:meeting_edit", kwargs={"pk": incident.pk, "meeting_pk": meeting.pk})
    form = bu.get(url).content.decode()
    assert "14:00" in form
    response = bu.post(
        url,
        {"kind": "extraordinary_rag", "held_on": f"{later:%d/%m/%Y}", "starts": "14:00"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == later and Sitting.objects.count() == 1


def test_the_rag_agenda_does_not_offer_a_case_already_on_the_meeting() -> None:
    p = partnership()
    incident = _submitted(p)
    bu = signed_in(p.bu_officer)
    _record(bu, incident, held_on=f"{date.today() + timedelta(days=14):%d/%m/%Y}", minutes="")
    sitting = Meeting.objects.get().sitting
    due = bu.get(f"/governance/meetings/{sitting.pk}/agenda/due").content.decode()
    assert f"incident:{incident.pk}" not in due
