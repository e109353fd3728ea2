"""Invitations and password resets: real pages, a real SMTP server on loopback, a real database."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import outbox
from safeguard.core.models import AuditEvent, OutboxMessage, Person
from safeguard.core.services import invitations
from safeguard.core.services.partnership import (
    person_create,
    person_deactivate,
    person_set_password,
)
from tests import factories, smtp

smtp_server = smtp.smtp_server

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]

NEW_PASSWORD = "violet kettle harbour 42"
SITE = "https://safeguard.example.invalid"


@pytest.fixture
def site(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    settings.SITE_URL = SITE
    settings.OTP_TOTP_ISSUER = "Testshire Safeguarding Children Partnership"
    return smtp_server


@pytest.fixture
def admin():
    return factories.person("business_unit_admin")


@pytest.fixture
def newcomer(admin):
    organisation = factories.organisation(name="Testshire Primary School")
    return person_create(
        actor=admin,
        email="Newcomer.Person@example.invalid",
        full_name="Newcomer Person",
        organisation=organisation,
        roles=["practitioner"],
    )


def _deliver_one(server):
    assert outbox.deliver_due(worker_id="test") == 1
    message = server.messages[-1]
    return message, message.get_payload(decode=True).decode()


def _link_path(text: str) -> str:
    found = re.findall(re.escape(SITE) + r"(/account/set-password/[^/\s]+/[^/\s]+)", text)
    assert len(found) == 1, text
    return found[0]


def _set_password(client: Client, link: str, password: str = NEW_PASSWORD):
    first = client.get(link)
    assert first.status_code == 302
    assert first["Location"].endswith("/set")
    assert first["Location"] != link  # the token leaves the address bar
    return client.post(first["Location"], {"password": password, "password_again": password})


def _sign_in(client: Client, email: str, password: str):
    return client.post(reverse("core:sign_in"), {"email": email, "password": password})


# Invitation -----------------------------------------------------------------------------------


def test_invitation_email_carries_a_working_link_and_nothing_personal(site, admin, newcomer):
    assert not newcomer.has_usable_password()
    invitations.person_invite(actor=admin, person=newcomer)
    received, text = _deliver_one(site)
    assert received["To"] == "newcomer.person@example.invalid"
    assert received["Subject"] == "Your account on Testshire Safeguarding Children Partnership"
    assert text.startswith(
        "You have been given an account on Testshire Safeguarding Children Partnership;"
        " set your password here:"
    )
    for personal in ("newcomer", "Newcomer", "Person", "Primary School"):
        assert personal not in text
    assert "@" not in text  # no address at all in the body
    link = _link_path(text)

    client = Client()
    page = client.get(client.get(link)["Location"])
    assert page.status_code == 200
    assert b"Set your password" in page.content
    assert b"authenticator app" in page.content
    done = _set_password(Client(), link)
    assert done.status_code == 302 and done["Location"] == reverse("core:sign_in")
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    # Next: sign in, and set up the second factor.
    signed = _sign_in(Client(), newcomer.email, NEW_PASSWORD)
    assert signed["Location"] == reverse("core:enrol")

    event = AuditEvent.objects.filter(record_id=str(newcomer.pk), detail__startswith="password")
    assert [(e.detail, e.actor_id) for e in event] == [
        ("password set by invitation link", newcomer.pk)
    ]
    invited = AuditEvent.objects.get(detail="invitation sent")
    assert invited.actor_id == admin.pk and invited.record_id == str(newcomer.pk)
    assert "newcomer" not in str(invited.changes).lower()


def test_the_link_works_once(site, admin, newcomer):
    invitations.person_invite(actor=admin, person=newcomer)
    link = _link_path(_deliver_one(site)[1])
    assert _set_password(Client(), link).status_code == 302
    again = Client().get(link)
    assert again.status_code == 200
    assert b"This link has expired or has already been used" in again.content
    # A second tab that opened the link before it was used cannot use it either.
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)


def test_a_tab_opened_before_the_link_was_used_cannot_use_it(site, admin, newcomer):
    invitations.person_invite(actor=admin, person=newcomer)
    link = _link_path(_deliver_one(site)[1])
    early = Client()
    form_url = early.get(link)["Location"]
    assert _set_password(Client(), link).status_code == 302
    late = early.post(
        form_url, {"password": "other words here 99", "password_again": "other words here 99"}
    )
    assert b"This link has expired or has already been used" in late.content
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)


def test_the_link_is_refused_after_the_password_changed_another_way(site, admin, newcomer):
    invitations.person_invite(actor=admin, person=newcomer)
    link = _link_path(_deliver_one(site)[1])
    person_set_password(actor=admin, person=newcomer, password="admin chosen words 12")
    page = Client().get(link)
    assert b"This link has expired or has already been used" in page.content


def test_a_deactivated_account_link_is_refused(site, admin, newcomer):
    invitations.person_invite(actor=admin, person=newcomer)
    link = _link_path(_deliver_one(site)[1])
    person_deactivate(actor=admin, person=newcomer)
    page = Client().get(link)
    assert b"This link has expired or has already been used" in page.content


@pytest.mark.parametrize(
    ("purpose", "age_seconds", "works"),
    [
        (invitations.INVITATION, 72 * 3600 - 60, True),
        (invitations.INVITATION, 72 * 3600 + 1, False),
        (invitations.RESET, 3600 - 60, True),
        (invitations.RESET, 3600 + 1, False),
    ],
)
def test_links_expire(newcomer, purpose, age_seconds, works):
    tokens = invitations.TOKENS[purpose]
    token = tokens.token_at(newcomer, tokens.now_seconds() - age_seconds)
    uid = invitations.uid_of(newcomer)
    holder = invitations.link_check(uidb64=uid, token=token)
    assert (holder is not None) == works
    if works:
        assert holder is not None and holder.purpose == purpose
    page = Client().get(reverse("core:set_password", kwargs={"uidb64": uid, "token": token}))
    assert (page.status_code == 302) == works


def test_an_expired_link_cannot_set_a_password_even_by_post(newcomer):
    tokens = invitations.TOKENS[invitations.RESET]
    token = tokens.token_at(newcomer, tokens.now_seconds() - 3601)
    with pytest.raises(ValidationError) as raised:
        invitations.password_set_by_link(
            uidb64=invitations.uid_of(newcomer), token=token, password=NEW_PASSWORD
        )
    assert "token" in raised.value.message_dict
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


@pytest.mark.parametrize(
    ("uidb64", "token"),
    [("MA", "0-0"), ("not-base64!", "abc-def"), ("OTk5OTk5", "cz0a-0123456789abcdef"), ("MQ", "x")],
)
def test_nonsense_links_answer_the_expired_page(uidb64, token):
    page = Client().get(reverse("core:set_password", kwargs={"uidb64": uidb64, "token": token}))
    assert page.status_code == 200
    assert b"This link has expired or has already been used" in page.content
    direct = Client().post(
        reverse("core:set_password", kwargs={"uidb64": uidb64, "token": "set"}),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert b"This link has expired or has already been used" in direct.content


def test_bad_passwords_are_named_and_change_nothing(site, admin, newcomer):
    invitations.person_invite(actor=admin, person=newcomer)
    link = _link_path(_deliver_one(site)[1])
    client = Client()
    form_url = client.get(link)["Location"]
    cases = [
        ({"password": "", "password_again": ""}, "Enter a new password"),
        ({"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}, "do not match"),
        ({"password": "short", "password_again": "short"}, "too short"),
        ({"password": "password123456", "password_again": "password123456"}, "too common"),
    ]
    for data, words in cases:
        page = client.post(form_url, data)
        assert page.status_code == 400
        assert b"govuk-error-summary" in page.content
        assert words in page.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    # The link still works after the mistakes.
    good = client.post(form_url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert good.status_code == 302


def test_only_an_administrator_invites_and_only_someone_without_a_password(admin, newcomer):
    practitioner = factories.person("practitioner")
    with pytest.raises(PermissionDenied):
        invitations.person_invite(actor=practitioner, person=newcomer)
    with pytest.raises(ValidationError) as has_password:
        invitations.person_invite(actor=admin, person=practitioner)
    assert "person" in has_password.value.message_dict
    person_deactivate(actor=admin, person=newcomer)
    with pytest.raises(ValidationError) as inactive:
        invitations.person_invite(actor=admin, person=newcomer)
    assert "deactivated" in inactive.value.messages[0]
    assert not OutboxMessage.objects.exists()


def test_inviting_twice_in_a_minute_sends_one_email(admin, newcomer):
    first = invitations.person_invite(actor=admin, person=newcomer)
    second = invitations.person_invite(actor=admin, person=newcomer)
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


# Reset ----------------------------------------------------------------------------------------


def _ask_reset(client: Client, email: str):
    return client.post(reverse("core:forgot_password"), {"email": email})


def test_reset_answers_the_same_whether_or_not_the_address_has_an_account(site):
    person = factories.person("practitioner", email="known@example.invalid")
    gone = factories.person("practitioner", email="gone@example.invalid", is_active=False)
    answers = {}
    for email in ("known@example.invalid", "nobody@example.invalid", gone.email):
        page = _ask_reset(Client(), email)
        assert page.status_code == 200
        # The same page but for the per-response CSP nonce.
        answers[email] = re.sub(r'nonce="[^"]*"', "", page.content.decode())
    assert b"If that address has an account, we have sent a link" in page.content
    assert len(set(answers.values())) == 1
    [message] = OutboxMessage.objects.all()
    assert message.recipient_id == person.pk


def test_reset_email_works_and_keeps_the_second_factor(site):
    person = factories.person("practitioner", email="keeper@example.invalid")
    factories.totp_device(person)
    signed_in_elsewhere = factories.signed_in(Client(), person)
    _ask_reset(Client(), "  KEEPER@example.invalid ")
    received, text = _deliver_one(site)
    assert received["To"] == "keeper@example.invalid"
    assert "@" not in text and "Test Person" not in text
    link = _link_path(text)
    form_page = Client()
    page = form_page.get(form_page.get(link)["Location"])
    assert b"Set a new password" in page.content
    assert _set_password(Client(), link).status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
    # With the new password comes the code, not a fresh set-up.
    assert _sign_in(Client(), person.email, NEW_PASSWORD)["Location"] == reverse(
        "core:second_factor"
    )
    # A session signed in with the old password ends.
    home = signed_in_elsewhere.get(reverse("core:home"))
    assert home.status_code == 302 and reverse("core:sign_in") in home["Location"]
    assert AuditEvent.objects.filter(
        record_id=str(person.pk), detail="password set by reset link", actor_id=person.pk
    ).exists()
    assert AuditEvent.objects.filter(
        record_id=str(person.pk), detail="password reset link sent"
    ).exists()


def test_reset_is_capped_at_three_an_hour_per_address(site):
    person = factories.person("practitioner", email="many@example.invalid")
    for _ in range(5):
        assert _ask_reset(Client(), person.email).status_code == 200
    assert OutboxMessage.objects.filter(recipient=person).count() == 3
    assert (
        AuditEvent.objects.filter(
            record_id=str(person.pk), action="denied", detail__contains="too many"
        ).count()
        == 2
    )
    other = factories.person("practitioner", email="other@example.invalid")
    _ask_reset(Client(), other.email)
    assert OutboxMessage.objects.filter(recipient=other).count() == 1
    # An hour on, the earliest no longer count.
    OutboxMessage.objects.filter(recipient=person).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    _ask_reset(Client(), person.email)
    assert OutboxMessage.objects.filter(recipient=person).count() == 4


def test_reset_form_names_a_bad_address(site):
    page = Client().post(reverse("core:forgot_password"), {"email": "not an address"})
    assert page.status_code == 400
    assert b"Enter an email address in the correct format" in page.content
    assert b'href="#id_email"' in page.content
    assert not OutboxMessage.objects.exists()


def test_a_reset_link_is_not_an_invitation_link(newcomer):
    reset_token = invitations.TOKENS[invitations.RESET].make_token(newcomer)
    assert not invitations.TOKENS[invitations.INVITATION].check_token(newcomer, reset_token)
    holder = invitations.link_check(uidb64=invitations.uid_of(newcomer), token=reset_token)
    assert holder is not None and holder.purpose == invitations.RESET


def test_the_pages_are_public_and_accessible_markup():
    page = Client().get(reverse("core:forgot_password"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert '<label class="govuk-label" for="id_email">' in html
    assert "style=" not in html
    assert Person.objects.count() == 0


# The Invite button ----------------------------------------------------------------------------


def test_the_invite_button_queues_the_email_and_says_so(site, admin, newcomer, client_for):
    # Inviting someone with roles completes an account that grants access: a fresh code first.
    client = factories.stepped_up(client_for(admin))
    url = reverse("core:person_invite", kwargs={"pk": newcomer.pk})
    assert client.get(url).status_code == 405
    done = client.post(url, follow=True)
    assert done.redirect_chain[-1][0] == reverse("core:person_detail", kwargs={"pk": newcomer.pk})
    assert b"Invitation sent" in done.content
    [message] = OutboxMessage.objects.all()
    assert message.recipient_id == newcomer.pk
    assert message.reason == invitations.INVITATION_REASON


def test_the_invite_button_explains_a_refusal_and_queues_nothing(admin, client_for):
    has_password = factories.person("practitioner")
    client = client_for(admin)
    url = reverse("core:person_invite", kwargs={"pk": has_password.pk})
    page = client.post(url, follow=True)
    assert b"already set a password" in page.content
    assert not OutboxMessage.objects.exists()


def test_the_invite_button_is_for_administrators_only(newcomer, client_for):
    officer = factories.person("business_unit_officer")
    url = reverse("core:person_invite", kwargs={"pk": newcomer.pk})
    assert client_for(officer).post(url).status_code == 403
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous["Location"]
    assert not OutboxMessage.objects.exists()
