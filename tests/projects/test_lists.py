"""The plan, future-community and block lists: sort by every column, search, export exactly the
filtered rows; plans past the supervision limits are marked in the list and on the to-do list."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.roles import Role
from projects.models import DevelopmentBlock, StatusChange
from projects.selectors import worklist_for
from projects.views import BlockListView, FutureProjectListView, PlanListView
from tests.factories import (
    CommunityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(UserFactory(username="reader_tf", roles=[Role.TASKFORCE_APPROVER]))
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def plans(staff_hushan, gutang):
    made = []
    for index, (name, title, total) in enumerate(
        [("金山", "甲方案", "300000"), ("鸣山", "乙方案", "100000"), ("城北", "丙方案", "200000")]
    ):
        subdistrict = gutang if name == "城北" else staff_hushan.subdistrict
        community = CommunityFactory(subdistrict=subdistrict, name=name)
        made.append(
            GapFillingPlanFactory(
                community=community,
                created_by=staff_hushan,
                title=title,
                year=2023 + index,
                total_investment=Decimal(total),
                policy_fee=Decimal("0"),
            )
        )
    return made


def exported_rows(response):
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def titles_on_page(response):
    return [plan.title for plan in response.context["object_list"]]


@pytest.mark.parametrize("column", [column.key for column in PlanListView.columns])
def test_the_plan_list_sorts_by_every_column_both_ways(reader, plans, column):
    url = reverse("projects:plan_list")
    ascending = reader.get(url, {"sort": column})
    descending = reader.get(url, {"sort": f"-{column}"})
    assert ascending.status_code == descending.status_code == 200
    assert sorted(titles_on_page(ascending)) == sorted(t.title for t in plans)
    assert 'aria-sort="ascending"' in ascending.content.decode()


def test_the_plan_list_sorts_by_investment(reader, plans):
    response = reader.get(reverse("projects:plan_list"), {"sort": "-total_investment"})
    assert titles_on_page(response) == ["甲方案", "丙方案", "乙方案"]


def test_the_plan_list_searches_title_and_community(reader, plans):
    url = reverse("projects:plan_list")
    assert titles_on_page(reader.get(url, {"q": "乙方"})) == ["乙方案"]
    assert titles_on_page(reader.get(url, {"q": "城北"})) == ["丙方案"]


def test_the_plan_export_holds_exactly_the_pages_filtered_rows(reader, plans):
    url = reverse("projects:plan_list")
    query = {"q": "山", "sort": "title", "per_page": "25"}
    page = reader.get(url, query)
    rows = exported_rows(reader.get(url, {**query, "export": "xlsx"}))
    assert [row[0] for row in rows] == titles_on_page(page) == ["乙方案", "甲方案"]
    assert rows[0][1] == "鸣山"
    assert len(rows[0]) == len(PlanListView.columns)


@pytest.mark.parametrize(
    ("view", "url_name"),
    [(FutureProjectListView, "projects:future_list"), (BlockListView, "projects:block_list")],
)
def test_future_and_block_lists_sort_search_and_export(reader, hushan, view, url_name):
    for name in ("东门", "水南"):
        community = CommunityFactory(subdistrict=hushan, name=name)
        if view is FutureProjectListView:
            FutureCommunityProjectFactory(community=community)
        else:
            DevelopmentBlock.objects.create(
                name=f"{name}区块",
                subdistrict=hushan,
                area_mu=Decimal("300"),
                planned_population=6000,
            )
    url = reverse(url_name)
    for column in view.columns:
        for sort in (column.key, f"-{column.key}"):
            assert reader.get(url, {"sort": sort}).status_code == 200
    page = reader.get(url, {"q": "水南"})
    assert len(page.context["object_list"]) == 1
    rows = exported_rows(reader.get(url, {"q": "水南", "export": "xlsx"}))
    assert len(rows) == 1 and "水南" in str(rows[0][0])


def enter_state(plan, state, days_ago):
    change = StatusChange.objects.create(plan=plan, actor=plan.created_by, to_state=state)
    StatusChange.objects.filter(pk=change.pk).update(
        at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_plans_past_the_supervision_limits_are_marked(reader, plans, client):
    late, fresh, building = plans
    for plan, state, days in ((late, "approved", 61), (fresh, "approved", 10)):
        plan.state = state
        plan.save()
        enter_state(plan, state, days)
    building.state = "in_joint_review"
    building.save()
    enter_state(building, "in_joint_review", 31)

    response = reader.get(reverse("projects:plan_list"), {"sort": "title"})
    page = response.content.decode()
    overdue = {plan.title: plan.is_overdue for plan in response.context["object_list"]}
    assert overdue == {"甲方案": True, "乙方案": False, "丙方案": True}
    assert page.count('data-testid="plan-overdue"') == 2
    assert "61 days (limit 60)" in page and "31 days (limit 30)" in page
    filtered = reader.get(reverse("projects:plan_list"), {"overdue": "true"})
    assert sorted(titles_on_page(filtered)) == ["丙方案", "甲方案"]


def test_the_limits_come_from_the_supervision_rules_in_use(reader, plans):
    from operations.models import SupervisionRules

    SupervisionRules.objects.filter(is_active=True).update(approved_not_started_days=5)
    plan = plans[0]
    plan.state = "approved"
    plan.save()
    enter_state(plan, "approved", 6)
    response = reader.get(reverse("projects:plan_list"))
    assert [p.is_overdue for p in response.context["object_list"] if p.pk == plan.pk] == [True]


def test_the_to_do_list_marks_overdue_plans(plans, staff_hushan):
    late = plans[0]
    late.state = "approved"
    late.save()
    enter_state(late, "approved", 90)
    joint = plans[1]
    joint.state = "in_joint_review"
    joint.save()
    enter_state(joint, "in_joint_review", 45)

    staff_items = [item for item in worklist_for(staff_hushan) if item.overdue]
    approver = UserFactory(username="approver_tf", roles=[Role.TASKFORCE_APPROVER])
    approver_items = [item for item in worklist_for(approver) if item.overdue]

    assert [(item.count, "overdue=true" in item.url) for item in staff_items] == [(1, True)]
    assert [item.count for item in approver_items] == [1]
