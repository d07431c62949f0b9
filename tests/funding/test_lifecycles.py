"""The tranche and export life cycles are declared once (funding/lifecycles.py) and every
service, button and URL follows that table."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from communities.lifecycle import ILLEGAL, PAGE, SYSTEM, all_lifecycles
from communities.roles import Role
from funding import services
from funding.choices import ExportState, TrancheStage, TrancheState
from funding.lifecycles import EXPORT, TRANCHE
from funding.models import DisbursementExport, SubsidyPolicy
from funding.views import TrancheStepView
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import TrancheFactory

D = Decimal
PAGE_STEPS = [step for step in TRANCHE if step.where == PAGE]
# What each finance step's service takes besides the tranche and the actor.
STEP_DATA = {
    "amount": {"amount": D("1000.00")},
    "approve": {"comment": ""},
    "pay": {"voucher_number": "PZ-1", "paid_on": date(2024, 7, 1)},
    "cancel": {"reason": "重复登记"},
    "return": {"reason": "资金退回"},
}
# A step whose target the tranche is already at changes nothing rather than being refused.
IDEMPOTENT = {("approve", TrancheState.APPROVED), ("pay", TrancheState.PAID)}


def entered_tranche(state: str):
    """An original-model tranche (whose amount finance enters) in ``state``."""
    project = FutureCommunityProjectFactory(funding_mode="original")
    paid = {"voucher_number": "PZ-1"} if state == TrancheState.PAID else {}
    return TrancheFactory(
        plan=None,
        project=project,
        subdistrict=project.community.subdistrict,
        stage=TrancheStage.ORIGINAL_MODEL,
        policy=SubsidyPolicy.objects.get(code="future-original"),
        state=state,
        **paid,
    )


def test_the_tables_register_and_name_only_their_states():
    assert {TRANCHE, EXPORT} <= set(all_lifecycles())
    for lifecycle in (TRANCHE, EXPORT):
        for step in lifecycle:
            assert set(step.sources) <= set(lifecycle.states.values)
            lifecycle.service(step.name)  # every service exists
            if step.form:
                assert lifecycle.form_class(step.name) is not None


@pytest.mark.parametrize("step", PAGE_STEPS, ids=lambda step: step.name)
def test_every_tranche_button_has_its_url_and_form(step):
    url = reverse(f"funding:tranche_{step.name}", args=[1])
    match = resolve(url)

    assert match.func.view_class is TrancheStepView
    assert match.kwargs == {"pk": 1, "step": step.name}
    assert TRANCHE.form_class(step.name) is not None


@pytest.mark.parametrize("state", TrancheState.values)
def test_the_tranche_page_offers_finance_exactly_the_steps_of_the_table(client, finance, state):
    tranche = entered_tranche(state)
    client.force_login(finance)

    context = client.get(reverse("funding:tranche_detail", args=[tranche.pk])).context

    offered = {step.name for step in PAGE_STEPS if context[f"{step.name}_form"] is not None}
    assert offered == {step.name for step in TRANCHE.steps_from(state, where=PAGE)}


@pytest.mark.parametrize("state", TrancheState.values)
def test_a_computed_tranche_never_offers_to_enter_its_amount(client, finance, state):
    tranche = TrancheFactory(state=state, **({"voucher_number": "PZ"} if state == "paid" else {}))
    client.force_login(finance)

    context = client.get(reverse("funding:tranche_detail", args=[tranche.pk])).context

    assert context["amount_form"] is None
    assert "amount" not in {step.name for step in TRANCHE.available(finance, tranche)}


def test_no_system_step_is_a_button(finance):
    tranche = TrancheFactory(state=TrancheState.SCHEDULED)

    assert all(step.where != SYSTEM for step in TRANCHE.available(finance, tranche, where=PAGE))
    with pytest.raises(Resolver404):
        resolve(reverse("funding:tranche_approve", args=[tranche.pk]).replace("approve", "settle"))


CASES = [
    (step.name, state)
    for step in PAGE_STEPS
    for state in TrancheState.values
    if state not in step.sources and (step.name, state) not in IDEMPOTENT
]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_each_finance_service_refuses_every_state_its_table_does_not_name(finance, name, state):
    tranche = entered_tranche(state)

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        TRANCHE.run(finance, name, tranche, STEP_DATA[name])

    assert refusal.value.code == ILLEGAL
    with translation.override("en"):
        label = str(TrancheState(state).label)
    assert refusal.value.messages == [f"This tranche is {label}; that is not possible now."]
    tranche.refresh_from_db()
    assert tranche.state == state and not tranche.events.exists()


@pytest.mark.parametrize("step", PAGE_STEPS, ids=lambda step: step.name)
def test_each_finance_step_leads_where_its_table_says(finance, step):
    tranche = entered_tranche(step.sources[0])

    TRANCHE.run(finance, step.name, tranche, STEP_DATA[step.name])

    tranche.refresh_from_db()
    assert tranche.state == step.target
    assert tranche.events.get().from_state == step.sources[0]


def test_settling_a_paid_subsidy_is_refused_with_the_tables_reason(db, user_with_role):
    plan = GapFillingPlanFactory(state="accepted")
    TrancheFactory(plan=plan, state=TrancheState.PAID, voucher_number="PZ")

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        services.subsidy_settle_for_plan(plan=plan, actor=user_with_role(Role.TASKFORCE_APPROVER))

    assert refusal.value.messages == [
        "The subsidy is already Paid and can no longer be recomputed."
    ]


def test_a_stage_leaves_a_tranche_that_is_no_longer_scheduled_as_it_is(db, user_with_role):
    project = FutureCommunityProjectFactory()
    common = {"plan": None, "project": project, "subdistrict": project.community.subdistrict}
    approved = TrancheFactory(
        stage=TrancheStage.FUTURE_JOINT_ACCEPTANCE, state=TrancheState.APPROVED, **common
    )

    changed = services.project_stage_reached(
        project=project, stage="joint_acceptance_passed", actor=user_with_role(Role.SUPERVISOR)
    )

    approved.refresh_from_db()
    assert changed == [] and approved.state == TrancheState.APPROVED


@pytest.mark.parametrize("state", ExportState.values)
def test_only_a_failed_export_is_asked_for_again(finance, state):
    export = DisbursementExport.objects.create(
        requested_by=finance, state=state, file_name="x.xlsx" if state == "done" else ""
    )

    if state in EXPORT.sources("retry"):
        again = services.disbursement_export_retry(actor=finance, export=export)
        assert again.pk != export.pk and again.state == ExportState.PENDING
    else:
        with pytest.raises(ValidationError) as refusal:
            services.disbursement_export_retry(actor=finance, export=export)
        assert refusal.value.code == ILLEGAL
