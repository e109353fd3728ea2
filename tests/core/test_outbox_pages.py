"""The notifications pages, through the test client: who may see them, what they show, try again."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from safeguard.core import outbox
from safeguard.core.models import AuditEvent, OutboxAttempt, OutboxMessage
from safeguard.core.models.outbox import OutboxState
from tests import factories

pytestmark = pytest.mark.django_db


def enqueue(n: int = 1, **fields) -> OutboxMessage:
    fields.setdefault("to_address", f"reader{n}@example.invalid")
    fields.setdefault("subject", f"Item {n} needs attention")
    fields.setdefault("body", "Something needs your attention.")
    fields.setdefault("reason", "test.event")
    fields.setdefault("dedupe_key", f"page:{n}")
    with transaction.atomic():
        return outbox.message_enqueue(**fields)


def failed(n: int = 1) -> OutboxMessage:
    message = enqueue(n)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxState.FAILED, attempts=8, last_error="550 mailbox unavailable"
    )
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("name", ["core:outbox", "core:outbox_message"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    message = enqueue()
    kwargs = {"pk": message.pk} if name == "core:outbox_message" else {}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize("name", ["core:outbox", "core:outbox_message"])
def test_people_without_the_capability_are_refused(client_for, name):
    message = enqueue()
    kwargs = {"pk": message.pk} if name == "core:outbox_message" else {}
    response = client_for(factories.person("practitioner")).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403
    assert "Item 1" not in response.content.decode()


def test_the_list_shows_each_message_with_its_state(client_for):
    someone = factories.person("practitioner", full_name="Alex Recipient")
    enqueue(1, recipient=someone, to_address=None)
    failed(2)
    response = client_for(factories.person("business_unit_officer")).get(reverse("core:outbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alex Recipient" in page
    assert "External address" in page
    assert "reader2@example.invalid" not in page  # addresses only on a message's own page
    assert "Item 1 needs attention" in page and "Item 2 needs attention" in page
    assert '<strong class="govuk-tag govuk-tag--blue">Queued</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Failed</strong>' in page
    assert "550 mailbox unavailable" in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">2 messages' in page


def test_the_list_filters_by_state(client_for):
    enqueue(1)
    failed(2)
    client = client_for(factories.person("business_unit_officer"))
    page = client.get(reverse("core:outbox"), {"state": "failed"}).content.decode()
    assert "Item 2 needs attention" in page
    assert "Item 1 needs attention" not in page
    empty = client.get(reverse("core:outbox"), {"state": "sent"}).content.decode()
    assert "No messages" in empty
    assert "No message is in this state" in empty


def test_a_bad_filter_names_the_field_and_shows_everything(client_for):
    enqueue(1)
    response = client_for(factories.person("business_unit_officer")).get(
        reverse("core:outbox"), {"state": "lost"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_state">Select a state from the list</a>' in page
    assert "Item 1 needs attention" in page


def test_an_empty_outbox_says_so(client_for):
    page = client_for(factories.person("data_protection_officer")).get(reverse("core:outbox"))
    assert page.status_code == 200
    assert "The service has not queued any email yet." in page.content.decode()


def test_the_list_is_paginated(client_for):
    for n in range(30):
        enqueue(n)
    client = client_for(factories.person("business_unit_officer"))
    first = client.get(reverse("core:outbox")).content.decode()
    assert first.count('href="/notifications/') == 25
    assert 'rel="next"' in first
    second = client.get(reverse("core:outbox"), {"page": "2"}).content.decode()
    assert second.count('href="/notifications/') == 5
    assert 'aria-current="page">2<' in second
    # A page number out of range shows the last page rather than an error.
    assert client.get(reverse("core:outbox"), {"page": "99"}).status_code == 200


def test_a_message_shows_its_attempts(client_for):
    message = failed()
    OutboxAttempt.objects.create(
        message=message,
        attempted_at=message.created_at,
        worker="host:123",
        succeeded=False,
        error="550 mailbox unavailable",
    )
    response = client_for(factories.person("business_unit_officer")).get(
        reverse("core:outbox_message", kwargs={"pk": message.pk})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "host:123" in page
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "8 of 8" in page
    # An officer may look but not try again.
    assert "Try again" not in page


def test_a_missing_message_is_not_found(client_for):
    client = client_for(factories.person("business_unit_officer"))
    assert client.get(reverse("core:outbox_message", kwargs={"pk": 999})).status_code == 404


def test_an_administrator_tries_a_failed_message_again(client_for):
    message = failed()
    admin = factories.person("business_unit_admin")
    client = client_for(admin)
    url = reverse("core:outbox_message", kwargs={"pk": message.pk})
    assert "Try again" in client.get(url).content.decode()
    response = client.post(reverse("core:outbox_retry", kwargs={"pk": message.pk}), follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "The message will be sent again" in response.content.decode()
    message.refresh_from_db()
    assert message.state == OutboxState.QUEUED
    assert message.attempts == 0
    assert AuditEvent.objects.filter(
        record_type=outbox.RECORD_TYPE, record_id=str(message.pk), actor_id=admin.pk
    ).exists()


def test_trying_again_a_message_that_has_not_failed_changes_nothing(client_for):
    message = enqueue()
    client = client_for(factories.person("business_unit_admin"))
    response = client.post(reverse("core:outbox_retry", kwargs={"pk": message.pk}), follow=True)
    assert "Only a failed message can be tried again" in response.content.decode()
    message.refresh_from_db()
    assert message.state == OutboxState.QUEUED


def test_trying_again_needs_the_capability_a_post_and_the_csrf_token(client_for):
    message = failed()
    url = reverse("core:outbox_retry", kwargs={"pk": message.pk})
    officer = client_for(factories.person("business_unit_officer"))
    assert officer.post(url).status_code == 403
    admin = client_for(factories.person("business_unit_admin"))
    assert admin.get(url).status_code == 405
    admin.handler.enforce_csrf_checks = True
    assert admin.post(url).status_code == 403
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED


def test_a_link_that_works_as_a_key_is_never_shown_on_the_page(client_for) -> None:
    """A set-password link (or any registered secret link) must not reach staff screens."""
    from django.db import transaction

    from safeguard.core.outbox import message_enqueue
    from safeguard.core.services.invitations import INVITATION_REASON
    from tests import factories

    officer = factories.person("business_unit_officer")
    with transaction.atomic():
        secret = message_enqueue(
            to_address="someone@example.invalid",
            subject="Set your password",
            body="You have been given an account; set your password here:",
            link="/account/set-password/MQ/secret-token-123",
            reason=INVITATION_REASON,
            dedupe_key="secret-link-test",
        )
        plain = message_enqueue(
            to_address="someone@example.invalid",
            subject="Something needs attention",
            body="Something needs your attention.",
            link="/deadlines",
            reason="test.plain",
            dedupe_key="plain-link-test",
        )
    client = client_for(officer)
    hidden = client.get(f"/notifications/{secret.pk}").content.decode()
    assert "secret-token-123" not in hidden
    assert "not shown" in hidden
    shown = client.get(f"/notifications/{plain.pk}").content.decode()
    assert "/deadlines" in shown
