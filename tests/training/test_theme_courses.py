"""Issue 15 h: from a theme of learning (reviews), the courses that address it (training),
through the kernel's ``core.themes`` offers registry: neither module imports the other."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from safeguard.core import themes
from safeguard.reviews.models import Theme
from safeguard.training import services
from tests import factories
from tests.training import helpers

pytestmark = pytest.mark.django_db


def test_a_theme_page_lists_the_courses_that_address_it_and_each_opens(client):
    unit = factories.organisation(kind="partnership", name="Business Unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    curiosity = Theme.objects.get_or_create(name="Professional curiosity")[0]
    Theme.objects.get_or_create(name="Escalation")
    helpers.course(admin, title="Working Together", parts=2)  # names no theme
    addressed = services.course_save(
        actor=admin,
        values={
            **helpers.COURSE_VALUES,
            "title": "Curious conversations",
            "parts": 1,
            "review_themes": ["Professional curiosity", "Escalation"],
        },
    )
    retired = services.course_save(
        actor=admin,
        values={
            **helpers.COURSE_VALUES,
            "title": "Old curiosity briefing",
            "parts": 1,
            "review_themes": ["Professional curiosity"],
        },
    )
    retired.active = False
    retired.save()

    worker = factories.person(
        "practitioner", organisation_obj=factories.organisation(kind="third_sector")
    )
    factories.signed_in(client, worker)
    learning = client.get(reverse("reviews:learning")).content.decode()
    theme_url = reverse("reviews:theme", kwargs={"pk": curiosity.pk})
    assert f'href="{theme_url}"' in learning
    page = client.get(theme_url)
    assert page.status_code == 200
    text = page.content.decode()
    course_url = reverse("training:course", kwargs={"pk": addressed.pk})
    assert f'href="{course_url}"' in text and "Curious conversations" in text
    assert "Working Together" not in text and "Old curiosity briefing" not in text
    assert "Core offer, last updated 5 January 2026" in text
    assert client.get(course_url).status_code == 200  # every link shown opens for them
    assert client.get(reverse("reviews:theme", kwargs={"pk": 999999})).status_code == 404


def test_a_theme_no_course_addresses_says_so_and_a_learning_sheet_links_its_themes(client):
    from tests.reviews.helpers import notified_case, partnership

    p = partnership()
    incident = notified_case(p)
    theme = Theme.objects.get_or_create(name="Disguised compliance")[0]
    from safeguard.reviews.models import LearningSheet

    sheet = LearningSheet.objects.create(
        incident=incident,
        title="Baby A",
        what_happened="x",
        learning="y",
        published_at=timezone.now(),
    )
    sheet.themes.add(theme)
    factories.signed_in(client, p.bu_officer)
    body = client.get(reverse("reviews:learning_sheet", kwargs={"pk": sheet.pk})).content.decode()
    assert reverse("reviews:theme", kwargs={"pk": theme.pk}) in body
    text = client.get(reverse("reviews:theme", kwargs={"pk": theme.pk})).content.decode()
    assert "No course in the training catalogue addresses this theme yet" in text
    assert "Baby A" in text


def test_the_kernel_offers_nothing_to_someone_who_may_not_open_the_catalogue():
    assert themes.offers_for("Professional curiosity", AnonymousUser()) == {}
