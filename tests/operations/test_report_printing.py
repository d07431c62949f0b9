"""The supervision report's workbook prints: A4 landscape, one page wide, the heading row on
every page, long text wrapped and each chart within the printed columns."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from operations.report import build_report
from operations.workbook import CHART_ROWS, report_workbook

from .reportdata import PERIOD, TODAY, build_city


@pytest.fixture
def workbook(assessor):
    build_city(assessor)
    content = report_workbook(build_report(period=PERIOD, today=TODAY))
    if os.environ.get("KEEP_REPORT_WORKBOOK"):
        Path(os.environ["KEEP_REPORT_WORKBOOK"]).write_bytes(content)
    return load_workbook(BytesIO(content))


def test_every_sheet_prints_a4_landscape_one_page_wide_with_its_heading_repeated(workbook):
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert int(sheet.page_setup.paperSize) == 9, sheet.title  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert "&P" in sheet.oddFooter.center.text, sheet.title
        if sheet.title != workbook.worksheets[0].title:  # the cover has no table heading
            assert sheet.print_title_rows == "$1:$1", sheet.title


def test_charts_lie_within_the_print_area_under_their_table(workbook):
    charts = 0
    for sheet in workbook.worksheets:
        for chart in sheet._charts:
            charts += 1
            anchor = chart.anchor._from
            area = sheet.print_area.split("!")[-1].replace("$", "")
            _, _, max_col, max_row = range_boundaries(area)
            # In column A, under the table, and its rows inside the print area.
            assert anchor.col == 0, sheet.title
            assert anchor.row + 1 > sheet.max_row or anchor.row >= 2, sheet.title
            assert anchor.row + CHART_ROWS <= max_row + 1, sheet.title
            # No wider than the printed columns (a character of width prints ~0.19 cm).
            columns = sum(
                sheet.column_dimensions[get_column_letter(i)].width for i in range(1, max_col + 1)
            )
            assert chart.width <= columns * 0.19, sheet.title
    assert charts == 2


def test_long_text_wraps_in_columns_of_bounded_width(workbook):
    sheet = workbook["督导名单"] if "督导名单" in workbook.sheetnames else workbook.worksheets[-1]
    details = [cell for cell in sheet["C"][1:] if cell.value]
    assert details and all(cell.alignment.wrap_text for cell in details)
    assert sheet.column_dimensions["C"].width <= 60
