"""A choice among thousands renders only the chosen row and finds the rest through a search
endpoint that answers within the user's scope (communities.widgets, communities.search)."""

import re

import pytest

from communities.roles import Role
from tests.factories import CommunityFactory, SubdistrictFactory, UserFactory
from tests.operations.factories import ContractFactory, OperatorFactory

pytestmark = pytest.mark.django_db


def option_count(response) -> int:
    return len(re.findall(r"<option\b", response.content.decode()))


@pytest.fixture
def many_communities(hushan, gutang):
    CommunityFactory.create_batch(200, subdistrict=hushan)
    CommunityFactory.create_batch(100, subdistrict=gutang)


def test_a_page_with_300_communities_holds_a_handful_of_options(
    client, staff_hushan, many_communities
):
    client.force_login(staff_hushan)
    for url in ("/operations/satisfaction/new/", "/operations/satisfaction/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'data-search-url="/communities/search/"' in response.content.decode()
        assert option_count(response) < 20, url


def test_the_chosen_community_is_kept_after_an_error(client, staff_hushan, hushan):
    chosen = CommunityFactory(subdistrict=hushan, name="明月社区")
    CommunityFactory.create_batch(30, subdistrict=hushan)
    client.force_login(staff_hushan)
    response = client.post(
        "/operations/satisfaction/new/", {"community": chosen.pk, "period": "bad", "score": ""}
    )
    html = response.content.decode()
    assert re.search(rf'<option value="{chosen.pk}" selected>明月社区</option>', html)
    select = re.search(r'<select name="community".*?</select>', html, re.S).group(0)
    assert len(re.findall(r"<option\b", select)) == 2  # the empty choice and the chosen one


def test_staff_find_only_their_own_subdistricts_communities(client, staff_hushan, hushan, gutang):
    CommunityFactory(subdistrict=hushan, name="明月社区", code="HS-MY")
    CommunityFactory(subdistrict=gutang, name="明月湖社区", code="GT-MY")
    client.force_login(staff_hushan)
    labels = [row["label"] for row in client.get("/communities/search/?q=明月").json()["results"]]
    assert labels == ["明月社区"]


def test_city_wide_readers_find_every_match_by_name_or_code_at_most_twenty(client, hushan, gutang):
    CommunityFactory.create_batch(25, subdistrict=hushan, name=factory_name("虹桥"))
    CommunityFactory(subdistrict=gutang, name="白云社区", code="GT-BAIYUN")
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    assert len(client.get("/communities/search/?q=虹桥").json()["results"]) == 20
    found = client.get("/communities/search/?q=baiyun").json()["results"]
    assert [row["label"] for row in found] == ["白云社区"]


def factory_name(prefix):
    import factory

    return factory.Sequence(lambda n: f"{prefix}{n}社区")


def test_operators_and_contracts_are_searched(client, hushan, gutang):
    operator = OperatorFactory(name="慈孝养老服务中心")
    OperatorFactory(name="阳光托育")
    ContractFactory(subdistrict=hushan, operator=operator, title="浒山养老合同")
    ContractFactory(subdistrict=gutang, operator=operator, title="古塘养老合同")
    staff = UserFactory(subdistrict=hushan, roles=[Role.SUBDISTRICT_STAFF])
    client.force_login(staff)
    operators = client.get("/operations/operators/search/?q=慈孝").json()["results"]
    assert [row["label"] for row in operators] == ["慈孝养老服务中心"]
    contracts = client.get("/operations/contracts/search/?q=养老").json()["results"]
    assert [row["label"] for row in contracts] == ["浒山养老合同"]


def test_the_contract_filter_offers_only_the_chosen_operator(client, hushan):
    OperatorFactory.create_batch(40)
    chosen = OperatorFactory(name="慈孝养老服务中心")
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    response = client.get(f"/operations/contracts/?operator={chosen.pk}")
    html = response.content.decode()
    assert 'data-search-url="/operations/operators/search/"' in html
    assert f'<option value="{chosen.pk}" selected>慈孝养老服务中心</option>' in html
    assert option_count(response) < 25


def test_spaces_are_searched_within_one_community(client, staff_hushan, hushan):
    from tests.factories import SpaceResourceFactory

    one, other = CommunityFactory(subdistrict=hushan), CommunityFactory(subdistrict=hushan)
    SpaceResourceFactory(community=one, name="一号楼底层")
    SpaceResourceFactory(community=other, name="一号楼二层")
    client.force_login(staff_hushan)
    found = client.get(f"/communities/spaces/search/?q=一号楼&community={one.pk}").json()
    assert [row["label"].split(" ")[0] for row in found["results"]] == ["一号楼底层"] or len(
        found["results"]
    ) == 1


def test_another_subdistrict_is_never_returned_even_unfiltered(client, staff_hushan, gutang):
    CommunityFactory(subdistrict=gutang)
    SubdistrictFactory()
    client.force_login(staff_hushan)
    assert client.get("/communities/search/").json()["results"] == []
