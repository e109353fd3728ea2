""" "What is due" and the home page read in a fixed number of queries, however many cases
(issue 18). Before: a Review Advisory Group member's list asked the database whether they sat
on the RAG once per case it listed (``reviews.policies.is_rag_member``)."""

from __future__ import annotations

import re

import pytest

from tests import query_counts
from tests.reviews.helpers import notified_case, partnership, signed_in

pytestmark = pytest.mark.django_db


def _rows(html: bytes) -> int:
    return len(re.findall(rb"/reviews/cases/\d+", html))


@pytest.mark.parametrize("who", ["police_lead", "bu_officer"])
def test_what_is_due_reads_a_rag_members_cases_in_fixed_queries(who: str) -> None:
    p = partnership()

    def grow(n: int) -> None:
        for _ in range(n):
            notified_case(p)

    client = signed_in(getattr(p, who))
    query_counts.assert_flat(client, "/deadlines?show_met=on", grow, n=2, rows_shown=_rows)


def test_the_home_page_reads_a_rag_members_work_in_fixed_queries() -> None:
    p = partnership()

    def grow(n: int) -> None:
        for _ in range(n):
            notified_case(p)

    query_counts.assert_flat(signed_in(p.police_lead), "/", grow, n=2)
