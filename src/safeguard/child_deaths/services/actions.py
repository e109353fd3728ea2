"""Actions from the panel's learning go on the partnership's shared action plan (governance):
this module registers its source kind (``apps``) and adds actions through governance's service.
An action names the death by its reference only: its title and description reach the owner
agency, so the form asks for no child's details. Recommending action to the organisations
that can take it is a CDOP function under the guidance's paragraph 5.2.1 (as quoted by
Hertfordshire SCP's procedure)."""

from __future__ import annotations

from datetime import date
from typing import Any

from safeguard.child_deaths import policies
from safeguard.child_deaths.models import Death
from safeguard.child_deaths.services import _common
from safeguard.core.models import Organisation
from safeguard.governance.models import Action
from safeguard.governance.services.actions import action_create

SOURCE_KIND = "child_deaths.learning"


def learning_action_add(
    *,
    actor: Any,
    death: Death,
    title: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    description: str = "",
) -> Action:
    _common.refuse_unless(policies.is_team(actor))
    return action_create(
        actor=actor,
        source_kind=SOURCE_KIND,
        source_id=death.pk,
        source_title=f"Child death {death.reference}",
        title=title,
        owner_organisation=owner_organisation,
        due_on=due_on,
        description=description,
    )
