"""The data migration that moved the reviews module's actions into the shared action plan.

Run for real: the database is taken back to just before the move, old-style actions are made
with their audit rows, clock and API receipt, and the migrations run forward again.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from safeguard.core import audit
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models import Deadline
from safeguard.core.services.deadlines import deadline_open
from safeguard.governance.models import Action
from safeguard.governance.selectors.actions import history
from safeguard.reviews.models import ApiReceipt
from safeguard.reviews.services import actions as review_actions
from tests.reviews.helpers import notified_case, partnership, signed_in


def _before_the_move() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    move = next(
        node
        for node in graph.nodes
        if node[0] == "reviews" and node[1].endswith("_actions_to_governance")
    )
    return [parent.key for parent in graph.node_map[move].parents if parent.key[0] == "reviews"]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_old_actions_become_plan_actions_with_their_ids_clocks_receipts_and_history() -> None:
    p = partnership()
    incident = notified_case(p)
    recommendation = review_actions.recommendation_add(
        actor=p.bu_officer, incident=incident, text="Strengthen   professional curiosity."
    )
    before = _before_the_move()
    old_apps = _migrate(before).loader.project_state(before).apps
    OldAction = old_apps.get_model("reviews", "Action")
    long_words = "Brief every team on professional curiosity. " * 10
    open_one = OldAction.objects.create(
        recommendation_id=recommendation.pk,
        description=long_words,
        owner_organisation_id=p.icb.pk,
        due_on=date(2020, 1, 1),
    )
    done = OldAction.objects.create(
        recommendation_id=recommendation.pk,
        description="Audit supervision.",
        owner_organisation_id=p.police.pk,
        due_on=date(2026, 6, 1),
        status="completed",
        evidence_of_completion="Audit done.",
        completed_on=date(2026, 5, 20),
    )
    withdrawn = OldAction.objects.create(
        recommendation_id=recommendation.pk,
        description="x",
        owner_organisation_id=p.icb.pk,
        due_on=date(2020, 1, 1),
        status="withdrawn",
        withdrawn_reason="Entered in error.",
        withdrawn_on=date(2026, 2, 1),
    )
    audit.record(
        action="create", record_type="reviews.action", record_id=open_one.pk, actor=p.bu_officer
    )
    deadline_open(
        module="reviews",
        kind="action",
        title="Review action",
        subject_type="reviews.action",
        subject_id=open_one.pk,
        starts_at=start_of_day(date(2019, 12, 1)),
        due_at=end_of_day(date(2020, 1, 1)),
        rule="Action plan",
        owner_organisation=p.icb,
        link=f"/reviews/cases/{incident.pk}/actions",
    )
    ApiReceipt.objects.create(
        organisation=p.la,
        sender_reference="LA-1",
        record_type="reviews.action",
        record_id=done.pk,
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Action.objects.get(pk=open_one.pk)
    assert moved.source_kind == "reviews.recommendation"
    assert moved.source_id == str(recommendation.pk)
    assert moved.source_title == "Strengthen professional curiosity."
    assert len(moved.title) <= 300 and moved.description == long_words.strip()
    assert moved.carried_from == f"reviews.action:{open_one.pk}"
    assert moved.created_by == p.bu_officer
    assert [line.what for line in history(moved)] == ["Created"]
    assert Action.objects.get(pk=done.pk).completion_evidence == "Audit done."
    gone = Action.objects.get(pk=withdrawn.pk)
    assert gone.status == "withdrawn" and gone.withdrawal_reason == "Entered in error."
    clock = Deadline.objects.get(subject_type="governance.action", subject_id=str(moved.pk))
    assert clock.module == "governance" and clock.link == f"/governance/actions/{moved.pk}"
    receipt = ApiReceipt.objects.get(sender_reference="LA-1")
    assert (receipt.record_type, receipt.record_id) == ("governance.action", done.pk)
    # The reviews page shows them as before, and a new action takes a fresh id.
    page = signed_in(p.bu_officer).get(reverse("reviews:actions", args=[incident.pk]))
    assert "Entered in error." in page.content.decode()
    new = review_actions.action_add(
        actor=p.bu_officer,
        recommendation=recommendation,
        description="A new action",
        owner_organisation=p.icb,
        due_on=date(2027, 1, 1),
    )
    assert new.pk > withdrawn.pk
