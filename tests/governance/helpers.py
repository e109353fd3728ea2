"""A small partnership for the action plan's tests, and a source registered for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.test import Client

from safeguard.core.clock import LONDON
from safeguard.core.models import Organisation, Person
from safeguard.governance import sources
from tests import factories

NOW = datetime(2026, 12, 4, 11, 0, tzinfo=LONDON)  # a Friday
TEST_SOURCE = "tests.source"
# The people of the test source (a review's RAG, say): ids in this set see and manage it.
SOURCE_PEOPLE: set[int] = set()


def register_test_source() -> None:
    sources.register(
        TEST_SOURCE,
        "Test source",
        link=lambda source_id: f"/tests/sources/{source_id}",
        may_view=lambda actor, source_id: getattr(actor, "pk", None) in SOURCE_PEOPLE,
    )


@dataclass
class Partnership:
    police: Organisation
    icb: Organisation
    school: Organisation
    bu_officer: Person
    chair: Person
    police_lead: Person
    icb_lead: Person
    school_dsl: Person
    practitioner: Person


def partnership() -> Partnership:
    police = factories.organisation(name="Anyshire Police", kind="police", statutory_partner=True)
    icb = factories.organisation(name="Anyshire ICB", kind="icb", statutory_partner=True)
    school = factories.organisation(name="Anytown Primary", kind="school", urn="100001")
    bu = factories.organisation(name="Partnership Business Unit", kind="partnership")
    register_test_source()
    return Partnership(
        police=police,
        icb=icb,
        school=school,
        bu_officer=factories.person("business_unit_officer", organisation_obj=bu),
        chair=factories.person("independent_chair", organisation_obj=bu),
        police_lead=factories.person("statutory_partner_lead", organisation_obj=police),
        icb_lead=factories.person("statutory_partner_lead", organisation_obj=icb),
        school_dsl=factories.person("school_dsl", organisation_obj=school),
        practitioner=factories.person("practitioner", organisation_obj=icb),
    )


def signed_in(someone: Person) -> Client:
    return factories.signed_in(Client(), someone)
