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
