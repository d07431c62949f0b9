"""Joint review and approval in the admin: opinions, buttons, filters, read-only state."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from projects import services
from projects.choices import PlanState
from projects.models import ReviewOpinion, SpaceAllocation
from tests.factories import GapFillingPlanFactory, SpaceResourceFactory


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
    assert "1,260,000.00" in content  # money reads as money, in the plan and its line items
    assert "630,000.00" in content


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


def test_field_history_of_plans_and_line_items_is_in_the_admin(
    client, plan, staff_hushan, approver
):
    item = plan.line_items.first()
    services.plan_update(
        actor=staff_hushan,
        plan=plan,
        fields={"total_investment": Decimal("1300000.00")},
        line_items=[
            {
                "pk": item.pk,
                "facility_type": item.facility_type,
                "floor_area": item.floor_area,
                "investment": Decimal("670000.00"),
            },
            *[
                {
                    "pk": other.pk,
                    "facility_type": other.facility_type,
                    "floor_area": other.floor_area,
                    "investment": other.investment,
                }
                for other in plan.line_items.exclude(pk=item.pk)
            ],
        ],
    )
    assert item.history.first().history_user == staff_hushan
    assert item.history.first().investment == Decimal("670000.00")
    client.force_login(approver)
    for url in [
        reverse("admin:projects_gapfillingplan_history", args=[plan.pk]),
        reverse("admin:projects_planlineitem_history", args=[item.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "staff_hushan" in response.content.decode()


def test_a_space_has_at_most_one_active_plan_in_the_database(plan, staff_hushan):
    space = SpaceResourceFactory(community=plan.community)
    SpaceAllocation.objects.create(plan=plan, space=space)
    # A community has one live plan, so the other plan is a neighbour's.
    other = GapFillingPlanFactory(community__subdistrict=plan.subdistrict, created_by=staff_hushan)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceAllocation.objects.create(plan=other, space=space)
    SpaceAllocation.objects.filter(plan=plan).update(is_active=False)
    SpaceAllocation.objects.create(plan=other, space=space)


def test_the_plan_page_links_the_reviewer_and_the_approver_to_their_next_step(
    client, approvable, reviewers, approver
):
    page_url = reverse("projects:plan_detail", args=[approvable.pk])
    client.force_login(approver)
    page = client.get(page_url).content.decode()
    assert f'href="{transition_url(approvable, "approve")}"' in page
    assert f'href="{transition_url(approvable, "return")}"' in page
    assert 'data-admin-action="opinion"' not in page

    client.force_login(reviewers[0])
    page = client.get(page_url).content.decode()
    assert f'href="{transition_url(approvable, "opinion")}"' in page
    assert 'data-admin-action="approve"' not in page


def test_a_reviewer_revising_an_opinion_starts_from_the_one_on_record(client, in_review, reviewers):
    reviewer = reviewers[0]
    services.opinion_record(
        actor=reviewer, plan=in_review, decision="agree_with_conditions", comments="补充消防验收"
    )
    client.force_login(reviewer)
    form = client.get(transition_url(in_review, "opinion")).context["form"]
    assert form.initial == {"decision": "agree_with_conditions", "comments": "补充消防验收"}


def test_plan_page_query_count_does_not_grow_with_opinions_and_history(
    client, approvable, approver, django_assert_max_num_queries
):
    client.force_login(approver)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("projects:plan_detail", args=[approvable.pk]))
    assert response.status_code == 200
    assert len(response.context["plan"].opinions.all()) == 6


def test_the_bulk_action_opens_the_review_of_submitted_plans_and_skips_the_rest(
    client, plan, staff_hushan, approver
):
    services.plan_submit(actor=staff_hushan, plan=plan)
    draft = GapFillingPlanFactory(created_by=staff_hushan, community__subdistrict=plan.subdistrict)
    client.force_login(approver)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("admin:projects_gapfillingplan_changelist"),
        {"action": "open_review", "_selected_action": [plan.pk, draft.pk]},
        follow=True,
    )
    plan.refresh_from_db()
    draft.refresh_from_db()
    assert (plan.state, draft.state) == (PlanState.IN_JOINT_REVIEW, PlanState.DRAFT)
    text = response.content.decode()
    assert "Opened the joint review of 1 plan(s)." in text
    assert "cannot go to joint review" in text
