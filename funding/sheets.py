"""The disbursement sheet (拨付表): streamed in key-ordered batches with openpyxl's write-only
mode, so memory stays flat however many tranches it holds. Text that looks like a formula is
written as text by PortalWorkbook (communities/workbooks.py)."""

import math
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from communities.printing import apply_print_setup
from communities.workbooks import ColumnLook, PortalWorkbook, set_look

from .choices import (
    PAYABLE_STATES,
    SIGNATURE_ROLES,
    PolicyRoute,
    TrancheStage,
    TrancheState,
    route_of,
)
from .models import Tranche
from .money import HUNDRED, ZERO

BATCH_SIZE = 2000
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"


# (header, width, number format) in the order of DESIGN §3; the headers have their own
# translation context so that they read exactly as the finance bureau names them.
COLUMNS = [
    (pgettext_lazy("disbursement sheet", "No."), 5, None),
    (pgettext_lazy("disbursement sheet", "Subdistrict"), 10, None),
    (pgettext_lazy("disbursement sheet", "Community"), 11, None),
    (pgettext_lazy("disbursement sheet", "Project"), 20, None),
    (pgettext_lazy("disbursement sheet", "Route"), 10, None),
    (pgettext_lazy("disbursement sheet", "Investment"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Policy handling fee"), 11, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy base"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy rate"), 8, PERCENT_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy total"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Stage of this payment"), 14, None),
    (pgettext_lazy("disbursement sheet", "Amount of this payment"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Paid to date"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Still to pay"), 13, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Approval document number"), 14, None),
    (pgettext_lazy("disbursement sheet", "Acceptance date"), 11, "yyyy-mm-dd"),
    (pgettext_lazy("disbursement sheet", "Remarks"), 18, None),
]
WIDTHS = [width for _h, width, _f in COLUMNS]
# Text columns whose long values wrap within their width instead of running past the page.
WRAPPED_COLUMNS = {1, 2, 3, 4, 10, 14, 16}
# The title, the filters line and the column headings repeat at the top of every printed page.
TITLE_ROWS = 3
# Points per printed line of wrapped text, and where wide (CJK) characters start.
LINE_HEIGHT = 15
WIDE_FROM = 0x2E80
_WIDE_CHARACTER = re.compile(f"[{chr(WIDE_FROM)}-{chr(0x10FFFF)}]")
# The signature block under the totals: each label, then a ruled space to sign in, at these
# zero-based columns (label, first and last ruled column).
SIGNATURE_PLACES = ((1, 2, 3), (5, 6, 7), (9, 10, 11), (13, 14, 15))
AMOUNT_COLUMN = 11  # zero-based index of "Amount of this payment"
SUMMARY_COLUMNS = [
    (pgettext_lazy("disbursement sheet", "Subdistrict"), 12),
    (pgettext_lazy("disbursement sheet", "Tranches"), 10),
    (pgettext_lazy("disbursement sheet", "Amount of these payments"), 18),
    (pgettext_lazy("disbursement sheet", "of which paid"), 18),
    (pgettext_lazy("disbursement sheet", "of which due or approved"), 18),
]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
SIGNATURE_LINE = Border(bottom=Side(style="thin"))


# What a sheet row reads, and nothing more: no whole model rows, no JSON column but the two
# inputs the sheet shows.
ROW_FIELDS = (
    "pk",
    "plan_id",
    "project_id",
    "subdistrict__name",
    "plan__title",
    "plan__community__name",
    "plan__approval_number",
    "plan__acceptance_date",
    "project__community__name",
    "inputs__investment",
    "inputs__policy_fee",
    "base",
    "rate",
    "subsidy_total",
    "stage",
    "amount",
    "state",
    "voucher_number",
    "note",
)


def _paid_to_date(field: str) -> Subquery:
    """What the row's plan (or project, by ``field``) has been paid so far, over all its
    tranches, not only those of the sheet or of the batch: read for each row from the partial
    index of paid tranches, in the row's own query."""
    paid = (
        Tranche.objects.filter(state=TrancheState.PAID, **{field: OuterRef(field)})
        .order_by()
        .values(field)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(paid)


def iterate_in_batches(tranches, batch_size: int = BATCH_SIZE):
    """Row values in primary-key order, one bounded query per batch that also reads what each
    row's plan or project has been paid to date (a tranche has one or the other)."""
    last_pk = 0
    paid = Coalesce(_paid_to_date("plan_id"), _paid_to_date("project_id"), Value(ZERO))
    rows = tranches.order_by("pk").annotate(paid=paid).values(*ROW_FIELDS, "paid")
    while True:
        batch = list(rows.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1]["pk"]


def write_disbursement_sheet(
    tranches,
    target: Path,
    *,
    filter_summary: str,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write the filtered tranches to ``target``; returns the number of rows written."""
    workbook = PortalWorkbook(write_only=True)
    sheet = workbook.create_sheet(_("Disbursement sheet"))
    apply_print_setup(sheet, title_rows=TITLE_ROWS, widths=WIDTHS)
    sheet.freeze_panes = "A4"
    title = _("Disbursement sheet of community facility subsidies")
    sheet.append([_styled(sheet, title, font=Font(bold=True, size=14))])
    sheet.append(
        [
            _("Filters: %(filters)s · made %(date)s")
            % {"filters": filter_summary, "date": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        ]
    )
    headers = [str(header) for header, _w, _f in COLUMNS]
    sheet.append(
        [_header_cell(sheet, header) for header in headers],
        height=_row_height(headers, WIDTHS, bold=True),
    )
    looks = _body_looks(sheet)
    summary = defaultdict(lambda: [0, ZERO, ZERO, ZERO])
    total = ZERO
    count = 0
    labels = _Labels()
    for count, tranche in enumerate(iterate_in_batches(tranches, batch_size), start=1):
        values = _row(count, tranche, labels)
        sheet.append(values, looks=looks, height=_row_height(values, WIDTHS, WRAPPED_COLUMNS))
        amount = tranche["amount"]
        total += amount
        figures = summary[tranche["subdistrict__name"]]
        figures[0] += 1
        figures[1] += amount
        if tranche["state"] == TrancheState.PAID:
            figures[2] += amount
        elif tranche["state"] in PAYABLE_STATES:
            figures[3] += amount
        if progress and count % batch_size == 0:
            progress(count)
    totals = [None] * len(COLUMNS)
    totals[1] = _styled(sheet, _("Total"), font=BOLD)
    totals[AMOUNT_COLUMN] = _styled(sheet, total, font=BOLD, number_format=MONEY_FORMAT)
    sheet.append(totals)
    sheet.append([])
    _write_signatures(sheet)
    _write_summary(workbook, summary)
    workbook.save(target)
    if progress:
        progress(count)
    return count


class _Labels:
    """Translated choice labels, looked up once per sheet instead of once per cell."""

    def __init__(self):
        self.state = {value: str(label) for value, label in TrancheState.choices}
        self.stage = {value: str(label) for value, label in TrancheStage.choices}
        self.route = {value: str(label) for value, label in PolicyRoute.choices}
        self.voucher = _("voucher %(number)s")


def _row(number: int, tranche: dict, labels: _Labels) -> list:
    is_plan = tranche["plan_id"] is not None
    paid = tranche["paid"]
    remarks = [labels.state[tranche["state"]]]
    if tranche["voucher_number"]:
        remarks.append(labels.voucher % {"number": tranche["voucher_number"]})
    if tranche["note"]:
        remarks.append(tranche["note"])
    rate = tranche["rate"]
    # A plan is named by its title, a project by its community (their __str__).
    if is_plan:
        community, subject = tranche["plan__community__name"], tranche["plan__title"]
    else:
        community = subject = tranche["project__community__name"]
    return [
        number,
        tranche["subdistrict__name"],
        community,
        subject,
        labels.route[route_of(tranche["plan_id"])],
        _decimal(tranche["inputs__investment"]),
        _decimal(tranche["inputs__policy_fee"]),
        tranche["base"],
        None if rate is None else rate / HUNDRED,
        tranche["subsidy_total"],
        labels.stage[tranche["stage"]],
        tranche["amount"],
        paid,
        tranche["subsidy_total"] - paid,
        tranche["plan__approval_number"] if is_plan else "",
        tranche["plan__acceptance_date"] if is_plan else None,
        "；".join(remarks),
    ]


def _row_height(values, widths, columns=None, *, bold=False) -> float | None:
    """The height a row's wrapped text needs (of the columns ``columns``, else all), or None for
    one line: a spreadsheet program does not measure the rows of a streamed sheet, so without it
    wrapped text would print cut at one line. Bold headings get a line to spare."""
    lines = 1
    for index in range(len(values)) if columns is None else columns:
        value = values[index]
        # Text that takes no more lines than the row has so far even if every character is wide
        # cannot make the row taller: only the rest is counted.
        if isinstance(value, str) and 2 * len(value) > (widths[index] - 1) * lines:
            lines = max(lines, _line_count(value, widths[index]))
    return LINE_HEIGHT * (lines + bold) if lines > 1 else None


def _line_count(value, width: int) -> int:
    """About how many lines ``value`` takes in a column ``width`` characters wide (a Chinese
    character is as wide as two Latin ones)."""
    if not isinstance(value, str) or not value:
        return 1
    room = max(width - 1, 1)
    length = len(value)
    if 2 * length <= room:
        return 1
    # In UTF-8 a wide character takes two bytes or more beyond one, so the bytes bound how many
    # there can be: when none and that many make as many lines, the characters need no count.
    most_wide = (len(value.encode()) - length) // 2
    lines = math.ceil((length + most_wide) / room)
    if lines == math.ceil(length / room):
        return lines
    return math.ceil((length + len(_WIDE_CHARACTER.findall(value))) / room)


def _write_signatures(sheet) -> None:
    """The block finance documents end with: prepared by, checked by, head of unit, date, each
    with a ruled space, in the sheet's language."""
    row = [None] * len(COLUMNS)
    for role, (label, first, last) in zip(SIGNATURE_ROLES, SIGNATURE_PLACES, strict=True):
        row[label] = _styled(sheet, _("%(role)s:") % {"role": role}, font=BOLD)
        for index in range(first, last + 1):
            row[index] = _styled(sheet, None, border=SIGNATURE_LINE)
    sheet.append(row)


def _write_summary(workbook, summary) -> None:
    sheet = workbook.create_sheet(_("By subdistrict"))
    widths = [width for _h, width in SUMMARY_COLUMNS]
    apply_print_setup(sheet, title_rows=1, widths=widths)
    sheet.freeze_panes = "A2"
    headers = [str(header) for header, _w in SUMMARY_COLUMNS]
    sheet.append(
        [_header_cell(sheet, header) for header in headers],
        height=_row_height(headers, widths, bold=True),
    )
    grand = [0, ZERO, ZERO, ZERO]
    for name in sorted(summary):
        figures = summary[name]
        sheet.append([name, figures[0], *_money_cells(sheet, figures[1:])])
        grand = [a + b for a, b in zip(grand, figures, strict=True)]
    sheet.append([_styled(sheet, _("Total"), font=BOLD), grand[0], *_money_cells(sheet, grand[1:])])


def _money_cells(sheet, amounts):
    return [_value_cell(sheet, amount, MONEY_FORMAT) for amount in amounts]


def _value_cell(sheet, value, number_format):
    if number_format is None:
        return value
    return _styled(sheet, value, number_format=number_format)


def _header_cell(sheet, header):
    cell = _styled(sheet, str(header), font=BOLD)
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _body_looks(sheet) -> list[ColumnLook]:
    """The look of each column's values: text of the wrapped columns wraps, figures get their
    number format, and all sit at the top of their row."""
    return [
        ColumnLook(
            sheet,
            alignment=WRAP if index in WRAPPED_COLUMNS else TOP,
            number_format=number_format,
        )
        for index, (_header, _width, number_format) in enumerate(COLUMNS)
    ]


def _styled(sheet, value, *, font=None, number_format=None, border=None):
    cell = WriteOnlyCell(sheet, value=value)
    set_look(cell, font=font, number_format=number_format, border=border)
    return cell


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
