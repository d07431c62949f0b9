"""A resident without an account finds their community on a 390 px phone, reads its notice
and sends a suggestion; the subdistrict's staff answer it; the resident sees it published. In
Chinese and in English, with axe-core on every page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import GapFillingPlan
from tests.browser.helpers import assert_one_language, log_in
from tests.factories import CommunityFactory, GapFillingPlanFactory, PlanLineItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13912345678"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_resident_suggests_and_sees_the_answer_published(
    page, live_server, staff_hushan, hushan, screenshot, language
):
    community = CommunityFactory(subdistrict=hushan, name="金山", code="jinshan")
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan, year=2025)
    PlanLineItemFactory(plan=plan, floor_area=Decimal("420.00"), investment=Decimal("900000"))
    GapFillingPlan.objects.filter(pk=plan.pk).update(
        state="approved",
        total_investment=Decimal("900000.00"),
        approval_number="慈补短板批〔2025〕2号",
        approval_date=datetime.date(2025, 3, 1),
    )
    names = ("金山", "浒山", "慈补短板批〔2025〕2号")
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )

    page.goto(live_server.url + "/public/")
    assert_one_language(page, language, names)
    screenshot(f"public-index-{language}-390")
    page.get_by_test_id("community-link").filter(has_text="金山").click()
    expect(page.get_by_test_id("notice-plan")).to_contain_text("慈补短板批〔2025〕2号")
    expect(page.get_by_test_id("notice-plan")).to_contain_text("900,000.00")
    assert_one_language(page, language, names)
    screenshot(f"public-community-{language}-390")

    page.get_by_test_id("suggest-link").click()
    text = "希望增加老年助餐点"
    page.locator("#id_category").select_option("elderly_care")
    page.locator("#id_text").fill(text)
    page.locator("#id_phone").fill(PHONE)
    assert_one_language(page, language, (*names, text, PHONE))
    screenshot(f"public-suggest-{language}-390")
    page.get_by_test_id("suggestion-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("suggestion-sent")).to_be_visible()
    assert_one_language(page, language, names)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, "staff_hushan")
    page.goto(live_server.url + "/suggestions/")
    expect(page.get_by_test_id("suggestion-phone").first).to_have_text(PHONE)
    page.get_by_test_id("suggestion-table").locator("tbody a").first.click()
    answer = "助餐点已纳入明年计划"
    step = page.get_by_test_id("step-answer")
    step.locator("textarea").fill(answer)
    screenshot(f"suggestion-answer-{language}-1366")
    step.locator("button[type=submit]").click()
    expect(page.get_by_test_id("suggestion-answer")).to_have_text(answer)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/public/suggestions/")
    published = page.get_by_test_id("published-suggestion").first
    expect(published).to_contain_text(text)
    expect(published).to_contain_text(answer)
    assert PHONE not in page.content() and "staff_hushan" not in page.content()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390
    screenshot(f"public-suggestions-{language}-390")

    page.set_viewport_size({"width": 1366, "height": 900})
    for name, path in (("index", "/public/"), ("community", "/public/communities/jinshan/")):
        page.goto(live_server.url + path)
        assert_one_language(page, language, (*names, text, answer))
        screenshot(f"public-{name}-{language}-1366")
