"""The module end to end through HTTP: a hospital notifies, the team is told without details,
the JAR's home-visit clock runs in hours, three agencies return forms, the panel reviews, and
the analysis counts it; and everyone else sees nothing of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.child_deaths.models import (
    Death,
    JointAgencyResponse,
    Notification,
    ReportingForm,
    Review,
)
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.core.models.audit import AuditAction, AuditEvent
from tests import factories
from tests.child_deaths.helpers import notify_body, partnership

pytestmark = pytest.mark.django_db

# The reporting form's and the review's poverty and barriers questions (April 2021), answered no.
SOCIAL_NO = {"poverty": "no", "barriers": "no"}


def _client(person) -> Client:
    return factories.signed_in(Client(), person)


def _notify(person, died, **extra):
    response = _client(person).post(reverse("child_deaths:notify"), notify_body(died, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_hospital_notifies_and_sees_only_its_acknowledgement() -> None:
    p = partnership()
    died = timezone.localtime() - timedelta(hours=5)
    response = _notify(p.nurse, died)
    notification = Notification.objects.get()
    assert response["Location"] == reverse("child_deaths:acknowledgement", args=[notification.pk])
    page = _client(p.nurse).get(response["Location"]).content.decode()
    assert notification.death.reference in page
    # The acknowledgement names no one; the case is not the hospital's to see.
    assert "Poppy" not in page
    assert (
        _client(p.nurse)
        .get(reverse("child_deaths:death", args=[notification.death.pk]))
        .status_code
        == 404
    )
    # The police's practitioner cannot open the hospital's acknowledgement: 404 and audited.
    before = AuditEvent.objects.filter(action=AuditAction.DENIED, actor_id=p.officer.pk).count()
    assert _client(p.officer).get(response["Location"]).status_code == 404
    assert (
        AuditEvent.objects.filter(action=AuditAction.DENIED, actor_id=p.officer.pk).count()
        == before + 1
    )


def test_the_team_is_told_at_once_with_a_reference_and_a_link_only() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=2))
    death = Death.objects.get()
    messages = OutboxMessage.objects.filter(reason="child_deaths.notified")
    assert {m.to_address for m in messages} == {"cdop@example.invalid", "dr@example.invalid"}
    for message in messages:
        text = message.subject + message.body + message.link
        assert death.reference in message.body
        assert "Poppy" not in text and "Testchild" not in text and "unresponsive" not in text
        assert message.link.endswith(f"/child-deaths/deaths/{death.pk}")


def test_a_second_agency_notifying_the_same_death_is_linked_not_duplicated() -> None:
    p = partnership()
    died = timezone.localtime() - timedelta(hours=6)
    _notify(p.nurse, died)
    _notify(p.officer, died, full_name="Poppy Testchild", place="home", expected="no")
    assert Death.objects.count() == 1
    assert Notification.objects.filter(duplicate=True).count() == 1
    assert OutboxMessage.objects.filter(reason="child_deaths.notified_again").count() == 2


def test_a_different_child_is_a_different_death() -> None:
    p = partnership()
    died = timezone.localtime() - timedelta(hours=6)
    _notify(p.nurse, died)
    _notify(p.officer, died, full_name="Oscar Otherchild")
    assert Death.objects.count() == 2


def test_bad_input_keeps_what_was_typed_and_says_what_to_fix() -> None:
    p = partnership()
    body = notify_body(timezone.localtime(), born_on="31/02/2026", full_name="Kept Name")
    response = _client(p.nurse).post(reverse("child_deaths:notify"), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "must be a real date" in page
    assert 'value="Kept Name"' in page
    assert not Death.objects.exists()


def test_a_death_in_the_future_or_an_adult_is_refused() -> None:
    p = partnership()
    later = timezone.localtime() + timedelta(days=2)
    response = _client(p.nurse).post(reverse("child_deaths:notify"), notify_body(later))
    assert "must be today or in the past" in response.content.decode()
    old = notify_body(timezone.localtime() - timedelta(hours=1), born_on="01/01/2000")
    response = _client(p.nurse).post(reverse("child_deaths:notify"), old)
    assert "under 18" in response.content.decode()
    assert not Death.objects.exists()


def test_the_jar_starts_with_its_home_visit_clock_in_hours() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=3))
    death = Death.objects.get()
    clocks = {d.kind: d for d in Deadline.objects.filter(module="child_deaths")}
    assert set(clocks) == {
        "jar_home_visit",
        "jar_family_information",
        "jar_initial_meeting",
        "jar_final_discussion",
    }
    visit = clocks["jar_home_visit"]
    assert visit.due_at - visit.starts_at == timedelta(hours=48)
    assert visit.owner_organisation_id is None and visit.owner_person_id is None
    assert "Poppy" not in visit.title
    # Record the visit 30 hours in: met on time.
    at = timezone.localtime(visit.starts_at + timedelta(hours=30))
    response = _client(p.member).post(
        reverse("child_deaths:jar", args=[death.pk]),
        {
            "triggers": ["sudden_no_cause"],
            "step": "jar_home_visit",
            "on": at.strftime("%d/%m/%Y"),
            "at": at.strftime("%H:%M"),
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.met_at is not None and visit.met_at <= visit.due_at
    assert death.jar.triggers == ["sudden_no_cause"]


def test_jar_clocks_are_on_what_is_due_for_the_team_only() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=3))
    for team in (p.member, p.doctor):  # the CDOP, and the designated doctor's own group
        page = _client(team).get(reverse("core:deadlines")).content.decode()
        assert "SUDIC home visit" in page
    for outsider in (p.nurse, p.outsider, p.officer):
        page = _client(outsider).get(reverse("core:deadlines")).content.decode()
        assert "SUDIC home visit" not in page


def _death_with_forms(p):
    _notify(p.nurse, timezone.localtime() - timedelta(hours=3))
    death = Death.objects.get()
    response = _client(p.member).post(
        reverse("child_deaths:request_forms", args=[death.pk]),
        {"organisations": [p.hospital.pk, p.police.pk, p.la.pk]},
    )
    assert response.status_code == 302
    return death


def test_forms_asked_of_three_agencies_each_answer_their_own() -> None:
    p = partnership()
    death = _death_with_forms(p)
    forms = {f.organisation_id: f for f in ReportingForm.objects.filter(death=death)}
    assert len(forms) == 3
    # The hospital's mailbox is told, with no details; the clock is the hospital's.
    told = OutboxMessage.objects.get(reason="child_deaths.form_requested")
    assert told.to_address == "cdop-hospital@example.invalid" and "Poppy" not in told.body
    clock = Deadline.objects.get(kind="reporting_form", subject_id=str(forms[p.hospital.pk].pk))
    assert clock.owner_organisation_id == p.hospital.pk
    # Each agency answers its own; another's is 404.
    for person, organisation in (
        (p.nurse, p.hospital),
        (p.officer, p.police),
        (p.social_worker, p.la),
    ):
        mine = reverse("child_deaths:reporting_form", args=[forms[organisation.pk].pk])
        body = {
            "involvement": f"Known to {organisation.name}",
            "supplementary_kind": "",
            **SOCIAL_NO,
        }
        if organisation == p.hospital:
            body.update(
                {
                    "supplementary_kind": "sudi_sudc",
                    "q_sudi_sudc_sleep_surface": "Cot",
                    "q_sudi_sudc_shared_sleep": "no",
                    "q_sudi_sudc_smoking": "yes",
                    "q_sudi_sudc_position": "Back",
                }
            )
        assert _client(person).post(mine, body).status_code == 302
    other = reverse("child_deaths:reporting_form", args=[forms[p.la.pk].pk])
    assert _client(p.officer).get(other).status_code == 404
    hospital_form = ReportingForm.objects.get(pk=forms[p.hospital.pk].pk)
    assert hospital_form.supplementary == {
        "sleep_surface": "Cot",
        "shared_sleep": "no",
        "smoking": "yes",
        "position": "Back",
    }
    assert Deadline.objects.filter(kind="reporting_form", met_at__isnull=False).count() == 3


def test_an_incomplete_supplementary_form_is_refused_with_each_question_named() -> None:
    p = partnership()
    death = _death_with_forms(p)
    form = ReportingForm.objects.get(death=death, organisation=p.hospital)
    response = _client(p.nurse).post(
        reverse("child_deaths:reporting_form", args=[form.pk]),
        {"involvement": "Known", "supplementary_kind": "drowning", **SOCIAL_NO},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Could the child swim?" in page
    form.refresh_from_db()
    assert form.returned_at is None


def test_the_review_records_the_highest_category_and_modifiable_factors() -> None:
    p = partnership()
    death = _death_with_forms(p)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        _client(p.member)
        .post(reverse("child_deaths:meeting", args=[death.pk]), {"held_on": today})
        .status_code
        == 302
    )
    body = {
        "panel_meeting_on": today,
        "categories": ["sudden_unexpected_unexplained", "trauma_external"],
        "level_intrinsic": "none",
        "level_social": "contributory",
        "level_physical": "contributory",
        "modifiable_physical": "on",
        "level_service": "not_known",
        "learning": "Safe sleep advice at every contact.",
        **SOCIAL_NO,
    }
    response = _client(p.doctor).post(reverse("child_deaths:review", args=[death.pk]), body)
    assert response.status_code == 302, response.content.decode()[:3000]
    review = Review.objects.get(death=death)
    assert review.category == "trauma_external"
    assert review.conclusion == "modifiable"
    death.refresh_from_db()
    assert death.status == "complete"
    # A complete review is no longer changed, and its open clocks stopped.
    assert _client(p.member).get(reverse("child_deaths:review", args=[death.pk])).status_code == 404
    assert not Deadline.objects.filter(
        module="child_deaths", met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    # The team still reads the forms; no one changes them, and the agency no longer sees them.
    form = ReportingForm.objects.filter(death=death).first()
    url = reverse("child_deaths:reporting_form", args=[form.pk])
    assert _client(p.member).get(url).status_code == 200
    assert _client(p.member).post(url, {"involvement": "Changed"}).status_code == 404
    assert _client(p.nurse).get(url).status_code == 404


def test_modifiable_without_contributing_factors_is_refused() -> None:
    p = partnership()
    death = _death_with_forms(p)
    today = timezone.localdate().strftime("%d/%m/%Y")
    body = {
        "panel_meeting_on": today,
        "categories": ["infection"],
        "level_intrinsic": "none",
        "level_social": "none",
        "level_physical": "none",
        "modifiable_physical": "on",
        "level_service": "none",
        "learning": "None.",
        **SOCIAL_NO,
    }
    response = _client(p.member).post(reverse("child_deaths:review", args=[death.pk]), body)
    assert response.status_code == 200
    assert "only where factors may have contributed" in response.content.decode()
    assert not Review.objects.filter(completed_at__isnull=False).exists()


def test_only_the_team_opens_a_death_and_every_read_is_audited() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=3))
    death = Death.objects.get()
    url = reverse("child_deaths:death", args=[death.pk])
    page = _client(p.member).get(url)
    assert page.status_code == 200 and "Poppy Testchild" in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, record_type="child_deaths.death", actor_id=p.member.pk
    ).exists()
    for person in (p.outsider, p.nurse):
        assert _client(person).get(url).status_code == 404
        assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor_id=person.pk).exists()
    # The outsider's list is empty; the team's names the reference, never the child.
    listing = _client(p.outsider).get(reverse("child_deaths:deaths")).content.decode()
    assert death.reference not in listing
    listing = _client(p.member).get(reverse("child_deaths:deaths")).content.decode()
    assert death.reference in listing and "Poppy" not in listing


def test_the_analysis_counts_and_the_publication_csv_suppresses() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=3))
    page = _client(p.member).get(reverse("child_deaths:analysis")).content.decode()
    assert '<strong id="deaths-total">1</strong>' in page
    assert "data:image/svg+xml;base64," in page
    csv = _client(p.member).get(reverse("child_deaths:analysis_csv")).content.decode()
    assert "Unexpected,fewer than 5,0" in csv
    assert "Poppy" not in csv
    outsider = _client(p.outsider).get(reverse("child_deaths:analysis")).content.decode()
    assert "deaths-total" not in outsider


def test_a_baby_in_the_first_28_days_goes_to_the_neonatal_panel() -> None:
    p = partnership()
    died = timezone.localtime() - timedelta(hours=2)
    born = (died - timedelta(days=27)).strftime("%d/%m/%Y")
    _notify(p.nurse, died, born_on=born)
    older = (died - timedelta(days=28)).strftime("%d/%m/%Y")
    _notify(p.nurse, died, born_on=older, full_name="Other Baby")
    panels = dict(Death.objects.values_list("full_name", "panel"))
    assert panels == {"Poppy Testchild": "neonatal", "Other Baby": "cdop"}


def test_an_expected_death_has_no_joint_agency_response_clocks() -> None:
    p = partnership()
    _notify(p.nurse, timezone.localtime() - timedelta(hours=2), expected="yes")
    assert not Deadline.objects.filter(module="child_deaths").exists()
    assert not JointAgencyResponse.objects.exists()


def test_an_agency_sees_its_own_form_clock_on_what_is_due_and_nothing_else() -> None:
    p = partnership()
    death = _death_with_forms(p)
    page = _client(p.officer).get(reverse("core:deadlines")).content.decode()
    assert f"Child death reporting form for {death.reference}" in page
    assert "SUDIC home visit" not in page
    home = _client(p.officer).get(reverse("core:home")).content.decode()
    assert "Child death reporting forms asked of your agency" in home


def test_the_national_dataset_export_is_pseudonymised_and_asks_for_the_code() -> None:
    from safeguard.child_deaths.selectors.dataset import COLUMNS

    p = partnership()
    death = _death_with_forms(p)
    url = reverse("child_deaths:dataset_csv")
    lapsed = factories.stepped_up(_client(p.member), lapsed=True).get(url)
    assert lapsed.status_code == 302 and reverse("core:confirm_second_factor") in lapsed["Location"]
    response = factories.stepped_up(_client(p.member)).get(url)
    text = response.content.decode()
    header, row = text.splitlines()[:2]
    assert header.split(",") == list(COLUMNS)
    assert row.startswith(f"{death.reference},Child Death Overview Panel,")
    for secret in ("Poppy", "Testchild", "WM1 1AB", "2026-03-01", "01/03/2026"):
        assert secret not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_id=p.member.pk).exists()
    outsider = factories.stepped_up(_client(p.outsider)).get(url).content.decode()
    assert outsider.strip() == ",".join(COLUMNS)


def _visible(html: str) -> str:
    import re

    html = re.sub(r"(?s)<(script|style|textarea)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\S+@\S+|/\S+", " ", html)


def test_no_raw_code_none_or_iso_date_on_the_teams_pages() -> None:
    import re

    p = _reviewed_partnership()
    death = Death.objects.get()
    urls = [
        reverse("child_deaths:deaths"),
        reverse("child_deaths:death", args=[death.pk]),
        reverse("child_deaths:analysis"),
        reverse("child_deaths:forms"),
        *(reverse("child_deaths:reporting_form", args=[f.pk]) for f in death.reporting_forms.all()),
    ]
    for url in urls:
        text = _visible(_client(p.member).get(url).content.decode())
        assert not re.search(r"\bNone\b", text), url
        assert not re.search(r"\b[A-Za-z]+_[A-Za-z_]+\b", text), (
            url,
            re.findall(r"\b[A-Za-z]+_[A-Za-z_]+\b", text),
        )
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), url


def _reviewed_partnership():
    """A completed review with a JAR step and forms, for the page checks."""
    p = partnership()
    death = _death_with_forms(p)
    today = timezone.localdate().strftime("%d/%m/%Y")
    now = timezone.localtime()
    _client(p.member).post(
        reverse("child_deaths:jar", args=[death.pk]),
        {
            "triggers": ["sudden_no_cause", "external_causes"],
            "step": "jar_family_information",
            "on": now.strftime("%d/%m/%Y"),
            "at": now.strftime("%H:%M"),
            "key_worker": "Sam Keyworker",
            "bereavement_support": "on",
            "leaflet_language": "Polish",
        },
    )
    form = death.reporting_forms.first()
    _client(p.member).post(
        reverse("child_deaths:reporting_form", args=[form.pk]),
        {
            "involvement": "Known",
            "poverty": "yes",
            "barriers": "yes",
            "barrier_kinds": ["language", "chargeable_care"],
            "barriers_detail": "No interpreter at the clinic.",
            "supplementary_kind": "drowning",
            "q_drowning_water_setting": "Canal",
            "q_drowning_supervised": "no",
            "q_drowning_could_swim": "not_known",
        },
    )
    body = {
        "panel_meeting_on": today,
        "categories": ["trauma_external"],
        "level_intrinsic": "none",
        "level_social": "contributory",
        "level_physical": "contributory",
        "modifiable_physical": "on",
        "level_service": "not_known",
        "learning": "Water safety.",
        "poverty": "yes",
        "barriers": "yes",
        "barrier_kinds": ["language"],
    }
    assert (
        _client(p.member).post(reverse("child_deaths:review", args=[death.pk]), body).status_code
        == 302
    )
    return p


def test_learning_becomes_an_action_on_the_shared_plan() -> None:
    from safeguard.governance.models import Action

    p = partnership()
    death = _death_with_forms(p)
    due = (timezone.localdate() + timedelta(days=60)).strftime("%d/%m/%Y")
    response = _client(p.member).post(
        reverse("child_deaths:action_add", args=[death.pk]),
        {
            "title": "Safe sleep advice at every health visit",
            "owner_organisation": p.hospital.pk,
            "due_on": due,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = Action.objects.get()
    assert action.source_kind == "child_deaths.learning" and action.source_id == str(death.pk)
    assert "Poppy" not in action.source_title and death.reference in action.source_title
    page = _client(p.member).get(reverse("child_deaths:death", args=[death.pk])).content.decode()
    assert "Safe sleep advice at every health visit" in page
    # The team opens the action on the plan; the owner agency's people see it there too.
    assert _client(p.member).get(reverse("governance:action", args=[action.pk])).status_code == 200
    # Someone outside the team cannot add one.
    refused = _client(p.outsider).post(
        reverse("child_deaths:action_add", args=[death.pk]),
        {"title": "x", "owner_organisation": p.hospital.pk, "due_on": due},
    )
    assert refused.status_code == 404 and Action.objects.count() == 1
