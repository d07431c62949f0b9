"""Printable records: the approval notice and the acceptance record of a plan, on A4, with the
programme's header, the document number and date, and amounts in figures and capitals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from tests.factories import GapFillingPlanFactory, PlanLineItemFactory

DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def accepted(approved, staff_hushan, approver):
    services.plan_start(actor=staff_hushan, plan=approved)
    services.plan_complete(actor=staff_hushan, plan=approved, on_date=DAY)
    return services.plan_accept(
        actor=approver, plan=approved, acceptance_date=DAY, settled_investment=Decimal("1200000")
    )


def read(client, user, name, plan, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse(name, args=[plan.pk]))


def test_the_approval_notice_prints_with_header_number_date_and_capitals(
    client, approved, staff_hushan
):
    response = read(client, staff_hushan, "projects:plan_approval_print", approved)
    page = response.content.decode()

    assert response.status_code == 200
    assert "portal/print_sheet.css" in page
    assert "慈溪市城镇社区公共服务设施补短板" in page
    assert '<dd data-testid="document-number">慈补短板批〔2024〕1号</dd>' in page
    assert '<dd data-testid="document-date">2024-05-01</dd>' in page
    assert "1,260,000.00" in page and "壹佰贰拾陆万元整" in page
    assert "600,000.00" in page and "陆拾万元整" in page  # the committed subsidy


def test_the_acceptance_record_states_the_subsidy_of_570000_in_capitals(
    client, accepted, staff_hushan
):
    response = read(client, staff_hushan, "projects:plan_acceptance_print", accepted)
    page = response.content.decode()

    assert response.status_code == 200
    assert f"CXBDB-YS-{accepted.year}-{accepted.pk:04d}" in page
    assert "570,000.00" in page and "伍拾柒万元整" in page
    assert "1,200,000.00" in page and "壹佰贰拾万元整" in page
    assert 'data-testid="signatures"' in page


@pytest.mark.parametrize(
    ("amount", "figures", "capitals"),
    [
        ("570000.00", "570,000.00", "伍拾柒万元整"),
        ("1000000.01", "1,000,000.01", "壹佰万元零壹分"),
        ("0.50", "0.50", "伍角整"),
    ],
)
def test_amounts_print_in_figures_and_capital_numerals(
    client, staff_hushan, amount, figures, capitals
):
    plan = GapFillingPlanFactory(
        community__subdistrict=staff_hushan.subdistrict,
        created_by=staff_hushan,
        state="accepted",
        total_investment=Decimal(amount),
        policy_fee=Decimal("0.00"),
        settled_investment=Decimal(amount),
        approval_number="慈补短板批〔2024〕2号",
        approval_date=DAY,
        acceptance_date=DAY,
    )
    PlanLineItemFactory(plan=plan, investment=Decimal(amount))
    for name in ("projects:plan_approval_print", "projects:plan_acceptance_print"):
        page = read(client, staff_hushan, name, plan, "en").content.decode()
        assert figures in page and capitals in page


def test_no_record_before_its_step(client, approved, staff_hushan):
    draft = GapFillingPlanFactory(
        community__subdistrict=staff_hushan.subdistrict, created_by=staff_hushan
    )
    assert read(client, staff_hushan, "projects:plan_approval_print", draft).status_code == 404
    assert read(client, staff_hushan, "projects:plan_acceptance_print", approved).status_code == 404


def test_the_plan_page_links_the_records_once_they_exist(client, accepted, staff_hushan):
    page = read(client, staff_hushan, "projects:plan_detail", accepted).content.decode()
    assert reverse("projects:plan_approval_print", args=[accepted.pk]) in page
    assert reverse("projects:plan_acceptance_print", args=[accepted.pk]) in page


def test_the_plan_page_of_a_draft_links_no_record(client, plan, staff_hushan):
    page = read(client, staff_hushan, "projects:plan_detail", plan).content.decode()
    assert 'data-testid="print-approval"' not in page


def test_the_print_stylesheet_is_a4():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("portal/print_sheet.css")).read_text(encoding="utf-8")
    assert "@page { size: A4;" in css
    assert "@media print" in css
