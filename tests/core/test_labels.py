"""Stored codes become plain-English labels on pages: routes, record types, reasons, times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from django.db import transaction
from django.urls import reverse

from safeguard.core import audit, labels, outbox
from safeguard.core.models.audit import AuditAction
from safeguard.core.templatetags.govuk import field_names, govuk_datetime, govuk_time, plain
from tests import factories

RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+:[a-z_]+\b|\bNone\b")


def test_registered_navigation_app_and_humanised_labels():
    assert labels.label_for("core:audit") == "Audit trail"  # from the navigation
    assert labels.label_for("core:person_edit") == "Change a person"  # registered
    assert labels.label_for("reviews") == "Serious incident reviews"  # an app's own name
    assert labels.label_for("deadline.due-soon") == "A deadline is due soon"
    # Never the raw code, even for a code no one named.
    assert labels.label_for("reviews:rr_request_zz") == "Reviews: rr request zz"
    assert labels.label_for("somewhere.odd_thing") == "Somewhere: odd thing"
    assert labels.label_for(None) == ""
    assert plain("core:audit") == "Audit trail"


def test_a_module_can_name_its_own_routes(monkeypatch):
    monkeypatch.setattr(labels, "_labels", dict(labels._labels))
    labels.register("reviews:rr_request", "Rapid Review information request")
    assert labels.label_for("reviews:rr_request") == "Rapid Review information request"


def test_times_and_moments_read_in_the_govuk_style(settings):
    settings.TIME_ZONE = "Europe/London"
    assert govuk_time(time(10, 45)) == "10:45am"
    assert govuk_time(time(15, 0)) == "3pm"
    assert govuk_time(time(12, 0)) == "midday"
    assert govuk_time(time(0, 0)) == "midnight"
    # Summer time: 09:30 UTC is 10:30am in London.
    assert govuk_datetime(datetime(2026, 7, 4, 9, 30, tzinfo=UTC)) == "4 July 2026 at 10:30am"
    assert govuk_datetime(None) == ""
    assert field_names(["full_name", "organisation"]) == "full name, organisation"


@pytest.mark.django_db
def test_the_audit_trail_shows_labels_not_route_names(client_for):
    dpo = factories.person("data_protection_officer")
    audit.record(
        action=AuditAction.UPDATE,
        record_type="core.person",
        record_id=dpo.pk,
        route="core:person_edit",
        changes={"full_name": ["A", "B"]},
    )
    audit.record(action=AuditAction.VIEW, record_type="reviews.case", record_id=1, route="x:y_z")
    page = client_for(dpo).get(reverse("core:audit")).content.decode()
    assert "Change a person" in page and "X: y z" in page and "Reviews: case" in page
    assert "Changed: full name" in page
    cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', page, re.S)
    assert cells and not any(RAW.search(re.sub(r"<[^>]+>", "", cell)) for cell in cells)


@pytest.mark.django_db
def test_the_outbox_page_names_the_reason_and_says_no_error(client_for):
    admin = factories.person("business_unit_admin")
    with transaction.atomic():
        message = outbox.message_enqueue(
            recipient=admin,
            subject="A deadline is due soon",
            body="A deadline is due soon.",
            reason="deadline.due-soon",
            record_type="core.deadline",
            record_id=7,
            dedupe_key="test:labels",
        )
    client = client_for(admin)
    for address in (reverse("core:outbox"), reverse("core:outbox_message", args=[message.pk])):
        page = client.get(address).content.decode()
        assert "A deadline is due soon" in page
        assert "deadline.due-soon" not in page and "None" not in page


def test_codes_inside_free_text_become_labels():
    assert labels.in_words("reason deadline.due-soon") == "reason A deadline is due soon"
    assert labels.in_words("needs reviews:rr_request_zz now") == "needs Reviews: rr request zz now"
    # Addresses, paths and plain sentences are left as they are.
    assert labels.in_words("sent to a.b@example.invalid at /reviews/cases") == (
        "sent to a.b@example.invalid at /reviews/cases"
    )
    assert labels.in_words(None) == ""


def test_audited_records_and_reads_of_the_trail_are_spelt_out():
    assert labels.record_name("core.person", 12) == "Person 12"
    assert labels.record_name("core.audit", "views:x.thing:4") == "Who viewed X: thing 4"
    assert labels.record_name("core.audit", "core.person:12") == "History of Person 12"
    assert labels.record_name("core.audit", "person:12") == "Everything person 12 did"
    assert labels.in_words("reason no_such_code") == "reason no such code"
