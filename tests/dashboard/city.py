"""A programme in three subdistricts with plans in every state of 2023–2025, future communities
at every stage, tranches in every state, source and fiscal year, and facilities; the dashboard
tests count and sum over it themselves."""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from communities.choices import FacilityType, Route
from communities.services import gap_assessments_refresh
from funding.choices import BudgetSource, TrancheStage, TrancheState
from projects.choices import FutureStage, PlanState
from projects.models import StatusChange
from public.models import Suggestion
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    SubdistrictFactory,
    UserFactory,
)
from tests.funding.factories import BudgetEnvelopeFactory, TrancheFactory


def paid(state, year) -> dict:
    """A paid tranche's date and voucher."""
    if state != TrancheState.PAID:
        return {}
    return {"paid_on": datetime.date(year, 5, 10), "voucher_number": f"PZ-{year}"}


def build_city() -> SimpleNamespace:
    """Three subdistricts; each with a gap-filling community per plan state and year, future
    communities at each stage, tranches of every kind and some facilities."""
    subdistricts = [
        SubdistrictFactory(code="hushan", name="浒山"),
        SubdistrictFactory(code="gutang", name="古塘"),
        SubdistrictFactory(code="zonghan", name="宗汉"),
    ]
    actor = UserFactory(username="history-writer")
    plans, projects, tranches = [], [], []
    states = list(PlanState.values)
    for index, (subdistrict, year) in enumerate(
        itertools.product(subdistricts, (2023, 2024, 2025))
    ):
        for offset, state in enumerate(states[index % 3 :: 2]):
            community = CommunityFactory(subdistrict=subdistrict, route=Route.GAP, plan_year=year)
            plan = GapFillingPlanFactory(community=community, year=year)
            plan.state = state
            plan.save(update_fields=["state"])
            # Moved into its state some days ago, one month apart per plan.
            at = timezone.now() - datetime.timedelta(days=20 + 35 * (offset + index))
            change = StatusChange.objects.create(plan=plan, to_state=state, actor=actor)
            StatusChange.objects.filter(pk=change.pk).update(at=at)
            plans.append(plan)
            if state in (PlanState.ACCEPTED, PlanState.CLOSED):
                n = len(tranches)
                tranche_state = TrancheState.values[n % len(TrancheState.values)]
                tranches.append(
                    TrancheFactory(
                        plan=plan,
                        subdistrict=subdistrict,
                        state=tranche_state,
                        source=BudgetSource.values[n % 2],
                        fiscal_year=year,
                        amount=Decimal("100000.00") + index,
                        **paid(tranche_state, year),
                    )
                )
        for stage_index, stage in enumerate(FutureStage.values[index % 2 :: 3]):
            batch = (stage_index % 7) + 1 if stage_index % 2 else None
            project = FutureCommunityProjectFactory(
                community=CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE),
                provincial_batch=batch,
                plan_year=None if batch else year if year > 2023 else 2024,
                funding_mode="original" if batch else "optimised",
            )
            project.stage = stage
            project.save(update_fields=["stage"])
            projects.append(project)
            tranches.append(
                TrancheFactory(
                    plan=None,
                    project=project,
                    subdistrict=subdistrict,
                    stage=TrancheStage.OPERATIONS_REWARD
                    if stage_index % 2
                    else TrancheStage.NINGBO_PASSTHROUGH,
                    state=TrancheState.values[stage_index % len(TrancheState.values)],
                    source=BudgetSource.NINGBO if stage_index % 2 == 0 else BudgetSource.CITY,
                    fiscal_year=year,
                    amount=Decimal("600000.00"),
                    **paid(TrancheState.values[stage_index % len(TrancheState.values)], year),
                )
            )
    for year, source in itertools.product((2023, 2024, 2025), BudgetSource.values):
        BudgetEnvelopeFactory(fiscal_year=year, source=source, amount=Decimal("5000000.00"))
    communities = [plan.community for plan in plans]
    for community, facility_type in zip(
        communities, itertools.cycle(FacilityType.values), strict=False
    ):
        FacilityFactory(community=community, facility_type=facility_type, places=50)
    for community, category in zip(communities[:6], FacilityType.values, strict=False):
        Suggestion.objects.create(community=community, category=category, text="希望增加服务时间")
    gap_assessments_refresh()
    return SimpleNamespace(
        subdistricts=subdistricts, plans=plans, projects=projects, tranches=tranches
    )


STARTED = {"under_construction", "completed", "accepted", "closed"}
