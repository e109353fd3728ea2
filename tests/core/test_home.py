from __future__ import annotations

import html
import re
from datetime import timedelta
from itertools import count

import pytest
from django.db import transaction
from django.utils import timezone

from safeguard.core import outbox, work
from safeguard.core.models import Deadline, OutboxMessage
from safeguard.core.models.outbox import OutboxState
from safeguard.core.services.deadlines import deadline_open
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


# Where a person lands: their work, each count linking to a list that opens for them ----------

_subjects = count(1)


def _deadline(*, due_in_days: float, met: bool = False, **owners) -> Deadline:
    due = timezone.now() + timedelta(days=due_in_days)
    # A module with no access rule of its own, so the kernel's ownership rule decides.
    deadline = deadline_open(
        module="a_module_without_rules",
        kind="course",
        title="Course due",
        subject_type="a_module_without_rules.course",
        subject_id=next(_subjects),
        starts_at=due - timedelta(days=30),
        due_at=due,
        rule="test rule",
        **owners,
    )
    if met:
        Deadline.objects.filter(pk=deadline.pk).update(met_at=due - timedelta(hours=1))
    return deadline


def _links(page: str) -> list[str]:
    """Every link in the page's main content (the header's links are the navigation's)."""
    main = page[page.index('id="main-content"') :]
    return [html.unescape(href) for href in re.findall(r'href="([^"#][^"]*)"', main)]


def _work(page: str) -> list[str]:
    item = r'<li><a class="govuk-link[^"]*" href="[^"]*">([^<]*)</a></li>'
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(item, page)]


def _assert_every_link_opens(client, page: str) -> None:
    for link in _links(page):
        assert client.get(link).status_code == 200, link


def test_a_practitioner_sees_their_own_and_their_organisations_overdue_and_due_soon(client_for):
    school = factories.organisation(kind="school")
    me = factories.person("practitioner", organisation_obj=school)
    stranger = factories.person("practitioner")
    _deadline(due_in_days=-2, owner_person=me)
    _deadline(due_in_days=-1, owner_organisation=school)
    _deadline(due_in_days=3, owner_organisation=school)
    _deadline(due_in_days=20, owner_person=me)  # due, but not this week
    _deadline(due_in_days=-5, owner_person=me, met=True)  # met: nothing to do
    _deadline(due_in_days=-3, owner_person=stranger)  # not mine to see
    _deadline(due_in_days=2, owner_organisation=stranger.organisation)
    client = client_for(me)
    page = client.get("/").content.decode()
    assert _work(page) == ["Overdue (2)", "Due in the next 7 days (1)"]
    assert 'href="/deadlines?state=overdue"' in page
    assert 'href="/deadlines?due=week"' in page
    assert "Messages that failed to send" not in page
    _assert_every_link_opens(client, page)
    # The counts lead to lists of the same length.
    listed = client.get("/deadlines?state=overdue").content.decode()
    assert listed.count('<tr class="govuk-table__row">') == 1 + 2
    listed = client.get("/deadlines?due=week").content.decode()
    assert listed.count('<tr class="govuk-table__row">') == 1 + 1


def test_nothing_due_says_so(client_for):
    me = factories.person("practitioner")
    _deadline(due_in_days=30, owner_person=me)
    page = client_for(me).get("/").content.decode()
    assert "Nothing is overdue or due this week." in page
    assert _work(page) == []
    assert "Nothing else is waiting for you." in page


def test_the_business_unit_sees_the_partnership_and_failed_messages(client_for):
    admin = factories.person("business_unit_admin")
    _deadline(due_in_days=-1, owner_organisation=factories.organisation())
    _deadline(due_in_days=1, owner_organisation=factories.organisation())
    _deadline(due_in_days=2)
    with transaction.atomic():
        message = outbox.message_enqueue(
            to_address="reader@example.invalid",
            subject="Something needs attention",
            body="Something needs your attention.",
            reason="test.event",
            dedupe_key="home:1",
        )
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.FAILED)
    client = client_for(admin)
    page = client.get("/").content.decode()
    assert _work(page) == [
        "Overdue across the partnership (1)",
        "Due in the next 7 days across the partnership (2)",
        "Messages that failed to send (1)",
    ]
    assert 'href="/notifications?state=failed"' in page
    _assert_every_link_opens(client, page)


def test_an_officer_without_the_outbox_sees_no_count_of_it(client_for):
    chair = factories.person("independent_chair")
    with transaction.atomic():
        message = outbox.message_enqueue(
            to_address="reader@example.invalid",
            subject="Something needs attention",
            body="Something needs your attention.",
            reason="test.event",
            dedupe_key="home:2",
        )
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.FAILED)
    client = client_for(chair)
    page = client.get("/").content.decode()
    assert "Messages that failed to send" not in page
    assert client.get("/notifications?state=failed").status_code == 403


@pytest.mark.parametrize(
    "role",
    [
        "business_unit_admin",
        "business_unit_officer",
        "independent_chair",
        "la_decision_maker",
        "statutory_partner_lead",
        "police_officer",
        "school_dsl",
        "subgroup_member",
        "practitioner",
        "data_protection_officer",
        "la_data_team",
        "la_encompass_coordinator",
    ],
)
def test_every_link_on_the_home_page_opens_for_every_role(client_for, role):
    someone = factories.person(role)
    _deadline(due_in_days=-1, owner_person=someone)
    _deadline(due_in_days=1, owner_organisation=someone.organisation)
    client = client_for(someone)
    page = client.get("/").content.decode()
    assert "Overdue" in page
    links = _links(page)
    assert "/deadlines?state=overdue" in links
    _assert_every_link_opens(client, page)


# The registry ---------------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(work, "_sources", list(work._sources))
    return work


def test_a_module_adds_its_section_and_only_counts_with_something_in_them_show(
    registry, client_for
):
    me = factories.person("la_decision_maker")
    seen = []

    def cases(person):
        seen.append(person)
        return [
            work.WorkItem("Cases awaiting your decision", 2, "/deadlines?state=overdue"),
            work.WorkItem("Contributions requested from your organisation", 0, "/deadlines"),
            work.WorkItem("Off the site", 4, "https://elsewhere.example/x"),
            work.WorkItem("Protocol-relative", 4, "//elsewhere.example/x"),
        ]

    registry.register("cases", "Serious incidents", cases)
    registry.register("cases", "Registered twice", lambda person: [])
    page = client_for(me).get("/").content.decode()
    assert seen == [me]
    assert '<h2 class="govuk-heading-m">Serious incidents</h2>' in page
    assert "Registered twice" not in page
    assert "Cases awaiting your decision (2)" in page
    assert "Contributions requested" not in page  # nothing to do: not shown
    assert "elsewhere.example" not in page
    assert "Nothing else is waiting for you." not in page


def test_sections_come_in_the_order_registered_after_the_kernels(registry):
    me = factories.person("practitioner")
    _deadline(due_in_days=-1, owner_person=me)
    registry.register("b", "Second", lambda p: [work.WorkItem("B", 1, "/b")])
    registry.register("a", "Third", lambda p: [work.WorkItem("A", 1, "/a")])
    assert [s.heading for s in work.work_for(me)] == ["What is due", "Second", "Third"]
    assert next(s.name for s in work.work_for(me)) == work.DEADLINES


def test_a_person_without_deadlines_gets_no_deadline_section(registry):
    assert work.deadline_work(factories.person()) == []
    assert work.work_for(factories.person()) == []
