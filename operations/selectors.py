"""Reads of the operations app that need joins: the 1+N chains and the community panel."""

from collections import defaultdict

from django.utils import timezone

from communities.choices import FacilityType
from communities.models import Community

from .choices import AssessmentState, ContractState, ServiceLevel
from .models import OperatingContract, OperationsAssessment, Operator, SatisfactionScore


def operator_contracts(*, operator: Operator, user):
    """The operator's contracts the user may see, with their facilities."""
    return (
        OperatingContract.objects.restrict(user)
        .filter(operator=operator)
        .select_related("subdistrict")
        .prefetch_related("facilities__community")
        .order_by("subdistrict__code", "service_level", "-starts_on")
    )


def elderly_care_chains(contracts) -> list[dict]:
    """The elderly-care "1+N" chains in these contracts, per subdistrict: the subdistrict-level
    institution(s) and the community-level facilities run under active contracts."""
    chains = defaultdict(lambda: {"hubs": [], "members": []})
    for contract in contracts:
        if contract.state != ContractState.ACTIVE:
            continue
        for facility in contract.facilities.all():
            if facility.facility_type != FacilityType.ELDERLY_CARE:
                continue
            chain = chains[contract.subdistrict]
            key = "hubs" if contract.service_level == ServiceLevel.SUBDISTRICT else "members"
            chain[key].append(facility)
    return [
        {
            "subdistrict": subdistrict,
            "hubs": chain["hubs"],
            "members": chain["members"],
            "label": f"{len(chain['hubs'])}+{len(chain['members'])}",
            "is_complete": len(chain["hubs"]) == 1 and bool(chain["members"]),
        }
        for subdistrict, chain in sorted(chains.items(), key=lambda item: item[0].code)
    ]


def community_panel(community: Community) -> dict:
    """What the community page shows of operations: satisfaction, contracts, assessments."""
    today = timezone.localdate()
    scores = list(SatisfactionScore.objects.filter(community=community).order_by("-period")[:6])
    contracts = (
        OperatingContract.objects.filter(
            facilities__community=community,
            state=ContractState.ACTIVE,
            ends_on__gte=today,
        )
        .select_related("operator")
        .distinct()
        .order_by("starts_on")
    )
    assessments = OperationsAssessment.objects.filter(
        project__community=community, state=AssessmentState.CONFIRMED
    ).order_by("-period")[:4]
    return {
        "community": community,
        "satisfaction_scores": scores,
        "latest_satisfaction": scores[0] if scores else None,
        "contracts": list(contracts),
        "assessments": list(assessments),
    }
