"""Retention: every record type has a class; a daily pass removes or anonymises what expired.

The schedule itself (which class each record type has, and how its expiry is found) is one
table for the whole service, ``safeguard/retention_schedule.py``, named by the setting
``RETENTION_SCHEDULE`` so that the kernel imports no module (ADR 0019). This file is the
machinery: the kinds of action, the check that every record type has a rule, and the pass.

Each record is removed or anonymised in a transaction of its own, with an audit row saying
which record, under which class: the audit trail keeps the fact of the deletion (a new row;
the trail itself is never edited). A record the database will not let go (another record
still points at it) is left, and the pass reports it with the reason.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, models, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from safeguard.core import audit
from safeguard.core.models import RetentionRun
from safeguard.core.models.audit import AuditAction

logger = logging.getLogger("safeguard.retention")

# A pass stops after this many records of one type, so a first run on old data stays short;
# the next day's pass takes the rest.
DEFAULT_LIMIT = 5000


class Action(enum.StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"  # kept for as long as the class says (permanently, or while in use)
    WITH_PARENT = "with_parent"  # removed with the record it belongs to (a cascade)
    REVIEW = "review"  # the data protection officer reviews it: nothing automatic


ACTION_LABELS = {
    Action.DELETE: "Deleted",
    Action.ANONYMISE: "Anonymised",
    Action.KEEP: "Kept",
    Action.WITH_PARENT: "Deleted with the record it belongs to",
    Action.REVIEW: "Reviewed by the data protection officer",
}

Expiry = Callable[[QuerySet[Any], date], QuerySet[Any]]


@dataclass(frozen=True)
class RetentionClass:
    code: str
    label: str
    period: str
    basis: str


@dataclass(frozen=True)
class Rule:
    """The retention of one record type (``model`` as ``app_label.ModelName``)."""

    model: str
    retention_class: str
    action: Action
    # The records of this type that have expired by the given day (DELETE and ANONYMISE).
    expired: Expiry | None = None
    # ANONYMISE: field -> new value, or a function of the record giving it.
    anonymise: dict[str, Any] = field(default_factory=dict)
    # DELETE: reverse relations (accessor names) whose rows belong to this record and are
    # removed first, in the same transaction (those the database would otherwise refuse).
    remove_first: tuple[str, ...] = ()
    # WITH_PARENT: the record type this one is removed with.
    parent: str = ""
    note: str = ""

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def record_type(self) -> str:
        meta = self.model_class._meta
        return f"{meta.app_label}.{meta.model_name}"

    @property
    def acts(self) -> bool:
        return self.action in (Action.DELETE, Action.ANONYMISE)


@dataclass(frozen=True)
class Schedule:
    classes: dict[str, RetentionClass]
    rules: list[Rule]
    # Apps whose every model must have a rule.
    apps: tuple[str, ...]


@cache
def _load(path: str) -> Schedule:
    loaded: Schedule = import_string(path)
    return loaded


def schedule() -> Schedule:
    return _load(settings.RETENTION_SCHEDULE)


def schedule_problems(chosen: Schedule | None = None) -> list[str]:
    """What is wrong with the schedule: a record type without a rule, a rule naming an unknown
    model or class, a rule that cannot act. Empty when the schedule is complete."""
    chosen = chosen or schedule()
    problems: list[str] = []
    seen: set[str] = set()
    for rule in chosen.rules:
        try:
            model = rule.model_class
        except LookupError:
            problems.append(f"{rule.model}: no such record type")
            continue
        label = model._meta.label
        if label in seen:
            problems.append(f"{label}: more than one rule")
        seen.add(label)
        if rule.retention_class not in chosen.classes:
            problems.append(f"{label}: unknown retention class {rule.retention_class}")
        if rule.acts and rule.expired is None:
            problems.append(f"{label}: {rule.action} needs an expiry")
        if rule.action == Action.ANONYMISE and not rule.anonymise:
            problems.append(f"{label}: anonymise names no fields")
        if rule.action == Action.WITH_PARENT and not _cascades_from(model, rule.parent):
            problems.append(f"{label}: not removed with {rule.parent or 'a parent'} by cascade")
    for config in apps.get_app_configs():
        if config.name.startswith("safeguard.") and config.label not in chosen.apps:
            problems.append(f"{config.label}: a module the schedule does not cover")
    for app in chosen.apps:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label not in seen:
                problems.append(f"{model._meta.label}: no retention rule")
    return problems


def _cascades_from(model: type[models.Model], parent: str) -> bool:
    for candidate in model._meta.concrete_fields:
        if (
            isinstance(candidate, models.ForeignKey)
            and candidate.related_model is not None
            and candidate.related_model._meta.label == parent  # type: ignore[union-attr]
            and candidate.remote_field.on_delete is models.CASCADE
        ):
            return True
    return False


@dataclass
class Outcome:
    model: str
    retention_class: str
    action: str
    expired: int = 0
    done: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "retention_class": self.retention_class,
            "action": self.action,
            "expired": self.expired,
            "done": self.done,
            "failed": self.failed,
            "failures": self.failures[:20],
        }


def _expired_ids(rule: Rule, today: date, limit: int) -> tuple[int, list[Any]]:
    assert rule.expired is not None
    found = rule.expired(rule.model_class._default_manager.all(), today)
    ids = list(found.order_by("pk").values_list("pk", flat=True).distinct()[: limit + 1])
    return len(ids), ids[:limit]


def _still_expired(rule: Rule, pk: Any, today: date) -> Any:
    """The record, locked, if it is still expired (checked again inside its transaction)."""
    assert rule.expired is not None
    manager = rule.model_class._default_manager
    record = manager.select_for_update().filter(pk=pk).first()
    if record is None or not rule.expired(manager.filter(pk=pk), today).exists():
        return None
    return record


def _delete_one(rule: Rule, pk: Any, today: date) -> bool:
    """Delete one expired record (and what belongs to it); False if it is no longer expired."""
    assert rule.expired is not None
    with transaction.atomic():
        record = _still_expired(rule, pk, today)
        if record is None:
            return False
        removed = 0
        for accessor in rule.remove_first:
            try:
                related = getattr(record, accessor)
            except ObjectDoesNotExist:  # a one-to-one relation with no row
                continue
            rows = related.all() if hasattr(related, "all") else [related]
            for row in rows:
                removed += row.delete()[0]
        removed += record.delete()[0]
        audit.record(
            action=AuditAction.DELETE,
            record_type=rule.record_type,
            record_id=pk,
            detail=f"retention: {rule.retention_class}; {removed} row(s) removed",
        )
    return True


def _anonymise_one(rule: Rule, pk: Any, today: date) -> bool:
    assert rule.expired is not None
    with transaction.atomic():
        record = _still_expired(rule, pk, today)
        if record is None:
            return False
        for name, value in rule.anonymise.items():
            setattr(record, name, value(record) if callable(value) else value)
        record.save(update_fields=list(rule.anonymise))
        audit.record(
            action=AuditAction.UPDATE,
            record_type=rule.record_type,
            record_id=pk,
            changes={name: "anonymised" for name in sorted(rule.anonymise)},
            detail=f"retention: {rule.retention_class}; anonymised",
        )
    return True


def _apply(rule: Rule, today: date, *, dry_run: bool, limit: int) -> Outcome:
    outcome = Outcome(rule.model, rule.retention_class, str(rule.action))
    if not rule.acts:
        return outcome
    count, ids = _expired_ids(rule, today, limit)
    outcome.expired = count
    if dry_run:
        return outcome
    act = _delete_one if rule.action == Action.DELETE else _anonymise_one
    for pk in ids:
        try:
            if act(rule, pk, today):
                outcome.done += 1
        except ProtectedError as exc:
            outcome.failed += 1
            holders = sorted({type(o)._meta.label for o in exc.protected_objects})
            outcome.failures.append(f"{pk}: still referred to by {', '.join(holders)}")
        except DatabaseError as exc:
            outcome.failed += 1
            outcome.failures.append(f"{pk}: {type(exc).__name__}")
    if outcome.done or outcome.failed:
        logger.info("retention %s: %s done, %s failed", rule.model, outcome.done, outcome.failed)
    return outcome


def retention_run(
    *, today: date | None = None, dry_run: bool = False, limit: int = DEFAULT_LIMIT
) -> RetentionRun:
    """Apply the schedule as of ``today``; ``dry_run`` counts what has expired, changing nothing
    (not even the run's own record: a dry run is not stored)."""
    as_of = today or timezone.localdate()
    started = timezone.now()
    outcomes = [_apply(rule, as_of, dry_run=dry_run, limit=limit) for rule in schedule().rules]
    run = RetentionRun(
        started_at=started,
        finished_at=timezone.now(),
        as_of=as_of,
        dry_run=dry_run,
        summary=[o.as_dict() for o in outcomes if o.expired or o.done or o.failed],
    )
    if not dry_run:
        with transaction.atomic():
            run.save()
            audit.record(
                action=AuditAction.UPDATE,
                record_type="core.retentionrun",
                record_id=run.pk,
                detail=f"retention pass: {sum(o.done for o in outcomes)} record(s) removed or"
                f" anonymised, {sum(o.failed for o in outcomes)} left",
            )
    return run


def retention_daily() -> RetentionRun | None:
    """The worker's periodic job: one real pass a day however many workers run."""
    today = timezone.localdate()
    if settings.RETENTION_PAUSED:
        logger.info("retention paused by SAFEGUARD_RETENTION_PAUSED: nothing removed")
        return None
    if RetentionRun.objects.filter(as_of=today, dry_run=False).exists():
        return None
    return retention_run(today=today)


def rules_by_class() -> list[tuple[RetentionClass, list[Rule]]]:
    chosen = schedule()
    grouped: dict[str, list[Rule]] = {code: [] for code in chosen.classes}
    for rule in chosen.rules:
        grouped.setdefault(rule.retention_class, []).append(rule)
    return [(chosen.classes[code], rules) for code, rules in grouped.items() if rules]


def verbose_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except LookupError:
        return label


def labels(rules: Iterable[Rule]) -> list[str]:
    return [verbose_name(rule.model) for rule in rules]
