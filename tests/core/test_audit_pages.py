"""The data protection officer's pages of the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.audit import ProblemKind
from safeguard.core.models import AuditEvent
from safeguard.core.models.audit import AuditAction
from safeguard.core.selectors import audit as selectors
from tests import factories
from tests.core.test_audit import tampering

pytestmark = pytest.mark.django_db

PAGES = ["/audit", "/audit/record/core.person/12", "/audit/person/12"]


@pytest.fixture
def dpo():
    return factories.person("data_protection_officer")


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_ask_anonymous_people_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_refuse_and_record_people_without_the_capability(client_for, url):
    admin = factories.person("business_unit_admin")
    response = client_for(admin).get(url)
    assert response.status_code == 403
    denied = AuditEvent.objects.filter(actor_id=admin.pk, action=AuditAction.DENIED)
    assert denied.count() == 1
    assert not AuditEvent.objects.filter(record_type="core.audit").exists()


def test_the_selectors_check_the_capability_themselves():
    admin = factories.person("business_unit_admin")
    with pytest.raises(PermissionDenied):
        selectors.audit_search(actor=admin, search=selectors.AuditSearch())
    with pytest.raises(PermissionDenied):
        selectors.record_history(actor=admin, record_type="core.person", record_id="1")
    with pytest.raises(PermissionDenied):
        selectors.person_activity(actor=admin, person_id=1)
    # Naming who acted is also for those who may see a record's viewers (the Chair, the
    # Business Unit), never for a practitioner.
    with pytest.raises(PermissionDenied):
        selectors.actors_of(actor=factories.person("practitioner"), events=[])
    assert not AuditEvent.objects.filter(record_type="core.audit").exists()


def test_the_search_lists_events_newest_first_with_who_acted(client_for, dpo):
    staff = factories.person("practitioner")
    audit.record_view(actor=staff, record_type="core.person", record_id=501)
    audit.record(
        action=AuditAction.UPDATE,
        record_type="core.person",
        record_id=502,
        actor=staff,
        changes={"job_title": ["A", "B"]},
        route="core:person_edit",
    )
    response = client_for(dpo).get("/audit")
    assert response.status_code == 200
    page = response.content.decode()
    assert staff.full_name in page and staff.organisation.name in page
    # Codes are shown as labels: the record type, the changed field and the route.
    assert page.index(">Person 502</a>") < page.index(">Person 501</a>")
    assert "Changed: job title" in page and "Change a person" in page
    assert "core:person_edit" not in page
    assert '<th scope="col" class="govuk-table__header">When</th>' in page
    assert f'href="/audit/person/{staff.pk}"' in page
    assert 'href="/audit/record/core.person/501"' in page


def test_viewing_the_trail_is_itself_recorded(client_for, dpo):
    client_for(dpo).get("/audit", {"person_id": 7, "action": "view"})
    row = AuditEvent.objects.filter(record_type="core.audit").get()
    assert row.actor_id == dpo.pk and row.action == AuditAction.VIEW
    assert row.record_id == "search" and row.detail == "person=7 action=view"
    assert row.route == "core:audit"
    assert audit.verify().intact


def test_the_search_filters_by_record_person_action_and_dates(client_for, dpo):
    one, two = factories.person("practitioner"), factories.person("practitioner")
    audit.record_view(actor=one, record_type="core.organisation", record_id=1)
    audit.record_view(actor=two, record_type="core.organisation", record_id=2)
    audit.record(action=AuditAction.EXPORT, record_type="core.organisation", record_id=2, actor=one)
    client = client_for(dpo)

    def shown(**query: object) -> list[str]:
        response = client.get("/audit", query)
        assert response.status_code == 200
        rows = response.context["rows"]
        return [f"{r['event'].actor_id}:{r['event'].record_id}:{r['event'].action}" for r in rows]

    assert shown(record_type="core.organisation", record_id="2") == [
        f"{one.pk}:2:export",
        f"{two.pk}:2:view",
    ]
    assert shown(person_id=one.pk) == [f"{one.pk}:2:export", f"{one.pk}:1:view"]
    assert shown(record_type="core.organisation", action="export") == [f"{one.pk}:2:export"]
    today = timezone.localdate()
    assert len(shown(record_type="core.organisation", date_from=today.strftime("%d/%m/%Y"))) == 3
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    assert shown(record_type="core.organisation", date_to=yesterday) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"person_id": "twelve"}, "Person id must be a whole number, like 12"),
        ({"record_id": "12"}, "Enter the record type to search by record id"),
        ({"date_from": "31/2/2026"}, "From date must be a real date, like 27/3/2026"),
        (
            {"date_from": "2/3/2026", "date_to": "1/3/2026"},
            "To date must be the same as or after the from date",
        ),
        ({"action": "shred"}, "Select an action from the list"),
    ],
)
def test_bad_search_input_gets_a_message_naming_the_field(client_for, dpo, query, message):
    response = client_for(dpo).get("/audit", query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert "<table" not in page
    assert not AuditEvent.objects.filter(record_type="core.audit").exists()


def test_the_search_pages_through_many_events(client_for, dpo):
    for i in range(120):
        audit.record(action=AuditAction.CREATE, record_type="test.many", record_id=i)
    client = client_for(dpo)
    first = client.get("/audit", {"record_type": "test.many"})
    assert len(first.context["rows"]) == 50
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page
    assert "?record_type=test.many&amp;page=2" in page
    third = client.get("/audit", {"record_type": "test.many", "page": 3})
    assert [r["event"].record_id for r in third.context["rows"]] == [
        str(i) for i in range(19, -1, -1)
    ]
    assert "Showing 101 to 120 of 120 events" in third.content.decode()


def test_the_record_page_shows_who_viewed_the_record(client_for, dpo):
    staff = factories.person("practitioner")
    other = factories.person("practitioner")
    audit.record_view(actor=staff, record_type="children.child", record_id=77)
    audit.record_view(actor=other, record_type="children.child", record_id=78)
    response = client_for(dpo).get("/audit/record/children.child/77")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Who viewed or changed this record and when" in page
    assert staff.full_name in page and "Viewed" in page
    assert other.full_name not in page
    assert AuditEvent.objects.filter(
        record_type="core.audit", record_id="children.child:77", actor_id=dpo.pk
    ).exists()


def test_the_person_page_shows_everything_they_did(client_for, dpo):
    staff = factories.person("practitioner")
    audit.record_view(actor=staff, record_type="children.child", record_id=5)
    audit.record(
        action=AuditAction.SIGN_IN, record_type="core.person", record_id=staff.pk, actor=staff
    )
    audit.record_view(actor=dpo, record_type="children.child", record_id=6)
    response = client_for(dpo).get(f"/audit/person/{staff.pk}")
    assert response.status_code == 200
    assert [r["event"].action for r in response.context["rows"]] == ["sign_in", "view"]
    page = response.content.decode()
    assert f"Everything {staff.full_name} did" in page
    assert AuditEvent.objects.filter(
        record_type="core.audit", record_id=f"person:{staff.pk}"
    ).exists()


def test_a_person_no_longer_on_record_is_shown_by_id(client_for, dpo):
    audit.record_view(actor=None, record_type="children.child", record_id=5)
    response = client_for(dpo).get("/audit/person/987654")
    assert response.status_code == 200
    assert "Person 987654 (no longer on record)" in response.content.decode()
    assert response.context["rows"] == []


def test_the_pages_show_a_tampered_trail_as_it_is_and_verify_catches_it(client_for, dpo):
    event = audit.record_view(actor=dpo, record_type="children.child", record_id=9)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET record_id = '10' WHERE seq = %s", [event.seq])
    assert client_for(dpo).get("/audit/record/children.child/10").status_code == 200
    assert [p.kind for p in audit.verify().problems] == [ProblemKind.ALTERED]


def test_a_record_id_with_a_slash_still_links_to_its_history(client_for, dpo):
    audit.record_view(actor=dpo, record_type="reviews.case", record_id="2026/7")
    client = client_for(dpo)
    assert 'href="/audit/record/reviews.case/2026/7"' in client.get("/audit").content.decode()
    response = client.get("/audit/record/reviews.case/2026/7")
    assert response.status_code == 200
    assert [r["event"].record_id for r in response.context["rows"]] == ["2026/7"]


def test_who_viewed_a_record_is_for_those_who_oversee_it() -> None:
    from django.core.exceptions import PermissionDenied

    from safeguard.core import audit
    from safeguard.core.selectors.audit import record_views
    from tests import factories

    chair = factories.person("independent_chair")
    practitioner = factories.person("practitioner")
    audit.record_view(actor=practitioner, record_type="test.case", record_id="7")
    audit.record(action="update", record_type="test.case", record_id="7", actor=practitioner)
    views = list(record_views(actor=chair, record_type="test.case", record_id="7"))
    assert [(v.action, v.actor_id) for v in views] == [("view", practitioner.pk)]
    with pytest.raises(PermissionDenied):
        record_views(actor=practitioner, record_type="test.case", record_id="7")
