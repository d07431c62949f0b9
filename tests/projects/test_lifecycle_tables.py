"""The transition tables of plans and future-community projects drive every button.

The services check the tables; the plan page, the admin, the API and the future project's
advance button read them. These tests walk the tables, so a step added to one is checked too.
"""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from communities.lifecycle import ADMIN, PAGE
from projects import selectors, services
from projects.choices import FUTURE_STAGE_ORDER, FutureStage, PlanState
from projects.lifecycles import FUTURE, PLAN
from tests.factories import FutureCommunityProjectFactory, UserFactory

DAY = datetime.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("lifecycle", "name"),
    [(lifecycle, step.name) for lifecycle in (PLAN, FUTURE) for step in lifecycle],
)
def test_every_step_names_a_service_that_takes_its_forms_fields(lifecycle, name):
    parameters = inspect.signature(lifecycle.service(name)).parameters
    assert {"actor", lifecycle.subject} <= set(parameters)
    form_class = lifecycle.form_class(name)
    if form_class is None or name == "edit":  # the plan form has a page of its own
        return
    fields = set(form_class.base_fields)
    if name == "detach":
        fields = {"attachment_id"}  # the form hands the service the attachment's key
    assert fields <= set(parameters), (name, fields - set(parameters))


def test_the_future_stages_follow_each_other_in_their_order():
    project = FutureCommunityProjectFactory.build(stage=FutureStage.PLANNING)
    reached = [project.stage]
    while selectors.next_stage(project):
        project.stage = selectors.next_stage(project)
        reached.append(project.stage)
    assert reached == FUTURE_STAGE_ORDER
    # The task force records a stage on the project page or in the admin; the digital review
    # is the assessor's, on the page only.
    assert all(step.shown_on(PAGE) and step.shown_on(ADMIN) for step in FUTURE if step.target)
    assert not FUTURE["digital_review"].shown_on(ADMIN)


def test_a_stage_cannot_be_skipped_and_the_refusal_names_the_stage(approver):
    project = FutureCommunityProjectFactory()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.project_advance(
            actor=approver, project=project, to_stage=FutureStage.APPROVED, on_date=DAY
        )
    assert refused.value.messages == [
        "A project at stage “Planning” cannot be approved; its implementation plan must be "
        "reviewed first."
    ]
    with pytest.raises(ValidationError) as refused:
        services.project_advance(
            actor=approver, project=project, to_stage=FutureStage.PLANNING, on_date=DAY
        )
    assert "to_stage" in refused.value.message_dict


def test_a_returned_plan_may_be_withdrawn(plan, staff_hushan, approver):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_return(actor=approver, plan=plan, reason="补充材料")
    assert "withdraw" in {step.name for step in PLAN.available(staff_hushan, plan, where=PAGE)}
    assert services.plan_withdraw(actor=staff_hushan, plan=plan).state == PlanState.WITHDRAWN


def test_a_department_outside_the_joint_review_gives_no_opinion(plan, staff_hushan, approver):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    outsider = UserFactory(roles=["department_reviewer"], department__is_joint_reviewer=False)
    assert not PLAN.decide(outsider, "opinion", plan)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.opinion_record(actor=outsider, plan=plan, decision="agree")
    assert refused.value.messages == ["Your department does not take part in the joint review."]


@pytest.fixture
def staff_client(client, staff_hushan):
    client.force_login(staff_hushan)
    client.cookies["django_language"] = "en"
    return client


def step_url(plan, name):
    return reverse("projects:plan_action", args=[plan.pk, name])


def test_a_refused_step_shows_the_plan_page_again_with_the_reason_and_the_form_as_filled_in(
    staff_client, approved, staff_hushan
):
    services.plan_start(actor=staff_hushan, plan=approved)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = staff_client.post(
        step_url(approved, "progress"),
        {"percent": "40", "on_date": future, "note": "主体封顶"},
    )
    assert response.status_code == 200
    assert response.context["plan"] == approved
    assert any("is in the future" in str(m) for m in response.context["messages"])
    form = response.context["progress_form"]
    assert form.is_bound and form["note"].value() == "主体封顶" and form["percent"].value() == "40"
    assert "主体封顶" in response.content.decode()
    approved.refresh_from_db()
    assert approved.progress_percent == 0


def test_only_page_steps_are_buttons_of_the_plan_page(staff_client, plan, approver, client):
    assert staff_client.post(step_url(plan, "approve")).status_code == 404
    assert staff_client.post(step_url(plan, "no-such-step")).status_code == 404
    assert staff_client.get(step_url(plan, "submit")).status_code == 405
    response = staff_client.post(step_url(plan, "submit"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_the_page_shows_the_buttons_the_table_allows(staff_client, plan):
    page = staff_client.get(reverse("projects:plan_detail", args=[plan.pk]))
    assert page.context["actions"] == {"edit", "attach", "detach", "submit", "withdraw"}
    assert page.context["admin_actions"] == []


def test_the_api_lists_the_steps_each_user_may_take(client, plan, staff_hushan, approver):
    url = reverse("plan-detail", args=[plan.pk])
    client.force_login(staff_hushan)
    assert client.get(url).json()["actions"] == ["edit", "attach", "detach", "submit", "withdraw"]
    client.force_login(approver)
    assert client.get(url).json()["actions"] == []
    services.plan_submit(actor=staff_hushan, plan=plan)
    assert client.get(url).json()["actions"] == ["open_review", "return"]


def test_the_future_projects_advance_button_follows_its_table(client, approver):
    approver.is_staff = True
    approver.save()
    project = FutureCommunityProjectFactory(stage=FutureStage.ASSESSMENT_PASSED)
    client.force_login(approver)
    detail = reverse("projects:future_detail", args=[project.pk])
    forms = client.get(detail).context["step_forms"]
    assert [item["step"].name for item in forms] == [FutureStage.NAMED]
    assert client.get(reverse("future-project-detail", args=[project.pk])).json()["actions"] == [
        FutureStage.NAMED
    ]
    advance = reverse("admin:projects_futurecommunityproject_advance", args=[project.pk])
    response = client.post(advance, {"to_stage": FutureStage.NAMED, "on_date": "2024-06-01"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.named_date) == (FutureStage.NAMED, DAY)
    assert client.get(detail).context["step_forms"] == []
    assert client.get(advance).status_code == 404
