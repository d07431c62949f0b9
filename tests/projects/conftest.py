"""Fixtures of the plan tests: a plan with line items, the reviewers and the approver."""

import datetime
from decimal import Decimal

import pytest

from communities.choices import Route
from communities.models import Department
from communities.roles import Role
from projects import services
from tests.factories import (
    CommunityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    UserFactory,
)


@pytest.fixture
def approver(db):
    return UserFactory(username="approver", roles=[Role.TASKFORCE_APPROVER])


@pytest.fixture
def assessor(db):
    """The Converged Media Centre's assessor, who records the digital-plan review."""
    return UserFactory(username="media_centre", roles=[Role.OPERATIONS_ASSESSOR])


@pytest.fixture
def project(hushan):
    """A future-community project of 浒山 at planning."""
    return FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=hushan, route=Route.FUTURE, name="浒山未来社区")
    )


@pytest.fixture
def reviewers(db):
    """One reviewer per required department."""
    return [
        UserFactory(
            username=f"reviewer_{department.code}",
            department=department,
            roles=[Role.DEPARTMENT_REVIEWER],
        )
        for department in Department.objects.filter(is_joint_reviewer=True)
    ]


@pytest.fixture
def plan(staff_hushan):
    """A draft plan of 浒山 with two line items that add up to its total."""
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    PlanLineItemFactory(plan=plan, investment=Decimal("630000.00"))
    PlanLineItemFactory(plan=plan, facility_type="childcare", investment=Decimal("630000.00"))
    return plan


def agree_all(plan, reviewers):
    for reviewer in reviewers:
        services.opinion_record(actor=reviewer, plan=plan, decision="agree")


@pytest.fixture
def in_review(plan, staff_hushan, approver):
    """The plan submitted and in its joint review."""
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def approvable(plan, staff_hushan, approver, reviewers):
    """The plan submitted, in review and agreed by every required department."""
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    agree_all(plan, reviewers)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def approved(approvable, approver):
    return services.plan_approve(
        actor=approver,
        plan=approvable,
        approval_number="慈补短板批〔2024〕1号",
        approval_date=datetime.date(2024, 5, 1),
    )


def pay_subsidy(plan):
    """Finance approves and pays the plan's subsidy, as it must before the plan can close."""
    from funding import services as funding_services
    from funding.models import Tranche

    finance = UserFactory(username="finance_for_plans", roles=[Role.FINANCE_OFFICER])
    for tranche in Tranche.objects.filter(plan=plan):
        tranche = funding_services.tranche_approve(tranche=tranche, actor=finance)
        funding_services.tranche_mark_paid(
            tranche=tranche,
            actor=finance,
            voucher_number=f"PZ-{plan.pk}",
            paid_on=datetime.date(2024, 12, 1),
        )
