"""Facility and space forms: own subdistrict's staff add and edit; bad figures are refused."""

import pytest
from django.urls import reverse
from django.utils import translation

from communities.models import Facility, SpaceResource
from tests.factories import CommunityFactory, FacilityFactory

pytestmark = pytest.mark.django_db

VALID = {
    "facility_type": "childcare",
    "name": "金山婴幼儿照护驿站",
    "floor_area": "180.50",
    "places": "30",
    "walking_minutes": "6",
    "status": "existing",
    "operator_name": "慈溪某托育机构",
}


@pytest.fixture
def community(hushan):
    return CommunityFactory(subdistrict=hushan, name="金山")


def test_staff_adds_a_facility_and_history_records_who(client, community, staff_hushan):
    client.force_login(staff_hushan)
    response = client.post(reverse("communities:facility_add", args=[community.pk]), VALID)
    assert response.status_code == 302
    facility = Facility.objects.get(name="金山婴幼儿照护驿站")
    assert facility.community == community
    assert str(facility.floor_area) == "180.50"
    assert facility.history.first().history_user == staff_hushan


def test_staff_edits_a_facility(client, community, staff_hushan):
    facility = FacilityFactory(community=community, name="旧名")
    client.force_login(staff_hushan)
    url = reverse("communities:facility_edit", args=[community.pk, facility.pk])
    response = client.post(url, {**VALID, "name": "新名"})
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.name == "新名"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("floor_area", "-20", "建筑面积（平方米）必须大于零。"),
        ("floor_area", "0", "建筑面积（平方米）必须大于零。"),
        ("floor_area", "9999999", "不符合社区设施的实际情况"),
        ("floor_area", "abc", "输入一个数字。"),
        ("walking_minutes", "600", "确保该值小于或等于120。"),
        ("places", "-1", "确保该值大于或等于0。"),
        ("name", "", "该字段是必填项。"),
    ],
)
def test_bad_values_are_refused_in_chinese(client, community, staff_hushan, field, value, message):
    client.force_login(staff_hushan)
    with translation.override("zh-hans"):
        response = client.post(
            reverse("communities:facility_add", args=[community.pk]),
            {**VALID, field: value},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Facility.objects.exists()


def test_messages_follow_the_users_language(client, community, staff_hushan):
    client.force_login(staff_hushan)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("communities:facility_add", args=[community.pk]), {**VALID, "floor_area": "-5"}
    )
    assert "Floor area (m²) must be greater than zero." in response.content.decode()


def test_community_cannot_be_switched_through_the_form(client, community, staff_hushan, gutang):
    other = CommunityFactory(subdistrict=gutang)
    client.force_login(staff_hushan)
    client.post(
        reverse("communities:facility_add", args=[community.pk]), {**VALID, "community": other.pk}
    )
    assert Facility.objects.get().community == community


def test_space_with_negative_area_is_refused(client, community, staff_hushan):
    client.force_login(staff_hushan)
    response = client.post(
        reverse("communities:space_add", args=[community.pk]),
        {"kind": "management", "name": "社区用房", "area": "-1", "availability": "available"},
    )
    assert response.status_code == 200
    assert not SpaceResource.objects.exists()


def test_space_is_saved(client, community, staff_hushan):
    client.force_login(staff_hushan)
    response = client.post(
        reverse("communities:space_add", args=[community.pk]),
        {"kind": "state_idle", "name": "闲置国有用房", "area": "260", "availability": "available"},
    )
    assert response.status_code == 302
    assert SpaceResource.objects.get().community == community
