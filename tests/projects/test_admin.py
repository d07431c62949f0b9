"""Joint review and approval in the admin: opinions, buttons, filters, read-only state."""

import datetime

import pytest
from django.urls import reverse

from projects import services
from projects.choices import PlanState
from projects.models import ReviewOpinion


@pytest.fixture
def in_review(plan, staff_hushan, approver):
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    plan.refresh_from_db()
    return plan


def transition_url(plan, action):
    return reverse("admin:projects_gapfillingplan_transition", args=[plan.pk, action])


def test_reviewers_record_opinions_then_approver_approves(client, in_review, reviewers, approver):
    for reviewer in reviewers:
        client.force_login(reviewer)
        response = client.post(
            transition_url(in_review, "opinion"), {"decision": "agree", "comments": ""}
        )
        assert response.status_code == 302
    assert ReviewOpinion.objects.filter(plan=in_review, review_round=1).count() == len(reviewers)

    client.force_login(approver)
    response = client.post(
        transition_url(in_review, "approve"),
        {"approval_number": "慈补短板批〔2024〕7号", "approval_date": "2024-05-01"},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == PlanState.APPROVED
    assert in_review.approval_number == "慈补短板批〔2024〕7号"
    assert in_review.approval_date == datetime.date(2024, 5, 1)


def test_approve_before_review_is_refused_in_the_admin(client, plan, approver):
    client.force_login(approver)
    response = client.post(
        transition_url(plan, "approve"),
        {"approval_number": "X", "approval_date": "2024-05-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_the_change_page_shows_only_allowed_buttons_and_no_state_field(client, in_review, approver):
    client.force_login(approver)
    page = client.get(reverse("admin:projects_gapfillingplan_change", args=[in_review.pk]))
    content = page.content.decode()
    assert 'data-action="return"' in content
    assert 'data-action="approve"' not in content
    assert 'name="state"' not in content


def test_waiting_for_my_department_filter(client, in_review, reviewers):
    reviewer = reviewers[0]
    client.force_login(reviewer)
    url = reverse("admin:projects_gapfillingplan_changelist") + "?waiting=yes"
    assert list(client.get(url).context["cl"].result_list) == [in_review]
    services.opinion_record(actor=reviewer, plan=in_review, decision="agree")
    assert list(client.get(url).context["cl"].result_list) == []


def test_admin_of_another_subdistricts_plan_is_hidden_from_its_staff(
    client, in_review, staff_gutang
):
    staff_gutang.is_staff = True
    staff_gutang.save()
    client.force_login(staff_gutang)
    response = client.get(transition_url(in_review, "opinion"))
    assert response.status_code == 404
