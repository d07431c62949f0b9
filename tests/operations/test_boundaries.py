"""The edges of operations' score and day comparisons: a grade band includes its lower edge, a
score at the low-satisfaction limit is not low, an average at the praise mark is praised, and
a plan exactly at its day limit is not overdue. Each test fails if a comparison moves by one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from communities.choices import Route
from operations.choices import Grade
from operations.grading import grade_for
from operations.models import AssessmentScheme
from operations.report import PRAISE, SUPERVISE, ReportBuilder, Rules
from tests.factories import CommunityFactory, GapFillingPlanFactory, SubdistrictFactory, UserFactory

from .factories import SatisfactionScoreFactory
from .reportdata import PERIOD, TODAY, entered

SCHEME = AssessmentScheme(
    excellent_from=Decimal("90"), good_from=Decimal("80"), pass_from=Decimal("60")
)
CENT = Decimal("0.01")
AS_OF = date(2025, 6, 30)  # the report of June, built in July


@pytest.mark.parametrize(
    ("edge", "at", "below"),
    [
        (Decimal("90"), Grade.EXCELLENT, Grade.GOOD),
        (Decimal("80"), Grade.GOOD, Grade.PASS),
        (Decimal("60"), Grade.PASS, Grade.FAIL),
    ],
)
def test_a_band_includes_its_lower_edge_and_not_a_cent_below(edge, at, below):
    assert grade_for(edge, SCHEME) == at
    assert grade_for(edge - CENT, SCHEME) == below
    assert grade_for(edge + CENT, SCHEME) == at


def test_the_top_and_bottom_scores_grade():
    assert grade_for(Decimal("100"), SCHEME) == Grade.EXCELLENT
    assert grade_for(Decimal("0"), SCHEME) == Grade.FAIL


def builder() -> ReportBuilder:
    return ReportBuilder(period=PERIOD, rules=Rules(), today=TODAY)


def satisfaction_reasons(score: Decimal) -> list[str]:
    """The list kinds one subdistrict gets from one community scoring ``score``."""
    subdistrict = SubdistrictFactory(name="边界街道")
    SatisfactionScoreFactory(community__subdistrict=subdistrict, period="2025-H1", score=score)
    report = builder()
    report.satisfaction()
    return [kind for kind, _category, _detail in report.reasons["边界街道"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("score", "kinds"),
    [
        (Decimal("79.99"), [SUPERVISE]),  # below the low-satisfaction limit of 80
        (Decimal("80.00"), []),  # at the limit: not low, and not yet praiseworthy
        (Decimal("89.99"), []),  # a cent short of the praise mark of 90
        (Decimal("90.00"), [PRAISE]),  # at the praise mark
    ],
)
def test_satisfaction_limits(score, kinds):
    assert satisfaction_reasons(score) == kinds


def overdue_rows(state: str, days_in_state: int) -> tuple[list, list]:
    """The overdue section's rows for one plan that entered ``state`` that many days before
    the report's day."""
    subdistrict = SubdistrictFactory(name="边界街道")
    community = CommunityFactory(subdistrict=subdistrict, route=Route.GAP, plan_year=2024)
    plan = GapFillingPlanFactory(community=community, year=2024, state=state)
    entered(plan, state, AS_OF - timedelta(days=days_in_state), UserFactory())
    report = builder()
    return report.overdue()["rows"], report.reasons["边界街道"]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "limit"), [("approved", 60), ("in_joint_review", 30)])
def test_a_plan_at_its_day_limit_is_not_overdue(state, limit):
    rows, reasons = overdue_rows(state, limit)
    assert rows == [] and reasons == []


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "limit"), [("approved", 60), ("in_joint_review", 30)])
def test_a_plan_a_day_past_its_limit_is_overdue(state, limit):
    rows, reasons = overdue_rows(state, limit + 1)
    assert [row[-2:] for row in rows] == [[limit + 1, limit]]
    assert [kind for kind, _category, _detail in reasons] == [SUPERVISE]
