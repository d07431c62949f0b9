"""Finance's work on many tranches: bulk approve and pay with each row's result, overdue
tranches marked and on the to-do list, lists that sort, search and export as filtered, the
budget page and the printed payment record."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.roles import Role
from funding.choices import TrancheState
from funding.models import Tranche, TrancheEvent
from funding.selectors import worklist_for
from tests.factories import PASSWORD

from .factories import BudgetEnvelopeFactory, TrancheFactory

D = Decimal


@pytest.fixture
def finance(client, user_with_role):
    user = user_with_role(Role.FINANCE_OFFICER)
    client.login(username=user.username, password=PASSWORD)
    return user


def outcomes(response) -> dict[int, tuple[str, str]]:
    """Each result row's tranche and outcome, with the refusal's reason."""
    return {
        result.tranche.pk: (result.outcome, result.reason) for result in response.context["results"]
    }


# ---------------------------------------------------------------- bulk approve and pay


def test_bulk_approve_reports_each_row_and_refuses_one_with_the_services_reason(client, finance):
    due = TrancheFactory.create_batch(2)
    paid = TrancheFactory(state=TrancheState.PAID, voucher_number="PZ-1", paid_on=date(2024, 7, 1))

    response = client.post(
        reverse("funding:tranche_bulk_approve"),
        {"tranche": [t.pk for t in [*due, paid]]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert outcomes(response) == {
        due[0].pk: ("done", ""),
        due[1].pk: ("done", ""),
        paid.pk: ("refused", "This tranche is Paid; that is not possible now."),
    }
    assert set(
        Tranche.objects.filter(pk__in=[t.pk for t in due]).values_list("state", flat=True)
    ) == {TrancheState.APPROVED}
    html = response.content.decode()
    assert "This tranche is Paid; that is not possible now." in html
    assert "2 of 3 chosen tranches done." in html


def test_bulk_approve_twice_changes_nothing_the_second_time(client, finance):
    due = TrancheFactory.create_batch(2)
    data = {"tranche": [t.pk for t in due]}

    client.post(reverse("funding:tranche_bulk_approve"), data)
    events = TrancheEvent.objects.count()
    again = client.post(reverse("funding:tranche_bulk_approve"), data)

    assert {outcome for outcome, _reason in outcomes(again).values()} == {"unchanged"}
    assert TrancheEvent.objects.count() == events


def test_bulk_pay_shows_one_date_and_a_voucher_per_row_starting_today(client, finance):
    approved = TrancheFactory.create_batch(2, state=TrancheState.APPROVED)

    response = client.post(
        reverse("funding:tranche_bulk_pay"), {"tranche": [t.pk for t in approved]}
    )

    html = response.content.decode()
    assert f'name="paid_on" value="{timezone.localdate().isoformat()}"' in html
    for tranche in approved:
        assert f'name="voucher_{tranche.pk}"' in html
        assert f'<label for="id_voucher_{tranche.pk}">' in html


def test_bulk_pay_pays_each_row_refuses_the_others_and_a_double_click_changes_nothing(
    client, finance
):
    approved = TrancheFactory.create_batch(2, state=TrancheState.APPROVED)
    due = TrancheFactory()
    blank = TrancheFactory(state=TrancheState.APPROVED)
    data = {
        "tranche": [t.pk for t in [*approved, due, blank]],
        "paid_on": "2024-12-01",
        f"voucher_{approved[0].pk}": "PZ-A",
        f"voucher_{approved[1].pk}": "PZ-B",
        f"voucher_{due.pk}": "PZ-C",
        f"voucher_{blank.pk}": " ",
    }

    first = client.post(reverse("funding:tranche_bulk_pay"), data, HTTP_ACCEPT_LANGUAGE="en")
    events = TrancheEvent.objects.count()
    second = client.post(reverse("funding:tranche_bulk_pay"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert outcomes(first) == {
        approved[0].pk: ("done", ""),
        approved[1].pk: ("done", ""),
        due.pk: ("refused", "This tranche is Due; that is not possible now."),
        blank.pk: ("refused", "Enter the payment voucher number."),
    }
    assert [outcomes(second)[t.pk][0] for t in approved] == ["unchanged", "unchanged"]
    assert TrancheEvent.objects.count() == events
    paid = Tranche.objects.get(pk=approved[1].pk)
    assert (paid.state, paid.voucher_number, paid.paid_on) == ("paid", "PZ-B", date(2024, 12, 1))


def test_bulk_pay_without_a_date_shows_the_form_again_with_the_vouchers(client, finance):
    approved = TrancheFactory(state=TrancheState.APPROVED)

    response = client.post(
        reverse("funding:tranche_bulk_pay"),
        {"tranche": [approved.pk], "paid_on": "", f"voucher_{approved.pk}": "PZ-K"},
    )

    assert response.context["form"].errors["paid_on"]
    assert 'value="PZ-K"' in response.content.decode()
    approved.refresh_from_db()
    assert approved.state == TrancheState.APPROVED


def test_bulk_actions_only_touch_rows_in_the_users_scope(client, user_with_role, hushan, gutang):
    staff = user_with_role(Role.SUBDISTRICT_STAFF, subdistrict=hushan)
    client.login(username=staff.username, password=PASSWORD)

    assert client.post(reverse("funding:tranche_bulk_approve"), {"tranche": []}).status_code == 403


# ---------------------------------------------------------------- overdue


def test_overdue_tranches_are_badged_filtered_and_on_the_worklist(client, finance, settings):
    settings.TRANCHE_OVERDUE_DAYS = 30
    today = timezone.localdate()
    late = TrancheFactory(due_on=today - timedelta(days=31))
    TrancheFactory(due_on=today - timedelta(days=30))  # exactly 30 days: not yet overdue
    TrancheFactory(state=TrancheState.PAID, voucher_number="PZ", due_on=today - timedelta(days=90))
    url = reverse("funding:tranche_list")

    listed = client.get(url, {"overdue": "yes"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    everything = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert list(listed.context["object_list"]) == [late]
    assert everything.count('data-testid="overdue"') == 1
    assert "逾期 31 天" in everything
    item = worklist_for(finance)[0]
    assert item.count == 1 and item.url == f"{url}?overdue=yes"
    assert "30" in item.label


# ---------------------------------------------------------------- lists


def test_tranche_list_searches_community_plan_and_voucher(client, finance):
    one = TrancheFactory(plan__community__name="三碰桥", plan__title="三碰桥邻里中心")
    two = TrancheFactory(state=TrancheState.PAID, voucher_number="PZ-2024-0777")
    url = reverse("funding:tranche_list")

    def found(query):
        return list(client.get(url, {"q": query}).context["object_list"])

    assert found("三碰桥") == [one]
    assert found("邻里中心") == [one]
    assert found("0777") == [two]
    assert found(two.plan.community.name) == [two]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("amount", lambda t: t.amount),
        ("-amount", lambda t: -t.amount),
        ("community", lambda t: t.plan.community.name),
        ("subject", lambda t: t.plan.title),
        ("voucher", lambda t: t.voucher_number),
        ("-fiscal_year", lambda t: -t.fiscal_year),
    ],
)
def test_tranche_list_sorts_by_its_columns(client, finance, sort, key):
    tranches = [
        TrancheFactory(amount=D("300.00"), fiscal_year=2024, voucher_number="B"),
        TrancheFactory(amount=D("100.00"), fiscal_year=2025, voucher_number="C"),
        TrancheFactory(amount=D("200.00"), fiscal_year=2023, voucher_number="A"),
    ]

    listed = list(
        client.get(reverse("funding:tranche_list"), {"sort": sort}).context["object_list"]
    )

    assert listed == sorted(tranches, key=key)


def exported(client, url, params) -> list[tuple]:
    response = client.get(url, {**params, "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_tranche_export_holds_exactly_the_pages_filtered_rows(client, finance, gutang):
    TrancheFactory.create_batch(3)
    TrancheFactory(plan__community__subdistrict=gutang, voucher_number="PZ-9", state="paid")
    url = reverse("funding:tranche_list")
    params = {"state": "due", "sort": "-amount", "per_page": 25}

    page = list(client.get(url, params).context["object_list"])
    rows = exported(client, url, params)

    assert [row[2] for row in rows] == [str(t.subject) for t in page]
    assert len(rows) == 3
    assert [D(str(row[4])) for row in rows] == [t.amount for t in page]


def test_budget_page_shows_committed_paid_and_remaining_in_yuan(client, finance):
    BudgetEnvelopeFactory(fiscal_year=2024, amount=D("2000000.00"))
    TrancheFactory(amount=D("600000.00"))
    TrancheFactory(amount=D("250000.00"), state=TrancheState.PAID, voucher_number="PZ")
    TrancheFactory(amount=D("100000.00"), state=TrancheState.CANCELLED)
    url = reverse("funding:budget_list")

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert "850,000.00 元" in html  # committed
    assert "250,000.00 元" in html  # paid
    assert "1,150,000.00 元" in html  # remaining
    assert "/admin/" not in html.split("<main")[1]
    assert response.context["totals"]["committed"] == D("850000.00")
    assert [row[:2] for row in exported(client, url, {"fiscal_year": 2024})] == [
        (2024, "市级财政资金")
    ]
    assert exported(client, url, {"fiscal_year": 2025}) == []


def test_the_menu_leads_finance_to_the_budget_page_not_the_admin(client, finance):
    html = client.get(reverse("funding:tranche_list")).content.decode()

    assert f'href="{reverse("funding:budget_list")}"' in html
    assert "/admin/funding/budgetenvelope/" not in html


def test_export_list_sorts_and_exports(client, finance):
    from funding.models import DisbursementExport

    DisbursementExport.objects.create(requested_by=finance, filter_summary="甲", rows_written=3)
    DisbursementExport.objects.create(requested_by=finance, filter_summary="乙", rows_written=1)
    url = reverse("funding:export_list")

    listed = client.get(url, {"sort": "rows"}).context["object_list"]

    assert [e.rows_written for e in listed] == [1, 3]
    assert [row[1] for row in exported(client, url, {"q": "甲"})] == ["甲"]


# ---------------------------------------------------------------- payment record


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        (D("570000.00"), "伍拾柒万元整"),
        (D("1000000.01"), "壹佰万元零壹分"),
        (D("0.50"), "伍角整"),
    ],
)
def test_payment_record_carries_figures_capitals_payee_voucher_and_signatures(
    client, finance, amount, capitals
):
    tranche = TrancheFactory(
        amount=amount,
        subsidy_total=amount,
        state=TrancheState.PAID,
        voucher_number="PZ-2024-0001",
        paid_on=date(2024, 7, 1),
    )

    response = client.get(
        reverse("funding:tranche_print", args=[tranche.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = response.content.decode()
    assert f"人民币{capitals}" in html
    assert f"¥{amount:,.2f}" in html
    assert f"BF-2024-{tranche.pk:06d}" in html and "2024-07-01" in html
    assert tranche.subdistrict.name in html and "PZ-2024-0001" in html
    for role in ("制表人", "审核人", "单位负责人"):
        assert role in html
    assert "慈溪市城镇社区公共服务设施补短板行动" in html
    assert "portal/print.css" in html and 'data-testid="record-draft"' not in html


def test_an_unpaid_payment_record_says_it_is_a_draft(client, finance):
    tranche = TrancheFactory(state=TrancheState.APPROVED)

    html = client.get(
        reverse("funding:tranche_print", args=[tranche.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Not paid yet (state: Approved): this record is a draft." in html


def test_print_css_prints_the_record_on_a4(settings):
    css = (settings.BASE_DIR / "static" / "portal" / "print.css").read_text()

    assert "size: A4" in css and ".print-record" in css
