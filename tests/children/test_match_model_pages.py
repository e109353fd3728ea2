"""The matching model pages through the test client, with the pages mounted at /children/."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.children import linkage, selectors, services
from safeguard.children.forms import field_name
from safeguard.children.models import MatchModelVersion
from safeguard.children.policies import Cap
from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import AuditEvent
from safeguard.core.roles import Role, roles_with
from tests import factories
from tests.children import walk

pytestmark = pytest.mark.django_db


def signed_in(person: Any, *, step_up: bool = True) -> Client:
    client = factories.signed_in(Client(), person)
    if step_up:
        session = client.session
        session[STEP_UP_SESSION_KEY] = time.time()
        session.save()
    return client


def form_data(model: linkage.MatchModel, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "automatic": model.automatic,
        "review": model.review,
        "share_on_roll": model.share_on_roll,
        "min_roll_size": model.min_roll_size,
        "note": "Tuning after the termly check",
    }
    for comparison, levels in model.comparisons.items():
        for level, p in levels.items():
            data[field_name(comparison, level, "m")] = p.m
            data[field_name(comparison, level, "u")] = p.u
    data.update(changes)
    return data


@pytest.fixture
def admin() -> Any:
    return factories.person("business_unit_admin")


def test_the_page_shows_thresholds_levels_and_weights(admin: Any) -> None:
    response = signed_in(admin).get(reverse("children:match_model"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption" in html and 'scope="col"' in html
    assert "Comparison of dob" in html and "Day month swapped" in html
    assert "day_month_swapped" not in html  # a label, never the stored code
    # dob exact: log2(0.9216 / 0.000202) = +12.16; forename else: log2(0.0098 / 0.990075) < 0
    assert "+12.16" in html and "\u22126.66" in html
    assert "Raising the automatic threshold" in html and "Lowering the review threshold" in html
    assert "the default model of this release" in html
    assert reverse("children:match_model_change") in html


def test_a_reader_sees_the_model_but_no_way_to_change_it(admin: Any) -> None:
    services.match_model_save(
        actor=admin,
        model=linkage.MatchModel.from_dict(
            {
                **linkage.MatchModel.default().to_dict(),
                "thresholds": {"automatic": 0.99, "review": 0.5},
            }
        ),
        note="Stricter",
    )
    coordinator = factories.person("la_encompass_coordinator")
    response = signed_in(coordinator).get(reverse("children:match_model"))
    html = response.content.decode()
    assert response.status_code == 200 and "Stricter" in html and "0.99" in html
    assert reverse("children:match_model_change") not in html
    assert "Restore" not in html


def test_changing_the_model_through_the_form(admin: Any) -> None:
    client = signed_in(admin)
    url = reverse("children:match_model_change")
    page = client.get(url)
    assert page.status_code == 200
    assert 'for="id_forename__exact__m"' in page.content.decode()
    data = form_data(linkage.MatchModel.default(), automatic="0.97", **{"dob__exact__u": "0.0003"})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("children:match_model")
    model = selectors.active_match_model()
    assert model.automatic == 0.97 and model.comparisons["dob"]["exact"].u == 0.0003
    version = MatchModelVersion.objects.get(active=True)
    assert version.note == "Tuning after the termly check"
    event = AuditEvent.objects.get(record_type=services.RECORD_TYPE, record_id=str(version.pk))
    assert event.changes == {
        "thresholds.automatic": [0.95, 0.97],
        "dob.exact.u": [0.000202, 0.0003],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"automatic": "0.4", "review": "0.5"}, "automatic", "must be above the review threshold"),
        ({"automatic": "0.5", "review": "0.5"}, "automatic", "must be above the review threshold"),
        ({"automatic": "1.2"}, "automatic", "must be above 0 and at most 1"),
        ({"review": "0"}, "review", "must be above 0 and at most 1"),
        ({"review": "half"}, "review", "must be a number"),
        ({"dob__exact__m": "1"}, "dob__exact__m", "m value for dob exact must be more than 0"),
        ({"gender__else__u": "0"}, "gender__else__u", "u value for gender else must be more"),
        ({"forename__nickname__m": ""}, "forename__nickname__m", "Enter the m value"),
        ({"min_roll_size": "0"}, "min_roll_size", "must be at least 1"),
        ({"note": "  "}, "note", "Enter a note"),
    ],
)
def test_bad_values_name_the_field_and_change_nothing(
    admin: Any, changes: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(admin).post(
        reverse("children:match_model_change"), form_data(linkage.MatchModel.default(), **changes)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and f'href="#id_{field}"' in html
    assert message in html
    assert not MatchModelVersion.objects.exists()


def test_saving_the_same_values_says_so(admin: Any) -> None:
    response = signed_in(admin).post(
        reverse("children:match_model_change"), form_data(linkage.MatchModel.default())
    )
    assert response.status_code == 200
    assert "same as the one in use" in response.content.decode()
    assert not MatchModelVersion.objects.exists()


def test_changing_asks_for_the_second_factor_again(admin: Any) -> None:
    client = signed_in(admin, step_up=False)
    for url in (reverse("children:match_model_change"),):
        response = client.post(url, form_data(linkage.MatchModel.default(), automatic="0.97"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:confirm_second_factor"))
    assert not MatchModelVersion.objects.exists()


def test_restoring_through_the_pages(admin: Any) -> None:
    client = signed_in(admin)
    change = reverse("children:match_model_change")
    client.post(change, form_data(linkage.MatchModel.default(), automatic="0.99", note="First"))
    first = MatchModelVersion.objects.get(active=True)
    client.post(change, form_data(selectors.active_match_model(), automatic="0.9", note="Then"))
    url = reverse("children:match_model_restore", kwargs={"pk": first.pk})
    history = client.get(reverse("children:match_model")).content.decode()
    assert url in history and "First" in history and "Then" in history
    page = client.get(url)
    assert page.status_code == 200 and "thresholds.automatic" in page.content.decode()
    refused = client.post(url, {"note": ""})
    assert refused.status_code == 200 and "Enter a note" in refused.content.decode()
    assert MatchModelVersion.objects.count() == 2
    done = client.post(url, {"note": "The stricter threshold was better"})
    assert done.status_code == 302
    assert selectors.active_match_model().automatic == 0.99
    assert MatchModelVersion.objects.get(active=True).restored_from == first
    missing = client.get(reverse("children:match_model_restore", kwargs={"pk": 99999}))
    assert missing.status_code == 404


def test_restore_refuses_a_reader(admin: Any) -> None:
    version = services.match_model_save(
        actor=admin,
        model=linkage.MatchModel.from_dict(
            {
                **linkage.MatchModel.default().to_dict(),
                "thresholds": {"automatic": 0.99, "review": 0.5},
            }
        ),
        note="One",
    )
    coordinator = factories.person("la_encompass_coordinator")
    url = reverse("children:match_model_restore", kwargs={"pk": version.pk})
    assert signed_in(coordinator).post(url, {"note": "No"}).status_code == 403
    assert MatchModelVersion.objects.count() == 1


def test_every_page_as_every_role() -> None:
    """The permission walk's expectations for these pages, walked here while they are mounted
    only in the test URLconf: 302 to sign in when anonymous, 403 without the capability, 200
    with it."""
    from tests.test_permission_walk import Route, _pk

    admin = factories.person("business_unit_admin")
    objects = walk.make_objects(admin=admin, organisation=admin.organisation)
    routes = {
        "children:match_model": Route(Cap.VIEW_MATCH_MODEL),
        "children:match_model_change": Route(Cap.MANAGE_MATCH_MODEL),
        "children:match_model_restore": Route(
            Cap.MANAGE_MATCH_MODEL, kwargs=_pk("match_model_version")
        ),
    }
    people = {role.value: factories.person(role.value) for role in Role}
    people["no role"] = factories.person()
    failures = []
    for name, route in routes.items():
        url = reverse(name, kwargs=route.kwargs(objects))
        anonymous = Client().get(url)
        if anonymous.status_code != 302 or "/sign-in" not in anonymous["Location"]:
            failures.append(f"anonymous {name}: {anonymous.status_code}")
        allowed = roles_with(route.capability)
        for label, person in people.items():
            expected = 200 if label in allowed else 403
            status = signed_in(person).get(url).status_code
            if status != expected:
                failures.append(f"{label} {name}: {status} != {expected}")
    assert not failures, "\n".join(failures)
    assert roles_with(Cap.MANAGE_MATCH_MODEL) == {"business_unit_admin"}
