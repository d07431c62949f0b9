"""The disbursement sheet: columns, totals, summary per subdistrict, formula neutralisation."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from funding.choices import TrancheStage, TrancheState
from funding.models import SubsidyPolicy, Tranche
from funding.sheets import COLUMNS, write_disbursement_sheet
from tests.factories import FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import TrancheFactory

D = Decimal


@pytest.fixture
def tranches(hushan, gutang):
    return [
        TrancheFactory(plan__community__subdistrict=hushan, amount=D("600000.00")),
        TrancheFactory(
            plan__community__subdistrict=hushan,
            plan__title='=HYPERLINK("http://evil")',
            amount=D("123.45"),
            state=TrancheState.PAID,
            voucher_number="@PZ-1",
            paid_on=date(2024, 7, 1),
        ),
        TrancheFactory(plan__community__subdistrict=gutang, amount=D("1000.00")),
    ]


def read(path):
    workbook = load_workbook(path)
    return workbook, workbook.worksheets[0]


def test_sheet_has_title_header_rows_totals_and_summary(tranches, tmp_path):
    target = tmp_path / "sheet.xlsx"
    with translation.override("zh-hans"):
        count = write_disbursement_sheet(
            Tranche.objects.all(), target, filter_summary="全部", batch_size=2
        )

    workbook, sheet = read(target)
    rows = list(sheet.iter_rows(values_only=True))
    assert count == 3
    assert "全部" in rows[1][0]
    assert len(rows[2]) == len(COLUMNS) == 17
    body = rows[3:-3]  # then the totals, a blank row and the signature block
    assert [row[0] for row in body] == [1, 2, 3]
    assert rows[-3][11] == D("601123.45") or rows[-3][11] == 601123.45
    assert sheet.freeze_panes == "A4"
    assert sheet["L4"].number_format == "#,##0.00"
    assert sheet["I4"].value == 0.5 and sheet["I4"].number_format == "0.00%"
    # paid to date and still to pay per plan
    assert body[1][12] == 123.45 and body[0][12] == 0
    summary = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [row[0] for row in summary[1:]] == ["古塘", "浒山", summary[-1][0]]
    assert summary[-1][1] == 3


def test_text_that_looks_like_a_formula_is_neutralised(tranches, tmp_path):
    target = tmp_path / "sheet.xlsx"
    write_disbursement_sheet(Tranche.objects.all(), target, filter_summary="x")

    _workbook, sheet = read(target)
    project = sheet["D5"]
    assert project.data_type == "s" and project.value.startswith('=HYPERLINK("http://evil")')
    assert project.quotePrefix
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=4) for cell in row)


def test_command_filters_by_state_subdistrict_and_year(tranches, tmp_path):
    target = tmp_path / "due.xlsx"
    call_command(
        "export_disbursements", "--out", str(target), "--state", "due", "--subdistrict", "浒山",
        "--year", "2024",
    )  # fmt: skip

    _workbook, sheet = read(target)
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 4  # one due tranche of 浒山, the totals, a blank row, the signatures
    assert rows[0][11] == 600000


def test_sheet_prints_on_a4_landscape_one_page_wide_and_ends_with_signatures(tranches, tmp_path):
    target = tmp_path / "sheet.xlsx"
    with translation.override("zh-hans"):
        write_disbursement_sheet(Tranche.objects.all(), target, filter_summary="全部")

    workbook, sheet = read(target)
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.oddFooter.center.text == "&P / &N"
    assert sheet.column_dimensions["D"].width == 20
    assert sheet["D4"].alignment.wrap_text and sheet["Q4"].alignment.wrap_text
    last = sheet.max_row
    signatures = {sheet.cell(last, column).value for column in (2, 6, 10, 14)}
    assert signatures == {"制表人：", "审核人：", "单位负责人：", "日期："}
    assert sheet.cell(last, 3).border.bottom.style == "thin"
    assert workbook.worksheets[1].page_setup.orientation == "landscape"


def test_signature_block_speaks_the_sheets_language(tranches, tmp_path):
    target = tmp_path / "sheet.xlsx"
    with translation.override("en"):
        write_disbursement_sheet(Tranche.objects.all(), target, filter_summary="all")

    _workbook, sheet = read(target)
    last = sheet.max_row
    assert [sheet.cell(last, column).value for column in (2, 6, 10, 14)] == [
        "Prepared by:",
        "Checked by:",
        "Head of unit:",
        "Date:",
    ]


def test_paid_to_date_counts_paid_tranches_of_other_batches(hushan, tmp_path):
    """A plan's or a project's paid tranches are counted on each of its rows, also when they
    fall in another batch than the row, and a plan and a project of the same id apart."""
    plan = GapFillingPlanFactory(community__subdistrict=hushan, state="accepted")
    project = FutureCommunityProjectFactory(funding_mode="original")
    future = {
        "plan": None,
        "project": project,
        "subdistrict": project.community.subdistrict,
        "policy": SubsidyPolicy.objects.get(code="future-original"),
    }
    paid = {"state": TrancheState.PAID, "voucher_number": "PZ-1", "paid_on": date(2024, 7, 1)}
    TrancheFactory(plan=plan, stage=TrancheStage.GAP_AFTER_ACCEPTANCE, amount=D("600.00"))
    TrancheFactory(**future, stage=TrancheStage.FUTURE_APPROVAL, amount=D("900.00"))
    TrancheFactory(plan=plan, stage=TrancheStage.OPERATIONS_REWARD, amount=D("100.00"), **paid)
    TrancheFactory(**future, stage=TrancheStage.FUTURE_NAMING, amount=D("40.00"), **paid)
    TrancheFactory(plan__community__subdistrict=hushan, amount=D("5.00"))
    target = tmp_path / "sheet.xlsx"

    write_disbursement_sheet(Tranche.objects.all(), target, filter_summary="x", batch_size=2)

    _workbook, sheet = read(target)
    rows = list(sheet.iter_rows(min_row=4, max_row=8, values_only=True))
    assert [(row[11], row[12], row[13]) for row in rows] == [
        (600, 100, 500),
        (900, 40, 860),
        (100, 100, 0),
        (40, 40, 0),
        (5, 0, 5),
    ]
