"""A small city built in a test, whose supervision report figures are known by hand."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from communities.choices import Route
from funding.choices import TrancheStage, TrancheState
from operations import services
from operations.choices import OperationKind
from projects.models import StatusChange
from tests.factories import (
    CommunityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    SubdistrictFactory,
    UserFactory,
)
from tests.funding.factories import TrancheFactory

from .factories import ContractFactory, SatisfactionScoreFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIOD = "2025-06"
TODAY = date(2025, 7, 15)  # the report is built in July for June: figures as of 30 June


@dataclass
class City:
    hushan: object
    gutang: object
    overdue_plan: object


def entered(plan, state, day: date, actor) -> None:
    change = StatusChange.objects.create(plan=plan, from_state="", to_state=state, actor=actor)
    StatusChange.objects.filter(pk=change.pk).update(
        at=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    )


def build_city(assessor) -> City:
    """浒山 is on target, fast and well liked; 古塘 is behind, slow, poorly rated and failed."""
    hushan = SubdistrictFactory(code="hushan", name="浒山")
    gutang = SubdistrictFactory(code="gutang", name="古塘")
    clerk = UserFactory(subdistrict=hushan, department=None)

    def gap(subdistrict, year, name=None):
        extra = {"name": name} if name else {}
        return CommunityFactory(subdistrict=subdistrict, route=Route.GAP, plan_year=year, **extra)

    h1, h2, h3 = gap(hushan, 2024), gap(hushan, 2024), gap(hushan, 2025)
    GapFillingPlanFactory(community=h1, year=2024, state="under_construction")
    completed = GapFillingPlanFactory(community=h2, year=2024, state="completed")
    GapFillingPlanFactory(community=h3, year=2025, state="under_construction")
    FutureCommunityProjectFactory(community__subdistrict=hushan, stage="approved")
    SatisfactionScoreFactory(community=h1, period="2024", score=Decimal("60"))  # superseded
    SatisfactionScoreFactory(community=h1, period="2025-H1", score=Decimal("92"))
    SatisfactionScoreFactory(community=h2, period="2025-H1", score=Decimal("95"))
    SatisfactionScoreFactory(community=h3, period="2025-H2", score=Decimal("50"))  # after June
    TrancheFactory(plan=completed, amount=Decimal("600000.00"), state=TrancheState.DUE)

    g1, g2 = gap(gutang, 2024, name="=SUM(A1)"), gap(gutang, 2024)
    gap(gutang, 2024)
    approved = GapFillingPlanFactory(community=g1, year=2024, state="approved")
    entered(approved, "approved", date(2025, 4, 1), clerk)
    reviewing = GapFillingPlanFactory(community=g2, year=2024, state="in_joint_review")
    entered(reviewing, "in_joint_review", date(2025, 6, 20), clerk)
    named = FutureCommunityProjectFactory(
        community__subdistrict=gutang, community__route=Route.FUTURE, stage="named"
    )
    SatisfactionScoreFactory(community=g1, period="2025-Q2", score=Decimal("70"))
    for stage, amount, paid_on in (
        (TrancheStage.FUTURE_APPROVAL, "300000.00", date(2025, 5, 1)),
        (TrancheStage.FUTURE_JOINT_ACCEPTANCE, "100000.00", date(2025, 7, 10)),
    ):
        TrancheFactory(
            plan=None,
            project=named,
            subdistrict=gutang,
            stage=stage,
            amount=Decimal(amount),
            state=TrancheState.PAID,
            paid_on=paid_on,
            voucher_number=f"PZ-{stage}",
        )
    contract = ContractFactory(subdistrict=gutang, title="古塘养老运营合同")
    assessment = services.assessment_create(
        actor=assessor,
        contract=contract,
        period="2025-H1",
        scores={kind: Decimal("50") for kind in OperationKind},
    )
    services.assessment_submit(actor=assessor, assessment=assessment)
    services.assessment_confirm(actor=assessor, assessment=assessment)
    return City(hushan=hushan, gutang=gutang, overdue_plan=approved)
