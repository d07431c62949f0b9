"""The projects app's invariants hold in the database itself, not only in its services.

Each test writes past ``save()`` and ``full_clean()`` (``QuerySet.update``, ``bulk_create``)
and expects the database to refuse. The subdistrict pair is a deferred foreign key on
PostgreSQL, so ``connection.check_constraints()`` asks for it before the transaction ends; on
SQLite a trigger refuses at once. The suite runs on both (DATABASE_URL picks PostgreSQL).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from projects.choices import PlanState
from projects.models import BlockUnit, DevelopmentBlock, GapFillingPlan, ReviewOpinion
from tests.factories import (
    CommunityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    SubdistrictFactory,
)


def refused_by_the_database(write):
    """Run ``write`` in a savepoint, ask for the deferred checks, expect an IntegrityError."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        connection.check_constraints()


@pytest.fixture
def elsewhere(db):
    return SubdistrictFactory(code="elsewhere", name="别处")


def test_a_second_live_plan_for_a_community_is_refused_by_the_database(plan, staff_hushan):
    second = GapFillingPlan(
        community=plan.community,
        subdistrict=plan.subdistrict,
        year=2024,
        title="第二个方案",
        created_by=staff_hushan,
    )
    refused_by_the_database(lambda: GapFillingPlan.objects.bulk_create([second]))


def test_a_withdrawn_plan_leaves_room_for_the_next_one_but_cannot_come_back(plan, staff_hushan):
    GapFillingPlan.objects.filter(pk=plan.pk).update(state=PlanState.WITHDRAWN)
    GapFillingPlanFactory(community=plan.community, created_by=staff_hushan, title="新方案")
    refused_by_the_database(
        lambda: GapFillingPlan.objects.filter(pk=plan.pk).update(state=PlanState.DRAFT)
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "This community already has a plan under way; revise that plan or withdraw it "
            "before drafting another.",
        ),
        ("zh-hans", "该社区已有在办方案；请修改该方案，或先撤回再另行编制。"),
    ],
)
def test_full_clean_explains_the_one_live_plan_rule(plan, staff_hushan, language, message):
    second = GapFillingPlan(
        community=plan.community, year=2024, title="第二个方案", created_by=staff_hushan
    )
    with translation.override(language), pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert message in refused.value.messages


def test_a_plans_subdistrict_is_its_communitys_when_saved(plan, elsewhere):
    plan.subdistrict = elsewhere
    plan.save()
    plan.refresh_from_db()
    assert plan.subdistrict == plan.community.subdistrict


def test_a_plan_in_another_subdistrict_than_its_community_is_refused_by_the_database(
    plan, elsewhere, staff_hushan
):
    refused_by_the_database(
        lambda: GapFillingPlan.objects.filter(pk=plan.pk).update(subdistrict=elsewhere)
    )
    community = CommunityFactory(subdistrict=plan.subdistrict)
    stray = GapFillingPlan(
        community=community, subdistrict=elsewhere, year=2024, title="错位", created_by=staff_hushan
    )
    refused_by_the_database(lambda: GapFillingPlan.objects.bulk_create([stray]))
    plan.refresh_from_db()
    assert plan.subdistrict_id == plan.community.subdistrict_id


def test_a_community_that_moves_takes_its_plans_and_blocks_along(plan, elsewhere):
    block = DevelopmentBlock.objects.create(
        name="北区", community=plan.community, area_mu=Decimal("500"), planned_population=9000
    )
    assert block.subdistrict_id == plan.community.subdistrict_id
    type(plan.community).objects.filter(pk=plan.community_id).update(subdistrict=elsewhere)
    connection.check_constraints()
    plan.refresh_from_db()
    block.refresh_from_db()
    assert plan.subdistrict == elsewhere
    assert block.subdistrict == elsewhere


def test_a_blocks_subdistrict_is_its_communitys_in_the_database(plan, elsewhere):
    block = DevelopmentBlock.objects.create(
        name="北区", community=plan.community, area_mu=Decimal("500"), planned_population=9000
    )
    refused_by_the_database(
        lambda: DevelopmentBlock.objects.filter(pk=block.pk).update(subdistrict=elsewhere)
    )
    refused_by_the_database(
        lambda: DevelopmentBlock.objects.filter(pk=block.pk).update(subdistrict=None)
    )
    # A block outside any community may lie in any subdistrict.
    DevelopmentBlock.objects.filter(pk=block.pk).update(community=None, subdistrict=elsewhere)
    connection.check_constraints()


@pytest.mark.parametrize(
    "change",
    [
        {"settled_investment": Decimal("-1")},
        {"total_investment": Decimal("-1"), "policy_fee": Decimal("0")},
        {"year": 2022},
        {"progress_percent": 101},
    ],
    ids=lambda change: ",".join(change),
)
def test_a_plans_figures_are_checked_by_the_database(plan, change):
    refused_by_the_database(lambda: GapFillingPlan.objects.filter(pk=plan.pk).update(**change))


def test_one_opinion_per_plan_round_and_department_from_round_one(approvable):
    opinion = ReviewOpinion.objects.filter(plan=approvable).first()
    copy = ReviewOpinion(
        plan=approvable,
        review_round=opinion.review_round,
        department=opinion.department,
        decision="agree",
        reviewer=opinion.reviewer,
    )
    refused_by_the_database(lambda: ReviewOpinion.objects.bulk_create([copy]))
    refused_by_the_database(
        lambda: ReviewOpinion.objects.filter(pk=opinion.pk).update(review_round=0)
    )


def test_block_figures_and_unit_numbers_are_checked_by_the_database(db):
    block = DevelopmentBlock.objects.create(
        name="南区", area_mu=Decimal("300"), planned_population=5000
    )
    refused_by_the_database(
        lambda: DevelopmentBlock.objects.filter(pk=block.pk).update(area_mu=Decimal("0"))
    )
    unit = BlockUnit.objects.create(block=block, number=1)
    refused_by_the_database(lambda: BlockUnit.objects.filter(pk=unit.pk).update(number=0))


def test_a_future_projects_figures_are_checked_by_the_database(db):
    project = FutureCommunityProjectFactory(funding_mode="original")
    model = type(project)
    refused_by_the_database(lambda: model.objects.filter(pk=project.pk).update(provincial_batch=8))
    refused_by_the_database(
        lambda: model.objects.filter(pk=project.pk).update(creation_investment=Decimal("-1"))
    )
