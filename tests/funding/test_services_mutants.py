"""The funding services' edges that the journeys leave open: the refusals of an entered amount
word for word, and each commitment as all or nothing (docs/mutation.md lists what each test was
written against)."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from communities.models import Notification, OutboxItem
from communities.roles import Role
from funding import services
from funding.choices import BulkOutcome, ExportState, TrancheStage, TrancheState
from funding.models import DisbursementExport, Tranche, TrancheEvent
from funding.money import format_yuan
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from . import test_services
from .factories import BudgetEnvelopeFactory, TrancheFactory, confirmed_assessment

# The same envelope and day as the services' own tests (the users come from conftest.py).
budget, TODAY = test_services.budget, test_services.TODAY

D = Decimal


@pytest.fixture
def entered_tranche(budget, approver):
    """An original-model project's tranche, waiting for finance to enter its amount."""
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    (tranche,) = services.subsidy_commit_for_project(project=project, actor=approver)
    return tranche


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be greater than zero."),
        ("-5", "The amount must be greater than zero."),
        ("0.004", "The amount must be greater than zero."),  # rounds to 0.00
        ("100000000.01", "One tranche can be at most 100,000,000.00 yuan: check the figure."),
    ],
)
def test_an_entered_amount_out_of_range_is_refused_with_the_reason_and_nothing_saved(
    entered_tranche, finance, amount, message
):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.tranche_set_amount(tranche=entered_tranche, amount=D(amount), actor=finance)

    assert refused.value.message_dict == {"amount": [message]}
    entered_tranche.refresh_from_db()
    assert entered_tranche.amount == D("0.00")
    assert entered_tranche.state == TrancheState.SCHEDULED


def test_the_amount_refusals_are_in_chinese_by_default(entered_tranche, finance):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.tranche_set_amount(tranche=entered_tranche, amount=D("0"), actor=finance)

    (reason,) = refused.value.message_dict["amount"]
    assert reason != "The amount must be greater than zero." and reason.strip()


def _refuse(**kwargs):
    raise RuntimeError("audit store down")


@pytest.fixture
def failing_audit(monkeypatch):
    """The audit event cannot be written: the write that preceded it must not stay either."""
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)


def test_a_plan_commitment_whose_audit_fails_leaves_no_tranche(budget, approver, failing_audit):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)

    with pytest.raises(RuntimeError):
        services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert not Tranche.objects.exists()


def test_a_project_commitment_whose_audit_fails_leaves_no_tranche(budget, approver, failing_audit):
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))

    with pytest.raises(RuntimeError):
        services.subsidy_commit_for_project(project=project, actor=approver)

    assert not Tranche.objects.exists()


def test_an_entered_amount_whose_audit_fails_is_not_kept(entered_tranche, finance, failing_audit):
    with pytest.raises(RuntimeError):
        services.tranche_set_amount(tranche=entered_tranche, amount=D("1000"), actor=finance)

    entered_tranche.refresh_from_db()
    assert entered_tranche.amount == D("0.00")
    assert entered_tranche.state == TrancheState.SCHEDULED


def test_a_plan_approved_again_after_its_subsidy_was_cancelled_gets_its_tranche_back(
    budget, approver, finance
):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    first = services.subsidy_commit_for_plan(plan=plan, actor=approver)
    services.tranche_cancel(tranche=first, actor=finance, reason="方案撤回")

    again = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert again.pk == first.pk and Tranche.objects.count() == 1
    assert again.state == TrancheState.SCHEDULED and again.amount == D("600000.00")
    last = again.events.order_by("pk").last()
    assert (last.from_state, last.to_state) == (TrancheState.CANCELLED, TrancheState.SCHEDULED)


def accepted(plan, settled):
    plan.state, plan.settled_investment, plan.acceptance_date = "accepted", settled, TODAY
    plan.save()
    return plan


def test_settling_a_plan_without_a_commitment_says_so(db, approver):
    plan = accepted(GapFillingPlanFactory(state="approved", approval_date=TODAY), None)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert refused.value.messages == ["This plan has no committed subsidy to settle."]


def test_a_settlement_below_the_commitment_adds_no_budget_warning(budget, approver):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    committed = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    settled = services.subsidy_settle_for_plan(plan=accepted(plan, D("1100000")), actor=approver)

    assert settled.amount < committed.amount
    assert settled.warnings == []


@pytest.mark.parametrize("settled_investment", [None, D("1100000")], ids=["same", "lower"])
def test_a_settlement_in_a_year_without_envelope_keeps_saying_so(
    approver, settings, settled_investment
):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    with translation.override("en"):
        committed = services.subsidy_commit_for_plan(plan=plan, actor=approver)
        # finance has since made an envelope compulsory, but this money was committed before
        settings.FUNDING_REQUIRE_BUDGET_ENVELOPE = True
        settled = services.subsidy_settle_for_plan(
            plan=accepted(plan, settled_investment), actor=approver
        )

    assert settled.amount <= committed.amount
    assert settled.state == TrancheState.DUE
    assert len(committed.warnings) == 1 and str(TODAY.year) in committed.warnings[0]
    assert settled.warnings == committed.warnings


def test_a_settlement_whose_audit_fails_keeps_the_commitment(budget, approver, monkeypatch):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)

    with pytest.raises(RuntimeError):
        services.subsidy_settle_for_plan(plan=accepted(plan, D("1100000")), actor=approver)

    kept = Tranche.objects.get()
    assert kept.state == TrancheState.SCHEDULED and kept.amount == D("600000.00")


def test_a_settlement_is_due_from_the_acceptance_date_not_from_today(budget, approver):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY - timedelta(days=20))
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    plan = accepted(plan, None)
    plan.acceptance_date = TODAY - timedelta(days=10)
    plan.save()

    settled = services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert settled.due_on == TODAY - timedelta(days=10)


def test_a_settlement_above_the_commitment_is_checked_against_the_budget(approver):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("650000.00"))
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    committed = services.subsidy_commit_for_plan(plan=plan, actor=approver)
    # the approved investment was corrected upwards after approval: the subsidy grows
    plan = accepted(plan, None)
    plan.total_investment = plan.total_investment + D("1000000")
    plan.save()

    with pytest.raises(ValidationError) as refused:
        services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert str(TODAY.year) in " ".join(refused.value.messages)
    assert Tranche.objects.get().amount == committed.amount


def test_a_project_committed_twice_keeps_its_tranches(budget, approver):
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    first = services.subsidy_commit_for_project(project=project, actor=approver)

    again = services.subsidy_commit_for_project(project=project, actor=approver)

    assert {t.pk for t in again} == {t.pk for t in first} and len(first) == 3
    assert Tranche.objects.count() == 3 and TrancheEvent.objects.count() == 3


def test_a_project_commitment_beyond_the_budget_is_refused_and_makes_no_tranche(approver):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("1000.00"))
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))

    with pytest.raises(ValidationError) as refused:
        services.subsidy_commit_for_project(project=project, actor=approver)

    assert str(TODAY.year) in " ".join(refused.value.messages)
    assert not Tranche.objects.exists()


def test_a_stage_other_than_naming_is_due_from_today_whatever_the_naming_date(budget, approver):
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    services.subsidy_commit_for_project(project=project, actor=approver)
    project.named_date = TODAY - timedelta(days=5)

    (tranche,) = services.project_stage_reached(
        project=project, stage="joint_acceptance_passed", actor=approver
    )

    assert tranche.due_on == TODAY


def test_a_naming_date_given_wins_over_the_projects_own(budget, approver):
    project = FutureCommunityProjectFactory(
        creation_investment=D("3000000"), approval_date=TODAY - timedelta(days=10)
    )
    services.subsidy_commit_for_project(project=project, actor=approver)
    project.named_date = TODAY - timedelta(days=5)

    (tranche,) = services.project_stage_reached(
        project=project, stage="named", actor=approver, on=TODAY - timedelta(days=2)
    )

    assert tranche.due_on == TODAY - timedelta(days=2)


def test_a_stage_whose_audit_fails_leaves_its_tranche_scheduled(budget, approver, monkeypatch):
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    services.subsidy_commit_for_project(project=project, actor=approver)
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)

    with pytest.raises(RuntimeError):
        services.project_stage_reached(
            project=project, stage="joint_acceptance_passed", actor=approver
        )

    kept = Tranche.objects.get(stage=TrancheStage.FUTURE_JOINT_ACCEPTANCE)
    assert kept.state == TrancheState.SCHEDULED and kept.due_on is None


def test_naming_a_leading_project_answers_with_the_pass_through_it_opened(budget, approver):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")

    changed = services.project_stage_reached(project=project, stage="named", actor=approver)

    assert [t.stage for t in changed] == [TrancheStage.NINGBO_PASSTHROUGH]


def test_a_ningbo_receipt_whose_audit_fails_is_not_kept(budget, approver, finance, monkeypatch):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.project_stage_reached(project=project, stage="named", actor=approver)
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)

    with pytest.raises(RuntimeError):
        services.passthrough_record_receipt(project=project, amount=D("2500000"), actor=finance)

    kept = Tranche.objects.get(stage=TrancheStage.NINGBO_PASSTHROUGH)
    assert kept.amount == D("0.00") and kept.state == TrancheState.SCHEDULED


def test_a_ningbo_receipt_for_another_project_says_who_receives_it(budget, finance):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.passthrough_record_receipt(
            project=FutureCommunityProjectFactory(), amount=D("1"), actor=finance
        )

    assert refused.value.messages == [
        "Only a provincially named leading project receives Ningbo's subsidy."
    ]


def test_approving_answers_with_the_approved_tranche_and_no_comment_unless_given(finance):
    tranche = TrancheFactory()

    approved = services.tranche_approve(tranche=tranche, actor=finance)

    assert approved.pk == tranche.pk and approved.state == TrancheState.APPROVED
    assert approved.events.order_by("pk").last().comment == ""


FINANCE_ACTIONS = {
    "approve": (
        TrancheState.DUE,
        lambda t, actor: services.tranche_approve(tranche=t, actor=actor),
    ),
    "pay": (
        TrancheState.APPROVED,
        lambda t, actor: services.tranche_mark_paid(
            tranche=t, actor=actor, voucher_number="V-1", paid_on=TODAY
        ),
    ),
    "cancel": (
        TrancheState.DUE,
        lambda t, actor: services.tranche_cancel(tranche=t, actor=actor, reason="撤回"),
    ),
    "return": (
        TrancheState.PAID,
        lambda t, actor: services.tranche_return(tranche=t, actor=actor, reason="退回"),
    ),
}


@pytest.mark.parametrize("action", FINANCE_ACTIONS)
def test_a_finance_action_whose_audit_fails_changes_nothing(finance, monkeypatch, action):
    state, act = FINANCE_ACTIONS[action]
    paid = {"voucher_number": "V-0", "paid_on": TODAY} if state == TrancheState.PAID else {}
    tranche = TrancheFactory(state=state, **paid)
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)

    with pytest.raises(RuntimeError):
        act(tranche, finance)

    tranche.refresh_from_db()
    assert tranche.state == state and tranche.note == ""


def test_approving_several_reports_each_row_in_key_order_with_the_reason_of_a_refusal(finance):
    due = TrancheFactory()
    scheduled = TrancheFactory(state=TrancheState.SCHEDULED)
    other = TrancheFactory()
    services.tranche_approve(tranche=other, actor=finance)

    with translation.override("en"):
        results = services.tranches_approve(tranches=[other, scheduled, due], actor=finance)

    assert [r.tranche.pk for r in results] == sorted([due.pk, scheduled.pk, other.pk])
    by_pk = {r.tranche.pk: r for r in results}
    assert (by_pk[due.pk].outcome, by_pk[due.pk].reason) == (BulkOutcome.DONE, "")
    assert (by_pk[other.pk].outcome, by_pk[other.pk].reason) == (BulkOutcome.UNCHANGED, "")
    assert by_pk[scheduled.pk].outcome == BulkOutcome.REFUSED and by_pk[scheduled.pk].reason
    assert by_pk[due.pk].tranche.state == TrancheState.APPROVED
    assert due.events.order_by("pk").last().comment == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[0].outcome = BulkOutcome.DONE


def test_paying_several_takes_each_rows_own_voucher_and_a_second_click_changes_nothing(finance):
    first = TrancheFactory(state=TrancheState.APPROVED)
    second = TrancheFactory(state=TrancheState.APPROVED)
    vouchers = {first.pk: "V-1", second.pk: "V-2"}

    done = services.tranches_mark_paid(
        tranches=[second, first], actor=finance, vouchers=vouchers, paid_on=TODAY
    )
    again = services.tranches_mark_paid(
        tranches=[first, second], actor=finance, vouchers=vouchers, paid_on=TODAY
    )

    assert [r.outcome for r in done] == [BulkOutcome.DONE, BulkOutcome.DONE]
    assert [r.outcome for r in again] == [BulkOutcome.UNCHANGED, BulkOutcome.UNCHANGED]
    assert [r.tranche.voucher_number for r in done] == ["V-1", "V-2"]
    assert [r.tranche.state for r in done] == [TrancheState.PAID, TrancheState.PAID]


def test_paying_several_refuses_a_row_without_its_voucher_and_pays_the_others(finance):
    with_voucher = TrancheFactory(state=TrancheState.APPROVED)
    without = TrancheFactory(state=TrancheState.APPROVED)

    with translation.override("en"):
        results = services.tranches_mark_paid(
            tranches=[with_voucher, without],
            actor=finance,
            vouchers={with_voucher.pk: "V-9"},
            paid_on=TODAY,
        )

    paid, refused = results
    assert (paid.outcome, paid.tranche.paid_on, paid.tranche.voucher_number) == (
        BulkOutcome.DONE,
        TODAY,
        "V-9",
    )
    assert (refused.outcome, refused.reason) == (
        BulkOutcome.REFUSED,
        "Enter the payment voucher number.",
    )
    without.refresh_from_db()
    assert without.state == TrancheState.APPROVED and without.voucher_number == ""


def test_an_envelope_below_what_is_committed_is_refused_on_its_amount(finance):
    envelope = BudgetEnvelopeFactory(fiscal_year=2024, amount=D("1000000"))
    TrancheFactory(fiscal_year=2024)
    envelope.amount = D("500000")

    with pytest.raises(ValidationError) as refused:
        services.budget_envelope_save(envelope=envelope, actor=finance)

    assert list(refused.value.message_dict) == ["amount"]
    envelope.refresh_from_db()
    assert envelope.amount == D("1000000.00")


def test_an_export_request_keeps_its_filters_and_a_summary_of_at_most_500_characters(finance):
    export = services.disbursement_export_request(
        actor=finance, filters={"state": "due"}, filter_summary="状" * 600
    )

    saved = DisbursementExport.objects.get()
    assert saved.pk == export.pk and saved.requested_by == finance
    assert saved.state == ExportState.PENDING and saved.filters == {"state": "due"}
    assert saved.filter_summary == "状" * 500
    (item,) = OutboxItem.objects.all()
    assert item.job.endswith("build_disbursement_export")
    assert item.arguments == {"export_id": export.pk}
    with translation.override("zh-hans"):
        label = translation.gettext("the disbursement sheet")
    assert item.label == label != "the disbursement sheet"  # in the portal's language


def test_a_failed_export_asked_for_again_is_a_new_one_with_the_same_filters(finance):
    failed = DisbursementExport.objects.create(
        requested_by=finance,
        state=ExportState.FAILED,
        filters={"source": "city"},
        filter_summary="市级",
    )

    again = services.disbursement_export_retry(actor=finance, export=failed)

    assert again.pk != failed.pk and again.state == ExportState.PENDING
    assert (again.filters, again.filter_summary) == ({"source": "city"}, "市级")
    failed.refresh_from_db()
    assert failed.state == ExportState.FAILED


def pay(tranche, actor, voucher="V-1", paid_on=TODAY):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.tranche_mark_paid(
            tranche=tranche, actor=actor, voucher_number=voucher, paid_on=paid_on
        )
    return refused.value


def test_a_payment_is_refused_on_the_field_at_fault_with_the_reason(finance):
    approved = TrancheFactory(state=TrancheState.APPROVED, due_on=TODAY - timedelta(days=3))

    assert pay(approved, finance, voucher=" ").message_dict == {
        "voucher_number": ["Enter the payment voucher number."]
    }
    assert pay(approved, finance, paid_on=TODAY + timedelta(days=1)).message_dict == {
        "paid_on": ["The payment date cannot be in the future."]
    }
    due = (TODAY - timedelta(days=3)).isoformat()
    assert pay(approved, finance, paid_on=TODAY - timedelta(days=4)).message_dict == {
        "paid_on": [f"The payment date cannot be before the tranche became due ({due})."]
    }
    approved.refresh_from_db()
    assert approved.state == TrancheState.APPROVED and approved.voucher_number == ""

    services.tranche_mark_paid(
        tranche=approved, actor=finance, voucher_number="V-1", paid_on=TODAY - timedelta(days=3)
    )
    assert pay(approved, finance, voucher="V-2").messages == [
        "This tranche was already paid with voucher V-1."
    ]


def test_a_payment_tells_the_subdistricts_staff_in_the_portals_language(finance, user_with_role):
    tranche = TrancheFactory(state=TrancheState.APPROVED)
    staff = user_with_role(Role.SUBDISTRICT_STAFF, subdistrict=tranche.subdistrict)

    services.tranche_mark_paid(tranche=tranche, actor=finance, voucher_number="V-1", paid_on=TODAY)

    (notice,) = Notification.objects.all()
    with translation.override("zh-hans"):
        stage = str(TrancheStage(tranche.stage).label)
    assert notice.recipient == staff and notice.link == tranche.get_absolute_url()
    assert notice.subject == f"补助已拨付：{tranche.subject} · {stage}"
    amount = format_yuan(tranche.amount)
    assert notice.body == f"已于 {TODAY.isoformat()} 拨付 {amount} 元，凭证号 V-1。"


def test_a_cancellation_keeps_the_earlier_note_and_needs_a_reason_on_its_field(finance):
    due = TrancheFactory(note="首次核对")

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.tranche_cancel(tranche=due, actor=finance, reason="  ")
    assert refused.value.message_dict == {"reason": ["Give the reason."]}

    cancelled = services.tranche_cancel(tranche=due, actor=finance, reason="方案撤回")
    assert cancelled.note == "首次核对\n方案撤回"


@pytest.mark.parametrize("amount", ["0.01", "1.00", "100000000.00"])
def test_an_entered_amount_at_its_limits_is_accepted_without_a_warning(approver, finance, amount):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("200000000.00"))
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    (tranche,) = services.subsidy_commit_for_project(project=project, actor=approver)

    entered = services.tranche_set_amount(tranche=tranche, amount=D(amount), actor=finance)

    assert entered.amount == D(amount) and entered.state == TrancheState.DUE
    assert entered.warnings == []


def test_an_entered_amount_beyond_the_budget_is_refused(approver, finance):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("1000.00"))
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    (tranche,) = services.subsidy_commit_for_project(project=project, actor=approver)

    with pytest.raises(ValidationError) as refused:
        services.tranche_set_amount(tranche=tranche, amount=D("5000"), actor=finance)

    assert str(TODAY.year) in " ".join(refused.value.messages)


def test_a_ningbo_receipt_needs_no_city_envelope(approver, finance):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.project_stage_reached(project=project, stage="named", actor=approver)

    received = services.passthrough_record_receipt(
        project=project, amount=D("2500000"), actor=finance
    )

    assert received.amount == D("2500000.00") and received.warnings == []


def test_an_entered_amount_is_kept_as_the_tranches_input(entered_tranche, finance):
    entered = services.tranche_set_amount(tranche=entered_tranche, amount=D("1000"), actor=finance)

    assert set(entered.inputs) == {"entered"}
    assert D(entered.inputs["entered"]) == D("1000.00")


def test_one_yuan_above_the_envelope_is_refused(approver, finance):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("0.50"))
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    (tranche,) = services.subsidy_commit_for_project(project=project, actor=approver)

    with pytest.raises(ValidationError):
        services.tranche_set_amount(tranche=tranche, amount=D("1.00"), actor=finance)


@pytest.mark.parametrize("with_envelope", [True, False])
def test_a_commitment_of_nothing_needs_no_envelope_and_warns_of_nothing(
    db, approver, with_envelope
):
    if with_envelope:
        BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("1000.00"))
    plan = GapFillingPlanFactory(
        state="approved",
        approval_date=TODAY,
        total_investment=D("60000.00"),
        policy_fee=D("60000.00"),
    )

    tranche = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert tranche.amount == D("0.00") and tranche.warnings == []


def test_a_new_tranches_first_event_comes_from_no_state(budget, approver):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)

    tranche = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    (event,) = tranche.events.all()
    assert (event.from_state, event.to_state) == ("", TrancheState.SCHEDULED)


def test_an_export_request_that_cannot_be_queued_leaves_no_export(finance, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services.outbox, "enqueue", refuse)

    with pytest.raises(RuntimeError):
        services.disbursement_export_request(actor=finance, filters={}, filter_summary="")

    assert not DisbursementExport.objects.exists()


def test_a_reward_cannot_fall_due_before_the_assessment_was_confirmed(budget, assessor):
    named = FutureCommunityProjectFactory(stage="named", named_date=TODAY)
    assessment = confirmed_assessment(assessor, named, score=90)
    # The confirmation opened the reward; take it away and date the confirmation tomorrow.
    TrancheEvent.objects.filter(tranche__project=named).delete()
    Tranche.objects.filter(project=named, stage=TrancheStage.OPERATIONS_REWARD).delete()
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    type(assessment).objects.filter(pk=assessment.pk).update(
        confirmed_at=assessment.confirmed_at + timedelta(days=1)
    )

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.operations_reward_make_due(project=named, assessment=assessment, actor=assessor)

    assert refused.value.messages == [
        f"“Operations reward” cannot fall due on {today.isoformat()}, before the confirmation "
        f"of the operations assessment on {tomorrow.isoformat()}: check the dates of the stages."
    ]
    assert not Tranche.objects.filter(stage=TrancheStage.OPERATIONS_REWARD).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "new_build", "funding_mode": "self_funded"},
        {
            "category": "new_build",
            "funding_mode": "self_funded",
            "plan_year": None,
            "provincial_batch": 4,
        },
    ],
    ids=["in the city plan", "in a provincial batch"],
)
def test_a_new_build_funds_itself_and_gets_no_tranche(budget, approver, fields):
    project = FutureCommunityProjectFactory(**fields)

    assert services.subsidy_commit_for_project(project=project, actor=approver) == []
    assert not Tranche.objects.filter(project=project).exists()


def test_a_reward_beyond_the_budget_is_refused_and_makes_no_tranche(assessor):
    BudgetEnvelopeFactory(fiscal_year=timezone.localdate().year, amount=D("599999.99"))
    project = FutureCommunityProjectFactory(stage="plan_reviewed")
    assessment = confirmed_assessment(assessor, project, score=95)
    type(project).objects.filter(pk=project.pk).update(
        stage="named", named_date=timezone.localdate()
    )

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.operations_reward_make_due(project=project, assessment=assessment, actor=assessor)

    year = timezone.localdate().year
    assert refused.value.messages == [
        f"Budget envelope {year} City finance has 599,999.99 yuan left but this needs "
        "600,000.00 yuan: short by 0.01 yuan."
    ]
    assert not Tranche.objects.filter(stage=TrancheStage.OPERATIONS_REWARD).exists()


@pytest.mark.parametrize(
    ("amount", "warned"),
    [("0.00", False), ("0.01", True), ("1.00", True), ("250000.00", True)],
)
def test_money_held_without_an_envelope_is_warned_of_from_one_fen(db, amount, warned):
    with translation.override("en"):
        warning = services._envelope_missing(2031, "city", D(amount))

    assert warning == ("There is no City finance budget envelope for 2031." if warned else "")


def test_money_held_within_an_envelope_is_not_warned_of(db):
    BudgetEnvelopeFactory(fiscal_year=2031, source="city", amount=D("1.00"))

    assert services._envelope_missing(2031, "city", D("250000.00")) == ""
