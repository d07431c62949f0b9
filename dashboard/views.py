"""Pages of the dashboard: the figures, the coverage matrix, the printable summary and their
workbooks. Every city role reads them city-wide; subdistrict staff see their own rows."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from communities.choices import FacilityType, GapStatus, Route
from communities.filtersets import subdistricts_for
from communities.listing import XLSX_CONTENT_TYPE

from . import selectors
from .coverage import STATUS_FILLS, cells, coverage_rows
from .forms import DashboardFilterForm
from .workbook import coverage_workbook, summary_workbook


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class DashboardMixin:
    """The filter form and the figures it selects."""

    def figures(self):
        form = DashboardFilterForm(self.request.GET or None, request=self.request)
        filters = form.filters()
        city_wide = selectors.is_city_wide(self.request.user)
        return form, filters, selectors.dashboard(self.request.user, filters, city_wide=city_wide)


class DashboardView(DashboardMixin, TemplateView):
    """Progress against the policy's targets, money, coverage, overdue steps and the trend."""

    template_name = "dashboard/dashboard.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            _form, _filters, data = self.figures()
            content = summary_workbook(
                data["figures"], data["goal"], title=_("Programme dashboard")
            )
            return xlsx_response(content, f"dashboard-{timezone.localdate():%Y%m%d}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form, filters, data = self.figures()
        kwargs.update(
            form=form,
            filters=filters,
            today=timezone.localdate(),
            # The one subdistrict whose rows the reader sees, named under the heading.
            bound_subdistrict=selectors.reader_subdistrict(self.request.user),
            **data,
        )
        return super().get_context_data(**kwargs)


class SummaryView(DashboardView):
    """The dashboard on one A4 page for the monthly meeting: figures as tables, no controls,
    the trend cut to the last twelve months."""

    template_name = "dashboard/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = [
            figure.recent(SUMMARY_MONTHS) if figure.key == "trend" else figure
            for figure in context["figures"]
        ]
        return context


SUMMARY_MONTHS = 12


class CoverageMatrixView(ListView):
    """Community × facility type, each cell coloured by its status with the shortfall in words."""

    template_name = "dashboard/coverage.html"
    paginate_by = 60
    context_object_name = "communities"

    def choices(self):
        params = self.request.GET
        subdistricts = subdistricts_for(self.request)
        subdistrict = (
            subdistricts.filter(pk=params.get("subdistrict") or None).first()
            if (params.get("subdistrict", "").isdigit())
            else None
        )
        return {
            "subdistrict": subdistrict,
            "route": params.get("route") if params.get("route") in Route.values else "",
            "facility_type": params.get("facility_type")
            if params.get("facility_type") in FacilityType.values
            else "",
            "status": params.get("status") if params.get("status") in GapStatus.values else "",
        }

    def get_queryset(self):
        return coverage_rows(self.request.user, **self.choices())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            content = coverage_workbook(self.get_queryset(), title=_("Coverage matrix"))
            return xlsx_response(content, f"coverage-{timezone.localdate():%Y%m%d}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.choices()
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            rows=[(community, cells(community)) for community in context["communities"]],
            types=FacilityType.choices,
            statuses=[(value, label, STATUS_FILLS[value]) for value, label in GapStatus.choices],
            routes=Route.choices,
            subdistricts=(
                subdistricts_for(self.request) if selectors.is_city_wide(self.request.user) else ()
            ),
            chosen=chosen,
            query=query.urlencode(),
        )
        return context
