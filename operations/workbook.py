"""The supervision report as an Excel workbook: one sheet per section, native bar charts.

Every sheet prints on A4 landscape, one page wide, its heading row on each page, page numbers in
the footer (communities.printing); text columns are wide enough to read and wrap, and a chart
sits under its table, within the columns that print, never beside it past the page edge.
"""

import math
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from communities.printing import apply_print_setup
from communities.workbooks import PortalWorkbook, workbook_bytes

MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"
# Which sections get a chart, and which two value columns (1-based) it plots.
CHARTS = {"starts": (2, 3), "funds": (2, 3)}
# Column widths in characters: a number column, the first (name) column, other text columns,
# and the longest a text column grows to before it wraps.
NUMBER_WIDTH, FIRST_WIDTH, TEXT_WIDTH, TEXT_MAX_WIDTH = 14, 18, 18, 60
# The columns under a chart are at least this wide (characters); the chart is this many rows
# high and, in centimetres, as wide as the columns (a character of column width prints about
# CM_PER_CHARACTER wide) but no wider than CHART_MAX_CM.
CHART_MIN_WIDTH, CHART_ROWS, CHART_MAX_CM, CM_PER_CHARACTER = 90, 18, 16, 0.18
WRAP = Alignment(wrap_text=True, vertical="top")
HEADING_OVER_FIGURES = Alignment(wrap_text=True, vertical="top", horizontal="right")
# Excel's default row height in points, and roughly how many points a character of column
# width takes (for the height of a wrapped note).
LINE_HEIGHT = 15


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
        cell.alignment = WRAP


def _text_width(text) -> int:
    """How many character widths a text takes: a Han character counts two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in str(text))


def column_widths(section: dict) -> list[int]:
    """Each column's width: numbers a fixed width, text as wide as its longest entry up to a
    maximum past which it wraps."""
    widths = []
    for index, (label, kind) in enumerate(zip(section["columns"], section["kinds"], strict=True)):
        if kind != "text":
            widths.append(max(NUMBER_WIDTH, min(_text_width(label) + 2, 24)))
            continue
        longest = max([_text_width(label), *(_text_width(row[index]) for row in section["rows"])])
        least = FIRST_WIDTH if index == 0 else TEXT_WIDTH
        widths.append(max(least, min(longest + 2, TEXT_MAX_WIDTH)))
    return widths


def _write_note(sheet, row: int, note: str, widths: list[int]) -> int:
    """The section's note under the table, across all its columns, wrapped; returns the row
    after it."""
    last = max(len(widths), 1)
    sheet.cell(row=row, column=1, value=note).alignment = WRAP
    if last > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    lines = max(1, math.ceil(_text_width(note) / max(sum(widths) - 2, 10)))
    # A merged cell does not grow with its text in spreadsheet programs: set its height.
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 4
    return row + 1


def chart_width_cm(widths: list[int]) -> float:
    """A chart's width that stays within the printed columns under which it sits."""
    return min(CHART_MAX_CM, round(sum(widths) * CM_PER_CHARACTER - 0.5, 1))


def _add_chart(sheet, section: dict, columns: tuple[int, int], *, row: int, widths) -> None:
    """A clustered column chart of two value columns against the first column, anchored in
    column A at ``row``, under the table."""
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
    chart.width, chart.height = chart_width_cm(widths), 8.5
    sheet.add_chart(chart, f"A{row}")


def report_workbook(summary: dict) -> bytes:
    """The report's sections as sheets, with charts of starts against quota and of funds."""
    workbook = PortalWorkbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for section in summary["sections"]:
        sheet = workbook.create_sheet(section["title"][:31])
        widths = column_widths(section)
        if section["key"] in CHARTS and sum(widths) < CHART_MIN_WIDTH:
            # Widen every column alike so the chart under the table lies within the print width.
            extra = math.ceil((CHART_MIN_WIDTH - sum(widths)) / len(widths))
            widths = [width + extra for width in widths]
        apply_print_setup(sheet, title_rows=1, widths=widths)
        for column, (label, kind) in enumerate(
            zip(section["columns"], section["kinds"], strict=True), start=1
        ):
            cell = sheet.cell(row=1, column=column, value=label)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            # A figure's heading stands over its figures, at the right.
            cell.alignment = WRAP if kind == "text" else HEADING_OVER_FIGURES
        for row_number, row in enumerate(section["rows"], start=2):
            for column, (value, kind) in enumerate(zip(row, section["kinds"], strict=True), 1):
                _write_cell(sheet, row_number, column, value, kind)
        next_row = len(section["rows"]) + 3
        if section["note"]:
            next_row = _write_note(sheet, next_row, section["note"], widths) + 1
        sheet.freeze_panes = "B2"
        if section["key"] in CHARTS:
            _add_chart(sheet, section, CHARTS[section["key"]], row=next_row, widths=widths)
            next_row += CHART_ROWS
        # The print area: the table, its note and its chart, and nothing past the last column.
        sheet.print_area = f"A1:{get_column_letter(len(widths))}{max(next_row - 1, 1)}"
    cover = workbook.create_sheet(_("About"), 0)
    cover.append([_("Supervision report"), summary["period"]])
    cover.append([_("Figures as of"), summary["as_of"]])
    apply_print_setup(cover, title_rows=0, widths=[24, 24])
    return workbook_bytes(workbook)
