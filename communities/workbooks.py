"""Every workbook the portal writes is a PortalWorkbook, in which text is always text.

A community, a plan or a remark named ``=HYPERLINK("http://x","y")``, ``+1``, ``-2``,
``@SUM(A1)`` or starting with a tab or a carriage return must reach the reader's spreadsheet
program as that text, never as a formula it would run. Such text is written as a string cell
(data_type "s") with Excel's quotePrefix flag, its value exactly as typed. Not with a leading
apostrophe: inside a file the apostrophe is part of the text, so Excel and LibreOffice show it
and sorting, lookups and a re-import see "'=…" instead of the name. A string cell is never
evaluated, and quotePrefix is how Excel itself stores a typed leading apostrophe, so the cell
stays text even when someone edits it. Numbers (Decimal, int, float, negative ones included)
and dates are not text: they keep their types and number formats.

The portal writes no formula of its own (totals are computed in Python), so every text cell is
made a string cell: one rule, applied here, for every sheet written now and later.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text openpyxl would not store as a string: "=…" becomes a formula, "#N/A" an error value.
_NOT_STORED_AS_TEXT = frozenset(ERROR_CODES)


def is_formula_like(value) -> bool:
    """Whether a spreadsheet program could take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def keep_as_text(cell: Cell) -> None:
    """Make a cell that holds text a string cell, which stays text when it is edited."""
    value = cell.value
    if not isinstance(value, str):
        return
    if cell.data_type != "s":
        cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _text_safe(sheet, value):
    """A row value as a write-only sheet should receive it: risky text as a string cell."""
    if type(value) is str:
        if value.startswith(FORMULA_STARTS) or value in _NOT_STORED_AS_TEXT:
            cell = WriteOnlyCell(sheet, value=value)
            keep_as_text(cell)
            return cell
    elif isinstance(value, Cell):
        keep_as_text(value)
    return value


class _TextSafeWriteOnlySheet(WriteOnlyWorksheet):
    """A write-only sheet streams each row to disk as it is appended: rows are made safe then."""

    def append(self, row):
        """Append one row, risky text written as text."""
        super().append([_text_safe(self, value) for value in row])

    def _values_to_row(self, values, row_idx):
        """openpyxl's own, except that a cell appended is taken as that cell straight away
        instead of first failing as a value (an exception per styled cell of a large sheet)."""
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            cell = value if isinstance(value, Cell) else WriteOnlyCell(self, value=value)
            cell.column = column
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell


class PortalWorkbook(Workbook):
    """An openpyxl workbook in which no text cell is ever written as a formula."""

    def create_sheet(self, title=None, index=None):
        """A new sheet; in write-only mode one that makes each row safe as it is appended."""
        if not self.write_only:
            return super().create_sheet(title=title, index=index)
        sheet = _TextSafeWriteOnlySheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename) -> None:
        """Save the workbook, every text cell of its ordinary sheets first made a string cell."""
        if not self.write_only:
            # However a cell was filled (append, sheet.cell, sheet["A1"]), it is checked here.
            for sheet in self.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        keep_as_text(cell)
        super().save(filename)


def workbook_bytes(workbook: PortalWorkbook) -> bytes:
    """The saved workbook as bytes, for a download."""
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
