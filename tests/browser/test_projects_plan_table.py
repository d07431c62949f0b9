"""Subdistrict staff ask for a three-year plan table too large for the request while the broker
is down: its page says it is queued; once the sweeper hands it over, the page shows the download
link by itself, and the file holds their projects. Its page reads in Chinese and in English, on a
desktop and on a 390 px phone."""

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError
from openpyxl import load_workbook
from playwright.sync_api import expect

from communities import outbox, tasks
from communities.models import OutboxItem
from communities.roles import Role
from funding.choices import ExportState
from projects.models import PlanTableExport
from tests.browser.helpers import assert_one_language, log_in
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, UserFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def switch_language(page, language: str) -> None:
    page.select_option("[data-testid=language-switcher] select", language)
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.django_db(transaction=True)
def test_a_large_plan_table_is_queued_then_written_and_downloaded(
    page, live_server, screenshot, settings, tmp_path, monkeypatch, hushan, gutang
):
    # given more projects of 浒山 than the request writes, one of 古塘, and the broker down
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PLAN_TABLE_DIRECT_ROWS = 2
    for number in range(3):
        FutureCommunityProjectFactory(
            community=CommunityFactory(subdistrict=hushan, route="future", name=f"浒山{number}号")
        )
    FutureCommunityProjectFactory(community=CommunityFactory(subdistrict=gutang, route="future"))
    UserFactory(username="staff", subdistrict=hushan, roles=[Role.SUBDISTRICT_STAFF])

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.run_outbox_item, "apply_async", refuse)

    # when the staff press the list's button
    log_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/plans/future/")
    page.set_viewport_size(PHONE)
    screenshot("plan_table_button_zh_390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("future-export").click()
    # then the table's page says it is queued, in Chinese, with the request's message
    expect(page.get_by_test_id("export-queued")).to_contain_text("计划表已进入队列")
    expect(page.locator(".alert").first).to_contain_text("已保存")
    expect(page.get_by_test_id("export-download")).to_be_hidden()
    expect(page.get_by_test_id("export-state")).to_have_text("排队中")
    export = PlanTableExport.objects.get()
    assert export.state == ExportState.PENDING
    assert_one_language(page, "zh-hans", allowed=["staff"])
    screenshot("plan_table_queued_zh_1366")
    page.set_viewport_size(PHONE)
    screenshot("plan_table_queued_zh_390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    switch_language(page, "en")
    expect(page.get_by_test_id("export-queued")).to_contain_text("The table is queued")
    assert_one_language(page, "en", allowed=["staff", "浒山"])
    screenshot("plan_table_queued_en_390")
    page.set_viewport_size(DESKTOP)
    screenshot("plan_table_queued_en_1366")

    # when the broker is back and the sweeper hands the item over
    monkeypatch.undo()
    OutboxItem.objects.update(available_at=OutboxItem.objects.get().available_at - timedelta(1))
    assert outbox.sweep()["sent"] == 1
    # then the page, still open, shows the finished table and its link without a reload
    download = page.get_by_test_id("export-download")
    download.wait_for(state="visible")
    expect(page.locator("#export-bar")).to_have_text("100%")
    expect(page.get_by_test_id("export-state")).to_contain_text("3 / 3")
    expect(page.get_by_test_id("export-queued")).to_be_hidden()
    screenshot("plan_table_done_en_1366")
    switch_language(page, "zh-hans")
    page.set_viewport_size(PHONE)
    screenshot("plan_table_done_zh_390")
    page.set_viewport_size(DESKTOP)
    screenshot("plan_table_done_zh_1366")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    target = tmp_path / "plan.xlsx"
    download_info.value.save_as(target)
    sheet = load_workbook(target).active
    names = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)][:-1]
    assert sorted(names) == ["浒山0号", "浒山1号", "浒山2号"]


@pytest.mark.django_db(transaction=True)
def test_a_plan_table_being_written_shows_its_progress(page, live_server, screenshot):
    # given a table a third written
    staff = UserFactory(username="staff", roles=[Role.TASKFORCE_APPROVER])
    export = PlanTableExport.objects.create(
        requested_by=staff, state=ExportState.RUNNING, total_rows=2311, rows_written=800
    )
    # when its requester opens its page
    log_in(page, live_server, "staff")
    with page.expect_response(lambda r: r.url.endswith(f"/plan-tables/{export.pk}/status/")):
        page.goto(f"{live_server.url}{export.get_absolute_url()}")
    # then the bar is drawn at the share written, and the rows are counted beside it
    expect(page.locator("#export-bar")).to_have_text("34%")
    assert page.locator("#export-bar").evaluate("e => e.style.width") == "34%"
    expect(page.get_by_test_id("export-state")).to_contain_text("800 / 2311")
    screenshot("plan_table_running_zh_1366")
