"""Issue 15 g: self-registration with approval. A practitioner without an account asks for one;
the Business Unit or the organisation's approver approves it (second factor again), which opens
an account with the practitioner role only. Rate-limited; the page never tells whether an
address has an account; e-mails carry no name or organisation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.core.models import AuditEvent, OutboxMessage, Person
from safeguard.training import services
from safeguard.training.models import AccountRequest
from safeguard.training.services import registration
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/training/request-account"


@pytest.fixture
def world():
    unit = factories.organisation(kind="partnership", name="Business Unit")
    charity = factories.organisation(kind="third_sector", name="Young Voices")
    other = factories.organisation(kind="third_sector", name="Other Charity")
    admin = factories.person("business_unit_admin", organisation_obj=unit)
    officer = factories.person("business_unit_officer", organisation_obj=unit)
    return {"unit": unit, "charity": charity, "other": other, "admin": admin, "officer": officer}


def _ask(client, world, email="sam.new@youngvoices.example", organisation=None, name="Sam New"):
    return client.post(
        URL,
        {
            "full_name": name,
            "email": email,
            "job_title": "Youth worker",
            "organisation": (organisation or world["charity"]).pk,
        },
    )


def test_a_request_is_taken_acknowledged_and_the_approvers_told_without_personal_data(world):
    client = Client()
    sign_in = client.get(reverse("core:sign_in")).content.decode()
    assert f'href="{URL}"' in sign_in
    page = client.get(URL)
    assert (
        page.status_code == 200 and "Ask for an account to book training" in page.content.decode()
    )
    missing = client.post(URL, {"email": "", "organisation": ""})
    assert missing.status_code == 400
    text = missing.content.decode()
    for message in (
        "Enter your full name",
        "Enter your work email address",
        "Select your organisation",
    ):
        assert message in text
    response = _ask(client, world)
    assert response.status_code == 302 and response.url == "/training/request-account/sent"
    assert "Check your email" in client.get(response.url).content.decode()
    row = AccountRequest.objects.get()
    assert (row.status, row.full_name, row.email) == (
        "pending",
        "Sam New",
        "sam.new@youngvoices.example",
    )
    assert len(row.source) == 64 and "127.0.0.1" not in row.source  # a keyed hash, not the address
    messages = list(OutboxMessage.objects.filter(record_type="training.account_request"))
    assert {m.to_address for m in messages} == {
        "sam.new@youngvoices.example",
        world["admin"].email,
        world["officer"].email,
    }
    for m in messages:
        assert "Sam" not in m.subject + m.body and "Young Voices" not in m.subject + m.body
    assert not Person.objects.filter(email="sam.new@youngvoices.example").exists()


def test_the_page_answers_the_same_for_an_existing_account_a_repeat_and_too_many(world):
    existing = factories.person("practitioner", organisation_obj=world["charity"])
    client = Client()
    first = _ask(client, world, email=existing.email.upper())
    assert first.url == "/training/request-account/sent"
    assert not AccountRequest.objects.filter(status="pending").exists()
    told = OutboxMessage.objects.get(to_address=existing.email)
    assert "already has one" in told.body  # told by e-mail, to the address itself
    _ask(client, world, email="pat@example.org")
    again = _ask(client, world, email="pat@example.org")
    assert again.url == "/training/request-account/sent"
    assert AccountRequest.objects.filter(email="pat@example.org", status="pending").count() == 1
    # Five requests an hour from one place; the sixth is not taken, and the answer is the same.
    for n in range(3):
        _ask(client, world, email=f"n{n}@example.org")
    assert AccountRequest.objects.count() == 5
    sixth = _ask(client, world, email="sixth@example.org")
    assert sixth.url == "/training/request-account/sent"
    assert not AccountRequest.objects.filter(email="sixth@example.org").exists()
    assert AuditEvent.objects.filter(
        record_type="training.account_request", action="denied"
    ).exists()
    # From another place it is taken.
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    _ask(elsewhere, world, email="sixth@example.org")
    assert AccountRequest.objects.filter(email="sixth@example.org", status="pending").exists()


def test_approval_asks_for_the_second_factor_and_opens_a_practitioner_account(world):
    _ask(Client(), world)
    row = AccountRequest.objects.get()
    client = factories.signed_in(Client(), world["admin"])
    listed = client.get("/training/account-requests").content.decode()
    assert "Sam New" in listed and f"/training/account-requests/{row.pk}" in listed
    url = f"/training/account-requests/{row.pk}"
    assert client.get(url).status_code == 200
    factories.stepped_up(client, lapsed=True)
    asked = client.post(url, {"approve": "1"})
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("core:confirm_second_factor"))
    assert not Person.objects.filter(email=row.email).exists()
    factories.stepped_up(client)
    done = client.post(url, {"approve": "1"})
    assert done.status_code == 302 and done.url == "/training/account-requests"
    person = Person.objects.get(email=row.email)
    assert person.organisation_id == world["charity"].pk and not person.has_usable_password()
    assert list(person.role_assignments.values_list("role", flat=True)) == ["practitioner"]
    row.refresh_from_db()
    assert (
        row.status == "approved" and row.person_id == person.pk and row.decided_by == world["admin"]
    )
    invitation = OutboxMessage.objects.get(reason="account.invitation", to_address=person.email)
    assert invitation.link and "Sam" not in invitation.body
    assert AuditEvent.objects.filter(
        record_type="core.person",
        record_id=str(person.pk),
        action="create",
        actor_id=world["admin"].pk,
    ).exists()
    # Decided once: a second approval changes nothing.
    factories.stepped_up(client)
    client.post(url, {"approve": "1"})
    assert Person.objects.filter(email=row.email).count() == 1


def test_the_organisations_approver_decides_its_own_requests_only(world):
    approver = factories.person("practitioner", organisation_obj=world["charity"])
    services.organisation_setting_save(
        actor=world["admin"],
        organisation=world["charity"],
        approval_required=False,
        approver=approver,
    )
    _ask(Client(), world)
    _ask(
        Client(REMOTE_ADDR="10.9.9.9"),
        world,
        email="x@other.example",
        organisation=world["other"],
        name="Alex Other",
    )
    mine = AccountRequest.objects.get(organisation=world["charity"])
    theirs = AccountRequest.objects.get(organisation=world["other"])
    # The charity's approver was told of its request; the Business Unit of the other.
    assert OutboxMessage.objects.filter(to_address=approver.email, record_id=str(mine.pk)).exists()
    assert not OutboxMessage.objects.filter(
        to_address=world["admin"].email, record_id=str(mine.pk)
    ).exists()
    client = factories.signed_in(Client(), approver)
    listed = client.get("/training/account-requests").content.decode()
    assert "Sam New" in listed and "Alex Other" not in listed
    assert client.get(f"/training/account-requests/{theirs.pk}").status_code == 404
    refused = client.post(f"/training/account-requests/{mine.pk}", {"refuse": "1", "reason": ""})
    assert (
        refused.status_code == 400
        and "Say why the request is not approved" in refused.content.decode()
    )
    client.post(f"/training/account-requests/{mine.pk}", {"refuse": "1", "reason": "Not our staff"})
    mine.refresh_from_db()
    assert mine.status == "refused" and mine.refusal_reason == "Not our staff"
    told = OutboxMessage.objects.get(reason=registration.DECISION_REASON)
    assert told.to_address == mine.email and "Not our staff" not in told.body
    # Someone who is neither is refused the list.
    stranger = factories.person("practitioner", organisation_obj=world["other"])
    assert (
        factories.signed_in(Client(), stranger).get("/training/account-requests").status_code == 403
    )
