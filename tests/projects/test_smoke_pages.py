"""Every page, admin page and API list of the projects app opens for the people who use it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.choices import FutureStage
from projects.models import DevelopmentBlock
from tests.factories import FutureCommunityProjectFactory


@pytest.fixture
def records(plan):
    project = FutureCommunityProjectFactory()
    block = DevelopmentBlock.objects.create(
        name="太屹区块", area_mu=Decimal("300"), planned_population=6500
    )
    return plan, project, block


def test_pages_admin_and_api_open(client, approver, records):
    plan, project, block = records
    client.force_login(approver)
    urls = [
        reverse("projects:plan_list"),
        reverse("projects:plan_detail", args=[plan.pk]),
        reverse("projects:future_list"),
        reverse("projects:future_detail", args=[project.pk]),
        reverse("projects:block_list"),
        reverse("projects:block_detail", args=[block.pk]),
        reverse("admin:projects_gapfillingplan_changelist"),
        reverse("admin:projects_gapfillingplan_change", args=[plan.pk]),
        reverse("admin:projects_futurecommunityproject_changelist"),
        reverse("admin:projects_futurecommunityproject_change", args=[project.pk]),
        reverse("admin:projects_futurecommunityproject_advance", args=[project.pk]),
        reverse("admin:projects_developmentblock_changelist"),
        reverse("admin:projects_developmentblock_change", args=[block.pk]),
        reverse("plan-list"),
        reverse("future-project-list"),
        reverse("development-block-list"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_advance_in_the_admin(client, approver, records):
    from tests.factories import DigitalPlanReviewFactory

    _plan, project, _block = records
    DigitalPlanReviewFactory(project=project)
    client.force_login(approver)
    response = client.post(
        reverse("admin:projects_futurecommunityproject_advance", args=[project.pk]),
        {"to_stage": FutureStage.PLAN_REVIEWED, "on_date": "2024-03-01", "comment": ""},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == FutureStage.PLAN_REVIEWED


def test_admin_edit_of_a_project_goes_through_the_service(client, approver, records):
    _plan, project, _block = records
    client.force_login(approver)
    url = reverse("admin:projects_futurecommunityproject_change", args=[project.pk])
    response = client.post(
        url,
        {
            "category": "renovation",
            "project_type": "leading",
            "provincial_batch": "",
            "plan_year": "2024",
            "funding_mode": "optimised",
            "creation_investment": "5000000",
            "stage": "named",
            **{
                f"{inline}-{count}": "0"
                for inline in ("scenarios", "digital_reviews", "joint_acceptance", "status_changes")
                for count in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 302, response.content[:2000]
    project.refresh_from_db()
    assert project.project_type == "leading"
    assert project.stage == FutureStage.PLANNING
    assert project.history.first().history_user == approver


def test_api_plan_list_is_scoped(client, staff_gutang, records):
    client.force_login(staff_gutang)
    assert client.get(reverse("plan-list")).json()["count"] == 0


def test_blocks_are_saved_in_the_admin_through_the_service(client, approver):
    client.force_login(approver)
    response = client.post(
        reverse("admin:projects_developmentblock_add"),
        {
            "name": "科教园区东区块",
            "area_mu": "380",
            "planned_population": "9000",
            "note": "",
            "units-TOTAL_FORMS": "1",
            "units-INITIAL_FORMS": "0",
            "units-0-number": "1",
            "units-0-name": "东区集成用房",
            "units-0-facility_types": ["elderly_care", "childcare"],
        },
    )
    assert response.status_code == 302
    block = DevelopmentBlock.objects.get()
    assert block.history.first().history_user == approver
    assert block.units.get().facility_types == ["elderly_care", "childcare"]


def test_only_the_task_force_saves_blocks(user_with_role):
    from django.core.exceptions import PermissionDenied

    from communities.roles import Role
    from projects import services

    reviewer = user_with_role(Role.DEPARTMENT_REVIEWER)
    with pytest.raises(PermissionDenied):
        services.block_save(
            actor=reviewer,
            block=DevelopmentBlock(),
            fields={"name": "x", "area_mu": Decimal("1"), "planned_population": 1},
        )


def test_a_new_project_is_offered_only_future_communities_without_one(client, approver, records):
    from communities.choices import Route
    from tests.factories import CommunityFactory

    _plan, project, _block = records
    free = CommunityFactory(route=Route.FUTURE, name="待创建")
    CommunityFactory(route=Route.GAP, name="补短板社区")
    client.force_login(approver)
    response = client.get(reverse("admin:projects_futurecommunityproject_add"))
    offered = set(response.context["adminform"].form.fields["community"].queryset)
    assert free in offered
    assert project.community not in offered
    assert all(community.route == Route.FUTURE for community in offered)


def test_the_project_page_offers_the_next_stage_to_the_task_force_only(
    client, approver, staff_hushan, records
):
    from tests.factories import DigitalPlanReviewFactory

    _plan, project, _block = records
    DigitalPlanReviewFactory(project=project)
    url = reverse("projects:future_detail", args=[project.pk])
    client.force_login(approver)
    assert 'data-testid="step-plan_reviewed"' in client.get(url).content.decode()
    client.force_login(staff_hushan)
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert 'data-testid="step-plan_reviewed"' not in response.content.decode()


def test_two_units_with_one_number_are_refused_in_the_admin(client, approver):
    client.force_login(approver)
    response = client.post(
        reverse("admin:projects_developmentblock_add"),
        {
            "name": "金融港区块",
            "area_mu": "450",
            "planned_population": "8500",
            "note": "",
            "units-TOTAL_FORMS": "2",
            "units-INITIAL_FORMS": "0",
            "units-0-number": "1",
            "units-0-facility_types": ["elderly_care"],
            "units-1-number": "1",
            "units-1-facility_types": ["childcare"],
        },
    )
    assert response.status_code == 200
    assert not DevelopmentBlock.objects.exists()
