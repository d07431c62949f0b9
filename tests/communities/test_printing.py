"""Every workbook prints on A4, fitted to the page width, its header rows on every page."""

import pytest
from openpyxl import load_workbook

from communities.printing import apply_print_setup
from communities.workbooks import PortalWorkbook


@pytest.mark.parametrize("write_only", [False, True])
def test_print_setup_is_read_back_by_a_spreadsheet_program(tmp_path, write_only):
    workbook = PortalWorkbook(write_only=write_only)
    sheet = workbook.create_sheet("拨付表") if write_only else workbook.active
    apply_print_setup(sheet, title_rows=2, widths=[8, 30])
    for number in range(60):
        sheet.append([number, "慈溪市浒山街道金山社区居家养老服务中心" * 3])
    workbook.save(tmp_path / "sheet.xlsx")

    printed = load_workbook(tmp_path / "sheet.xlsx").worksheets[0]
    setup = printed.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert printed.sheet_properties.pageSetUpPr.fitToPage is True
    assert printed.print_title_rows == "$1:$2"
    assert printed.oddFooter.center.text == "&P / &N"
    assert printed.column_dimensions["B"].width == 30


def test_portrait_without_title_rows(tmp_path):
    workbook = PortalWorkbook()
    apply_print_setup(workbook.active, title_rows=0, landscape=False)
    workbook.active.append(["x"])
    workbook.save(tmp_path / "sheet.xlsx")

    printed = load_workbook(tmp_path / "sheet.xlsx").active
    assert printed.page_setup.orientation == "portrait"
    assert printed.print_title_rows is None
