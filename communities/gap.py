"""The gap assessment of one facility type in one community, as numbers (status, what the
community has, what the standard needs, the shortfall), from which every page and sheet writes
its sentence in the reader's language. Stored per community and type by
``services.gap_assessments_refresh``; pages read the stored rows."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import PRIORITY_FACILITY_TYPES, GapStatus, StandardKind

# Points of each status in the 0–100 score; "一老一小" weigh double.
GAP_POINTS = {
    GapStatus.MEETS: 100,
    GapStatus.BELOW: 50,
    GapStatus.OUT_OF_RADIUS: 50,
    GapStatus.MISSING: 0,
}
UNIT_AREA, UNIT_PLACES = "area", "places"


def weight_of(facility_type: str) -> int:
    """How much a facility type counts in the score: "一老一小" twice."""
    return 2 if facility_type in PRIORITY_FACILITY_TYPES else 1


@dataclass(frozen=True)
class Assessed:
    """The outcome for one type: status and, where the standard measures, the numbers."""

    status: str
    have: Decimal | None = None
    need: Decimal | None = None
    unit: str = ""
    radius_minutes: int | None = None

    @property
    def shortfall(self) -> Decimal | None:
        if self.have is None or self.need is None or self.have >= self.need:
            return None
        return self.need - self.have


def assess_type(community, facilities, standard) -> Assessed:
    """The status of one facility type from its existing facilities and the standard."""
    radius = standard.radius_minutes if standard else None
    if not facilities:
        return Assessed(GapStatus.MISSING, radius_minutes=radius)
    within = [
        f
        for f in facilities
        if f.walking_minutes is None or radius is None or f.walking_minutes <= radius
    ]
    if not within:
        return Assessed(GapStatus.OUT_OF_RADIUS, radius_minutes=radius)
    if standard is None or standard.kind == StandardKind.MUST_EXIST:
        return Assessed(GapStatus.MEETS, radius_minutes=radius)
    if standard.kind == StandardKind.AREA_PER_100_HOUSEHOLDS:
        have = sum((f.floor_area for f in within), Decimal("0"))
        need = standard.minimum * Decimal(community.households) / 100
        unit = UNIT_AREA
    else:
        have = Decimal(sum(f.places or 0 for f in within))
        need = standard.minimum * Decimal(community.population) / 1000
        unit = UNIT_PLACES
    need = need.quantize(Decimal("0.1"))
    status = GapStatus.MEETS if have >= need else GapStatus.BELOW
    return Assessed(status, have=have, need=need, unit=unit, radius_minutes=radius)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def unit_label(unit: str) -> str:
    return pgettext("unit", "m²") if unit == UNIT_AREA else pgettext("unit", "places")


def reason(assessed: Assessed) -> str:
    """The sentence that explains the status, in the active language."""
    if assessed.status == GapStatus.MISSING:
        return _("No existing facility of this type.")
    if assessed.status == GapStatus.OUT_OF_RADIUS:
        return _("Every facility is more than %(minutes)s minutes' walk away.") % {
            "minutes": assessed.radius_minutes
        }
    if assessed.have is None:
        return _("A facility exists within the service radius.")
    return _("%(have)s %(unit)s against a minimum of %(need)s %(unit)s.") % {
        "have": _number(assessed.have),
        "need": assessed.need.quantize(Decimal("0.1")),
        "unit": unit_label(assessed.unit),
    }


def shortfall_words(assessed: Assessed, community) -> str:
    """The shortfall in words, e.g. "38 places; the standard for 10,000 residents needs 46"."""
    if assessed.status != GapStatus.BELOW or assessed.have is None:
        return reason(assessed)
    if assessed.unit == UNIT_PLACES:
        basis = _("the standard for %(n)s residents needs %(need)s") % {
            "n": f"{community.population:,}",
            "need": _number(assessed.need),
        }
    else:
        basis = _("the standard for %(n)s households needs %(need)s") % {
            "n": f"{community.households:,}",
            "need": _number(assessed.need),
        }
    return _("%(have)s %(unit)s; %(basis)s (%(short)s short)") % {
        "have": _number(assessed.have),
        "unit": unit_label(assessed.unit),
        "basis": basis,
        "short": _number(assessed.shortfall),
    }
