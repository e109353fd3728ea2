"""Which of this module's clocks a person may open, and what waits for them on the home page.

The team sees every clock of the module (JAR steps link to the death's page, which only they
open); an agency sees the clocks of its own reporting forms (the form page is theirs to answer);
no one else sees any: not a count, not a reference.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse

from safeguard.child_deaths import policies
from safeguard.child_deaths.models import Death, Status
from safeguard.child_deaths.selectors.deaths import forms_for
from safeguard.child_deaths.services._common import FORM
from safeguard.core.work import WorkItem


def deadline_access(actor: Any) -> Q:
    if policies.is_team(actor):
        return Q()
    forms = forms_for(actor=actor).annotate(s=Cast("pk", output_field=CharField())).values("s")
    return Q(subject_type=FORM, subject_id__in=forms)


def home_work(person: Any) -> list[WorkItem]:
    items: list[WorkItem] = []
    if policies.is_team(person):
        open_deaths = Death.objects.exclude(status=Status.COMPLETE).count()
        items.append(
            WorkItem("Child deaths under review", open_deaths, reverse("child_deaths:deaths"))
        )
    if policies.can(person, policies.Cap.REPORT):
        count = forms_for(actor=person).filter(returned_at__isnull=True).count()
        label = (
            "Child death reporting forms awaited"
            if policies.is_team(person)
            else "Child death reporting forms asked of your agency"
        )
        if count:
            items.append(WorkItem(label, count, reverse("child_deaths:forms")))
    return items
