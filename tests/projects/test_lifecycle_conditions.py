"""The checks of the plan and project tables, word for word: the generated life-cycle cases ask
the table's own checks what to expect, so they cannot tell a wrong check from a right one."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from funding import selectors as funding_selectors
from projects import selectors
from projects.choices import FutureStage, Scenario, ScenarioState
from projects.lifecycles import FUTURE, PLAN
from projects.models import FutureScenario

NOT_JOINT = "Your department does not take part in the joint review."


def _project_with(*scenarios):
    rows = [FutureScenario(scenario=scenario, state=state) for scenario, state in scenarios]
    return SimpleNamespace(scenarios=SimpleNamespace(all=lambda: rows))


@pytest.mark.parametrize(
    ("user", "reason"),
    [
        (SimpleNamespace(), NOT_JOINT),
        (SimpleNamespace(department=None), NOT_JOINT),
        (SimpleNamespace(department=SimpleNamespace(is_joint_reviewer=False)), NOT_JOINT),
        (SimpleNamespace(department=SimpleNamespace(is_joint_reviewer=True)), ""),
    ],
    ids=["no department attribute", "no department", "outside the review", "joint reviewer"],
)
def test_only_a_joint_reviewing_department_gives_an_opinion(user, reason):
    with translation.override("en"):
        assert PLAN["opinion"].condition(user, None) == reason


@pytest.mark.parametrize(
    ("unpaid", "reason"),
    [
        (Decimal("0.00"), ""),
        (
            Decimal("0.01"),
            "The plan closes once its subsidy is paid; 0.01 yuan is still unpaid.",
        ),
        (
            Decimal("1234567.80"),
            "The plan closes once its subsidy is paid; 1,234,567.80 yuan is still unpaid.",
        ),
    ],
)
def test_a_plan_closes_only_once_its_subsidy_is_paid(monkeypatch, unpaid, reason):
    monkeypatch.setattr(funding_selectors, "unpaid_of", lambda plan: unpaid)

    with translation.override("en"):
        assert PLAN["close"].requires(None) == reason


def test_joint_acceptance_waits_for_every_planned_scenario_in_the_policys_order():
    requires = FUTURE[FutureStage.JOINT_ACCEPTANCE_PASSED].requires
    project = _project_with(
        (Scenario.GOVERNANCE, ScenarioState.PLANNED),
        (Scenario.HEALTH, ScenarioState.BUILT),
        (Scenario.EDUCATION, ScenarioState.PLANNED),
        (Scenario.TRANSPORT, ScenarioState.ACCEPTED),
    )

    with translation.override("en"):
        reason = requires(project)

    assert reason == (
        "Joint acceptance needs every planned scenario built; not yet built: Education, Governance."
    )


def test_joint_acceptance_goes_ahead_once_nothing_is_only_planned():
    requires = FUTURE[FutureStage.JOINT_ACCEPTANCE_PASSED].requires
    project = _project_with(
        (Scenario.HEALTH, ScenarioState.BUILT), (Scenario.TRANSPORT, ScenarioState.ACCEPTED)
    )

    assert requires(project) == "" and requires(_project_with()) == ""


@pytest.mark.parametrize(
    ("review", "reason"),
    [
        (
            None,
            "The Converged Media Centre has not yet given its opinion on the digital plan; the "
            "implementation plan can be recorded as reviewed only after it agrees.",
        ),
        (
            SimpleNamespace(agrees=False, reviewed_on=datetime.date(2025, 3, 4)),
            "The Converged Media Centre disagreed with the digital plan on 2025-03-04; a new "
            "digital review that agrees is needed first.",
        ),
        (SimpleNamespace(agrees=True, reviewed_on=datetime.date(2025, 3, 4)), ""),
    ],
    ids=["no review", "disagreed", "agreed"],
)
def test_the_plan_review_waits_for_an_agreeing_digital_review(monkeypatch, review, reason):
    monkeypatch.setattr(selectors, "latest_digital_review", lambda project: review)

    with translation.override("en"):
        assert FUTURE[FutureStage.PLAN_REVIEWED].requires(None) == reason


def test_only_the_steps_checked_here_have_checks():
    checked = {
        (table.model_label, step.name, kind)
        for table in (PLAN, FUTURE)
        for step in table
        for kind in ("condition", "requires")
        if getattr(step, kind) is not None
    }

    assert checked == {
        ("projects.GapFillingPlan", "opinion", "condition"),
        ("projects.GapFillingPlan", "close", "requires"),
        ("projects.FutureCommunityProject", FutureStage.PLAN_REVIEWED, "requires"),
        ("projects.FutureCommunityProject", FutureStage.JOINT_ACCEPTANCE_PASSED, "requires"),
    }


def test_joint_acceptance_names_the_missing_scenarios_with_the_chinese_list_mark():
    requires = FUTURE[FutureStage.JOINT_ACCEPTANCE_PASSED].requires
    project = _project_with(
        (Scenario.GOVERNANCE, ScenarioState.PLANNED),
        (Scenario.EDUCATION, ScenarioState.PLANNED),
    )

    with translation.override("zh-hans"):
        reason = requires(project)
        names = f"{Scenario.EDUCATION.label}、{Scenario.GOVERNANCE.label}"

    assert reason == f"联合验收要求所有计划场景均已建成；尚未建成：{names}。"


def test_the_project_table_reads_a_projects_stage():
    project = SimpleNamespace(stage=FutureStage.PLAN_REVIEWED)

    assert FUTURE.state_of(project) == FutureStage.PLAN_REVIEWED
