"""Supervision reports: request one, watch its progress, read it, download its file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from communities.listing import Column, ListPageMixin
from communities.mixins import RoleRequiredMixin
from communities.roles import has_role

from .. import services
from ..choices import ReportState
from ..filtersets import ReportFilterSet
from ..forms import ReportRequestForm
from ..models import SupervisionReport
from ..report import sections_in
from ..roles import REPORT_READERS, REPORT_WRITERS
from .base import ReadPageMixin, ServiceActionView

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportListView(ListPageMixin, ReadPageMixin, FilterView):
    """Reports requested so far, and the form to request one."""

    model = SupervisionReport
    required_roles = REPORT_READERS
    writing_roles = REPORT_WRITERS
    filterset_class = ReportFilterSet
    paginate_by = 25
    template_name = "operations/report_list.html"
    columns = (
        Column("period", _("Month"), "period", order_by=("period",), width=10),
        Column("state", _("State"), "get_state_display", order_by=("state",)),
        Column("progress", _("Progress"), "progress", order_by=("progress",), width=10),
        Column(
            "requested_by",
            _("Requested by"),
            lambda report: str(report.requested_by or _("Monthly schedule")),
            order_by=("requested_by__first_name", "requested_by__username"),
        ),
        Column("requested_at", _("Requested at"), "requested_at", order_by=("requested_at",)),
        Column("finished_at", _("Finished at"), "finished_at", order_by=("finished_at",)),
    )
    default_sort = "-requested_at"
    export_filename = _("supervision reports")

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by")

    def get_context_data(self, **kwargs):
        if has_role(self.request.user, *REPORT_WRITERS):
            kwargs.setdefault("latest_month", timezone.localdate().strftime("%Y-%m"))
            kwargs.setdefault(
                "request_form",
                ReportRequestForm(
                    initial={"period": services.previous_month(timezone.localdate())}
                ),
            )
        return super().get_context_data(**kwargs)


class ReportRequestView(RoleRequiredMixin, View):
    """Queue a report for a month; a second request joins the one already running."""

    required_roles = REPORT_WRITERS
    http_method_names = ["post"]

    def post(self, request):
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors["period"]))
            return redirect("operations:report_list")
        try:
            report, created = services.supervision_report_request(
                actor=request.user, period=form.cleaned_data["period"]
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("operations:report_list")
        if not created:
            messages.info(request, _("A report for this month is already being built."))
        return redirect(report.get_absolute_url())


class ReportDetailView(ReadPageMixin, DetailView):
    """The report's progress while it is built; its tables and file once done."""

    model = SupervisionReport
    required_roles = REPORT_READERS
    writing_roles = REPORT_WRITERS
    template_name = "operations/report_detail.html"

    def get_context_data(self, **kwargs):
        kwargs["states"] = ReportState
        kwargs["sections"] = sections_in(self.object.summary, translation.get_language())
        if self.object.state == ReportState.FAILED:
            kwargs["newer"] = (
                self.get_queryset()
                .filter(period=self.object.period, pk__gt=self.object.pk)
                .exclude(state=ReportState.FAILED)
                .order_by("-pk")
                .first()
            )
        return super().get_context_data(**kwargs)


class ReportStatusView(ReadPageMixin, View):
    """The report's state and progress as JSON, for the page that polls it."""

    model = SupervisionReport
    required_roles = REPORT_READERS

    def get(self, request, pk):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(
            {
                "state": report.state,
                "state_label": report.get_state_display(),
                "progress": report.progress,
                "error": report.error,
            }
        )


class ReportFileView(ReadPageMixin, View):
    """The report's Excel file, served only after the role check (it is private)."""

    model = SupervisionReport
    required_roles = REPORT_READERS

    def get(self, request, pk):
        report = get_object_or_404(self.get_queryset(), pk=pk, state=ReportState.DONE)
        path = report.file_path
        if not report.file_name or not path.is_file():
            raise Http404(_("The report's file is missing."))
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"督导报表-{report.period}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class ReportRetryView(ServiceActionView):
    """Ask again for the month of a failed report."""

    model = SupervisionReport
    required_roles = REPORT_WRITERS
    success_message = _("The report was requested again.")

    def call(self, obj):
        report, _created = services.supervision_report_retry(actor=self.request.user, report=obj)
        return report
