"""Who is told of each step of a gap-filling plan, and what the message says: the plan's new
state by title, community and year, the reviewer's own words below it, and a link to the plan."""

import datetime

from django.urls import reverse
from django.utils import translation

from communities.models import Notification
from communities.roles import Role
from projects import services
from projects.models import GapFillingPlan
from tests.factories import UserFactory

from .conftest import agree_all


def told(plan: GapFillingPlan) -> dict[str, str]:
    """What each recipient was told of the plan's last step, by username (staff_gutang, of
    another subdistrict, is never among them); the inbox is then emptied for the next step."""
    plan.refresh_from_db()
    messages = {
        notification.recipient.username: notification
        for notification in Notification.objects.select_related("recipient").order_by("pk")
    }
    Notification.objects.all().delete()
    link = reverse("projects:plan_detail", args=[plan.pk])
    with translation.override("zh-hans"):
        state = plan.get_state_display()
    for notification in messages.values():
        assert notification.subject == f"补短板方案：{state}"
        assert notification.link == link
    return {username: notification.body for username, notification in messages.items()}


def test_each_step_tells_the_people_concerned_in_the_portals_language(
    plan, staff_hushan, staff_gutang, approver, reviewers
):
    UserFactory(
        username="staff_hushan_2",
        subdistrict=staff_hushan.subdistrict,
        roles=[Role.SUBDISTRICT_STAFF],
    )
    prefix = f"方案“{plan.title}”（{plan.community.name}，2024年）当前状态："
    reviewer_names = {reviewer.username for reviewer in reviewers}

    services.plan_submit(actor=staff_hushan, plan=plan)
    assert told(plan) == {"approver": prefix + "已报送。"}

    services.plan_open_review(actor=approver, plan=plan)
    assert told(plan) == dict.fromkeys(reviewer_names, prefix + "会审中。")

    services.plan_return(actor=approver, plan=plan, reason="养老用房面积不足，请补充。")
    # the subdistrict's own staff, not another subdistrict's, with the reasons as typed
    assert told(plan) == dict.fromkeys(
        {"staff_hushan", "staff_hushan_2"}, prefix + "退回修改。\n\n养老用房面积不足，请补充。"
    )

    services.plan_submit(actor=staff_hushan, plan=plan)
    told(plan)
    services.plan_open_review(actor=approver, plan=plan)
    told(plan)
    agree_all(plan, reviewers)
    assert told(plan) == {"approver": prefix + "待批复。"}

    services.plan_approve(
        actor=approver,
        plan=plan,
        approval_number="慈补短板批〔2024〕7号",
        approval_date=datetime.date(2024, 5, 1),
    )
    assert told(plan) == dict.fromkeys(
        {"staff_hushan", "staff_hushan_2"}, prefix + "已批复。\n\n慈补短板批〔2024〕7号"
    )
