"""Each date on the scorecard's own list of PMSG meetings becomes a governance meeting of the
PMSG, keeping who added it and when (ADR 0025, "The PMSG").

The PMSG is the first active group whose name says "performance" (the rule
``performance.agenda.is_pmsg`` uses); one named "Performance Management Subgroup" is created
when the partnership has none. Each date becomes a meeting of that group from 10:00 to 12:00
London time, made by whoever added the date, when they added it (the audit trail's record of
the addition: the old row kept neither); a date without that record is kept as made now by
nobody. A date on which the PMSG already has a meeting in governance adds nothing (it was
scheduled twice). Going back lists every date the PMSG has a meeting on again (the way back is
for development only: meetings scheduled in governance since are listed too).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def _the_pmsg(apps):
    Group = apps.get_model("core", "Group")
    found = (
        Group.objects.filter(active=True, name__icontains="performance").order_by("pk").first()
    )
    if found is None:
        found, _ = Group.objects.get_or_create(
            name="Performance Management Subgroup",
            defaults={"kind": "subgroup", "purpose": "The scorecard and data returns."},
        )
    return found


def forwards(apps, schema_editor):
    Dates = apps.get_model("performance", "Meeting")
    Sitting = apps.get_model("governance", "Meeting")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Person = apps.get_model("core", "Person")
    if not Dates.objects.exists():
        return
    pmsg = _the_pmsg(apps)
    for listed in Dates.objects.order_by("held_on"):
        starts_at = datetime.combine(listed.held_on, time(10, 0), tzinfo=LONDON)
        day_ends = datetime.combine(listed.held_on + timedelta(days=1), time(0), tzinfo=LONDON)
        if Sitting.objects.filter(
            group=pmsg,
            cancelled_at__isnull=True,
            starts_at__gte=datetime.combine(listed.held_on, time(0), tzinfo=LONDON),
            starts_at__lt=day_ends,
        ).exists():
            continue
        added = (
            AuditEvent.objects.filter(
                record_type="performance.meeting", record_id=str(listed.pk), action="create"
            )
            .order_by("seq")
            .first()
        )
        maker = None
        if added is not None and added.actor_id is not None:
            maker = Person.objects.filter(pk=added.actor_id).first()
        Sitting.objects.create(
            group=pmsg,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            created_at=added.occurred_at if added is not None else timezone.now(),
            created_by=maker,
        )


def backwards(apps, schema_editor):
    Dates = apps.get_model("performance", "Meeting")
    Sitting = apps.get_model("governance", "Meeting")
    Group = apps.get_model("core", "Group")
    groups = Group.objects.filter(name__icontains="performance")
    for starts_at in Sitting.objects.filter(
        group__in=groups, cancelled_at__isnull=True
    ).values_list("starts_at", flat=True):
        Dates.objects.get_or_create(held_on=starts_at.astimezone(LONDON).date())


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0006_indicator_unit_rate_per_10000_women"),
        ("governance", "0004_funding_priorities"),
        ("core", "0008_early_years_ofsted_urn"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
