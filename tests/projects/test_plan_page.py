"""The plan page as each reader sees it: next step, confirmations, figures, phones."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from communities.lifecycle import SYSTEM
from projects import selectors, services
from projects.choices import PlanState
from projects.lifecycles import PLAN
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


def test_until_the_subsidy_is_paid_the_next_step_says_what_closing_waits_for(accepted):
    with translation.override("en"):
        assert selectors.next_step(accepted) == (
            "Task force approver: Close the plan (waiting: The plan closes once its subsidy is "
            "paid; 570,000.00 yuan is still unpaid)."
        )
        pay_subsidy(accepted)
        assert selectors.next_step(accepted) == "Task force approver: Close the plan."


@pytest.mark.parametrize("state", PlanState.values)
def test_every_state_has_a_next_step_in_both_languages(state, staff_hushan):
    plan = GapFillingPlanFactory(state=state, created_by=staff_hushan)
    lines = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lines[language] = selectors.next_step(plan)
    assert lines["zh-hans"] != lines["en"]
    with translation.override("en"):
        steps = PLAN.steps_from(state)
        if not steps:
            assert lines["en"].startswith("Nothing more to do")
        for step in steps:  # the steps forward, and only those, from the table
            assert (str(step.title) in lines["en"]) == (not step.aside and step.where != SYSTEM)


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
