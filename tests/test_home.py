"""The home page tells each user what is waiting for them, and only what they may see."""

import pytest
from django.urls import reverse

from communities.models import Department
from communities.roles import Role
from funding.choices import TrancheState
from projects import services
from projects.choices import PlanState
from tests.factories import (
    CommunityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    UserFactory,
)
from tests.funding.factories import TrancheFactory

pytestmark = pytest.mark.django_db


def worklist(client, user):
    client.force_login(user)
    items = client.get(reverse("home")).context["worklist"]
    return {item.label: (item.count, item.url) for item in items}


def test_subdistrict_staff_see_their_own_drafts_only(client, staff_hushan, staff_gutang):
    GapFillingPlanFactory(community=CommunityFactory(subdistrict=staff_hushan.subdistrict))
    GapFillingPlanFactory(community=CommunityFactory(subdistrict=staff_hushan.subdistrict))
    GapFillingPlanFactory(community=CommunityFactory(subdistrict=staff_gutang.subdistrict))
    client.cookies["django_language"] = "en"
    assert worklist(client, staff_hushan)["Draft plans to submit"] == (2, "/plans/?state=draft")
    assert worklist(client, staff_gutang)["Draft plans to submit"][0] == 1


def test_a_reviewer_sees_plans_waiting_for_their_department(client, staff_hushan, user_with_role):
    plan = GapFillingPlanFactory(community=CommunityFactory(subdistrict=staff_hushan.subdistrict))
    PlanLineItemFactory(plan=plan, investment=plan.total_investment)
    approver = user_with_role(Role.TASKFORCE_APPROVER)
    civil = UserFactory(
        department=Department.objects.get(code="civil_affairs"), roles=[Role.DEPARTMENT_REVIEWER]
    )
    services.plan_submit(actor=staff_hushan, plan=plan)
    client.cookies["django_language"] = "en"
    assert worklist(client, approver)["Submitted plans: open the joint review"][0] == 1
    services.plan_open_review(actor=approver, plan=plan)
    label = "Plans waiting for your department's opinion"
    assert worklist(client, civil)[label][0] == 1
    services.opinion_record(actor=civil, plan=plan, decision="agree")
    assert label not in worklist(client, civil)
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_JOINT_REVIEW


def test_finance_sees_tranches_to_approve_and_pay(client, user_with_role):
    TrancheFactory(state=TrancheState.DUE)
    TrancheFactory(state=TrancheState.DUE)
    finance = user_with_role(Role.FINANCE_OFFICER)
    client.cookies["django_language"] = "en"
    items = worklist(client, finance)
    assert items["Tranches due: approve"] == (2, "/funding/?state=due")
    assert "Approved tranches: pay" not in items


def test_a_user_with_nothing_to_do_is_told_so(client, user_with_role):
    client.force_login(user_with_role(Role.SUPERVISOR))
    response = client.get(reverse("home"))
    assert response.context["worklist"] == []
    assert 'data-testid="worklist-empty"' in response.content.decode()
