"""The coverage matrix: community × facility type from the stored gap assessment, each cell
coloured by its status. The page (static/dashboard/dashboard.css) and the workbook use the same
colours, named here once."""

from django.db.models import Exists, OuterRef, Prefetch

from communities.choices import FacilityType, GapStatus
from communities.models import Community, GapAssessment

# Background of a cell by status (hex RGB); dashboard.css declares the same for .gap-<status>.
STATUS_FILLS = {
    GapStatus.MEETS: "D1E7DD",
    GapStatus.BELOW: "FFF3CD",
    GapStatus.OUT_OF_RADIUS: "FFE0C2",
    GapStatus.MISSING: "F8D7DA",
}
NOT_ASSESSED_FILL = "E9ECEF"


def coverage_rows(user, *, subdistrict=None, route="", facility_type="", status=""):
    """Communities the user may see with their stored rows in the order of the seven types;
    ``facility_type`` and ``status`` keep the communities whose type has that status."""
    communities = Community.objects.restrict(user).select_related("subdistrict")
    if subdistrict:
        communities = communities.filter(subdistrict=subdistrict)
    if route:
        communities = communities.filter(route=route)
    if facility_type in FacilityType.values and status in GapStatus.values:
        communities = communities.filter(
            Exists(
                GapAssessment.objects.filter(
                    community=OuterRef("pk"), facility_type=facility_type, status=status
                )
            )
        )
    return communities.order_by("subdistrict__code", "code").prefetch_related(
        Prefetch("gap_assessments", queryset=GapAssessment.objects.select_related("community"))
    )


def cells(community) -> list:
    """The community's stored row of each of the seven types (None where not assessed)."""
    by_type = {row.facility_type: row for row in community.gap_assessments.all()}
    return [by_type.get(facility_type) for facility_type in FacilityType.values]
