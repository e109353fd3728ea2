"""The narrative workflow's permissions: only the section's owner reviews, only statutory
partners sign off (each once), and publication comes only after every sign-off."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core import report_tables
from safeguard.core.models import AuditEvent
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.reports.models import NarrativeStatus, ReportStatus
from safeguard.reports.services import narratives as services
from safeguard.reports.services import reports as report_services
from tests import factories
from tests.reports import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = helpers.business_unit()
    leads = helpers.partners()
    chair = factories.person(Role.INDEPENDENT_CHAIR.value)
    report = helpers.report(unit)
    return unit, leads, chair, report


def test_a_report_starts_with_the_seed_narratives_the_chair_owning_the_introduction(world):
    unit, _, chair, report = world
    keys = list(report.narratives.order_by("pk").values_list("key", flat=True))
    assert keys[0] == "chair_introduction" and "external_inspections" in keys
    assert helpers.narrative(report).owner == chair
    assert helpers.narrative(report, "key_learning").owner == unit


def test_only_the_owner_reviews(world):
    unit, leads, chair, report = world
    item = helpers.narrative(report)
    services.narrative_write(actor=unit, narrative=item, body="The system is strong.")
    services.narrative_submit(actor=unit, narrative=item)
    other_unit = helpers.business_unit()
    for someone in (unit, other_unit, leads[OrganisationKind.POLICE]):
        with pytest.raises(PermissionDenied):
            services.narrative_review(actor=someone, narrative=item, approve=True)
    services.narrative_review(actor=chair, narrative=item, approve=True)
    item.refresh_from_db()
    assert item.status == NarrativeStatus.REVIEWED


def test_the_owner_may_send_it_back_with_a_reason(world):
    unit, _, chair, report = world
    item = helpers.narrative(report)
    services.narrative_write(actor=unit, narrative=item, body="Draft.")
    services.narrative_submit(actor=unit, narrative=item)
    with pytest.raises(ValidationError):
        services.narrative_review(actor=chair, narrative=item, approve=False, comment=" ")
    services.narrative_review(actor=chair, narrative=item, approve=False, comment="Say more.")
    item.refresh_from_db()
    assert item.status == NarrativeStatus.DRAFT and item.review_comment == "Say more."
    # Back in draft, it can be rewritten; once with its owner it cannot.
    services.narrative_write(actor=unit, narrative=item, body="Draft, with more.")
    services.narrative_submit(actor=unit, narrative=item)
    with pytest.raises(PermissionDenied):
        services.narrative_write(actor=unit, narrative=item, body="Changed behind the owner.")


def test_nothing_empty_goes_for_review(world):
    unit, _, _, report = world
    with pytest.raises(ValidationError):
        services.narrative_submit(actor=unit, narrative=helpers.narrative(report))


def test_only_statutory_partners_sign_off_each_once_and_only_after_review(world):
    unit, leads, chair, report = world
    item = helpers.narrative(report)
    services.narrative_write(actor=unit, narrative=item, body="Text.")
    services.narrative_submit(actor=unit, narrative=item)
    la_lead = leads[OrganisationKind.LOCAL_AUTHORITY]
    with pytest.raises(PermissionDenied):  # not reviewed yet
        services.narrative_sign_off(actor=la_lead, narrative=item)
    services.narrative_review(actor=chair, narrative=item, approve=True)
    school = factories.organisation(kind=OrganisationKind.SCHOOL, urn="100001")
    not_statutory = factories.person(Role.STATUTORY_PARTNER_LEAD.value, organisation_obj=school)
    practitioner = factories.person(Role.PRACTITIONER.value, organisation_obj=la_lead.organisation)
    for someone in (not_statutory, practitioner, unit, chair):
        with pytest.raises(PermissionDenied):
            services.narrative_sign_off(actor=someone, narrative=item)
    services.narrative_sign_off(actor=la_lead, narrative=item)
    with pytest.raises(PermissionDenied):  # the LA has signed already
        services.narrative_sign_off(actor=la_lead, narrative=item)
    item.refresh_from_db()
    assert item.status == NarrativeStatus.REVIEWED
    services.narrative_sign_off(actor=leads[OrganisationKind.POLICE], narrative=item)
    services.narrative_sign_off(actor=leads[OrganisationKind.ICB], narrative=item)
    item.refresh_from_db()
    assert item.status == NarrativeStatus.SIGNED_OFF
    assert AuditEvent.objects.filter(record_type="reports.sign_off").count() == 3


def test_publication_only_after_every_section_is_signed_off(world):
    unit, leads, chair, report = world
    narratives = list(report.narratives.order_by("pk"))
    for item in narratives[:-1]:
        helpers.signed_off(unit, leads, item, chair)
    with pytest.raises(ValidationError):
        report_services.report_publish(actor=unit, report=report)
    helpers.signed_off(unit, leads, narratives[-1], chair)
    with pytest.raises(PermissionDenied):
        report_services.report_publish(actor=leads[OrganisationKind.POLICE], report=report)
    published = report_services.report_publish(actor=unit, report=report)
    assert published.status == ReportStatus.PUBLISHED
    assert "Independent Chair&#x27;s introduction" in published.published_html or (
        "Independent Chair's introduction" in published.published_html
    )
    # Once published, nothing more is written or signed.
    with pytest.raises(PermissionDenied):
        services.narrative_write(actor=unit, narrative=narratives[0], body="Later.")


def test_every_registry_section_has_its_place_in_the_structure():
    from safeguard.reports import structure

    keys = structure.table_keys()
    assert sorted(keys) == sorted(report_tables.SECTIONS)
    assert len(keys) == len(set(keys))
