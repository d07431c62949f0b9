"""The plan form as a clerk meets it: who can be chosen, why not, and what survives an error."""

import pytest
from django.urls import reverse

from projects.models import GapFillingPlan
from tests.factories import CommunityFactory, GapFillingPlanFactory


@pytest.fixture
def staff_client(client, staff_hushan):
    client.force_login(staff_hushan)
    client.cookies["django_language"] = "en"
    return client


def test_no_help_text_under_the_community_while_one_can_be_chosen(staff_client, staff_hushan):
    CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金山")

    page = staff_client.get(reverse("projects:plan_create")).content.decode()

    assert "金山</option>" in page
    assert "No community can be chosen" not in page


def test_help_text_says_why_nothing_can_be_chosen_and_links_the_plan_list(
    staff_client, staff_hushan
):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    GapFillingPlanFactory(community=community, created_by=staff_hushan)

    page = staff_client.get(reverse("projects:plan_create")).content.decode()

    assert "already has a plan under way" in page
    assert "Revise that plan, or withdraw it" in page
    assert f'<a href="{reverse("projects:plan_list")}">' in page


def test_a_withdrawn_plan_frees_its_community(staff_client, staff_hushan):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金东")
    GapFillingPlanFactory(community=community, created_by=staff_hushan, state="withdrawn")

    form = staff_client.get(reverse("projects:plan_create")).context["form"]

    assert list(form.fields["community"].queryset) == [community]
    assert GapFillingPlan.objects.count() == 1
