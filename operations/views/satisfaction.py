"""Resident satisfaction scores: the list, entering one, importing a survey workbook."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, FormView
from django_filters.views import FilterView

from communities.listing import Column, ListPageMixin
from communities.mixins import RoleRequiredMixin, ServiceFormMixin

from .. import selectors, services
from ..filtersets import SatisfactionFilterSet
from ..forms import SatisfactionForm, SurveyUploadForm
from ..models import SatisfactionScore
from ..roles import SATISFACTION_READERS, SATISFACTION_WRITERS
from ..survey import survey_template
from .base import ReadPageMixin

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SatisfactionListView(ListPageMixin, ReadPageMixin, FilterView):
    """Satisfaction scores the user may see."""

    model = SatisfactionScore
    required_roles = SATISFACTION_READERS
    writing_roles = SATISFACTION_WRITERS
    filterset_class = SatisfactionFilterSet
    paginate_by = 50
    template_name = "operations/satisfaction_list.html"
    columns = (
        Column("community", _("Community"), "community.name", order_by=("community__name",)),
        Column(
            "subdistrict",
            _("Subdistrict"),
            "community.subdistrict.name",
            order_by=("community__subdistrict__code",),
        ),
        Column("period", _("Period"), "period", order_by=("period",), width=10),
        Column("score", _("Satisfaction score"), "score", order_by=("score",), width=12),
        Column("respondents", _("Respondents"), "respondents", order_by=("respondents",), width=12),
        Column("source", _("Source"), "get_source_display", order_by=("source",)),
    )
    default_sort = "-period"
    export_filename = _("resident satisfaction")

    def get_queryset(self):
        return super().get_queryset().select_related("community__subdistrict")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("low_below", selectors.low_satisfaction_below())
        return super().get_context_data(**kwargs)


class SatisfactionCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    """Enter or correct a community's satisfaction score for a period."""

    required_roles = SATISFACTION_WRITERS
    model = SatisfactionScore
    form_class = SatisfactionForm
    template_name = "operations/form.html"
    success_message = _("The satisfaction score was saved.")
    success_url = reverse_lazy("operations:satisfaction_list")
    extra_context = {
        "heading": _("Record a satisfaction score"),
        "back_url": reverse_lazy("operations:satisfaction_list"),
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"community": self.request.GET.get("community")}

    def call_service(self, form):
        data = form.cleaned_data
        return services.satisfaction_record(
            actor=self.request.user,
            community=data["community"],
            period=data["period"],
            score=data["score"],
            respondents=data["respondents"],
        )


class SatisfactionImportView(RoleRequiredMixin, FormView):
    """Import a survey workbook: every row or none, with the problems listed by row."""

    required_roles = SATISFACTION_WRITERS
    form_class = SurveyUploadForm
    template_name = "operations/satisfaction_import.html"

    def form_valid(self, form):
        try:
            count = services.satisfaction_import(
                actor=self.request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=error.messages)
            )
        messages.success(
            self.request, _("Imported %(count)s satisfaction scores.") % {"count": count}
        )
        return redirect(reverse("operations:satisfaction_list"))


class SurveyTemplateView(RoleRequiredMixin, View):
    """The empty survey workbook to fill in."""

    required_roles = SATISFACTION_WRITERS

    def get(self, request):
        response = HttpResponse(survey_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=str(_("satisfaction-survey-template.xlsx"))
        )
        return response
