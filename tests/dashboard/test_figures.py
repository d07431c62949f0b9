"""Each dashboard figure equals a count or sum written here over the data the test builds; the
subdistrict view holds only its own rows; the query count does not grow with the city."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.choices import FacilityType, GapStatus, Route
from communities.models import Community, GapAssessment
from communities.services import gap_assessments_refresh
from funding.choices import TrancheStage, TrancheState
from projects.choices import FutureStage, PlanState
from projects.models import StatusChange
from tests.dashboard.city import build_city
from tests.factories import CommunityFactory, GapFillingPlanFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db

from tests.dashboard.city import STARTED  # noqa: E402

COMPLETED = {"completed", "accepted", "closed"}


@pytest.fixture
def city():
    return build_city()


def figures_of(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard:index") + query)
    assert response.status_code == 200
    return {figure.key: figure for figure in response.context["figures"]}, response


def test_starts_and_completions_by_year(client, city, user_with_role):
    figures, _response = figures_of(client, user_with_role("supervisor"))
    starts = figures["starts"]
    for index, year in enumerate(starts.labels):
        plans = [plan for plan in city.plans if plan.year == int(year)]
        started = {plan.community_id for plan in plans if plan.state in STARTED}
        completed = {plan.community_id for plan in plans if plan.state in COMPLETED}
        assert starts.series[1].values[index] == len(started)
        assert starts.series[2].values[index] == len(completed)
    assert starts.series[0].values == [10, 8, 8]
    assert starts.series[1].links[0] == "/plans/?year=2023&progress=started"


def test_future_communities_by_stage_and_batch(client, city, user_with_role):
    figures, _response = figures_of(client, user_with_role("taskforce_approver"))
    future = figures["future"]
    provincial = Counter(p.stage for p in city.projects if p.provincial_batch)
    planned = Counter(p.stage for p in city.projects if not p.provincial_batch)
    assert future.series[0].values == [provincial[s] for s in FutureStage.values]
    assert future.series[1].values == [planned[s] for s in FutureStage.values]
    named = sum(1 for p in city.projects if p.stage == FutureStage.NAMED)
    assert f"{named} " in str(future.note)


def test_money_by_source_and_year_and_the_rewards_apart(client, city, user_with_role):
    figures, _response = figures_of(client, user_with_role("finance_officer"))
    money = figures["money"]
    creation = [
        t for t in city.tranches if t.stage not in ("operations_reward", "ningbo_passthrough")
    ]
    for index, label in enumerate(money.labels):
        year = int(label.split()[0])
        of_key = [t for t in creation if t.fiscal_year == year and t.get_source_display() in label]
        paid = sum((t.amount for t in of_key if t.state == TrancheState.PAID), Decimal(0))
        committed = sum(
            (t.amount for t in of_key if t.state not in ("cancelled", "returned")), Decimal(0)
        )
        assert money.series[0].kind == "target"  # the budget envelope
        assert money.series[0].values[index] == Decimal("5000000.00")
        assert money.series[1].values[index] == committed
        assert money.series[4].values[index] == paid
    apart = figures["money_apart"]
    for index, stage in enumerate(("operations_reward", "ningbo_passthrough")):
        due = sum(
            (t.amount for t in city.tranches if t.stage == stage and t.state == "due"), Decimal(0)
        )
        assert apart.series[1].values[index] == due


def test_coverage_overdue_and_ranking(client, city, user_with_role):
    figures, _response = figures_of(client, user_with_role("supervisor"))
    coverage = figures["coverage"]
    statuses = Counter(GapAssessment.objects.values_list("facility_type", "status"))
    for row, status in enumerate(("meets", "below", "missing", "out_of_radius")):
        assert coverage.series[row].values == [statuses[(t, status)] for t in FacilityType.values]
    assert coverage.labels[:2] == [
        str(FacilityType.ELDERLY_CARE.label),
        str(FacilityType.CHILDCARE.label),
    ]
    overdue = figures["overdue"]
    # Plans past 60 days approved and 30 days in joint review, from their moves.
    now = timezone.now()
    for row, (state, days) in enumerate((("approved", 60), ("in_joint_review", 30))):
        for index, name in enumerate(overdue.labels):
            late = StatusChange.objects.filter(
                plan__state=state,
                to_state=state,
                plan__subdistrict__name=name,
                at__lt=now - datetime.timedelta(days=days),
            ).count()
            assert overdue.series[row].values[index] == late
            listed = client.get(overdue.series[row].links[index]).context["object_list"]
            assert len(listed) == late
    assert sum(overdue.series[0].values) + sum(overdue.series[1].values) > 0
    ranking = figures["ranking"]
    for index, name in enumerate(ranking.labels):
        gap_communities = Community.objects.filter(subdistrict__name=name, route=Route.GAP).count()
        assert ranking.series[0].values[index] == gap_communities


def test_the_2025_goal_counts_reached_communities(client, city, user_with_role):
    _figures, response = figures_of(client, user_with_role("supervisor"))
    goal = response.context["goal"]
    reached = {p.community_id for p in city.plans if p.state in STARTED | {"approved"}}
    reached |= {
        p.community_id
        for p in city.projects
        if FutureStage.values.index(p.stage) >= FutureStage.values.index("approved")
    }
    assert goal["total"] == Community.objects.count()
    assert goal["covered"] == len(reached)
    assert goal["remaining"] == goal["total"] - len(reached)


def test_filters_narrow_every_figure(client, city, user_with_role):
    gutang = city.subdistricts[1]
    figures, _response = figures_of(
        client, user_with_role("supervisor"), f"?subdistrict={gutang.pk}&year=2024&route=gap"
    )
    plans = [p for p in city.plans if p.subdistrict_id == gutang.pk and p.year == 2024]
    assert figures["starts"].labels == ["2024"]
    assert figures["starts"].series[1].values == [
        len({p.community_id for p in plans if p.state in STARTED})
    ]
    assert sum(sum(s.values) for s in figures["future"].series) == 0
    assert figures["ranking"].labels == ["古塘"]


def test_subdistrict_staff_see_only_their_own_rows(client, city, user_with_role):
    hushan = city.subdistricts[0]
    staff = user_with_role("subdistrict_staff", subdistrict=hushan, department=None)
    figures, response = figures_of(client, staff)
    own = [p for p in city.plans if p.subdistrict_id == hushan.pk]
    assert figures["starts"].series[1].values == [
        len({p.community_id for p in own if p.year == y and p.state in STARTED})
        for y in (2023, 2024, 2025)
    ]
    # The targets are the subdistrict's share: its gap-filling communities of each year.
    assert figures["starts"].series[0].values == [
        Community.objects.filter(subdistrict=hushan, route=Route.GAP, plan_year=y).count()
        for y in (2023, 2024, 2025)
    ]
    assert figures["overdue"].labels == [hushan.name]
    assert "ranking" not in figures
    assert not any(s.kind == "target" for s in figures["money"].series)  # no envelopes
    own_tranches = [t for t in city.tranches if t.subdistrict_id == hushan.pk]
    shown = sum(sum(s.values) for s in figures["money"].series[:1]) + sum(
        figures["money_apart"].series[0].values
    )
    assert shown == sum(
        (t.amount for t in own_tranches if t.state not in ("cancelled", "returned")), Decimal(0)
    )
    assert response.context["goal"]["total"] == Community.objects.filter(subdistrict=hushan).count()
    # Asking for another subdistrict changes nothing: the form has no such choice.
    other, _response = figures_of(client, staff, f"?subdistrict={city.subdistricts[1].pk}")
    assert other["starts"].series[1].values == figures["starts"].series[1].values


def test_chart_links_open_the_matching_filtered_list(client, city, user_with_role):
    supervisor = user_with_role("supervisor")
    figures, _response = figures_of(client, supervisor)
    link = figures["starts"].series[1].links[1]
    listed = client.get(link)
    plans = listed.context["object_list"]
    assert plans is not None
    assert {p.community_id for p in plans} == {
        p.community_id for p in city.plans if p.year == 2024 and p.state in STARTED
    }
    future_link = figures["future"].series[0].links[3]
    projects = client.get(future_link).context["object_list"]
    assert {p.pk for p in projects} == {
        p.pk for p in city.projects if p.provincial_batch and p.stage == FutureStage.values[3]
    }


def make_city(n: int) -> None:
    subdistricts = [SubdistrictFactory(code=f"s{i}", name=f"镇街{i}") for i in range(5)]
    Community.objects.bulk_create(
        Community(
            subdistrict=subdistricts[i % 5],
            code=f"q{i:05d}",
            name=f"社区{i:05d}",
            route=Route.values[i % 3],
            plan_year=2024,
            population=5000,
            households=2000,
        )
        for i in range(n)
    )
    gap_assessments_refresh()


@pytest.mark.parametrize("n", [10, 1000])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    n, client, user_with_role, django_assert_num_queries
):
    make_city(n)
    client.force_login(user_with_role("supervisor"))
    # session, user, roles, demo banner, unread count, navigation; the figures (one query
    # each, two for the trend; the two money figures share one, and the subdistricts drawn
    # are read once), the supervision rules, the subdistrict choices
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard:index"))
    assert response.context["goal"]["total"] == n


DASHBOARD_QUERIES = 22  # two of them count residents' suggestions


@pytest.mark.parametrize("n", [10, 1000])
def test_the_coverage_matrix_takes_a_fixed_number_of_queries(
    n, client, user_with_role, django_assert_num_queries
):
    make_city(n)
    client.force_login(user_with_role("supervisor"))
    with django_assert_num_queries(COVERAGE_QUERIES):
        response = client.get(reverse("dashboard:coverage"))
    assert len(response.context["rows"]) == min(n, 60)


COVERAGE_QUERIES = 10


def test_the_statuses_the_chart_counts_open_in_the_matrix(client, city, user_with_role):
    client.force_login(user_with_role("supervisor"))
    response = client.get(
        reverse("dashboard:coverage") + "?facility_type=childcare&status=missing&page=1"
    )
    total = response.context["paginator"].count
    assert (
        total
        == GapAssessment.objects.filter(facility_type="childcare", status=GapStatus.MISSING).count()
    )
    assert PlanState and TrancheStage  # vocabularies the city covers


def test_the_ranking_counts_each_community_by_its_furthest_plan(client, city, user_with_role):
    figures, _response = figures_of(client, user_with_role("supervisor"))
    ranking = figures["ranking"]
    names = {s.pk: s.name for s in city.subdistricts}
    for row, states in enumerate((STARTED, COMPLETED, {"accepted", "closed"}), start=1):
        for index, name in enumerate(ranking.labels):
            communities = {
                p.community_id
                for p in city.plans
                if names[p.subdistrict_id] == name and p.state in states
            }
            assert ranking.series[row].values[index] == len(communities)
    # Each step's states lie within the step before's, so the furthest plan tells all three.
    assert {"accepted", "closed"} < COMPLETED < STARTED


def test_a_community_with_several_plans_counts_once_by_its_furthest(client, user_with_role):
    place = SubdistrictFactory(code="kandun", name="坎墩")
    first, second = (CommunityFactory(subdistrict=place, route=Route.GAP) for _ in range(2))
    for community, year, state in (
        (first, 2023, PlanState.CLOSED),
        (first, 2024, PlanState.CLOSED),
        (first, 2025, PlanState.UNDER_CONSTRUCTION),
        (second, 2024, PlanState.COMPLETED),
        (second, 2025, PlanState.WITHDRAWN),
    ):
        GapFillingPlanFactory(community=community, year=year, state=state)

    figures, _response = figures_of(client, user_with_role("supervisor"))

    starts = figures["starts"]
    assert starts.labels == ["2023", "2024", "2025"]
    assert starts.series[1].values == [1, 2, 1]  # started
    assert starts.series[2].values == [1, 2, 0]  # completed
    ranking = figures["ranking"]
    assert ranking.labels == ["坎墩"]
    assert [s.values for s in ranking.series[1:]] == [[2], [2], [1]]
