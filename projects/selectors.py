"""Reads of the projects app: lists with their joins, and the development-block unit rule."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from communities.choices import FacilityType

from .models import DevelopmentBlock, GapFillingPlan, ReviewOpinion

MU_PER_UNIT = Decimal("400")
PEOPLE_PER_UNIT = 10_000


def plan_list(*, user):
    """Plans the user may see, with what the list shows, in a fixed number of queries."""
    return (
        GapFillingPlan.objects.restrict(user)
        .select_related("subdistrict", "community")
        .annotate(line_item_count=Count("line_items"))
        .order_by("-year", "subdistrict__code", "community__code", "pk")
    )


def plan_detail(*, user):
    """Plans the user may see, with everything the plan page shows."""
    return (
        GapFillingPlan.objects.restrict(user)
        .select_related("subdistrict", "community", "created_by")
        .prefetch_related(
            "line_items",
            "attachments",
            "progress_reports",
            "space_allocations__space",
            Prefetch(
                "opinions",
                queryset=ReviewOpinion.objects.select_related("department", "reviewer").order_by(
                    "-review_round", "department__code"
                ),
            ),
            "status_changes__actor",
        )
    )


@dataclass
class UnitRequirement:
    """How many integrated units a block needs, and why."""

    by_area: int
    by_population: int
    required: int
    reasoning: str
    warnings: list[str] = field(default_factory=list)


def block_requirement(block: DevelopmentBlock, units=None) -> UnitRequirement:
    """Units = max(ceil(area / 400 亩), ceil(population / 10,000)), with a warning per gap."""
    by_area = math.ceil(block.area_mu / MU_PER_UNIT)
    by_population = math.ceil(block.planned_population / PEOPLE_PER_UNIT)
    required = max(by_area, by_population)
    reasoning = _(
        "Land area %(area)s 亩 ÷ 400 = %(area_units)s unit(s) (rounded up); planned population "
        "%(population)s ÷ 10,000 = %(population_units)s unit(s) (rounded up); the larger, "
        "%(required)s, is required."
    ) % {
        "area": f"{block.area_mu:,.2f}",
        "area_units": by_area,
        "population": f"{block.planned_population:,}",
        "population_units": by_population,
        "required": required,
    }
    units = list(block.units.all()) if units is None else units
    warnings = []
    if len(units) < required:
        warnings.append(
            _("Only %(planned)s of the %(required)s required units are planned.")
            % {"planned": len(units), "required": required}
        )
    for unit in units:
        missing = [
            label for value, label in FacilityType.choices if value not in unit.facility_types
        ]
        if missing:
            warnings.append(
                _("%(unit)s lacks: %(types)s.")
                % {"unit": unit.name or unit, "types": "、".join(str(m) for m in missing)}
            )
    return UnitRequirement(by_area, by_population, required, reasoning, warnings)
