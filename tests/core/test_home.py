from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_home_for_a_person_with_a_role(client_for):
    someone = factories.person("practitioner")
    response = client_for(someone).get("/")
    assert response.status_code == 200
    assert someone.full_name in response.content.decode()


def test_a_person_without_a_role_sees_nothing(client_for):
    someone = factories.person()
    response = client_for(someone).get("/")
    assert response.status_code == 403
