"""The MARAC's meetings and the DRAMM's attendance held as governance meetings (ADR 0025).

A MARAC meeting is a governance meeting of the MARAC group; a DRAMM board gets a governance
meeting of the DRAMM group only when its attendance is recorded (the board is a daily list,
not a meeting: a meeting a day would fill every list of meetings and open a minutes clock each
day). Both are made through ``governance.services.sittings`` after this module's policy has
allowed the person. Each group is found by name or, the first time, created (audited), so a
partnership that already keeps the MARAC or the DRAMM as a group meets in that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Group, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import GroupKind
from safeguard.domestic_abuse.agenda import DRAMM_KIND, KIND, list_key, meeting_link
from safeguard.domestic_abuse.models import LONDON, Board, MaracMeeting, held_on_day
from safeguard.governance.models import AttendanceStatus
from safeguard.governance.services import sittings

MARAC_NAME = "Multi-Agency Risk Assessment Conference (MARAC)"
MARAC_PURPOSE = "Multi-agency safety planning for victims of domestic abuse at high risk."
DRAMM_NAME = "Daily Risk Assessment Management Meeting (DRAMM)"
DRAMM_PURPOSE = "The three agencies' daily triage of the police's domestic abuse incidents."
MARAC_STARTS = time(10, 0)
DRAMM_STARTS = time(9, 0)


def _group(*, actor: Any, mark: str, name: str, purpose: str) -> Group:
    found = Group.objects.filter(name__icontains=mark, active=True).order_by("pk").first()
    if found is not None:
        return found
    group, created = Group.objects.get_or_create(
        name=name, defaults={"kind": GroupKind.PANEL, "purpose": purpose}
    )
    if created:
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.group",
            record_id=group.pk,
            actor=actor,
            changes={"name": [None, group.name], "kind": [None, group.kind]},
        )
    return group


def marac_group(*, actor: Any) -> Group:
    """The MARAC's group: the first active group named with "MARAC", or one made now."""
    return _group(actor=actor, mark="MARAC", name=MARAC_NAME, purpose=MARAC_PURPOSE)


def dramm_group(*, actor: Any) -> Group:
    return _group(actor=actor, mark="DRAMM", name=DRAMM_NAME, purpose=DRAMM_PURPOSE)


def marac_meeting_on(*, actor: Any, day: date) -> MaracMeeting:
    """The MARAC meeting held on ``day``, made (with its governance meeting) when there is none.

    The caller has checked the person may refer or record (``policies``) and holds a
    transaction. Its first agenda item is the meeting's case list, named without any case."""
    found = (
        MaracMeeting.objects.select_related("sitting")
        .filter(held_on_day(day))
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    sitting = sittings.sitting_record(
        actor=actor,
        group=marac_group(actor=actor),
        day=day,
        starts=MARAC_STARTS,
        title="MARAC case list",
        kind=KIND,
        key=list_key(day),
        link=meeting_link(day),
    )
    return MaracMeeting.objects.create(sitting=sitting)


def board_attendance_record(
    *, actor: Any, board: Board, attendees: Sequence[Person], now: datetime | None = None
) -> None:
    """The board's attendance as governance attendance by organisation (each attendee's
    organisation present), on the DRAMM group's meeting for the day, made now if needed."""
    moment = now or timezone.now()
    starts = DRAMM_STARTS
    if board.day == london_date(moment):
        starts = min(starts, moment.astimezone(LONDON).time().replace(second=0, microsecond=0))
    if board.sitting is None:
        board.sitting = sittings.sitting_record(
            actor=actor,
            group=dramm_group(actor=actor),
            day=board.day,
            starts=starts,
            title="DRAMM board",
            kind=DRAMM_KIND,
            key=f"board:{board.day.isoformat()}",
            link=f"/domestic-abuse/board/{board.day.isoformat()}/",
            now=moment,
        )
        board.save(update_fields=["sitting"])
    organisations = sorted({person.organisation_id for person in attendees})
    sittings.sitting_attendance_record(
        actor=actor,
        sitting=board.sitting,
        statuses={pk: AttendanceStatus.PRESENT for pk in organisations},
        now=moment,
    )
