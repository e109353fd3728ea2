"""Actions and learning through the pages; the learning sheet as a page and a PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core.models import AuditEvent, Deadline
from safeguard.governance.models import Action
from safeguard.reviews.models import LearningSheet, Theme
from tests.reviews.helpers import notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db


def test_recommendation_action_and_its_completion_through_the_pages() -> None:
    p = partnership()
    incident = notified_case(p)
    bu = signed_in(p.bu_officer)
    bu.post(
        reverse("reviews:recommendation_add", kwargs={"pk": incident.pk}), {"text": "Curiosity"}
    )
    recommendation = incident.recommendations.get()
    add = reverse(
        "reviews:action_add", kwargs={"pk": incident.pk, "recommendation_pk": recommendation.pk}
    )
    refused = bu.post(add, {"description": "Brief staff", "due_on": "31/03/2027"})
    assert "Choose the organisation that owns the action" in refused.content.decode()
    assert not Action.objects.exists()
    bu.post(
        add, {"description": "Brief staff", "owner_organisation": p.icb.pk, "due_on": "31/03/2027"}
    )
    action = Action.objects.get()
    update = reverse("reviews:action_update", kwargs={"pk": incident.pk, "action_pk": action.pk})
    assert signed_in(p.police_lead).get(update).status_code == 404
    health = signed_in(p.health_lead)
    missing = health.post(update, {"status": "completed"})
    assert "Give the evidence that the action is complete" in missing.content.decode()
    health.post(
        update,
        {
            "status": "completed",
            "evidence_of_completion": "Briefings held",
            "evidence_of_impact": "Audit",
        },
    )
    action.refresh_from_db()
    assert action.status == "completed"
    assert Deadline.objects.get(kind="action").met_at is not None
    plan = bu.get(reverse("reviews:actions", kwargs={"pk": incident.pk})).content.decode()
    assert "Briefings held" in plan


def test_a_learning_sheet_is_for_everyone_once_published() -> None:
    p = partnership()
    incident = notified_case(p)
    bu = signed_in(p.bu_officer)
    theme = Theme.objects.get(name="Professional curiosity")
    url = reverse("reviews:learning_sheet_edit", kwargs={"pk": incident.pk})
    empty = bu.post(url, {"action": "save"})
    assert "Describe what happened, anonymised" in empty.content.decode()
    bu.post(
        url,
        {
            "action": "save",
            "title": "Baby A",
            "what_happened": "An infant was hurt.",
            "learning": "Be curious.",
            "themes": [theme.pk],
        },
    )
    sheet = LearningSheet.objects.get()
    page = reverse("reviews:learning_sheet", kwargs={"pk": sheet.pk})
    dsl = signed_in(p.school_dsl)
    assert dsl.get(page).status_code == 404  # not yet published
    bu.post(
        url,
        {
            "action": "publish",
            "title": "Baby A",
            "what_happened": "An infant was hurt.",
            "learning": "Be curious.",
            "themes": [theme.pk],
        },
    )
    response = dsl.get(page)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Be curious." in content and "Professional curiosity" in content
    assert "Ava" not in content and incident.reference not in content
    listing = dsl.get(reverse("reviews:learning")).content.decode()
    assert "Baby A" in listing
    pdf = dsl.get(reverse("reviews:learning_sheet_pdf", kwargs={"pk": sheet.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", record_type="reviews.learning_sheet").exists()
    bu.post(
        reverse("reviews:dissemination_add", kwargs={"pk": sheet.pk}),
        {"kind": "training", "audience": "Refresher training", "held_on": "20/11/2026"},
    )
    assert "Refresher training" in bu.get(page).content.decode()


def test_themes_page_adds_and_retires() -> None:
    p = partnership()
    bu = signed_in(p.bu_officer)
    bu.post(reverse("reviews:themes"), {"name": "Neglect"})
    theme = Theme.objects.get(name="Neglect")
    duplicate = bu.post(reverse("reviews:themes"), {"name": "neglect"})
    assert "already on the list" in duplicate.content.decode()
    bu.post(reverse("reviews:themes"), {"toggle": theme.pk})
    theme.refresh_from_db()
    assert not theme.active
