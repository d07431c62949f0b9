"""How every workbook the portal writes prints: A4, one page wide, header rows on every page.

A finance clerk or a supervisor opens the file in a spreadsheet program and prints it. Without a
page set-up a wide sheet splits its columns across pages and a long one loses its header after
the first page. ``apply_print_setup`` is the one place that decides how a sheet prints, for
ordinary sheets and for the write-only ones large lists are streamed into (call it before the
first row is appended: a write-only sheet writes its column widths with the first row).
"""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Margins in inches: narrow enough for wide tables, wide enough for a binder's holes.
MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)


def apply_print_setup(sheet, *, title_rows: int = 1, landscape: bool = True, widths=None) -> None:
    """Print ``sheet`` on A4, fitted to one page wide and as many pages long as it needs, its
    first ``title_rows`` rows repeated at the top of each page, "page n of m" in the footer.

    ``widths`` (characters, one per column from A) sets the column widths, so text is wrapped
    within a width that fits the page rather than running past its edge.
    """
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = (
        Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    )
    setup.fitToWidth = 1
    # 0: as many pages down as the rows need; only the width is fitted.
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = MARGINS
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    # &P and &N are the spreadsheet's own page number and page count.
    sheet.oddFooter.center.text = "&P / &N"
    sheet.evenFooter.center.text = "&P / &N"
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
