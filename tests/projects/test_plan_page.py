"""The plan page as each reader sees it: next step, confirmations, figures, phones."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from projects import selectors, services
from projects.choices import PlanState
from tests.factories import GapFillingPlanFactory

from .conftest import pay_subsidy

DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def accepted(approved, staff_hushan, approver):
    services.plan_start(actor=staff_hushan, plan=approved)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    return services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1200000")
    )


def page_of(client, user, plan, language="en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse("projects:plan_detail", args=[plan.pk])).content.decode()


def test_after_payment_the_next_step_no_longer_says_finance_is_to_pay(accepted):
    with translation.override("en"):
        assert "Finance pays" in selectors.next_step(accepted)
        pay_subsidy(accepted)
        assert selectors.next_step(accepted) == (
            "The subsidy is paid; the task force closes the plan."
        )


@pytest.mark.parametrize("state", PlanState.values)
def test_every_state_has_a_next_step_in_both_languages(state, staff_hushan):
    plan = GapFillingPlanFactory(state=state, created_by=staff_hushan)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = selectors.next_step(plan)
            assert text and text != state
    if state == PlanState.ACCEPTED:  # no tranche at all: nothing left to pay
        with translation.override("en"):
            assert "subsidy is paid" in selectors.next_step(plan)


def test_submit_start_and_complete_ask_for_confirmation(client, plan, staff_hushan, approved):
    draft = page_of(client, staff_hushan, plan)
    assert 'data-confirm="Submit the plan for joint review?' not in draft  # plan moved on
    fresh = GapFillingPlanFactory(
        community__subdistrict=staff_hushan.subdistrict, created_by=staff_hushan
    )
    page = page_of(client, staff_hushan, fresh)
    assert 'data-confirm="Submit the plan for joint review?' in page
    page = page_of(client, staff_hushan, approved)
    assert 'data-confirm="Start construction now?' in page
    services.plan_start(actor=staff_hushan, plan=approved)
    page = page_of(client, staff_hushan, approved)
    assert 'data-confirm="Report construction complete?' in page
    assert page.count("data-disable-on-submit") >= 2


def test_figures_carry_their_unit_and_separators(client, plan, staff_hushan):
    plan.community.population = 12345
    plan.community.households = 4321
    plan.community.save()
    chinese = page_of(client, staff_hushan, plan, "zh-hans")
    assert "1,260,000.00 元" in chinese
    assert "12,345" in chinese and "4,321" in chinese
    english = page_of(client, staff_hushan, plan, "en")
    assert "1,260,000.00 yuan" in english


def test_opinion_and_history_tables_scroll_inside_their_box(client, approvable, staff_hushan):
    page = page_of(client, staff_hushan, approvable)
    for testid in ("opinions", "history"):
        before = page.split(f'data-testid="{testid}"')[0]
        box = before[before.rindex("<div") :]
        assert box.startswith('<div class="table-responsive" tabindex="0" role="region"')
    assert 'class="cell-text"' in page
