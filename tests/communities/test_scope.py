"""Row scope: a subdistrict's staff never see or change another subdistrict's rows."""

import pytest
from django.urls import reverse

from communities.models import Community, Facility
from communities.roles import Role
from tests.factories import CommunityFactory, FacilityFactory, SpaceResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communities(hushan, gutang):
    return CommunityFactory(subdistrict=hushan, name="金山"), CommunityFactory(
        subdistrict=gutang, name="旦苑"
    )


def test_restrict_keeps_own_subdistrict_only(two_communities, staff_hushan, user_with_role):
    own, other = two_communities
    assert list(Community.objects.restrict(staff_hushan)) == [own]
    reviewer = user_with_role(Role.DEPARTMENT_REVIEWER)
    assert set(Community.objects.restrict(reviewer)) == {own, other}


def test_list_shows_only_own_communities(client, two_communities, staff_hushan):
    client.force_login(staff_hushan)
    response = client.get(reverse("communities:list"))
    names = [c.name for c in response.context["object_list"]]
    assert names == ["金山"]
    assert "旦苑" not in response.content.decode()


def test_filter_parameter_cannot_widen_the_scope(client, two_communities, staff_hushan, gutang):
    client.force_login(staff_hushan)
    response = client.get(reverse("communities:list"), {"subdistrict": gutang.pk})
    assert list(response.context["object_list"]) == []


def test_detail_of_another_subdistrict_is_404(client, two_communities, staff_hushan):
    own, other = two_communities
    client.force_login(staff_hushan)
    assert client.get(reverse("communities:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("communities:detail", args=[other.pk])).status_code == 404


def test_adding_a_facility_to_another_subdistrict_is_404_and_saves_nothing(
    client, two_communities, staff_hushan
):
    _own, other = two_communities
    client.force_login(staff_hushan)
    url = reverse("communities:facility_add", args=[other.pk])
    data = {
        "facility_type": "elderly_care",
        "name": "越权",
        "floor_area": "100",
        "status": "existing",
    }
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert not Facility.objects.filter(name="越权").exists()


def test_editing_another_subdistricts_facility_is_404(client, two_communities, staff_hushan):
    _own, other = two_communities
    facility = FacilityFactory(community=other, name="原名")
    client.force_login(staff_hushan)
    url = reverse("communities:facility_edit", args=[other.pk, facility.pk])
    data = {
        "facility_type": "elderly_care",
        "name": "改名",
        "floor_area": "100",
        "status": "existing",
    }
    assert client.post(url, data).status_code == 404
    facility.refresh_from_db()
    assert facility.name == "原名"


def test_facility_of_another_community_cannot_be_reached_through_own_community(
    client, two_communities, staff_hushan
):
    own, other = two_communities
    facility = FacilityFactory(community=other)
    client.force_login(staff_hushan)
    url = reverse("communities:facility_edit", args=[own.pk, facility.pk])
    assert client.get(url).status_code == 404


def test_reviewer_reads_everything_but_cannot_edit(client, two_communities, user_with_role):
    own, _other = two_communities
    reviewer = user_with_role(Role.DEPARTMENT_REVIEWER)
    client.force_login(reviewer)
    assert client.get(reverse("communities:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("communities:facility_add", args=[own.pk])).status_code == 403


def test_admin_lists_and_opens_only_own_rows(client, two_communities, staff_hushan):
    own, other = two_communities
    staff_hushan.is_staff = True
    staff_hushan.save()
    own_facility = FacilityFactory(community=own, name="本街道设施")
    other_facility = FacilityFactory(community=other, name="外街道设施")
    other_space = SpaceResourceFactory(community=other)
    client.force_login(staff_hushan)

    changelist = client.get(reverse("admin:communities_facility_changelist"))
    assert changelist.status_code == 200
    assert "本街道设施" in changelist.content.decode()
    assert "外街道设施" not in changelist.content.decode()

    own_url = reverse("admin:communities_facility_change", args=[own_facility.pk])
    other_url = reverse("admin:communities_facility_change", args=[other_facility.pk])
    assert client.get(own_url).status_code == 200
    assert client.get(other_url).status_code == 404
    response = client.post(
        other_url,
        {
            "community": other.pk,
            "facility_type": "culture",
            "name": "被改",
            "floor_area": "10",
            "status": "existing",
        },
    )
    assert response.status_code == 404
    other_facility.refresh_from_db()
    assert other_facility.name == "外街道设施"
    space_url = reverse("admin:communities_spaceresource_change", args=[other_space.pk])
    assert client.get(space_url).status_code == 404


def test_admin_community_choices_are_limited_to_own_subdistrict(
    client, two_communities, staff_hushan
):
    _own, other = two_communities
    staff_hushan.is_staff = True
    staff_hushan.save()
    client.force_login(staff_hushan)
    response = client.post(
        reverse("admin:communities_facility_add"),
        {
            "community": other.pk,
            "facility_type": "culture",
            "name": "偷建",
            "floor_area": "10",
            "status": "existing",
        },
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not Facility.objects.filter(name="偷建").exists()


def test_api_applies_the_same_scope(client, two_communities, staff_hushan):
    _own, other = two_communities
    client.force_login(staff_hushan)
    listing = client.get("/api/communities/").json()
    assert [row["name"] for row in listing["results"]] == ["金山"]
    assert client.get(f"/api/communities/{other.pk}/").status_code == 404


def test_community_page_links_to_its_route(client, two_communities, staff_hushan):
    own, _other = two_communities
    client.force_login(staff_hushan)
    page = client.get(reverse("communities:detail", args=[own.pk])).content.decode()
    assert f"/plans/?q={own.name}" in page or "/plans/?q=%E9%87%91%E5%B1%B1" in page
