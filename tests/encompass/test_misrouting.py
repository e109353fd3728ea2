"""Issue 9, misrouting: no child's notification goes to the wrong person or school unseen.

Each test reproduces one way it went wrong: a neighbour claiming our own LA code, a child the
LA could not bring back from a forward, a holiday contact of another school, a manual match to
the wrong pupil, a withdrawn child still live, "told" when only queued.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from safeguard.core import outbox
from safeguard.core.models import AuditEvent, Deadline, OutboxMessage
from safeguard.encompass.models import (
    Calendar,
    Forward,
    ForwardState,
    IncidentChild,
    Neighbour,
    Notification,
)
from safeguard.encompass.services import forward_links, forwarding, notifications, routing
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import factories
from tests.encompass.data import upn
from tests.encompass.forward_world import BORDER_URN, border_world, forwarded_incident, neighbour
from tests.encompass.helpers import child, incident, london, world

pytestmark = pytest.mark.django_db


def _send(w: Any, data: Any) -> Any:
    found, _ = incident_receive(actor=w.officer, force=w.force, data=data)
    incident_match(incident_id=found.pk)
    return found


# --- 1. a neighbour can never claim our schools ----------------------------------------------


def test_a_neighbour_cannot_be_given_our_own_la_code() -> None:
    b = border_world()
    b.w.la.la_code = "999"
    b.w.la.save()
    with pytest.raises(ValidationError) as caught:
        neighbour(b, name="Grabby Partnership", la_codes="873, 999", contact_email="x@e.invalid")
    assert "999" in caught.value.message_dict["la_codes"][0]
    assert not Neighbour.objects.exists()


def test_a_neighbour_cannot_cover_the_code_of_a_school_whose_people_sign_in_here() -> None:
    b = border_world()  # the LA organisation carries no code: our school's code still counts
    with pytest.raises(ValidationError) as caught:
        neighbour(b, name="Grabby Partnership", la_codes="999", contact_email="x@e.invalid")
    assert "a school of this partnership" in caught.value.message_dict["la_codes"][0]


def test_the_deployment_can_name_its_own_codes(settings: Any) -> None:
    settings.ENCOMPASS_OWN_LA_CODES = ["873"]
    b = border_world()
    with pytest.raises(ValidationError):
        neighbour(b, contact_email="x@e.invalid")


def test_routing_ignores_a_neighbour_row_that_claims_our_code() -> None:
    """The row as it was saved before the check: our school is still told, nothing forwarded."""
    w = world()
    Neighbour.objects.create(name="Grabby", la_codes="999", contact_email="x@e.invalid")
    found = _send(w, incident("R1", child()))
    note = Notification.objects.get(child__incident=found)
    assert note.school_id == w.school.pk
    assert not Forward.objects.exists()


# --- 1. the LA can bring a misrouted or forwarded child back --------------------------------


def test_the_la_reroutes_a_forwarded_child_to_a_local_school_and_the_link_stops() -> None:
    b = border_world()
    neighbour(b, contact_email="encompass@northshire.example.invalid")
    forward = forwarded_incident(b)
    forwarding.forwards_send(worker_id="w")
    current = Forward.objects.get(pk=forward.pk)
    token = forward_links.issue(current, now=current.sent_at)
    current.save()
    with pytest.raises(PermissionDenied):
        routing.child_reroute(
            actor=b.w.dsl, child=forward.child, school_urn="900001", reason="On our roll"
        )
    with pytest.raises(ValidationError) as caught:
        routing.child_reroute(
            actor=b.w.coordinator, child=forward.child, school_urn=BORDER_URN, reason="x"
        )
    assert "school_urn" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        routing.child_reroute(
            actor=b.w.coordinator, child=forward.child, school_urn="900001", reason=" "
        )
    assert "reason" in caught.value.message_dict
    note = routing.child_reroute(
        actor=b.w.coordinator,
        child=forward.child,
        school_urn="900001",
        reason="The school confirmed the child joined in September",
    )
    assert note.school_id == b.w.school.pk
    forward.refresh_from_db()
    assert forward.state == ForwardState.WITHDRAWN and not forward.link_nonce
    with pytest.raises(forward_links.Refused):
        forward_links.check(token)
    assert AuditEvent.objects.filter(
        record_type="encompass.incident_child",
        record_id=str(forward.child_id),
        actor_id=b.w.coordinator.pk,
        detail="re-routed to a local school",
    ).exists()
    clock = Deadline.objects.get(kind="forwarded", subject_id=str(forward.pk))
    assert clock.cancelled_at is not None or clock.met_at is not None
    assert OutboxMessage.objects.filter(
        reason="encompass_first", record_id=str(note.pk), to_address=b.w.dsl.email
    ).exists()


def test_rerouting_from_a_wrong_local_school_withdraws_it_there() -> None:
    w = world()
    found = _send(w, incident("W1", child()))
    wrong = Notification.objects.get(child__incident=found)
    assert wrong.school_id == w.school.pk
    client = factories.signed_in(Client(), w.coordinator)
    url = f"/encompass/children/{wrong.child_id}/reroute/"
    page = client.get(url)
    assert page.status_code == 200 and "Westmere Primary School" in page.content.decode()
    assert client.post(url, {"school_urn": "900002", "reason": "Moved school"}).status_code == 302
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is not None
    assert Notification.objects.get(child=wrong.child, school=w.other_school).withdrawn_at is None
    told = OutboxMessage.objects.get(reason="encompass_withdrawn", to_address=w.dsl.email)
    assert "Robin" not in told.body and "Ashdown" not in told.body
    # A school DSL cannot reach the page.
    other = factories.signed_in(Client(), w.dsl)
    assert other.get(url).status_code in (403, 404)


# --- 4. a child the police withdraw is withdrawn everywhere ---------------------------------


def test_a_child_left_out_of_a_resend_withdraws_the_notification_and_stops_its_clocks() -> None:
    w = world()
    # Alex as the roll has him: two children of one incident are never one pupil.
    alex = child(
        "P2", forename="Alex", surname="Cole", dob=date(2017, 6, 15), gender="M", postcode="WM2 4DD"
    )
    found = _send(w, incident("X1", child(), alex))
    robin = Notification.objects.get(child__incident=found, child__ref="P1")
    incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("X1", alex),
    )
    robin.refresh_from_db()
    assert robin.withdrawn_at is not None
    assert not Deadline.objects.filter(
        subject_id=str(robin.pk), cancelled_at__isnull=True, met_at__isnull=True
    ).exists()
    assert notifications.notifications_escalate(now=london(2026, 10, 20, 12, 0)) == 1  # Alex only
    robin.refresh_from_db()
    assert robin.escalated_at is None
    told = OutboxMessage.objects.get(reason="encompass_withdrawn", record_id=str(robin.pk))
    assert told.to_address == w.dsl.email and "Robin" not in told.body
    client = factories.signed_in(Client(), w.dsl)
    page = client.get(f"/encompass/notifications/{robin.pk}/").content.decode()
    assert "withdrawn" in page and "Robin" not in page and "Heard shouting" not in page
    waiting = client.get("/encompass/notifications/").content.decode()
    assert f"Notification {robin.pk}<" not in waiting
    assert client.post(
        f"/encompass/notifications/{robin.pk}/", {"support_given": "x"}
    ).status_code in (403, 404)


# --- 5. told means delivered, and the school is told at once --------------------------------


def test_the_school_told_clock_is_met_when_the_message_is_delivered_not_queued() -> None:
    w = world()
    found = _send(w, incident("T1", child()))
    note = Notification.objects.get(child__incident=found)
    told = Deadline.objects.get(kind="school_told", subject_id=str(note.pk))
    assert told.met_at is None and told.due_at == note.school_due_at
    assert notifications.notifications_mark_told() == 0  # queued is not told
    outbox.deliver_due(worker_id="t")
    assert notifications.notifications_mark_told() == 1
    note.refresh_from_db()
    told.refresh_from_db()
    sent = OutboxMessage.objects.get(reason="encompass_first", record_id=str(note.pk))
    assert note.told_at == sent.sent_at == told.met_at
    assert notifications.notifications_mark_told() == 0


def test_on_the_holiday_route_the_school_is_told_at_once_and_reminded_only_if_unopened() -> None:
    w = world()
    found = _send(w, incident("T2", child(), occurred_at=london(2026, 10, 23, 22, 0)))
    note = Notification.objects.get(child__incident=found)
    first = OutboxMessage.objects.get(reason="encompass_first", record_id=str(note.pk))
    assert first.to_address == w.dsl.email
    told = Deadline.objects.get(kind="school_told", subject_id=str(note.pk))
    assert told.due_at == london(2026, 11, 2, 8, 45)
    factories.signed_in(Client(), w.dsl).get(f"/encompass/notifications/{note.pk}/")
    note.refresh_from_db()
    assert note.first_viewed_at is not None
    assert notifications.notifications_remind_schools(now=london(2026, 11, 2, 8, 45)) == 0


def test_first_viewed_is_the_schools_key_adult_not_the_la() -> None:
    w = world()
    found = _send(w, incident("V1", child()))
    note = Notification.objects.get(child__incident=found)
    Notification.objects.filter(pk=note.pk).update(escalated_at=london(2026, 10, 14, 10, 45))
    factories.signed_in(Client(), w.coordinator).get(f"/encompass/notifications/{note.pk}/")
    note.refresh_from_db()
    assert note.first_viewed_at is None
    factories.signed_in(Client(), w.dsl).get(f"/encompass/notifications/{note.pk}/")
    note.refresh_from_db()
    assert note.first_viewed_at is not None


# --- issue 8, item 7: a refused opening is audited ------------------------------------------


def test_another_schools_notification_is_a_404_with_an_audit_row() -> None:
    w = world()
    found = _send(w, incident("Z1", child()))
    note = Notification.objects.get(child__incident=found)
    page = factories.signed_in(Client(), w.other_dsl).get(f"/encompass/notifications/{note.pk}/")
    assert page.status_code == 404
    assert AuditEvent.objects.filter(
        action="denied",
        record_type="encompass.notification",
        record_id=str(note.pk),
        actor_id=w.other_dsl.pk,
    ).exists()


# --- 2. a holiday contact is a person of that school, or the LA's holiday cover -------------


def test_a_school_cannot_name_another_schools_dsl_as_its_holiday_contact() -> None:
    from safeguard.encompass.services.calendars import calendar_save

    w = world()
    with pytest.raises(ValidationError) as caught:
        calendar_save(
            actor=w.dsl, school=w.school, day_starts_at=time(8, 45), holiday_contact=w.other_dsl
        )
    assert "holiday_contact" in caught.value.message_dict
    # Its own key adult, or the LA's holiday cover, is accepted.
    calendar_save(actor=w.dsl, school=w.school, day_starts_at=time(8, 45), holiday_contact=w.dsl)
    calendar_save(
        actor=w.dsl,
        school=w.school,
        day_starts_at=time(8, 45),
        holiday_contact=w.holiday_contact,
    )


def test_the_calendar_form_offers_only_eligible_people_and_reveals_no_accounts() -> None:
    w = world()
    client = factories.signed_in(Client(), w.dsl)
    page = client.get("/encompass/calendar/").content.decode()
    assert w.dsl.full_name in page and w.other_dsl.full_name not in page
    refused = client.post(
        "/encompass/calendar/",
        {
            "action": "settings",
            "settings-day_starts_at": "08:45",
            "settings-holiday_contact": str(w.other_dsl.pk),
        },
    ).content.decode()
    nobody = client.post(
        "/encompass/calendar/",
        {
            "action": "settings",
            "settings-day_starts_at": "08:45",
            "settings-holiday_contact": "999999",
        },
    ).content.decode()
    message = "Choose the holiday contact from the list"
    assert message in refused and message in nobody
    assert "settings-holiday_contact_email" not in page  # no free e-mail field to probe with


def test_a_stored_contact_of_another_school_is_ignored_and_the_school_still_told() -> None:
    """The calendar as it was saved before the check: the weekend notice goes to the LA's
    holiday contact, never to the other school's DSL, and the school's key adults are told."""
    w = world()
    Calendar.objects.create(school=w.school, holiday_contact=w.other_dsl)
    found = _send(w, incident("H9", child(), occurred_at=london(2026, 10, 23, 22, 0)))
    note = Notification.objects.get(child__incident=found)
    assert note.first_recipient == "la_holiday_contact"
    told = set(
        OutboxMessage.objects.filter(record_id=str(note.pk)).values_list("to_address", flat=True)
    )
    assert told == {w.dsl.email, w.holiday_contact.email}


# --- 3. a manual match shows who the UPN is first --------------------------------------------


def _unmatched(w: Any) -> IncidentChild:
    found = _send(
        w,
        incident(
            "U1",
            child(forename="Sam", surname="Birchall", dob=date(2013, 11, 30), postcode=""),
        ),
    )
    kid = IncidentChild.objects.get(incident=found)
    assert kid.match_state == "none"
    return kid


def test_a_upn_is_shown_beside_the_police_record_before_anything_is_saved() -> None:
    w = world()
    kid = _unmatched(w)
    client = factories.signed_in(Client(), w.coordinator)
    url = f"/encompass/unmatched/{kid.pk}/"
    first = client.post(url, {"outcome": "found_on_roll", "upn": upn(2)})
    page = first.content.decode()
    assert first.status_code == 200
    assert "Samuel Birch" in page and "30 November 2012" in page and "Harrow Lane Academy" in page
    assert "Differs" in page
    kid.refresh_from_db()
    assert kid.pupil is None and not Notification.objects.exists()  # nothing saved yet
    no_reason = client.post(
        url, {"outcome": "found_on_roll", "upn": upn(2), "checked_upn": upn(2)}
    ).content.decode()
    assert "enter why this is the same child" in no_reason
    assert not Notification.objects.exists()
    done = client.post(
        url,
        {
            "outcome": "found_on_roll",
            "upn": upn(2),
            "checked_upn": upn(2),
            "reason": "The school confirmed the police recorded the year wrongly",
        },
    )
    assert done.status_code == 302
    kid.refresh_from_db()
    assert kid.pupil.upn == upn(2) and kid.match_reason.startswith("The school confirmed")
    assert Notification.objects.get(child=kid).school_id == w.other_school.pk


def test_the_service_refuses_a_upn_nobody_checked() -> None:
    from safeguard.encompass.services.review import la_outcome_record

    w = world()
    kid = _unmatched(w)
    with pytest.raises(ValidationError) as caught:
        la_outcome_record(actor=w.coordinator, child=kid, outcome="found_on_roll", upn=upn(2))
    assert "upn" in caught.value.message_dict


def test_the_escalation_email_says_it_is_an_escalation() -> None:
    w = world()
    _send(w, incident("E9", child()))
    assert notifications.notifications_escalate(now=london(2026, 10, 14, 10, 45)) == 1
    message = OutboxMessage.objects.filter(reason="encompass_escalated").first()
    assert message is not None
    assert message.subject.startswith("Escalation") and "escalation" in message.body
    assert "Robin" not in message.body + message.subject


# --- the people who use it: siblings together ------------------------------------------------


def test_siblings_of_one_incident_at_one_school_appear_together_and_are_audited() -> None:
    w = world()
    alex = child(
        "P2",
        forename="Alex",
        surname="Cole",
        dob=date(2017, 6, 15),
        gender="M",
        postcode="WM2 4DD",
        presence="not_present",
        where_they_were="At a friend's house",
        voice_of_the_child="Said they were scared to go home",
    )
    found = _send(w, incident("S1", child(), alex))
    robin = Notification.objects.get(child__incident=found, child__ref="P1")
    other = Notification.objects.get(child__incident=found, child__ref="P2")
    assert robin.school_id == other.school_id == w.school.pk
    page = factories.signed_in(Client(), w.dsl).get(f"/encompass/notifications/{robin.pk}/")
    text = page.content.decode()
    assert "Other children of this incident" in text
    assert "Alex Cole" in text and "Not present" in text and "scared to go home" in text
    assert AuditEvent.objects.filter(
        action="view", record_type="encompass.incident_child", record_id=str(other.child_id)
    ).exists()


def test_the_coordinator_records_the_call_and_resends_an_escalation() -> None:
    w = world()
    found = _send(w, incident("E8", child()))
    note = Notification.objects.get(child__incident=found)
    client = factories.signed_in(Client(), w.coordinator)
    url = f"/encompass/notifications/{note.pk}/"
    assert client.post(url, {"action": "resend"}).status_code == 404  # not escalated: not theirs
    notifications.notifications_escalate(now=london(2026, 10, 14, 10, 45))
    page = client.get(url).content.decode()
    assert "Act on the escalation" in page
    empty = client.post(url, {"action": "call", "note": ""}).content.decode()
    assert "Enter who you spoke to" in empty
    assert client.post(url, {"action": "call", "note": "Spoke to the head"}).status_code == 302
    before = OutboxMessage.objects.filter(record_id=str(note.pk), to_address=w.dsl.email).count()
    assert client.post(url, {"action": "resend"}).status_code == 302
    after = OutboxMessage.objects.filter(record_id=str(note.pk), to_address=w.dsl.email).count()
    assert after == before + 1
    note.refresh_from_db()
    assert note.la_call_note == "Spoke to the head" and note.resent_count == 1
    assert AuditEvent.objects.filter(detail="escalation: call", actor_id=w.coordinator.pk).exists()
    dsl = factories.signed_in(Client(), w.dsl)
    assert dsl.post(url, {"action": "resend"}).status_code == 403
