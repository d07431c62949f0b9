"""List pages: sorted by any column, searched by text, paged by the reader's choice, and exported
to Excel exactly as filtered.

A list page is a django-filter ``FilterView`` with ``ListPageMixin`` before it. It declares its
columns once, as ``Column``s: the key of ``?sort=``, the heading, the value a row exports and, for
a sortable column, the database ordering. Every request reads the rows through the page's one
FilterSet (so the page, the API and the export can never disagree on what a filter means), sorts
them in the database, and then either renders one page of them or, with ``?export=xlsx``, writes
all of them, in the same order, to a write-only ``PortalWorkbook`` that streams rows to disk as
they are read in chunks: a province-wide list never sits in memory at once.

    class TrancheListView(ListPageMixin, RoleRequiredMixin, RestrictedQuerysetMixin, FilterView):
        filterset_class = TrancheFilterSet  # with  q = TextSearchFilter(fields=(...))
        columns = (
            Column("community", _("Community"), "community.name", order_by=("community__name",)),
            Column("amount", _("Amount (yuan)"), "amount", order_by=("amount",), width=14),
            Column("state", _("State"), "get_state_display", order_by=("state",)),
        )
        default_sort = "-due_on"
        export_filename = _("tranches")

In the template, ``{% load listing %}``; each heading is ``{% sort_header "community" %}``
(``css="num"`` for figures), ``{% include "includes/list_tools.html" %}`` gives the result count,
the page-size choice and the export button, and ``includes/pagination.html`` the pages.

Why not django-tables2: its export goes through tablib, which writes formulas from cells that
start with "=", bypassing the portal's one formula-safe writer, and loads every row into memory;
its rendered tables would replace the pages' hand-made cells (badges, links, amounts with their
explanations). Sorting, paging and a streamed export are the small part it would give.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from .printing import apply_print_setup
from .workbooks import PortalWorkbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZES = (25, 50, 100, 200)
# Rows read from the database at a time while an export is written.
EXPORT_CHUNK = 1000
# At most this many words of a search are used, each of which must match one of the fields.
SEARCH_WORDS = 5
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    """One column of a list: its ``?sort=`` key, heading, exported value and ordering.

    ``value`` is a dotted attribute path from the row ("community.name", "get_state_display";
    a method found on the path is called) or a function of the row. ``order_by`` names the
    fields the database sorts by; a column without it is shown but not sortable.
    """

    key: str
    label: str | Promise
    value: str | Callable[[Any], Any]
    order_by: tuple[str, ...] = ()
    width: int = 16

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)

    def export_value(self, row):
        """The row's value as a spreadsheet cell holds it: numbers and dates keep their type."""
        if callable(self.value):
            value = self.value(row)
        else:
            value = row
            for name in self.value.split("."):
                value = getattr(value, name, None) if value is not None else None
                if callable(value):
                    value = value()
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        if isinstance(value, (bool, int, float, Decimal, date)):
            return value
        return str(value)


class TextSearchFilter(django_filters.CharFilter):
    """``?q=``: every word of the search must appear in one of ``fields`` (case-insensitive).

    ``distinct=True`` for fields across a to-many relation, so a row matched twice shows once.
    """

    def __init__(self, *, fields: tuple[str, ...], distinct: bool = False, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)
        self.search_fields = fields
        self.search_distinct = distinct

    def filter(self, qs, value):
        words = (value or "").split()[:SEARCH_WORDS]
        for word in words:
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(matches)
        return qs.distinct() if words and self.search_distinct else qs


class ListPageMixin:
    """Sorting, page size and the Excel export of a FilterView list; see the module docstring."""

    columns: tuple[Column, ...] = ()
    # "key" or "-key" of a sortable column; None keeps the queryset's own order.
    default_sort: str | None = None
    page_size_choices = PAGE_SIZES
    paginate_by = 50
    export_filename: str | Promise = _("list")

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            rows = self.filterset.qs
        else:
            rows = self.filterset.queryset.none()
        self.object_list = self.sort(rows)
        if request.GET.get("export") == "xlsx":
            return self.export()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def current_sort(self) -> tuple[Column | None, bool]:
        """The column the rows are sorted by, and whether descending; from ``?sort=`` when it
        names a sortable column, else the default."""
        by_key = {column.key: column for column in self.columns if column.sortable}
        for requested in (self.request.GET.get("sort", ""), self.default_sort or ""):
            descending = requested.startswith("-")
            column = by_key.get(requested.removeprefix("-"))
            if column is not None:
                return column, descending
        return None, False

    def sort(self, rows):
        """The rows in the chosen column's order, empty values last, then by primary key so that
        pages never repeat or skip a row."""
        column, descending = self.current_sort()
        if column is None:
            return rows
        direction = "desc" if descending else "asc"
        ordering = [getattr(F(field), direction)(nulls_last=True) for field in column.order_by]
        return rows.order_by(*ordering, "-pk" if descending else "pk")

    def get_paginate_by(self, queryset):
        requested = self.request.GET.get("per_page", "")
        if requested.isdigit() and int(requested) in self.page_size_choices:
            return int(requested)
        return self.paginate_by

    def get_context_data(self, **kwargs):
        column, descending = self.current_sort()
        kwargs.update(
            list_columns={column.key: column for column in self.columns},
            list_sort=(("-" if descending else "") + column.key) if column else "",
            page_size_choices=self.page_size_choices,
            per_page=self.get_paginate_by(None),
        )
        return super().get_context_data(**kwargs)

    def export(self):
        """All the filtered rows, in the page's order, as one sheet with the page's columns."""
        workbook = PortalWorkbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.export_filename)[:31])
        apply_print_setup(sheet, title_rows=1, widths=[column.width for column in self.columns])
        sheet.freeze_panes = "A2"
        sheet.append([self._heading(sheet, column.label) for column in self.columns])
        for row in self.object_list.iterator(chunk_size=EXPORT_CHUNK):
            sheet.append([self._cell(sheet, column.export_value(row)) for column in self.columns])
        # FileResponse closes the file once it is sent, and a TemporaryFile is gone when closed.
        target = tempfile.TemporaryFile()  # noqa: SIM115
        workbook.save(target)
        target.seek(0)
        filename = f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )

    @staticmethod
    def _heading(sheet, label):
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    @staticmethod
    def _cell(sheet, value):
        if isinstance(value, (Decimal, date)):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            else:
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
            return cell
        if isinstance(value, str) and len(value) > 40:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            return cell
        return value
