"""Operation Encompass in a real browser, on a fixed clock in term time: a Key Adult opens and
acknowledges a notification; the LA coordinator works the review queue (a second candidate
chosen, another child none of these); a notification not acknowledged in time escalates and
the coordinator records the call to the school and sends it again."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.children.models import Pupil
from safeguard.core import demo
from safeguard.core.clock import LONDON
from safeguard.core.models import OutboxMessage, Person
from safeguard.core.roles import Role
from safeguard.encompass.models import IncidentChild, MatchState, Notification
from safeguard.encompass.services.incidents import ChildData, IncidentData, incident_receive
from safeguard.encompass.services.key_adults import key_adult_save
from safeguard.encompass.services.matching import incident_match
from safeguard.encompass.services.notifications import notifications_escalate
from tests import demo_snapshot
from tests.browser.harness import assert_accessible, current_code, sign_in

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)  # a Tuesday in term time


def _child(ref: str, pupil: Pupil) -> ChildData:
    return ChildData(
        ref=ref,
        presence="present",
        forename=pupil.forename,
        surname=pupil.surname,
        dob=pupil.dob,
        gender=pupil.gender,
        postcode=pupil.postcode,
        where_they_were="In the living room",
        voice_of_the_child="Said they were scared",
    )


def _incident(force: Any, reference: str, *children: ChildData) -> Any:
    found, _ = incident_receive(
        actor=None,
        force=force,
        data=IncidentData(
            reference=reference,
            occurred_at=NOW - timedelta(hours=14),
            kind="incident",
            location="1 Journey Road",
            adults=(),
            children=children,
        ),
    )
    incident_match(incident_id=found.pk)
    return found


def _fresh_code(person: Person) -> str:
    """A code newer than the one used to sign in: a TOTP code works once."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    while int(time.time()) // device.step <= device.last_t:
        time.sleep(1)
        device.refresh_from_db()
    return current_code(person)


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_key_adult_review_queue_and_escalation(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    contexts: list[Any] = []

    def as_(person: Person, *, fresh: bool = False) -> Any:
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return sign_in(context.new_page(), person, code=_fresh_code(person) if fresh else None)

    with demo.clock_at(NOW):
        demo_snapshot.demo_partnership(seed=2026, now=NOW)
        dsl = Person.objects.get(email="dsl@demo.invalid")
        coordinator = Person.objects.filter(
            is_demo=True, role_assignments__role=Role.LA_ENCOMPASS_COORDINATOR
        ).first()
        force = (
            Person.objects.filter(is_demo=True, role_assignments__role=Role.POLICE_OFFICER)
            .first()
            .organisation
        )
        key_adult_save(
            actor=coordinator,
            school=dsl.organisation,
            person=dsl,
            deputy=False,
            trained_on=date(2026, 9, 1),
            expires_on=date(2028, 9, 1),
        )
        own = Pupil.objects.filter(school=dsl.organisation, dob__isnull=False).order_by("pk")
        others = Pupil.objects.exclude(school=dsl.organisation).filter(dob__isnull=False)
        mine = _incident(force, "WMP/2026/JOURNEY1", _child("C1", own[3]))
        told = Notification.objects.get(child__incident=mine)
        assert told.school_id == dsl.organisation_id
        # Two children the matching was not sure of: the right pupil second, and a stranger.
        wrong, right, stranger = (
            others.order_by("pk")[10],
            others.order_by("pk")[200],
            others.order_by("pk")[400],
        )
        # Five candidates put forward, the right pupil fourth.
        also = [others.order_by("pk")[n] for n in (20, 30, 40)]
        grey = _incident(force, "WMP/2026/JOURNEY2", _child("C1", right), _child("C2", stranger))
        first, second = grey.children.order_by("ref")
        IncidentChild.objects.filter(pk=first.pk).update(
            match_state=MatchState.REVIEW,
            pupil=wrong,
            probability=0.4,
            candidates=[wrong.pk, also[0].pk, also[1].pk, right.pk, also[2].pk],
            candidate_probabilities=[0.4, 0.2, 0.15, 0.12, 0.05],
        )
        IncidentChild.objects.filter(pk=second.pk).update(
            match_state=MatchState.REVIEW, pupil=wrong, probability=0.55, candidates=[wrong.pk]
        )
        Notification.objects.filter(child__in=[first, second]).delete()
        late_school = Pupil.objects.exclude(school=dsl.organisation).order_by("pk")[50]
        late = _incident(force, "WMP/2026/JOURNEY3", _child("C1", late_school))
        waiting = Notification.objects.get(child__incident=late)

        try:
            # 1. The Key Adult sees the notification, opens it, acknowledges.
            page = as_(dsl)
            page.goto("/encompass/notifications/")
            assert_accessible(page)
            page.get_by_role("link", name=f"Notification {told.pk}").click()
            told.refresh_from_db()
            assert told.first_viewed_at == NOW
            assert "Teachers' National Helpline: 0204 513 9990" in page.content()
            page.get_by_label("What support is the school giving the child?").fill(
                "A check-in with a trusted adult each morning."
            )
            _submit(page, "Acknowledge notification")
            told.refresh_from_db()
            assert told.acknowledged_at == NOW and told.acknowledged_by_id == dsl.pk

            # 2. The coordinator chooses the second candidate for one child...
            la = as_(coordinator)
            la.goto("/encompass/review/")
            assert_accessible(la)
            la.goto(f"/encompass/review/{first.pk}/")
            assert_accessible(la)
            # Each candidate under its own heading, reached by a link; chosen by keyboard.
            headings = la.get_by_role("heading", name=re.compile(r"^Candidate \d: "))
            assert headings.count() == 5
            la.get_by_role("link", name=re.compile(r"^Candidate 4: ")).click()
            assert la.url.endswith("#candidate-4")
            assert "Match probability 0.120" in la.content()
            choice = la.get_by_label(
                f"Candidate 4: {right.forename} {right.surname}, {right.school.name}"
            )
            choice.focus()
            la.keyboard.press("Space")
            assert choice.is_checked()
            _submit(la, "Record decision")
            first.refresh_from_db()
            assert (first.match_state, first.pupil_id) == (MatchState.CONFIRMED, right.pk)
            assert Notification.objects.filter(child=first, school=right.school).exists()
            # ... and none of these for the other, with a reason.
            la.goto(f"/encompass/review/{second.pk}/")
            la.get_by_label("None of these is the child").check()
            _submit(la, "Record decision")
            assert "Enter why none of these pupils is the child" in la.content()
            la.get_by_label("Reason").fill("Different child: the family is new to the area.")
            _submit(la, "Record decision")
            second.refresh_from_db()
            assert (second.match_state, second.pupil_id) == (MatchState.NONE, None)
        except BaseException:
            for context in contexts:
                context.close()
            raise

    # 3. The next school day: the late notification was not acknowledged in time.
    later = waiting.escalate_at + timedelta(minutes=5)
    with demo.clock_at(later):
        try:
            assert notifications_escalate(now=later) >= 1
            waiting.refresh_from_db()
            assert waiting.escalated_at == later
            # A day on, the coordinator's session has timed out: they sign in again.
            la = as_(coordinator, fresh=True)
            la.goto(f"/encompass/notifications/{waiting.pk}/")
            assert "Act on the escalation" in la.content()
            assert_accessible(la)
            la.get_by_label("Who you spoke to at the school and what was agreed").fill(
                "Spoke to the head teacher; the key adult will read it at break."
            )
            _submit(la, "Record the call")
            waiting.refresh_from_db()
            assert waiting.la_called_at == later
            before = OutboxMessage.objects.filter(record_id=str(waiting.pk)).count()
            _submit(la, "Send to the school's key adults again")
            waiting.refresh_from_db()
            assert waiting.resent_count == 1
            assert OutboxMessage.objects.filter(record_id=str(waiting.pk)).count() > before
        finally:
            for context in contexts:
                context.close()
