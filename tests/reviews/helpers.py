"""A small partnership for the reviews tests: three statutory partners, a RAG, the key people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from safeguard.core.clock import LONDON
from safeguard.core.models import Group, Membership, Organisation, Person
from safeguard.reviews import rules
from tests import factories

# Awareness on Friday 18 December 2026: the decision is due on Tuesday 29 December 2026.
AWARE_ON = date(2026, 12, 18)
DECISION_DUE = date(2026, 12, 29)
ON_AWARENESS_DAY = datetime(2026, 12, 18, 15, 0, tzinfo=LONDON)
ON_DECISION_DAY = datetime(2026, 12, 23, 11, 0, tzinfo=LONDON)


@dataclass
class Partnership:
    la: Organisation
    police: Organisation
    icb: Organisation
    school: Organisation
    rag: Group
    chair: Person
    bu_officer: Person
    decision_maker: Person
    police_lead: Person
    health_lead: Person
    la_lead: Person
    lead_outside_rag: Person
    practitioner: Person
    other_practitioner: Person
    school_dsl: Person


def partnership() -> Partnership:
    la = factories.organisation(
        name="Anyshire Council", kind="local_authority", statutory_partner=True
    )
    police = factories.organisation(name="Anyshire Police", kind="police", statutory_partner=True)
    icb = factories.organisation(name="Anyshire ICB", kind="icb", statutory_partner=True)
    school = factories.organisation(name="Anytown Primary", kind="school", urn="100001")
    bu_org = factories.organisation(name="Partnership Business Unit", kind="partnership")
    rag = Group.objects.create(name="Review Advisory Group", kind="rag")
    leads = []
    for org in (police, icb, la):
        lead = factories.person("statutory_partner_lead", organisation_obj=org)
        Membership.objects.create(group=rag, person=lead)
        leads.append(lead)
    return Partnership(
        la=la,
        police=police,
        icb=icb,
        school=school,
        rag=rag,
        chair=factories.person("independent_chair", organisation_obj=bu_org),
        bu_officer=factories.person("business_unit_officer", organisation_obj=bu_org),
        decision_maker=factories.person("la_decision_maker", organisation_obj=la),
        police_lead=leads[0],
        health_lead=leads[1],
        la_lead=leads[2],
        lead_outside_rag=factories.person("statutory_partner_lead", organisation_obj=police),
        practitioner=factories.person("practitioner", organisation_obj=icb),
        other_practitioner=factories.person("practitioner", organisation_obj=icb),
        school_dsl=factories.person("school_dsl", organisation_obj=school),
    )


def referral_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "incident_date": date(2026, 12, 17),
        "la_aware_on": AWARE_ON,
        "summary": "Infant admitted with unexplained injuries.",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Injuries inconsistent with the account given.",
    }
    values.update(overrides)
    return values


def child(**overrides: Any) -> rules.ChildDetails:
    fields: dict[str, Any] = {
        "full_name": "Ava Testchild",
        "date_of_birth": date(2026, 5, 1),
        "gender": "female",
        "ethnicity": "White British",
        "address": "1 Example Street, Anytown",
        "identifiers": "NHS 999 000 0001",
    }
    fields.update(overrides)
    return rules.ChildDetails(**fields)


NOTIFIED_ON = date(2026, 12, 22)
RAPID_REVIEW_DUE = date(2027, 1, 15)
IN_THE_REVIEW = datetime(2027, 1, 6, 10, 0, tzinfo=LONDON)


def notified_case(p: Partnership) -> Any:
    """A case referred on 18 December 2026 and notified to the Panel on 22 December 2026."""
    from safeguard.reviews.services.decisions import incident_decide
    from safeguard.reviews.services.referrals import referral_save_draft, referral_submit

    draft = referral_save_draft(
        actor=p.practitioner,
        values=referral_values(),
        children=[child()],
        agencies=[p.police, p.icb, p.la],
        now=ON_AWARENESS_DAY,
    )
    incident = referral_submit(actor=p.practitioner, incident=draft, now=ON_AWARENESS_DAY)
    return incident_decide(
        actor=p.decision_maker,
        incident=incident,
        decision="notify",
        rationale="Meets the criteria.",
        panel_notified_on=NOTIFIED_ON,
        panel_reference="CSPRP-1",
        now=ON_DECISION_DAY,
    )


def signed_in(person: Person, *, step_up: bool = False) -> Any:
    """A fresh test client of its own for ``person`` (``client_for`` shares one client)."""
    import time

    from django.test import Client

    from safeguard.core.http import STEP_UP_SESSION_KEY

    client = factories.signed_in(Client(), person)
    if step_up:
        session = client.session
        session[STEP_UP_SESSION_KEY] = time.time()
        session.save()
    return client
