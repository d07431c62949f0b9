"""A plan's journey for each of its roles, in Chinese and English, at 1366 px and on a 390 px
phone, failure paths included: the subdistrict's clerk (form, error, confirmation, double click,
revision), a department reviewer (opinion, refused action) and the task force (approval, notice).
"""

import datetime
from decimal import Decimal

import pytest

from communities.models import Department
from communities.roles import Role
from projects import services
from projects.choices import PlanState
from projects.models import GapFillingPlan, StatusChange
from tests.browser.helpers import assert_choices_visible, assert_one_language, log_in, open_menu
from tests.factories import (
    CommunityFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    SpaceResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
VIEWS = [("zh-hans", 1366), ("zh-hans", 390), ("en", 1366), ("en", 390)]
VIEW_IDS = [f"{language}-{width}" for language, width in VIEWS]
# Proper names and what users typed: they stay as they are in either language.
NAMES = (
    "浒山",
    "金山社区闲置用房",
    "金南活动室",
    "金山",
    "金南",
    "陈晓燕",
    "张明远",
    "徐建国",
    "金山社区公共服务设施补短板建设方案（修订）",
    "金山社区公共服务设施补短板建设方案",
    "建设方案.pdf",
    "请补充分项造价。",
    "托育用房须满足消防疏散要求。",
    "慈补短板批〔2024〕3号",
)

# Django's admin (5.2) leaves the hidden headings of its side menu's table untranslated ("Model
# name", "Add link", "Change or view list link", shown upper-cased to screen readers), and the
# admin's language switcher names each language in itself; the admin's site header
# (cixi_portal/urls.py) is still written in Chinese only. Allowed on admin pages only.
ADMIN_FRAMEWORK = (
    *("English", "简体中文", "慈溪市城镇社区公共服务设施补短板"),
    *("MODEL", "NAME", "ADD", "LINK", "CHANGE", "VIEW", "LIST"),
)


@pytest.fixture
def view(request, page, live_server):
    """Open the browser at the width and prepare the language of this run."""
    language, width = request.param
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    return language, width


def start(page, live_server, username, language):
    log_in(page, live_server, username)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def look(page, screenshot, name, view, allowed=()):
    """The checks every page of the journeys passes, then the screenshot (axe-core runs there)."""
    language, width = view
    assert_one_language(page, language, allowed=(*NAMES, *allowed))
    assert_choices_visible(page)
    screenshot(f"projects-{name}-{language}-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map((e) => e.tagName + '.' + e.className)"""
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow} px at {width} px: {wide}"


def answer_dialogs(page):
    """Confirmation dialogs are answered from ``answer["yes"]``; each question is recorded."""
    answer = {"yes": True, "asked": []}

    def reply(dialog):
        answer["asked"].append(dialog.message)
        dialog.accept() if answer["yes"] else dialog.dismiss()

    page.on("dialog", reply)
    return answer


@pytest.fixture
def clerk(hushan):
    return UserFactory(
        username="subdistrict_staff",
        first_name="陈晓燕",
        subdistrict=hushan,
        department=None,
        roles=[Role.SUBDISTRICT_STAFF],
        is_staff=False,
    )


@pytest.fixture
def approver(db):
    return UserFactory(
        username="taskforce_approver", first_name="张明远", roles=[Role.TASKFORCE_APPROVER]
    )


@pytest.fixture
def reviewers(db):
    names = {"finance": "徐建国"}
    return {
        department.code: UserFactory(
            username=f"department_reviewer_{department.code}",
            first_name=names.get(department.code, ""),
            department=department,
            roles=[Role.DEPARTMENT_REVIEWER],
        )
        for department in Department.objects.filter(is_joint_reviewer=True)
    }


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_subdistrict_staff_draft_fail_submit_and_revise(
    page, live_server, screenshot, tmp_path, view, hushan, clerk, approver
):
    language, width = view
    jinshan = CommunityFactory(subdistrict=hushan, name="金山", population=12345)
    SpaceResourceFactory(community=jinshan, name="金山社区闲置用房", area=Decimal("300"))
    jinnan = CommunityFactory(subdistrict=hushan, name="金南")
    SpaceResourceFactory(community=jinnan, name="金南活动室")
    attachment = tmp_path / "建设方案.pdf"
    attachment.write_bytes(PDF)
    answer = answer_dialogs(page)
    start(page, live_server, "subdistrict_staff", language)

    # The form: the spaces follow the community chosen.
    page.goto(f"{live_server.url}/plans/new/")
    page.select_option("#id_community", label="金南")
    page.get_by_label("金南活动室", exact=False).wait_for()
    page.select_option("#id_community", label="金山")
    space = page.get_by_label("金山社区闲置用房", exact=False)
    space.wait_for()
    assert page.get_by_label("金南活动室", exact=False).count() == 0
    page.fill("#id_year", "2024")
    page.fill("#id_policy_fee", "60000")
    page.select_option("#id_items-0-facility_type", "elderly_care")
    page.fill("#id_items-0-floor_area", "320")
    page.fill("#id_items-0-investment", "760000")
    page.select_option("#id_items-1-facility_type", "childcare")
    page.fill("#id_items-1-floor_area", "180")
    page.fill("#id_items-1-investment", "500000")
    page.click("#use-line-item-sum")
    space.check()
    page.set_input_files("#id_attachment", str(attachment))
    look(page, screenshot, "staff-form", view)

    # Saved without a title: every value and the file are still there.
    page.click("form[data-testid=plan-form] button[type=submit]")
    page.locator("#id_title.is-invalid").wait_for()
    assert page.locator("#id_community option:checked").inner_text() == "金山"
    assert page.input_value("#id_year") == "2024"
    assert page.input_value("#id_total_investment") == "1260000.00"
    assert page.input_value("#id_policy_fee") == "60000"
    assert page.input_value("#id_items-1-investment") == "500000"
    assert page.get_by_label("金山社区闲置用房", exact=False).is_checked()
    assert "建设方案.pdf" in page.inner_text("#id_attachment_help")
    assert page.locator("input[name=remove_pending]").is_visible()
    look(page, screenshot, "staff-form-error", view)
    assert not GapFillingPlan.objects.exists()

    page.fill("#id_title", "金山社区公共服务设施补短板建设方案")
    page.click("form[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=plan-state]")
    plan = GapFillingPlan.objects.get()
    assert page.locator("[data-testid=attachments]").inner_text().count("建设方案.pdf") == 1
    assert "12,345" in page.inner_text("[data-testid=plan-community]")
    look(page, screenshot, "staff-plan-draft", view)

    # Submitting asks first; "no" changes nothing, a double click on "yes" submits once.
    answer["yes"] = False
    page.click("button[data-action=submit]")
    assert answer["asked"], "no confirmation was asked"
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    answer["yes"] = True
    page.dblclick("button[data-action=submit]")
    page.wait_for_selector("[data-testid=withdraw-toggle]")
    assert StatusChange.objects.filter(plan=plan, to_state=PlanState.SUBMITTED).count() == 1
    look(page, screenshot, "staff-plan-submitted", view)

    # Returned with reasons, revised and submitted again.
    services.plan_return(actor=approver, plan=plan, reason="请补充分项造价。")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert "请补充分项造价。" in page.inner_text("[data-testid=return-reasons]")
    look(page, screenshot, "staff-plan-returned", view)
    page.click(f"a[href='/plans/{plan.pk}/edit/']")
    page.fill("#id_title", "金山社区公共服务设施补短板建设方案（修订）")
    page.click("form[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=plan-state]")
    page.click("button[data-action=submit]")
    page.wait_for_selector("[data-testid=withdraw-toggle]")
    plan.refresh_from_db()
    assert (plan.state, plan.title) == (
        PlanState.SUBMITTED,
        "金山社区公共服务设施补短板建设方案（修订）",
    )

    open_menu(page)
    page.click("nav a[href='/plans/']")
    page.wait_for_selector("[data-testid=plan-table]")
    look(page, screenshot, "staff-plan-list", view)


def plan_in_review(hushan, clerk, approver):
    community = CommunityFactory(subdistrict=hushan, name="金山", population=12345)
    plan = GapFillingPlanFactory(
        community=community, created_by=clerk, title="金山社区公共服务设施补短板建设方案"
    )
    PlanLineItemFactory(plan=plan, investment=Decimal("630000.00"))
    PlanLineItemFactory(plan=plan, facility_type="childcare", investment=Decimal("630000.00"))
    services.plan_submit(actor=clerk, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    return plan


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_department_reviewer_gives_an_opinion_and_sees_a_refusal(
    page, live_server, screenshot, view, hushan, clerk, approver, reviewers
):
    language, width = view
    plan = plan_in_review(hushan, clerk, approver)
    start(page, live_server, "department_reviewer_finance", language)
    opinion_page = f"{live_server.url}/admin/projects/gapfillingplan/{plan.pk}/transition/opinion/"

    # "Agree with conditions" without the conditions is refused, saying why.
    page.goto(opinion_page)
    page.check("input[name=decision][value=agree_with_conditions]")
    page.click("input[name=_confirm]")
    page.locator(".errorlist, .errornote").first.wait_for()
    refusal = page.locator(".errorlist, .errornote").first.inner_text()
    assert refusal.strip()
    look(page, screenshot, "reviewer-opinion-refused", view, allowed=ADMIN_FRAMEWORK)
    assert not plan.opinions.exists()

    page.check("input[name=decision][value=agree_with_conditions]")
    page.fill("textarea[name=comments]", "托育用房须满足消防疏散要求。")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    assert plan.opinions.get().reviewer.username == "department_reviewer_finance"

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    opinions = page.inner_text("[data-testid=opinions]")
    assert "徐建国" in opinions and "department_reviewer_finance" not in opinions
    history = page.inner_text("[data-testid=history]")
    assert ("第 1 轮会审" in history) == (language == "zh-hans")
    look(page, screenshot, "reviewer-plan-page", view)


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_task_force_approves_and_prints_the_approval_notice(
    page, live_server, screenshot, view, hushan, clerk, approver, reviewers
):
    language, width = view
    plan = plan_in_review(hushan, clerk, approver)
    for reviewer in reviewers.values():
        services.opinion_record(actor=reviewer, plan=plan, decision="agree")
    start(page, live_server, "taskforce_approver", language)

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    look(page, screenshot, "taskforce-plan-approvable", view)
    page.click("a[data-admin-action=approve]")

    # Without the document number the approval is refused and the form says why.
    page.fill("#id_approval_date", "2024-05-10")
    page.click("input[name=_confirm]")
    page.locator(".errorlist").first.wait_for()
    look(page, screenshot, "taskforce-approve-refused", view, allowed=ADMIN_FRAMEWORK)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVABLE

    page.fill("#id_approval_number", "慈补短板批〔2024〕3号")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist")
    plan.refresh_from_db()
    assert (plan.state, plan.approval_date) == (PlanState.APPROVED, datetime.date(2024, 5, 10))

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.click("[data-testid=print-approval]")
    page.wait_for_selector("[data-testid=document-number]")
    assert page.inner_text("[data-testid=document-number]") == "慈补短板批〔2024〕3号"
    assert "壹佰贰拾陆万元整" in page.inner_text("[data-testid=amounts]")
    capitals = ("壹佰贰拾陆万元整", "陆万元整", "陆拾万元整")
    look(page, screenshot, "taskforce-approval-notice", view, allowed=capitals)
    page.emulate_media(media="print")
    screenshot(f"projects-taskforce-approval-notice-print-{language}-{width}")
    if width > 500:
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        from tests.conftest import ARTIFACTS

        (ARTIFACTS / "screenshots" / f"projects-approval-notice-{language}.pdf").write_bytes(pdf)
