"""Illustrative demo data: budget envelopes for 2023–2026 and the tranches of the demo plans and
projects that exist when it runs. Everything goes through the services; a second run changes
nothing."""

import logging
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import services
from .choices import BudgetSource, TrancheStage, TrancheState
from .models import BudgetEnvelope, Tranche, TrancheEvent

logger = logging.getLogger(__name__)

ENVELOPES = {
    (2023, BudgetSource.CITY): Decimal("30000000.00"),
    (2024, BudgetSource.CITY): Decimal("80000000.00"),
    (2025, BudgetSource.CITY): Decimal("80000000.00"),
    (2026, BudgetSource.CITY): Decimal("60000000.00"),
    (2025, BudgetSource.NINGBO): Decimal("10000000.00"),
    (2026, BudgetSource.NINGBO): Decimal("10000000.00"),
}
COMMITTED_PLAN_STATES = ("approved", "under_construction", "completed", "accepted", "closed")
SETTLED_PLAN_STATES = ("accepted", "closed")
STAGES_AFTER_APPROVAL = (
    "approved",
    "construction_complete",
    "joint_acceptance_passed",
    "assessment_passed",
    "named",
)


def seed() -> None:
    """Create the envelopes and the demo plans' and projects' tranches that do not exist yet."""
    for (year, source), amount in ENVELOPES.items():
        BudgetEnvelope.objects.get_or_create(
            fiscal_year=year,
            source=source,
            defaults={"amount": amount, "note": "演示数据（示意金额）"},
        )
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=["taskforce_approver", "finance_officer"]
        )
    }
    if len(users) < 2:
        return
    _seed_plans(approver=users["taskforce_approver"], finance=users["finance_officer"])
    _seed_projects(approver=users["taskforce_approver"], finance=users["finance_officer"])
    _date_events()


def _date_events() -> None:
    """Date each demo tranche's audit events on the day their step stands for (approval,
    due date, payment), as the plans' own history is, rather than on the day of seeding."""
    demo = Q(tranche__plan__community__is_demo=True) | Q(tranche__project__community__is_demo=True)
    events = TrancheEvent.objects.filter(demo).select_related(
        "tranche", "tranche__plan", "tranche__project"
    )
    for event in events:
        day = _day_of(event)
        if day is None:
            continue
        moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
        if event.at != moment:
            TrancheEvent.objects.filter(pk=event.pk).update(at=moment)


def _day_of(event: TrancheEvent) -> date | None:
    """The day the step an event records stands for."""
    tranche = event.tranche
    if event.to_state == TrancheState.SCHEDULED:
        return tranche.subject.approval_date
    if event.to_state == TrancheState.DUE:
        return tranche.due_on
    if event.to_state == TrancheState.APPROVED:
        return tranche.paid_on or tranche.due_on
    if event.to_state == TrancheState.PAID:
        return tranche.paid_on
    return None


def _seed_plans(*, approver, finance) -> None:
    Plan = apps.get_model("projects", "GapFillingPlan")
    plans = Plan.objects.filter(community__is_demo=True, state__in=COMMITTED_PLAN_STATES)
    for plan in plans.order_by("pk"):
        tranche = _quietly(services.subsidy_commit_for_plan, plan=plan, actor=approver)
        if tranche is None or plan.state not in SETTLED_PLAN_STATES:
            continue
        if tranche.state == TrancheState.SCHEDULED:
            tranche = _quietly(services.subsidy_settle_for_plan, plan=plan, actor=approver)
        if tranche is not None and plan.state == "closed":
            _pay(tranche, finance=finance)


def _seed_projects(*, approver, finance) -> None:
    Project = apps.get_model("projects", "FutureCommunityProject")
    projects = Project.objects.filter(community__is_demo=True, stage__in=STAGES_AFTER_APPROVAL)
    for project in projects.select_related("community").order_by("pk"):
        tranches = _quietly(services.subsidy_commit_for_project, project=project, actor=approver)
        if not tranches:
            continue
        reached = STAGES_AFTER_APPROVAL.index(project.stage)
        for stage in ("joint_acceptance_passed", "named"):
            if reached >= STAGES_AFTER_APPROVAL.index(stage):
                _quietly(
                    services.project_stage_reached, project=project, stage=stage, actor=approver
                )
        first = Tranche.objects.filter(project=project, stage=TrancheStage.FUTURE_APPROVAL).first()
        if first is not None and reached >= STAGES_AFTER_APPROVAL.index("joint_acceptance_passed"):
            _pay(first, finance=finance)


def _pay(tranche: Tranche, *, finance) -> None:
    """Approve and pay a demo tranche once, with a demo voucher number."""
    if tranche.state == TrancheState.DUE:
        tranche = services.tranche_approve(tranche=tranche, actor=finance)
    if tranche.state == TrancheState.APPROVED:
        services.tranche_mark_paid(
            tranche=tranche,
            actor=finance,
            voucher_number=f"演示-{tranche.pk:05d}",
            paid_on=timezone.localdate(),
        )


def _quietly(service, **kwargs):
    """Run a service; a refusal (e.g. an exhausted envelope) skips that record, logged."""
    try:
        with transaction.atomic():
            return service(**kwargs)
    except ValidationError as error:
        logger.warning("demo funding skipped %s: %s", kwargs, "; ".join(error.messages))
        return None
