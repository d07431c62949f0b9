"""The priority ranking follows the policy's order; list pages keep a fixed number of queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communities.selectors import priority_ranking
from communities.services import gap_assessments_refresh
from tests.factories import CommunityFactory, FacilityFactory

pytestmark = pytest.mark.django_db


def test_one_old_one_young_gaps_come_first_then_fewer_facilities_then_lower_score(
    supervisor_user,
):
    complete = CommunityFactory(name="齐全", assessment_score=Decimal("50"))
    for facility_type in ["elderly_care", "culture", "sports"]:
        FacilityFactory(community=complete, facility_type=facility_type)
    FacilityFactory(community=complete, facility_type="childcare", places=100)
    no_elderly = CommunityFactory(name="缺养老", assessment_score=Decimal("90"))
    FacilityFactory(community=no_elderly, facility_type="childcare", places=100)
    few_low = CommunityFactory(name="少且低", assessment_score=Decimal("40"))
    FacilityFactory(community=few_low, facility_type="elderly_care")
    FacilityFactory(community=few_low, facility_type="childcare", places=100)
    few_high = CommunityFactory(name="少且高", assessment_score=Decimal("80"))
    FacilityFactory(community=few_high, facility_type="elderly_care")
    FacilityFactory(community=few_high, facility_type="childcare", places=100)

    gap_assessments_refresh(year=2025)
    ranking = priority_ranking(user=supervisor_user)
    assert [entry.community.name for entry in ranking] == ["缺养老", "少且低", "少且高", "齐全"]
    assert "养老服务设施" in ranking[0].reasons[0]


@pytest.fixture
def supervisor_user(user_with_role):
    return user_with_role("supervisor")


def make_communities(n):
    for _ in range(n):
        community = CommunityFactory()
        FacilityFactory(community=community)


def test_community_list_queries_do_not_grow_with_rows(
    client, supervisor_user, django_assert_max_num_queries
):
    make_communities(3)
    client.force_login(supervisor_user)
    with django_assert_max_num_queries(9):
        client.get(reverse("communities:list"))
    make_communities(20)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("communities:list")).status_code == 200


def test_priority_page_queries_do_not_grow_with_rows(
    client, supervisor_user, django_assert_max_num_queries
):
    make_communities(20)
    gap_assessments_refresh()
    client.force_login(supervisor_user)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("communities:priorities"))
    assert len(response.context["entries"]) == 20


def test_api_list_queries_do_not_grow_with_rows(
    client, supervisor_user, django_assert_max_num_queries
):
    make_communities(20)
    client.force_login(supervisor_user)
    with django_assert_max_num_queries(4):
        assert client.get("/api/communities/").status_code == 200


def test_home_counts_in_a_fixed_number_of_queries(
    client, supervisor_user, django_assert_max_num_queries
):
    make_communities(20)
    client.force_login(supervisor_user)
    # session, user, roles, demo banner, department, counts, failed reports
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert response.context["counts"]["total"] == 20


def policy_order(communities):
    """The policy's order worked out by hand from the stored rows: more "一老一小" gaps first,
    then fewer existing facilities, then a lower score (the register's, else the gap score;
    not assessed first), then the code."""
    from communities.choices import PRIORITY_FACILITY_TYPES, GapStatus
    from communities.selectors import score_of

    def key(community):
        rows = list(community.gap_assessments.all())
        gaps = sum(
            row.facility_type in PRIORITY_FACILITY_TYPES and row.status != GapStatus.MEETS
            for row in rows
        )
        count = community.facilities.filter(status="existing").count()
        score = community.assessment_score
        if score is None:
            score = score_of(rows)
        return (-gaps, count, score if score is not None else -1, community.code)

    return [community.name for community in sorted(communities, key=key)]


def test_priority_page_is_the_policy_order_and_page_two_continues_page_one(client, supervisor_user):
    from communities.models import Community

    scores = [None, Decimal("35"), Decimal("80"), None, Decimal("60")]
    for index in range(40):
        community = CommunityFactory(name=f"社区{index:02d}", assessment_score=scores[index % 5])
        for facility_type in ["elderly_care", "childcare", "culture", "sports"][: index % 4]:
            FacilityFactory(community=community, facility_type=facility_type, places=index * 10)
    gap_assessments_refresh(year=2025)
    expected = policy_order(Community.objects.filter(route="gap"))
    client.force_login(supervisor_user)
    url = reverse("communities:priorities")
    first = client.get(url, {"per_page": 25})
    second = client.get(url, {"per_page": 25, "page": 2})
    names = [row.name for row in first.context["entries"]]
    names += [row.name for row in second.context["entries"]]
    assert names == expected
    ranks = [row.rank for row in first.context["entries"]]
    ranks += [row.rank for row in second.context["entries"]]
    assert ranks == list(range(1, len(expected) + 1))
    found = client.get(url, {"q": expected[5]}).context["entries"]
    assert [(row.name, row.rank) for row in found] == [(expected[5], 6)]


def test_priority_reasons_show_the_score_to_the_fen(client, supervisor_user):
    CommunityFactory(name="社区分数", assessment_score=Decimal("49.32"))
    gap_assessments_refresh(year=2025)
    client.force_login(supervisor_user)

    page = client.get(reverse("communities:priorities"), HTTP_ACCEPT_LANGUAGE="en")

    reasons = page.context["entries"][0].reasons
    assert any(str(reason) == "assessment score 49.32" for reason in reasons), reasons
