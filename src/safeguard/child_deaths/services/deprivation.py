"""The English Indices of Deprivation lookup: areas (LSOAs) with their IMD decile and the
postcodes in each, imported all or nothing by an administrator (``importers.deprivation``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Death, DeprivationArea, PostcodeArea
from safeguard.child_deaths.services import _common
from safeguard.children import normalise
from safeguard.core import audit
from safeguard.core.models.audit import AuditAction


def decile_of(postcode: str) -> int | None:
    code = normalise.postcode(postcode)
    if code is None:
        return None
    lsoa = PostcodeArea.objects.filter(postcode=code).values_list("lsoa_code", flat=True).first()
    if lsoa is None:
        return None
    return rules.decile_for(
        code,
        postcode_areas={code: lsoa},
        area_deciles=dict(
            DeprivationArea.objects.filter(lsoa_code=lsoa).values_list("lsoa_code", "imd_decile")
        ),
    )


def deprivation_replace(
    *, actor: Any, areas: list[dict[str, Any]], postcodes: list[tuple[str, str]]
) -> int:
    """Replace the lookup with a new file's rows and work out every death's decile again.
    Returns how many deaths changed decile. The rows were checked by the importer."""
    with transaction.atomic():
        if areas:
            DeprivationArea.objects.all().delete()
            DeprivationArea.objects.bulk_create(DeprivationArea(**area) for area in areas)
        if postcodes:
            PostcodeArea.objects.all().delete()
            PostcodeArea.objects.bulk_create(
                PostcodeArea(postcode=postcode, lsoa_code=lsoa) for postcode, lsoa in postcodes
            )
        changed = 0
        for death in Death.objects.all():
            decile = decile_of(death.home_postcode)
            if decile != death.deprivation_decile:
                death.deprivation_decile = decile
                death.save(update_fields=["deprivation_decile"])
                changed += 1
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_common.AREA,
            actor=actor,
            changes={"areas": len(areas), "postcodes": len(postcodes), "deaths": changed},
        )
    return changed
