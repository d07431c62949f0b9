"""Commitments from the plan and project life cycles, budgets, and finance's payment actions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation

from communities.roles import Role
from funding import services
from funding.choices import BudgetSource, TrancheStage, TrancheState
from funding.models import SubsidyPolicy, Tranche, TrancheEvent
from funding.selectors import envelope_with_figures, money_panel_for
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import BudgetEnvelopeFactory, TrancheFactory, confirmed_assessment

D = Decimal
TODAY = date.today()


@pytest.fixture
def budget(db):
    return BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("10000000.00"))


def approved_plan(**kwargs):
    return GapFillingPlanFactory(state="approved", approval_date=TODAY, **kwargs)


def test_plan_commit_creates_a_scheduled_tranche_with_inputs_and_policy(budget, approver):
    plan = approved_plan()

    tranche = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert tranche.state == TrancheState.SCHEDULED
    assert tranche.amount == D("600000.00")
    assert tranche.subdistrict == plan.subdistrict
    assert tranche.inputs == {"investment": "1260000.00", "policy_fee": "60000.00"}
    assert tranche.policy_version == "gap-filling v1"
    assert tranche.explanation and tranche.fiscal_year == TODAY.year
    assert tranche.events.get().to_state == TrancheState.SCHEDULED
    assert tranche.history.first().history_user == approver


def test_plan_commit_twice_keeps_one_tranche(budget, approver):
    plan = approved_plan()

    first = services.subsidy_commit_for_plan(plan=plan, actor=approver)
    second = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert first.pk == second.pk and Tranche.objects.count() == 1


def test_commit_beyond_the_remaining_budget_names_the_envelope_and_shortfall(approver):
    BudgetEnvelopeFactory(fiscal_year=TODAY.year, amount=D("500000.00"))
    plan = approved_plan()

    with pytest.raises(ValidationError) as refused:
        services.subsidy_commit_for_plan(plan=plan, actor=approver)

    message = " ".join(refused.value.messages)
    assert str(TODAY.year) in message and "100,000.00" in message
    assert not Tranche.objects.exists()


def test_commit_without_an_envelope_is_kept_with_a_warning(db, approver):
    tranche = services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)

    assert tranche.amount == D("600000.00")
    assert any(str(TODAY.year) in warning for warning in tranche.warnings)


def test_commit_without_an_envelope_is_refused_when_envelopes_are_required(db, approver, settings):
    settings.FUNDING_REQUIRE_BUDGET_ENVELOPE = True

    with pytest.raises(ValidationError, match=str(TODAY.year)):
        services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)


def test_envelope_figures_come_from_tranches_of_its_year_and_source(budget, approver, finance):
    tranche = services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)
    TrancheFactory(fiscal_year=TODAY.year, state=TrancheState.CANCELLED, amount=D("999.00"))
    TrancheFactory(fiscal_year=TODAY.year, source=BudgetSource.NINGBO, amount=D("777.00"))
    Tranche.objects.filter(pk=tranche.pk).update(
        state=TrancheState.PAID, voucher_number="V1", paid_on=TODAY, due_on=TODAY
    )

    figures = envelope_with_figures(fiscal_year=TODAY.year, source=BudgetSource.CITY)

    assert figures.committed == D("600000.00")
    assert figures.paid == D("600000.00")
    assert figures.remaining == D("9400000.00")


@pytest.mark.parametrize(
    ("settled", "amount"),
    [(D("1100000"), D("520000.00")), (D("1500000"), D("600000.00")), (None, D("600000.00"))],
)
def test_settle_recomputes_with_the_settled_investment_and_makes_it_due(
    budget, approver, settled, amount
):
    plan = approved_plan()
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    plan.state, plan.settled_investment, plan.acceptance_date = "accepted", settled, TODAY
    plan.save()

    tranche = services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert tranche.amount == amount
    assert tranche.state == TrancheState.DUE and tranche.due_on == TODAY
    if settled is not None:
        assert tranche.inputs["settled"] == str(settled)


def test_settle_without_commitment_is_refused(db, approver):
    with pytest.raises(ValidationError):
        services.subsidy_settle_for_plan(plan=approved_plan(), actor=approver)


def test_optimised_project_commit_makes_three_tranches_first_one_due(budget, approver):
    project = FutureCommunityProjectFactory(
        creation_investment=D("3000000"), stage="approved", approval_date=TODAY
    )

    tranches = services.subsidy_commit_for_project(project=project, actor=approver)

    assert [(t.stage, t.amount, t.state) for t in tranches] == [
        (TrancheStage.FUTURE_APPROVAL, D("855000.00"), TrancheState.DUE),
        (TrancheStage.FUTURE_JOINT_ACCEPTANCE, D("855000.00"), TrancheState.SCHEDULED),
        (TrancheStage.FUTURE_NAMING, D("1140000.00"), TrancheState.SCHEDULED),
    ]
    assert all(t.subsidy_total == D("2850000.00") for t in tranches)
    assert tranches[0].subdistrict_id == project.community.subdistrict_id


def test_new_build_and_self_funded_projects_get_no_tranche(budget, approver):
    new_build = FutureCommunityProjectFactory(category="new_build", funding_mode="self_funded")

    assert services.subsidy_commit_for_project(project=new_build, actor=approver) == []
    assert not Tranche.objects.exists()


def test_original_model_amount_is_entered_by_finance(budget, approver, finance):
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    (tranche,) = services.subsidy_commit_for_project(project=project, actor=approver)
    assert tranche.state == TrancheState.SCHEDULED and tranche.amount == D("0.00")

    with pytest.raises(PermissionDenied):
        services.tranche_set_amount(tranche=tranche, amount=D("1000000"), actor=approver)
    tranche = services.tranche_set_amount(tranche=tranche, amount=D("1000000"), actor=finance)

    assert tranche.amount == D("1000000.00") and tranche.state == TrancheState.DUE


def test_stage_reached_makes_the_matching_tranches_due(budget, approver):
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    services.subsidy_commit_for_project(project=project, actor=approver)

    services.project_stage_reached(project=project, stage="construction_complete", actor=approver)
    assert Tranche.objects.filter(state=TrancheState.DUE).count() == 1
    services.project_stage_reached(project=project, stage="joint_acceptance_passed", actor=approver)
    assert Tranche.objects.get(stage=TrancheStage.FUTURE_JOINT_ACCEPTANCE).state == "due"
    services.project_stage_reached(project=project, stage="named", actor=approver)

    assert Tranche.objects.get(stage=TrancheStage.FUTURE_NAMING).state == TrancheState.DUE
    assert not Tranche.objects.filter(stage=TrancheStage.NINGBO_PASSTHROUGH).exists()


def test_naming_a_leading_project_opens_the_ningbo_passthrough(budget, approver, finance):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.subsidy_commit_for_project(project=project, actor=approver)

    services.project_stage_reached(project=project, stage="named", actor=approver)
    services.project_stage_reached(project=project, stage="named", actor=approver)
    tranche = Tranche.objects.get(stage=TrancheStage.NINGBO_PASSTHROUGH)
    assert tranche.source == BudgetSource.NINGBO and tranche.amount == D("0.00")

    received = services.passthrough_record_receipt(
        project=project, amount=D("2500000"), actor=finance
    )
    assert received.amount == D("2500000.00") and received.state == TrancheState.DUE


def test_passthrough_receipt_for_an_inclusive_project_is_refused(budget, finance):
    with pytest.raises(ValidationError):
        services.passthrough_record_receipt(
            project=FutureCommunityProjectFactory(), amount=D("1"), actor=finance
        )


def test_operations_reward_is_made_due_once_for_a_confirmed_passed_assessment(
    budget, user_with_role
):
    assessor = user_with_role(Role.OPERATIONS_ASSESSOR)
    named = FutureCommunityProjectFactory(stage="named", named_date=TODAY)
    assessment = confirmed_assessment(assessor, named, score=85)

    first = services.operations_reward_make_due(
        project=named, assessment=assessment, actor=assessor
    )
    second = services.operations_reward_make_due(
        project=named, assessment=assessment, actor=assessor
    )

    assert first.pk == second.pk
    assert first.amount == D("600000.00") and first.state == TrancheState.DUE
    assert first.due_on == timezone.localdate()


def test_one_tranche_per_plan_and_stage_in_the_database(db):
    tranche = TrancheFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrancheFactory(plan=tranche.plan)


def test_approve_then_pay_records_voucher_and_audit(
    finance, mailoutbox, django_capture_on_commit_callbacks, staff_hushan
):
    tranche = TrancheFactory(plan__community__subdistrict=staff_hushan.subdistrict)

    services.tranche_approve(tranche=tranche, actor=finance)
    with django_capture_on_commit_callbacks(execute=True):
        paid = services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="PZ-001", paid_on=TODAY
        )

    assert paid.state == TrancheState.PAID and paid.voucher_number == "PZ-001"
    assert [e.to_state for e in paid.events.all()] == ["approved", "paid"]
    assert mailoutbox and mailoutbox[0].to == [staff_hushan.email]


def test_paying_twice_same_voucher_is_idempotent_other_voucher_refused(finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED)
    services.tranche_mark_paid(tranche=tranche, actor=finance, voucher_number="A", paid_on=TODAY)

    services.tranche_mark_paid(tranche=tranche, actor=finance, voucher_number="A", paid_on=TODAY)
    with pytest.raises(ValidationError, match="A"):
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="B", paid_on=TODAY
        )

    assert TrancheEvent.objects.filter(tranche=tranche, to_state="paid").count() == 1


@pytest.mark.parametrize(
    "state", [TrancheState.SCHEDULED, TrancheState.DUE, TrancheState.CANCELLED]
)
def test_paying_a_tranche_that_is_not_approved_is_refused(finance, state):
    tranche = TrancheFactory(state=state)

    with pytest.raises(ValidationError):
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="X", paid_on=TODAY
        )


def test_payment_date_in_the_future_and_missing_voucher_are_refused(finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED)
    with pytest.raises(ValidationError):
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="X", paid_on=TODAY + timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number=" ", paid_on=TODAY
        )


def test_only_finance_approves_and_pays(approver, staff_hushan):
    tranche = TrancheFactory(plan__community__subdistrict=staff_hushan.subdistrict)
    for actor in (approver, staff_hushan):
        with pytest.raises(PermissionDenied):
            services.tranche_approve(tranche=tranche, actor=actor)
    # Another subdistrict's tranche does not exist for its staff, as on every page.
    with pytest.raises(Http404):
        services.tranche_approve(tranche=TrancheFactory(), actor=staff_hushan)
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.DUE


def test_cancel_and_return_need_a_reason_and_release_budget(finance):
    due = TrancheFactory()
    paid = TrancheFactory(state=TrancheState.PAID, voucher_number="V", paid_on=TODAY)
    with pytest.raises(ValidationError):
        services.tranche_cancel(tranche=due, actor=finance, reason="")
    with pytest.raises(ValidationError):
        services.tranche_cancel(tranche=paid, actor=finance, reason="重复")

    cancelled = services.tranche_cancel(tranche=due, actor=finance, reason="方案撤回")
    returned = services.tranche_return(tranche=paid, actor=finance, reason="审计退回")

    assert cancelled.state == TrancheState.CANCELLED and "方案撤回" in cancelled.note
    assert returned.state == TrancheState.RETURNED
    assert not Tranche.objects.holding_budget().exists()


def test_envelope_cannot_drop_below_committed(finance):
    envelope = BudgetEnvelopeFactory(fiscal_year=2024, amount=D("1000000"))
    TrancheFactory(fiscal_year=2024)
    envelope.amount = D("500000")

    with pytest.raises(ValidationError):
        services.budget_envelope_save(envelope=envelope, actor=finance)


def test_money_panel_sums_total_paid_due_and_remaining(db):
    project = FutureCommunityProjectFactory()
    common = {"plan": None, "project": project, "subdistrict": project.community.subdistrict}
    TrancheFactory(
        stage="future_approval", amount=D("100"), state="paid", voucher_number="V", **common
    )
    TrancheFactory(stage="future_joint_acceptance", amount=D("200"), state="approved", **common)
    TrancheFactory(stage="future_naming", amount=D("300"), state="scheduled", **common)
    TrancheFactory(stage="operations_reward", amount=D("50"), state="cancelled", **common)

    panel = money_panel_for(project=project)

    assert (panel.total, panel.paid, panel.due, panel.remaining) == (
        D("600.00"),
        D("100.00"),
        D("200.00"),
        D("500.00"),
    )


def test_plans_approved_in_2023_fall_under_the_action_plan(approver):
    BudgetEnvelopeFactory(fiscal_year=2023)
    plan = GapFillingPlanFactory(state="approved", approval_date=date(2023, 5, 1))

    tranche = services.subsidy_commit_for_plan(plan=plan, actor=approver)

    assert tranche.fiscal_year == 2023 and tranche.amount == D("600000.00")


def test_settlement_uses_the_rule_as_applied_at_approval(budget, approver):
    plan = approved_plan()
    committed = services.subsidy_commit_for_plan(plan=plan, actor=approver)
    policy = committed.policy
    policy.tiers = [{"upper": None, "rate": "10"}]
    policy.save()
    plan.state, plan.acceptance_date = "accepted", TODAY
    plan.save()

    settled = services.subsidy_settle_for_plan(plan=plan, actor=approver)

    assert settled.amount == D("600000.00")
    assert settled.policy_snapshot["tiers"] == [{"upper": None, "rate": "50"}]


def test_payment_dated_before_the_tranche_became_due_is_refused(finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED, due_on=date(2024, 6, 1))

    with pytest.raises(ValidationError) as refused:
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="X", paid_on=date(2024, 5, 31)
        )

    assert "paid_on" in refused.value.error_dict
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.APPROVED


def test_missing_policy_is_named_by_its_case_not_its_code(db, approver):
    SubsidyPolicy.objects.filter(case="gap_filling").update(effective_from=date(2030, 1, 1))

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.subsidy_commit_for_plan(plan=approved_plan(), actor=approver)

    message = refused.value.messages[0]
    assert "gap_filling" not in message and "补短板" in message


def test_payment_notice_is_in_the_portals_language_whatever_finance_reads(
    finance, mailoutbox, django_capture_on_commit_callbacks, staff_hushan
):
    tranche = TrancheFactory(
        state=TrancheState.APPROVED, plan__community__subdistrict=staff_hushan.subdistrict
    )

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number="PZ-1", paid_on=TODAY
        )

    assert mailoutbox[0].subject.startswith("补助已拨付")


def test_a_stage_makes_its_tranche_due_from_the_day_it_was_reached(budget, approver):
    project = FutureCommunityProjectFactory(
        creation_investment=D("3000000"), approval_date=TODAY - timedelta(days=10)
    )
    services.subsidy_commit_for_project(project=project, actor=approver)
    reached = TODAY - timedelta(days=3)

    (tranche,) = services.project_stage_reached(
        project=project, stage="joint_acceptance_passed", actor=approver, on=reached
    )
    project.named_date = TODAY - timedelta(days=1)
    (named,) = services.project_stage_reached(project=project, stage="named", actor=approver)

    assert tranche.due_on == reached
    assert named.due_on == project.named_date


def test_only_finance_records_ningbo_receipts_and_only_the_assessor_confirms_rewards(
    budget, approver, finance
):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.project_stage_reached(project=project, stage="named", actor=approver)

    with pytest.raises(PermissionDenied):
        services.passthrough_record_receipt(project=project, amount=D("1"), actor=approver)
    with pytest.raises(PermissionDenied):
        services.operations_reward_make_due(project=project, assessment=None, actor=finance)
    assert not Tranche.objects.filter(stage=TrancheStage.OPERATIONS_REWARD).exists()
