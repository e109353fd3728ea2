"""Deadlines: their state, the services that open and close them, who sees them, and the page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from django.db.models import F
from django.utils import timezone

from safeguard.core.clock import end_of_day
from safeguard.core.deadline_rules import deadline_state
from safeguard.core.models import AuditEvent, Deadline, Group, Membership
from safeguard.core.selectors.deadlines import deadlines_for, state_counts
from safeguard.core.services.deadlines import (
    deadline_cancel,
    deadline_meet,
    deadline_open,
    deadline_open_working_days,
)
from tests import factories

DUE = datetime(2026, 12, 29, 23, 59, 59, 999999, tzinfo=UTC)
TICK = timedelta(microseconds=1)
_subjects = count(1)


@pytest.fixture(autouse=True)
def _kernel_rule_only(monkeypatch):
    """These clocks name made-up subjects of the "reviews" module: test the kernel's ownership
    rule alone, without the access rule the reviews module registers when it loads."""
    from safeguard.core.selectors import deadlines as deadline_selectors

    monkeypatch.setattr(deadline_selectors, "_ACCESS", {})


# The state rule -------------------------------------------------------------------------------


def test_met_exactly_at_the_due_moment_is_met():
    assert deadline_state(DUE, DUE, DUE + timedelta(days=9)) == "met"


def test_met_a_microsecond_late_is_met_late():
    assert deadline_state(DUE, DUE + TICK, DUE) == "met_late"


def test_met_early_stays_met_whatever_the_time_now():
    assert deadline_state(DUE, DUE - timedelta(days=3), DUE + timedelta(days=30)) == "met"


def test_unmet_at_the_due_moment_is_still_pending():
    assert deadline_state(DUE, None, DUE) == "pending"
    assert deadline_state(DUE, None, DUE - timedelta(days=1)) == "pending"


def test_unmet_after_the_due_moment_is_overdue():
    assert deadline_state(DUE, None, DUE + TICK) == "overdue"


# Services -------------------------------------------------------------------------------------


def _open(**fields):
    fields.setdefault("module", "reviews")
    fields.setdefault("kind", "rapid_review")
    fields.setdefault("title", "Rapid Review due")
    fields.setdefault("subject_type", "reviews.incident")
    fields.setdefault("subject_id", next(_subjects))
    fields.setdefault("starts_at", DUE - timedelta(days=10))
    fields.setdefault("due_at", DUE)
    fields.setdefault("rule", "test rule")
    return deadline_open(**fields)


def _audit_rows(deadline):
    return list(
        AuditEvent.objects.filter(record_type="core.deadline", record_id=str(deadline.pk)).order_by(
            "seq"
        )
    )


@pytest.mark.django_db
def test_open_creates_and_audits():
    admin = factories.person("business_unit_admin")
    deadline = _open(actor=admin, subject_id=7)
    assert deadline.subject_id == "7"
    [row] = _audit_rows(deadline)
    assert row.action == "create"
    assert row.actor_id == admin.pk
    assert row.changes["due_at"] == [None, DUE.isoformat()]


@pytest.mark.django_db
def test_opening_again_updates_the_same_deadline_and_audits_the_change():
    first = _open(subject_id=8)
    again = _open(subject_id=8, due_at=DUE + timedelta(days=1), rule="new rule")
    assert again.pk == first.pk
    assert Deadline.objects.count() == 1
    again.refresh_from_db()
    assert again.due_at == DUE + timedelta(days=1)
    create, update = _audit_rows(first)
    assert create.action == "create"
    assert update.action == "update"
    assert set(update.changes) == {"due_at", "rule"}


@pytest.mark.django_db
def test_opening_again_with_the_same_values_changes_nothing_and_writes_no_audit_row():
    first = _open(subject_id=9)
    _open(
        subject_id=9,
        starts_at=(DUE - timedelta(days=10)).astimezone(timezone.get_current_timezone()),
    )
    assert len(_audit_rows(first)) == 1


@pytest.mark.django_db
def test_open_refuses_naive_moments_and_due_before_start():
    with pytest.raises(ValueError, match="timezone-aware"):
        _open(due_at=datetime(2026, 12, 29, 12, 0))
    with pytest.raises(ValueError, match="before"):
        _open(starts_at=DUE + TICK)
    assert Deadline.objects.count() == 0


@pytest.mark.django_db
def test_open_working_days_computes_due_and_writes_the_rule():
    deadline = deadline_open_working_days(
        module="reviews",
        kind="rapid_review",
        title="Rapid Review due",
        subject_type="reviews.incident",
        subject_id=1,
        starts_on=date(2026, 12, 18),
        working_days=5,
    )
    assert deadline.rule == "5 working days from 18 Dec 2026"
    assert deadline.due_at == end_of_day(date(2026, 12, 29))
    assert deadline.starts_at == datetime(2026, 12, 18, tzinfo=UTC)


@pytest.mark.django_db
def test_meet_records_once_and_audits():
    admin = factories.person("business_unit_admin")
    deadline = _open()
    deadline_meet(deadline=deadline, met_at=DUE, actor=admin)
    deadline_meet(deadline=deadline, met_at=DUE + timedelta(days=2), actor=admin)
    deadline.refresh_from_db()
    assert deadline.met_at == DUE
    rows = _audit_rows(deadline)
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[1].changes == {"met_at": [None, DUE.isoformat()]}


@pytest.mark.django_db
def test_cancel_hides_the_deadline_and_reopening_brings_it_back():
    admin = factories.person("business_unit_admin")
    deadline = _open(subject_id=11)
    deadline_cancel(deadline=deadline, actor=admin)
    deadline_cancel(deadline=deadline, actor=admin)
    assert not deadlines_for(actor=admin).exists()
    assert len(_audit_rows(deadline)) == 2
    with pytest.raises(ValueError):
        deadline_meet(deadline=deadline, met_at=DUE, actor=admin)
    _open(subject_id=11)
    assert list(deadlines_for(actor=admin)) == [deadline]


# Selectors ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_state_agrees_with_the_rule_at_every_edge():
    admin = factories.person("business_unit_admin")
    now = DUE
    cases = {
        "met_exactly": (DUE, DUE),
        "met_early": (DUE, DUE - timedelta(days=1)),
        "met_late": (DUE, DUE + TICK),
        "pending_at_due": (DUE, None),
        "overdue": (DUE - TICK, None),
        "pending_later": (DUE + timedelta(days=3), None),
    }
    for kind, (due_at, met_at) in cases.items():
        deadline = _open(kind=kind, due_at=due_at)
        if met_at:
            Deadline.objects.filter(pk=deadline.pk).update(met_at=met_at)
    found = {d.kind: d.state for d in deadlines_for(actor=admin, now=now)}
    expected = {
        kind: deadline_state(due_at, met_at, now) for kind, (due_at, met_at) in cases.items()
    }
    assert found == expected
    assert expected["met_exactly"] == "met"
    assert expected["pending_at_due"] == "pending"
    for state in ("pending", "met", "met_late", "overdue"):
        kinds = {d.kind for d in deadlines_for(actor=admin, state=state, now=now)}
        assert kinds == {k for k, s in expected.items() if s == state}
    assert state_counts(actor=admin, now=now) == {
        "overdue": 1,
        "pending": 2,
        "met_late": 1,
        "met": 2,
    }


@pytest.fixture
def world(db):
    """Two organisations, a group, and a deadline owned each way, all due a month from now."""
    soon = {
        "due_at": timezone.now() + timedelta(days=30),
        "starts_at": timezone.now() - timedelta(days=1),
    }
    mine = factories.organisation()
    other = factories.organisation()
    me = factories.person("practitioner", organisation_obj=mine)
    colleague = factories.person("practitioner", organisation_obj=mine)
    stranger = factories.person("practitioner", organisation_obj=other)
    group = Group.objects.create(name="Learning subgroup", kind="subgroup")
    other_group = Group.objects.create(name="Other subgroup", kind="subgroup")
    Membership.objects.create(group=group, person=me)
    Membership.objects.create(group=group, person=stranger)
    Membership.objects.create(group=other_group, person=stranger)
    deadlines = {
        "mine": _open(kind="mine", **soon, owner_person=me, group=group),
        "my_org": _open(kind="my_org", **soon, owner_organisation=mine, owner_person=colleague),
        "my_group": _open(kind="my_group", **soon, group=group, owner_organisation=other),
        "theirs": _open(kind="theirs", **soon, owner_person=stranger, owner_organisation=other),
        "their_group": _open(kind="their_group", **soon, group=other_group),
        "nobody": _open(kind="nobody", **soon),
    }
    return {
        "me": me,
        "stranger": stranger,
        "mine": mine,
        "other": other,
        "group": group,
        "other_group": other_group,
        "deadlines": deadlines,
    }


def _kinds(queryset):
    return sorted(d.kind for d in queryset)


def test_a_person_sees_only_their_own_their_organisations_and_their_groups(world):
    assert _kinds(deadlines_for(actor=world["me"])) == ["mine", "my_group", "my_org"]
    assert _kinds(deadlines_for(actor=world["stranger"])) == [
        "mine",
        "my_group",
        "their_group",
        "theirs",
    ]


def test_filters_narrow_and_never_widen(world):
    me = world["me"]
    assert _kinds(deadlines_for(actor=me, organisation_id=world["other"].pk)) == ["my_group"]
    assert _kinds(deadlines_for(actor=me, group_id=world["other_group"].pk)) == []
    assert _kinds(deadlines_for(actor=me, owner_id=world["stranger"].pk)) == []
    assert _kinds(deadlines_for(actor=me, group_id=world["group"].pk)) == ["mine", "my_group"]


def test_the_business_unit_sees_every_deadline(world):
    officer = factories.person("business_unit_officer")
    assert len(deadlines_for(actor=officer)) == 6


def test_no_role_sees_nothing(world):
    assert _kinds(deadlines_for(actor=factories.person(organisation_obj=world["mine"]))) == []


def test_a_group_with_many_members_does_not_repeat_rows(world):
    for _ in range(3):
        Membership.objects.create(group=world["group"], person=factories.person("practitioner"))
    assert _kinds(deadlines_for(actor=world["me"])) == ["mine", "my_group", "my_org"]
    assert sum(state_counts(actor=world["me"]).values()) == 3


def test_an_unknown_state_is_refused(world):
    with pytest.raises(ValueError):
        deadlines_for(actor=world["me"], state="late")


# The page -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_sends_anonymous_people_to_sign_in(client):
    response = client.get("/deadlines")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


@pytest.mark.django_db
def test_the_page_refuses_someone_with_no_role(client_for):
    assert client_for(factories.person()).get("/deadlines").status_code == 403


@pytest.mark.django_db
def test_the_page_works_with_no_deadlines(client_for):
    response = client_for(factories.person("practitioner")).get("/deadlines")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There are no deadlines for you to see." in page
    assert page.count("<h1") == 1


def test_the_page_shows_only_what_the_person_may_see_with_tags(world, client_for):
    me = world["me"]
    deadline = world["deadlines"]["mine"]
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=timezone.now() - timedelta(days=1),
        starts_at=timezone.now() - timedelta(days=5),
        link="/reviews/1",
    )
    response = client_for(me).get("/deadlines")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr class="govuk-table__row">') == 4  # header + 3
    assert 'href="/reviews/1"' in page
    assert 'govuk-tag govuk-tag--red">Overdue' in page
    assert 'govuk-tag govuk-tag--blue">Pending' in page
    assert 'scope="col"' in page and "<caption" in page
    assert world["stranger"].full_name not in page  # owns only deadlines I cannot see


def test_filtering_through_the_page(world, client_for):
    me = world["me"]
    Deadline.objects.filter(kind="my_org").update(met_at=F("due_at") + TICK)
    client = client_for(me)
    page = client.get("/deadlines", {"state": "met_late"}).content.decode()
    assert page.count('govuk-tag govuk-tag--orange">Met late</strong></td>') == 1
    assert 'data-state="met_late">1<' in page
    page = client.get("/deadlines", {"organisation": world["other"].pk}).content.decode()
    assert page.count('<tr class="govuk-table__row">') == 2
    page = client.get("/deadlines", {"state": "overdue", "group": world["group"].pk}).content
    assert "No deadlines match these filters." in page.decode()


def test_a_filter_for_something_out_of_sight_is_an_error_not_a_leak(world, client_for):
    response = client_for(world["me"]).get("/deadlines", {"group": world["other_group"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Select a group from the list" in page
    assert 'href="#id_group"' in page
    response = client_for(world["me"]).get("/deadlines", {"owner": "not-a-number"})
    assert response.status_code == 200
    assert "Select an owner from the list" in response.content.decode()


@pytest.mark.django_db
def test_due_dates_are_shown_in_london_time(client_for):
    admin = factories.person("business_unit_admin")
    _open(kind="summer", due_at=end_of_day(date(2026, 7, 1)), starts_at=DUE - timedelta(days=300))
    _open(
        kind="odd_hour",
        due_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        starts_at=DUE - timedelta(days=300),
    )
    page = client_for(admin).get("/deadlines").content.decode()
    assert '<td class="govuk-table__cell">1 July 2026</td>' in page
    assert "2 July 2026 at 00:30" in page


@pytest.mark.django_db
def test_only_links_inside_the_service_are_links(client_for):
    admin = factories.person("business_unit_admin")
    _open(link="javascript:alert(1)", title="Scripted")
    _open(link="//elsewhere.example/x", title="Elsewhere")
    page = client_for(admin).get("/deadlines").content.decode()
    assert "javascript:" not in page
    assert "elsewhere.example" not in page
    assert "Scripted" in page


@pytest.mark.django_db
def test_pagination_fifty_a_page_keeping_the_filters(client_for):
    admin = factories.person("business_unit_admin")
    for _ in range(51):
        _open(due_at=timezone.now() + timedelta(days=30), starts_at=timezone.now())
    client = client_for(admin)
    first = client.get("/deadlines", {"state": "pending"}).content.decode()
    assert first.count('govuk-tag govuk-tag--blue">Pending</strong></td>') == 50
    assert 'href="?state=pending&amp;page=2"' in first
    second = client.get("/deadlines", {"state": "pending", "page": "2"}).content.decode()
    assert second.count('govuk-tag govuk-tag--blue">Pending</strong></td>') == 1
    assert 'aria-current="page">2<' in second
    third = client.get("/deadlines", {"page": "zzz"})
    assert third.status_code == 200


# The order of work ----------------------------------------------------------------------------


def _at(kind, *, due_in_days, met=False, owner=None):
    now = timezone.now()
    due = now + timedelta(days=due_in_days)
    deadline = _open(
        module="a_module_without_rules",
        kind=kind,
        due_at=due,
        starts_at=due - timedelta(days=40),
        owner_person=owner,
    )
    if met:
        Deadline.objects.filter(pk=deadline.pk).update(met_at=due - timedelta(hours=1))
    return deadline


@pytest.fixture
def mixed(db):
    _at("pending_far", due_in_days=20)
    _at("met_old", due_in_days=-30, met=True)
    _at("overdue_recent", due_in_days=-1)
    _at("pending_soon", due_in_days=2)
    _at("met_recent", due_in_days=-2, met=True)
    _at("overdue_long", due_in_days=-10)
    return factories.person("business_unit_officer")


def _order(queryset):
    return [d.kind for d in queryset]


def test_overdue_first_then_soonest_due_then_met_most_recent_first(mixed):
    assert _order(deadlines_for(actor=mixed)) == [
        "overdue_long",
        "overdue_recent",
        "pending_soon",
        "pending_far",
        "met_recent",
        "met_old",
    ]


def test_met_deadlines_are_left_out_unless_asked_for(mixed):
    assert _order(deadlines_for(actor=mixed, show_met=False)) == [
        "overdue_long",
        "overdue_recent",
        "pending_soon",
        "pending_far",
    ]
    # Asking for the met state by name shows them even without "Show met deadlines".
    assert _order(deadlines_for(actor=mixed, state="met", show_met=False)) == [
        "met_recent",
        "met_old",
    ]


def test_due_within_a_week_is_open_and_not_yet_overdue(mixed):
    assert _order(deadlines_for(actor=mixed, due_within=timedelta(days=7))) == ["pending_soon"]


def test_the_page_hides_met_deadlines_by_default_and_shows_them_on_request(mixed, client_for):
    client = client_for(mixed)
    page = client.get("/deadlines").content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 4
    assert ">Met</strong></td>" not in page
    assert 'data-state="met">2<' in page  # the counts still say how many were met
    page = client.get("/deadlines", {"show_met": "on"}).content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 6
    page = client.get("/deadlines", {"due": "week"}).content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 1


def test_the_page_lists_overdue_before_pending(mixed, client_for):
    Deadline.objects.filter(kind="overdue_long").update(title="Longest overdue")
    Deadline.objects.filter(kind="pending_soon").update(title="Next up")
    page = client_for(mixed).get("/deadlines").content.decode()
    assert page.index("Longest overdue") < page.index("Next up")


def test_the_owner_filter_offers_the_people_who_own_deadlines(db, client_for):
    officer = factories.person("business_unit_officer")
    owner = factories.person("police_officer", full_name="Alex Owner")
    client = client_for(officer)
    _at("nobody_owns", due_in_days=3)
    page = client.get("/deadlines").content.decode()
    assert 'name="owner"' not in page  # "Anyone" alone would be no choice at all
    _at("owned", due_in_days=4, owner=owner)
    page = client.get("/deadlines").content.decode()
    assert f'<option value="{owner.pk}">Alex Owner</option>' in page
    page = client.get("/deadlines", {"owner": owner.pk}).content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 1


@pytest.mark.django_db
def test_an_only_met_list_says_so_and_offers_them(client_for):
    officer = factories.person("business_unit_officer")
    _at("done", due_in_days=-3, met=True)
    page = client_for(officer).get("/deadlines").content.decode()
    assert "every deadline you can see has been met" in page
    assert 'href="?show_met=on"' in page


def test_a_module_that_registers_access_decides_who_sees_its_clocks(world, monkeypatch):
    """The module's own rule replaces ownership and "see all": only what the person can open."""
    from django.db.models import Q

    from safeguard.core.selectors import deadlines as deadline_selectors

    monkeypatch.setattr(deadline_selectors, "_ACCESS", {})
    officer = factories.person("business_unit_officer")
    openable = world["deadlines"]["theirs"]
    deadline_selectors.register_deadline_access(
        "reviews", lambda actor: Q(pk=openable.pk) if actor == world["me"] else Q(pk__in=[])
    )
    assert _kinds(deadlines_for(actor=world["me"])) == ["theirs"]
    assert _kinds(deadlines_for(actor=officer)) == []
    assert _kinds(deadlines_for(actor=world["stranger"])) == []
    # A module that has not registered keeps the kernel's ownership rule.
    other_module = _open(
        module="a_module_without_rules",
        kind="training",
        owner_person=world["me"],
        due_at=timezone.now() + timedelta(days=3),
        starts_at=timezone.now(),
    )
    assert _kinds(deadlines_for(actor=world["me"])) == ["theirs", other_module.kind]
