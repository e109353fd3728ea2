"""The published report at its public address, over real HTTP (the live server): anyone reads
it without signing in, with small numbers withheld and no links to records, and downloads its
PDF once the background job has made it; a draft answers 404 like an address that never was.
And the narrative's Word export, read back with python-docx."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import date, datetime
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from safeguard.child_deaths.models import Death
from safeguard.core import worker
from safeguard.core.clock import LONDON
from safeguard.core.models import AuditEvent
from safeguard.core.roles import Role
from safeguard.reports.services import narratives as narrative_services
from safeguard.reports.services import reports as report_services
from tests import factories
from tests.reports import helpers


def _deaths(n: int, day: date, *, decile: int, name: str) -> None:
    for i in range(n):
        Death.objects.create(
            reference=f"CD-P-{decile}-{i}",
            panel="cdop",
            full_name=name,
            born_on=date(2015, 1, 1),
            gender="female",
            deprivation_decile=decile,
            died_at=datetime(day.year, day.month, day.day + i, 12, tzinfo=LONDON),
            place="hospital",
            expected=False,
            created_at=timezone.now(),
        )


def _get(url: str) -> tuple[int, str, bytes]:
    """A plain HTTP GET with no cookies: nobody signed in."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _published(unit: Any) -> Any:
    leads = helpers.partners()
    chair = factories.person(Role.INDEPENDENT_CHAIR.value)
    report = helpers.report(unit)
    for item in report.narratives.all():
        helpers.signed_off(unit, leads, item, chair)
    return report_services.report_publish(actor=unit, report=report)


def test_anyone_reads_the_published_report_at_its_public_address_and_no_draft(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path
    _deaths(2, date(2022, 5, 2), decile=1, name="Ada Identifiable")
    _deaths(7, date(2022, 7, 1), decile=9, name="Ada Identifiable")
    unit = helpers.business_unit()
    draft = helpers.report(unit, title="Annual report being written")
    report = _published(unit)

    status, kind, body = _get(live_server.url + reverse("reports:public_list"))
    assert status == 200 and kind.startswith("text/html")
    listing = body.decode()
    assert reverse("reports:public_report", kwargs={"pk": report.pk}) in listing
    assert "being written" not in listing

    status, _, body = _get(
        live_server.url + reverse("reports:public_report", kwargs={"pk": report.pk})
    )
    assert status == 200
    page = body.decode()
    assert "Annual report 2021 to 2023" in page and "Published on" in page
    # Small numbers withheld, the total that would give them away too; no child named.
    assert "fewer than 5" in page and "withheld" in page
    assert "Ada Identifiable" not in page
    # The report's body links only within itself (its contents) and to no record.
    body_html = page[page.index('<div class="sg-report">') :]
    links = re.findall(r'href="([^"]+)"', body_html)
    assert links and all(link.startswith("#") for link in links), links
    # Its PDF is made in the background at publication; until then the address says so.
    pdf_url = live_server.url + reverse("reports:public_pdf", kwargs={"pk": report.pk})
    status, _, body = _get(pdf_url)
    assert status == 404 and b"being prepared" in body
    assert worker.run_queued_tasks(worker_id="test") == 1
    status, kind, body = _get(pdf_url)
    assert status == 200 and kind == "application/pdf" and body.startswith(b"%PDF")
    status, _, body = _get(
        live_server.url + reverse("reports:public_report", kwargs={"pk": report.pk})
    )
    assert b"Download this report as a PDF" in body

    # A draft is never public: the same 404 as an address that never was a report.
    for pk in (draft.pk, 999_999):
        for name in ("reports:public_report", "reports:public_pdf"):
            status, _, body = _get(live_server.url + reverse(name, kwargs={"pk": pk}))
            assert status == 404, (name, pk)
            assert b"Annual report being written" not in body
    # The signed-in pages still send an anonymous visitor to sign in.
    request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
        live_server.url + reverse("reports:report", kwargs={"pk": report.pk})
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=60)
        raise AssertionError("the draft page answered an anonymous visitor")
    except urllib.error.HTTPError as error:
        assert error.code == 302 and "/sign-in" in error.headers["Location"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.django_db
def test_the_narrative_exports_to_word_for_those_who_see_the_draft(client, client_for) -> None:
    unit = helpers.business_unit()
    leads = helpers.partners()
    chair = factories.person(Role.INDEPENDENT_CHAIR.value, full_name="Pat Chair")
    report = helpers.report(unit)
    intro = helpers.narrative(report, "chair_introduction")
    narrative_services.narrative_write(
        actor=unit,
        narrative=intro,
        body="The system is strong.\n\nFour messages:\nearlier help;\nschools engaged.",
        owner=chair,
    )
    narrative_services.narrative_submit(actor=unit, narrative=intro)
    narrative_services.narrative_review(actor=chair, narrative=intro, approve=True)
    first = next(iter(leads.values()))
    narrative_services.narrative_sign_off(actor=first, narrative=intro)

    client_for(unit)
    response = client.get(reverse("reports:narrative_docx", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = Document(BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Annual report 2021 to 2023")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [n.title for n in report.narratives.order_by("pk")]
    texts = [text for _, text in paragraphs]
    at = texts.index(intro.title)
    assert texts[at + 1] == (
        f"Owner: Pat Chair. Status: Reviewed: awaiting sign-off. Signed off by "
        f"{first.organisation.name} (1 of 3 statutory partners)."
    )
    assert texts[at + 2] == "The system is strong."
    assert texts[at + 3] == "Four messages:\nearlier help;\nschools engaged."
    assert "This section has not been written yet." in texts
    # The file's own properties name nobody.
    assert document.core_properties.author == ""
    assert document.core_properties.last_modified_by == ""
    assert AuditEvent.objects.filter(
        record_type="reports.report", record_id=str(report.pk), action="export"
    ).exists()

    # Only for those who see the draft: a practitioner reads the published version alone.
    client_for(factories.person(Role.PRACTITIONER.value))
    assert (
        client.get(reverse("reports:narrative_docx", kwargs={"pk": report.pk})).status_code == 403
    )
