"""Pages of the operations app: operators and contracts, assessments, resident satisfaction,
supervision reports, and the searchable choices of operators and contracts.

Lists and detail pages read through ``restrict(user)``; who may read and write comes from the
access table (``permissions.py``); the buttons that move a row along its life cycle come from
``lifecycles.py`` and post to one :class:`~communities.mixins.ServiceActionView` each.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView
from django_filters.views import FilterView

from communities.access import CHANGE, VIEW, Rule
from communities.lifecycle import ILLEGAL, PAGE
from communities.listing import Column, ListPageMixin
from communities.mixins import (
    RestrictedQuerysetMixin,
    RoleRequiredMixin,
    ServiceActionView,
    ServiceFormMixin,
)
from communities.search import ChoiceSearchView

from . import selectors, services
from .choices import ContractState, OperationKind, ReportState
from .filtersets import (
    AssessmentFilterSet,
    ContractFilterSet,
    OperatorFilterSet,
    ReportFilterSet,
    SatisfactionFilterSet,
)
from .forms import (
    AssessmentForm,
    ContractForm,
    OperatorForm,
    ReportRequestForm,
    SatisfactionForm,
    SurveyUploadForm,
)
from .lifecycles import ASSESSMENT, CONTRACT, SUPERVISION_REPORT
from .models import (
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)
from .permissions import CONTRACT_READERS
from .report import sections_in
from .selectors import access_rule
from .survey import survey_template

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReadPageMixin(RoleRequiredMixin, RestrictedQuerysetMixin):
    """A page for those the access table lets read the model (or ``required_roles``), read
    through ``restrict(user)``; ``can_write`` tells the template whether the table lets the
    user change such rows, and ``separator`` joins the items of a list in the reader's
    language."""

    def ensure_role(self, request) -> None:
        reading = (
            Rule(self.required_roles) if self.required_roles else access_rule(self.model, VIEW)
        )
        if not reading.qualifies(request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_write", access_rule(self.model, CHANGE).qualifies(self.request.user))
        kwargs.setdefault("separator", pgettext("list separator", ", "))
        return super().get_context_data(**kwargs)


class LifecycleButtonsMixin:
    """Puts the life-cycle steps the user may take on the row now on its page, as ``steps``
    (in table order) and ``step_names``."""

    lifecycle = None

    def get_context_data(self, **kwargs):
        steps = self.lifecycle.available(self.request.user, self.object, where=PAGE)
        kwargs.update(steps=steps, step_names={step.name for step in steps})
        return super().get_context_data(**kwargs)


def refuse_unless_step_allowed(request, lifecycle, name: str, obj):
    """For a form page of a step: None when the user may take it now; a redirect to the row's
    page with the reason when its state refuses; 403/404 otherwise."""
    decision = lifecycle.decide(request.user, name, obj)
    if decision:
        return None
    if decision.code == ILLEGAL:
        messages.info(request, decision.reason)
        return redirect(obj.get_absolute_url())
    decision.raise_if_refused()
    return None


class OperatorListView(ListPageMixin, ReadPageMixin, FilterView):
    """The register of operators with how many active contracts each holds."""

    model = Operator
    required_roles = CONTRACT_READERS
    filterset_class = OperatorFilterSet
    paginate_by = 25
    template_name = "operations/operator_list.html"
    columns = (
        Column("name", _("Name"), "name", order_by=("name",), width=30),
        Column(
            "credit_code",
            _("Unified social credit code"),
            "credit_code",
            order_by=("credit_code",),
            width=22,
        ),
        Column(
            "facility_types",
            _("Facility types"),
            lambda operator: pgettext("list separator", ", ").join(
                str(label) for label in operator.facility_type_labels
            ),
            order_by=("facility_types",),
            width=30,
        ),
        Column("contact", _("Contact"), "contact_person", order_by=("contact_person",)),
        Column("phone", _("Phone"), "phone", order_by=("phone",)),
        Column(
            "active_contracts",
            _("Active contracts"),
            "active_contracts",
            order_by=("active_contracts",),
            width=10,
        ),
    )
    default_sort = "name"
    export_filename = _("operators")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                active_contracts=Count("contracts", filter=Q(contracts__state=ContractState.ACTIVE))
            )
            .order_by("name", "pk")
        )


class OperatorDetailView(ReadPageMixin, DetailView):
    """An operator with its contracts and its elderly-care "1+N" chains."""

    model = Operator
    required_roles = CONTRACT_READERS
    template_name = "operations/operator_detail.html"

    def get_context_data(self, **kwargs):
        contracts = list(selectors.operator_contracts(operator=self.object, user=self.request.user))
        kwargs.update(
            contracts=contracts,
            chains=selectors.elderly_care_chains(contracts),
            assessments=selectors.contract_assessments(
                user=self.request.user, contract__operator=self.object
            ),
            can_edit=selectors.operator_editable_by(self.request.user, self.object),
        )
        return super().get_context_data(**kwargs)


class OperatorFormMixin(RoleRequiredMixin, ServiceFormMixin):
    required_roles = access_rule(Operator, CHANGE).roles
    model = Operator
    form_class = OperatorForm
    template_name = "operations/form.html"
    success_message = _("The operator was saved.")

    def get_success_url(self):
        return self.object.get_absolute_url()


class OperatorCreateView(OperatorFormMixin, CreateView):
    """Register an operator."""

    extra_context = {
        "heading": _("Register an operator"),
        "back_url": reverse_lazy("operations:operator_list"),
    }

    def call_service(self, form):
        return services.operator_create(actor=self.request.user, fields=form.cleaned_data)


class OperatorUpdateView(OperatorFormMixin, UpdateView):
    """Change an operator's details."""

    extra_context = {"heading": _("Edit the operator")}

    def get_queryset(self):
        return Operator.objects.restrict(self.request.user)

    def get_object(self, queryset=None):
        # Staff may not open the form of an operator another subdistrict also contracts.
        operator = super().get_object(queryset)
        if not selectors.operator_editable_by(self.request.user, operator):
            raise PermissionDenied
        return operator

    def call_service(self, form):
        return services.operator_update(
            actor=self.request.user, operator=self.object, fields=form.cleaned_data
        )


class ContractListView(ListPageMixin, ReadPageMixin, FilterView):
    """Operating contracts the user may see."""

    model = OperatingContract
    filterset_class = ContractFilterSet
    paginate_by = 25
    template_name = "operations/contract_list.html"
    columns = (
        Column(
            "title",
            pgettext_lazy("operating contract", "Title"),
            "title",
            order_by=("title",),
            width=30,
        ),
        Column(
            "subdistrict", _("Subdistrict"), "subdistrict.name", order_by=("subdistrict__code",)
        ),
        Column("operator", _("Operator"), "operator.name", order_by=("operator__name",), width=26),
        Column(
            "service_level",
            _("Service level"),
            "get_service_level_display",
            order_by=("service_level",),
        ),
        Column("starts_on", _("Starts on"), "starts_on", order_by=("starts_on",), width=12),
        Column("ends_on", _("Ends on"), "ends_on", order_by=("ends_on",), width=12),
        Column("annual_fee", _("Annual fee (yuan)"), "annual_fee", order_by=("annual_fee",)),
        Column(
            "facility_count",
            _("Facilities"),
            "facility_count",
            order_by=("facility_count",),
            width=10,
        ),
        Column("state", _("State"), "standing", order_by=("state", "ends_on")),
    )
    default_sort = "subdistrict"
    export_filename = _("operating contracts")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("subdistrict", "operator")
            .annotate(facility_count=Count("facilities"))
            .order_by("subdistrict__code", "-starts_on", "pk")
        )


class ContractDetailView(LifecycleButtonsMixin, ReadPageMixin, DetailView):
    """A contract with its facilities, and the buttons of the steps the user may take."""

    model = OperatingContract
    lifecycle = CONTRACT
    template_name = "operations/contract_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict", "operator")

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.update(
            facilities=self.object.facilities.select_related("community"),
            assessments=selectors.contract_assessments(user=user, contract=self.object),
            assess_url=(
                f"{reverse('operations:assessment_add')}?contract={self.object.pk}"
                if access_rule(OperationsAssessment, CHANGE).qualifies(user)
                else ""
            ),
        )
        return super().get_context_data(**kwargs)


class ContractFormMixin(RoleRequiredMixin, ServiceFormMixin):
    required_roles = access_rule(OperatingContract, CHANGE).roles
    model = OperatingContract
    form_class = ContractForm
    template_name = "operations/form.html"
    success_message = _("The contract was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return self.object.get_absolute_url()

    def contract_fields(self, form) -> dict:
        skip = {"subdistrict", "facilities"}
        return {name: value for name, value in form.cleaned_data.items() if name not in skip}


class ContractCreateView(ContractFormMixin, CreateView):
    """Sign a contract with an operator."""

    extra_context = {
        "heading": _("Record an operating contract"),
        "back_url": reverse_lazy("operations:contract_list"),
    }

    def get_initial(self):
        return {"operator": self.request.GET.get("operator")}

    def call_service(self, form):
        return services.contract_create(
            actor=self.request.user,
            subdistrict=form.cleaned_data["subdistrict"],
            facilities=form.cleaned_data["facilities"],
            fields=self.contract_fields(form),
        )


class ContractUpdateView(ContractFormMixin, UpdateView):
    """Change a contract's term, fee or facilities."""

    extra_context = {"heading": _("Edit the operating contract")}

    def get_queryset(self):
        return OperatingContract.objects.restrict(self.request.user, CHANGE)

    def get(self, request, *args, **kwargs):
        refusal = refuse_unless_step_allowed(request, CONTRACT, "edit", self.get_object())
        return refusal or super().get(request, *args, **kwargs)

    def call_service(self, form):
        return services.contract_update(
            actor=self.request.user,
            contract=self.object,
            facilities=form.cleaned_data["facilities"],
            fields=self.contract_fields(form),
        )


class ContractTerminateView(ServiceActionView):
    """End a contract early."""

    model = OperatingContract
    lifecycle = CONTRACT
    step_name = "terminate"
    page_view = ContractDetailView


class AssessmentListView(ListPageMixin, ReadPageMixin, FilterView):
    """Assessments the user may see, newest period first."""

    model = OperationsAssessment
    filterset_class = AssessmentFilterSet
    paginate_by = 25
    template_name = "operations/assessment_list.html"
    columns = (
        Column(
            "subject",
            _("Assessed"),
            lambda assessment: str(assessment.subject),
            order_by=("project__community__name", "contract__title"),
            width=30,
        ),
        Column(
            "kind",
            _("Kind"),
            lambda assessment: (
                _("Future community") if assessment.project_id else _("Operating contract")
            ),
            order_by=("contract",),
        ),
        Column(
            "subdistrict", _("Subdistrict"), "subdistrict.name", order_by=("subdistrict__code",)
        ),
        Column("period", _("Period"), "period", order_by=("period",), width=10),
        Column("total", _("Total score"), "total", order_by=("total",), width=10),
        Column("grade", _("Grade"), "get_grade_display", order_by=("grade",), width=10),
        Column("state", _("State"), "get_state_display", order_by=("state",)),
        Column(
            "assessed_by",
            _("Assessed by"),
            lambda assessment: str(assessment.assessed_by or ""),
            order_by=("assessed_by__first_name", "assessed_by__username"),
        ),
    )
    default_sort = "-period"
    export_filename = _("operations assessments")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("subdistrict", "project__community", "contract", "assessed_by")
        )


class AssessmentDetailView(LifecycleButtonsMixin, ReadPageMixin, DetailView):
    """An assessment's scores by kind, with the weights, total and grade, and the buttons of
    the steps the user may take."""

    model = OperationsAssessment
    lifecycle = ASSESSMENT
    template_name = "operations/assessment_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "subdistrict", "project__community", "contract", "scheme", "assessed_by"
            )
        )

    def get_context_data(self, **kwargs):
        weights = self.object.grading["weights"]
        scores = self.object.scores()
        kwargs.update(
            lines=[
                {"label": kind.label, "weight": weights[kind], "score": scores[kind]}
                for kind in OperationKind
            ],
        )
        return super().get_context_data(**kwargs)


class AssessmentCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Draft an assessment of a future community or a contract."""

    required_roles = access_rule(OperationsAssessment, CHANGE).roles
    form_class = AssessmentForm
    template_name = "operations/form.html"
    success_message = _("The assessment was saved as a draft.")
    extra_context = {
        "heading": _("New operations assessment"),
        "back_url": reverse_lazy("operations:assessment_list"),
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {
            "project": self.request.GET.get("project"),
            "contract": self.request.GET.get("contract"),
        }

    def call_service(self, form):
        return services.assessment_create(
            actor=self.request.user,
            project=form.cleaned_data["project"],
            contract=form.cleaned_data["contract"],
            period=form.cleaned_data["period"],
            scores=form.scores(),
            comments=form.cleaned_data["comments"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class AssessmentUpdateView(AssessmentCreateView):
    """Change the scores of a draft assessment."""

    success_message = _("The assessment was saved.")
    extra_context = {"heading": _("Edit the assessment")}

    def get_assessment(self):
        if not hasattr(self, "_assessment"):
            queryset = OperationsAssessment.objects.restrict(self.request.user, CHANGE)
            self._assessment = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return self._assessment

    def get(self, request, *args, **kwargs):
        refusal = refuse_unless_step_allowed(request, ASSESSMENT, "edit", self.get_assessment())
        return refusal or super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        assessment = self.get_assessment()
        initial = {
            "project": assessment.project_id,
            "contract": assessment.contract_id,
            "period": assessment.period,
            "comments": assessment.comments,
        }
        for field in ("space", "activity", "groups", "life_services", "digital"):
            initial[f"score_{field}"] = getattr(assessment, f"score_{field}")
        return initial

    def call_service(self, form):
        return services.assessment_update(
            actor=self.request.user,
            assessment=self.get_assessment(),
            scores=form.scores(),
            comments=form.cleaned_data["comments"],
        )

    def get_context_data(self, **kwargs):
        kwargs["back_url"] = self.get_assessment().get_absolute_url()
        return super().get_context_data(**kwargs)


class AssessmentActionView(ServiceActionView):
    """Submit, return or confirm an assessment, or release its reward (the step is in the
    URL)."""

    model = OperationsAssessment
    lifecycle = ASSESSMENT
    page_view = AssessmentDetailView

    def setup(self, request, *args, **kwargs):
        kwargs.setdefault("step", kwargs.pop("action", None))
        super().setup(request, *args, **kwargs)


class SatisfactionListView(ListPageMixin, ReadPageMixin, FilterView):
    """Satisfaction scores the user may see."""

    model = SatisfactionScore
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

    required_roles = access_rule(SatisfactionScore, CHANGE).roles
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

    required_roles = access_rule(SatisfactionScore, CHANGE).roles
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

    required_roles = access_rule(SatisfactionScore, CHANGE).roles

    def get(self, request):
        response = HttpResponse(survey_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=str(_("satisfaction-survey-template.xlsx"))
        )
        return response


class ReportListView(ListPageMixin, ReadPageMixin, FilterView):
    """Reports requested so far, and the form to request one."""

    model = SupervisionReport
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
        if access_rule(SupervisionReport, CHANGE).qualifies(self.request.user):
            kwargs.setdefault("latest_month", timezone.localdate().strftime("%Y-%m"))
            kwargs.setdefault(
                "request_form",
                ReportRequestForm(
                    initial={"period": selectors.previous_month(timezone.localdate())}
                ),
            )
        return super().get_context_data(**kwargs)


class ReportRequestView(ServiceActionView):
    """Queue a report for a month; a second request joins the one already running."""

    required_roles = access_rule(SupervisionReport, CHANGE).roles
    form_class = ReportRequestForm

    def call(self, obj, data):
        return services.supervision_report_request(actor=self.request.user, period=data["period"])

    def get_success_message(self, step, result) -> str:
        _report, created = result
        return "" if created else _("A report for this month is already being built.")

    def get_success_url(self, obj, result):
        report, _created = result
        return report.get_absolute_url()

    def get_refusal_url(self, obj):
        return reverse("operations:report_list")


# Rows of a section shown folded, and a page of an opened section.
REPORT_FIRST_ROWS = 10
REPORT_PAGE_ROWS = 100


class ReportDetailView(LifecycleButtonsMixin, ReadPageMixin, DetailView):
    """The report's progress while it is built; its tables and file once done."""

    model = SupervisionReport
    lifecycle = SUPERVISION_REPORT
    template_name = "operations/report_detail.html"

    def get_context_data(self, **kwargs):
        kwargs["states"] = ReportState
        kwargs["sections"] = self.folded(
            sections_in(self.object.summary, translation.get_language())
        )
        if self.object.state == ReportState.FAILED:
            kwargs["newer"] = (
                self.get_queryset()
                .filter(period=self.object.period, pk__gt=self.object.pk)
                .exclude(state=ReportState.FAILED)
                .order_by("-pk")
                .first()
            )
        return super().get_context_data(**kwargs)

    def folded(self, sections: list[dict]) -> list[dict]:
        """Each section with its first rows only, and the one named by ``?section=`` a page of
        its rows at a time: a province's report holds thousands of rows."""
        opened = self.request.GET.get("section", "")
        folded = []
        for section in sections:
            rows = section.get("rows", [])
            shown = {**section, "total": len(rows), "opened": section["key"] == opened}
            if shown["opened"]:
                page = Paginator(rows, REPORT_PAGE_ROWS).get_page(self.request.GET.get("page"))
                shown.update(rows=page.object_list, page_obj=page)
            else:
                shown["rows"] = rows[:REPORT_FIRST_ROWS]
            folded.append(shown)
        return folded


class ReportStatusView(ReadPageMixin, View):
    """The report's state and progress as JSON, for the page that polls it."""

    model = SupervisionReport

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
    """Ask again for the month of a failed report; go to the report now queued."""

    model = SupervisionReport
    lifecycle = SUPERVISION_REPORT
    step_name = "retry"
    page_view = ReportDetailView

    def get_success_url(self, obj, result):
        report, _created = result
        return report.get_absolute_url()


class OperatorSearchView(ChoiceSearchView):
    """Operators by name or credit code, for those who read operators and contracts."""

    model = Operator
    required_roles = CONTRACT_READERS
    search_fields = ("name", "credit_code")
    ordering = ("name", "pk")


class ContractSearchView(ChoiceSearchView):
    """Contracts the user may see, by title, operator or subdistrict."""

    model = OperatingContract
    required_roles = CONTRACT_READERS
    search_fields = ("title", "operator__name", "subdistrict__name")
    ordering = ("subdistrict__code", "-starts_on", "pk")

    def get_queryset(self):
        return super().get_queryset().select_related("operator")
