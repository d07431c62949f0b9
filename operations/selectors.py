"""Reads of the operations app: who may change what, the scheme in use, the 1+N chains and
the community panel. Nothing here changes a row."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import CHANGE, VIEW, Rule, may
from communities.choices import FacilityType
from communities.models import Community, Department
from communities.worklist import WorkItem, counted
from funding.choices import TrancheStage
from funding.models import Tranche
from projects.choices import FutureStage, PlanState
from projects.models import GapFillingPlan, ReviewOpinion, StatusChange

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


@dataclass(frozen=True)
class OpinionDeadline:
    """One department's opinion owed in one review round of a plan: the day it was due, the
    day it was given (None: not given) and how many days late it was or is (0: in time)."""

    department: Department
    plan: GapFillingPlan
    review_round: int
    due_on: date
    given_on: date | None
    days_late: int


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
    from .report import Rules  # the report reads its opinions from here

    return Rules.current().low_satisfaction_below


def opinion_deadlines(*, start: date, end: date, days: int) -> list[OpinionDeadline]:
    """The joint-review opinions (policy §七(三)) each required department owed by ``end``,
    ``days`` after its plan's review round opened: those due from ``start`` to ``end`` or given
    then, and older ones still outstanding at ``end``. An opinion a department has not given
    is not owed once its round ended (the plan returned or withdrawn) before it fell due, nor
    while it is not due yet. A round opens with each move into joint review, except the move
    back from approvable when a department stopped agreeing (projects.services)."""
    end_moment = datetime.combine(end, time.max, tzinfo=timezone.get_current_timezone())
    changes = StatusChange.objects.filter(plan__isnull=False, at__lte=end_moment).order_by(
        "plan", "at", "pk"
    )
    openings = defaultdict(list)
    for plan_id, at in (
        changes.filter(to_state=PlanState.IN_JOINT_REVIEW)
        .exclude(from_state=PlanState.APPROVABLE)
        .values_list("plan", "at")
    ):
        openings[plan_id].append(at)
    if not openings:
        return []
    endings = defaultdict(list)
    for plan_id, at in (
        changes.filter(plan__in=list(openings))
        .exclude(to_state__in=(PlanState.IN_JOINT_REVIEW, PlanState.APPROVABLE))
        .values_list("plan", "at")
    ):
        endings[plan_id].append(at)
    given = {
        (plan_id, review_round, department_id): at
        for plan_id, review_round, department_id, at in ReviewOpinion.objects.filter(
            plan__in=list(openings), at__lte=end_moment
        ).values_list("plan", "review_round", "department", "at")
    }
    departments = list(Department.objects.filter(is_joint_reviewer=True).order_by("code"))
    owed = []
    for plan_id, opened in openings.items():
        for review_round, opened_at in enumerate(opened, start=1):
            due_on = timezone.localdate(opened_at) + timedelta(days=days)
            if due_on > end:
                continue
            ended = next((at for at in endings[plan_id] if at > opened_at), None)
            ended_on = timezone.localdate(ended) if ended else None
            for department in departments:
                at = given.get((plan_id, review_round, department.pk))
                given_on = timezone.localdate(at) if at else None
                if given_on is not None:
                    late, counted_from = max((given_on - due_on).days, 0), given_on
                elif ended_on is not None and ended_on <= due_on:
                    continue  # the round ended before the opinion fell due
                elif ended_on is not None:
                    late, counted_from = (ended_on - due_on).days, ended_on
                elif end > due_on:
                    late, counted_from = (end - due_on).days, end
                else:
                    continue  # due today, not given yet
                if due_on < start and counted_from < start:
                    continue  # settled before the period
                owed.append((department, plan_id, review_round, due_on, given_on, late))
    plans = GapFillingPlan.objects.select_related("community", "subdistrict").in_bulk(
        {plan_id for _d, plan_id, *_rest in owed}
    )
    return sorted(
        (
            OpinionDeadline(department, plans[plan_id], review_round, due_on, given_on, late)
            for department, plan_id, review_round, due_on, given_on, late in owed
        ),
        key=lambda row: (row.department.code, row.due_on, row.plan.pk, row.review_round),
    )


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
