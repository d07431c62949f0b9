"""Reads of the communities app: counts, community pages and the gap assessment."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import PRIORITY_FACILITY_TYPES, FacilityStatus, FacilityType, GapStatus, Route
from .models import Community, Facility, FacilityStandard, StandardKind

GAP_POINTS = {
    GapStatus.MEETS: 100,
    GapStatus.BELOW: 50,
    GapStatus.OUT_OF_RADIUS: 50,
    GapStatus.MISSING: 0,
}


def community_counts(*, user) -> dict:
    """Communities the user may see, counted by route and by subdistrict, in two queries."""
    communities = Community.objects.restrict(user)
    per_route = {f"n_{route}": Count("id", filter=Q(route=route)) for route in Route.values}
    by_subdistrict = list(
        communities.values("subdistrict__code", "subdistrict__name")
        .annotate(total=Count("id"), **per_route)
        .order_by("subdistrict__code")
    )
    totals = {key: sum(row[key] for row in by_subdistrict) for key in per_route}
    by_route = [(route, label, totals[f"n_{route}"]) for route, label in Route.choices]
    return {
        "total": sum(row["total"] for row in by_subdistrict),
        "by_route": by_route,
        "by_subdistrict": by_subdistrict,
    }


def standards_in_force(year: int) -> dict[str, FacilityStandard]:
    """For each facility type, the newest standard effective in the given year."""
    in_force: dict[str, FacilityStandard] = {}
    for standard in FacilityStandard.objects.filter(effective_from_year__lte=year).order_by(
        "facility_type", "effective_from_year"
    ):
        in_force[standard.facility_type] = standard
    return in_force


@dataclass(frozen=True)
class GapLine:
    """The assessment of one facility type in one community, with the reason."""

    facility_type: str
    label: str
    status: str
    status_label: str
    reason: str
    is_priority: bool


def _assess_type(community, facilities, standard) -> tuple[str, str]:
    """The status of one facility type and the sentence that explains it."""
    if not facilities:
        return GapStatus.MISSING, _("No existing facility of this type.")
    radius = standard.radius_minutes if standard else None
    within = [
        f
        for f in facilities
        if f.walking_minutes is None or radius is None or f.walking_minutes <= radius
    ]
    if not within:
        return GapStatus.OUT_OF_RADIUS, _(
            "Every facility is more than %(minutes)s minutes' walk away."
        ) % {"minutes": radius}
    if standard is None or standard.kind == StandardKind.MUST_EXIST:
        return GapStatus.MEETS, _("A facility exists within the service radius.")
    if standard.kind == StandardKind.AREA_PER_100_HOUSEHOLDS:
        have = sum((f.floor_area for f in within), Decimal("0"))
        need = standard.minimum * Decimal(community.households) / 100
        unit = pgettext("unit", "m²")
    else:
        have = Decimal(sum(f.places or 0 for f in within))
        need = standard.minimum * Decimal(community.population) / 1000
        unit = pgettext("unit", "places")
    need = need.quantize(Decimal("0.1"))
    detail = _("%(have)s %(unit)s against a minimum of %(need)s %(unit)s.") % {
        "have": f"{have.normalize():f}",
        "need": need,
        "unit": unit,
    }
    return (GapStatus.MEETS if have >= need else GapStatus.BELOW), detail


def gap_assessment(community: Community, *, year: int, facilities=None, standards=None) -> dict:
    """Each facility type's status against the standards in force, and the 0–100 score.

    "一老一小" (elderly care and childcare) weigh double in the score.
    """
    if facilities is None:
        facilities = list(community.facilities.all())
    existing = [f for f in facilities if f.status == FacilityStatus.EXISTING]
    if standards is None:
        standards = standards_in_force(year)
    lines = []
    points = weights = 0
    for facility_type, label in FacilityType.choices:
        of_type = [f for f in existing if f.facility_type == facility_type]
        status, reason = _assess_type(community, of_type, standards.get(facility_type))
        weight = 2 if facility_type in PRIORITY_FACILITY_TYPES else 1
        points += GAP_POINTS[status] * weight
        weights += weight
        lines.append(
            GapLine(
                facility_type=facility_type,
                label=label,
                status=status,
                status_label=GapStatus(status).label,
                reason=reason,
                is_priority=facility_type in PRIORITY_FACILITY_TYPES,
            )
        )
    score = (Decimal(points) / Decimal(weights)).quantize(Decimal("0.1"))
    return {"lines": lines, "score": score, "year": year}


def community_facilities(community: Community):
    """The community's facilities in display order."""
    return Facility.objects.filter(community=community).order_by("facility_type", "name")


@dataclass(frozen=True)
class PriorityEntry:
    """One community's place in the priority ranking, with the reasons for it."""

    rank: int
    community: Community
    priority_gaps: int
    facility_count: int
    score: Decimal
    reasons: list[str]


def priority_ranking(*, user, year: int, route: str | None = Route.GAP) -> list[PriorityEntry]:
    """Communities in the order the policy asks for (§三(一)): "一老一小" gaps first, then
    fewer facilities, then a lower assessment score. Three queries, whatever the count."""
    communities = Community.objects.restrict(user).select_related("subdistrict")
    if route:
        communities = communities.filter(route=route)
    communities = communities.prefetch_related("facilities")
    standards = standards_in_force(year)
    rows = []
    for community in communities:
        facilities = list(community.facilities.all())
        assessment = gap_assessment(
            community, year=year, facilities=facilities, standards=standards
        )
        gaps = [
            line
            for line in assessment["lines"]
            if line.is_priority and line.status != GapStatus.MEETS
        ]
        count = sum(1 for f in facilities if f.status == FacilityStatus.EXISTING)
        score = (
            community.assessment_score
            if community.assessment_score is not None
            else assessment["score"]
        )
        reasons = []
        if gaps:
            reasons.append(
                _("“One old, one young” gaps: %(types)s")
                % {"types": "、".join(f"{line.label}（{line.status_label}）" for line in gaps)}
            )
        reasons.append(_("%(count)s existing facilities") % {"count": count})
        reasons.append(_("assessment score %(score)s") % {"score": score})
        rows.append((community, len(gaps), count, score, reasons))
    rows.sort(key=lambda row: (-row[1], row[2], row[3], row[0].code))
    return [
        PriorityEntry(rank, community, gaps, count, score, reasons)
        for rank, (community, gaps, count, score, reasons) in enumerate(rows, start=1)
    ]
