"""Pages of the projects app: the subdistrict's plans, future communities, development blocks."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from communities.access import CHANGE, may
from communities.choices import Route
from communities.lifecycle import ADMIN, PAGE
from communities.listing import Column, ListPageMixin
from communities.mixins import (
    ParentObjectMixin,
    RestrictedQuerysetMixin,
    RoleRequiredMixin,
    ServiceActionView,
    add_service_errors,
)
from communities.roles import Role, has_role
from communities.search import ChoiceSearchView
from funding import selectors as funding_selectors
from funding import views as funding_views

from . import selectors, services
from .choices import FUTURE_STAGE_ORDER, FutureStage
from .export import XLSX_CONTENT_TYPE, three_year_plan_workbook
from .filtersets import DevelopmentBlockFilterSet, FutureProjectFilterSet, PlanFilterSet
from .forms import (
    AttachmentForm,
    CompleteForm,
    LineItemFormSet,
    PlanForm,
    ProgressForm,
    ScenarioBuiltForm,
    ScenarioPlanForm,
)
from .lifecycles import FUTURE, PLAN, PLAN_TABLE
from .models import (
    DevelopmentBlock,
    DigitalPlanReview,
    FutureCommunityProject,
    GapFillingPlan,
    JointAcceptance,
    PlanAttachment,
    PlanTableExport,
)
from .permissions import FUTURE_PROJECT_RULES, PROJECT_READERS, REPORT_SCENARIOS
from .plan_tables import FOLDER as PLAN_TABLE_FOLDER
from .plan_tables import plan_table_filterset
from .routes import RESPONSIBLE_UNITS
from .uploads import pending_discard, pending_get, pending_keep


class RouteContextMixin:
    """Each route's page names the route and its responsible units (policy §四)."""

    route = None

    def get_context_data(self, **kwargs):
        kwargs.update(
            route_label=Route(self.route).label, responsible_units=RESPONSIBLE_UNITS[self.route]
        )
        return super().get_context_data(**kwargs)


def _batch_or_year(project) -> str:
    if project.provincial_batch:
        return _("Provincial batch %(batch)s") % {"batch": project.provincial_batch}
    if project.plan_year:
        return _("City plan %(year)s") % {"year": project.plan_year}
    return ""


class NearerEndIds:
    """A queryset of ids that the paginator slices from whichever end is nearer: a page past
    the middle is read in the reverse order and turned round, so the database keeps a few rows
    of a top-N sort instead of sorting every plan to skip most of them."""

    def __init__(self, ids):
        self.ids = ids

    @cached_property
    def total(self) -> int:
        return self.ids.count()

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        bottom, top = window.start or 0, min(window.stop, self.total)
        if bottom <= self.total - top:
            return list(self.ids[bottom:top])
        return list(self.ids.reverse()[self.total - top : self.total - bottom])[::-1]


class PlanListView(ListPageMixin, RouteContextMixin, FilterView):
    """The plans the user may see ("my plans" for a subdistrict), with one FilterSet."""

    route = Route.GAP
    filterset_class = PlanFilterSet
    paginate_by = 25
    template_name = "projects/plan_list.html"
    export_filename = gettext_lazy("gap-filling plans")
    columns = (
        Column("title", gettext_lazy("Title"), "title", order_by=("title",), width=40),
        Column("community", gettext_lazy("Community"), "community.name", ("community__name",)),
        Column(
            "subdistrict", gettext_lazy("Subdistrict"), "subdistrict.name", ("subdistrict__name",)
        ),
        Column("year", gettext_lazy("Year"), "year", order_by=("year",), width=8),
        Column("state", gettext_lazy("State"), "get_state_display", order_by=("state",)),
        Column(
            "overdue",
            gettext_lazy("Overdue"),
            lambda plan: _("Overdue") if plan.is_overdue else "",
            order_by=("is_overdue",),
            width=10,
        ),
        Column(
            "line_items", gettext_lazy("Line items"), "line_item_count", ("line_item_count",), 10
        ),
        Column(
            "total_investment",
            gettext_lazy("Investment (yuan)"),
            "total_investment",
            order_by=("total_investment",),
        ),
        Column(
            "progress", gettext_lazy("Progress (%)"), "progress_percent", ("progress_percent",), 10
        ),
    )

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def paginate_queryset(self, queryset, page_size):
        """The page cut on the plans' ids alone, then its rows read with their figures: the
        database sorts narrow rows and computes the per-plan subqueries for the page only."""
        paginator, page, ids, is_paginated = super().paginate_queryset(
            NearerEndIds(queryset.values_list("pk", flat=True)), page_size
        )
        ids = list(ids)
        by_pk = {plan.pk: plan for plan in queryset.filter(pk__in=ids)} if ids else {}
        page.object_list = [by_pk[pk] for pk in ids]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        kwargs["can_create"] = selectors.drafts_plans(self.request.user)
        context = super().get_context_data(**kwargs)
        for plan in context["object_list"]:
            plan.days_in_state = selectors.days_in_state(plan)
        return context


class PlanDetailView(RestrictedQuerysetMixin, DetailView):
    """A plan with its state, line items, opinions, history and the buttons allowed now."""

    model = GapFillingPlan
    template_name = "projects/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.plan_detail(user=self.request.user)

    def get_context_data(self, bound_forms=None, **kwargs):
        plan, user = self.object, self.request.user
        bound_forms = bound_forms or {}
        actions = {step.name for step in PLAN.available(user, plan, where=PAGE)}

        def form(name, form_class):
            """The step's form: as posted when it was refused, else empty; None if not allowed."""
            return (bound_forms.get(name) or form_class()) if name in actions else None

        admin_steps = PLAN.available(user, plan, where=ADMIN) if user.is_staff else []
        kwargs.update(
            actions=actions,
            missing_agreements=selectors.missing_agreements(plan) if plan.review_round else [],
            return_reasons=selectors.return_reasons(plan),
            next_step=selectors.next_step(plan),
            approval_printable=plan.state in selectors.APPROVED_STATES,
            acceptance_printable=plan.state in selectors.ACCEPTED_STATES,
            spaces=[a.space for a in plan.space_allocations.all() if a.is_active],
            progress_form=form("progress", ProgressForm),
            complete_form=form("complete", CompleteForm),
            attachment_form=form("attach", AttachmentForm),
            admin_url=reverse("admin:projects_gapfillingplan_change", args=[plan.pk])
            if user.is_staff
            else "",
            admin_actions=[
                (
                    step.name,
                    step.title,
                    reverse("admin:projects_gapfillingplan_transition", args=[plan.pk, step.name]),
                )
                for step in admin_steps
            ],
        )
        return super().get_context_data(**kwargs)


class PlanFormView(RoleRequiredMixin, FormView):
    """Draft a new plan or revise a draft or returned one: content, line items, spaces, a file."""

    required_roles = (Role.SUBDISTRICT_STAFF,)
    form_class = PlanForm
    template_name = "projects/plan_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The role first: other roles get a 403, not a plan that "cannot be changed".
        self.ensure_role(request)
        self.plan = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.plan = get_object_or_404(
                GapFillingPlan.objects.restrict(request.user), pk=kwargs["pk"]
            )
            decision = PLAN.decide(request.user, "edit", self.plan)
            if not decision:
                messages.error(request, decision.reason)
                return redirect("projects:plan_detail", pk=self.plan.pk)
        return super().dispatch(request, *args, **kwargs)

    def subdistrict(self):
        if self.plan is not None:
            return self.plan.subdistrict
        subdistrict = selectors.drafting_subdistrict(self.request.user)
        if subdistrict is None:
            raise PermissionDenied(_("Only a subdistrict's own staff may draft plans."))
        return subdistrict

    def pending_key(self) -> str:
        return f"plan-{self.plan.pk}" if self.plan else "plan-new"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            instance=self.plan or GapFillingPlan(),
            subdistrict=self.subdistrict(),
            pending=pending_get(self.request.session, self.pending_key()),
        )
        return kwargs

    def get_formset(self):
        return LineItemFormSet(
            self.request.POST or None,
            instance=self.plan or GapFillingPlan(),
            prefix="items",
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        kwargs["plan"] = self.plan
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        session, key = request.session, self.pending_key()
        if request.POST.get("remove_pending"):
            pending_discard(session, key)
        if not (form.is_valid() and formset.is_valid()):
            return self.invalid(form, formset)
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "community"}
        try:
            plan = services.plan_save(
                actor=request.user,
                plan=self.plan,
                community=form.cleaned_data.get("community"),
                fields=fields,
                line_items=formset.service_items(),
                spaces=form.cleaned_data["spaces"],
                attachment=form.cleaned_data.get("attachment"),
                pending=pending_get(session, key),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.invalid(form, formset)
        pending_discard(session, key)
        messages.success(request, _("The plan was saved."))
        return redirect("projects:plan_detail", pk=plan.pk)

    def invalid(self, form, formset):
        """Show the errors; a valid file chosen this time is kept for the next try."""
        upload = form.cleaned_data.get("attachment") if hasattr(form, "cleaned_data") else None
        if upload:
            form.show_pending(pending_keep(self.request.session, self.pending_key(), upload))
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class PlanSpaceChoicesView(RoleRequiredMixin, View):
    """The landing-space check boxes for the community chosen on the plan form (an HTML piece
    the form's script puts in place when the community changes)."""

    required_roles = (Role.SUBDISTRICT_STAFF,)

    def get(self, request):
        subdistrict = selectors.drafting_subdistrict(request.user)
        if subdistrict is None:
            raise PermissionDenied(_("Only a subdistrict's own staff may draft plans."))
        plan = None
        if _int(request.GET.get("plan")):
            plan = get_object_or_404(
                GapFillingPlan.objects.restrict(request.user), pk=_int(request.GET["plan"])
            )
            subdistrict = plan.subdistrict
        form = PlanForm(
            instance=plan or GapFillingPlan(),
            subdistrict=subdistrict,
            initial={"community": request.GET.get("community")},
        )
        return render(request, "includes/checkbox_options.html", {"field": form["spaces"]})


class PlanPrintView(RestrictedQuerysetMixin, DetailView):
    """A printable record of a plan (A4, static/portal/print.css): the approval notice once the
    plan is approved, the acceptance record once it is accepted; before that there is none."""

    model = GapFillingPlan
    context_object_name = "plan"
    # The states in which the record exists.
    states: tuple[str, ...] = ()

    def get_queryset(self):
        return selectors.plan_detail(user=self.request.user).filter(state__in=self.states)

    def get_context_data(self, **kwargs):
        plan = self.object
        kwargs.update(
            money=funding_selectors.money_panel_for(plan=plan),
            printed_on=timezone.localdate(),
            record_number=selectors.acceptance_record_number(plan),
        )
        kwargs["amounts"] = self.amounts(plan, kwargs["money"])
        return super().get_context_data(**kwargs)

    def amounts(self, plan, money) -> list[tuple[str, object]]:
        """The amounts the record states, in figures and in capital numerals."""
        return []


class PlanApprovalPrintView(PlanPrintView):
    """The approval notice (批复) of an approved plan, for printing."""

    template_name = "projects/print_approval.html"
    states = selectors.APPROVED_STATES

    def amounts(self, plan, money):
        return [
            (_("Total investment"), plan.total_investment),
            (_("Policy handling fee"), plan.policy_fee),
            (_("Subsidy committed"), money.total),
        ]


class PlanAcceptancePrintView(PlanPrintView):
    """The acceptance record (验收) of an accepted plan, for printing."""

    template_name = "projects/print_acceptance.html"
    states = selectors.ACCEPTED_STATES

    def amounts(self, plan, money):
        return [
            (_("Approved investment"), plan.total_investment),
            (_("Settled investment"), plan.settled_investment),
            (_("Policy handling fee"), plan.policy_fee),
            (_("Subsidy"), money.total),
            (_("Subsidy paid"), money.paid),
        ]


class PlanObjectMixin(ParentObjectMixin):
    """Loads the plan named in the URL through ``restrict``: another subdistrict's plan is 404."""

    parent_model = GapFillingPlan
    parent_url_kwarg = "pk"
    parent_context_name = "plan"


class PlanStepView(ServiceActionView):
    """A button of the plan page: the step of the plan's life cycle named in the URL, with its
    form, through its service. A refusal shows the plan page again with the reasons on top and
    the step's form as filled in."""

    model = GapFillingPlan
    lifecycle = PLAN
    page_view = PlanDetailView

    def setup(self, request, *args, **kwargs):
        # The plan page's URLs name the step "action" (projects:plan_action).
        kwargs["step"] = kwargs.pop("action", None)
        super().setup(request, *args, **kwargs)


def _int(value) -> int | None:
    """A posted number, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AttachmentDownloadView(PlanObjectMixin, View):
    """Serves a plan's attachment to users who may see the plan, and to nobody else."""

    def get(self, request, pk, attachment_pk):
        plan = self.get_parent()
        attachment = get_object_or_404(PlanAttachment, plan=plan, pk=attachment_pk)
        return private_download(attachment.file, attachment.original_name)


def private_download(stored, filename: str) -> FileResponse:
    """A stored private file as a download under its original name; a missing one is a 404."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename)


class FutureProjectListView(ListPageMixin, RouteContextMixin, FilterView):
    """The future-community projects the user may see."""

    route = Route.FUTURE
    filterset_class = FutureProjectFilterSet
    paginate_by = 50
    template_name = "projects/future_list.html"
    export_filename = gettext_lazy("future communities")
    columns = (
        Column("community", gettext_lazy("Community"), "community.name", ("community__name",)),
        Column(
            "subdistrict",
            gettext_lazy("Subdistrict"),
            "community.subdistrict.name",
            ("community__subdistrict__name",),
        ),
        Column(
            "batch",
            gettext_lazy("Batch or plan year"),
            _batch_or_year,
            order_by=("provincial_batch", "plan_year"),
        ),
        Column("category", gettext_lazy("Category"), "get_category_display", ("category",)),
        Column("type", gettext_lazy("Type"), "get_project_type_display", ("project_type",)),
        Column(
            "funding_mode",
            gettext_lazy("Funding mode"),
            "get_funding_mode_display",
            ("funding_mode",),
            width=30,
        ),
        Column(
            "investment",
            gettext_lazy("Creation investment (yuan)"),
            "creation_investment",
            ("creation_investment",),
        ),
        Column("stage", gettext_lazy("Stage"), "get_stage_display", ("stage",), width=24),
        Column("scenarios", gettext_lazy("Scenarios"), selectors.scenario_summary, width=40),
    )

    def get_queryset(self):
        return (
            FutureCommunityProject.objects.restrict(self.request.user)
            .select_related("community__subdistrict")
            .prefetch_related("scenarios")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for project in context["object_list"]:
            project.scenario_lines = selectors.scenario_lines(project)
        # A larger table than this is asked for and written in the background.
        context["plan_table_in_background"] = (
            context["paginator"].count > settings.PLAN_TABLE_DIRECT_ROWS
        )
        return context


class FutureProjectDetailView(RestrictedQuerysetMixin, DetailView):
    """A future-community project: its stages with the day each was reached and who recorded
    it, the digital-plan reviews, the joint acceptance, the history and the step forms the
    user may fill in now."""

    model = FutureCommunityProject
    template_name = "projects/future_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("community__subdistrict")
            # Read by the page and by what its steps wait for (the latest digital review, the
            # scenarios built), once.
            .prefetch_related(
                "scenarios",
                Prefetch(
                    "digital_reviews",
                    queryset=DigitalPlanReview.objects.select_related("recorded_by"),
                ),
            )
        )

    def get_context_data(self, bound_forms=None, **kwargs):
        project, user = self.object, self.request.user
        bound_forms = bound_forms or {}
        reached = FUTURE_STAGE_ORDER.index(project.stage)
        dates = selectors.stages_reached(project)
        kwargs["stages"] = [
            {
                "label": label,
                "done": index <= reached,
                "current": index == reached,
                "reached": dates.get(value) if index <= reached else None,
            }
            for index, (value, label) in enumerate(FutureStage.choices)
        ]
        kwargs["changes"] = list(project.status_changes.select_related("actor"))
        # What a step waits for is said by the page's own notices (the digital review's
        # disagreement, the steps this user holds).
        kwargs["next_step"] = FUTURE.next_line(project, waiting=False)
        reviews = list(project.digital_reviews.all())
        kwargs["digital_reviews"] = reviews
        kwargs["latest_review"] = reviews[0] if reviews else None
        kwargs["acceptance"] = selectors.joint_acceptance_of(project)
        kwargs["step_forms"] = [
            {
                "step": step,
                "url": reverse("projects:future_action", args=[project.pk, step.name]),
                "form": bound_forms.get(step.name)
                or FUTURE.form_class(step.name)(project=project, prefix=step.name),
            }
            for step in FUTURE.available(user, project, where=PAGE)
        ]
        kwargs["waiting"] = [
            decision
            for step in FUTURE.steps_from(project.stage, where=PAGE)
            if step.target
            and has_role(user, *step.roles)
            and not (decision := FUTURE.decide(user, step.name, project))
        ]
        kwargs["scenarios"] = selectors.project_scenarios(project)
        kwargs["scenario_form"] = (
            bound_forms.get("scenarios") or ScenarioPlanForm(project=project)
            if may(user, CHANGE, project) and project.stage in services.SCENARIO_PLANNING_STAGES
            else None
        )
        kwargs["built_form"] = (
            bound_forms.get("scenarios_built") or ScenarioBuiltForm(project=project)
            if may(user, REPORT_SCENARIOS, project)
            and project.stage in services.SCENARIO_CONSTRUCTION_STAGES
            and kwargs["scenarios"]
            else None
        )
        kwargs["admin_url"] = (
            reverse("admin:projects_futurecommunityproject_change", args=[project.pk])
            if user.is_staff
            else ""
        )
        return super().get_context_data(**kwargs)


class FutureScenariosView(ServiceActionView):
    """The task force saves what the project builds in each of the nine scenarios."""

    model = FutureCommunityProject
    page_view = FutureProjectDetailView
    required_roles = FUTURE_PROJECT_RULES[CHANGE].roles
    form_class = ScenarioPlanForm
    form_name = "scenarios"
    success_message = gettext_lazy("The scenarios were saved.")

    def get_form_kwargs(self, obj) -> dict:
        return {"project": obj}

    def call(self, obj, data: dict):
        return services.project_scenarios_save(
            actor=self.request.user, project=obj, scenarios=data["scenarios"]
        )


class FutureScenariosBuiltView(FutureScenariosView):
    """The subdistrict reports which of the project's scenarios are built."""

    required_roles = FUTURE_PROJECT_RULES[REPORT_SCENARIOS].roles
    form_class = ScenarioBuiltForm
    form_name = "scenarios_built"
    success_message = gettext_lazy("The scenarios built were reported.")

    def call(self, obj, data: dict):
        return services.project_scenarios_report_built(
            actor=self.request.user, project=obj, built=data["built"]
        )


class FutureStepView(ServiceActionView):
    """A form of the project page: the step of the project's life cycle named in the URL,
    through its service; a refusal shows the page again with the form as filled in."""

    model = FutureCommunityProject
    lifecycle = FUTURE
    page_view = FutureProjectDetailView

    def get_form_kwargs(self, obj) -> dict:
        return {"project": obj, "prefix": self.kwargs["step"]}


class FutureDocumentView(RestrictedQuerysetMixin, View):
    """Serves the document of a project's digital-plan review or joint acceptance to those who
    may see the project, and to nobody else."""

    model = FutureCommunityProject

    def get(self, request, pk, kind, record_pk):
        project = get_object_or_404(self.get_queryset(), pk=pk)
        if kind == "review":
            record = get_object_or_404(project.digital_reviews, pk=record_pk)
        elif kind == "acceptance":
            record = get_object_or_404(JointAcceptance, project=project, pk=record_pk)
        else:
            raise Http404
        return private_download(record.document, record.document_name)


class FutureProjectExportView(View):
    """The filtered projects as the three-year creation plan table (2023–2025), in Excel,
    written here while it has at most ``PLAN_TABLE_DIRECT_ROWS`` rows; a larger one is asked
    for with the list's button and written in the background (``PlanTableCreateView``)."""

    def get(self, request):
        limit = settings.PLAN_TABLE_DIRECT_ROWS
        # One row past the limit tells a table too large for the request, in the same query.
        projects = list(plan_table_filterset(request.user, request.GET).qs[: limit + 1])
        if len(projects) > limit:
            messages.info(
                request,
                _(
                    "The table has more than %(limit)s projects: it is written in the "
                    "background. Use the button to ask for it."
                )
                % {"limit": limit},
            )
            query = request.GET.urlencode()
            return redirect(reverse("projects:future_list") + (f"?{query}" if query else ""))
        response = HttpResponse(three_year_plan_workbook(projects), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            'attachment; filename="future-community-plan-2023-2025.xlsx"'
        )
        return response


class PlanTableCreateView(funding_views.ExportCreateView):
    """Ask for the three-year plan table of the projects as filtered, written in the background;
    then its page, which follows the progress."""

    required_roles = PROJECT_READERS
    list_url_name = "projects:future_list"

    def get_filterset(self, query):
        return plan_table_filterset(self.request.user, query)

    def request_export(self, **arguments):
        return services.plan_table_request(**arguments)


class PlanTableAccessMixin:
    """A plan table is its requester's alone (and the superuser's); to others it is a 404."""

    def visible_exports(self):
        return PlanTableExport.objects.restrict(self.request.user)


class PlanTableDetailView(PlanTableAccessMixin, funding_views.ExportDetailView):
    """A plan table's progress, polled by the page, and its download link once written."""

    template_name = "projects/plan_table_detail.html"
    lifecycle = PLAN_TABLE

    def get_context_data(self, **kwargs):
        # The filters in the reader's language, not in the one they were asked for in.
        filters = plan_table_filterset(self.object.requested_by, self.object.filters)
        kwargs["filter_summary"] = filters.summary()
        return super().get_context_data(**kwargs)


class PlanTableRetryView(funding_views.ExportRetryView):
    """Ask again, with the same filters, for a plan table that failed; then the new one's page."""

    model = PlanTableExport
    lifecycle = PLAN_TABLE


class PlanTableStatusView(PlanTableAccessMixin, funding_views.ExportStatusView):
    """A plan table's progress as JSON for the polling page."""


class PlanTableDownloadView(PlanTableAccessMixin, funding_views.ExportDownloadView):
    """Serve a written plan table to its requester."""

    folder = PLAN_TABLE_FOLDER


def _block_requirement(block):
    return selectors.block_requirement(block, list(block.units.all()))


class BlockListView(ListPageMixin, RouteContextMixin, FilterView):
    """Development blocks with their required integrated units."""

    route = Route.INTEGRATED
    filterset_class = DevelopmentBlockFilterSet
    template_name = "projects/block_list.html"
    export_filename = gettext_lazy("development blocks")
    columns = (
        Column("name", gettext_lazy("Name"), "name", order_by=("name",), width=30),
        Column(
            "subdistrict", gettext_lazy("Subdistrict"), "subdistrict.name", ("subdistrict__name",)
        ),
        Column("area", gettext_lazy("Land area (mu)"), "area_mu", order_by=("area_mu",)),
        Column(
            "population",
            gettext_lazy("Planned population"),
            "planned_population",
            ("planned_population",),
        ),
        Column(
            "required",
            gettext_lazy("Required units"),
            lambda block: _block_requirement(block).required,
        ),
        Column("units", gettext_lazy("Planned units"), "unit_count", order_by=("unit_count",)),
        Column(
            "warnings",
            gettext_lazy("Warnings"),
            lambda block: pgettext("between warnings", "; ").join(
                _block_requirement(block).warnings
            ),
            width=50,
        ),
    )

    def get_queryset(self):
        return (
            DevelopmentBlock.objects.restrict(self.request.user)
            .select_related("subdistrict", "community")
            .annotate(unit_count=Count("units"))
            .prefetch_related("units")
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(block, _block_requirement(block)) for block in context["object_list"]]
        return context


class BlockDetailView(RestrictedQuerysetMixin, DetailView):
    """A development block: the unit rule with its reasoning, the units and their gaps."""

    model = DevelopmentBlock
    template_name = "projects/block_detail.html"
    context_object_name = "dev_block"

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict", "community")

    def get_context_data(self, **kwargs):
        block = self.object
        units = list(block.units.all())
        kwargs["units"] = units
        kwargs["requirement"] = selectors.block_requirement(block, units)
        kwargs["place"] = " · ".join(
            part
            for part in (
                block.subdistrict.name if block.subdistrict else "",
                block.community.name if block.community else "",
                block.note,
            )
            if part
        )
        kwargs["admin_url"] = (
            reverse("admin:projects_developmentblock_change", args=[block.pk])
            if self.request.user.is_staff
            else ""
        )
        return super().get_context_data(**kwargs)


class FutureProjectSearchView(ChoiceSearchView):
    """Future-community projects the user may see, by community name or code, for the
    searchable project choice of an operations assessment."""

    model = FutureCommunityProject
    search_fields = ("community__name", "community__code", "community__subdistrict__name")
    ordering = ("community__subdistrict__code", "community__code")

    def get_queryset(self):
        return super().get_queryset().select_related("community")
