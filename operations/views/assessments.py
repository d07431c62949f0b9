"""Operations assessments: drafting, scoring, submitting and confirming."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from communities.listing import Column, ListPageMixin
from communities.mixins import RoleRequiredMixin, ServiceFormMixin

from .. import services
from ..choices import AssessmentState, OperationKind
from ..filtersets import AssessmentFilterSet
from ..forms import AssessmentForm
from ..models import OperationsAssessment
from ..roles import ASSESSMENT_READERS, ASSESSMENT_WRITERS
from .base import ReadPageMixin, ServiceActionView


class AssessmentListView(ListPageMixin, ReadPageMixin, FilterView):
    """Assessments the user may see, newest period first."""

    model = OperationsAssessment
    required_roles = ASSESSMENT_READERS
    writing_roles = ASSESSMENT_WRITERS
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


class AssessmentDetailView(ReadPageMixin, DetailView):
    """An assessment's scores by kind, with the weights, total and grade."""

    model = OperationsAssessment
    required_roles = ASSESSMENT_READERS
    writing_roles = ASSESSMENT_WRITERS
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
            states=AssessmentState,
            reward_awaits_release=services.reward_awaits_release(self.object),
        )
        return super().get_context_data(**kwargs)


class AssessmentCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Draft an assessment of a future community or a contract."""

    required_roles = ASSESSMENT_WRITERS
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
            queryset = OperationsAssessment.objects.restrict(self.request.user)
            self._assessment = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return self._assessment

    def get(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        if assessment.state != AssessmentState.DRAFT:
            messages.info(request, _("Only a draft assessment can be changed."))
            return redirect(assessment.get_absolute_url())
        return super().get(request, *args, **kwargs)

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
    """Submit, return or confirm an assessment (the action is in the URL)."""

    model = OperationsAssessment
    required_roles = ASSESSMENT_WRITERS
    actions = {
        "submit": (services.assessment_submit, _("The assessment was submitted.")),
        "return": (services.assessment_return, _("The assessment was returned to draft.")),
        "confirm": (services.assessment_confirm, _("The assessment was confirmed.")),
        "reward": (
            services.assessment_release_reward,
            _("The 600,000 yuan operations reward is now due."),
        ),
    }

    def call(self, obj):
        if self.kwargs["action"] not in self.actions:
            raise Http404
        service, self.success_message = self.actions[self.kwargs["action"]]
        return service(actor=self.request.user, assessment=obj)
