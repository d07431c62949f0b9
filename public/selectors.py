"""Reads of the public window: the notices, the progress, the facilities near a community,
the answered suggestions; and, for staff, the phone masking rule and the suggestion figures.

A public notice is built from a fixed list of fields (``PlanNotice``, ``ProjectNotice``); a
plan or project that has not reached approval has no notice at all. Nothing else of a plan
(its title, opinions, history, the people who handled it) is read here.
"""

import datetime
from dataclasses import dataclass, fields
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from communities.access import bound_subdistrict_id, may
from communities.choices import FacilityStatus, Route
from communities.models import Community, Facility, Subdistrict
from funding.choices import RELEASED_STATES
from funding.models import Tranche
from projects.choices import FutureStage, PlanState
from projects.models import FutureCommunityProject, GapFillingPlan

from .choices import PUBLISHED_STATES, SuggestionState
from .models import Suggestion
from .permissions import ANSWER

# A plan is noticed once approved (批复), whatever happens to it afterwards.
NOTICED_PLAN_STATES = (
    PlanState.APPROVED,
    PlanState.UNDER_CONSTRUCTION,
    PlanState.COMPLETED,
    PlanState.ACCEPTED,
    PlanState.CLOSED,
)
ACCEPTED_PLAN_STATES = (PlanState.ACCEPTED, PlanState.CLOSED)
COMPLETED_PLAN_STATES = (PlanState.COMPLETED, *ACCEPTED_PLAN_STATES)
STARTED_PLAN_STATES = (PlanState.UNDER_CONSTRUCTION, *COMPLETED_PLAN_STATES)
# A future community is noticed from its project approval (立项) on.
NOTICED_STAGES = tuple(FutureStage.values[FutureStage.values.index(FutureStage.APPROVED) :])
# The 5–10 minute life circle (policy §二).
CIRCLE_MINUTES = 10
PENDING_FACILITY_STATES = (FacilityStatus.PLANNED, FacilityStatus.UNDER_CONSTRUCTION)


@dataclass(frozen=True)
class FacilityLine:
    """One facility a notice says will be built: its type and floor area."""

    facility_type: str
    floor_area: Decimal | None


@dataclass(frozen=True)
class Notice:
    """What every public notice (公示) shows: these fields and no others."""

    community: str
    subdistrict: str
    facilities: tuple[FacilityLine, ...]
    floor_area: Decimal
    investment: Decimal
    subsidy: Decimal | None
    approval_number: str
    approval_date: datetime.date | None
    stage: str
    expected_completion: str


@dataclass(frozen=True)
class PlanNotice(Notice):
    """The notice of an approved gap-filling plan; an accepted one adds its acceptance date."""

    kind = "plan"
    acceptance_date: datetime.date | None = None


@dataclass(frozen=True)
class ProjectNotice(Notice):
    """The public notice of a future-community project from its approval (立项) on."""

    kind = "project"


def notice_fields(notice) -> set[str]:
    """The names of the fields a notice carries."""
    return {field.name for field in fields(notice)}


def _subsidies(**filters) -> dict[int, Decimal]:
    key = next(iter(filters)).split("__")[0]
    rows = (
        Tranche.objects.filter(**filters)
        .exclude(state__in=RELEASED_STATES)
        .values(key)
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row[key]: row["total"] for row in rows}


def plan_notice(plan: GapFillingPlan, *, subsidy: Decimal | None = None) -> PlanNotice | None:
    """The public notice of a plan, or None while it is not approved (or never was)."""
    if plan.state not in NOTICED_PLAN_STATES:
        return None
    lines = tuple(
        FacilityLine(item.get_facility_type_display(), item.floor_area)
        for item in plan.line_items.all()
    )
    return PlanNotice(
        community=plan.community.name,
        subdistrict=plan.community.subdistrict.name,
        facilities=lines,
        floor_area=sum((line.floor_area or Decimal("0") for line in lines), Decimal("0")),
        investment=plan.total_investment,
        subsidy=subsidy,
        approval_number=plan.approval_number,
        approval_date=plan.approval_date,
        stage=plan.get_state_display(),
        expected_completion=_("by the end of %(year)s") % {"year": plan.year},
        acceptance_date=plan.acceptance_date if plan.state in ACCEPTED_PLAN_STATES else None,
    )


def project_notice(
    project: FutureCommunityProject, *, subsidy: Decimal | None = None
) -> ProjectNotice | None:
    """The public notice of a future-community project, or None before its approval."""
    if project.stage not in NOTICED_STAGES:
        return None
    planned = [f for f in project.community.facilities.all() if f.status in PENDING_FACILITY_STATES]
    lines = tuple(FacilityLine(f.get_facility_type_display(), f.floor_area) for f in planned)
    if project.plan_year:
        expected = _("by the end of %(year)s") % {"year": project.plan_year + 1}
    else:
        expected = _("provincial batch %(batch)s") % {"batch": project.provincial_batch}
    return ProjectNotice(
        community=project.community.name,
        subdistrict=project.community.subdistrict.name,
        facilities=lines,
        floor_area=sum((line.floor_area or Decimal("0") for line in lines), Decimal("0")),
        investment=project.creation_investment,
        subsidy=subsidy,
        approval_number="",
        approval_date=project.approval_date,
        stage=project.get_stage_display(),
        expected_completion=expected,
    )


def _noticed_plans():
    return (
        GapFillingPlan.objects.filter(state__in=NOTICED_PLAN_STATES)
        .select_related("community__subdistrict")
        .prefetch_related("line_items")
        .order_by("community__subdistrict__code", "community__code", "year", "pk")
    )


def _noticed_projects():
    return (
        FutureCommunityProject.objects.filter(stage__in=NOTICED_STAGES)
        .select_related("community__subdistrict")
        .prefetch_related("community__facilities")
        .order_by("community__subdistrict__code", "community__code")
    )


def notices(*, community: Community | None = None) -> list[tuple[str, object]]:
    """Every public notice (of one community), as (community code, notice)."""
    plans, projects = _noticed_plans(), _noticed_projects()
    if community is not None:
        plans, projects = plans.filter(community=community), projects.filter(community=community)
    plan_money = _subsidies(plan__in=plans)
    project_money = _subsidies(project__in=projects)
    found = [
        (plan.community.code, plan_notice(plan, subsidy=plan_money.get(plan.pk))) for plan in plans
    ]
    found += [
        (project.community.code, project_notice(project, subsidy=project_money.get(project.pk)))
        for project in projects
    ]
    return sorted(found, key=lambda item: item[0])


@dataclass(frozen=True)
class ProgressRow:
    """One subdistrict's communities on each route, and how far they have come."""

    subdistrict: str
    communities: int
    gap_planned: int
    gap_approved: int
    gap_started: int
    gap_completed: int
    future_planned: int
    future_approved: int
    future_named: int


def progress() -> list[ProgressRow]:
    """The programme's progress per subdistrict: communities per route against the plan."""
    subdistricts = (
        Subdistrict.objects.filter(communities__isnull=False)
        .annotate(
            n=Count("communities", distinct=True),
            gap=Count("communities", filter=Q(communities__route=Route.GAP), distinct=True),
            future=Count("communities", filter=Q(communities__route=Route.FUTURE), distinct=True),
        )
        .order_by("code")
    )
    plans = {
        row["subdistrict"]: row
        for row in GapFillingPlan.objects.values("subdistrict")
        .annotate(
            approved=Count("community", filter=Q(state__in=NOTICED_PLAN_STATES), distinct=True),
            started=Count("community", filter=Q(state__in=STARTED_PLAN_STATES), distinct=True),
            completed=Count("community", filter=Q(state__in=COMPLETED_PLAN_STATES), distinct=True),
        )
        .order_by()
    }
    projects = {
        row["community__subdistrict"]: row
        for row in FutureCommunityProject.objects.values("community__subdistrict")
        .annotate(
            approved=Count("pk", filter=Q(stage__in=NOTICED_STAGES)),
            named=Count("pk", filter=Q(stage=FutureStage.NAMED)),
        )
        .order_by()
    }
    rows = []
    for subdistrict in subdistricts:
        plan, project = plans.get(subdistrict.pk, {}), projects.get(subdistrict.pk, {})
        rows.append(
            ProgressRow(
                subdistrict=subdistrict.name,
                communities=subdistrict.n,
                gap_planned=subdistrict.gap,
                gap_approved=plan.get("approved", 0),
                gap_started=plan.get("started", 0),
                gap_completed=plan.get("completed", 0),
                future_planned=subdistrict.future,
                future_approved=project.get("approved", 0),
                future_named=project.get("named", 0),
            )
        )
    return rows


def public_communities():
    """Every community with what a resident needs to find it: name, subdistrict, route, year."""
    return (
        Community.objects.select_related("subdistrict")
        .only("code", "name", "route", "plan_year", "provincial_batch", "subdistrict__name")
        .order_by("subdistrict__code", "code")
    )


def circle_facilities(community: Community) -> list[Facility]:
    """The community's facilities within the 5–10 minute walk, nearest first."""
    return list(
        community.facilities.filter(
            Q(walking_minutes__lte=CIRCLE_MINUTES) | Q(walking_minutes__isnull=True)
        )
        .only("facility_type", "name", "walking_minutes", "status", "floor_area", "community")
        .order_by("facility_type", "walking_minutes", "name")
    )


def published_suggestions(*, community: Community | None = None):
    """Answered suggestions with what the public sees of them (no phone, no staff)."""
    rows = Suggestion.objects.published().select_related("community__subdistrict")
    if community is not None:
        rows = rows.filter(community=community)
    return rows.only(
        "community__name",
        "community__code",
        "community__subdistrict__name",
        "category",
        "text",
        "state",
        "answer",
        "answered_at",
        "received_at",
    ).order_by("-answered_at", "-pk")


# Staff side --------------------------------------------------------------------------------


def masked_phone(phone: str) -> str:
    """The phone as staff outside the answering subdistrict see it: first three and last two
    digits."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 5:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def phone_for(user, suggestion: Suggestion) -> str:
    """The phone as this user may see it: in full to the staff of the subdistrict that answers
    the suggestion, masked to everyone else (city-wide readers and administrators included)."""
    answering = bound_subdistrict_id(user) is not None and may(user, ANSWER, suggestion)
    return suggestion.phone if answering else masked_phone(suggestion.phone)


def staff_suggestions(user):
    """The suggestions this user may read, with their community."""
    return Suggestion.objects.restrict(user).select_related("community__subdistrict")


def answer_limit() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SUGGESTION_ANSWER_LIMIT_DAYS)


def suggestion_counts(queryset, *, by: str) -> dict:
    """Per ``by`` value: received, answered, answered within the limit, and waiting past it."""
    in_time = Q(state__in=PUBLISHED_STATES, answered_at__lte=F("received_at") + answer_limit())
    rows = (
        queryset.values(by)
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(state__in=PUBLISHED_STATES)),
            in_time=Count("pk", filter=in_time),
            waiting=Count(
                "pk", filter=Q(state__in=(SuggestionState.RECEIVED, SuggestionState.HELD))
            ),
        )
        .order_by()
    )
    return {row[by]: row for row in rows}
