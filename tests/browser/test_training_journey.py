"""Issue 15, done: a third-sector practitioner books the two-part course, gets the invitation,
attends both parts (the Business Unit takes the register), evaluates and downloads the
certificate; the figures count it. Every page of the booking journey passes axe, and the
booking itself is made with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse

from safeguard.core import outbox
from safeguard.training.models import Booking, Session
from tests import factories, smtp
from tests.browser.harness import assert_accessible, sign_in
from tests.smtp import use_smtp
from tests.training import helpers

smtp_server = smtp.smtp_server


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_third_sector_practitioner_completes_a_two_part_course(
    browser: Any, live_server: Any, transactional_db: None, smtp_server: Any, settings: Any
) -> None:
    use_smtp(settings, smtp_server)
    unit = factories.organisation(kind="partnership", name="Westmere Business Unit")
    officer = factories.person("business_unit_officer", organisation_obj=unit)
    charity = factories.organisation(kind="third_sector", name="Harbour Light")
    worker = factories.person("practitioner", organisation_obj=charity, full_name="Robin Example")
    for someone in (officer, worker):
        factories.totp_device(someone)
    course = helpers.course(officer, title="Working Together to Safeguard Children")
    parts = [
        helpers.session(officer, course, part=1, days=7),
        helpers.session(officer, course, part=2, days=21),
    ]

    contexts: list[Any] = []

    def as_(someone: Any) -> Any:
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return sign_in(context.new_page(), someone, password=factories.PASSWORD)

    try:
        # 1. The practitioner finds the course and books both parts, by keyboard alone.
        page = as_(worker)
        page.goto(reverse("training:catalogue"))
        assert_accessible(page)
        page.get_by_role("link", name="Working Together to Safeguard Children").click()
        assert_accessible(page)
        for session in parts:
            page.goto(reverse("training:session", kwargs={"pk": session.pk}))
            assert_accessible(page)
            page.get_by_role("link", name="Book a place").focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert_accessible(page)
            page.get_by_role("button", name="Confirm booking").focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
        assert page.url.endswith(reverse("training:my_bookings"))
        assert page.get_by_role("cell", name="Booked", exact=True).count() == 2
        assert_accessible(page)

        # 2. The invitations arrive by e-mail, each with its calendar file.
        outbox.deliver_due(worker_id="journey", batch=20)
        invitations = [m for m in smtp_server.messages if m["To"] == worker.email]
        assert len(invitations) == 2
        for message in invitations:
            files = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
            assert files and b"BEGIN:VEVENT" in files[0].get_payload(decode=True)

        # 3. The days come; the Business Unit takes each register on a tablet-sized screen.
        for i, session in enumerate(parts):
            start = session.starts_at - timedelta(days=30 - i * 7)
            Session.objects.filter(pk=session.pk).update(
                starts_at=start, ends_at=start + timedelta(hours=3)
            )
        bu = as_(officer)
        bu.set_viewport_size({"width": 768, "height": 1024})
        for session in parts:
            bu.goto(reverse("training:register", kwargs={"pk": session.pk}))
            assert_accessible(bu)
            bu.get_by_label("Robin Example (Harbour Light)").check()
            _submit(bu, "Save the register")
        assert Booking.objects.filter(person=worker, attended=True).count() == 2

        # 4. The practitioner evaluates part 2 and downloads the certificate.
        page.goto(reverse("training:my_bookings"))
        page.get_by_role(
            "link", name="Evaluate Working Together to Safeguard Children, part 2"
        ).click()
        assert_accessible(page)
        page.get_by_role("group", name="Did the session meet your expectations?").get_by_label(
            "Yes"
        ).check()
        page.get_by_role(
            "group", name="Did you learn what the course set out to teach?"
        ).get_by_label("Yes").check()
        for question, answer in (
            ("Your knowledge before the session", "2"),
            ("Your knowledge after the session", "4"),
            ("Your confidence before the session", "2"),
            ("Your confidence after the session", "4"),
        ):
            page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
        _submit(page, "Send evaluation")
        assert "Thank you" in page.content()
        certificate = reverse("training:certificate", kwargs={"pk": course.pk})
        response = page.request.get(certificate)
        assert response.status == 200 and response.body().startswith(b"%PDF")

        # 5. The figures count one person who completed both parts, and the evaluation.
        bu.goto(reverse("training:figures"))
        assert_accessible(bu)
        text = bu.content()
        assert "1 of 1 (100%)" in text
        assert "Harbour Light" not in text and "Robin Example" not in text
    finally:
        for context in contexts:
            context.close()
