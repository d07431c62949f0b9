"""The whole life of a gap-filling plan, in the browser, from draft to acceptance."""

from decimal import Decimal

import pytest

from communities.models import Department
from communities.roles import Role
from projects.choices import PlanState
from projects.models import GapFillingPlan
from tests.browser.helpers import log_in
from tests.factories import CommunityFactory, SpaceResourceFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)


def admin_transition(page, live_server, plan, action):
    page.goto(f"{live_server.url}/admin/projects/gapfillingplan/{plan.pk}/change/")
    page.click(f"a[data-action='{action}']")


@pytest.mark.django_db(transaction=True)
def test_plan_from_draft_to_acceptance(page, live_server, screenshot, tmp_path, hushan):
    community = CommunityFactory(subdistrict=hushan, name="金山", code="hushan-12")
    SpaceResourceFactory(community=community, name="金山社区闲置用房")
    UserFactory(
        username="subdistrict_staff",
        subdistrict=hushan,
        department=None,
        roles=[Role.SUBDISTRICT_STAFF],
        is_staff=False,
    )
    UserFactory(username="taskforce_approver", roles=[Role.TASKFORCE_APPROVER])
    reviewers = [
        UserFactory(
            username=f"department_reviewer_{department.code}",
            department=department,
            roles=[Role.DEPARTMENT_REVIEWER],
        ).username
        for department in Department.objects.filter(is_joint_reviewer=True)
    ]
    attachment = tmp_path / "建设方案.pdf"
    attachment.write_bytes(PDF)

    # Submitting, starting and completing ask for confirmation: the clerk says yes.
    page.on("dialog", lambda dialog: dialog.accept())

    # The subdistrict drafts the plan with two line items, a space and an attachment.
    log_in(page, live_server, "subdistrict_staff")
    page.goto(f"{live_server.url}/plans/new/")
    page.select_option("#id_community", label="金山")
    page.get_by_label("金山社区闲置用房", exact=False).wait_for()
    page.fill("#id_year", "2024")
    page.fill("#id_title", "金山社区公共服务设施补短板建设方案")
    page.fill("#id_policy_fee", "60000")
    page.select_option("#id_items-0-facility_type", "elderly_care")
    page.fill("#id_items-0-floor_area", "320")
    page.fill("#id_items-0-investment", "760000")
    page.select_option("#id_items-1-facility_type", "childcare")
    page.fill("#id_items-1-floor_area", "180")
    page.fill("#id_items-1-investment", "500000")
    page.click("[data-testid=add-line-item]")  # a spare row stays blank and is ignored
    assert page.locator("[data-testid=line-items] tr[data-line-item]").count() == 4
    assert page.inner_text("[data-testid=line-item-sum]") == "1,260,000.00"
    page.click("#use-line-item-sum")
    assert page.input_value("#id_total_investment") == "1260000.00"
    page.get_by_label("金山社区闲置用房", exact=False).check()
    page.set_input_files("#id_attachment", str(attachment))
    screenshot("projects-plan-form")
    page.click("form[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=plan-state]")
    plan = GapFillingPlan.objects.get()
    assert page.locator("[data-testid=attachments]").inner_text().count("建设方案.pdf") == 1
    page.click("button[data-action=submit]")
    page.wait_for_selector("[data-testid=withdraw-toggle]")

    # The task force opens the joint review; each department gives its opinion in the admin.
    switch_user(page, live_server, "taskforce_approver")
    admin_transition(page, live_server, plan, "open_review")
    page.click("input[name=_confirm]")
    for index, username in enumerate(reviewers):
        switch_user(page, live_server, username)
        admin_transition(page, live_server, plan, "opinion")
        if index == 1:
            page.check("input[name=decision][value=agree_with_conditions]")
            page.fill("textarea[name=comments]", "托育用房须满足消防疏散要求。")
        else:
            page.check("input[name=decision][value=agree]")
        page.click("input[name=_confirm]")
        page.wait_for_selector(".messagelist")
        if index == 2:
            switch_user(page, live_server, "subdistrict_staff")
            page.goto(f"{live_server.url}/plans/{plan.pk}/")
            screenshot("projects-plan-page-in-review")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVABLE

    # The task force approves with the document number.
    switch_user(page, live_server, "taskforce_approver")
    page.goto(f"{live_server.url}/admin/projects/gapfillingplan/{plan.pk}/change/")
    screenshot("projects-admin-opinions")
    page.click("a[data-action=approve]")
    page.fill("#id_approval_number", "慈补短板批〔2024〕3号")
    page.fill("#id_approval_date", "2024-05-10")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist")

    # The subdistrict starts, reports progress and completion.
    switch_user(page, live_server, "subdistrict_staff")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert "慈补短板批〔2024〕3号" in page.inner_text("[data-testid=approval-number]")
    screenshot("projects-plan-approved")
    page.click("button[data-action=start]")
    # A date in the future is refused; the page keeps what was typed, the error under the date.
    page.fill("#id_percent", "60")
    page.fill("#id_on_date", "2099-08-01")
    page.fill("#id_note", "主体封顶")
    page.click("button[data-action=progress]")
    page.wait_for_selector("#id_on_date.is-invalid")
    assert page.input_value("#id_percent") == "60"
    assert page.input_value("#id_note") == "主体封顶"
    assert page.get_by_label("备注").is_visible()
    page.fill("#id_on_date", "2024-08-01")
    page.click("button[data-action=progress]")
    page.wait_for_selector("text=60%")
    page.fill("#id_complete_on_date", "2024-11-20")
    page.click("button[data-action=complete]")
    page.wait_for_selector("[data-testid=plan-state]")

    # The task force records the acceptance with the settled investment.
    switch_user(page, live_server, "taskforce_approver")
    admin_transition(page, live_server, plan, "accept")
    page.fill("#id_acceptance_date", "2024-12-15")
    page.fill("#id_settled_investment", "1230000")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    screenshot("projects-plan-accepted")

    plan.refresh_from_db()
    assert plan.state == PlanState.ACCEPTED
    assert plan.settled_investment == Decimal("1230000")
    assert plan.progress_percent == 100
    assert plan.attachments.count() == 1
    assert plan.opinions.count() == len(reviewers)
