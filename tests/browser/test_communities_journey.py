"""A subdistrict user keeps the facility inventory; another subdistrict cannot see it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, log_out
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_adds_a_facility_and_another_subdistrict_cannot_open_it(
    page, live_server, staff_hushan, staff_gutang, hushan, gutang, screenshot
):
    own = CommunityFactory(subdistrict=hushan, name="金山", code="hushan-12")
    CommunityFactory(subdistrict=hushan, name="金南", code="hushan-13", route="future")
    CommunityFactory(subdistrict=gutang, name="旦苑", code="gutang-08")

    log_in(page, live_server, "staff_hushan")
    expect(page.get_by_test_id("route-counts")).to_be_visible()
    page.get_by_role("link", name="社区", exact=True).first.click()
    table = page.get_by_test_id("community-table")
    expect(table).to_contain_text("金山")
    expect(table).not_to_contain_text("旦苑")

    page.select_option("#id_route", "gap")
    page.get_by_role("button", name="筛选").click()
    expect(table).to_contain_text("金山")
    expect(table).not_to_contain_text("金南")
    screenshot("communities-list-filtered")

    table.get_by_role("link", name="金山").click()
    expect(page.get_by_role("heading", name="金山")).to_be_visible()
    page.get_by_role("link", name="新增设施").click()
    page.select_option("#id_facility_type", "childcare")
    page.fill("#id_name", "金山婴幼儿照护驿站")
    page.fill("#id_floor_area", "-5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("必须大于零")
    screenshot("facility-form-error")
    page.fill("#id_floor_area", "180")
    page.fill("#id_places", "30")
    page.fill("#id_walking_minutes", "6")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("facility-table")).to_contain_text("金山婴幼儿照护驿站")
    screenshot("community-detail")
    detail_url = page.url
    assert re.search(rf"/communities/{own.pk}/$", detail_url)

    log_out(page)
    log_in(page, live_server, "staff_gutang")
    response = page.goto(detail_url)
    assert response.status == 404
    page.goto(f"{live_server.url}/communities/")
    expect(page.get_by_test_id("community-table")).not_to_contain_text("金山")


def test_language_switcher_shows_english(page, live_server, staff_hushan):
    log_in(page, live_server, "staff_hushan")
    page.get_by_test_id("language-switcher").locator("select").select_option("en")
    expect(page.get_by_role("link", name="Communities", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


TEXT = {
    "zh-hans": {"positive": "必须大于零", "saved": "满意度得分已保存"},
    "en": {"positive": "must be greater than zero", "saved": "The satisfaction score was saved."},
}


@pytest.mark.parametrize("width", (1366, 390))
@pytest.mark.parametrize("language", ("zh-hans", "en"))
def test_staff_keeps_the_inventory_in_either_language_on_desktop_and_phone(
    page, live_server, staff_hushan, hushan, gutang, screenshot, language, width
):
    """Subdistrict staff add a facility and a landing space, each after an error that keeps what
    was typed, read the community's two scores with their explanations, and record a
    satisfaction score choosing the community by typing part of its name."""
    from tests.browser.test_operations_journeys import check_page, in_language

    own = CommunityFactory(
        subdistrict=hushan, name="金山社区", code="330282-012", population=12345, households=4321
    )
    CommunityFactory.create_batch(40, subdistrict=hushan)
    CommunityFactory(subdistrict=gutang, name="金山湖社区", code="gutang-08")
    typed = ("金山婴幼儿照护驿站", "金山社区服务中心二楼", "社区居委会")
    names = ("金山社区", "浒山", *typed)

    in_language(page, live_server, language, width)
    log_in(page, live_server, "staff_hushan")
    page.goto(f"{live_server.url}/communities/?q=金山")
    table = page.get_by_test_id("community-table")
    expect(table).to_contain_text("12,345")
    expect(table).not_to_contain_text("金山湖社区")
    check_page(page, language, allowed=(*names, "金山"))
    screenshot(f"staff-community-list-{language}-{width}")

    page.goto(f"{live_server.url}/communities/{own.pk}/")
    expect(page.get_by_test_id("register-score-help")).to_be_visible()
    expect(page.get_by_test_id("gap-score-help")).to_be_visible()
    check_page(page, language, allowed=names)

    page.goto(f"{live_server.url}/communities/{own.pk}/facilities/add/")
    page.select_option("#id_facility_type", "childcare")
    page.fill("#id_name", typed[0])
    page.fill("#id_floor_area", "-5")
    page.fill("#id_places", "30")
    page.fill("#id_walking_minutes", "6")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(TEXT[language]["positive"])
    expect(page.locator("#id_name")).to_have_value(typed[0])
    expect(page.locator("#id_facility_type")).to_have_value("childcare")
    expect(page.locator("#id_places")).to_have_value("30")
    check_page(page, language, allowed=names)
    screenshot(f"staff-facility-error-{language}-{width}")
    page.fill("#id_floor_area", "180")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("facility-table")).to_contain_text(typed[0])

    page.goto(f"{live_server.url}/communities/{own.pk}/spaces/add/")
    page.select_option("#id_kind", "management")
    page.fill("#id_name", typed[1])
    page.fill("#id_area", "0")
    page.fill("#id_owner", typed[2])
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(TEXT[language]["positive"])
    expect(page.locator("#id_name")).to_have_value(typed[1])
    expect(page.locator("#id_owner")).to_have_value(typed[2])
    check_page(page, language, allowed=names)
    screenshot(f"staff-space-error-{language}-{width}")
    page.fill("#id_area", "120")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("space-table")).to_contain_text(typed[1])
    check_page(page, language, allowed=names)
    screenshot(f"staff-community-detail-{language}-{width}")

    # A satisfaction score: the community is found by typing, among 41 of the subdistrict.
    page.goto(f"{live_server.url}/operations/satisfaction/new/")
    assert page.locator("select[name=community] option").count() <= 2
    combobox = page.get_by_role("combobox", name=re.compile("社区|Community"))
    combobox.fill("金山")
    expect(page.locator(".search-select-list [role=option]")).to_have_count(1)
    expect(page.get_by_role("option", name="金山社区")).to_be_visible()
    check_page(page, language, allowed=(*names, "金山"))
    screenshot(f"staff-satisfaction-search-{language}-{width}")
    combobox.press("Enter")
    expect(combobox).to_have_value("金山社区")
    page.fill("#id_period", "2025-H1")
    page.fill("#id_score", "91")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text(TEXT[language]["saved"])
    expect(page.get_by_test_id("satisfaction-table")).to_contain_text("金山社区")
    check_page(page, language, allowed=names)
    screenshot(f"staff-satisfaction-list-{language}-{width}")
