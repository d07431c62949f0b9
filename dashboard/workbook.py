"""Workbooks of the dashboard: the coverage matrix with the page's colours, and the one-page
summary with a native chart per figure."""

import re
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from communities.choices import FacilityType
from communities.printing import apply_print_setup
from communities.workbooks import PortalWorkbook

from .coverage import NOT_ASSESSED_FILL, STATUS_FILLS, cells

# Characters a sheet name may not hold.
SHEET_UNSAFE = re.compile(r"[][:*?/\\\\]")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def fill(hex_colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=hex_colour, end_color=hex_colour)


def _bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def coverage_workbook(communities, *, title: str) -> bytes:
    """One row per community, one column per facility type; each cell the status and the
    shortfall in words, filled with the colour the page shows."""
    workbook = PortalWorkbook()
    sheet = workbook.active
    sheet.title = _("Coverage")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("Subdistrict"), _("Community"), *(str(label) for label in FacilityType.labels)]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = BOLD
    for community in communities:
        rows = cells(community)
        sheet.append(
            [
                community.subdistrict.name,
                community.name,
                *(
                    f"{row.get_status_display()}: {row.shortfall_text}"
                    if row
                    else _("Not assessed")
                    for row in rows
                ),
            ]
        )
        for offset, row in enumerate(rows, start=3):
            cell = sheet.cell(row=sheet.max_row, column=offset)
            cell.fill = fill(STATUS_FILLS[row.status] if row else NOT_ASSESSED_FILL)
            cell.alignment = WRAP
    apply_print_setup(sheet, title_rows=2, widths=[10, 12, *([24] * len(FacilityType.values))])
    return _bytes(workbook)


def summary_workbook(figures, goal, *, title: str) -> bytes:
    """The dashboard on sheets: the summary, then one sheet per figure with its table and a
    native chart of it."""
    workbook = PortalWorkbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([title])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([_("Communities"), goal["total"]])
    summary.append([_("Reached by the programme"), goal["covered"]])
    summary.append([_("Remaining"), goal["remaining"]])
    apply_print_setup(summary, title_rows=1, landscape=False, widths=[30, 14])
    for index, figure in enumerate(figures, start=1):
        sheet = workbook.create_sheet(SHEET_UNSAFE.sub("-", f"{index} {figure.title}")[:31])
        sheet.append([figure.title])
        sheet["A1"].font = BOLD
        sheet.append(["", *(str(series.label) for series in figure.series)])
        for cell in sheet[2]:
            cell.font = BOLD
        for label, values in figure.rows:
            sheet.append([str(label), *(value for value, _link in values)])
        apply_print_setup(sheet, title_rows=2, widths=[26, *([16] * len(figure.series))])
        if not figure.labels:
            continue
        chart = LineChart() if figure.chart == "line" else BarChart()
        chart.title = figure.title
        if figure.stacked and figure.chart != "line":
            chart.grouping = "stacked"
            chart.overlap = 100
        last_row = 2 + len(figure.labels)
        data = Reference(
            sheet, min_col=2, max_col=1 + len(figure.series), min_row=2, max_row=last_row
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last_row))
        chart.width, chart.height = 22, 10
        sheet.add_chart(chart, f"A{last_row + 2}")
    return _bytes(workbook)
