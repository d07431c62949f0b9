"""The demo data: 56 communities on the policy's numbers, idempotent, one user per role."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from communities.models import Community, User

pytestmark = pytest.mark.django_db


def counts():
    return {
        "total": Community.objects.count(),
        "route": dict(Community.objects.values_list("route").annotate(n=Count("id")).order_by()),
        "gap_by_year": dict(
            Community.objects.filter(route="gap")
            .values_list("plan_year")
            .annotate(n=Count("id"))
            .order_by()
        ),
        "provincial": Community.objects.filter(
            route="future", provincial_batch__isnull=False
        ).count(),
        "future_plan": Community.objects.filter(route="future", plan_year__in=[2024, 2025]).count(),
    }


def test_seed_twice_leaves_the_policys_numbers(client):
    call_command("seed_demo", stdout=None)
    first = counts()
    users_first = set(User.objects.values_list("username", "password"))
    call_command("seed_demo")
    assert counts() == first
    assert set(User.objects.values_list("username", "password")) == users_first
    assert first == {
        "total": 56,
        "route": {"future": 29, "gap": 26, "integrated": 1},
        "gap_by_year": {2023: 10, 2024: 8, 2025: 8},
        "provincial": 11,
        "future_plan": 18,
    }
    assert Community.objects.get(name="群丰").subdistrict.name == "白沙路"
    assert Community.objects.filter(name__in=["新潮塘", "新城河"], route="future").count() == 2


def test_one_user_per_role_with_the_demo_password(client):
    call_command("seed_demo")
    expected = {
        "subdistrict_staff": "浒山",
        "subdistrict_staff_2": "古塘",
    }
    for username, subdistrict in expected.items():
        user = User.objects.get(username=username)
        assert user.subdistrict.name == subdistrict
        assert user.groups.filter(name="subdistrict_staff").exists()
    for code in ["development", "civil_affairs", "finance", "housing", "culture", "health"]:
        reviewer = User.objects.get(username=f"department_reviewer_{code}")
        assert reviewer.department.code == code
        assert reviewer.groups.filter(name="department_reviewer").exists()
    for role in ["taskforce_approver", "finance_officer", "operations_assessor", "supervisor"]:
        assert User.objects.get(username=role).groups.filter(name=role).exists()
    assert client.login(username="subdistrict_staff", password="demo12345")


def test_pages_show_the_demo_banner_while_demo_data_is_loaded(client, user_with_role):
    client.force_login(user_with_role("supervisor"))
    assert 'data-testid="demo-banner"' not in client.get(reverse("home")).content.decode()
    call_command("seed_demo")
    response = client.get(reverse("home"))
    assert 'data-testid="demo-banner"' in response.content.decode()
    assert response.context["counts"]["total"] == 56
