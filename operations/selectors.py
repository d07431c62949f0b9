"""Reads of the operations app: who may change what, the scheme in use, the 1+N chains and
the community panel. Nothing here changes a row."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import CHANGE, VIEW, Rule, may
from communities.choices import FacilityType
from communities.models import Community
from communities.worklist import WorkItem, counted
from funding.choices import TrancheStage
from funding.models import Tranche
from projects.choices import FutureStage

from .choices import AssessmentState, ContractState, ReportState, ServiceLevel
from .lifecycles import ASSESSMENT, SUPERVISION_REPORT
from .models import (
    AssessmentScheme,
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from .report import Rules


def access_rule(model, action: str) -> Rule:
    """The access table's rule for an action on a model (``permissions.py``)."""
    return model._default_manager.get_queryset().rule_for(action)


def contract_writable_by(user, contract: OperatingContract) -> bool:
    """Whether the user may change or end the contract: its own subdistrict's staff, or an
    assessor."""
    return bool(may(user, CHANGE, contract))


def editable_operators(user):
    """The operators the user may change: assessors any; subdistrict staff only those that
    work for no subdistrict outside their reach, so one subdistrict never rewrites another's
    contract partner."""
    beyond_reach = OperatingContract.objects.exclude(
        pk__in=OperatingContract.objects.restrict(user, CHANGE).values("pk")
    )
    return Operator.objects.restrict(user, CHANGE).exclude(
        Exists(beyond_reach.filter(operator=OuterRef("pk")))
    )


def operator_editable_by(user, operator: Operator) -> bool:
    """Whether the user may change this operator's details (see ``editable_operators``)."""
    return editable_operators(user).filter(pk=operator.pk).exists()


def active_scheme() -> AssessmentScheme:
    """The assessment scheme in use."""
    scheme = AssessmentScheme.objects.filter(is_active=True).first()
    if scheme is None:
        raise ValidationError(_("No assessment scheme is in use; ask the administrator."))
    return scheme


def reward_awaits_release(assessment: OperationsAssessment) -> bool:
    """A confirmed, passed assessment of a future community that was provincially named after
    the confirmation, whose 600,000 reward has not been made due yet."""
    project = assessment.project
    return (
        project is not None
        and assessment.state == AssessmentState.CONFIRMED
        and assessment.is_passed
        and project.stage == FutureStage.NAMED
        and not Tranche.objects.filter(
            project=project, stage=TrancheStage.OPERATIONS_REWARD
        ).exists()
    )


def scheduled_report_of(period: str):
    """The month's report built or under way (the newest), or None: the monthly schedule then
    asks for one. A failed report does not count; the schedule asks again."""
    return (
        SupervisionReport.objects.filter(period=period)
        .exclude(state=ReportState.FAILED)
        .order_by("-requested_at")
        .first()
    )


def previous_month(today: date) -> str:
    """The month before the given day, written 2025-06."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


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

    def readable(model) -> bool:
        return user is None or access_rule(model, VIEW).qualifies(user)

    today = timezone.localdate()
    scores = None
    if readable(SatisfactionScore):
        scores = list(SatisfactionScore.objects.filter(community=community).order_by("-period")[:6])
    contracts = None
    if readable(OperatingContract):
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
    if readable(OperationsAssessment):
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
    if access_rule(OperatingContract, CHANGE).qualifies(user):
        today = timezone.localdate()
        ends_by = today + CONTRACT_RENEWAL_NOTICE
        items.append(
            WorkItem(
                _("Operating contracts ending within 60 days"),
                OperatingContract.objects.restrict(user, CHANGE)
                .filter(state=ContractState.ACTIVE, ends_on__gte=today, ends_on__lte=ends_by)
                .count(),
                f"{reverse('operations:contract_list')}?state=active"
                f"&active_on={today:%Y-%m-%d}&ends_by={ends_by:%Y-%m-%d}",
            )
        )
    if Rule(ASSESSMENT["confirm"].roles).qualifies(user):
        items.append(
            WorkItem(
                _("Submitted assessments to confirm"),
                OperationsAssessment.objects.restrict(user, CHANGE)
                .filter(state__in=ASSESSMENT.sources("confirm"))
                .count(),
                f"{reverse('operations:assessment_list')}?state=submitted",
            )
        )
    if Rule(SUPERVISION_REPORT["retry"].roles).qualifies(user):
        items.append(
            WorkItem(
                _("Supervision reports that failed"),
                months_with_a_failed_report().count(),
                f"{reverse('operations:report_list')}?state=failed",
            )
        )
    return counted(items)
