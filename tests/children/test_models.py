"""The child index's invariants hold in the database, not only in Python."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from safeguard.children.models import Establishment, Pupil
from tests import factories
from tests.encompass.data import upn

pytestmark = pytest.mark.django_db


def _school(urn: str = "900001"):
    return factories.organisation(kind="school", urn=urn)


def test_one_upn_once_per_school_but_dual_registration_allowed() -> None:
    first, second = _school("900001"), _school("900002")
    Pupil.objects.create(upn=upn(1), forename="A", surname="B", school=first)
    Pupil.objects.create(upn=upn(1), forename="A", surname="B", school=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pupil.objects.create(upn=upn(1), forename="A", surname="B", school=first)
    assert Pupil.objects.filter(upn=upn(1)).count() == 2


def test_gender_is_m_f_or_unknown() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Pupil.objects.create(upn=upn(2), forename="A", surname="B", gender="X", school=_school())


def test_establishment_urn_is_six_digits() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Establishment.objects.create(
            organisation=_school(), urn="12345", la_code="999", status="Open"
        )


def test_a_school_with_pupils_cannot_be_deleted() -> None:
    from django.db.models import ProtectedError

    school = _school()
    Pupil.objects.create(upn=upn(3), forename="A", surname="B", school=school)
    with pytest.raises(ProtectedError):
        school.delete()
