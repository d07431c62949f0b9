"""The supervision report page judges the departments too: its departments' section and the
department on each list read in the reader's language, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from communities.models import Community, Subdistrict
from communities.roles import Role
from operations import services
from operations.models import SupervisionReport
from projects.models import GapFillingPlan
from tests.browser.helpers import log_in
from tests.browser.test_operations_journeys import LANGUAGES, WIDTHS, check_page, in_language
from tests.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.operations.reportdata import build_city, build_reviews

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "zh-hans": (
        "各部门会审意见",
        "市民政局",
        "会审意见超期",
        "市发改局",
        "会审意见及时",
        "尚未办理",
    ),
    "en": (
        "Departments' review opinions",
        "Civil Affairs Bureau",
        "Late review opinions",
        "Development and Reform Bureau",
        "Opinions in time",
        "not given",
    ),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_page_names_the_late_and_the_timely_departments(
    page, live_server, screenshot, language, width
):
    build_reviews(build_city(UserFactory(username="assessor", roles=[Role.OPERATIONS_ASSESSOR])))
    supervisor = UserFactory(username="supervisor", first_name="林芳", roles=[Role.SUPERVISOR])
    report = SupervisionReport.objects.create(period="2025-06", requested_by=supervisor)
    services.supervision_report_build(report_id=report.pk)
    names = (
        "林芳",
        *Subdistrict.objects.values_list("name", flat=True),
        *Community.objects.values_list("name", flat=True),
        *GapFillingPlan.objects.values_list("title", flat=True),
        "古塘养老运营合同",
    )
    title, late, late_reason, timely, timely_reason, not_given = TEXT[language]

    in_language(page, live_server, language, width)
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}{report.get_absolute_url()}")

    departments = page.get_by_test_id("section-department_opinions")
    expect(page.locator("#section-department_opinions .card-header")).to_have_text(title)
    expect(departments).to_contain_text(late)
    expect(departments).to_contain_text("观海卫养老补短板")
    supervise = page.get_by_test_id("section-supervise")
    expect(supervise.locator("tr", has_text=late)).to_contain_text(late_reason)
    expect(supervise.locator("tr", has_text=late)).to_contain_text(not_given)
    expect(page.get_by_test_id("section-praise").locator("tr", has_text=timely)).to_contain_text(
        timely_reason
    )
    check_page(page, language, allowed=names)
    # On a phone too, the figures' headings stay on one line and the late plans get a readable
    # width (the table scrolls in its box), instead of one character per line.
    heights = departments.locator("th").evaluate_all(
        "cells => cells.map((cell) => cell.getBoundingClientRect().height)"
    )
    assert max(heights) <= heights[0] + 1, heights
    detail = departments.locator("tbody tr", has_text=late).locator("td").last
    assert detail.evaluate("cell => cell.getBoundingClientRect().width") >= 180
    page.locator("#section-department_opinions").scroll_into_view_if_needed()
    screenshot(f"ops-report-departments-{language}-{width}")
    for key in ("department_opinions", "praise", "supervise"):
        page.locator(f"#section-{key}").screenshot(
            path=str(ARTIFACTS / "screenshots" / f"ops-report-{key}-{language}-{width}.png")
        )
