"""The action plan and a meeting's page read their rows in a fixed number of queries (issue 18).

Before: the plan asked each row's source whether the reader may follow its link, a meeting
read and a membership read per meeting action, a recommendation read per review action (twice);
a meeting's page read the added holidays once per day it walked back. ``assert_flat`` renders
each with N and 3N records and fails if the count grew.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import Group, Membership
from safeguard.governance.models import Action, AgendaItem, Meeting, Paper
from safeguard.governance.services.meetings import SOURCE_KIND as MEETING_SOURCE
from safeguard.reviews import rules as review_rules
from safeguard.reviews.models import Recommendation
from tests import factories, query_counts
from tests.reviews.helpers import notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _rows(html: bytes) -> int:
    return len(re.findall(rb'class="govuk-table__row"', html)) - 1


@pytest.mark.parametrize("who", ["bu_officer", "police_lead", "lead_outside_rag"])
def test_the_action_plan_reads_a_page_of_meeting_and_review_actions_in_fixed_queries(
    who: str,
) -> None:
    p = partnership()
    incident = notified_case(p)
    group = Group.objects.create(name="Learning and Improvement subgroup", kind="subgroup")
    for member in (p.police_lead, p.lead_outside_rag):
        Membership.objects.create(group=group, person=member)
    reader = getattr(p, who)

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_numbers)
            starts = timezone.now() - timedelta(days=k)
            meeting = Meeting.objects.create(
                group=group, starts_at=starts, ends_at=starts + timedelta(hours=2)
            )
            recommendation = Recommendation.objects.create(
                incident=incident, text=f"Recommendation {k}"
            )
            for kind, source in (
                (MEETING_SOURCE, meeting.pk),
                (review_rules.ACTION_SOURCE, recommendation.pk),
            ):
                Action.objects.create(
                    title=f"Action {k}",
                    source_kind=kind,
                    source_id=str(source),
                    owner_organisation=reader.organisation,
                    due_on=date(2027, 1, 1) + timedelta(days=k),
                )

    client = signed_in(reader)
    query_counts.assert_flat(client, "/governance/actions", grow, rows_shown=_rows)


def test_the_action_plan_links_only_the_sources_the_reader_may_open() -> None:
    """The links read once per page are the links read row by row: a member of the group
    follows its meetings' actions, someone outside the RAG is not linked to the case."""
    p = partnership()
    incident = notified_case(p)
    group = Group.objects.create(name="Learning and Improvement subgroup", kind="subgroup")
    Membership.objects.create(group=group, person=p.lead_outside_rag)
    starts = timezone.now()
    meeting = Meeting.objects.create(
        group=group, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    recommendation = Recommendation.objects.create(incident=incident, text="Recommendation")
    for kind, source in (
        (MEETING_SOURCE, meeting.pk),
        (review_rules.ACTION_SOURCE, recommendation.pk),
    ):
        Action.objects.create(
            title=f"Action of {kind}",
            source_kind=kind,
            source_id=str(source),
            owner_organisation=p.police,
            due_on=date(2027, 1, 1),
        )
    outside = signed_in(p.lead_outside_rag).get("/governance/actions").content.decode()
    assert f'href="/governance/meetings/{meeting.pk}"' in outside
    assert f"/reviews/cases/{incident.pk}/actions" not in outside
    inside = signed_in(p.police_lead).get("/governance/actions").content.decode()
    assert f"/reviews/cases/{incident.pk}/actions" in inside
    assert f'href="/governance/meetings/{meeting.pk}"' not in inside


def test_the_action_plan_asks_mace_and_marac_once_a_page_whether_the_reader_may_see() -> None:
    """A MACE plan's and a MARAC referral's actions are seen through the child-focused meeting
    and the MARAC: the plan reads each module's answer once a page (``visible``), not a read
    of every record of the kind with ``may_view`` asked of each."""
    from safeguard.domestic_abuse.services.board import decision_record
    from safeguard.domestic_abuse.services.marac import ACTION_SOURCE
    from safeguard.exploitation.services import settings as mace_settings
    from safeguard.exploitation.services._common import PLAN_SOURCE
    from tests.domestic_abuse.helpers import world
    from tests.domestic_abuse.test_pages import _high_risk
    from tests.exploitation.helpers import meeting, refer

    mace_settings.indicators_seeded()
    w = world()  # the police lead is of a MARAC agency
    meeting("MACE child-focused", "child_focused", w.lead)
    reader = w.lead

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_numbers)
            mace = refer(w.officer, forename=f"Kai{k}")
            incident = _high_risk(w, reference=f"MP{k}")
            decision_record(
                actor=w.officer,
                incident=incident,
                outcome="marac",
                rationale="DASH 15",
                agreed_by=[w.la, w.police, w.dv],
            )
            marac = incident.referrals.get()
            for kind, source in ((PLAN_SOURCE, mace.pk), (ACTION_SOURCE, marac.pk)):
                Action.objects.create(
                    title=f"Action {k}",
                    source_kind=kind,
                    source_id=str(source),
                    owner_organisation=w.la,  # not the reader's: seen through the source only
                    due_on=date(2027, 1, 1) + timedelta(days=k),
                )

    client = signed_in(reader)
    query_counts.assert_flat(client, "/governance/actions", grow, n=2, rows_shown=_rows)
    assert client.get("/governance/actions").content.count(b"data-action=") == 12
    # A lead of an agency on neither meeting sees none of them.
    outside = factories.person("statutory_partner_lead", organisation_obj=w.health)
    assert signed_in(outside).get("/governance/actions").content.count(b"data-action=") == 0


@pytest.mark.parametrize("who", ["member", "bu_officer"])
def test_a_meetings_page_reads_the_readers_membership_once_for_every_item_and_paper(
    who: str,
) -> None:
    """Whether the reader may add a paper to an item, or read a paper (a restricted one is
    for members), rests on their membership of the group: read once for the page, not per item
    and per paper."""
    p = partnership()
    group = Group.objects.create(name="Learning and Improvement subgroup", kind="subgroup")
    member = factories.person("subgroup_member", organisation_obj=p.police)
    Membership.objects.create(group=group, person=member)
    reader = member if who == "member" else p.bu_officer
    starts = timezone.now() + timedelta(days=14)
    meeting = Meeting.objects.create(
        group=group, starts_at=starts, ends_at=starts + timedelta(hours=8)
    )

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_numbers)
            item = AgendaItem.objects.create(
                meeting=meeting,
                position=k,
                title=f"Item {k}",
                minutes=5,
                owner_organisation=p.icb,
                added_by=p.bu_officer,
            )
            for restricted in (False, True):
                Paper.objects.create(
                    item=item,
                    title=f"Paper {k} {'restricted' if restricted else 'open'}",
                    purpose="For information",
                    decision_needed="None",
                    restricted=restricted,
                    uploaded_by=member,
                )

    client = signed_in(reader)
    query_counts.assert_flat(
        client,
        f"/governance/meetings/{meeting.pk}",
        grow,
        rows_shown=lambda html: html.count(b'id="item-'),
    )
    html = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert html.count('id="item-') == html.count("open</a>") == 12
    # A restricted paper is for the group's members and its uploader: not the Business Unit.
    assert html.count("restricted</a>") == (12 if who == "member" else 0)
