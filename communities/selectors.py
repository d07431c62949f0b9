"""Reads of the communities app: counts, community pages and the gap assessment."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
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


def priority_ranked(*, user, route: str | None = Route.GAP, query: str = ""):
    """The communities in the policy's priority order (§三(一)) as one queryset, paginated in
    the database: ``priority_gaps`` ("一老一小" types short of the standard), ``facility_count``
    (existing facilities), ``priority_score`` (the register's assessment score, else the gap
    score) and ``rank``, the place in the whole route's order. The figures are the community's
    ``GapStanding``, stored with its gap assessment. The words of ``query`` narrow the rows
    after the rank is taken, so a found community keeps its rank."""
    communities = Community.objects.restrict(user).select_related("subdistrict")
    if route:
        communities = communities.filter(route=route)
    communities = communities.annotate(
        priority_gaps=Coalesce("gap_standing__priority_gaps", 0),
        facility_count=Coalesce("gap_standing__facility_count", 0),
        priority_score=Coalesce("assessment_score", "gap_standing__gap_score"),
    )
    order = (
        F("priority_gaps").desc(),
        F("facility_count").asc(),
        Coalesce("priority_score", Value(Decimal(-1))).asc(),
        F("code").asc(),
    )
    communities = communities.annotate(rank=Window(RowNumber(), order_by=order)).order_by(*order)
    words = query.lower().split()
    if words:
        found = Q()
        for word in words:
            found &= (
                Q(name__icontains=word)
                | Q(code__icontains=word)
                | Q(subdistrict__name__icontains=word)
            )
        # A window over the row alone: filtering on it keeps the rank of the whole order.
        communities = communities.annotate(
            found=Window(
                Max(Case(When(found, then=1), default=0, output_field=IntegerField())),
                partition_by=[F("pk")],
            )
        ).filter(found=1)
    return communities.prefetch_related(
        Prefetch(
            "gap_assessments",
            queryset=GapAssessment.objects.filter(facility_type__in=PRIORITY_FACILITY_TYPES)
            .exclude(status=GapStatus.MEETS)
            .order_by(*TYPE_ORDER),
            to_attr="priority_gap_rows",
        )
    )


def priority_reasons(community) -> list[str]:
    """Why a community of ``priority_ranked`` stands where it does, in the active language."""
    reasons = []
    gaps = community.priority_gap_rows
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
    reasons.append(_("%(count)s existing facilities") % {"count": community.facility_count})
    if community.priority_score is None:
        reasons.append(_("not assessed yet"))
    else:
        score = Decimal(community.priority_score).quantize(Decimal("0.01"))
        reasons.append(_("assessment score %(score)s") % {"score": score})
    return reasons


def priority_ranking(*, user, route: str | None = Route.GAP) -> list[PriorityEntry]:
    """The whole ranking as entries with their reasons (five queries, whatever the count)."""
    return [
        PriorityEntry(
            community.rank,
            community,
            community.priority_gaps,
            community.facility_count,
            community.priority_score,
            priority_reasons(community),
        )
        for community in priority_ranked(user=user, route=route)
    ]
