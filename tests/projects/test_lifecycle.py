"""The plan life cycle: every legal step works, every illegal one is refused with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from projects import selectors, services
from projects.choices import PlanState
from projects.models import GapFillingPlan, StatusChange

from .conftest import agree_all, pay_subsidy

DAY = datetime.date(2024, 6, 1)


def run(name, plan, *, staff, approver, reviewer):
    """Call one transition with the actor allowed to take it and the arguments it needs."""
    calls = {
        "submit": lambda: services.plan_submit(actor=staff, plan=plan),
        "open_review": lambda: services.plan_open_review(actor=approver, plan=plan),
        "opinion": lambda: services.opinion_record(actor=reviewer, plan=plan, decision="agree"),
        "return": lambda: services.plan_return(actor=approver, plan=plan, reason="补充材料"),
        "approve": lambda: services.plan_approve(
            actor=approver, plan=plan, approval_number="慈批1号", approval_date=DAY
        ),
        "withdraw": lambda: services.plan_withdraw(actor=staff, plan=plan),
        "start": lambda: services.plan_start(actor=staff, plan=plan),
        "progress": lambda: services.progress_report(
            actor=staff, plan=plan, percent=50, on_date=DAY
        ),
        "complete": lambda: services.plan_complete(actor=staff, plan=plan, on_date=DAY),
        "accept": lambda: services.plan_accept(
            actor=approver, plan=plan, acceptance_date=DAY, settled_investment=Decimal("1200000")
        ),
        "close": lambda: services.plan_close(actor=approver, plan=plan),
        "pay": lambda: pay_subsidy(plan),
    }
    return calls[name]()


# Which transitions each state allows; everything else must be refused.
ALLOWED = {
    PlanState.DRAFT: {"submit", "withdraw"},
    PlanState.SUBMITTED: {"open_review", "return", "withdraw"},
    PlanState.IN_JOINT_REVIEW: {"opinion", "return", "withdraw"},
    PlanState.APPROVABLE: {"opinion", "approve", "return", "withdraw"},
    PlanState.APPROVED: {"start"},
    PlanState.UNDER_CONSTRUCTION: {"progress", "complete"},
    PlanState.COMPLETED: {"accept"},
    PlanState.ACCEPTED: {"close"},
    PlanState.CLOSED: set(),
    PlanState.RETURNED: {"submit", "withdraw"},
    PlanState.WITHDRAWN: set(),
}
PATH = {
    PlanState.DRAFT: [],
    PlanState.SUBMITTED: ["submit"],
    PlanState.IN_JOINT_REVIEW: ["submit", "open_review"],
    PlanState.APPROVABLE: ["submit", "open_review", "agree_all"],
    PlanState.APPROVED: ["submit", "open_review", "agree_all", "approve"],
    PlanState.UNDER_CONSTRUCTION: ["submit", "open_review", "agree_all", "approve", "start"],
    PlanState.COMPLETED: ["submit", "open_review", "agree_all", "approve", "start", "complete"],
    PlanState.ACCEPTED: [
        "submit",
        "open_review",
        "agree_all",
        "approve",
        "start",
        "complete",
        "accept",
    ],
    PlanState.CLOSED: [
        "submit",
        "open_review",
        "agree_all",
        "approve",
        "start",
        "complete",
        "accept",
        "pay",
        "close",
    ],
    PlanState.RETURNED: ["submit", "return"],
    PlanState.WITHDRAWN: ["withdraw"],
}


@pytest.mark.parametrize("state", list(PlanState))
def test_every_illegal_transition_is_refused_with_a_reason(
    state, plan, staff_hushan, approver, reviewers
):
    actors = {"staff": staff_hushan, "approver": approver, "reviewer": reviewers[0]}
    for step in PATH[state]:
        if step == "agree_all":
            agree_all(plan, reviewers)
        else:
            run(step, plan, **actors)
    plan.refresh_from_db()
    assert plan.state == state
    changes_before = StatusChange.objects.count()

    for name in set().union(*ALLOWED.values()) - ALLOWED[state]:
        with pytest.raises(ValidationError) as refused:
            run(name, plan, **actors)
        assert str(PlanState(state).label) in " ".join(refused.value.messages)
        plan.refresh_from_db()
        assert plan.state == state
    assert StatusChange.objects.count() == changes_before


def test_the_whole_path_records_each_step(approved, staff_hushan, approver):
    services.plan_start(actor=staff_hushan, plan=approved)
    services.progress_report(actor=staff_hushan, plan=approved, percent=40, on_date=DAY)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1250000")
    )
    pay_subsidy(approved)
    plan = services.plan_close(actor=approver, plan=approved)

    assert plan.state == PlanState.CLOSED
    assert plan.settled_investment == Decimal("1250000")
    assert list(plan.status_changes.values_list("to_state", flat=True)) == [
        "submitted",
        "in_joint_review",
        "approvable",
        "approved",
        "under_construction",
        "completed",
        "accepted",
        "closed",
    ]
    assert (
        plan.history.filter(settled_investment=Decimal("1250000")).first().history_user == approver
    )


def test_approve_message_says_why(plan, approver):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.plan_approve(actor=approver, plan=plan, approval_number="X", approval_date=DAY)
    assert refused.value.messages == [
        "A plan in state “Draft” cannot be approved; it must first pass joint review."
    ]


def test_a_disagreement_blocks_approval(plan, staff_hushan, approver, reviewers):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    agree_all(plan, reviewers[1:])
    services.opinion_record(
        actor=reviewers[0], plan=plan, decision="disagree", comments="选址不符合规划"
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_JOINT_REVIEW

    with pytest.raises(ValidationError):
        services.plan_approve(actor=approver, plan=plan, approval_number="X", approval_date=DAY)
    services.plan_return(actor=approver, plan=plan, reason="发改局不同意：选址不符合规划")
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED


def test_a_changed_opinion_takes_an_approvable_plan_back_to_review(approvable, reviewers):
    services.opinion_record(
        actor=reviewers[2], plan=approvable, decision="disagree", comments="资金来源不明"
    )
    approvable.refresh_from_db()
    assert approvable.state == PlanState.IN_JOINT_REVIEW


def test_a_returned_plan_starts_a_new_round(plan, staff_hushan, approver, reviewers):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    agree_all(plan, reviewers)
    services.plan_return(actor=approver, plan=plan, reason="补充运营方案")
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    plan.refresh_from_db()

    assert plan.review_round == 2
    assert plan.state == PlanState.IN_JOINT_REVIEW
    assert selectors.missing_agreements(plan)  # round 1's opinions do not count
    with pytest.raises(ValidationError):
        services.plan_approve(actor=approver, plan=plan, approval_number="X", approval_date=DAY)


def test_opinion_needs_a_reason_unless_agreeing(plan, staff_hushan, approver, reviewers):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    with pytest.raises(ValidationError) as refused:
        services.opinion_record(actor=reviewers[0], plan=plan, decision="disagree")
    assert "comments" in refused.value.error_dict


def test_roles_are_checked(plan, staff_hushan, approver, reviewers, staff_gutang):
    with pytest.raises(Http404):
        services.plan_submit(actor=staff_gutang, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=approver, plan=plan)
    services.plan_submit(actor=staff_hushan, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_open_review(actor=staff_hushan, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_open_review(actor=reviewers[0], plan=plan)


def test_notification_is_queued_after_commit(
    plan, staff_hushan, approver, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.plan_submit(actor=staff_hushan, plan=plan)
    assert len(callbacks) == 1
    assert mailoutbox == []
    callbacks[0]()
    assert mailoutbox[0].to == [approver.email]


def test_progress_cannot_go_back(approved, staff_hushan):
    services.plan_start(actor=staff_hushan, plan=approved)
    services.progress_report(actor=staff_hushan, plan=approved, percent=60, on_date=DAY)
    with pytest.raises(ValidationError):
        services.progress_report(actor=staff_hushan, plan=approved, percent=30, on_date=DAY)
    assert GapFillingPlan.objects.get(pk=approved.pk).progress_percent == 60


def test_an_accepted_plan_closes_only_once_its_subsidy_is_paid(approved, staff_hushan, approver):
    services.plan_start(actor=staff_hushan, plan=approved)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1200000")
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.plan_close(actor=approver, plan=approved)
    assert "570,000.00 yuan is still unpaid" in refused.value.messages[0]
    pay_subsidy(approved)
    assert services.plan_close(actor=approver, plan=approved).state == PlanState.CLOSED


def test_approval_commits_and_acceptance_settles_the_subsidy(approved, staff_hushan, approver):
    from funding.models import Tranche

    tranche = Tranche.objects.get(plan=approved)
    assert (tranche.amount, tranche.state) == (Decimal("600000.00"), "scheduled")
    services.plan_start(actor=staff_hushan, plan=approved)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1200000")
    )
    tranche.refresh_from_db()
    # 50 % of (1,200,000 settled − 60,000 fee)
    assert (tranche.amount, tranche.state) == (Decimal("570000.00"), "due")


@pytest.mark.parametrize("state", list(PlanState))
def test_the_plan_page_opens_in_every_state(state, client, plan, staff_hushan, approver, reviewers):
    actors = {"staff": staff_hushan, "approver": approver, "reviewer": reviewers[0]}
    for step in PATH[state]:
        if step == "agree_all":
            agree_all(plan, reviewers)
        else:
            run(step, plan, **actors)

    for user in (staff_hushan, approver, reviewers[0]):
        client.force_login(user)
        response = client.get(reverse("projects:plan_detail", args=[plan.pk]))
        assert response.status_code == 200, (state, user.username)
    page = response.content.decode()
    plan.refresh_from_db()
    with translation.override("zh-hans"):
        assert escape(selectors.next_step(plan)) in page
    assert ('data-testid="return-reasons"' in page) == (state == PlanState.RETURNED)
    if state == PlanState.RETURNED:
        assert "补充材料" in page


def test_an_approval_dated_in_the_future_is_refused(approvable, approver):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.plan_approve(
            actor=approver, plan=approvable, approval_number="慈批9号", approval_date=tomorrow
        )
    assert "is in the future" in refused.value.message_dict["approval_date"][0]
    approvable.refresh_from_db()
    assert approvable.state == PlanState.APPROVABLE


def test_construction_dates_follow_each_other(approved, staff_hushan, approver):
    services.plan_start(actor=staff_hushan, plan=approved)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.progress_report(
            actor=staff_hushan, plan=approved, percent=10, on_date=datetime.date(2024, 4, 1)
        )
    assert "before the approval (2024-05-01)" in refused.value.message_dict["on_date"][0]
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=datetime.date(2024, 11, 1))

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.plan_accept(
            actor=approver,
            plan=approved,
            acceptance_date=datetime.date(2024, 10, 1),
            settled_investment=Decimal("1200000"),
        )
    assert (
        "before the last progress report (2024-11-01)"
        in (refused.value.message_dict["acceptance_date"][0])
    )
    approved.refresh_from_db()
    assert approved.state == PlanState.COMPLETED
    assert approved.acceptance_date is None


def test_the_task_force_hears_when_construction_starts(
    approved, staff_hushan, approver, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_start(actor=staff_hushan, plan=approved)
    assert [message.to for message in mailoutbox] == [[approver.email]]


def test_e_mails_are_written_in_the_portal_language_whatever_page_the_actor_used(
    plan, staff_hushan, approver, django_capture_on_commit_callbacks, mailoutbox
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(actor=staff_hushan, plan=plan)
    assert mailoutbox[0].subject == "补短板方案：已报送"


def test_system_comments_are_codes_shown_in_the_readers_language(
    plan, staff_hushan, approver, reviewers
):
    with translation.override("en"):
        services.plan_submit(actor=staff_hushan, plan=plan)
        services.plan_open_review(actor=approver, plan=plan)
        agree_all(plan, reviewers)
    changes = list(plan.status_changes.all())[-2:]
    assert [(c.comment, c.comment_code, c.comment_params) for c in changes] == [
        ("", "review_round", {"round": 1}),
        ("", "all_agreed", {"round": 1}),
    ]
    with translation.override("zh-hans"):
        assert [c.comment_text for c in changes] == [
            "第 1 轮会审",
            "第 1 轮会审各相关部门均已同意。",
        ]
    with translation.override("en"):
        assert [c.comment_text for c in changes] == [
            "Review round 1",
            "Every required department agreed in round 1.",
        ]


def test_a_lost_agreement_names_the_departments_in_the_readers_language(approvable, reviewers):
    services.opinion_record(
        actor=reviewers[0], plan=approvable, decision="disagree", comments="造价偏高"
    )
    change = approvable.status_changes.last()
    assert change.comment_params == {"departments": [reviewers[0].department.code]}
    with translation.override("en"):
        assert change.comment_text.startswith("No agreement any more from ")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in change.comment_text)


def test_a_plan_whose_subsidy_was_cancelled_can_close(approved, staff_hushan, approver):
    from funding import services as funding_services
    from funding.models import Tranche
    from tests.factories import UserFactory

    services.plan_start(actor=staff_hushan, plan=approved)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1200000")
    )
    finance = UserFactory(username="finance_cancel", roles=["finance_officer"])
    funding_services.tranche_cancel(
        tranche=Tranche.objects.get(plan=approved), actor=finance, reason="专班决定不予补助"
    )
    assert services.plan_close(actor=approver, plan=approved).state == PlanState.CLOSED
