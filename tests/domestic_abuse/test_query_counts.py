"""The DA board and the MARAC's list read in a fixed number of queries, however many
incidents and referrals (issue 18). Before: the MARAC list wrote its audit rows one lock of
the chain head at a time, three statements per referral; now one lock for the list
(``core.audit.record_views``), still one audit row per referral read."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse.models import Referral, held_on_day
from tests import factories, query_counts
from tests.domestic_abuse.helpers import MONDAY, world
from tests.domestic_abuse.test_pages import _high_risk

pytestmark = pytest.mark.django_db

_references = itertools.count(1)


def test_the_board_reads_its_incidents_in_fixed_queries() -> None:
    w = world()

    def grow(n: int) -> None:
        for _ in range(n):
            _high_risk(w, reference=f"Q{next(_references)}")

    client = factories.signed_in(Client(), w.idva)
    query_counts.assert_flat(client, f"/domestic-abuse/board/{MONDAY.isoformat()}/", grow)


def test_the_marac_list_reads_and_audits_its_referrals_in_fixed_queries() -> None:
    w = world()
    officer = factories.signed_in(Client(), w.officer)

    def grow(n: int) -> None:
        for _ in range(n):
            incident = _high_risk(w, reference=f"M{next(_references)}")
            answer = officer.post(
                f"/domestic-abuse/incidents/{incident.pk}/decide/",
                {
                    "outcome": "marac",
                    "rationale": "DASH 15 and threats",
                    "agreed_by": [str(w.la.pk), str(w.police.pk), str(w.dv.pk)],
                },
            )
            assert answer.status_code == 302

    grow(1)
    held_on = Referral.objects.get().meeting.held_on
    url = f"/domestic-abuse/marac/{held_on.isoformat()}/"
    client = factories.signed_in(Client(), w.idva)
    query_counts.assert_flat(client, url, grow, n=3)
    # Every referral listed is still audited as read, one row each, in an unbroken chain.
    before = AuditEvent.objects.filter(action="view", record_type="domestic_abuse.referral").count()
    assert client.get(url).status_code == 200
    after = AuditEvent.objects.filter(action="view", record_type="domestic_abuse.referral").count()
    listed = Referral.objects.filter(held_on_day(held_on, prefix="meeting__"))
    assert after - before == listed.count() == 10
    from safeguard.core import audit

    assert not audit.verify().problems
