"""Changes to the child index: saving, restoring and training the matching model.

Each function checks the policy itself (the pages check it too), runs in one transaction and
writes one audit row whose changes name every number that moved, before and after, so the
trail alone says what the model was on any day. A version is never edited: a change or a
restore adds a version and makes it the active one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safeguard.children import linkage, policies, training
from safeguard.children.models import MatchModelVersion
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction

RECORD_TYPE = "children.match_model_version"
NOTE_MAX = 2000
_SAME = "The model is the same as the one in use: change at least one value"


def flatten(parameters: dict[str, Any]) -> dict[str, Any]:
    """``{"thresholds.automatic": 0.95, ..., "forename.exact.m": 0.86, ...}`` for the audit."""
    flat: dict[str, Any] = {}
    for group in ("thresholds", "prior"):
        for name, value in parameters.get(group, {}).items():
            flat[f"{group}.{name}"] = value
    for comparison, levels in parameters.get("comparisons", {}).items():
        for level, values in levels.items():
            for name, value in values.items():
                flat[f"{comparison}.{level}.{name}"] = value
    return flat


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError({"note": ["Enter a note explaining why the model is changing"]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"The note must be {NOTE_MAX} characters or fewer"]})
    return note


def _checked(model: linkage.MatchModel) -> dict[str, Any]:
    """The model as stored, re-read through ``MatchModel``'s own validation."""
    parameters = model.to_dict()
    try:
        linkage.MatchModel.from_dict(parameters)
    except ValueError as error:
        raise ValidationError({"__all__": [f"The model is not valid: {error}"]}) from None
    return parameters


def _activate(
    *,
    actor: Any,
    parameters: dict[str, Any],
    note: str,
    restored_from: MatchModelVersion | None = None,
    training: dict[str, Any] | None = None,
) -> MatchModelVersion:
    try:
        with transaction.atomic():
            current = MatchModelVersion.objects.select_for_update().filter(active=True).first()
            before = current.parameters if current else linkage.MatchModel.default().to_dict()
            changes = audit.diff(flatten(before), flatten(parameters))
            if not changes:
                raise ValidationError({"__all__": [_SAME]})
            MatchModelVersion.objects.filter(active=True).update(active=False)
            version = MatchModelVersion.objects.create(
                parameters=parameters,
                note=note,
                created_by=actor,
                active=True,
                restored_from=restored_from,
                training=training or {},
            )
            replaced = f"version {current.pk}" if current else "the default model"
            detail = f"replaces {replaced}"
            if restored_from is not None:
                detail = f"restores version {restored_from.pk}; {detail}"
            if training:
                detail = (
                    f"trained on {training['children']} incident children and a roll of "
                    f"{training['roll']} pupils; {detail}"
                )
            audit.record(
                action=AuditAction.CREATE,
                record_type=RECORD_TYPE,
                record_id=version.pk,
                actor=actor,
                changes=changes,
                detail=detail,
            )
    except IntegrityError as error:  # another administrator saved a moment ago
        raise ValidationError(
            {"__all__": ["Someone else changed the model at the same moment: try again"]}
        ) from error
    return version


def match_model_save(*, actor: Any, model: linkage.MatchModel, note: str) -> MatchModelVersion:
    """Store ``model`` as a new version and make it the one live matching uses."""
    if not policies.can_manage_match_model(actor):
        raise PermissionDenied
    return _activate(actor=actor, parameters=_checked(model), note=_note(note))


def match_model_restore(
    *, actor: Any, version: MatchModelVersion, note: str = ""
) -> MatchModelVersion:
    """Bring back an earlier version's numbers as a new active version (history stays linear)."""
    if not policies.can_manage_match_model(actor):
        raise PermissionDenied
    try:
        model = linkage.MatchModel.from_dict(version.parameters)
    except ValueError as error:
        raise ValidationError(
            {"__all__": [f"Version {version.pk} no longer fits this release: {error}"]}
        ) from None
    note = note.strip() or f"Restored version {version.pk}"
    return _activate(
        actor=actor, parameters=_checked(model), note=_note(note), restored_from=version
    )


def match_model_train(
    *,
    actor: Any,
    children: Sequence[linkage.Person],
    roll: Sequence[linkage.Person],
    note: str,
    max_pairs: float = training.DEFAULT_MAX_PAIRS,
) -> MatchModelVersion:
    """Estimate the model in use afresh from ``children`` against ``roll`` and store the result
    as a new active version, with what the training changed (``MatchModelVersion.training``).

    Slow (a minute or more on a full roll): run it from the command line or a background task,
    never in a web request. ``actor`` None is the command line, as for the importers.
    """
    if actor is not None and not policies.can_manage_match_model(actor):
        raise PermissionDenied
    note = _note(note)
    current = MatchModelVersion.objects.filter(active=True).first()
    before = (
        linkage.MatchModel.from_dict(current.parameters)
        if current
        else linkage.MatchModel.default()
    )
    result = training.train(children, roll, before, max_pairs=max_pairs)
    return _activate(
        actor=actor,
        parameters=_checked(result.model),
        note=note,
        training=result.report(),
    )


# --- early years settings -----------------------------------------------------------------

# An Ofsted URN: EY and six digits (older registrations) or six or seven digits (newer ones).
_OFSTED_URN = re.compile(r"EY[0-9]{6}|[0-9]{6,7}")


def early_years_setting_register(
    *, actor: Any, ofsted_urn: str, name: str, la_code: str, postcode: str = ""
) -> Any:
    """Register a nursery or other early years setting, known by its Ofsted URN.

    Operation Encompass now reaches early years settings as it reaches schools, so a setting is
    an organisation of the kernel's school kind marked ``early_years`` (everything told to a
    school, its key adults, its calendar and its roll work for it unchanged), with an
    establishment record saying it is an early years setting. Its URN is the Ofsted number,
    ``EY`` and six digits or six or seven digits, stored in capitals without spaces, the form
    the police record and the roll files give (``normalise.school_urn``).
    """
    from safeguard.children.models import EARLY_YEARS_PHASE, EARLY_YEARS_TYPE, Establishment
    from safeguard.core.models import Organisation
    from safeguard.core.models.organisations import OrganisationKind

    urn = "".join(ofsted_urn.split()).upper()
    if not _OFSTED_URN.fullmatch(urn):
        raise ValidationError(
            {
                "ofsted_urn": "Enter the setting's Ofsted URN: EY and 6 digits, like EY123456,"
                " or 6 or 7 digits, like 2123456"
            }
        )
    if not name.strip():
        raise ValidationError({"name": "Enter the setting's name"})
    with transaction.atomic():
        setting, created = Organisation.objects.get_or_create(
            urn=urn,
            defaults={
                "name": name.strip(),
                "kind": OrganisationKind.SCHOOL,
                "la_code": la_code,
                "early_years": True,
            },
        )
        if setting.kind != OrganisationKind.SCHOOL:
            raise ValidationError({"ofsted_urn": "This URN belongs to another organisation"})
        if not created and not setting.early_years:
            raise ValidationError(
                {"ofsted_urn": f"This URN is already the DfE URN of {setting.name}, a school"}
            )
        Establishment.objects.update_or_create(
            organisation=setting,
            defaults={
                "urn": urn,
                "la_code": la_code,
                "phase": EARLY_YEARS_PHASE,
                "type_of_establishment": EARLY_YEARS_TYPE,
                "status": "Open",
                "postcode": postcode,
            },
        )
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type="core.organisation",
            record_id=setting.pk,
            actor=actor,
            changes={"early_years_setting": [None, urn]},
        )
    return setting
