"""The training pages through Django's test client, signed in with both factors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core import work
from safeguard.core.models import Organisation, OutboxMessage
from safeguard.core.models.audit import AuditAction, AuditEvent
from safeguard.training import services
from safeguard.training.models import Booking, Course, Evaluation, NeedsSurvey
from tests import factories
from tests.training import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    unit = factories.organisation(kind="partnership", name="Business Unit")
    return factories.person("business_unit_admin", organisation_obj=unit)


@pytest.fixture
def worker():
    charity = factories.organisation(kind="third_sector", name="Young Voices")
    return factories.person("practitioner", organisation_obj=charity)


def test_a_practitioner_books_without_giving_the_second_factor_again(client, admin, worker):
    session = helpers.session(admin, helpers.course(admin), days=7)
    factories.stepped_up(factories.signed_in(client, worker), lapsed=True)
    page = client.get(reverse("training:book", kwargs={"pk": session.pk}))
    assert page.status_code == 200 and b"Confirm booking" in page.content
    response = client.post(reverse("training:book", kwargs={"pk": session.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("training:my_bookings")
    mine = client.get(reverse("training:my_bookings"))
    assert b"Working Together, part 1" in mine.content and b"Booked" in mine.content
    booking = Booking.objects.get(person=worker)
    ics = client.get(reverse("training:booking_ics", kwargs={"pk": booking.pk}))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_another_persons_booking_is_404_and_audited(client, admin, worker):
    session = helpers.session(admin, helpers.course(admin), days=7)
    theirs = services.booking_make(actor=factories.person("practitioner"), session=session)
    factories.signed_in(client, worker)
    before = AuditEvent.objects.filter(actor_id=worker.pk, action=AuditAction.DENIED).count()
    for name in ("evaluate", "booking_cancel", "booking_ics", "follow_up"):
        assert client.get(reverse(f"training:{name}", kwargs={"pk": theirs.pk})).status_code == 404
    after = AuditEvent.objects.filter(actor_id=worker.pk, action=AuditAction.DENIED).count()
    assert after == before + 4


def test_the_register_is_a_large_checkbox_list_for_a_trainer(client, admin, worker):
    trainer_person = factories.person("practitioner")
    course = helpers.course(admin)
    trainer = services.trainer_add(actor=admin, person=trainer_person, courses=[course])
    session = helpers.session(admin, course, days=-0.01)
    session.trainers.set([trainer])
    booking = helpers.past_booking(worker, session)
    factories.signed_in(client, trainer_person)
    url = reverse("training:register", kwargs={"pk": session.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b"govuk-checkboxes--small" not in page.content  # large targets for a tablet
    assert b'name="viewport"' in page.content
    assert client.post(url, {"attended": [str(booking.pk)]}).status_code == 302
    booking.refresh_from_db()
    assert booking.attended is True
    # Someone who is neither the Business Unit nor a trainer of the session: 404.
    factories.signed_in(client, worker)
    assert client.get(url).status_code == 404


def test_evaluation_errors_keep_what_was_typed(client, admin, worker):
    session = helpers.session(admin, helpers.course(admin), days=-1)
    booking = helpers.past_booking(worker, session, attended=True)
    factories.signed_in(client, worker)
    url = reverse("training:evaluate", kwargs={"pk": booking.pk})
    response = client.post(url, {"comments": "Useful examples", "knowledge_before": "2"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Select yes if the session met your expectations" in response.content
    assert b"Useful examples" in response.content
    good = {
        "met_expectations": "yes",
        "outcomes_learned": "yes",
        "knowledge_before": "2",
        "knowledge_after": "4",
        "confidence_before": "2",
        "confidence_after": "3",
    }
    assert client.post(url, good).status_code == 302
    assert Evaluation.objects.get(booking=booking).confidence_after == 3


def test_the_certificate_only_once_every_part_is_attended(client, admin, worker):
    course = helpers.course(admin)
    helpers.past_booking(worker, helpers.session(admin, course, part=1, days=-9), attended=True)
    factories.signed_in(client, worker)
    url = reverse("training:certificate", kwargs={"pk": course.pk})
    assert client.get(url).status_code == 404
    helpers.past_booking(worker, helpers.session(admin, course, part=2, days=-2), attended=True)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_business_unit_adds_a_course_and_a_session(client, admin):
    factories.signed_in(client, admin)
    response = client.post(
        reverse("training:course_add"),
        {
            "title": "Neglect briefing",
            "kind": "briefing",
            "outcomes": "Use the Graded Care Profile",
            "audience": "Health visitors",
            "length": "90 minutes",
            "parts": "1",
            "delivery_modes": ["online"],
            "last_updated_on": "05/01/2026",
        },
    )
    course = Course.objects.get(title="Neglect briefing")
    assert response["Location"] == reverse("training:course", kwargs={"pk": course.pk})
    url = reverse("training:session_add", kwargs={"pk": course.pk})
    missing_link = {
        "part": "1",
        "day": "05/01/2030",
        "starts": "9:30am",
        "ends": "11:00",
        "mode": "online",
        "capacity": "20",
    }
    response = client.post(url, missing_link)
    assert b"Enter the joining link" in response.content
    response = client.post(url, {**missing_link, "joining_link": "https://meet.example/x"})
    assert response.status_code == 302
    assert course.sessions.get().capacity == 20


def test_figures_show_charts_with_their_tables(client, admin, worker):
    course = helpers.course(admin)
    helpers.past_booking(worker, helpers.session(admin, course, part=1, days=-9), attended=True)
    factories.signed_in(client, admin)
    page = client.get(reverse("training:figures"))
    assert page.status_code == 200
    assert page.content.count(b"<svg") == 2 and b'aria-hidden="true"' in page.content
    assert b"0 of 1" in page.content  # part 2 pending: started one, completed none
    assert b"Other" in page.content and b"other</" not in page.content


def test_the_home_page_asks_for_the_evaluation(admin, worker):
    session = helpers.session(admin, helpers.course(admin), days=-1)
    helpers.past_booking(worker, session, attended=True)
    items = [i for s in work.work_for(worker) for i in s.items if "evaluate" in i.label]
    assert items and items[0].url == reverse("training:my_bookings")


def test_the_needs_analysis_goes_to_every_organisation_and_is_summarised(client, admin, worker):
    course = helpers.course(admin)
    factories.signed_in(client, admin)
    response = client.post(
        reverse("training:needs"), {"title": "Needs 2027", "closes_on": "05/01/2099"}
    )
    survey = NeedsSurvey.objects.get()
    assert response["Location"] == reverse("training:needs_summary", kwargs={"pk": survey.pk})
    asked = OutboxMessage.objects.filter(reason="training.needs_survey")
    assert asked.count() == Organisation.objects.exclude(email="").count()
    factories.signed_in(client, worker)
    catalogue = client.get(reverse("training:catalogue"))
    assert b"Needs 2027: answer for your organisation" in catalogue.content
    url = reverse("training:needs_answer", kwargs={"pk": survey.pk})
    bad = client.post(url, {"people": "many", "other_needs": "Neglect for youth workers"})
    assert b"govuk-error-summary" in bad.content and b"Neglect for youth workers" in bad.content
    body = {
        "courses": [course.pk],
        "people": "12",
        "preferred_mode": "online",
        "trainers_offered": "2",
    }
    assert client.post(url, body).status_code == 302
    assert client.post(url, {**body, "people": "15"}).status_code == 302  # replaces
    factories.signed_in(client, admin)
    summary = client.get(reverse("training:needs_summary", kwargs={"pk": survey.pk}))
    text = summary.content.decode()
    assert 'People to train</dt><dd class="govuk-summary-list__value">15<' in text
    assert "Working Together" in text and "Online" in text


def test_the_business_unit_sets_an_organisations_approver(client, admin, worker):
    factories.signed_in(client, admin)
    url = reverse("training:approval_setting", kwargs={"pk": worker.organisation_id})
    outsider = factories.person("practitioner")
    response = client.post(url, {"approval_required": "on", "approver": outsider.pk})
    assert b"govuk-error-summary" in response.content  # not of the organisation
    manager = factories.person("practitioner", organisation_obj=worker.organisation)
    assert client.post(url, {"approval_required": "on", "approver": manager.pk}).status_code == 302
    session = helpers.session(admin, helpers.course(admin), days=5)
    assert services.booking_make(actor=worker, session=session).status == "awaiting_approval"


def test_booking_approval_is_listed_by_organisation(client, admin, worker):
    manager = factories.person("practitioner", organisation_obj=worker.organisation)
    services.organisation_setting_save(
        actor=admin, organisation=worker.organisation, approval_required=True, approver=manager
    )
    factories.signed_in(client, admin)
    page = client.get(reverse("training:approval_settings")).content.decode()
    assert f"Yes, by {manager.full_name}" in page
