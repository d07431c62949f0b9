"""Under the Content-Security-Policy every page works in the browser, and a lock-out reads well.

Chromium reports each blocked inline script or style in the console ("Refused to ..."); the
journey visits the pages whose behaviour moved from inline code into static files, checks that
the behaviour still works, and fails on any such report or script error.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from communities.roles import Role
from funding.models import DisbursementExport
from operations.choices import ReportState
from operations.models import SupervisionReport
from projects.models import DevelopmentBlock
from tests.browser.helpers import log_in
from tests.factories import PASSWORD, CommunityFactory, GapFillingPlanFactory, UserFactory
from tests.operations.factories import ContractFactory


@pytest.fixture
def refused(page):
    """Every CSP report and script error the browser gives while the test runs."""
    messages: list[str] = []

    def heard(message):
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text:
            messages.append(f"{page.url}: {text}")

    page.on("console", heard)
    page.on("pageerror", lambda error: messages.append(f"{page.url}: {error}"))
    return messages


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)


@pytest.mark.django_db(transaction=True)
def test_pages_keep_their_behaviour_under_the_policy(page, live_server, refused, hushan):
    # given a subdistrict's records and the people who open them
    community = CommunityFactory(subdistrict=hushan, name="金山")
    building = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=hushan, name="三碰桥"),
        state="under_construction",
        progress_percent=40,
    )
    contract = ContractFactory(subdistrict=hushan, title="金山社区养老服务运营")
    UserFactory(
        username="staff",
        subdistrict=hushan,
        department=None,
        roles=[Role.SUBDISTRICT_STAFF],
        is_staff=False,
    )
    supervisor = UserFactory(username="supervisor", roles=[Role.SUPERVISOR])
    report = SupervisionReport.objects.create(
        period="2025-05", requested_by=supervisor, state=ReportState.RUNNING, progress=40
    )
    finance = UserFactory(username="finance", roles=[Role.FINANCE_OFFICER])
    export = DisbursementExport.objects.create(requested_by=finance, total_rows=10, rows_written=3)
    UserFactory(username="approver", roles=[Role.TASKFORCE_APPROVER])
    block = DevelopmentBlock.objects.create(
        name="太屹区块", area_mu=Decimal("300"), planned_population=6500
    )

    # The language switcher submits itself when a language is chosen.
    log_in(page, live_server, "staff")
    page.select_option("[data-testid=language-switcher] select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("[data-testid=language-switcher] select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # The plan form adds line items and sums them; its landing spaces scroll in a framed box.
    page.goto(f"{live_server.url}/plans/new/")
    page.select_option("#id_community", label=community.name)
    page.fill("#id_items-0-investment", "760000")
    page.fill("#id_items-1-investment", "500000")
    rows = page.locator("[data-testid=line-items] tr[data-line-item]")
    before = rows.count()
    page.click("[data-testid=add-line-item]")
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_test_id("line-item-sum")).to_have_text("1,260,000.00")
    page.click("#use-line-item-sum")
    expect(page.locator("#id_total_investment")).to_have_value("1260000.00")
    spaces_box = page.eval_on_selector("#id_spaces_choices", "e => getComputedStyle(e).overflowY")
    assert spaces_box == "auto"

    # The progress bar of a plan under construction is drawn at its percentage.
    page.goto(f"{live_server.url}/plans/{building.pk}/")
    bar = page.locator(".progress-bar").first
    expect(bar).to_have_text("40%")
    assert bar.evaluate("e => e.style.width") == "40%"

    # Ending a contract asks first; saying no leaves it running.
    page.goto(f"{live_server.url}{contract.get_absolute_url()}")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="终止").click()
    expect(page.get_by_role("button", name="终止")).to_be_visible()
    assert len(asked) == 1 and asked[0].startswith("确定现在终止"), asked
    contract.refresh_from_db()
    assert contract.state == "active"

    # A report being built shows its progress and keeps asking for news.
    switch_user(page, live_server, "supervisor")
    with page.expect_response(lambda r: r.url.endswith(f"/reports/{report.pk}/status/")):
        page.goto(f"{live_server.url}/operations/reports/{report.pk}/")
    assert page.locator("#report-bar").evaluate("e => e.style.width") == "40%"

    # So does a disbursement sheet being written.
    switch_user(page, live_server, "finance")
    with page.expect_response(lambda r: r.url.endswith(f"/exports/{export.pk}/status/")):
        page.goto(f"{live_server.url}/funding/exports/{export.pk}/")
    expect(page.locator("#export-bar")).to_have_text("30%")
    assert page.locator("#export-bar").evaluate("e => e.style.width") == "30%"

    # An admin change form: its warnings are coloured by the portal's admin stylesheet, and
    # the admin's language switcher submits itself too.
    switch_user(page, live_server, "approver")
    page.goto(f"{live_server.url}/admin/projects/developmentblock/{block.pk}/change/")
    expect(page.locator("#developmentblock_form")).to_be_visible()
    select = page.locator("[data-testid=admin-language-switcher] select")
    select.select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    warning = page.locator(".cixi-warning")
    if warning.count():
        assert warning.first.evaluate("e => getComputedStyle(e).color") == "rgb(180, 83, 9)"
    page.goto(f"{live_server.url}/admin/projects/gapfillingplan/{building.pk}/change/")
    expect(page.locator("#content")).to_be_visible()
    page.goto(f"{live_server.url}/admin/")

    # then the browser refused nothing on any of these pages
    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_a_locked_out_user_reads_when_to_try_again(page, live_server, refused, screenshot, db):
    # given a user who mistypes the password as often as the limit allows
    UserFactory(username="staff", roles=[Role.SUBDISTRICT_STAFF])
    page.goto(f"{live_server.url}/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "staff")
        page.fill("#id_password", "wrong-password")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    # then the page says in Chinese that logins are paused and when to try again
    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_contain_text("登录失败次数过多")
    expect(page.get_by_test_id("lockout-retry")).to_contain_text("之后再试")
    screenshot("login-locked-out-zh")

    # when the user goes back, reads in English and gives the right password
    page.click("text=返回登录页")
    page.select_option("[data-testid=language-switcher] select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # then it is still refused, and the page says so in English
    expect(page.get_by_test_id("lockout-retry")).to_contain_text("You can try again at")
    expect(page.get_by_test_id("lockout-retry")).to_contain_text("minutes")
    screenshot("login-locked-out-en")

    # and the admin's login, locked for the same address, answers in the admin's look
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_test_id("lockout")).to_contain_text("Too many failed logins")
    screenshot("admin-locked-out-en")
    assert refused == []
