"""Every workbook the portal writes keeps text that looks like a formula as text, while amounts
stay numbers and dates stay dates; and every workbook goes through the one writer that does so."""

import ast
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from communities.roles import Role
from communities.workbooks import ColumnLook, PortalWorkbook, workbook_bytes
from funding.models import Tranche
from funding.sheets import write_disbursement_sheet
from operations.workbook import report_workbook
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, GapFillingPlanFactory
from tests.funding.factories import TrancheFactory

ROOT = Path(__file__).resolve().parent.parent
NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]
MONEY = "#,##0.00"
WRAP = Alignment(wrap_text=True, vertical="top")


def assert_text(cell, value: str) -> None:
    """The cell holds exactly the text, as a string cell that stays text when edited."""
    assert cell.value == value
    assert cell.data_type == "s", (value, cell.data_type)
    assert cell.quotePrefix, value


def assert_no_formula(book) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_the_writer_keeps_text_as_text_and_numbers_and_dates_as_they_are(write_only):
    # given text, negative amounts and a date written every way openpyxl allows
    book = PortalWorkbook(write_only=write_only)
    sheet = book.create_sheet("x")
    money = WriteOnlyCell(sheet, value=Decimal("-1234.50"))
    money.number_format = MONEY
    day = WriteOnlyCell(sheet, value=date(2024, 7, 1))
    day.number_format = "yyyy-mm-dd"
    styled = WriteOnlyCell(sheet, value=NAMES[0])
    sheet.append(NAMES)
    sheet.append([styled, money, -3, -2.5, day, "#N/A", "plain"])
    if not write_only:
        sheet["A3"] = NAMES[3]
        sheet.cell(row=3, column=2, value=NAMES[4])
    # when it is saved and read back
    read = load_workbook(BytesIO(workbook_bytes(book)))["x"]
    # then the text is text, exactly as written
    for column, name in enumerate(NAMES, start=1):
        assert_text(read.cell(row=1, column=column), name)
    assert_text(read["A2"], NAMES[0])
    assert read["F2"].value == "#N/A" and read["F2"].data_type == "s"
    assert read["G2"].value == "plain" and not read["G2"].quotePrefix
    if not write_only:
        assert_text(read["A3"], NAMES[3])
        assert_text(read["B3"], NAMES[4])
    # and amounts are numbers, dates are dates, with their formats
    assert read["B2"].data_type == "n" and read["B2"].value == -1234.5
    assert read["B2"].number_format == MONEY
    assert read["C2"].value == -3 and read["D2"].value == -2.5
    assert read["E2"].is_date and read["E2"].value == datetime(2024, 7, 1)
    assert read["E2"].number_format == "yyyy-mm-dd"


def test_a_streamed_rows_values_take_their_columns_look_and_risky_text_stays_text():
    # given a write-only sheet whose two columns have a look: money, and wrapped text
    book = PortalWorkbook(write_only=True)
    sheet = book.create_sheet("x")
    looks = [ColumnLook(sheet, number_format=MONEY), ColumnLook(sheet, alignment=WRAP)]
    # when rows are appended with those looks, the first one taller
    sheet.append([Decimal("-1234.50"), NAMES[0]], looks=looks, height=30)
    sheet.append([Decimal("2.00"), "plain"], looks=looks)
    sheet.append([None, NAMES[3]], looks=looks)
    read = load_workbook(BytesIO(workbook_bytes(book)))["x"]
    # then every value has its column's look, and text that looks like a formula is still text
    assert [read.cell(row=row, column=1).number_format for row in (1, 2, 3)] == [MONEY] * 3
    assert read["A1"].value == -1234.5 and read["A2"].value == 2
    assert all(read.cell(row=row, column=2).alignment.wrap_text for row in (1, 2, 3))
    assert_text(read["B1"], NAMES[0])
    assert_text(read["B3"], NAMES[3])
    assert read["B2"].value == "plain" and not read["B2"].quotePrefix
    # and only the first row has a height of its own
    assert read.row_dimensions[1].height == 30
    assert read.row_dimensions[2].height is None


@pytest.mark.django_db
def test_the_disbursement_sheet(hushan, tmp_path):
    # given tranches whose community, plan and note carry the names, one with a negative input
    for name in NAMES:
        plan = GapFillingPlanFactory(
            community=CommunityFactory(subdistrict=hushan, name=name),
            title=name,
            state="accepted",
            acceptance_date=date(2024, 6, 30),
        )
        TrancheFactory(
            plan=plan,
            note=name,
            inputs={"investment": "-1260000.00", "policy_fee": "60000.00"},
        )
    target = tmp_path / "sheet.xlsx"
    # when the sheet is written and read back
    write_disbursement_sheet(Tranche.objects.all(), target, filter_summary=NAMES[0])
    book = load_workbook(target)
    sheet = book.worksheets[0]
    # then every name is text, the negative investment a number and the date a date
    body = [row for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert [row[2].value for row in body] == NAMES
    for row, name in zip(body, NAMES, strict=True):
        assert_text(row[2], name)  # community
        assert_text(row[3], name)  # project
        assert row[16].value.endswith(name) and row[16].data_type == "s"  # remarks
        assert row[5].data_type == "n" and row[5].value == -1260000
        assert row[5].number_format == MONEY
        assert row[15].is_date and row[15].value == datetime(2024, 6, 30)
    assert NAMES[0] in sheet["A2"].value
    assert_no_formula(book)


@pytest.mark.django_db
def test_the_three_year_plan_table(client, user_with_role):
    # given future-community projects named after the formulas
    for name in NAMES:
        FutureCommunityProjectFactory(
            community__name=name,
            creation_investment=Decimal("4500000.00"),
            approval_date=date(2024, 3, 1),
        )
    client.force_login(user_with_role(Role.TASKFORCE_APPROVER))
    # when the table is exported and read back
    response = client.get(reverse("projects:future_export"))
    book = load_workbook(BytesIO(response.content))
    sheet = book.active
    # then the names are text, investments numbers and approval dates dates
    rows = list(sheet.iter_rows(min_row=3, max_row=2 + len(NAMES)))
    assert sorted(row[2].value for row in rows) == sorted(NAMES)
    for row in rows:
        assert_text(row[2], row[2].value)
        assert row[7].data_type == "n" and row[7].value == 450
        assert row[7].number_format == MONEY
        assert row[9].is_date and row[9].value == datetime(2024, 3, 1)
    assert_no_formula(book)


def test_the_supervision_report_workbook():
    # given a report section whose rows name the formulas, with negative amounts and scores
    section = {
        "key": "funds",
        "title": "补助资金拨付",
        "columns": ["镇街", "应拨", "已拨", "得分", "个数"],
        "kinds": ["text", "money", "money", "score", "int"],
        "rows": [[name, "-1234.50", "0.00", "-3.50", -7] for name in NAMES],
        "note": NAMES[0],
    }
    summary = {"sections": [section], "period": "2025-06", "as_of": NAMES[3]}
    # when the workbook is written and read back
    book = load_workbook(BytesIO(report_workbook(summary)))
    sheet = book["补助资金拨付"]
    # then the names are text and the figures numbers
    for row_number, name in enumerate(NAMES, start=2):
        assert_text(sheet.cell(row=row_number, column=1), name)
        money = sheet.cell(row=row_number, column=2)
        assert money.data_type == "n" and money.value == -1234.5
        assert money.number_format == MONEY
        assert sheet.cell(row=row_number, column=4).value == -3.5
        assert sheet.cell(row=row_number, column=5).value == -7
    assert_text(sheet.cell(row=len(NAMES) + 3, column=1), NAMES[0])  # the note
    assert_text(book.worksheets[0]["B2"], NAMES[3])  # the cover
    assert_no_formula(book)


APP_FOLDERS = ["communities", "projects", "funding", "operations", "cixi_portal"]
HELPERS = {Path("communities/workbooks.py"), Path("communities/spreadsheets.py")}


def test_every_workbook_is_written_and_read_through_the_shared_helpers():
    # openpyxl's Workbook writes "=…" text as a live formula and load_workbook parses unchecked
    # archives: outside the two helpers, neither may be used.
    offenders = []
    for folder in APP_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in HELPERS or "migrations" in relative.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = set()
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                    names = {alias.name for alias in node.names}
                elif isinstance(node, ast.Attribute):
                    names = {node.attr}
                if names & {"Workbook", "load_workbook"}:
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
