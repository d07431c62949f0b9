"""seed_scale at a small size: counts, every plan state, one live plan per community, one
tranche per plan and stage, tranche sums, and full_clean() on a sample of every model's rows."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum

from communities.models import Community, Facility, GapAssessment, Subdistrict, User
from communities.scale import CODE_PREFIX
from funding.models import Tranche
from operations.models import OperatingContract, OperationsAssessment, Operator, SatisfactionScore
from projects.choices import PlanState
from projects.models import (
    FutureCommunityProject,
    GapFillingPlan,
    PlanLineItem,
    ReviewOpinion,
    StatusChange,
)
from tests.conftest import restore_reference_data

pytestmark = pytest.mark.django_db(transaction=False)

SIZES = {
    "communities": 200,
    "subdistricts": 10,
    "facilities": 1000,
    "plans": 600,
    "line_items": 1500,
    "future_projects": 60,
    "operators": 30,
    "contracts": 60,
    "tranches": 1500,
}


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """The province at a small size, built once for the module and rolled back after it, so
    the data the migrations wrote (policies, roles) stays as it was for later tests."""
    restore_reference_data(django_db_blocker)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_scale",
            *[f"--{k.replace('_', '-')}={v}" for k, v in SIZES.items()],
            stdout=StringIO(),
        )
        yield
        transaction.set_rollback(True)


def test_counts_reach_the_sizes(province):
    assert Community.objects.count() == SIZES["communities"]
    assert Subdistrict.objects.count() == SIZES["subdistricts"]
    assert Facility.objects.count() == SIZES["facilities"]
    assert Tranche.objects.count() == SIZES["tranches"]
    assert (
        FutureCommunityProject.objects.filter(community__code__startswith=CODE_PREFIX).count() == 60
    )
    assert GapFillingPlan.objects.filter(community__code__startswith=CODE_PREFIX).count() >= 600
    assert PlanLineItem.objects.count() >= SIZES["line_items"]
    assert ReviewOpinion.objects.count() > 600 and StatusChange.objects.count() > 1500
    assert OperatingContract.objects.count() >= 60 and Operator.objects.count() == 30
    assert SatisfactionScore.objects.exists() and OperationsAssessment.objects.exists()
    new = Community.objects.filter(code__startswith=CODE_PREFIX).count()
    assert GapAssessment.objects.filter(community__code__startswith=CODE_PREFIX).count() == new * 7


def test_every_plan_state_and_one_live_plan_per_community(province):
    states = set(GapFillingPlan.objects.values_list("state", flat=True))
    assert states == set(PlanState.values)
    live = (
        GapFillingPlan.objects.exclude(state__in=[PlanState.WITHDRAWN, PlanState.CLOSED])
        .values("community")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not live.exists()


def test_states_match_dates(province):
    approved = GapFillingPlan.objects.filter(
        state__in=["approved", "under_construction", "completed", "accepted", "closed"]
    )
    assert not approved.filter(approval_date__isnull=True).exists()
    assert not approved.filter(approval_number="").exists()
    assert not GapFillingPlan.objects.filter(
        state__in=["accepted", "closed"], acceptance_date__isnull=True
    ).exists()
    paid = Tranche.objects.filter(state="paid")
    assert paid.exists()
    assert not paid.filter(paid_on__isnull=True).exists()
    assert not paid.filter(voucher_number="").exists()
    subdistricts = Subdistrict.objects.filter(code__startswith=CODE_PREFIX)
    assert User.objects.filter(subdistrict__in=subdistricts).count() == subdistricts.count()


def test_tranches_unique_per_subject_and_stage_and_sum_to_the_subsidy(province):
    plan_stages = Counter(Tranche.objects.filter(plan__isnull=False).values_list("plan", "stage"))
    assert max(plan_stages.values()) == 1
    project_stages = Counter(
        Tranche.objects.filter(project__isnull=False).values_list("project", "stage")
    )
    assert max(project_stages.values()) == 1
    for plan_id, total in Tranche.objects.filter(plan__isnull=False).values_list(
        "plan", "subsidy_total"
    )[:200]:
        summed = Tranche.objects.filter(plan_id=plan_id).aggregate(s=Sum("amount"))["s"]
        assert summed == total
    optimised = Tranche.objects.filter(project__isnull=False, stage="future_approval")
    assert optimised.exists()
    for first in optimised[:50]:
        summed = Tranche.objects.filter(project_id=first.project_id).aggregate(s=Sum("amount"))
        assert summed["s"] == first.subsidy_total
    plan = GapFillingPlan.objects.filter(state="closed").first()
    items = plan.line_items.aggregate(s=Sum("investment"))["s"]
    assert items == plan.total_investment
    # Gap filling: 50 % of the investment without the policy handling fee.
    expected = ((plan.total_investment - plan.policy_fee) / 2).quantize(Decimal("0.01"))
    assert plan.tranches.get().amount == expected


@pytest.mark.parametrize(
    "model",
    [
        Subdistrict,
        Community,
        Facility,
        User,
        GapFillingPlan,
        PlanLineItem,
        ReviewOpinion,
        StatusChange,
        FutureCommunityProject,
        Tranche,
        Operator,
        OperatingContract,
        OperationsAssessment,
        SatisfactionScore,
        GapAssessment,
    ],
)
def test_a_sample_of_each_model_passes_full_clean(province, model):
    rows = list(model.objects.order_by("-pk")[:40])
    assert rows
    for row in rows:
        row.full_clean()
