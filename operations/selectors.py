"""Reads of the operations app that need joins: the 1+N chains and the community panel."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.choices import FacilityType
from communities.models import Community
from communities.roles import Role, has_role
from communities.worklist import WorkItem, counted

from .choices import AssessmentState, ContractState, ReportState, ServiceLevel
from .models import (
    AssessmentScheme,
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from .report import Rules
from .roles import ASSESSMENT_READERS, CONTRACT_READERS, CONTRACT_WRITERS, SATISFACTION_READERS


def active_scheme_weights() -> dict[str, int]:
    """The weight of each operation kind in the scheme in use; empty when none is in use."""
    scheme = AssessmentScheme.objects.filter(is_active=True).first()
    return scheme.weights() if scheme else {}


def low_satisfaction_below():
    """The score under which resident satisfaction puts a subdistrict on the supervise list."""
    return Rules.current().low_satisfaction_below


def operator_contracts(*, operator: Operator, user):
    """The operator's contracts the user may see, with their facilities."""
    return (
        OperatingContract.objects.restrict(user)
        .filter(operator=operator)
        .select_related("subdistrict")
        .prefetch_related("facilities__community")
        .order_by("subdistrict__code", "service_level", "-starts_on")
    )


def contract_assessments(*, user, **filters):
    """Assessments of operating contracts that the user may see, newest period first."""
    if not has_role(user, *ASSESSMENT_READERS):
        return OperationsAssessment.objects.none()
    return (
        OperationsAssessment.objects.restrict(user)
        .filter(contract__isnull=False, **filters)
        .select_related("contract")
        .order_by("-period", "pk")
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


def community_panel(community: Community, user=None) -> dict:
    """What the community page shows of operations: satisfaction, contracts, assessments.

    Given the user, each part is left out (None) unless the user's roles may read it.
    """

    def readable(roles) -> bool:
        return user is None or has_role(user, *roles)

    today = timezone.localdate()
    scores = None
    if readable(SATISFACTION_READERS):
        scores = list(SatisfactionScore.objects.filter(community=community).order_by("-period")[:6])
    contracts = None
    if readable(CONTRACT_READERS):
        contracts = list(
            OperatingContract.objects.filter(
                facilities__community=community,
                state=ContractState.ACTIVE,
                starts_on__lte=today,
                ends_on__gte=today,
            )
            .select_related("operator")
            .distinct()
            .order_by("starts_on")
        )
    assessments = None
    if readable(ASSESSMENT_READERS):
        assessments = list(
            OperationsAssessment.objects.filter(
                project__community=community, state=AssessmentState.CONFIRMED
            ).order_by("-period")[:4]
        )
    return {
        "community": community,
        "satisfaction_scores": scores,
        "latest_satisfaction": scores[0] if scores else None,
        "contracts": contracts,
        "assessments": assessments,
    }


def months_with_a_failed_report():
    """Months whose latest report failed: none built since, none building."""
    later = SupervisionReport.objects.filter(
        period=OuterRef("period"), pk__gt=OuterRef("pk")
    ).exclude(state=ReportState.FAILED)
    return (
        SupervisionReport.objects.filter(state=ReportState.FAILED)
        .exclude(Exists(later))
        .values("period")
        .distinct()
    )


# How far ahead the to-do list warns of contracts that run out, so they can be renewed in time.
CONTRACT_RENEWAL_NOTICE = timedelta(days=60)


def worklist_for(user) -> list[WorkItem]:
    """Contracts running out soon for those who sign them; assessments waiting for the
    assessor's confirmation; failed reports for supervisors."""
    items = []
    if has_role(user, *CONTRACT_WRITERS):
        today = timezone.localdate()
        ends_by = today + CONTRACT_RENEWAL_NOTICE
        items.append(
            WorkItem(
                _("Operating contracts ending within 60 days"),
                OperatingContract.objects.restrict(user)
                .filter(state=ContractState.ACTIVE, ends_on__gte=today, ends_on__lte=ends_by)
                .count(),
                f"{reverse('operations:contract_list')}?state=active"
                f"&active_on={today:%Y-%m-%d}&ends_by={ends_by:%Y-%m-%d}",
            )
        )
    if has_role(user, Role.OPERATIONS_ASSESSOR):
        items.append(
            WorkItem(
                _("Submitted assessments to confirm"),
                OperationsAssessment.objects.filter(state=AssessmentState.SUBMITTED).count(),
                f"{reverse('operations:assessment_list')}?state=submitted",
            )
        )
    if has_role(user, Role.SUPERVISOR):
        items.append(
            WorkItem(
                _("Supervision reports that failed"),
                months_with_a_failed_report().count(),
                f"{reverse('operations:report_list')}?state=failed",
            )
        )
    return counted(items)
