"""The subdistrict's plan pages: scope, forged fields, validation, attachments, query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from communities.choices import SpaceAvailability
from projects import services
from projects.choices import PlanState
from projects.models import GapFillingPlan, PlanAttachment, PlanLineItem, SpaceAllocation
from tests.factories import (
    CommunityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    SpaceResourceFactory,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def plan_post(community, *, total="1000000.00", fee="50000.00", items=None, spaces=(), **extra):
    """The POST of the plan form with its line-item formset."""
    items = items or [("elderly_care", "300", "600000.00"), ("childcare", "200", "400000.00")]
    data = {
        "community": community.pk,
        "year": 2024,
        "title": "金山社区补短板建设方案",
        "total_investment": total,
        "policy_fee": fee,
        "operating_mode": "self_run",
        "operator_name": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "spaces": [space.pk for space in spaces],
    }
    for index, (facility_type, area, investment) in enumerate(items):
        data[f"items-{index}-facility_type"] = facility_type
        data[f"items-{index}-floor_area"] = area
        data[f"items-{index}-investment"] = investment
    data.update(extra)
    return data


@pytest.fixture
def community(staff_hushan):
    return CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金山")


@pytest.fixture
def staff_client(client, staff_hushan):
    client.force_login(staff_hushan)
    client.cookies["django_language"] = "en"
    return client


def test_staff_drafts_a_plan_with_items_space_and_attachment(staff_client, community):
    space = SpaceResourceFactory(community=community)
    data = plan_post(community, spaces=[space])
    data["attachment"] = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")

    response = staff_client.post(reverse("projects:plan_create"), data)

    plan = GapFillingPlan.objects.get()
    assert response.status_code == 302
    assert plan.state == PlanState.DRAFT
    assert plan.line_items.count() == 2
    assert plan.space_allocations.get().space == space
    attachment = plan.attachments.get()
    assert attachment.original_name == "方案.pdf"
    download = staff_client.get(reverse("projects:attachment", args=[plan.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"total": "999999.00"},
            "total_investment",
            "does not equal the sum of the line items",
        ),
        (
            {"items": [("elderly_care", "300", "-5.00")], "total": "-5.00"},
            None,
            "greater than or equal to 0",
        ),
        ({"fee": "2000000.00"}, "policy_fee", "cannot exceed the total investment"),
    ],
)
def test_bad_money_is_refused_with_a_clear_message_and_nothing_saved(
    staff_client, community, change, field, message
):
    response = staff_client.post(reverse("projects:plan_create"), plan_post(community, **change))
    assert response.status_code == 200
    assert GapFillingPlan.objects.count() == 0
    assert PlanLineItem.objects.count() == 0
    errors = response.context["form"].errors
    formset_errors = str(response.context["formset"].errors)
    text = str(errors) + formset_errors
    assert message in text
    if field:
        assert field in errors


def test_a_disallowed_file_is_refused_and_nothing_saved(staff_client, community):
    data = plan_post(community)
    data["attachment"] = SimpleUploadedFile(
        "方案.pdf", b"MZ\x90\x00\x03\x00\x00\x00program", content_type="application/pdf"
    )
    response = staff_client.post(reverse("projects:plan_create"), data)
    assert response.status_code == 200
    assert "is not a real PDF file" in str(response.context["form"].errors["attachment"])
    assert GapFillingPlan.objects.count() == 0
    assert PlanAttachment.objects.count() == 0


def test_an_exe_extension_is_refused(staff_client, staff_hushan, community):
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    upload = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    staff_client.post(reverse("projects:plan_action", args=[plan.pk, "attach"]), {"file": upload})
    assert PlanAttachment.objects.count() == 0


def test_a_forged_state_field_changes_nothing(staff_client, staff_hushan, community):
    plan = GapFillingPlanFactory(
        community=community, created_by=staff_hushan, total_investment=Decimal("1000000.00")
    )
    data = plan_post(
        community,
        state="approved",
        approval_number="伪造",
        review_round="9",
        settled_investment="1",
        subdistrict="999",
    )
    response = staff_client.post(reverse("projects:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.approval_number == ""
    assert plan.review_round == 0
    assert plan.settled_investment is None


def test_another_subdistrict_gets_404_on_plan_attachments_and_actions(
    client, staff_gutang, staff_hushan, community
):
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    PlanLineItemFactory(plan=plan, investment=Decimal("1260000.00"))
    attachment = PlanAttachment.objects.create(
        plan=plan, file="plans/x.pdf", original_name="x.pdf", size=1, uploaded_by=staff_hushan
    )
    client.force_login(staff_gutang)
    urls = [
        reverse("projects:plan_detail", args=[plan.pk]),
        reverse("projects:plan_edit", args=[plan.pk]),
        reverse("projects:attachment", args=[plan.pk, attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    for action in ["submit", "withdraw", "start", "progress", "complete", "attach", "detach"]:
        response = client.post(reverse("projects:plan_action", args=[plan.pk, action]))
        assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_the_plan_page_shows_only_the_buttons_allowed_now(staff_client, staff_hushan, community):
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    PlanLineItemFactory(plan=plan, investment=Decimal("1260000.00"))
    page = staff_client.get(reverse("projects:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-action="submit"' in page
    assert 'data-action="start"' not in page

    staff_client.post(reverse("projects:plan_action", args=[plan.pk, "submit"]))
    page = staff_client.get(reverse("projects:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-action="submit"' not in page
    assert 'data-action="withdraw"' in page


def test_form_offers_only_the_chosen_communitys_available_spaces(
    staff_client, staff_hushan, community, gutang
):
    free = SpaceResourceFactory(community=community, name="空闲用房")
    SpaceResourceFactory(
        community=community, name="在用用房", availability=SpaceAvailability.IN_USE
    )
    SpaceResourceFactory(community=CommunityFactory(subdistrict=gutang), name="古塘用房")
    SpaceResourceFactory(
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict), name="邻社区用房"
    )
    taken = SpaceResourceFactory(community=community, name="已分配用房")
    legacy = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict),
        created_by=staff_hushan,
        title="旧方案",
    )
    SpaceAllocation.objects.create(plan=legacy, space=taken)

    response = staff_client.get(reverse("projects:plan_create"), {"community": community.pk})
    assert list(response.context["form"].fields["spaces"].queryset) == []  # nothing chosen yet
    piece = staff_client.get(reverse("projects:plan_space_choices"), {"community": community.pk})
    html = piece.content.decode()

    assert "空闲用房" in html and "已分配用房" in html
    assert "在用用房" not in html and "古塘用房" not in html and "邻社区用房" not in html
    assert "allocated to the plan “旧方案”" in html
    assert html.count("disabled") == 1
    assert f'value="{free.pk}"' in html


def test_a_space_already_allocated_is_refused(staff_client, staff_hushan, community):
    new_community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    taken = SpaceResourceFactory(community=new_community)
    other_plan = GapFillingPlanFactory(community=community, created_by=staff_hushan, title="甲")
    SpaceAllocation.objects.create(plan=other_plan, space=taken)

    refusal = pytest.raises(ValidationError, match="already allocated to the plan “甲”")
    with refusal, translation.override("en"):
        services.plan_create(
            actor=staff_hushan,
            community=new_community,
            fields={"year": 2024, "title": "x", "total_investment": Decimal("1")},
            line_items=[
                {"facility_type": "culture", "floor_area": Decimal("1"), "investment": Decimal("1")}
            ],
            spaces=[taken],
        )
    assert not GapFillingPlan.objects.filter(community=new_community).exists()


def test_a_space_of_another_community_is_refused(staff_hushan, community):
    elsewhere = SpaceResourceFactory(
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict, name="金南")
    )

    with pytest.raises(ValidationError, match="belongs to 金南"), translation.override("en"):
        services.plan_create(
            actor=staff_hushan,
            community=community,
            fields={"year": 2024, "title": "x", "total_investment": Decimal("1")},
            line_items=[
                {"facility_type": "culture", "floor_area": Decimal("1"), "investment": Decimal("1")}
            ],
            spaces=[elsewhere],
        )
    assert GapFillingPlan.objects.count() == 0
    assert SpaceAllocation.objects.count() == 0


def test_plan_list_query_count_is_pinned(
    staff_client, staff_hushan, community, django_assert_max_num_queries
):
    for _ in range(15):
        # One live plan per community: fifteen communities of the subdistrict.
        plan = GapFillingPlanFactory(
            community__subdistrict=staff_hushan.subdistrict, created_by=staff_hushan
        )
        PlanLineItemFactory(plan=plan)
    # 10: the supervision rules are read once, for the overdue badges; the page's ids are cut
    # first, then its rows read with their figures.
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("projects:plan_list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 15


def test_plan_list_shows_only_own_subdistrict(client, staff_gutang, staff_hushan, community):
    GapFillingPlanFactory(community=community, created_by=staff_hushan)
    client.force_login(staff_gutang)
    assert client.get(reverse("projects:plan_list")).context["paginator"].count == 0


def test_a_double_submit_of_the_new_plan_form_drafts_one_plan(staff_client, community):
    first = staff_client.post(reverse("projects:plan_create"), plan_post(community))
    second = staff_client.post(reverse("projects:plan_create"), plan_post(community))

    assert first.status_code == 302
    assert second.status_code == 200
    assert "already has a plan under way" in str(second.context["form"].errors["community"])
    assert GapFillingPlan.objects.count() == 1
    assert PlanLineItem.objects.count() == 2


def test_the_service_refuses_a_second_live_plan_for_a_community(staff_hushan, community):
    items = [{"facility_type": "culture", "floor_area": Decimal("1"), "investment": Decimal("1")}]
    fields = {"year": 2024, "title": "x", "total_investment": Decimal("1")}
    services.plan_create(actor=staff_hushan, community=community, fields=fields, line_items=items)

    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.plan_create(
            actor=staff_hushan, community=community, fields=fields, line_items=items
        )
    assert "already has the plan" in refused.value.message_dict["community"][0]
    assert GapFillingPlan.objects.count() == 1


def test_the_form_offers_only_communities_without_a_live_plan(staff_client, staff_hushan):
    planned = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="已有方案")
    GapFillingPlanFactory(community=planned, created_by=staff_hushan)
    withdrawn = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="方案已撤回")
    GapFillingPlanFactory(community=withdrawn, created_by=staff_hushan, state="withdrawn")
    free = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="尚无方案")

    offered = staff_client.get(reverse("projects:plan_create")).context["form"]
    assert set(offered.fields["community"].queryset) == {withdrawn, free}


def test_a_third_party_plan_names_its_operator(staff_client, community):
    response = staff_client.post(
        reverse("projects:plan_create"), plan_post(community, operating_mode="third_party")
    )
    assert response.status_code == 200
    assert "Name the third-party operator" in str(response.context["form"].errors["operator_name"])
    assert GapFillingPlan.objects.count() == 0


def upload_pdf(client, plan):
    upload = SimpleUploadedFile("图纸.pdf", PDF, content_type="application/pdf")
    client.post(reverse("projects:plan_action", args=[plan.pk, "attach"]), {"file": upload})
    return plan.attachments.get()


def test_staff_remove_an_attachment_from_a_draft_but_not_once_submitted(
    staff_client, staff_hushan, community, django_capture_on_commit_callbacks
):
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    PlanLineItemFactory(plan=plan, investment=Decimal("1260000.00"))
    attachment = upload_pdf(staff_client, plan)
    storage, name = attachment.file.storage, attachment.file.name
    detach = reverse("projects:plan_action", args=[plan.pk, "detach"])

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detach, {"attachment": attachment.pk})
    assert not plan.attachments.exists()
    assert not storage.exists(name)

    kept = upload_pdf(staff_client, plan)
    staff_client.post(reverse("projects:plan_action", args=[plan.pk, "submit"]))
    response = staff_client.post(detach, {"attachment": kept.pk}, follow=True)
    assert "keeps its attachments" in response.content.decode()
    assert plan.attachments.get() == kept


def test_a_withdrawal_keeps_its_reason(staff_client, staff_hushan, community):
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    SpaceAllocation.objects.create(plan=plan, space=SpaceResourceFactory(community=community))
    staff_client.post(
        reverse("projects:plan_action", args=[plan.pk, "withdraw"]), {"reason": "社区拆迁暂缓"}
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.WITHDRAWN
    assert plan.status_changes.last().comment == "社区拆迁暂缓"
    page = staff_client.get(reverse("projects:plan_detail", args=[plan.pk]))
    assert page.context["spaces"] == []  # its spaces are free again


def test_subdistrict_staff_get_no_subdistrict_filter(staff_client, client, approver):
    form = staff_client.get(reverse("projects:plan_list")).context["filter"].form
    assert "subdistrict" not in form.fields
    client.force_login(approver)
    assert "subdistrict" in client.get(reverse("projects:plan_list")).context["filter"].form.fields


def test_plan_api_list_query_count_is_pinned(
    client, approver, staff_hushan, django_assert_max_num_queries
):
    for _ in range(15):
        plan = GapFillingPlanFactory(
            community=CommunityFactory(subdistrict=staff_hushan.subdistrict),
            created_by=staff_hushan,
        )
        PlanLineItemFactory(plan=plan)
    client.force_login(approver)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plan-list"))
    assert response.json()["count"] == 15
    assert all(len(row["line_items"]) == 1 for row in response.json()["results"])
