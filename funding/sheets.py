"""The disbursement sheet (拨付表): streamed in key-ordered batches with openpyxl's write-only
mode, so memory stays flat however many tranches it holds. Text that looks like a formula is
written as text by PortalWorkbook (communities/workbooks.py)."""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from communities.workbooks import PortalWorkbook

from .choices import PAYABLE_STATES, PolicyRoute, TrancheStage, TrancheState
from .models import Tranche
from .money import HUNDRED, ZERO

BATCH_SIZE = 2000
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"


# (header, width, number format) in the order of DESIGN §3; the headers have their own
# translation context so that they read exactly as the finance bureau names them.
COLUMNS = [
    (pgettext_lazy("disbursement sheet", "No."), 6, None),
    (pgettext_lazy("disbursement sheet", "Subdistrict"), 10, None),
    (pgettext_lazy("disbursement sheet", "Community"), 14, None),
    (pgettext_lazy("disbursement sheet", "Project"), 32, None),
    (pgettext_lazy("disbursement sheet", "Route"), 14, None),
    (pgettext_lazy("disbursement sheet", "Investment"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Policy handling fee"), 14, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy base"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy rate"), 10, PERCENT_FORMAT),
    (pgettext_lazy("disbursement sheet", "Subsidy total"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Stage of this payment"), 22, None),
    (pgettext_lazy("disbursement sheet", "Amount of this payment"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Paid to date"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Still to pay"), 16, MONEY_FORMAT),
    (pgettext_lazy("disbursement sheet", "Approval document number"), 22, None),
    (pgettext_lazy("disbursement sheet", "Acceptance date"), 12, "yyyy-mm-dd"),
    (pgettext_lazy("disbursement sheet", "Remarks"), 30, None),
]
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


def with_paid_to_date(tranches):
    """Annotate each tranche with what its plan or project has been paid so far."""
    money = DecimalField(max_digits=14, decimal_places=2)

    def paid_for(field):
        paid = (
            Tranche.objects.filter(state=TrancheState.PAID, **{field: OuterRef(field)})
            .order_by()
            .values(field)
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)

    return tranches.annotate(plan_paid=paid_for("plan_id"), project_paid=paid_for("project_id"))


def iterate_in_batches(tranches, batch_size: int = BATCH_SIZE):
    """Rows in primary-key order, one bounded query per batch."""
    last_pk = 0
    rows = with_paid_to_date(tranches.with_related()).order_by("pk")
    while True:
        batch = list(rows.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


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
    sheet.freeze_panes = "A4"
    for index, (_header, width, _format) in enumerate(COLUMNS):
        sheet.column_dimensions[_column_letter(index)].width = width
    title = _("Disbursement sheet of community facility subsidies")
    sheet.append([_styled(sheet, title, font=Font(bold=True, size=14))])
    sheet.append(
        [
            _("Filters: %(filters)s · made %(date)s")
            % {"filters": filter_summary, "date": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        ]
    )
    sheet.append([_header_cell(sheet, header) for header, _w, _f in COLUMNS])
    formats = [number_format for _h, _w, number_format in COLUMNS]
    summary = defaultdict(lambda: [0, ZERO, ZERO, ZERO])
    total = ZERO
    count = 0
    labels = _Labels()
    for count, tranche in enumerate(iterate_in_batches(tranches, batch_size), start=1):
        values = _row(count, tranche, labels)
        sheet.append(
            [_value_cell(sheet, value, fmt) for value, fmt in zip(values, formats, strict=True)]
        )
        total += tranche.amount
        figures = summary[tranche.subdistrict.name]
        figures[0] += 1
        figures[1] += tranche.amount
        if tranche.state == TrancheState.PAID:
            figures[2] += tranche.amount
        elif tranche.state in PAYABLE_STATES:
            figures[3] += tranche.amount
        if progress and count % batch_size == 0:
            progress(count)
    totals = [None] * len(COLUMNS)
    totals[1] = _styled(sheet, _("Total"), font=BOLD)
    totals[AMOUNT_COLUMN] = _styled(sheet, total, font=BOLD, number_format=MONEY_FORMAT)
    sheet.append(totals)
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


def _row(number: int, tranche: Tranche, labels: _Labels) -> list:
    subject = tranche.plan if tranche.plan_id else tranche.project
    inputs = tranche.inputs or {}
    paid = tranche.plan_paid + tranche.project_paid
    is_plan = tranche.plan_id is not None
    remarks = [labels.state[tranche.state]]
    if tranche.voucher_number:
        remarks.append(labels.voucher % {"number": tranche.voucher_number})
    if tranche.note:
        remarks.append(tranche.note)
    return [
        number,
        tranche.subdistrict.name,
        subject.community.name,
        str(subject),
        labels.route[tranche.route],
        _decimal(inputs.get("investment")),
        _decimal(inputs.get("policy_fee")),
        tranche.base,
        None if tranche.rate is None else tranche.rate / HUNDRED,
        tranche.subsidy_total,
        labels.stage[tranche.stage],
        tranche.amount,
        paid,
        tranche.subsidy_total - paid,
        subject.approval_number if is_plan else "",
        subject.acceptance_date if is_plan else None,
        "；".join(remarks),
    ]


def _write_summary(workbook, summary) -> None:
    sheet = workbook.create_sheet(_("By subdistrict"))
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(SUMMARY_COLUMNS):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.append([_header_cell(sheet, header) for header, _w in SUMMARY_COLUMNS])
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


def _styled(sheet, value, *, font=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)
