"""Issue 14 e: the deprivation lookup replaced from a page (CDOP team or Business Unit): the
upload queues a background job, whose page lists every bad row of a refused file; all or
nothing; the same files again lead to the first job."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from safeguard.child_deaths.demo import synthetic_imd_csv, synthetic_postcodes_csv
from safeguard.child_deaths.models import DeprivationArea, PostcodeArea
from safeguard.child_deaths.services.notifications import NotifiedDeath, notification_receive
from safeguard.core import worker
from safeguard.core.models import AuditEvent, Job
from tests import factories
from tests.child_deaths.helpers import partnership
from tests.child_deaths.test_deprivation import HEADER

pytestmark = pytest.mark.django_db
URL = "/child-deaths/deprivation"


def _files(areas: str | None, postcodes: str | None) -> dict:
    data = {}
    if areas is not None:
        data["areas"] = SimpleUploadedFile("File_7.csv", areas.encode(), "text/csv")
    if postcodes is not None:
        data["postcodes"] = SimpleUploadedFile("nspl.csv", postcodes.encode(), "text/csv")
    return data


def test_the_team_imports_the_files_in_the_background_and_deciles_follow() -> None:
    p = partnership()
    notification, _ = notification_receive(
        actor=p.nurse,
        organisation=p.hospital,
        details=NotifiedDeath(
            full_name="Decile Child",
            born_on=timezone.localdate() - timedelta(days=400),
            died_at=timezone.now() - timedelta(hours=2),
            place="home",
            expected=True,
            home_postcode="WM1 1AB",
        ),
    )
    client = factories.signed_in(Client(), p.member)
    assert (
        'href="/child-deaths/deprivation"' in client.get("/child-deaths/analysis").content.decode()
    )
    page = client.get(URL)
    assert page.status_code == 200 and "Deprivation lookup" in page.content.decode()
    areas, postcodes = synthetic_imd_csv(random.Random(1)), synthetic_postcodes_csv()
    response = client.post(URL, _files(areas, postcodes))
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    queued = client.get(response.url).content.decode()
    assert "Deprivation lookup import" in queued and "Not yet: queued" in queued
    assert DeprivationArea.objects.count() == 0  # nothing ran inside the request
    assert worker.run_queued_tasks(worker_id="test") == 1
    done = client.get(response.url).content.decode()
    assert "The deprivation lookup was replaced" in done
    assert "40 areas and 40 postcodes imported" in done and "1 death changed decile" in done
    notification.death.refresh_from_db()
    assert notification.death.deprivation_decile == 1
    assert AuditEvent.objects.filter(
        record_type="child_deaths.deprivation", action="update"
    ).exists()
    # The same files again: the first job, not a second import.
    again = client.post(URL, _files(areas, postcodes))
    assert again.url == response.url
    assert Job.objects.count() == 1


def test_a_file_with_bad_rows_changes_nothing_and_every_bad_row_is_listed() -> None:
    unit = factories.organisation(kind="partnership", name="Business Unit")
    officer = factories.person("business_unit_officer", organisation_obj=unit)
    client = factories.signed_in(Client(), officer)
    client.post(URL, _files(synthetic_imd_csv(random.Random(2)), None))
    worker.run_queued_tasks(worker_id="test")
    assert DeprivationArea.objects.count() == 40
    bad_areas = HEADER + "\nE01999001,A,E,S,1,12,11\nW01000001,B,E,S,1,3,2\n"
    bad_postcodes = "pcds,lsoa11\nnot a postcode,E01999001\n"
    response = client.post(URL, _files(bad_areas, bad_postcodes))
    worker.run_queued_tasks(worker_id="test")
    text = client.get(response.url).content.decode()
    assert "The files were not imported: 3 problems" in text and "Nothing was changed" in text
    for cell in ("not a decile from 1 to 10", "not an English LSOA code", "not a postcode"):
        assert cell in text
    assert "Postcode lookup" in text and "Indices of Deprivation file" in text
    assert DeprivationArea.objects.count() == 40 and PostcodeArea.objects.count() == 0
    folder = _uploads()
    assert not folder.exists() or not list(folder.iterdir())  # the kept files are deleted


def _uploads():
    from safeguard.child_deaths.services.deprivation import uploads_folder

    return uploads_folder()


def test_quick_checks_answer_at_once_and_others_are_refused() -> None:
    p = partnership()
    client = factories.signed_in(Client(), p.member)
    empty = client.post(URL, {})
    assert empty.status_code == 400
    assert "Choose the Indices of Deprivation file, the postcode lookup, or both" in (
        empty.content.decode()
    )
    wrong = client.post(URL, {"areas": SimpleUploadedFile("imd.xlsx", b"x")})
    assert "The selected file must be a CSV" in wrong.content.decode()
    assert not Job.objects.exists()
    # Holding the team's role without the panel's membership is not enough.
    assert factories.signed_in(Client(), p.outsider).get(URL).status_code == 403
    assert AuditEvent.objects.filter(
        record_type="child_deaths.deprivation", action="denied"
    ).exists()
    assert factories.signed_in(Client(), factories.person("school_dsl")).get(URL).status_code == 403
