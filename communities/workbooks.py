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

from copy import copy
from io import BytesIO
from itertools import repeat

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text openpyxl would not store as a string: "=…" becomes a formula, "#N/A" an error value.
_NOT_STORED_AS_TEXT = frozenset(ERROR_CODES)


def keep_as_text(cell: Cell) -> None:
    """Make a cell that holds text a string cell, which stays text when it is edited."""
    value = cell.value
    if not isinstance(value, str):
        return
    if cell.data_type != "s":
        cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _is_risky_text(value) -> bool:
    """Text openpyxl would not store as text as it stands."""
    return isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value in _NOT_STORED_AS_TEXT
    )


def set_look(cell: Cell, **look) -> None:
    """Give ``cell`` the look named (font, alignment, border, fill, number_format); a look given
    as None is left as it is."""
    for name, value in look.items():
        if value is not None:
            setattr(cell, name, value)


class ColumnLook(Cell):
    """How the values of one column of a streamed sheet look (font, alignment, number format),
    set when it is made and never changed after. Handed to ``append(row, looks=…)``, it holds
    each row's value in that column in turn: a sheet of a million cells makes one cell object
    per column, and looks the column's style up among the workbook's once, not once per cell."""

    __slots__ = ("_style_id",)

    def __init__(self, sheet, **look):
        super().__init__(sheet)
        self._style_id = None
        set_look(self, **look)

    @property
    def style_id(self):
        if self._style_id is None:
            self._style_id = super().style_id
        return self._style_id


class _RowHeight(RowDimension):
    """A height shared by the rows of that height (it holds no row number that is written):
    the attributes it gives each row's tag are worked out once, not once per row."""

    def __init__(self, sheet, height):
        super().__init__(sheet, ht=height)
        self._attributes = tuple(super().__iter__())

    def __iter__(self):
        return iter(self._attributes)


class _TextSafeWriteOnlySheet(WriteOnlyWorksheet):
    """A write-only sheet streams each row to disk as it is appended: rows are made safe then,
    in the one pass openpyxl makes over the row's values."""

    _appended = 0
    _looks = None

    def __init__(self, parent, title):
        super().__init__(parent, title)
        self._heights = {}

    def append(self, row, *, looks=None, height=None):
        """Append one row, risky text written as text. ``looks``: a ColumnLook (or None) per
        column, the look of the row's value in that column. ``height``: the row's height in
        points; it is forgotten once the row is written, so memory stays flat however many rows
        have their height."""
        self._appended += 1
        if height is not None:
            if height not in self._heights:
                self._heights[height] = _RowHeight(self, height)
            self.row_dimensions[self._appended] = self._heights[height]
        self._looks = looks
        try:
            super().append(row)
        finally:
            self._looks = None
            if height is not None:
                del self.row_dimensions[self._appended]

    def _values_to_row(self, values, row_idx):
        """openpyxl's own, except that risky text becomes a string cell, a value with a look
        takes it, and a cell appended is taken as that cell straight away instead of first
        failing as a value (an exception per styled cell of a large sheet)."""
        looks = self._looks
        pairs = zip(values, looks, strict=True) if looks else zip(values, repeat(None))
        # Like openpyxl, one plain cell serves every plain value: each is written before the next.
        plain = WriteOnlyCell(self)
        for column, (value, look) in enumerate(pairs, 1):
            if isinstance(value, Cell):
                cell = value
                keep_as_text(cell)
            elif _is_risky_text(value):
                # A cell of its own: its quotePrefix is part of its style.
                cell = WriteOnlyCell(self, value=value)
                if look is not None:
                    cell._style = copy(look._style)
                keep_as_text(cell)
            elif look is not None:
                cell = look
                cell.value = value
            elif value is None:
                continue
            else:
                cell = plain
                cell.value = value
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
