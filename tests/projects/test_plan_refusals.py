"""What each step of a plan refuses, on which field, in the portal's words, and at its edges:
an opinion without a decision or without the reasons for anything short of agreement, a return
without reasons, an approval before every department agreed or without its number, progress
outside 0–100 or going back, a day before the approval or the last report, a settled
investment missing or below zero. A refused step changes nothing; a step taken without words
leaves none."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communities.models import Department, Notification
from projects import selectors, services
from projects.choices import PlanState
from projects.models import ProgressReport, ReviewOpinion, StatusChange

from .conftest import pay_subsidy
from .test_future_messages import refused

APPROVED_ON = datetime.date(2024, 5, 1)  # the day the conftest's approved plan was approved
DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def started(approved, staff_hushan):
    return services.plan_start(actor=staff_hushan, plan=approved)


@pytest.fixture
def completed(started, staff_hushan):
    return services.plan_complete(actor=staff_hushan, plan=started, on_date=DAY)


def last_change(plan) -> StatusChange:
    return plan.status_changes.order_by("-pk").first()


def test_an_opinion_needs_a_decision_and_the_reasons_for_anything_short_of_agreement(
    in_review, reviewers, approver
):
    reviewer = reviewers[0]
    record = services.opinion_record
    base = {"actor": reviewer, "plan": in_review}
    assert refused(record, **base, decision="maybe") == {
        "decision": ["请选择同意、有条件同意或不同意。"]
    }
    for decision in ("agree_with_conditions", "disagree"):
        assert refused(record, **base, decision=decision, comments="  ") == {
            "comments": ["请填写同意的条件或不同意的理由。"]
        }
    assert not ReviewOpinion.objects.exists()

    Notification.objects.all().delete()
    services.opinion_record(**base, decision="disagree", comments="缺少消防验收意见")
    body = Notification.objects.get(recipient=approver).body
    assert body.endswith(f"\n\n{reviewer.department} 不同意：缺少消防验收意见")


def test_a_plan_goes_back_only_with_the_reasons(in_review, approver):
    assert refused(services.plan_return, actor=approver, plan=in_review, reason="  ") == {
        "reason": ["请说明退回修改的理由。"]
    }
    in_review.refresh_from_db()
    assert in_review.state == PlanState.IN_JOINT_REVIEW


def test_an_approval_needs_its_number_and_names_a_department_made_a_reviewer_since(
    approvable, approver
):
    approve = {"actor": approver, "plan": approvable, "approval_date": APPROVED_ON}
    for number in ("", "  "):
        assert refused(services.plan_approve, **approve, approval_number=number) == {
            "approval_number": ["请填写批复文号。"]
        }
    # Every required department agreed; two more are asked for their opinion since.
    added = list(Department.objects.filter(is_joint_reviewer=False).order_by("pk")[:2])
    Department.objects.filter(pk__in=[d.pk for d in added]).update(is_joint_reviewer=True)
    assert selectors.missing_agreements(approvable) == added
    assert refused(services.plan_approve, **approve, approval_number="慈批3号") == {
        "illegal_transition": [f"方案不能批复：{added[0]}、{added[1]} 尚未同意。"]
    }
    approvable.refresh_from_db()
    assert (approvable.state, approvable.approval_number) == (PlanState.APPROVABLE, "")


def test_progress_is_a_percentage_from_0_to_100_that_never_goes_back(started, staff_hushan):
    def report(percent):
        return services.progress_report(
            actor=staff_hushan, plan=started, percent=percent, on_date=DAY
        )

    for percent in (-1, 101, None):
        assert refused(report, percent=percent) == {"percent": ["进度须为 0 至 100 之间的百分比。"]}
    assert report(0).note == ""  # a report without a note keeps none
    report(40)
    report(40)  # the same again is no step back
    assert refused(report, percent=39) == {"percent": ["进度不能从 40% 倒退到 39%。"]}
    report(100)
    assert list(started.progress_reports.values_list("percent", flat=True)) == [0, 40, 40, 100]


def test_completion_is_dated_from_the_approval_or_from_a_later_report(started, staff_hushan):
    def complete(on_date):
        return services.plan_complete(actor=staff_hushan, plan=started, on_date=on_date)

    services.progress_report(actor=staff_hushan, plan=started, percent=30, on_date=APPROVED_ON)
    # a report on the approval day itself: the approval is the day to follow
    assert refused(complete, on_date=APPROVED_ON - datetime.timedelta(days=1)) == {
        "on_date": ["日期 2024-04-30 早于批复日期（2024-05-01）。"]
    }
    services.progress_report(actor=staff_hushan, plan=started, percent=60, on_date=DAY)
    assert refused(complete, on_date=DAY - datetime.timedelta(days=1)) == {
        "on_date": ["日期 2024-05-31 早于上次进度填报日期（2024-06-01）。"]
    }
    complete(DAY)
    final = ProgressReport.objects.filter(plan=started, percent=100).get()
    assert (final.date, final.note, last_change(started).comment) == (DAY, "", "")


def test_an_acceptance_needs_a_settled_investment_above_zero(completed, approver):
    accept = {"actor": approver, "plan": completed, "acceptance_date": DAY}
    assert refused(services.plan_accept, **accept, settled_investment=None) == {
        "settled_investment": ["请填写结算投资。"]
    }
    assert refused(services.plan_accept, **accept, settled_investment=Decimal("-0.01")) == {
        "settled_investment": ["结算投资不能为负数。"]
    }
    # nothing settled is no figure to pay on: the subsidy's own rule says why
    with pytest.raises(ValidationError) as nothing:
        services.plan_accept(**accept, settled_investment=Decimal("0.00"))
    assert nothing.value.messages == ["结算投资额必须大于零。"]
    completed.refresh_from_db()
    assert (completed.state, completed.settled_investment) == (PlanState.COMPLETED, None)

    services.plan_accept(**accept, settled_investment=Decimal("0.50"))
    completed.refresh_from_db()
    assert (completed.state, completed.settled_investment) == (PlanState.ACCEPTED, Decimal("0.50"))


def test_a_plan_withdrawn_without_reasons_records_none(plan, staff_hushan):
    services.plan_withdraw(actor=staff_hushan, plan=plan)
    assert (last_change(plan).to_state, last_change(plan).comment) == (PlanState.WITHDRAWN, "")


def test_steps_taken_without_words_record_none(completed, approver):
    assert last_change(completed).comment == ""
    start = completed.status_changes.get(to_state=PlanState.UNDER_CONSTRUCTION)
    assert start.comment == ""
    services.plan_accept(
        actor=approver, plan=completed, acceptance_date=DAY, settled_investment=Decimal("1")
    )
    pay_subsidy(completed)
    services.plan_close(actor=approver, plan=completed)
    assert (last_change(completed).to_state, last_change(completed).comment) == (
        PlanState.CLOSED,
        "",
    )
