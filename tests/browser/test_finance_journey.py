"""Finance's day in the browser, in Chinese and in English, on a desktop and on a phone: the
overdue tranche on the list, approve and pay one with today's date already filled in (a double
click pays once), print its payment record, approve and pay several at once with one row refused
and its reason shown, a bad amount refused with its value kept, and the budget page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.models import Route
from communities.roles import Role
from funding.choices import TrancheStage, TrancheState
from funding.models import SubsidyPolicy, Tranche, TrancheEvent
from tests.browser.helpers import assert_choices_visible, assert_one_language, log_in, open_menu
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, UserFactory
from tests.funding.factories import BudgetEnvelopeFactory, TrancheFactory

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal
DEFAULT_AMOUNT = D("600000.00")
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TEXT = {
    "zh-hans": {
        "approved": "已审核同意拨付。",
        "paid": "已登记拨付。",
        "refused": "未通过",
        "not_now": "不能进行此操作",
        "capitals": "人民币伍拾柒万元整",
        "negative": "金额必须大于零。",
        "absurd": "单笔拨付金额最多为 100,000,000.00 元",
        "yuan": "570,000.00 元",
    },
    "en": {
        "approved": "The tranche was approved for payment.",
        "paid": "The payment was recorded.",
        "refused": "Refused",
        "not_now": "not possible now",
        "capitals": "人民币伍拾柒万元整",
        "negative": "The amount must be greater than zero.",
        "absurd": "One tranche can be at most 100,000,000.00 yuan",
        "yuan": "570,000.00 yuan",
    },
}


def world(hushan, gutang):
    """Tranches of two subdistricts: one overdue, one to pay singly, two to do in bulk, one paid
    already, one original-model tranche whose amount finance enters."""
    today = timezone.localdate()
    BudgetEnvelopeFactory(fiscal_year=2024, amount=D("20000000.00"))
    UserFactory(username="finance", first_name="王芳", roles=[Role.FINANCE_OFFICER])

    def gap(name, subdistrict, amount=DEFAULT_AMOUNT, **fields):
        # Inputs from which the policy gives this amount, so the page explains it afresh.
        base = amount * 2
        return TrancheFactory(
            plan__community__name=name,
            plan__community__subdistrict=subdistrict,
            plan__title=f"{name}社区补短板建设方案",
            plan__total_investment=base + D("60000.00"),
            plan__policy_fee=D("60000.00"),
            amount=amount,
            base=base,
            inputs={"investment": str(base + D("60000.00")), "policy_fee": "60000.00"},
            **fields,
        )

    tranches = {
        "single": gap("三碰桥", hushan, amount=D("570000.00"), due_on=today - timedelta(days=3)),
        "overdue": gap("金山", hushan, amount=D("250000.00"), due_on=today - timedelta(days=45)),
        "bulk_a": gap("长胜", gutang, amount=D("120000.50"), due_on=today - timedelta(days=2)),
        "bulk_b": gap("新城", gutang, amount=D("300000.00"), due_on=today - timedelta(days=1)),
        "paid": gap(
            "明月",
            hushan,
            state=TrancheState.PAID,
            voucher_number="PZ-2024-0100",
            paid_on=today - timedelta(days=20),
            due_on=today - timedelta(days=40),
        ),
    }
    project = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=gutang, name="孙塘", route=Route.FUTURE),
        funding_mode="original",
    )
    tranches["entered"] = TrancheFactory(
        plan=None,
        project=project,
        subdistrict=gutang,
        stage=TrancheStage.ORIGINAL_MODEL,
        state=TrancheState.SCHEDULED,
        amount=D("0.00"),
        policy=SubsidyPolicy.objects.get(code="future-original"),
        policy_version="future-original v1",
        policy_snapshot={},
        inputs={},
        explanation=[],
    )
    return tranches


def proper_names(tranches) -> set[str]:
    """Names users entered, which a page shows as they are in either language."""
    names = {"王芳", "浒山", "古塘", "孙塘"}
    for tranche in tranches.values():
        names |= {tranche.community.name, str(tranche.subject)}
        if tranche.plan_id:
            names.add(tranche.plan.approval_number)
    return names


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_finance_journey(page, live_server, screenshot, hushan, gutang, language, size):
    tranches = world(hushan, gutang)
    allowed = proper_names(tranches)
    text = TEXT[language]
    name = f"finance-{language}-{size}"
    page.set_viewport_size(SIZES[size])
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, "finance")

    def check(shot, extra=()):
        assert_one_language(page, language, allowed=allowed | set(extra))
        assert_choices_visible(page)
        screenshot(f"{name}-{shot}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{shot}: the page scrolls sideways ({width} px)"

    # The to-do list leads to the overdue tranche, badged with words, not colour only.
    page.locator("a[href$='?overdue=yes']").click()
    page.wait_for_url("**/funding/?overdue=yes")
    rows = page.locator("[data-testid=tranche-table] tbody tr")
    assert rows.count() == 1
    assert page.locator("[data-testid=overdue]").count() == 1
    check("overdue")

    # The whole list, searched by voucher number, then sorted by amount.
    page.goto(f"{live_server.url}/funding/?q=0100")
    assert rows.count() == 1 and "PZ-2024-0100" in rows.first.inner_text()
    page.goto(f"{live_server.url}/funding/?sort=-amount")
    check("list")

    # One tranche: approve, then pay with today's date already there; a double click pays once.
    single = tranches["single"]
    page.goto(f"{live_server.url}/funding/tranches/{single.pk}/")
    assert text["yuan"] in page.locator("[data-testid=tranche-amount]").inner_text()
    check("detail")
    page.locator("[data-testid=approve-form] button").click()
    page.get_by_text(text["approved"]).wait_for()
    assert page.input_value("#id_paid_on") == timezone.localdate().isoformat()
    page.fill("#id_voucher_number", "PZ-2024-0001")
    check("pay-form")
    page.locator("[data-testid=pay-form] button").dblclick()
    page.wait_for_selector("[data-testid=voucher]")
    page.get_by_text(text["paid"]).wait_for()
    single.refresh_from_db()
    assert single.state == TrancheState.PAID and single.paid_on == timezone.localdate()
    assert TrancheEvent.objects.filter(tranche=single, to_state=TrancheState.PAID).count() == 1
    check("paid")

    # Its payment record, in figures and in capitals, as printed on A4.
    page.locator("[data-testid=print-link]").click()
    record = page.locator("[data-testid=payment-record]")
    assert text["capitals"] in record.inner_text()
    assert "PZ-2024-0001" in record.inner_text()
    check("print", extra={text["capitals"]})
    page.emulate_media(media="print")
    screenshot(f"{name}-print-media")
    page.emulate_media(media="screen")

    # Several at once: the paid one is refused with the service's reason, the others done.
    page.goto(f"{live_server.url}/funding/?sort=due_on")
    for key in ("bulk_a", "bulk_b", "paid"):
        page.check(f"#choose-{tranches[key].pk}")
    check("bulk-chosen")
    page.locator("[data-testid=bulk-approve]").click()
    results = page.locator("[data-testid=bulk-results]")
    results.wait_for()
    refused = page.locator("tr[data-outcome=refused]")
    assert refused.count() == 1 and text["not_now"] in refused.inner_text()
    assert page.locator("tr[data-outcome=done]").count() == 2
    check("bulk-approved")

    page.goto(f"{live_server.url}/funding/?sort=due_on")
    for key in ("bulk_a", "bulk_b", "overdue"):
        page.check(f"#choose-{tranches[key].pk}")
    page.locator("[data-testid=bulk-pay]").click()
    page.locator("[data-testid=bulk-pay-form]").wait_for()
    assert page.input_value("#id_paid_on") == timezone.localdate().isoformat()
    page.fill(f"#id_voucher_{tranches['bulk_a'].pk}", "PZ-2024-0002")
    page.fill(f"#id_voucher_{tranches['bulk_b'].pk}", "PZ-2024-0003")
    page.fill(f"#id_voucher_{tranches['overdue'].pk}", "PZ-2024-0004")
    check("bulk-pay-form")
    page.locator("[data-testid=bulk-pay-submit]").dblclick()
    results.wait_for()
    assert page.locator("tr[data-outcome=done]").count() == 2
    overdue_row = page.locator("tr[data-outcome=refused]")
    assert overdue_row.count() == 1 and text["refused"] in overdue_row.inner_text()
    paid = Tranche.objects.filter(state=TrancheState.PAID).values_list("voucher_number", flat=True)
    assert set(paid) == {"PZ-2024-0100", "PZ-2024-0001", "PZ-2024-0002", "PZ-2024-0003"}
    assert TrancheEvent.objects.filter(to_state=TrancheState.PAID).count() == 3
    check("bulk-paid")

    # A bad amount is refused with a clear message and the figure kept as typed.
    entered = tranches["entered"]
    for typed, message in (("-5", text["negative"]), ("99999999999", text["absurd"])):
        page.goto(f"{live_server.url}/funding/tranches/{entered.pk}/")
        page.fill("#id_amount", typed)
        page.locator(f"form[action$='/tranches/{entered.pk}/amount/'] button").click()
        page.get_by_text(message).wait_for()
        assert page.input_value("#id_amount") == typed
    check("bad-amount")
    entered.refresh_from_db()
    assert entered.amount == 0 and entered.state == TrancheState.SCHEDULED

    # The budget link of the menu leads to the portal's own page, not into the admin.
    page.goto(f"{live_server.url}/funding/")
    open_menu(page)
    page.locator("#nav-main a[href='/funding/budgets/']").click()
    page.locator("[data-testid=budget-table]").wait_for()
    assert "/admin/" not in page.url
    check("budgets")
