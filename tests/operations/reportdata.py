"""A small city built in a test, whose supervision report figures are known by hand."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from communities.choices import Route
from communities.models import Department
from funding.choices import TrancheStage, TrancheState
from operations import services
from operations.choices import OperationKind
from projects.models import ReviewOpinion, StatusChange
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


# 发改 gives its opinions in time, 民政 leaves one outstanding, 财政 owes nothing in June.
IN_TIME, LATE, NOTHING_DUE = "development", "civil_affairs", "finance"


def gave(plan, review_round, code, day: date, reviewer) -> None:
    opinion = ReviewOpinion.objects.create(
        plan=plan,
        review_round=review_round,
        department=Department.objects.get(code=code),
        decision="agree",
        reviewer=reviewer,
    )
    ReviewOpinion.objects.filter(pk=opinion.pk).update(
        at=datetime(day.year, day.month, day.day, 15, tzinfo=SHANGHAI)
    )


def build_reviews(city: City) -> City:
    """Two plans of 古塘 under review in May and June 2025; 发改, 民政 and 财政 are the only
    departments the review needs. With a 15-day limit for opinions:

    Plan one opened on 10 May (due 25 May): 发改 and 财政 agreed in May, 民政 never did and the
    plan is still in review. Plan two opened on 1 June (due 16 June): 发改 agreed on 5 June, and
    it went back to its subdistrict on 12 June, before the others' opinions fell due.
    """
    Department.objects.exclude(code__in=(IN_TIME, LATE, NOTHING_DUE)).update(
        is_joint_reviewer=False
    )
    clerk = UserFactory(subdistrict=city.gutang, department=None)
    reviewer = UserFactory(subdistrict=None)
    waiting = GapFillingPlanFactory(
        community__subdistrict=city.gutang,
        community__name="观海卫",
        title="观海卫养老补短板",
        state="in_joint_review",
    )
    entered(waiting, "in_joint_review", date(2025, 5, 10), clerk)
    gave(waiting, 1, IN_TIME, date(2025, 5, 20), reviewer)
    gave(waiting, 1, NOTHING_DUE, date(2025, 5, 22), reviewer)
    returned = GapFillingPlanFactory(
        community__subdistrict=city.gutang, title="新城托育补短板", state="returned"
    )
    entered(returned, "in_joint_review", date(2025, 6, 1), clerk)
    gave(returned, 1, IN_TIME, date(2025, 6, 5), reviewer)
    entered(returned, "returned", date(2025, 6, 12), clerk)
    return city
