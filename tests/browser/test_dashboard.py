"""The supervisor and a subdistrict's staff read the programme dashboard: every chart is drawn
with data, a bar of a chart opens the list behind it, in both languages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communities.models import Community, Subdistrict
from communities.roles import Role
from projects.models import DevelopmentBlock, GapFillingPlan
from tests.browser.helpers import assert_choices_visible, assert_one_language, log_in, open_menu
from tests.conftest import ARTIFACTS
from tests.dashboard.city import STARTED, build_city
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(canvas => ({
    key: canvas.dataset.testid,
    drawn: Boolean(canvas.chart),
    values: canvas.chart
        ? canvas.chart.data.datasets.reduce((n, set) => n + set.data.length, 0) : 0,
    nonZero: canvas.chart
        ? canvas.chart.data.datasets.some(set => set.data.some(v => v > 0)) : false,
}))"""

# Where a bar of a chart is drawn, relative to its canvas: dataset 1 (started), bar 1 (2024).
BAR_POSITION = """(canvas) => {
    const bar = canvas.chart.getDatasetMeta(1).data[1];
    return {x: bar.x, y: (bar.y + bar.base) / 2};
}"""


def proper_names():
    """Names users entered or the city gave, shown as they are in either language."""
    return [
        *Subdistrict.objects.values_list("name", flat=True),
        *Community.objects.values_list("name", flat=True),
        *DevelopmentBlock.objects.values_list("name", flat=True),
        "群丰",
        # The stage label names the approval by its Chinese term in English too.
        "立项",
        "supervisor",
        "staff",
    ]


def assert_every_chart_drawn(page, *, expect_ranking: bool):
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]')).every(c => c.chart)"
    )
    charts = page.evaluate(CHARTS_DRAWN)
    keys = {chart["key"] for chart in charts}
    assert ("chart-ranking" in keys) is expect_ranking
    for chart in charts:
        assert chart["drawn"] and chart["values"] > 0 and chart["nonZero"], chart


@pytest.fixture
def city():
    city = build_city()
    DevelopmentBlock.objects.create(
        name="西潮塘区块",
        subdistrict=city.subdistricts[0],
        area_mu=Decimal("620"),
        planned_population=14000,
        is_pilot=True,
    )
    return city


def test_supervisor_reads_the_dashboard_and_opens_the_list_behind_a_bar(
    page, live_server, screenshot, city
):
    UserFactory(username="supervisor", roles=[Role.SUPERVISOR])
    log_in(page, live_server, "supervisor")
    open_menu(page)
    page.get_by_role("button", name="运营与督导").click()
    page.get_by_role("link", name="项目总览", exact=True).click()
    expect(page.get_by_role("heading", name="项目总览")).to_be_visible()
    assert_every_chart_drawn(page, expect_ranking=True)
    assert_one_language(page, "zh-hans", allowed=proper_names())
    assert_choices_visible(page)
    screenshot("dashboard-supervisor-zh")
    # Each figure close up, for people to look at.
    for key in ("starts", "money", "coverage", "trend"):
        target = ARTIFACTS / "screenshots" / f"dashboard-figure-{key}.png"
        page.get_by_test_id(f"figure-{key}").screenshot(path=str(target))

    # A bar of 2024 starts opens the plan list filtered so.
    canvas = page.get_by_test_id("chart-starts")
    canvas.scroll_into_view_if_needed()
    position = canvas.evaluate(BAR_POSITION)
    canvas.click(position=position)
    page.wait_for_url("**/plans/?*")
    assert "year=2024" in page.url and "progress=started" in page.url
    expected = GapFillingPlan.objects.filter(year=2024, state__in=STARTED).count()
    expect(page.get_by_test_id("plan-table").locator("tbody tr")).to_have_count(expected)
    assert_choices_visible(page)
    screenshot("dashboard-plan-list-from-chart")
    page.go_back()

    # The table's number is the same link.
    table = page.get_by_test_id("table-future")
    table.get_by_role("link").first.click()
    page.wait_for_url("**/plans/future/?*")
    assert "batch_kind=" in page.url and "stage=" in page.url

    page.goto(f"{live_server.url}/dashboard/coverage/")
    expect(page.get_by_test_id("coverage-matrix")).to_be_visible()
    assert_one_language(page, "zh-hans", allowed=proper_names())
    assert_choices_visible(page)
    screenshot("dashboard-coverage-zh")

    page.goto(f"{live_server.url}/dashboard/")
    page.select_option("select[name=language]", "en")
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    assert_every_chart_drawn(page, expect_ranking=True)
    assert_one_language(page, "en", allowed=proper_names())
    screenshot("dashboard-supervisor-en")

    page.goto(f"{live_server.url}/dashboard/summary/")
    assert_one_language(page, "en", allowed=proper_names())
    screenshot("dashboard-summary-en")
    # For the monthly meeting it prints on one A4 page.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1090, "height": 760})
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "dashboard-summary-print.png"))
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="screen")


def test_subdistrict_staff_read_their_own_dashboard(page, live_server, screenshot, city):
    hushan = city.subdistricts[0]
    UserFactory(
        username="staff", subdistrict=hushan, department=None, roles=[Role.SUBDISTRICT_STAFF]
    )
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/dashboard/")
    assert_every_chart_drawn(page, expect_ranking=False)
    expect(page.locator("select[name=subdistrict]")).to_have_count(0)
    overdue = page.get_by_test_id("table-overdue")
    expect(overdue.locator("tbody tr")).to_have_count(1)
    expect(overdue).to_contain_text("浒山")
    assert_one_language(page, "zh-hans", allowed=proper_names())
    assert_choices_visible(page)
    screenshot("dashboard-staff-zh")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.select_option("select[name=language]", "en")
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    assert_every_chart_drawn(page, expect_ranking=False)
    assert_one_language(page, "en", allowed=proper_names())
    screenshot("dashboard-staff-en-phone")
