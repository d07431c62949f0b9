"""The nine scenarios of a future community in the browser, in Chinese and English, at 1366 px and
on a 390 px phone: the task force's form (every scenario labelled, what was typed kept after a
refusal), the subdistrict's report of what is built, and the list that shows them."""

import datetime

import pytest

from communities.choices import FutureStage, Route
from projects import services
from projects.models import FutureCommunityProject
from tests.browser.test_projects_roles import (  # noqa: F401 (fixtures)
    ADMIN_FRAMEWORK,
    VIEW_IDS,
    VIEWS,
    approver,
    clerk,
    look,
    start,
    view,
)
from tests.factories import CommunityFactory, FutureCommunityProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = {
    "zh-hans": ("邻里场景", "教育场景", "健康场景", "治理场景", "已建成"),
    "en": ("Neighbourhood", "Education", "Health", "Governance", "Built"),
}
ERROR = {
    "zh-hans": "该场景已报告建成，不能删除",
    "en": "already reported built and cannot be dropped",
}
TYPED = ("邻里中心改造（调整）", "新写的健康小屋", "邻里中心改造", "托育驿站", "慢行步道")
NAMES = ("浒山", "芦城", "陈晓燕", "张明远", *TYPED)


@pytest.fixture
def project(hushan, approver, clerk):  # noqa: F811 (the imported fixtures)
    project = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=hushan, name="芦城", route=Route.FUTURE)
    )
    services.project_scenarios_save(
        actor=approver,
        project=project,
        scenarios=[
            {"scenario": "neighbourhood", "planned_content": "邻里中心改造"},
            {"scenario": "education", "planned_content": "托育驿站"},
            {"scenario": "transport", "planned_content": "慢行步道"},
        ],
    )
    FutureCommunityProject.objects.filter(pk=project.pk).update(
        stage=FutureStage.APPROVED, approval_date=datetime.date(2025, 3, 1)
    )
    return project


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_scenarios_are_reported_planned_and_refused_with_what_was_typed_kept(
    page,
    live_server,
    screenshot,
    view,  # noqa: F811
    project,
):
    language, width = view
    url = f"{live_server.url}/plans/future/{project.pk}/"
    neighbourhood, education, health, governance, built = LABELS[language]

    # The subdistrict ticks what is built: each scenario is a labelled box.
    start(page, live_server, "subdistrict_staff", language)
    page.goto(url)
    form = page.get_by_test_id("scenarios-built-form")
    assert page.get_by_test_id("scenario-form").count() == 0
    form.get_by_label(education, exact=True).check()
    look(page, screenshot, "scenarios-staff", view, allowed=NAMES)
    form.locator("button").click()
    page.locator("[data-scenario=education] [data-testid=scenario-state]").wait_for()
    assert page.inner_text("[data-scenario=education] [data-testid=scenario-state]") == built
    assert form.get_by_label(education, exact=True).is_checked()

    # The task force sees one labelled box per scenario, with what is planned in it.
    page.context.clear_cookies()
    start(page, live_server, "taskforce_approver", language)
    page.goto(url)
    plan_form = page.get_by_test_id("scenario-form")
    assert plan_form.locator("textarea").count() == 9
    for label in (neighbourhood, education, health, governance):
        assert plan_form.get_by_label(label, exact=True).is_visible()
    assert plan_form.get_by_label(education, exact=True).input_value() == "托育驿站"
    look(page, screenshot, "scenarios-taskforce", view, allowed=NAMES)

    # Dropping the built scenario is refused; what was typed stays in the boxes.
    plan_form.get_by_label(neighbourhood, exact=True).fill("邻里中心改造（调整）")
    plan_form.get_by_label(health, exact=True).fill("新写的健康小屋")
    plan_form.get_by_label(education, exact=True).fill("")
    plan_form.locator("button").click()
    page.locator("#id_education.is-invalid").wait_for()
    plan_form = page.get_by_test_id("scenario-form")
    assert ERROR[language] in plan_form.inner_text()
    assert plan_form.get_by_label(neighbourhood, exact=True).input_value() == "邻里中心改造（调整）"
    assert plan_form.get_by_label(health, exact=True).input_value() == "新写的健康小屋"
    assert not project.scenarios.filter(scenario="health").exists()
    look(page, screenshot, "scenarios-taskforce-error", view, allowed=NAMES)

    # Corrected, it saves; the list shows the scenarios by state.
    plan_form.get_by_label(education, exact=True).fill("托育驿站")
    plan_form.locator("button").click()
    page.locator("[data-scenario=health]").wait_for()
    assert project.scenarios.get(scenario="health").planned_content == "新写的健康小屋"
    page.goto(f"{live_server.url}/plans/future/")
    cell = page.get_by_test_id("project-scenarios").first
    assert built in cell.inner_text() and education in cell.inner_text()
    look(page, screenshot, "scenarios-list", view, allowed=NAMES)


FUNDING_ERROR = {"zh-hans": "应采用“原有模式（省级前七批）”", "en": "is funded by “Original model"}


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_the_admin_shows_a_funding_mode_against_the_batch_on_its_field_and_the_scenarios(
    page,
    live_server,
    screenshot,
    view,  # noqa: F811
    project,
):
    language, width = view
    start(page, live_server, "taskforce_approver", language)
    page.goto(f"{live_server.url}/admin/projects/futurecommunityproject/{project.pk}/change/")
    inline = page.locator("#scenarios-group")
    assert inline.get_by_text("托育驿站").count() == 1
    look(page, screenshot, "admin-project-scenarios", view, allowed=(*ADMIN_FRAMEWORK, *NAMES))

    # A provincial batch with the city plan's banded model: refused on the funding mode.
    page.fill("#id_plan_year", "")
    page.fill("#id_provincial_batch", "3")
    page.click("input[name=_save]")
    error = page.locator(".field-funding_mode .errorlist")
    error.wait_for()
    assert FUNDING_ERROR[language] in error.inner_text()
    assert page.input_value("#id_provincial_batch") == "3"
    look(
        page, screenshot, "admin-project-funding-refused", view, allowed=(*ADMIN_FRAMEWORK, *NAMES)
    )
    project.refresh_from_db()
    assert (project.provincial_batch, project.plan_year) == (None, 2024)
