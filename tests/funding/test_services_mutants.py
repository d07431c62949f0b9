"""The funding services' edges that the journeys leave open: the refusals of an entered amount
word for word, and each commitment as all or nothing (docs/mutation.md lists what each test was
written against)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from funding import services
from funding.choices import TrancheState
from funding.models import Tranche, TrancheEvent
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from . import test_services
from .factories import BudgetEnvelopeFactory

# The same users, envelope and day as the services' own tests.
approver, finance, budget = test_services.approver, test_services.finance, test_services.budget
TODAY = test_services.TODAY

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


def test_a_settlement_whose_audit_fails_keeps_the_commitment(budget, approver, monkeypatch):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
    services.subsidy_commit_for_plan(plan=plan, actor=approver)
    monkeypatch.setattr(TrancheEvent.objects, "create", _refuse)

    with pytest.raises(RuntimeError):
        services.subsidy_settle_for_plan(plan=accepted(plan, D("1100000")), actor=approver)

    kept = Tranche.objects.get()
    assert kept.state == TrancheState.SCHEDULED and kept.amount == D("600000.00")


def test_a_settlement_is_due_from_the_acceptance_date_not_from_today(budget, approver):
    plan = GapFillingPlanFactory(state="approved", approval_date=TODAY)
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


@pytest.mark.parametrize(
    ("category", "funding_mode"), [("new_build", "optimised"), ("renovation", "self_funded")]
)
def test_a_new_build_or_a_self_funded_project_gets_no_tranche_either_way(
    budget, approver, category, funding_mode
):
    project = FutureCommunityProjectFactory(category=category, funding_mode=funding_mode)

    assert services.subsidy_commit_for_project(project=project, actor=approver) == []
    assert not Tranche.objects.exists()


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
