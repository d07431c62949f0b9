"""A user sees the unread count in the menu, reads the inbox and follows a notification, in
Chinese and English, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from communities.notifications import notify_users
from tests.browser.helpers import log_in, open_menu
from tests.factories import CommunityFactory, GapFillingPlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "width"), [("zh-hans", 1366), ("en", 1366), ("zh-hans", 390), ("en", 390)]
)
def test_staff_read_their_notifications(
    page, live_server, staff_hushan, hushan, screenshot, language, width
):
    plan = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=hushan, name="金山"),
        created_by=staff_hushan,
        title="金山社区养老托育补短板",
    )
    notify_users(
        recipients=[staff_hushan],
        subject="补短板方案：已退回",
        body="方案“金山社区养老托育补短板”（金山，2024）现为：已退回。\n\n请补充托育场地的产权证明。",
        link=f"/plans/{plan.pk}/",
    )
    notify_users(recipients=[staff_hushan], subject="补助已拨付：金山 验收后", body="")
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, "staff_hushan")

    inbox_link = page.get_by_test_id("inbox-link")
    open_menu(page)
    expect(inbox_link).to_be_visible()
    expect(inbox_link).to_contain_text("2")
    inbox_link.click()
    expect(page).to_have_url(f"{live_server.url}/inbox/")

    entries = page.get_by_test_id("inbox")
    expect(entries).to_contain_text("补短板方案：已退回")
    expect(entries).to_contain_text("请补充托育场地的产权证明")
    screenshot(f"inbox-{language}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name="补短板方案：已退回").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.pk}/")
    open_menu(page)
    expect(page.get_by_test_id("inbox-link")).to_contain_text("1")

    page.get_by_test_id("inbox-link").click()
    expect(page).to_have_url(f"{live_server.url}/inbox/")
    mark_all = {"zh-hans": "全部标为已读", "en": "Mark all as read"}[language]
    page.get_by_role("button", name=mark_all).click()
    expect(page.get_by_role("button", name=mark_all)).to_have_count(0)
