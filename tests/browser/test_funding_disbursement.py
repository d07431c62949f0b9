"""Finance filters the due tranches, approves and pays one, and exports the disbursement sheet."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from communities.roles import Role
from funding.calculator import calculate
from funding.choices import TrancheState
from funding.models import SubsidyPolicy, Tranche
from tests.browser.helpers import log_in
from tests.factories import SubdistrictFactory, UserFactory
from tests.funding.factories import TrancheFactory

D = Decimal


def gap_explanation() -> list[str]:
    """The calculator's own explanation of the worked example, in Chinese."""
    rule = SubsidyPolicy.objects.get(code="gap-filling").as_rule()
    with translation.override("zh-hans"):
        result = calculate(rule, investment=D("1260000"), policy_fee=D("60000"))
        return [str(line) for line in result.explanation]


@pytest.mark.django_db(transaction=True)
def test_finance_filters_approves_pays_and_exports(
    page, live_server, screenshot, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    hushan = SubdistrictFactory(code="hushan", name="浒山")
    gutang = SubdistrictFactory(code="gutang", name="古塘")
    UserFactory(username="finance", roles=[Role.FINANCE_OFFICER])
    first = TrancheFactory(
        plan__community__subdistrict=hushan,
        plan__community__name="三碰桥",
        amount=D("600000.00"),
        explanation=gap_explanation(),
    )
    TrancheFactory(plan__community__subdistrict=hushan, amount=D("250000.00"))
    TrancheFactory(plan__community__subdistrict=gutang, amount=D("120000.50"))
    TrancheFactory(plan__community__subdistrict=gutang, state=TrancheState.SCHEDULED)

    log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/funding/")
    page.select_option("#id_state", "due")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("[data-testid=tranche-table] tbody tr")
    assert rows.count() == 3
    screenshot("funding_tranche_list")

    page.get_by_role("link", name=str(first.plan)).click()
    assert "600,000.00" in page.locator("[data-testid=explanation]").inner_text()
    screenshot("funding_tranche_detail")
    page.locator("[data-testid=approve-form] button").click()
    page.fill("#id_voucher_number", "PZ-2024-0001")
    page.fill("#id_paid_on", date.today().isoformat())
    page.locator("[data-testid=pay-form] button").click()
    page.wait_for_selector("[data-testid=voucher]")
    first.refresh_from_db()
    assert first.state == TrancheState.PAID
    screenshot("funding_tranche_paid")

    page.goto(f"{live_server.url}/funding/?fiscal_year=2024")
    page.locator("[data-testid=export-form] button").click()
    download_link = page.locator("[data-testid=export-download]")
    download_link.wait_for(state="visible")
    screenshot("funding_export")
    with page.expect_download() as download_info:
        download_link.click()
    target = tmp_path / "sheet.xlsx"
    download_info.value.save_as(target)

    sheet = load_workbook(target).worksheets[0]
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    data_rows, totals = body[:-3], body[-3]  # the totals, then a blank row and the signatures
    assert len(data_rows) == Tranche.objects.count() == 4
    assert D(str(totals[11])) == sum(t.amount for t in Tranche.objects.all())
    paid_row = next(row for row in data_rows if row[2] == "三碰桥")
    assert paid_row[12] == 600000 and paid_row[13] == 0
    assert "PZ-2024-0001" in paid_row[16]
