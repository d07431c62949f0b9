"""The day a plan step is dated, as the service checks it, and the audit record a step leaves."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects import services
from projects.choices import PlanState
from projects.models import StatusChange


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (None, "请填写日期。"),
        (datetime.date(2099, 1, 1), "日期 2099-01-01 晚于今天。"),
    ],
    ids=["missing", "future"],
)
def test_an_approval_without_a_day_or_dated_after_today_is_refused(
    approvable, approver, day, message
):
    with pytest.raises(ValidationError) as refused:
        services.plan_approve(
            actor=approver, plan=approvable, approval_number="慈批9号", approval_date=day
        )
    assert refused.value.message_dict == {"approval_date": [message]}
    approvable.refresh_from_db()
    assert approvable.state == PlanState.APPROVABLE


def test_an_approval_dated_today_is_taken(approvable, approver):
    today = timezone.localdate()
    plan = services.plan_approve(
        actor=approver, plan=approvable, approval_number="慈批9号", approval_date=today
    )
    assert (plan.state, plan.approval_date) == (PlanState.APPROVED, today)


def test_a_step_without_words_leaves_a_record_without_a_comment(plan, staff_hushan):
    services.plan_submit(actor=staff_hushan, plan=plan)
    change = StatusChange.objects.get(plan=plan, to_state=PlanState.SUBMITTED)
    assert (change.actor, change.from_state, change.comment, change.comment_code) == (
        staff_hushan,
        PlanState.DRAFT,
        "",
        "",
    )
    assert change.comment_params == {} and change.on_date is None
