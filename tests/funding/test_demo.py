"""The funding demo data: envelopes, tranches of the demo plans and projects, idempotent."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.roles import Role
from funding import demo
from funding.choices import TrancheState
from funding.models import BudgetEnvelope, Tranche, TrancheEvent
from tests.factories import (
    CommunityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    UserFactory,
)


@pytest.fixture
def demo_users(db):
    UserFactory(username="taskforce_approver", roles=[Role.TASKFORCE_APPROVER])
    UserFactory(username="finance_officer", roles=[Role.FINANCE_OFFICER])


def test_without_plans_only_envelopes_are_made(demo_users):
    demo.seed()

    assert BudgetEnvelope.objects.filter(fiscal_year__range=(2023, 2026)).count() == 6
    assert not Tranche.objects.exists()


def test_seed_builds_tranches_of_demo_records_once(demo_users):
    community = CommunityFactory(is_demo=True)
    GapFillingPlanFactory(
        community=community, state="closed", approval_date=date(2024, 3, 1),
        acceptance_date=date(2025, 5, 1), settled_investment=Decimal("1100000"),
    )  # fmt: skip
    GapFillingPlanFactory(community=CommunityFactory(is_demo=True), state="approved")
    GapFillingPlanFactory(state="approved")  # not a demo record
    FutureCommunityProjectFactory(
        community=CommunityFactory(is_demo=True, route="future"),
        stage="named",
        project_type="leading",
        approval_date=date(2024, 4, 1),
    )

    demo.seed()
    counts = (Tranche.objects.count(), TrancheEvent.objects.count())
    demo.seed()

    assert (Tranche.objects.count(), TrancheEvent.objects.count()) == counts
    assert Tranche.objects.filter(plan__isnull=False).count() == 2
    paid = Tranche.objects.get(plan__state="closed")
    assert paid.state == TrancheState.PAID and paid.amount == Decimal("520000.00")
    assert Tranche.objects.filter(project__isnull=False).count() == 4  # 3 + Ningbo


def test_demo_events_are_dated_on_the_day_of_their_step(demo_users):
    GapFillingPlanFactory(
        community=CommunityFactory(is_demo=True), state="closed", approval_date=date(2024, 3, 1),
        acceptance_date=date(2025, 5, 1), settled_investment=Decimal("1100000"),
    )  # fmt: skip

    demo.seed()

    days = [
        (event.to_state, timezone.localtime(event.at).date())
        for event in TrancheEvent.objects.order_by("at", "pk")
    ]
    assert days[0] == (TrancheState.SCHEDULED, date(2024, 3, 1))
    assert days[1] == (TrancheState.DUE, date(2025, 5, 1))
    assert [state for state, _day in days[2:]] == [TrancheState.APPROVED, TrancheState.PAID]
