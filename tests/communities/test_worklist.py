"""The to-do list reads which states wait for which step from the life-cycle tables."""

import pytest
from django.utils import translation

from communities.roles import Role
from communities.worklist import StepItem, actionable_items, step_items, worklist_for
from projects.choices import PlanState
from projects.lifecycles import PLAN
from projects.models import GapFillingPlan
from projects.selectors import worklist_for as projects_worklist
from tests.factories import CommunityFactory, GapFillingPlanFactory

pytestmark = pytest.mark.django_db


def plan_in(subdistrict, state=PlanState.DRAFT):
    plan = GapFillingPlanFactory(community=CommunityFactory(subdistrict=subdistrict))
    GapFillingPlan.objects.filter(pk=plan.pk).update(state=state)
    return plan


@pytest.fixture
def plans(hushan, gutang):
    plan_in(hushan)
    plan_in(hushan)
    plan_in(hushan, PlanState.RETURNED)
    plan_in(hushan, PlanState.SUBMITTED)
    plan_in(gutang)
    plan_in(gutang, PlanState.SUBMITTED)


def counts(items):
    return {item.label: item.count for item in items}


def test_a_line_counts_the_users_rows_in_the_states_its_step_is_taken_from(
    plans, staff_hushan, staff_gutang
):
    assert set(PLAN.sources("submit")) == {PlanState.DRAFT, PlanState.RETURNED}
    lines = [
        StepItem("submit", "to submit", "/plans/"),
        StepItem("submit", "drafts", "/plans/?state=draft", state=PlanState.DRAFT),
        StepItem("start", "to start", "/plans/?state=approved"),
    ]
    assert counts(step_items(staff_hushan, PLAN, lines)) == {"to submit": 3, "drafts": 2}
    assert counts(step_items(staff_gutang, PLAN, lines)) == {"to submit": 1, "drafts": 1}


def test_a_line_counts_nothing_for_a_role_that_may_not_take_the_step(plans, user_with_role):
    approver = user_with_role(Role.TASKFORCE_APPROVER)
    lines = [
        StepItem("submit", "to submit", "/plans/"),
        StepItem("open_review", "to open", "/admin/"),
    ]
    # City-wide: both subdistricts' submitted plans, and none of the staff's step.
    assert counts(step_items(approver, PLAN, lines)) == {"to open": 2}
    assert step_items(user_with_role(Role.SUPERVISOR), PLAN, lines) == []


def test_a_line_about_a_state_its_step_is_not_taken_from_is_refused(staff_hushan):
    with pytest.raises(ValueError, match="submit"):
        step_items(staff_hushan, PLAN, [StepItem("submit", "x", "/", state=PlanState.CLOSED)])


def test_a_life_cycle_without_lines_of_its_own_gets_one_from_its_table(plans, staff_hushan):
    with translation.override("en"):
        [item] = actionable_items(staff_hushan, [PLAN])
    assert item.count == PLAN.actionable(staff_hushan).count() == 4
    assert "waiting for your next step" in item.label
    assert item.url == "/admin/projects/gapfillingplan/"


def test_an_app_that_gives_its_own_lines_gets_no_generic_one(plans, staff_hushan):
    with translation.override("en"):
        generic = actionable_items(staff_hushan, [PLAN])
        own = projects_worklist(staff_hushan)
        assert worklist_for(staff_hushan, [projects_worklist]) == own
        assert worklist_for(staff_hushan) == generic
