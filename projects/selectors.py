"""Reads of the projects app: lists with their joins, the plan a community has, the joint
review's missing agreements, a project's next stage and the development-block unit rule."""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.access import bound_subdistrict_id
from communities.choices import FacilityType, Route, SpaceAvailability
from communities.models import Community, Department, SpaceResource, Subdistrict
from communities.roles import Role, has_role
from communities.supervision import supervision_limits
from communities.texts import names
from communities.worklist import StepItem, WorkItem, counted, step_items

from .choices import (
    AGREEING_DECISIONS,
    FutureStage,
    PlanState,
    ScenarioState,
    scenario_label,
    scenario_order,
)
from .lifecycles import FUTURE, PLAN
from .models import (
    LIVE_PLAN,
    DevelopmentBlock,
    DigitalPlanReview,
    FutureCommunityProject,
    GapFillingPlan,
    JointAcceptance,
    PlanLineItem,
    ReviewOpinion,
    SpaceAllocation,
    StatusChange,
)

MU_PER_UNIT = Decimal("400")
PEOPLE_PER_UNIT = 10_000


def drafts_plans(user) -> bool:
    """Plans are drafted by a subdistrict's own staff, for their subdistrict."""
    return has_role(user, Role.SUBDISTRICT_STAFF) and bound_subdistrict_id(user) is not None


def drafting_subdistrict(user) -> Subdistrict | None:
    """The subdistrict this user drafts plans for, or None when they draft none."""
    if not drafts_plans(user):
        return None
    return Subdistrict.objects.restrict(user).filter(pk=bound_subdistrict_id(user)).first()


def live_plan_of(community: Community) -> GapFillingPlan | None:
    """The community's plan that is neither withdrawn nor closed, if any: a community has one
    plan at a time."""
    return GapFillingPlan.objects.filter(LIVE_PLAN, community=community).order_by("pk").first()


def plan_communities(*, subdistrict, plan=None):
    """The gap-filling communities of the subdistrict without another live plan."""
    planned = GapFillingPlan.objects.filter(LIVE_PLAN)
    if plan is not None and plan.pk:
        planned = planned.exclude(pk=plan.pk)
    return Community.objects.filter(subdistrict=subdistrict, route=Route.GAP).exclude(
        pk__in=planned.values("community_id")
    )


def required_departments():
    """The departments whose agreement a plan needs (configurable on Department)."""
    return Department.objects.filter(is_joint_reviewer=True).order_by("code")


def missing_agreements(plan: GapFillingPlan) -> list[Department]:
    """Required departments that have not agreed in the plan's current round."""
    agreed = set(
        plan.opinions.filter(
            review_round=plan.review_round, decision__in=AGREEING_DECISIONS
        ).values_list("department_id", flat=True)
    )
    return [department for department in required_departments() if department.pk not in agreed]


@dataclass(frozen=True)
class StageReached:
    """When a project reached a stage (the day reported) and who recorded it."""

    stage: str
    on: datetime.date | None
    actor: object


def stages_reached(project: FutureCommunityProject) -> dict[str, StageReached]:
    """Each stage the project reached, by its last arrival there: the day it happened and who
    recorded it (registering a project dates no stage)."""
    reached = {}
    for change in project.status_changes.select_related("actor").order_by("at", "pk"):
        reached[change.to_state] = StageReached(change.to_state, change.on_date, change.actor)
    return reached


def latest_digital_review(project: FutureCommunityProject):
    """The 融媒体中心's latest opinion on the project's digital plan, or None; read from the
    project's prefetched reviews when a list prefetched them (``prefetch_related``)."""
    if "digital_reviews" in getattr(project, "_prefetched_objects_cache", {}):
        reviews = project.digital_reviews.all()  # newest first: the model's ordering
        return reviews[0] if reviews else None
    return project.digital_reviews.select_related("recorded_by").first()


def joint_acceptance_of(project: FutureCommunityProject):
    """The project's joint acceptance with its units, or None before it is recorded."""
    return (
        JointAcceptance.objects.filter(project=project)
        .select_related("lead_unit", "recorded_by")
        .prefetch_related("participants")
        .first()
    )


def next_stage(project: FutureCommunityProject) -> str | None:
    """The stage after the project's current one (projects.lifecycles.FUTURE), or None once it
    is named."""
    following = [step.target for step in FUTURE.steps_from(project.stage) if step.target]
    return following[0] if following else None


def project_scenarios(project: FutureCommunityProject) -> list:
    """The project's scenarios in the policy's order of the nine (prefetched ones are used)."""
    return sorted(project.scenarios.all(), key=scenario_order)


def scenarios_by_state(project: FutureCommunityProject) -> list[tuple[str, list]]:
    """The project's scenarios grouped by state, the furthest first: [(state, [rows])]."""
    rows = project_scenarios(project)
    return [
        (state, [row for row in rows if row.state == state])
        for state in reversed(ScenarioState.values)
        if any(row.state == state for row in rows)
    ]


def scenario_lines(project: FutureCommunityProject) -> list[str]:
    """One line per state the project's scenarios are in: "Accepted: Neighbourhood, Health"."""
    return [
        pgettext("a state and its names", "%(state)s: %(names)s")
        % {
            "state": ScenarioState(state).label,
            "names": names(scenario_label(row.scenario) for row in rows),
        }
        for state, rows in scenarios_by_state(project)
    ]


def scenario_summary(project: FutureCommunityProject) -> str:
    """The project's scenarios in one line, by state (the list's export)."""
    return pgettext("between groups in a list", "; ").join(scenario_lines(project))


def plan_list(*, user):
    """Plans the user may see, with what the list shows, in a fixed number of queries."""
    return with_overdue(
        GapFillingPlan.objects.restrict(user)
        .select_related("subdistrict", "community")
        .annotate(line_item_count=line_item_count())
        .order_by("-year", "subdistrict__code", "community__code", "pk")
    )


def line_item_count():
    """A plan's number of line items, as a subquery per row: the database counts them for the
    rows of the page it returns, not for every plan before the page is cut."""
    items = PlanLineItem.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    return Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")), 0)


def overdue_limits() -> dict[str, int]:
    """Days a plan may stay in each watched state (the supervision rules in use)."""
    limits = supervision_limits()
    return {
        PlanState.APPROVED: limits["approved_not_started_days"],
        PlanState.IN_JOINT_REVIEW: limits["joint_review_days"],
    }


def with_overdue(plans, *, limits: dict[str, int] | None = None):
    """The plans annotated with when they entered their state (``state_since``), the limit of
    that state in days (``overdue_limit``) and whether they are past it (``is_overdue``)."""
    limits = overdue_limits() if limits is None else limits
    now = timezone.now()
    entered = StatusChange.objects.filter(plan=OuterRef("pk"), to_state=OuterRef("state"))
    plans = plans.annotate(state_since=Subquery(entered.order_by("-at").values("at")[:1]))
    late = Q(pk__in=[])
    for state, days in limits.items():
        late |= Q(state=state, state_since__lt=now - datetime.timedelta(days=days))
    return plans.annotate(
        is_overdue=Case(When(late, then=Value(True)), default=Value(False)),
        overdue_limit=Case(
            *[When(state=state, then=Value(days)) for state, days in limits.items()],
            default=None,
            output_field=IntegerField(),
        ),
    )


def days_in_state(plan) -> int | None:
    """Whole days since the plan entered its state (needs ``with_overdue``)."""
    since = getattr(plan, "state_since", None)
    return (timezone.localdate() - timezone.localdate(since)).days if since else None


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


def space_choices(*, community, plan=None):
    """The landing spaces a plan of this community may take: the community's available spaces
    and the plan's own, each annotated with the title of another live plan that holds it."""
    if community is None:
        return SpaceResource.objects.none()
    others = SpaceAllocation.objects.filter(space=OuterRef("pk"), is_active=True)
    mine = Q(pk__in=[])
    if plan is not None and plan.pk:
        others = others.exclude(plan=plan)
        mine = Q(allocations__plan=plan, allocations__is_active=True)
    return (
        SpaceResource.objects.filter(community=community)
        .filter(Q(availability=SpaceAvailability.AVAILABLE) | mine)
        .distinct()
        .annotate(taken_by=Subquery(others.values("plan__title")[:1]))
        .order_by("kind", "name", "pk")
    )


def next_step(plan: GapFillingPlan) -> str:
    """Whose move it is now, from the plan's life-cycle table."""
    return PLAN.next_line(plan)


# The states in which a plan has an approval notice (批复) and an acceptance record (验收).
ACCEPTED_STATES = (PlanState.ACCEPTED, PlanState.CLOSED)
APPROVED_STATES = (
    PlanState.APPROVED,
    PlanState.UNDER_CONSTRUCTION,
    PlanState.COMPLETED,
    *ACCEPTED_STATES,
)


def acceptance_record_number(plan: GapFillingPlan) -> str:
    """The acceptance record's number: the programme's prefix, the plan year and the plan."""
    return f"CXBDB-YS-{plan.year}-{plan.pk:04d}"


def return_reasons(plan: GapFillingPlan) -> str:
    """Why a returned plan went back to its subdistrict; empty unless the plan is returned."""
    if plan.state != PlanState.RETURNED:
        return ""
    returns = [c for c in plan.status_changes.all() if c.to_state == PlanState.RETURNED]
    return returns[-1].comment if returns else ""


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
        "Land area %(area)s mu ÷ 400 = %(area_units)s unit(s) (rounded up); planned population "
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
                % {"unit": unit.name or unit, "types": names(missing)}
            )
    return UnitRequirement(by_area, by_population, required, reasoning, warnings)


def worklist_for(user) -> list[WorkItem]:
    """Plans waiting for this user's next step, counted in one query per role."""
    items: list[WorkItem] = []
    plans = GapFillingPlan.objects.restrict(user)
    page = reverse("projects:plan_list")
    admin_list = reverse("admin:projects_gapfillingplan_changelist")
    if drafts_plans(user):
        limits = overdue_limits()
        items.append(
            WorkItem(
                _("Approved plans not started within %(days)s days")
                % {"days": limits[PlanState.APPROVED]},
                _count_overdue(plans, PlanState.APPROVED, limits),
                f"{page}?state=approved&overdue=true",
                overdue=True,
            )
        )
        items += step_items(
            user,
            PLAN,
            [
                StepItem(
                    "submit", _("Draft plans to submit"), f"{page}?state=draft", PlanState.DRAFT
                ),
                StepItem(
                    "edit",
                    _("Returned plans to revise"),
                    f"{page}?state=returned",
                    PlanState.RETURNED,
                ),
                StepItem("start", _("Approved plans to start building"), f"{page}?state=approved"),
                StepItem(
                    "progress",
                    _("Plans under construction: report progress"),
                    f"{page}?state=under_construction",
                ),
            ],
            queryset=plans,
        )
    if has_role(user, Role.DEPARTMENT_REVIEWER) and user.department_id:
        items.append(
            WorkItem(
                _("Plans waiting for your department's opinion"),
                waiting_for_department(plans, department_id=user.department_id).count(),
                f"{admin_list}?waiting=yes",
            )
        )
    if has_role(user, Role.TASKFORCE_APPROVER):
        limits = overdue_limits()
        items.append(
            WorkItem(
                _("Plans in joint review longer than %(days)s days")
                % {"days": limits[PlanState.IN_JOINT_REVIEW]},
                _count_overdue(plans, PlanState.IN_JOINT_REVIEW, limits),
                f"{reverse('projects:plan_list')}?state=in_joint_review&overdue=true",
                overdue=True,
            )
        )
        items += step_items(
            user,
            PLAN,
            [
                StepItem(
                    "open_review",
                    _("Submitted plans: open the joint review"),
                    f"{admin_list}?state__exact=submitted",
                ),
                StepItem(
                    "approve",
                    _("Plans every department agreed to: approve"),
                    f"{admin_list}?state__exact=approvable",
                ),
                StepItem(
                    "accept",
                    _("Completed plans: acceptance"),
                    f"{admin_list}?state__exact=completed",
                ),
                StepItem(
                    "close",
                    _("Accepted plans: close once the subsidy is paid"),
                    f"{admin_list}?state__exact=accepted",
                ),
            ],
            queryset=plans,
        )
    return counted(items + _future_work(user))


def with_digital_verdict(projects):
    """The projects annotated with the verdict of their latest digital-plan review (None: no
    opinion yet)."""
    latest = DigitalPlanReview.objects.filter(project=OuterRef("pk")).order_by(
        "-recorded_at", "-pk"
    )
    return projects.annotate(digital_verdict=Subquery(latest.values("verdict")[:1]))


def _future_work(user) -> list[WorkItem]:
    """The future-community projects in planning waiting for the Converged Media Centre's
    opinion (its lines), or agreed to and waiting for the plan review (the task force's)."""
    planning = with_digital_verdict(
        FutureCommunityProject.objects.restrict(user).filter(
            stage__in=FUTURE.sources("digital_review")
        )
    )
    agreed = Q(stage=FutureStage.PLANNING, digital_verdict__in=AGREEING_DECISIONS)
    page = reverse("projects:future_list")
    items = []
    if has_role(user, *FUTURE["digital_review"].roles):
        waiting = Q(stage=FutureStage.PLANNING) & ~Q(digital_verdict__in=AGREEING_DECISIONS)
        items.append(
            WorkItem(
                _("Future-community plans waiting for your digital-plan review"),
                planning.filter(waiting | Q(digital_verdict__isnull=True)).count(),
                f"{page}?stage=planning",
            )
        )
    if has_role(user, *FUTURE[FutureStage.PLAN_REVIEWED].roles):
        items.append(
            WorkItem(
                _("Future-community plans whose digital part was agreed: record the plan review"),
                planning.filter(agreed).count(),
                f"{page}?stage=planning",
            )
        )
    return items


def waiting_for_department(plans, *, department_id: int):
    """Plans under review whose current round lacks the department's opinion."""
    answered = ReviewOpinion.objects.filter(
        plan=OuterRef("pk"), review_round=OuterRef("review_round"), department_id=department_id
    )
    return plans.filter(state__in=PLAN.sources("opinion")).exclude(Exists(answered))


def _count_overdue(plans, state: str, limits: dict[str, int]) -> int:
    """How many of the plans are past the limit of this state."""
    return with_overdue(plans.filter(state=state), limits=limits).filter(is_overdue=True).count()
