"""Small leaks: cached pages, world-readable files, and a reset form that answers by its timing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguard.core import private_files
from safeguard.core.mail import PrivateFileEmailBackend
from safeguard.core.middleware import NoStoreMiddleware
from safeguard.core.models import OutboxMessage
from safeguard.core.services import invitations
from tests import factories


def _no_store(response: HttpResponse) -> bool:
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == "no-cache"


@pytest.mark.django_db
def test_every_page_for_a_signed_in_person_is_no_store(client_for):
    client = client_for(factories.person("business_unit_admin"))
    for address in (reverse("core:account"), reverse("core:people"), "/no-such-page"):
        assert _no_store(client.get(address)), address


@pytest.mark.django_db
def test_public_pages_health_check_and_static_files_may_be_cached(client: Client):
    assert not _no_store(client.get("/healthz"))
    factory = RequestFactory()
    middleware = NoStoreMiddleware(lambda request: HttpResponse("x"))
    request = factory.get("/static/govuk.css")
    request.user = factories.person()
    assert not _no_store(middleware(request))


def test_exports_and_the_api_are_no_store_even_without_a_session():
    factory = RequestFactory()

    def export(request):
        response = HttpResponse(b"PK")
        response["Content-Disposition"] = 'attachment; filename="scorecard.xlsx"'
        return response

    request = factory.get("/performance/export")
    assert _no_store(NoStoreMiddleware(export)(request))
    request = factory.get("/api/v1/organisations")
    assert _no_store(NoStoreMiddleware(lambda request: HttpResponse("{}"))(request))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_file_is_owner_only_even_under_a_loose_umask(tmp_path):
    old = os.umask(0o022)
    try:
        private_files.sqlite_database(tmp_path / "var" / "safeguard.sqlite3")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "var" / "safeguard.sqlite3") == 0o600
    assert _mode(tmp_path / "var") == 0o700
    existing = tmp_path / "old.sqlite3"
    existing.write_bytes(b"")
    existing.chmod(0o644)
    private_files.sqlite_database(existing)
    assert _mode(existing) == 0o600
    private_files.sqlite_database(":memory:")  # nothing to protect, nothing made
    assert not Path(":memory:").exists()


def test_the_mail_folder_and_its_messages_are_owner_only(tmp_path):
    folder = tmp_path / "mail"
    old = os.umask(0o022)
    try:
        backend = PrivateFileEmailBackend(file_path=str(folder))
        message = mail.EmailMessage("Set your password", "link", to=["a@example.invalid"])
        assert backend.send_messages([message]) == 1
    finally:
        os.umask(old)
    assert _mode(folder) == 0o700
    [written] = folder.iterdir()
    assert _mode(written) == 0o600
    assert b"Set your password" in written.read_bytes()


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_token_work_as_a_known_one(monkeypatch):
    made = []
    real = invitations.TOKENS[invitations.RESET].make_token

    def spy(person):
        made.append(person)
        return real(person)

    monkeypatch.setattr(invitations.TOKENS[invitations.RESET], "make_token", spy)
    invitations.password_reset_request(email="nobody@example.invalid")
    [stand_in] = made
    assert stand_in.pk == 0 and stand_in._state.adding  # never saved, never sent
    assert not OutboxMessage.objects.exists()
    known = factories.person("practitioner", email="known@example.invalid")
    invitations.password_reset_request(email="known@example.invalid")
    assert [p.pk for p in made] == [0, known.pk]
    assert OutboxMessage.objects.get().recipient_id == known.pk
