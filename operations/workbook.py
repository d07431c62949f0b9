"""The supervision report as an Excel workbook: one sheet per section, native bar charts."""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from communities.workbooks import PortalWorkbook, workbook_bytes

MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"
# Which sections get a chart, and which two value columns (1-based) it plots.
CHARTS = {"starts": (2, 3), "funds": (2, 3)}


def _write_cell(sheet, row: int, column: int, value, kind: str) -> None:
    cell = sheet.cell(row=row, column=column)
    if kind == "money":
        cell.value = Decimal(value)
        cell.number_format = MONEY_FORMAT
    elif kind == "score":
        cell.value = Decimal(value)
        cell.number_format = SCORE_FORMAT
    elif kind == "int":
        cell.value = value
    else:
        cell.value = str(value)


def _add_chart(sheet, section: dict, columns: tuple[int, int]) -> None:
    """A clustered column chart of two value columns against the first column."""
    last_row = len(section["rows"]) + 1
    if section["rows"] and section["rows"][-1][0] == _("City total"):
        last_row -= 1
    if last_row < 2:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = section["title"]
    chart.y_axis.title = section["columns"][columns[0] - 1]
    data = Reference(sheet, min_col=columns[0], max_col=columns[1], min_row=1, max_row=last_row)
    categories = Reference(sheet, min_col=1, min_row=2, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, f"{chr(ord('A') + len(section['columns']) + 1)}2")


def report_workbook(summary: dict) -> bytes:
    """The report's sections as sheets, with charts of starts against quota and of funds."""
    workbook = PortalWorkbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for section in summary["sections"]:
        sheet = workbook.create_sheet(section["title"][:31])
        for column, label in enumerate(section["columns"], start=1):
            cell = sheet.cell(row=1, column=column, value=label)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            sheet.column_dimensions[cell.column_letter].width = 14 if column > 1 else 18
        for row_number, row in enumerate(section["rows"], start=2):
            for column, (value, kind) in enumerate(zip(row, section["kinds"], strict=True), 1):
                _write_cell(sheet, row_number, column, value, kind)
        if section["note"]:
            sheet.cell(row=len(section["rows"]) + 3, column=1, value=section["note"])
        sheet.freeze_panes = "B2"
        if section["key"] in CHARTS:
            _add_chart(sheet, section, CHARTS[section["key"]])
    cover = workbook.create_sheet(_("About"), 0)
    cover.append([_("Supervision report"), summary["period"]])
    cover.append([_("Figures as of"), summary["as_of"]])
    cover.column_dimensions["A"].width = 24
    return workbook_bytes(workbook)
