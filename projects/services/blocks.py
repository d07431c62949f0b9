"""Writes to development blocks and their planned integrated units (task force only)."""

from typing import Any

from django.db import transaction

from communities.access import ensure_role
from communities.roles import Role

from ..models import BlockUnit, DevelopmentBlock
from ._common import save_checked

BLOCK_FIELDS = (
    "name",
    "subdistrict",
    "community",
    "area_mu",
    "planned_population",
    "is_pilot",
    "note",
)
UNIT_FIELDS = ("number", "name", "facility_types")


@transaction.atomic
def block_save(*, actor, block: DevelopmentBlock, fields: dict[str, Any]) -> DevelopmentBlock:
    """Create or change a development block's area, population and place."""
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    if block.pk:
        block = DevelopmentBlock.objects.select_for_update(of=("self",)).get(pk=block.pk)
    for name in BLOCK_FIELDS:
        if name in fields:
            setattr(block, name, fields[name])
    save_checked(block, actor=actor)
    return block


@transaction.atomic
def block_units_save(
    *, actor, block: DevelopmentBlock, units: list[dict[str, Any]]
) -> list[BlockUnit]:
    """Make the block's planned units exactly these: number, name and facility types."""
    ensure_role(actor, Role.TASKFORCE_APPROVER)
    block = DevelopmentBlock.objects.select_for_update(of=("self",)).get(pk=block.pk)
    # Units hold no history and nothing refers to them: replacing the list keeps renumbering simple.
    block.units.all().delete()
    saved = []
    for values in units:
        unit = BlockUnit(block=block, **{name: values[name] for name in UNIT_FIELDS})
        unit.full_clean()
        unit.save()
        saved.append(unit)
    return saved
