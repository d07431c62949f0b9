"""Reads of the communities app: counts, community pages and the gap assessment."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import PRIORITY_FACILITY_TYPES, FacilityStatus, FacilityType, GapStatus, Route
from .gap import GAP_POINTS, assess_type, weight_of
from .gap import reason as explain
from .models import Community, Facility, FacilityStandard, GapAssessment


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
        assessed = assess_type(community, of_type, standards.get(facility_type))
        status, reason = assessed.status, explain(assessed)
        weight = weight_of(facility_type)
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


def stored_gap_assessment(community: Community) -> dict:
    """The stored assessment of one community, read rather than recomputed: its seven rows as
    lines with their reasons, and the score they make (one query)."""
    rows = list(community.gap_assessments.order_by(*TYPE_ORDER))
    lines = [
        GapLine(
            facility_type=row.facility_type,
            label=row.get_facility_type_display(),
            status=row.status,
            status_label=row.get_status_display(),
            reason=row.reason_text,
            is_priority=row.facility_type in PRIORITY_FACILITY_TYPES,
        )
        for row in rows
    ]
    return {
        "rows": rows,
        "lines": lines,
        "score": score_of(rows),
        # Not assessed yet: the standards it will be assessed against.
        "year": rows[0].year if rows else timezone.localdate().year,
    }


# "一老一小" first, then the policy's order of the seven types.
TYPE_ORDER = (
    Case(
        *(When(facility_type=value, then=index) for index, value in enumerate(FacilityType)),
        output_field=IntegerField(),
    ),
)


def score_of(rows) -> Decimal | None:
    """The 0–100 score of a community's stored rows: points weighted, "一老一小" double."""
    weights = sum(row.weight for row in rows)
    if not weights:
        return None
    points = sum(row.points * row.weight for row in rows)
    return (Decimal(points) / Decimal(weights)).quantize(Decimal("0.1"))


def priority_ranking(*, user, route: str | None = Route.GAP) -> list[PriorityEntry]:
    """Communities in the order the policy asks for (§三(一)): "一老一小" gaps first, then
    fewer facilities, then a lower assessment score (the register's, else the gap score), the
    gaps and the gap score read from the stored gap assessment. Three queries, whatever the
    count."""
    communities = Community.objects.restrict(user).select_related("subdistrict")
    if route:
        communities = communities.filter(route=route)
    communities = communities.annotate_facility_count().prefetch_related(
        Prefetch("gap_assessments", queryset=GapAssessment.objects.order_by(*TYPE_ORDER))
    )
    rows = []
    for community in communities:
        stored = list(community.gap_assessments.all())
        gaps = [
            row
            for row in stored
            if row.facility_type in PRIORITY_FACILITY_TYPES and row.status != GapStatus.MEETS
        ]
        count = community.facility_count
        # The register's assessment score where the task force recorded one, else the gap score.
        score = (
            community.assessment_score
            if community.assessment_score is not None
            else score_of(stored)
        )
        reasons = []
        if gaps:
            reasons.append(
                _("“One old, one young” gaps: %(types)s")
                % {
                    "types": "、".join(
                        f"{row.get_facility_type_display()}（{row.get_status_display()}）"
                        for row in gaps
                    )
                }
            )
        reasons.append(_("%(count)s existing facilities") % {"count": count})
        if score is None:
            reasons.append(_("not assessed yet"))
        else:
            reasons.append(_("assessment score %(score)s") % {"score": score})
        rows.append((community, len(gaps), count, score, reasons))
    rows.sort(key=lambda row: (-row[1], row[2], row[3] if row[3] is not None else -1, row[0].code))
    return [
        PriorityEntry(rank, community, gaps, count, score, reasons)
        for rank, (community, gaps, count, score, reasons) in enumerate(rows, start=1)
    ]
