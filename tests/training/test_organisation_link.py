"""Issue 15 i: the booking approval setting is reached from the partnership's organisation page,
through the kernel's organisation-link registry (core imports no module)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core import policies as core_policies
from safeguard.core.roles import Capability
from safeguard.training import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_organisation_page_links_to_its_training_approval_for_the_business_unit(client):
    unit = factories.organisation(kind="partnership", name="Business Unit")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    charity = factories.organisation(kind="third_sector", name="Young Voices")
    manager = factories.person("practitioner", organisation_obj=charity, full_name="Pat Manager")
    page_url = reverse("core:organisation_detail", kwargs={"pk": charity.pk})
    setting_url = reverse("training:approval_setting", kwargs={"pk": charity.pk})

    factories.signed_in(client, admin)
    text = client.get(page_url).content.decode()
    assert f'href="{setting_url}"' in text and "bookings need no approval" in text
    assert client.get(setting_url).status_code == 200  # the link opens for them

    services.organisation_setting_save(
        actor=admin, organisation=charity, approval_required=True, approver=manager
    )
    text = client.get(page_url).content.decode()
    assert "bookings wait for approval by Pat Manager" in text


def test_the_link_is_not_shown_to_whom_it_would_not_open(client):
    charity = factories.organisation(kind="third_sector", name="Young Voices")
    setting_url = reverse("training:approval_setting", kwargs={"pk": charity.pk})
    checked = 0
    for role in ("statutory_partner_lead", "independent_chair", "la_data_team"):
        person = factories.person(role)
        if not core_policies.can(person, Capability.VIEW_PARTNERSHIP):
            continue
        factories.signed_in(client, person)
        page = client.get(reverse("core:organisation_detail", kwargs={"pk": charity.pk}))
        assert page.status_code == 200
        assert setting_url not in page.content.decode()
        assert client.get(setting_url).status_code == 403
        checked += 1
    assert checked
