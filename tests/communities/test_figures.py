"""Figures read as people write them: populations with thousands separators, money with 元."""

import pytest
from django.template import engines
from django.utils import translation

from communities.roles import Role
from tests.factories import CommunityFactory, UserFactory
from tests.operations.factories import ContractFactory

pytestmark = pytest.mark.django_db

RENDER = engines["django"].from_string(
    "{% load portal %}{{ people|thousands }}|{{ money|yuan_unit }}|{{ none|yuan_unit }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "12,345|570,000.00 元|—"), ("en", "12,345|570,000.00 yuan|—")],
)
def test_counts_and_money_in_either_language(language, expected):
    with translation.override(language):
        assert RENDER.render({"people": 12345, "money": "570000", "none": None}) == expected


def test_the_community_page_shows_the_population_grouped_and_both_scores_explained(client, hushan):
    community = CommunityFactory(subdistrict=hushan, population=23456, households=8765)
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    html = client.get(f"/communities/{community.pk}/").content.decode()
    assert "23,456" in html and "8,765" in html
    assert "名册登记评估分数" in html and "缺口得分" in html
    assert 'data-testid="register-score-help"' in html and 'data-testid="gap-score-help"' in html


def test_a_contracts_fee_carries_its_unit(client, hushan):
    contract = ContractFactory(subdistrict=hushan)
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    html = client.get(f"/operations/contracts/{contract.pk}/").content.decode()
    assert "100,000.00 元" in html
