"""The supervisor asks for a supervision report, watches it build, then reads it."""

import threading
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from communities import outbox
from communities import tasks as outbox_tasks
from communities.roles import Role
from operations import report as report_module
from operations import services
from tests.browser.helpers import log_in
from tests.factories import UserFactory
from tests.operations.reportdata import build_city


@pytest.fixture
def slow_worker(monkeypatch):
    """Build queued reports in a background thread, slowly enough to watch the progress."""

    def slow_build(**kwargs):
        heard = kwargs.pop("progress")

        def pause_then_report(percent):
            time.sleep(0.7)
            heard(percent)

        return report_module.build_report(progress=pause_then_report, **kwargs)

    def work(item_id):
        try:
            time.sleep(1.5)
            outbox.run(item_id)
        finally:
            connection.close()

    def apply_async(args, **kwargs):
        threading.Thread(target=work, args=args, daemon=True).start()

    monkeypatch.setattr(services, "build_report", slow_build)
    monkeypatch.setattr(outbox_tasks.run_outbox_item, "apply_async", apply_async)


@pytest.mark.django_db(transaction=True)
def test_supervisor_requests_a_report_and_reads_it(page, live_server, screenshot, slow_worker):
    build_city(UserFactory(username="assessor", roles=[Role.OPERATIONS_ASSESSOR]))
    UserFactory(username="supervisor", roles=[Role.SUPERVISOR])

    log_in(page, live_server, "supervisor")
    page.get_by_role("button", name="运营与督导").click()
    page.get_by_role("link", name="督导报表").first.click()
    page.fill("#id_period", "2025-06")
    page.get_by_role("button", name="生成报表").click()

    progress = page.get_by_test_id("report-progress")
    expect(progress).to_be_visible()
    expect(page.locator("#report-state")).to_have_text("生成中", timeout=10_000)
    screenshot("operations-report-progress")

    sections = page.get_by_test_id("report-sections")
    expect(sections).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("section-supervise")).to_contain_text("古塘")
    expect(page.get_by_test_id("section-supervise")).to_contain_text("考核不合格")
    expect(page.get_by_test_id("section-praise")).to_contain_text("浒山")
    expect(page.get_by_test_id("section-starts")).to_contain_text("2024")
    expect(page.get_by_test_id("report-file")).to_be_visible()
    screenshot("operations-report-done")

    with page.expect_download() as download:
        page.get_by_test_id("report-file").click()
    assert download.value.suggested_filename == "督导报表-2025-06.xlsx"

    # The same figures, written in English for an English reader.
    page.select_option("select[name=language]", "en")
    expect(page.get_by_test_id("section-supervise")).to_contain_text("Failed assessment")
    expect(page.get_by_test_id("section-starts")).to_contain_text("Still to start")
    screenshot("operations-report-done-en")
