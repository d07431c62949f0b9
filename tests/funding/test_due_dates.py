"""A tranche never falls due before the stage it follows: the funding service's own guard,
whatever dates its caller passes (funding.selectors.earliest_due holds the rule)."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from funding import services
from funding.choices import TrancheStage, TrancheState
from funding.models import Tranche, TrancheEvent
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import BudgetEnvelopeFactory

APPROVED_ON = date(2025, 5, 2)


@pytest.fixture
def project(db, approver):
    """An optimised-model project approved (立项) on 2 May 2025, its three tranches committed."""
    BudgetEnvelopeFactory(fiscal_year=2025, amount=Decimal("10000000.00"))
    project = FutureCommunityProjectFactory(stage="approved", approval_date=APPROVED_ON)
    services.subsidy_commit_for_project(project=project, actor=approver)
    return project


def tranche(project, stage):
    return Tranche.objects.get(project=project, stage=stage)


def refusal(call) -> str:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        call()
    return " ".join(caught.value.messages)


def test_the_approval_tranche_falls_due_on_the_approval_day(project):
    assert tranche(project, TrancheStage.FUTURE_APPROVAL).due_on == APPROVED_ON


def test_a_stage_dated_before_the_approval_makes_nothing_due(project, approver):
    events = TrancheEvent.objects.count()

    message = refusal(
        lambda: services.project_stage_reached(
            project=project,
            stage="joint_acceptance_passed",
            actor=approver,
            on=date(2024, 1, 1),
        )
    )

    joint = tranche(project, TrancheStage.FUTURE_JOINT_ACCEPTANCE)
    assert (joint.state, joint.due_on) == (TrancheState.SCHEDULED, None)
    assert TrancheEvent.objects.count() == events
    assert "2024-01-01" in message and "2025-05-02" in message
    assert "approval" in message


def test_naming_before_the_joint_acceptance_tranche_fell_due_is_refused(project, approver):
    services.project_stage_reached(
        project=project, stage="joint_acceptance_passed", actor=approver, on=date(2025, 9, 1)
    )

    message = refusal(
        lambda: services.project_stage_reached(
            project=project, stage="named", actor=approver, on=date(2025, 8, 1)
        )
    )

    naming = tranche(project, TrancheStage.FUTURE_NAMING)
    assert (naming.state, naming.due_on) == (TrancheState.SCHEDULED, None)
    assert "at joint acceptance" in message and "2025-09-01" in message


def test_dates_in_order_fall_due_in_order(project, approver):
    services.project_stage_reached(
        project=project, stage="joint_acceptance_passed", actor=approver, on=APPROVED_ON
    )
    services.project_stage_reached(
        project=project, stage="named", actor=approver, on=date(2025, 12, 1)
    )

    dues = [
        tranche(project, stage).due_on
        for stage in (
            TrancheStage.FUTURE_APPROVAL,
            TrancheStage.FUTURE_JOINT_ACCEPTANCE,
            TrancheStage.FUTURE_NAMING,
        )
    ]
    assert dues == sorted(dues) and dues[0] == APPROVED_ON  # the same day is allowed


def test_no_tranche_of_any_project_falls_due_before_what_it_follows(project, approver):
    for stage, on in [
        ("joint_acceptance_passed", date(2025, 4, 30)),
        ("joint_acceptance_passed", date(2025, 6, 1)),
        ("named", date(2025, 5, 31)),
        ("named", date(2025, 7, 1)),
    ]:
        with contextlib.suppress(ValidationError):
            services.project_stage_reached(project=project, stage=stage, actor=approver, on=on)

    by_stage = {t.stage: t.due_on for t in Tranche.objects.filter(project=project)}
    assert by_stage[TrancheStage.FUTURE_JOINT_ACCEPTANCE] == date(2025, 6, 1)
    assert by_stage[TrancheStage.FUTURE_NAMING] == date(2025, 7, 1)
    assert by_stage[TrancheStage.FUTURE_JOINT_ACCEPTANCE] >= APPROVED_ON


def test_a_plan_accepted_before_its_approval_date_is_not_settled(db, approver):
    BudgetEnvelopeFactory(fiscal_year=2025, amount=Decimal("10000000.00"))
    plan = GapFillingPlanFactory(state="approved", approval_date=APPROVED_ON)
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    plan.state, plan.acceptance_date = "accepted", date(2025, 1, 10)
    plan.settled_investment = plan.total_investment
    plan.save()

    message = refusal(lambda: services.subsidy_settle_for_plan(plan=plan, actor=approver))

    settled = Tranche.objects.get(plan=plan)
    assert (settled.state, settled.due_on) == (TrancheState.SCHEDULED, None)
    assert "plan's approval" in message and "2025-01-10" in message


def test_the_refusal_reads_in_chinese(project, approver):
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        services.project_stage_reached(
            project=project, stage="joint_acceptance_passed", actor=approver, on=date(2024, 1, 1)
        )

    assert "项目立项" in " ".join(caught.value.messages)
